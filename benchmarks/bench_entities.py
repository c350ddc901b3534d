"""Throughput of entity extraction on one core over real news text.

    python benchmarks/bench_entities.py [PATH.jsonl.gz] [--mb N]

PATH: gzip (or plain) JSON lines with a "text" field; default ../shared/corpus/xwlb_articles.jsonl.gz.
Prints MB/s of UTF-8 input through extract_entities_batch by CPU time of this process (time.process_time;
steadier than the wall clock on a shared machine) and by wall clock: the entity stage as the pipeline runs
it (rjieba tokens given, computed once for segmentation, entities and numbers) and with the tokenization
included; and what loading costs: time and resident memory for the tokenizer, the dictionary tables and
the model (once per worker process).
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from transforms import entities, segment  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "corpus" / "xwlb_articles.jsonl.gz"


def load(path: Path, mb: float) -> list[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    texts, size = [], 0
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            t = json.loads(line).get("text") or ""
            texts.append(t)
            size += len(t.encode("utf-8"))
            if size >= mb * 1e6:
                break
    return texts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", nargs="?", default=str(DEFAULT))
    ap.add_argument("--mb", type=float, default=5.0, help="MB of text to process (default 5)")
    args = ap.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    texts = load(Path(args.path), args.mb)
    nbytes = sum(len(t.encode("utf-8")) for t in texts)
    rss0 = _rss_mb()
    t0 = time.perf_counter()
    entities.extract_entities("预热")  # loads the tokenizer, the dictionary tables and the model
    warm = time.perf_counter() - t0
    loaded = _rss_mb() - rss0
    mb = nbytes / 1e6
    t0, c0 = time.perf_counter(), time.process_time()
    tokens = segment.tag_batch([segment.fold(t) for t in texts])
    tok_secs, tok_cpu = time.perf_counter() - t0, time.process_time() - c0
    t0, c0 = time.perf_counter(), time.process_time()
    out = entities.extract_entities_batch(texts, tokens)
    secs, cpu = time.perf_counter() - t0, time.process_time() - c0
    n = sum(len(m) for m in out)
    print(f"{len(texts)} texts, {mb:.2f} MB, {n} mentions")
    print(f"entity stage (tokens given): cpu {cpu:.2f}s wall {secs:.2f}s -> {mb / cpu:.2f} MB/s CPU, "
          f"{mb / secs:.2f} MB/s wall on one core")
    print(f"with the tokenization (rjieba.tag, {tok_cpu:.2f}s cpu): {mb / (cpu + tok_cpu):.2f} MB/s CPU, "
          f"{mb / (secs + tok_secs):.2f} MB/s wall")
    print(f"load: {warm:.2f}s, +{loaded:.0f} MB resident (tokenizer, dictionary tables, model "
          f"{entities.tagger.model().keys.shape[0]} features)")
    return 0


def _rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


if __name__ == "__main__":
    raise SystemExit(main())
