"""Validation cost: one real flow run over ~N MB of pages built from the shared corpus, with the share of the
run spent in data-quality validation (RunSummary.stage_seconds["validation"] / run seconds) and where it goes.

    .venv/bin/python benchmarks/bench_dq.py [--mb 30] [--batch-mb 4] [--runner process|thread] [--workers 2]

Pages (headline, blank line, paragraphs; 4 articles a page) go to a temporary folder, never into the repo.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "xwlb_articles.jsonl.gz"


def build_pages(out: Path, mb: float, per_page: int = 4) -> int:
    target, total, n, page = int(mb * 1024 * 1024), 0, 0, []
    out.mkdir(parents=True, exist_ok=True)
    while total < target:
        with gzip.open(CORPUS, "rt", encoding="utf-8") as fh:
            for line in fh:
                a = json.loads(line)
                paras = [p.strip() for p in a["text"].split("\n") if p.strip()]
                page.append(a["title"] + "\n\n" + "\n\n".join(paras))
                if len(page) == per_page:
                    data = "\n\n\n".join(page).encode("utf-8")
                    (out / f"p{n:05d}.txt").write_bytes(data)
                    total, n, page = total + len(data), n + 1, []
                    if total >= target:
                        break
    return total


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=30.0)
    ap.add_argument("--batch-mb", type=float, default=4.0)
    ap.add_argument("--runner", choices=("thread", "process"), default="process")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="zhnews-dqbench-"))
    os.environ.setdefault("PREFECT_HOME", str(tmp / "prefect"))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    sys.path.insert(0, str(ROOT))
    try:
        size = build_pages(tmp / "pages", args.mb)
        from expectations import runner as dq
        from flows.runners import build_task_runner
        from flows.pipeline import zhnews_run
        from flows.settings import Settings

        flow = zhnews_run.with_options(task_runner=build_task_runner(args.runner, args.workers, None))
        t0 = time.perf_counter()
        s = flow(settings=Settings(inputs=[str(tmp / "pages")], warehouse=str(tmp / "wh" / "zhnews.duckdb"),
                                   task_runner=args.runner, workers=args.workers, batch_mb=args.batch_mb,
                                   use_cache=False))
        wall = time.perf_counter() - t0
        v = s.stage_seconds.get("validation", 0.0)
        print(f"{size / 2**20:.1f} MB, {s.files_loaded} pages loaded, {s.files_quarantined} quarantined; runner "
              f"{args.runner}, {args.batch_mb:g} MB batches ({s.batches})")
        print(f"run {s.seconds:.1f} s (wall with Prefect start {wall:.1f} s); stages "
              f"{ {k: round(x, 1) for k, x in s.stage_seconds.items()} }")
        print(f"validation: {v:.1f} s = {v / s.seconds:.1%} of the run; parts "
              f"{ {k: round(x, 2) for k, x in dq.LAST_SECONDS.items()} }")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
