"""Do two source trees extract the same entities? (a check for speed work that must not change output)

    python benchmarks/entities_identical.py OTHER_TREE [PATH.jsonl.gz] [--mb N]

Runs `extract_entities_batch` over the first N MB (default 5) of PATH (default
../shared/corpus/xwlb_articles.jsonl.gz) once with this tree's code and once with OTHER_TREE's (each in its
own interpreter, with that tree as the working directory), rjieba tokens computed by each tree, and compares
every mention of every text: start, end, type, surface and title. Prints the counts and the first differences;
exits 1 when anything differs.
"""
from __future__ import annotations

import argparse
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "corpus" / "xwlb_articles.jsonl.gz"

_RUN = """
import pickle, sys
sys.path.insert(0, ".")
from benchmarks.bench_entities import load
from pathlib import Path
from transforms import entities, segment
texts = load(Path(sys.argv[1]), float(sys.argv[2]))
tokens = segment.tag_batch([segment.fold(t) for t in texts])
out = entities.extract_entities_batch(texts, tokens)
rows = [[(m.start, m.end, m.type, m.surface, m.title) for m in ms] for ms in out]
with open(sys.argv[3], "wb") as fh:
    pickle.dump(rows, fh)
"""


def mentions(tree: Path, path: str, mb: float) -> list:
    with tempfile.NamedTemporaryFile(suffix=".pkl") as tmp:
        subprocess.run([sys.executable, "-c", _RUN, path, str(mb), tmp.name], cwd=tree, check=True)
        with open(tmp.name, "rb") as fh:
            return pickle.load(fh)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("other", help="the other source tree (e.g. a checkout of main)")
    ap.add_argument("path", nargs="?", default=str(DEFAULT))
    ap.add_argument("--mb", type=float, default=5.0)
    args = ap.parse_args(argv)
    here = mentions(ROOT, args.path, args.mb)
    there = mentions(Path(args.other).resolve(), args.path, args.mb)
    if len(here) != len(there):
        print(f"different numbers of texts: {len(here)} here, {len(there)} in {args.other}")
        return 1
    differ = [i for i, (a, b) in enumerate(zip(here, there)) if a != b]
    n = sum(map(len, here))
    print(f"{len(here)} texts, {n} mentions here, {sum(map(len, there))} in {args.other}; "
          f"{len(differ)} texts differ")
    for i in differ[:5]:
        a, b = set(here[i]), set(there[i])
        print(f"text {i}: only here {sorted(a - b)[:5]}, only there {sorted(b - a)[:5]}")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
