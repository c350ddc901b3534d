"""The trained entity tagger: a first-order averaged perceptron over characters (BIOES, PER / LOC / ORG).

This module owns the model file (`models/ner-msra.npz`, written by `zhnews train-ner`, see train.py) and its
loader, and turns texts plus their rjieba words into spans. The features and the decoding are compiled
(kernels.py); Python touches each text of a batch a constant number of times.

Inputs are the texts after `segment.fold` (full-width ASCII to half-width, one character for one, so offsets
hold) and their rjieba `(word, tag)` pairs, which the pipeline computes once per text and shares with
segmentation and the number extractor. Dictionary features come from jieba's own dictionary (the one rjieba
segments with); the model records the dictionary's sha256 so a different dictionary is an error, not a
silent drop in quality.
"""
from __future__ import annotations

import hashlib
import importlib.util
import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, repeat
from operator import itemgetter
from pathlib import Path

import numpy as np

from transforms.entities import kernels as K

MODEL_PATH = Path(__file__).resolve().parent / "models" / "ner-msra.npz"
TYPES = ("PER", "LOC", "ORG")
HOT_FEATURES = 24_000       # the most frequent features, in a table that stays in a core's cache: 2**13
HOT_LOG2_BUCKETS = 13       # buckets of 4 slots of 16 bytes = 512 KB
BLOOM_BITS = 10             # Bloom filter bits per cold feature (about 1% false positives)
FEATURES_VERSION = 2
# POS tags of jieba's dictionary and rjieba's output, in a fixed order (id 0 = anything else)
POS_TAGS = ("a ad ag an b c d df dg e eng f g h i j k l m mg mq n ng nr nrfg nrt ns nt nz o p q r rg rr rz s t "
            "tg u ud ug uj ul uv uz v vd vg vi vn vq x y z zg").split()
_TAG_ID = {t: i + 1 for i, t in enumerate(POS_TAGS)}
# dictionary classes for the lattice features (kernels.N_CLASSES bits)
_DICT_CLASS = {"nr": 1, "nrt": 1, "nrfg": 1, "ns": 2, "nt": 4, "nz": 8}


class ModelError(RuntimeError):
    """The model file is missing, damaged or was trained with another dictionary."""


def jieba_dictionary() -> Path:
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("jieba is not installed: the tagger's dictionary features read its dict.txt")
    return Path(list(spec.submodule_search_locations)[0]) / "dict.txt"


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)


@dataclass
class Encoded:
    """A batch of texts as the kernels read it: characters, word and dictionary information per character."""
    offsets: np.ndarray     # text s is characters offsets[s]:offsets[s+1]
    sym: np.ndarray         # normalized characters (kernels.normalize)
    info: tuple             # kernels.word_info arrays
    lattice: tuple          # kernels.lattice, kernels.suffix_distances and the abbreviation classes
    word_ends: np.ndarray   # the words of text s end at word_ends[word_offsets[s]:word_offsets[s+1]] (in the text)
    word_offsets: np.ndarray

    @property
    def keys(self) -> np.ndarray:
        """[n, N_TEMPLATES] feature keys (what training reads; 320 bytes a character)."""
        return K.feature_keys(self.sym, self.offsets, *self.info, *self.lattice)


class Dictionary:
    """jieba's dictionary words of the entity-like tags, as one hash table for the lattice kernel: the keys of
    the words and of their proper prefixes, each with its class mask (0 for a prefix that is no word) and
    kernels.PREFIX when it is a proper prefix of a word."""

    def __init__(self, path: Path):
        raw = path.read_bytes()
        self.sha256 = hashlib.sha256(raw).hexdigest()
        words, masks = [], []
        for line in raw.decode("utf-8").splitlines():
            parts = line.split()
            if len(parts) < 3:
                continue
            cls = _DICT_CLASS.get(parts[2])
            if cls and 2 <= len(parts[0]) <= K.MAX_WORD:
                words.append(parts[0])
                masks.append(cls)
        lens = np.fromiter((len(w) for w in words), np.int64, len(words))
        offsets = np.zeros(len(words) + 1, np.int64)
        np.cumsum(lens, out=offsets[1:])
        wkeys, pkeys = K.dictionary_keys(_codes("".join(words)), offsets)
        uniq, inverse = np.unique(wkeys, return_inverse=True)
        mask = np.zeros(uniq.shape[0], np.int64)
        np.bitwise_or.at(mask, inverse, np.asarray(masks, np.int64))
        puniq = np.unique(pkeys)
        keys = np.union1d(uniq, puniq)
        self.masks = np.zeros(keys.shape[0], np.int64)
        self.masks[np.searchsorted(keys, uniq)] = mask
        self.masks[np.searchsorted(keys, puniq)] |= K.PREFIX
        self.slots, self.vals = K.table_build(keys, _log2_size(keys.shape[0]))


