"""Throughput of transforms.metrics.extract_metrics on one core over real news text.

    python benchmarks/bench_metrics.py [PATH] [--mb N]

PATH: gzip JSON lines with a "text" field (default ../shared/corpus/xwlb_articles.jsonl.gz).
Reads up to N MB of UTF-8 text (default 10), runs the extractor once over every article in this one
process, and prints MB/s (MB = 10^6 UTF-8 bytes) and metrics per MB.
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from transforms.metrics import extract_metrics, extract_metrics_batch  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "corpus" / "xwlb_articles.jsonl.gz"


def load(path: Path, limit_bytes: int) -> list[str]:
    texts, total = [], 0
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            text = json.loads(line).get("text") or ""
            texts.append(text)
            total += len(text.encode("utf-8"))
            if total >= limit_bytes:
                break
    return texts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("path", nargs="?", default=str(DEFAULT))
    ap.add_argument("--mb", type=float, default=10.0)
    args = ap.parse_args(argv)
    texts = load(Path(args.path), int(args.mb * 1e6))
    nbytes = sum(len(t.encode("utf-8")) for t in texts)
    extract_metrics(texts[0])  # warm up: lexicons, compiled patterns, rjieba dictionary
    t0, c0 = time.perf_counter(), time.process_time()
    results = extract_metrics_batch(texts)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    n = sum(len(r) for r in results)
    print(f"{len(texts)} articles, {nbytes / 1e6:.1f} MB, {n} metrics ({n / (nbytes / 1e6):.0f}/MB) "
          f"in {elapsed:.2f} s: {nbytes / 1e6 / elapsed:.1f} MB/s on one core "
          f"(CPU time {cpu:.2f} s: {nbytes / 1e6 / cpu:.1f} MB/s; the two differ when the machine is shared)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
