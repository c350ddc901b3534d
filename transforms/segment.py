"""Segment: article bodies -> jieba words, token counts and TF-IDF keywords.

Uses rjieba (bindings to jieba-rs with jieba's own dictionary): `rjieba.cut` gives output identical to
`jieba.lcut` at about 20x the speed and releases the GIL (tests/test_segment.py checks the agreement on
the seed pages). Keywords are TF-IDF over jieba's shipped IDF table (the same data `jieba.analyse`
uses), read as a file so jieba itself is never imported on the hot path.
"""
from __future__ import annotations

import heapq
import importlib.util
import unicodedata
from collections import Counter
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

import numpy as np
import polars as pl
import rjieba

from transforms import lexicons

KEYWORDS_PER_ARTICLE = 8


def _jieba_dir() -> Path:
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("jieba is not installed: its IDF table is needed for keywords")
    return Path(list(spec.submodule_search_locations)[0])


@lru_cache(maxsize=1)
def _idf() -> tuple[dict[str, float], float]:
    """jieba's IDF table (word -> idf, every value positive) and its median, the idf of unknown words. Read with
    polars: 0.15 s of CPU instead of 0.25 s for a Python line loop (270,000 lines, once per worker process)."""
    table = pl.read_csv(_jieba_dir() / "analyse" / "idf.txt", separator=" ", has_header=False, quote_char=None,
                        schema={"word": pl.String, "idf": pl.Float64}).drop_nulls()
    idf = dict(zip(table.get_column("word").to_list(), table.get_column("idf").to_list()))
    return idf, sorted(idf.values())[len(idf) // 2]


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    return frozenset(w for line in lexicons.lines("segment_stopwords.txt") for w in line.split())


def is_word(token: str) -> bool:
    """A token that counts as a word: not whitespace, not only punctuation or symbols."""
    return _weight(token) >= 0


# token -> its keyword weight: -1.0 not a word (whitespace, punctuation, symbols), 0.0 a word that is never a
# keyword (one character, digits only, a stopword), else its IDF (> 0). Tokens repeat heavily, so the table is
# memoized and bounded by the vocabulary; one dict lookup per distinct token of a text classifies it and
# weighs it.
_WEIGHTS: dict[str, float] = {}


def _weight(token: str) -> float:
    w = _WEIGHTS.get(token)
    if w is None:
        cats = [unicodedata.category(c)[0] for c in token]
        if not any(c in "LN" for c in cats):
            w = -1.0
        elif len(token) >= 2 and "L" in cats and token not in _stopwords():
            idf, median = _idf()
            w = idf.get(token, median)
        else:
            w = 0.0
        _WEIGHTS[token] = w
    return w


_FOLD = {chr(i): chr(i - 0xFEE0) for i in range(0xFF01, 0xFF5F)} | {"\u3000": " "}
_FOLD_TABLE = str.maketrans(_FOLD)
_FOLD_CHARS = frozenset(_FOLD)


def fold(text: str) -> str:
    """Full-width ASCII and the ideographic space to half-width, one character for one (offsets hold), so
    that rjieba and the tagger see "２０日" as "20日"."""
    if _FOLD_CHARS.isdisjoint(text):
        return text
    return text.translate(_FOLD_TABLE)


def fold_batch(texts: list[str]) -> list[str]:
    """`fold` of every text, on all their characters at once as one numpy array of code points (str.translate
    is slow on CJK text, and almost every Chinese text has full-width punctuation to fold)."""
    lens = [len(t) for t in texts]
    cp = np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), np.uint32).copy()
    wide = (cp >= 0xFF01) & (cp <= 0xFF5E)
    cp[wide] -= 0xFEE0
    cp[cp == 0x3000] = 0x20
    joined = cp.tobytes().decode("utf-32-le", "surrogatepass")
    out, a = [], 0
    for n in lens:
        out.append(joined[a:a + n])
        a += n
    return out


