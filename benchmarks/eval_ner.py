"""Score transforms.entities on an NER evaluation file: exact span + type match.

    python benchmarks/eval_ner.py ../shared/eval/ner/msra_dev.jsonl [--errors N] [--without COMPONENT]
                                  [--unseen ../shared/train/ner/msra_train.jsonl]

Input: JSON lines `{"id","text","entities":[{"start","end","type"}]}` (char offsets, end exclusive).
Prints precision / recall / F1 per type (PER, LOC, ORG) and micro-averaged, plus throughput.
`--unseen TRAIN` also scores the unseen-entity slice: the gold mentions, and the predicted spans, whose
surface never occurs as an entity (of any type) in the training file TRAIN. Dev is cut from the same source
as the training split and rewards names the tagger has memorised; this slice is what it does on names it
has never seen (recall: gold unseen mentions found; precision: predicted unseen surfaces that are right).
`--errors N` also prints N sentences with mistakes (for tuning on the dev split only; never copy
what it shows into lexicons or tests).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from transforms.entities import PIPELINE, extract_entities_batch  # noqa: E402

TYPES = ("PER", "LOC", "ORG")


def load(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def score(rows: list[dict], predicted: list[list], seen: set[str] | None = None
          ) -> dict[str, tuple[int, int, int]]:
    """(tp, fp, fn) per type; with `seen`, only the mentions whose surface is not in it."""
    tp, fp, fn = Counter(), Counter(), Counter()
    for row, pred in zip(rows, predicted):
        text = row["text"]
        gold = {(e["start"], e["end"], e["type"]) for e in row["entities"]}
        got = {(m.start, m.end, m.type) for m in pred}
        if seen is not None:
            gold = {g for g in gold if text[g[0]:g[1]] not in seen}
            got = {g for g in got if text[g[0]:g[1]] not in seen}
        for s in got & gold:
            tp[s[2]] += 1
        for s in got - gold:
            fp[s[2]] += 1
        for s in gold - got:
            fn[s[2]] += 1
    return {t: (tp[t], fp[t], fn[t]) for t in TYPES}


def entity_surfaces(path: str) -> set[str]:
    """Every entity surface of a training file, whatever its type."""
    return {r["text"][e["start"]:e["end"]] for r in load(path) for e in r["entities"]}


def print_table(counts: dict[str, tuple[int, int, int]]) -> None:
    print(f"{'type':<6}{'gold':>7}{'pred':>7}{'P':>8}{'R':>8}{'F1':>8}")
    total = [0, 0, 0]
    for t in TYPES:
        tp, fp, fn = counts[t]
        total = [total[0] + tp, total[1] + fp, total[2] + fn]
        p, r, f = prf(tp, fp, fn)
        print(f"{t:<6}{tp + fn:>7}{tp + fp:>7}{p:>8.3f}{r:>8.3f}{f:>8.3f}")
    p, r, f = prf(*total)
    print(f"{'micro':<6}{total[0] + total[2]:>7}{total[0] + total[1]:>7}{p:>8.3f}{r:>8.3f}{f:>8.3f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path")
    ap.add_argument("--errors", type=int, default=0, help="print N sentences with mistakes")
    ap.add_argument("--without", action="append", default=[], choices=[n for n, _ in PIPELINE],
                    help="leave a component out (repeatable), to measure what it adds")
    ap.add_argument("--unseen", metavar="TRAIN",
                    help="also score the mentions whose surface is no entity of this training file")
    args = ap.parse_args(argv)
    rows = load(args.path)
    texts = [r["text"] for r in rows]
    t0 = time.perf_counter()
    predicted = extract_entities_batch(texts, skip=frozenset(args.without))
    secs = time.perf_counter() - t0
    counts = score(rows, predicted)
    print(f"{args.path}: {len(rows)} sentences, {secs:.2f}s")
    print_table(counts)
    if args.unseen:
        print(f"unseen-entity slice (surfaces that are no entity of {args.unseen}):")
        print_table(score(rows, predicted, entity_surfaces(args.unseen)))
    shown = 0
    for row, pred in zip(rows, predicted):
        if shown >= args.errors:
            break
        gold = {(e["start"], e["end"], e["type"]) for e in row["entities"]}
        got = {(m.start, m.end, m.type) for m in pred}
        if gold != got:
            shown += 1
            text = row["text"]
            miss = sorted(gold - got)
            extra = sorted(got - gold)
            print("--", text)
            print("   missed:", [(text[s:e], t) for s, e, t in miss])
            print("   extra: ", [(text[s:e], t) for s, e, t in extra])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