def _log2_size(n: int) -> int:
    """Slots of an open-addressing table for n keys: a power of two, at most about 70% full."""
    return max(4, int(np.ceil(np.log2(max(n, 1) * 1.4 + 1))))


@lru_cache(maxsize=1)
def dictionary() -> Dictionary:
    return Dictionary(jieba_dictionary())


class Suffixes:
    """The words that end organization names (lexicons/entities_org_suffixes.txt) and place names
    (lexicons/entities_place_suffixes.txt), as a hash table for kernels.suffix_marks."""

    def __init__(self) -> None:
        from transforms import lexicons

        cls: dict[str, int] = {}
        for name, bit in (("entities_org_suffixes.txt", 1), ("entities_place_suffixes.txt", 2)):
            for line in lexicons.lines(name):
                word = line.split()[0]
                if 1 <= len(word) <= 6:
                    cls[word] = cls.get(word, 0) | bit
        words = sorted(cls)
        self.text = "\n".join(f"{w}\t{cls[w]}" for w in words)
        lens = np.fromiter((len(w) for w in words), np.int64, len(words))
        offsets = np.zeros(len(words) + 1, np.int64)
        np.cumsum(lens, out=offsets[1:])
        keys, _ = K.dictionary_keys(_codes("".join(words)), offsets)
        self.slots, self.vals = K.table_build(keys, _log2_size(len(words)))
        self.masks = np.array([cls[w] for w in words], np.int64)
        # last[c]: some suffix word ends with the character of code c (a token ending otherwise has none)
        self.last = np.zeros(max((ord(w[-1]) for w in words), default=0) + 1, np.bool_)
        self.last[[ord(w[-1]) for w in words]] = True
        # one-character abbreviations of countries and provinces (中美, 访华, 湘赣): the reviewed aliases
        abbrev = sorted({line.split("\t")[0] for line in lexicons.lines("entity_aliases.tsv")
                         if line.count("\t") >= 2 and len(line.split("\t")[0]) == 1
                         and line.split("\t")[2].strip() == "LOC"})
        self.abbrev = np.zeros(max(map(ord, abbrev), default=0) + 1, np.int64)    # class by character code
        self.abbrev[[ord(c) for c in abbrev]] = 1


@lru_cache(maxsize=1)
def suffixes() -> Suffixes:
    return Suffixes()


def encode(texts: list[str], tokens: list[list[tuple[str, str]]]) -> Encoded:
    """Feature keys of a batch: `texts` folded, `tokens` their rjieba (word, tag) pairs."""
    lens = np.fromiter((len(t) for t in texts), np.int64, len(texts))
    offsets = np.zeros(len(texts) + 1, np.int64)
    np.cumsum(lens, out=offsets[1:])
    cp = _codes("".join(texts))
    nwords = np.fromiter(map(len, tokens), np.int64, len(tokens))
    n = int(nwords.sum())
    # the words' lengths and the tags' ids, all in C loops (not one Python step a word)
    word_lens = np.fromiter(map(len, map(itemgetter(0), chain.from_iterable(tokens))), np.int64, n)
    word_tags = np.fromiter(map(_TAG_ID.get, map(itemgetter(1), chain.from_iterable(tokens)), repeat(0)), np.int64, n)
    word_offsets = np.zeros(len(tokens) + 1, np.int64)
    np.cumsum(nwords, out=word_offsets[1:])
    word_ends = _ends_within_texts(word_lens, word_offsets)
    sym = K.normalize(cp)
    info = K.word_info(sym, offsets, word_ends, word_tags, word_offsets)
    d = dictionary()
    lat = K.lattice(cp, offsets, d.slots, d.vals, d.masks)
    sx = suffixes()
    marks = K.suffix_marks(cp, offsets, word_ends, word_offsets, sx.slots, sx.vals, sx.masks, sx.last)
    abbr = K.char_classes(cp, sx.abbrev)
    return Encoded(offsets, sym, info, (*lat, *K.suffix_distances(cp, offsets, marks), abbr), word_ends,
                   word_offsets)