def user_words() -> list[tuple[str, str]]:
    """(word, tag) of the user dictionary: China's administrative divisions (entities_gazetteer.tsv), world
    places (entities_world_places.txt) and the reviewed aliases (entity_aliases.tsv) that jieba's own
    dictionary lacks, so that "由经开区" is 由 / 经开区 and not 由经 / 开区."""
    words: dict[str, str] = {}
    for line in lexicons.lines("entities_gazetteer.tsv"):
        words.setdefault(line.split("\t")[0], "ns")
    for line in lexicons.lines("entities_world_places.txt"):
        for w in line.split():
            words.setdefault(w, "ns")
    for line in lexicons.lines("entity_aliases.tsv"):
        cols = [c.strip() for c in line.split("\t")]
        if len(cols) >= 3 and cols[2] in ("LOC", "ORG"):
            for w in cols[:2]:
                words.setdefault(w, "ns" if cols[2] == "LOC" else "nt")
    return sorted((w, t) for w, t in words.items() if len(w) >= 2 and not any(c.isspace() or c in "()（）" for c in w))


@lru_cache(maxsize=1)
def tokenizer() -> rjieba.Jieba:
    """The pipeline's tokenizer: jieba's dictionary (through rjieba) plus `user_words()` it does not have."""
    tok = rjieba.Jieba()
    for word, tag in user_words():
        if not tok.has_word(word):
            tok.add_word(word, None, tag)
    return tok


def tag_batch(texts: list[str]) -> list[list[tuple[str, str]]]:
    """rjieba (word, POS tag) pairs of each (folded) text: the one tokenization the pipeline shares between
    segmentation, entities and numbers. Same words as `cut`."""
    tag = tokenizer().tag
    return [tag(t) for t in texts]


def cut(text: str) -> list[str]:
    return tokenizer().cut(text)


def cut_batch(texts: list[str]) -> list[list[str]]:
    cut_ = tokenizer().cut
    return [cut_(t) for t in texts]


def keywords(tokens: list[str], k: int = KEYWORDS_PER_ARTICLE) -> list[str]:
    """Top-k TF-IDF words of one document (ties broken by the word, so the result is deterministic)."""
    return _stats(tokens, k)[1]


def _stats(tokens: list[str], k: int) -> tuple[int, list[str]]:
    """(word count, top-k keywords) of one document. Tokens are counted first (Counter runs in C), then each
    distinct token is looked at once; keywords are ranked by (count * idf, word), largest first."""
    get = _WEIGHTS.get
    n = 0
    scored = []
    for t, c in Counter(tokens).items():
        w = get(t)
        if w is None:
            w = _weight(t)
        if w >= 0:
            n += c
            if w:
                scored.append((c * w, t))
    return n, [t for _, t in heapq.nlargest(k, scored)]


def merge_spans(text: str, words: list[str], spans: list[tuple[int, int]]) -> list[str]:
    """The words of `text` with every span (start, end) made one token: words inside a span join it, a word
    that crosses a span's edge is cut there ("德国人" with the place 德国 -> 德国 / 人)."""
    if not spans:
        return words
    cuts = set(accumulate(map(len, words), initial=0))
    for s, e in spans:
        cuts.difference_update(range(s + 1, e))
        cuts.add(s)
        cuts.add(e)
    edges = sorted(cuts)
    return [text[a:b] for a, b in zip(edges, edges[1:])]


def token_stats(texts: list[str], words: list[list[str]] | None = None,
                spans: list[list[tuple[int, int]]] | None = None) -> tuple[list[int], list[list[str]]]:
    """(token_count, keywords) per text. `words`: the texts' tokens if the caller has them already (else one
    segmentation pass here); `spans`: entity spans per text, each counted as one token."""
    if words is None:
        words = cut_batch(texts)
    counts, kws = [], []
    for i, (text, toks) in enumerate(zip(texts, words)):
        if spans is not None and spans[i]:
            toks = merge_spans(text, toks, spans[i])
        n, top = _stats(toks, KEYWORDS_PER_ARTICLE)
        counts.append(n)
        kws.append(top)
    return counts, kws
