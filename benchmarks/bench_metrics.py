"""Throughput of transforms.metrics.extract_metrics on one core over real news text.

    python benchmarks/bench_metrics.py [PATH] [--mb N] [--rounds R] [--against DIR]

PATH: gzip JSON lines with a "text" field (default ../shared/corpus/xwlb_articles.jsonl.gz).
Reads up to N MB of UTF-8 text (default 10) and, in this one process, times (R rounds, interleaved; the
best round is reported, CPU time, MB = 10^6 UTF-8 bytes):
- `with words`: extract_metrics_batch(texts, words), the words cut beforehand as the pipeline does
  (rjieba.cut of the width-folded text): the extractor's own cost;
- `without words`: extract_metrics_batch(texts), which tokenizes each text itself;
- `rjieba.cut`: the tokenization alone, for reference;
- with `--against DIR` (a checkout of another revision, e.g. `git worktree add /tmp/main main`): that
  revision's extract_metrics_batch with and without words in the same rounds, for an A/B on a noisy
  machine (each compared with its like).
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

from transforms.metrics import _fold, extract_metrics, extract_metrics_batch  # noqa: E402

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


def load_other(root: Path):
    """transforms.metrics (and its lexicons) of another checkout, under another package name."""
    import importlib.util
    import types

    pkg = types.ModuleType("_other_transforms")
    pkg.__path__ = [str(root / "transforms")]
    sys.modules[pkg.__name__] = pkg
    spec = importlib.util.spec_from_file_location("_other_transforms.lexicons",
                                                  root / "transforms" / "lexicons" / "__init__.py")
    lex = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = lex
    spec.loader.exec_module(lex)
    pkg.lexicons = lex
    path = root / "transforms" / "metrics.py"
    mod = types.ModuleType("_other_transforms.metrics")
    mod.__file__ = str(path)
    sys.modules[mod.__name__] = mod
    src = path.read_text(encoding="utf-8").replace("from transforms import lexicons",
                                                   "from _other_transforms import lexicons")
    exec(compile(src, str(path), "exec"), mod.__dict__)
    return mod


def cut_all(texts: list[str]) -> list[list[str]]:
    import rjieba

    return [rjieba.cut(_fold(t)) for t in texts]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("path", nargs="?", default=str(DEFAULT))
    ap.add_argument("--mb", type=float, default=10.0)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--against", help="a checkout of another revision to time in the same rounds")
    args = ap.parse_args(argv)
    texts = load(Path(args.path), int(args.mb * 1e6))
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    words = cut_all(texts)
    extract_metrics(texts[0])  # warm up: lexicons, compiled patterns, rjieba and jieba's dictionary
    runs = {"with words": lambda: extract_metrics_batch(texts, words),
            "without words": lambda: extract_metrics_batch(texts),
            "rjieba.cut": lambda: cut_all(texts)}
    if args.against:
        other = load_other(Path(args.against))
        other.extract_metrics(texts[0])
        runs[f"{Path(args.against).name} (words)"] = lambda: other.extract_metrics_batch(texts, words)
        runs[f"{Path(args.against).name} (no words)"] = lambda: other.extract_metrics_batch(texts)
    best: dict[str, tuple[float, float]] = {}
    n = 0
    for _ in range(max(1, args.rounds)):
        for name, run in runs.items():
            t0, c0 = time.perf_counter(), time.process_time()
            out = run()
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            if name == "with words":
                n = sum(len(r) for r in out)
            if name not in best or cpu < best[name][1]:
                best[name] = (wall, cpu)
    print(f"{len(texts)} articles, {mb:.1f} MB, {n} metrics ({n / mb:.0f}/MB); best of {args.rounds} rounds, one core")
    for name, (wall, cpu) in best.items():
        print(f"  {name:<14} CPU {cpu:6.2f} s = {mb / cpu:5.1f} MB/s   (wall {wall:6.2f} s = {mb / wall:5.1f} MB/s)")
    if args.against:
        for mine in ("with words", "without words"):
            name = f"{Path(args.against).name} ({'words' if mine == 'with words' else 'no words'})"
            print(f"  {mine} / {name}: {best[mine][1] / best[name][1]:.3f} of its CPU time")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
