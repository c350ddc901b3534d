"""Training the entity tagger (`zhnews train-ner`): an averaged structured perceptron over BIOES labels.

Input: JSON lines `{"id","text","entities":[{"start","end","type"}]}` (character offsets, end exclusive; types
PER / LOC / ORG). Every feature seen at least `min_count` times in the training file gets a weight row; after
training, rows whose averaged weights are all below `prune` in magnitude are dropped (they change no
decision and cost memory bandwidth at inference). Deterministic: the same file, seed and options give the
same model file, byte for byte (integer updates, a seeded shuffle, no threads). The shipped weights are int8
on one scale (tagger.Model.quantize); on the dev split the rounding changed no decision.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

from transforms import segment
from transforms.entities import kernels as K
from transforms.entities import tagger as tg
from transforms.entities.options import Options


def load_jsonl(path: str | Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def name_lists(rows: list[dict], count: int, seed: int) -> list[dict]:
    """Synthetic training texts: a run of the training file's own person names with no separator between them
    ("江泽民李鹏朱镕基…": member lists, or bylines whose spaces an OCR pass dropped) set into a training
    sentence, cut where no entity is. The training file has such runs in only two texts, so the tagger never
    learns where one name ends and the next begins; these texts teach it from names it has seen."""
    names = sorted({r["text"][e["start"]:e["end"]] for r in rows for e in r.get("entities", ())
                    if e["type"] == "PER" and 2 <= e["end"] - e["start"] <= 4})
    if not names or count <= 0:
        return []
    rng = np.random.default_rng(seed + 7919)
    out = []
    for n in range(count):
        host = rows[int(rng.integers(0, len(rows)))]
        text = host["text"]
        inside = {i for e in host.get("entities", ()) for i in range(e["start"] + 1, e["end"])}
        cuts = [i for i in range(len(text) + 1) if i not in inside]
        cut = cuts[int(rng.integers(0, len(cuts)))]
        run, ents = "", []
        for i in rng.integers(0, len(names), int(rng.integers(3, 31))):
            ents.append({"start": cut + len(run), "end": cut + len(run) + len(names[i]), "type": "PER"})
            run += names[i]
        shift = len(run)
        for e in host.get("entities", ()):
            if e["start"] >= cut:
                ents.append({**e, "start": e["start"] + shift, "end": e["end"] + shift})
            else:
                ents.append(e)
        out.append({"id": f"name-list-{n}", "text": text[:cut] + run + text[cut:], "entities": ents})
    return out


def gold_labels(rows: list[dict], offsets: np.ndarray) -> np.ndarray:
    labels = np.zeros(int(offsets[-1]), np.int8)
    for s, row in enumerate(rows):
        a = int(offsets[s])
        for e in row.get("entities", ()):
            t = tg.TYPES.index(e["type"])
            start, end = a + e["start"], a + e["end"]
            if end - start == 1:
                labels[start] = 4 + 4 * t
            else:
                labels[start] = 1 + 4 * t
                labels[start + 1:end - 1] = 2 + 4 * t
                labels[end - 1] = 3 + 4 * t
    return labels


def encode_rows(rows: list[dict]) -> tg.Encoded:
    texts = [segment.fold(r["text"]) for r in rows]
    return tg.encode(texts, segment.tag_batch(texts))


def score(gold_rows: list[dict], enc: tg.Encoded, labels: np.ndarray) -> dict[str, tuple[int, int, int]]:
    """(tp, fp, fn) per type, exact span and type."""
    got: dict[int, set] = {}
    for s, a, b, t in K.spans(labels, enc.offsets):
        got.setdefault(int(s), set()).add((int(a), int(b), tg.TYPES[t]))
    counts = {t: [0, 0, 0] for t in tg.TYPES}
    for s, row in enumerate(gold_rows):
        gold = {(e["start"], e["end"], e["type"]) for e in row.get("entities", ())}
        pred = got.get(s, set())
        for x in pred & gold:
            counts[x[2]][0] += 1
        for x in pred - gold:
            counts[x[2]][1] += 1
        for x in gold - pred:
            counts[x[2]][2] += 1
    return {t: tuple(v) for t, v in counts.items()}


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def format_scores(counts: dict[str, tuple[int, int, int]]) -> str:
    parts = []
    total = [0, 0, 0]
    for t in tg.TYPES:
        p, r, f = prf(*counts[t])
        total = [x + y for x, y in zip(total, counts[t])]
        parts.append(f"{t} P{p:.3f} R{r:.3f} F{f:.3f}")
    p, r, f = prf(*total)
    return "  ".join(parts) + f"  micro P{p:.3f} R{r:.3f} F{f:.4f}"


def micro_f1(counts) -> float:
    return prf(*[sum(c[i] for c in counts.values()) for i in range(3)])[2]


def feature_ids(keys: np.ndarray, min_count: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(distinct kept keys, id matrix of the same shape as `keys`, -1 where dropped or absent, how often each
    kept key occurs)."""
    flat = keys.ravel()
    present = flat[flat != 0]
    uniq, counts = np.unique(present, return_counts=True)
    kept = uniq[counts >= min_count]
    kept_counts = counts[counts >= min_count]
    pos = np.searchsorted(kept, flat)
    pos = np.minimum(pos, max(kept.shape[0] - 1, 0))
    hit = (kept.shape[0] > 0) & (kept[pos] == flat) & (flat != 0)
    ids = np.where(hit, pos, -1).astype(np.int32).reshape(keys.shape)
    return kept, ids, kept_counts


