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
from bisect import bisect_left, bisect_right
from collections import Counter
from functools import lru_cache
from itertools import accumulate, chain
from operator import itemgetter
from pathlib import Path

import numpy as np
import polars as pl
import rjieba

from transforms import lexicons
from transforms.gcpause import gc_paused

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
# memoized and bounded by the vocabulary: a token missing from it is weighed once (`__missing__`), so that
# `map(_WEIGHTS.__getitem__, tokens)` weighs a whole batch's distinct tokens without a Python loop.
class _Weights(dict):
    def __missing__(self, token: str) -> float:
        w = self[token] = _weigh(token)
        return w


_WEIGHTS: dict[str, float] = _Weights()


def _weigh(token: str) -> float:
    cats = [unicodedata.category(c)[0] for c in token]
    if not any(c in "LN" for c in cats):
        return -1.0
    if len(token) >= 2 and "L" in cats and token not in _stopwords():
        idf, median = _idf()
        return idf.get(token, median)
    return 0.0


def _weight(token: str) -> float:
    return _WEIGHTS[token]


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
                spans: list[list[tuple[int, int]]] | None = None,
                tokens: list[list[tuple[str, str]]] | None = None) -> tuple[list[int], list[list[str]]]:
    """(token_count, keywords) per text. `words`: the texts' tokens if the caller has them already (else one
    segmentation pass here), or `tokens`: their rjieba (word, tag) pairs instead (`tag_batch`); `spans`:
    entity spans per text, each counted as one token.

    The same figures as `_stats(merge_spans(text, words, spans), KEYWORDS_PER_ARTICLE)` text by text
    (`token_stats_plain`; tests/test_segment.py compares them), computed for the whole batch at once with
    numpy instead of a Python step per token: tokens become ids of a memoized vocabulary, entity spans cut and
    join words by array arithmetic on the token offsets, and counts and ranks are array operations."""
    tagged = words is None and tokens is not None
    if tagged:
        words = tokens
    elif words is None:
        words = cut_batch(texts)
    with gc_paused():
        out = _batch_stats(texts, words, spans, KEYWORDS_PER_ARTICLE, tagged)
    if out is None and tagged:
        words = [[w for w, _ in toks] for toks in tokens]
    return out if out is not None else token_stats_plain(texts, words, spans)


def token_stats_plain(texts: list[str], words: list[list[str]],
                      spans: list[list[tuple[int, int]]] | None = None) -> tuple[list[int], list[list[str]]]:
    """`token_stats` text by text: the reference the batch computation must equal, and its fallback for
    inputs the pipeline does not make (words that do not tile their text, overlapping or unsorted spans)."""
    counts, kws = [], []
    for i, (text, toks) in enumerate(zip(texts, words)):
        if spans is not None and spans[i]:
            toks = merge_spans(text, toks, spans[i])
        n, top = _stats(toks, KEYWORDS_PER_ARTICLE)
        counts.append(n)
        kws.append(top)
    return counts, kws


class _Vocab(dict):
    """token -> id, with each id's token, weight and length (`arrays()`); a token is weighed once per process.
    Bounded by the vocabulary of the texts seen, like `_WEIGHTS`."""

    def __init__(self) -> None:
        super().__init__()
        self.tokens: list[str] = []
        self._weights: list[float] = []
        self._lengths: list[int] = []
        self._arrays = (np.zeros(0), np.zeros(0, np.int64))

    def __missing__(self, token: str) -> int:
        i = self[token] = len(self.tokens)
        self.tokens.append(token)
        self._weights.append(_WEIGHTS[token])
        self._lengths.append(len(token))
        return i

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """(weight, length) of every id, as arrays grown by the ids added since the last call."""
        w, n = self._arrays
        if len(w) < len(self.tokens):
            w = np.concatenate([w, np.array(self._weights[len(w):], np.float64)])
            n = np.concatenate([n, np.array(self._lengths[len(n):], np.int64)])
            self._arrays = (w, n)
        return w, n


_VOCAB = _Vocab()


def _fold_points(joined: str) -> np.ndarray:
    """Indices of the characters `fold` changes in `joined`."""
    cp = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), np.uint32)
    return np.flatnonzero(((cp >= 0xFF01) & (cp <= 0xFF5E)) | (cp == 0x3000))


