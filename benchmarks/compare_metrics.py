"""Does this tree's extract_metrics_batch give the same rows as another revision's? (every field of every row)

    python benchmarks/compare_metrics.py --against DIR [PATH] [--mb N] [--show K]

PATH: gzip JSON lines with a "text" field (default ../shared/corpus/xwlb_articles.jsonl.gz); N MB of it
(default 10). DIR: a checkout of the other revision (e.g. `git archive main transforms | tar -x -C /tmp/main`).
Both run with the same words (rjieba.cut of the width-folded text, as the pipeline) and, over the first
1,500 texts, without words. Prints the counts of differing rows and the first K differences; exit 1 if any.
"""
from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_metrics import DEFAULT, cut_all, load, load_other  # noqa: E402
from transforms.metrics import extract_metrics_batch  # noqa: E402


def _same(x, y) -> bool:
    if isinstance(x, float) and isinstance(y, float):
        return x == y or (math.isnan(x) and math.isnan(y))
    return type(x) is type(y) and x == y


def diff_rows(a: list[list[dict]], b: list[list[dict]], show: int) -> tuple[int, int]:
    """(rows compared, rows that differ) over texts' outputs a and b."""
    rows = bad = 0
    for i, (ra, rb) in enumerate(zip(a, b, strict=True)):
        if len(ra) != len(rb):
            bad += max(len(ra), len(rb))
            if bad <= show:
                print(f"text {i}: {len(ra)} rows here, {len(rb)} there")
            continue
        for x, y in zip(ra, rb):
            rows += 1
            if x.keys() != y.keys() or not all(_same(x[k], y[k]) for k in x):
                bad += 1
                if bad <= show:
                    print(f"text {i}:", {k: (x.get(k), y.get(k)) for k in x.keys() | y.keys()
                                         if not _same(x.get(k), y.get(k))})
    return rows, bad


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("path", nargs="?", default=str(DEFAULT))
    ap.add_argument("--against", required=True)
    ap.add_argument("--mb", type=float, default=10.0)
    ap.add_argument("--show", type=int, default=5)
    args = ap.parse_args(argv)
    texts = load(Path(args.path), int(args.mb * 1e6))
    words = cut_all(texts)
    other = load_other(Path(args.against))
    rows, bad = diff_rows(extract_metrics_batch(texts, words), other.extract_metrics_batch(texts, words), args.show)
    head = texts[:1500]
    rows2, bad2 = diff_rows(extract_metrics_batch(head), other.extract_metrics_batch(head), args.show)
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    print(f"{len(texts)} texts, {mb:.1f} MB: with words {bad} of {rows} rows differ; "
          f"without words ({len(head)} texts) {bad2} of {rows2}")
    return 1 if bad or bad2 else 0


if __name__ == "__main__":
    raise SystemExit(main())