def averaged(W, U, T, TU, step) -> tuple[np.ndarray, np.ndarray]:
    Wa = (W - U / step).astype(np.float32)
    Ta = (T - TU / step).astype(np.float32)
    return Wa, Ta


def train(train_path: str | Path, dev_path: str | Path | None, out: str | Path, options: Options,
          log=print) -> dict:
    """Train, print dev scores after each epoch, write the model. Returns the final dev counts (if any)."""
    t0 = time.perf_counter()
    rows = load_jsonl(train_path)
    rows += name_lists(rows, options.name_lists, options.seed)
    enc = encode_rows(rows)
    gold = gold_labels(rows, enc.offsets)
    kept, ids, freq = feature_ids(enc.keys, options.min_count)
    log(f"train: {len(rows)} texts, {gold.shape[0]} characters, {kept.shape[0]} features "
        f"(seen >= {options.min_count}x); encoded in {time.perf_counter() - t0:.1f} s")
    dev_rows = load_jsonl(dev_path) if dev_path else []
    dev = encode_rows(dev_rows) if dev_rows else None
    dev_ids = None
    if dev is not None:
        table = K.table_build(kept, tg._log2_size(kept.shape[0]))
        dev_ids = K.lookup(dev.keys, *table)
        del table
    total_W = np.zeros((kept.shape[0], K.ROW), np.float32)
    total_T = np.zeros((15, K.ROW), np.float32)
    for member in range(options.ensemble):
        Wa, Ta = _perceptron(ids, enc.offsets, gold, kept.shape[0], options, options.seed + member,
                             dev_rows, dev, dev_ids, log, f"{member + 1}/{options.ensemble} " if options.ensemble > 1 else "")
        total_W += Wa
        total_T += Ta
        if dev is not None and options.ensemble > 1:
            n = member + 1
            counts = score(dev_rows, dev, K.decode(dev_ids, dev.offsets, total_W / n, total_T / n))
            log(f"ensemble of {n}: dev {format_scores(counts)}")
    order = np.argsort(-freq, kind="stable")            # most frequent first: the tagger's cache-resident table
    return _finish(kept[order], total_W[order] / options.ensemble, total_T / options.ensemble, rows, dev_rows,
                   dev, out, options, log, t0, train_path)


def _perceptron(ids, offsets, gold, n_features, options, seed, dev_rows, dev, dev_ids, log, label
                ) -> tuple[np.ndarray, np.ndarray]:
    """One averaged perceptron, `options.epochs` passes in the order of a shuffle seeded by `seed`."""
    rng = np.random.default_rng(seed)
    W = np.zeros((n_features, K.ROW), np.int32)
    U = np.zeros((n_features, K.ROW), np.int64)
    T = np.zeros((15, K.ROW), np.int32)
    TU = np.zeros((15, K.ROW), np.int64)
    step = 0
    n_texts = offsets.shape[0] - 1
    for epoch in range(1, options.epochs + 1):
        t1 = time.perf_counter()
        order = rng.permutation(n_texts).astype(np.int64)
        step, errors = K.train_epoch(ids, offsets, gold, order, W, U, T, TU, step)
        line = f"{label}epoch {epoch:2d}: {errors} texts wrong, {time.perf_counter() - t1:.1f} s"
        if dev is not None:
            Wa, Ta = averaged(W, U, T, TU, step)
            line += "  dev " + format_scores(score(dev_rows, dev, K.decode(dev_ids, dev.offsets, Wa, Ta)))
        log(line)
        sys.stdout.flush()
    return averaged(W, U, T, TU, step)


def _meta(rows, options, train_path) -> dict:
    return {"features_version": tg.FEATURES_VERSION, "dictionary_sha256": tg.dictionary().sha256,
            "train_file": Path(train_path).name, "train_texts": len(rows), "epochs": options.epochs,
            "seed": options.seed, "min_count": options.min_count, "prune": options.prune,
            "name_lists": options.name_lists, "ensemble": options.ensemble}


def _finish(kept, Wa, Ta, rows, dev_rows, dev, out, options, log, t0, train_path) -> dict:
    counts = {}
    model = tg.Model.quantize(kept, Wa, Ta, _meta(rows, options, train_path), options.prune)
    if dev is not None:
        counts = score(dev_rows, dev, model.labels(dev))
        log(f"final model: {model.keys.shape[0]} features (int8); dev {format_scores(counts)}")
    model.save(Path(out))
    log(f"wrote {out} ({Path(out).stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t0:.0f} s")
    return counts