def _ends_within_texts(word_lens: np.ndarray, word_offsets: np.ndarray) -> np.ndarray:
    """Cumulative word ends restarted at every text."""
    ends = np.cumsum(word_lens)
    starts_of_text = np.repeat(np.concatenate(([0], ends))[word_offsets[:-1]], np.diff(word_offsets))
    return ends - starts_of_text


@dataclass
class Model:
    """The shipped model: feature keys, their int8 weights per label and the int32 transitions, all in units of
    `scale` (weight = value / scale), and what it was trained with (`meta`)."""
    keys: np.ndarray        # uint64 [n], most often seen in training first
    W: np.ndarray           # int8 [n, N_LABELS]
    T: np.ndarray           # int32 [15, ROW] transitions (rows: previous label, START, END)
    scale: float
    meta: dict

    def __post_init__(self) -> None:
        # the most frequent keys (they come first) that fit the cache-resident bucket table; the rest are cold
        self.hot, placed = K.buckets_build(self.keys[:HOT_FEATURES], self.W[:HOT_FEATURES], HOT_LOG2_BUCKETS)
        rest = np.ones(self.keys.shape[0], np.bool_)
        rest[:placed.shape[0]] = ~placed
        cold = self.keys[rest]
        self.cold = K.slots_build(cold, self.W[rest], _log2_size(cold.shape[0]))
        self.bloom_log2 = max(0, int(np.ceil(np.log2(max(cold.shape[0], 1) * BLOOM_BITS / 512))))
        self.bloom = K.bloom_build(cold, self.bloom_log2)

    @classmethod
    def quantize(cls, keys: np.ndarray, W: np.ndarray, T: np.ndarray, meta: dict, prune: float) -> "Model":
        """From averaged float weights: features whose largest weight is below `prune` are dropped, the rest
        rounded to int8 on one scale (the largest weight is 127)."""
        W = W[:, :K.N_LABELS]
        keep = np.abs(W).max(axis=1) >= max(prune, 1e-12)
        keys, W = keys[keep], W[keep]
        scale = 127.0 / float(np.abs(W).max()) if W.size else 1.0
        Wq = np.clip(np.rint(W * scale), -127, 127).astype(np.int8)
        nonzero = np.abs(Wq).max(axis=1) > 0            # rows that round to all zeros change nothing
        Tq = np.rint(T * scale).astype(np.int32)
        return cls(np.ascontiguousarray(keys[nonzero]), np.ascontiguousarray(Wq[nonzero]), Tq, scale, meta)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        meta = np.array(sorted(f"{k}={v}" for k, v in self.meta.items()))
        with open(path, "wb") as fh:
            np.savez_compressed(fh, keys=self.keys, W=self.W, T=self.T, scale=np.array(self.scale), meta=meta)

    @classmethod
    def load(cls, path: Path) -> "Model":
        try:
            with np.load(path, allow_pickle=False) as z:
                meta = dict(str(m).split("=", 1) for m in z["meta"])
                model = cls(z["keys"], z["W"], z["T"], float(z["scale"]), meta)
        except (OSError, KeyError, ValueError) as exc:
            raise ModelError(f"cannot load the entity model {path}: {exc}") from None
        if int(meta.get("features_version", -1)) != FEATURES_VERSION:
            raise ModelError(f"{path} was trained with features version {meta.get('features_version')}, "
                             f"this code computes version {FEATURES_VERSION}: retrain with `zhnews train-ner`")
        if meta.get("dictionary_sha256") != dictionary().sha256:
            raise ModelError(f"{path} was trained with another jieba dictionary; install the pinned jieba "
                             "(requirements.lock) or retrain with `zhnews train-ner`")
        return model

    def labels(self, enc: Encoded) -> np.ndarray:
        return K.tag_texts(enc.sym, enc.offsets, *enc.info, *enc.lattice, self.hot.view(np.uint64).reshape(-1),
                           self.cold, self.cold.view(np.uint32), self.bloom, self.bloom_log2, self.T)

    def spans(self, enc: Encoded) -> np.ndarray:
        """(text index, start, end, type index) rows."""
        return K.spans(self.labels(enc), enc.offsets)


@lru_cache(maxsize=1)
def model() -> Model:
    return Model.load(MODEL_PATH)


def model_sha256() -> str:
    """sha256 of the committed model file (part of the transform version)."""
    return hashlib.sha256(MODEL_PATH.read_bytes()).hexdigest() if MODEL_PATH.exists() else "none"