def _batch_stats(texts: list[str], words: list[list], spans: list[list[tuple[int, int]]] | None,
                 k: int, tagged: bool = False) -> tuple[list[int], list[list[str]]] | None:
    """token_stats of a batch in arrays, or None when its input is not the pipeline's kind (then the caller
    goes text by text). merge_spans' tokens are slices of the text, `words` the tokens of its fold, so in a
    text with spans a word holding a folded character ("，" in the text, "," in the word) is replaced by its
    slice where that could matter: when it is a word (weight >= 0; folding keeps each character's Unicode
    category, so a token and its fold are both words or both not)."""
    n_docs = len(texts)
    vocab = _VOCAB
    n_tokens = sum(map(len, words))
    if not n_tokens:
        return None
    flat = chain.from_iterable(words)                        # `words` holds (word, tag) pairs if `tagged`
    ids = np.fromiter(map(vocab.__getitem__, map(itemgetter(0), flat) if tagged else flat), np.int64, n_tokens)
    weight, length = vocab.arrays()
    per_doc = np.fromiter(map(len, words), np.int64, n_docs)
    doc = np.repeat(np.arange(n_docs), per_doc)
    text_len = np.fromiter(map(len, texts), np.int64, n_docs)
    if (length[ids] == 0).any() or not np.array_equal(np.bincount(doc, length[ids], n_docs), text_len):
        return None                                          # words must tile their texts
    starts = np.zeros(n_docs + 1, np.int64)                  # each text's start in the joined texts
    np.cumsum(text_len, out=starts[1:])
    offs = np.zeros(n_tokens + 1, np.int64)                 # token boundaries in the joined texts
    np.cumsum(length[ids], out=offs[1:])
    keep = np.ones(n_tokens, bool)
    new_ids, new_docs = [], []
    if spans is not None and any(spans):
        span_doc = np.repeat(np.arange(n_docs), np.fromiter(map(len, spans), np.int64, n_docs))
        se = np.fromiter(chain.from_iterable(chain.from_iterable(spans)), np.int64).reshape(-1, 2)
        s, e = se[:, 0], se[:, 1]
        if not ((0 <= s) & (s < e) & (e <= text_len[span_doc])).all():
            return None
        s, e = s + starts[span_doc], e + starts[span_doc]
        if (s[1:] < e[:-1]).any():
            return None                                      # overlapping or unsorted spans
        a = np.searchsorted(offs, s, "right") - 1            # first word a span touches
        b = np.searchsorted(offs, e, "left")                 # one past the last
        whole = (b == a + 1) & (offs[a] == s) & (offs[np.minimum(b, n_tokens)] == e)
        a, b, s, e = a[~whole], b[~whole], s[~whole], e[~whole]
        cover = np.bincount(a, minlength=n_tokens + 1) - np.bincount(b, minlength=n_tokens + 1)
        dirty = np.cumsum(cover[:-1]) > 0                    # words cut or joined by a span
        # edges inside the dirty words: their boundaries not strictly inside a span, and the span edges
        bounds = np.union1d(offs[:-1][dirty], offs[1:][dirty])
        j = np.searchsorted(s, bounds, "right") - 1
        inside = (j >= 0) & (bounds > s[np.maximum(j, 0)]) & (bounds < e[np.maximum(j, 0)])
        edges = np.union1d(bounds[~inside], np.concatenate([s, e]))
        lo, hi = edges[:-1], edges[1:]
        piece = dirty[np.minimum(np.searchsorted(offs, lo, "right") - 1, n_tokens - 1)]
        lo, hi = lo[piece], hi[piece]
        keep &= ~dirty
        # words holding a folded character in texts with spans
        joined = "".join(texts)
        has_spans = np.fromiter(map(bool, spans), bool, n_docs)
        pts = _fold_points(joined)
        tok = np.unique(np.searchsorted(offs, pts, "right") - 1)
        tok = tok[keep[tok] & has_spans[doc[tok]] & (weight[ids[tok]] >= 0)]
        keep[tok] = False
        lo, hi = np.concatenate([lo, offs[tok]]), np.concatenate([hi, offs[tok + 1]])
        new_ids = [vocab[joined[x:y]] for x, y in zip(lo.tolist(), hi.tolist())]
        new_docs = np.searchsorted(starts, lo, "right") - 1
        weight = vocab.arrays()[0]
    all_ids = np.concatenate([ids[keep], np.array(new_ids, np.int64)])
    all_docs = np.concatenate([doc[keep], np.asarray(new_docs, np.int64)])
    w = weight[all_ids]
    n_words = np.bincount(all_docs, (w >= 0), n_docs).astype(np.int64).tolist()
    # keyword candidates: distinct (text, token) with their counts, the k best scores of each text and every
    # candidate tied with its k-th; ties in score are then broken by the word, as heapq.nlargest does
    cand = w > 0
    key, count = np.unique(all_docs[cand] * len(vocab) + all_ids[cand], return_counts=True)
    cdoc, cid = key // len(vocab), key % len(vocab)
    score = count * weight[cid]
    order = np.lexsort((-score, cdoc))
    cdoc, cid, score = cdoc[order], cid[order], score[order]
    rank = np.arange(len(cdoc)) - np.searchsorted(cdoc, cdoc, "left")
    kth = np.full(n_docs, -np.inf)
    at_k = rank == k - 1
    kth[cdoc[at_k]] = score[at_k]
    sel = (rank < k) | (score >= kth[cdoc])
    pairs: list[list] = [[] for _ in range(n_docs)]
    tokens = vocab.tokens
    for d, sc, i in zip(cdoc[sel].tolist(), score[sel].tolist(), cid[sel].tolist()):
        pairs[d].append((sc, tokens[i]))
    keywords = [[t for _, t in (heapq.nlargest(k, p) if len(p) > k else sorted(p, reverse=True))] for p in pairs]
    return n_words, keywords
