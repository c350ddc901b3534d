"""CPU seconds of each transform stage as the pipeline runs it, for A/B runs of two source trees (issue 17).

    PYTHONPATH=TREE python benchmarks/stage_cpu.py DIR [--batch-mb 4] [--warm]

Runs the flow's own code on DIR without Prefect: `ingest_batch` on batches cut as the flow cuts them, then
`transforms.stages.transform_pages_timed` (its stage laps measured with time.process_time instead of
perf_counter, so they are CPU seconds of this process, steadier than wall time on a shared machine) and
`PageCache.put_batch`. `--warm`: transform 30 pages first, untimed (tokenizer, entity model and memo tables
loaded, as in a worker after its first batch). Prints one JSON line of seconds per stage, then one of CPU
seconds inside segment.fold / fold_batch / tag_batch / token_stats (wherever they are called from).

For A/B: run it alternately with PYTHONPATH=/work/main and PYTHONPATH=<worktree> (cwd in that tree), several
rounds, and compare medians. It only uses functions both trees have.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import types


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("input")
    ap.add_argument("--batch-mb", type=float, default=4.0)
    ap.add_argument("--warm", action="store_true")
    args = ap.parse_args(argv)

    import transforms.stages as tp
    from flows import inputs
    from flows.cache import PageCache
    from flows.pipeline import ingest_batch, plan_batches
    from transforms import segment

    tp.time = types.SimpleNamespace(perf_counter=time.process_time)     # the stage laps in CPU seconds
    parts: dict[str, float] = {}

    def timed(name: str):
        fn = getattr(segment, name)

        def run(*a, **k):
            t0 = time.process_time()
            try:
                return fn(*a, **k)
            finally:
                parts[name] = parts.get(name, 0.0) + time.process_time() - t0
        return run

    for name in ("fold", "fold_batch", "tag_batch", "token_stats"):
        if hasattr(segment, name):
            setattr(segment, name, timed(name))
    files = inputs.discover([args.input])
    if args.warm:
        tp.transform_pages_timed(ingest_batch.fn(0, files[:30], lambda sids: {}, False).pages)
        parts.clear()
    seconds: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="zhnews-stagecpu-") as tmp:
        for n, batch_files in enumerate(plan_batches(files, int(args.batch_mb * 1e6)), 1):
            t0 = time.process_time()
            batch = ingest_batch.fn(n, batch_files, lambda sids: {}, False)
            seconds["ingest"] = seconds.get("ingest", 0.0) + time.process_time() - t0
            frames, timings = tp.transform_pages_timed(batch.pages)
            for stage, s in timings.items():
                seconds[stage] = seconds.get(stage, 0.0) + s
            t0 = time.process_time()
            PageCache(tmp).put_batch({p.source_id: f"key-{p.source_id}" for p in batch.pages}, frames)
            seconds["cache_write"] = seconds.get("cache_write", 0.0) + time.process_time() - t0
    print(json.dumps({k: round(v, 3) for k, v in seconds.items()}))
    print(json.dumps({k: round(v, 3) for k, v in parts.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