CHUNK_CHARS = 200_000       # characters encoded at once (about 80 bytes a character of word and dictionary data)


_OPEN_CLOSE = {"《": "》", "〈": "〉", "“": "”", "‘": "’", "「": "」", "『": "』", "(": ")", "[": "]"}
_CLOSE_OPEN = {c: o for o, c in _OPEN_CLOSE.items()}
# a span with none of these marks is left as it is by `balance_marks` (most spans: one C-level search each)
_ANY_MARK = re.compile("[" + re.escape("".join(_OPEN_CLOSE) + "".join(_CLOSE_OPEN)) + "]")
# ... and one without white space (`\s` is `str.isspace`) either needs no trimming at all
_MARK_OR_SPACE = re.compile(r"[\s" + _ANY_MARK.pattern[1:])


def balance_marks(text: str, a: int, b: int) -> tuple[int, int]:
    """A span's quotation marks and brackets come in pairs: a mark at an edge of the span whose partner is
    not inside it is dropped (《今日美国 -> 今日美国); a mark inside the span whose partner stands right
    outside it brings the partner in (美国《洛杉矶时报 -> 美国《洛杉矶时报》)."""
    for _ in range(2):
        if b - a < 2:
            break
        first, last = text[a], text[b - 1]
        if first in _OPEN_CLOSE and _OPEN_CLOSE[first] not in text[a + 1:b]:
            a += 1
            continue
        if last in _CLOSE_OPEN and _CLOSE_OPEN[last] not in text[a:b - 1]:
            b -= 1
            continue
        inner = text[a:b]
        for o, c in _OPEN_CLOSE.items():
            if inner.count(o) == inner.count(c) + 1 and b < len(text) and text[b] == c:
                b += 1
                break
            if inner.count(c) == inner.count(o) + 1 and a > 0 and text[a - 1] == o:
                a -= 1
                break
        else:
            break
    return a, b


def tag_docs(docs: list) -> None:
    """The tagger component: the model's spans for every doc of the batch."""
    from transforms.entities.doc import Span

    m = model()
    mark_in = _ANY_MARK.search
    edge_in = _MARK_OR_SPACE.search
    i = 0
    while i < len(docs):
        j, size = i, 0
        while j < len(docs) and (j == i or size + len(docs[j].folded) <= CHUNK_CHARS):
            size += len(docs[j].folded)
            j += 1
        group = docs[i:j]
        enc = encode([d.folded for d in group], [d.tokens for d in group])
        ends = enc.word_ends.tolist()
        for d, w0, w1 in zip(group, enc.word_offsets.tolist(), enc.word_offsets[1:].tolist()):
            d._starts = [0, *ends[w0:w1]]           # Doc.starts, known here without counting again
        for s, a, b, t in m.spans(enc).tolist():
            text = group[s].folded
            if edge_in(text, a, b) is None:             # the span as the tagger gave it (most spans)
                group[s].spans.append(Span(a, b, TYPES[t]))
                continue
            while a < b and text[a].isspace():       # a span never starts or ends with white space
                a += 1
            while b > a and text[b - 1].isspace():
                b -= 1
            if b - a > 1 and mark_in(text, a, b) is not None:
                a, b = balance_marks(text, a, b)
            if b > a:
                group[s].spans.append(Span(a, b, TYPES[t]))
        i = j


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["--warm"]:
        # compile (or load from numba's cache) every kernel the tagger and the trainer run, so that the first
        # `zhnews run` or test does not pay for it, then say how long loading takes
        import time

        from transforms import segment
        from transforms.entities import extract_entities
        from transforms.entities import train as _train

        t0 = time.perf_counter()
        extract_entities("市工信局局长王智明说")
        texts = ["国务院总理李强会见马克龙。"]
        enc = encode(texts, segment.tag_batch(texts))
        kept, ids, _ = _train.feature_ids(enc.keys, 1)
        K.train_epoch(ids, enc.offsets, np.zeros(ids.shape[0], np.int8), np.zeros(1, np.int64),
                      np.zeros((kept.shape[0], K.ROW), np.int32), np.zeros((kept.shape[0], K.ROW), np.int64),
                      np.zeros((15, K.ROW), np.int32), np.zeros((15, K.ROW), np.int64), 0)
        K.decode(ids, enc.offsets, np.zeros((kept.shape[0], K.ROW), np.float32), np.zeros((15, K.ROW), np.float32))
        print(f"entity tagger ready in {time.perf_counter() - t0:.1f} s ({model().keys.shape[0]} features)")
