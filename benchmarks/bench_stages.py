"""CPU time of each non-entity stage in isolation, on one batch of pages (issue 8).

    python -m benchmarks.bench_stages [--input DIR | --mb 5] [--repeat 3] [--only STAGE ...]

Stages, each timed alone with time.process_time (the machine is shared; CPU time is steadier than wall time):
ingest (read, hash, decode: flows.pipeline.ingest_batch), clean_layout (transforms.stages.layout_rows),
segmentation (as the pipeline does it: segment.fold_batch, the one segment.tag_batch pass, the word lists and
segment.token_stats with the entity spans), frames (transforms.stages.build_frames), cache_write (PageCache.put_batch)
and load (Warehouse.stage + publish into a new DuckDB file; the schema is made outside the timing). Entities
and metrics run once, untimed, to give the rows the frames need.

Prints the first run ("cold": module-level memo tables empty, as in the first batch of a fresh worker
process) and the best of the following `repeat` runs. Whole-batch stages run on the input as one batch;
the flow cuts batches of 4 MB.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path


def _timed(fn, repeat: int) -> tuple[float, float, object]:
    t0 = time.process_time()
    result = fn()
    cold = time.process_time() - t0
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        result = fn()
        best = min(best, time.process_time() - t0)
    return cold, best, result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--input", help="folder of pages (default: build --mb MB from the corpus)")
    ap.add_argument("--mb", type=float, default=5.0)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", nargs="*", help="stages to time (default all)")
    args = ap.parse_args(argv)

    from flows import inputs
    from flows.cache import PageCache
    from flows.pipeline import ingest_batch
    from transforms import entities, metrics, segment
    from transforms import stages as tp
    from warehouse.store import Warehouse

    with tempfile.TemporaryDirectory(prefix="zhnews-stages-") as tmp:
        tmp = Path(tmp)
        folder = Path(args.input) if args.input else tmp / "pages"
        if not args.input:
            from benchmarks.pages import build_pages
            build_pages(folder, args.mb)
        files = inputs.discover([str(folder)])
        mb = sum(f.size for f in files) / 1e6
        wanted = set(args.only or ("ingest", "clean_layout", "segmentation", "frames", "cache_write", "load"))
        results: dict[str, tuple[float, float]] = {}

        def stage(name: str, fn):
            if name not in wanted:
                return fn()
            cold, best, out = _timed(fn, args.repeat)
            results[name] = (cold, best)
            print(f"{name:<14}{cold:>8.3f}{best:>8.3f}", flush=True)
            return out

        print(f"{len(files)} pages, {mb:.1f} MB; CPU seconds: {'cold':>8}{'best':>8} (of {args.repeat})")
        batch = stage("ingest", lambda: ingest_batch.fn(1, files, lambda sids: {}, False))
        article_rows, residue_rows = stage("clean_layout", lambda: tp.layout_rows(batch.pages))
        bodies = [r["body"] for r in article_rows]
        # the pipeline's segmentation: the one rjieba pass on the folded bodies, then token counts and keywords
        # with the entity spans (the entities are found once, untimed, from that pass)
        tokens = segment.tag_batch(segment.fold_batch(bodies))
        found = entities.extract_entities_batch(bodies, tokens)
        spans = [[(m.start, m.end) for m in ms] for ms in found]

        def segmentation():
            toks = segment.tag_batch(segment.fold_batch(bodies))
            words = [[w for w, _ in t] for t in toks]
            return words, segment.token_stats(bodies, words, spans)

        words, (counts, keywords) = stage("segmentation", segmentation)
        for row, n, kw in zip(article_rows, counts, keywords):
            row["token_count"], row["keywords"] = n, kw
        mention_rows, entity_rows = tp._mentions(article_rows, found)
        metric_rows = tp._metrics(article_rows, metrics.extract_metrics_batch(bodies, words))
        frames = stage("frames", lambda: tp.build_frames(article_rows, entity_rows, mention_rows, metric_rows,
                                                         residue_rows))
        keys = {p.source_id: f"key-{p.source_id}" for p in batch.pages}
        stage("cache_write", lambda: PageCache(str(tmp / "cache")).put_batch(keys, frames))

        def load(n: int) -> float:
            """Stage and publish the batch into a new warehouse; CPU seconds without making the schema."""
            wh = Warehouse(tmp / f"wh{n}" / "z.duckdb")
            with wh.lock():
                wh.ensure_schema()
                t0 = time.process_time()
                wh.stage(frames)
                wh.publish(batch.loaded_meta, "bench")
                return time.process_time() - t0

        if "load" in wanted:
            times = [load(n) for n in range(args.repeat + 1)]
            results["load"] = (times[0], min(times[1:]))
            print(f"{'load':<14}{times[0]:>8.3f}{min(times[1:]):>8.3f}")
        total = sum(b for _, b in results.values())
        print(f"{'total (best)':<14}{'':>8}{total:>8.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
