"""Name consistency within a text: a name the tagger found once is a mention wherever else it stands.

The tagger decides from a window of a few characters, so a name it recognised in one sentence ("百岁离休老人
牛思魁") can be missed in another ("牛思魁1923年出生"). Every other occurrence of a found name that does not
overlap a span and starts and ends on token boundaries becomes a span of the same type.
"""
from __future__ import annotations

from itertools import chain, islice
from operator import attrgetter

import numpy as np

from transforms.entities.doc import Doc, Span

MIN_CHARS = {"PER": 2, "LOC": 2, "ORG": 3}      # two or more: `_occurs_untaken` tests a name's first two


def propagate_names(docs: list[Doc]) -> None:
    docs = [d for d in docs if d.spans]
    flags = iter(_occurs_untaken(docs).tolist())
    for doc in docs:
        found = [s for s, f in zip(doc.spans, islice(flags, len(doc.spans))) if f]
        if found:
            _propagate(doc, found)


def _occurs_untaken(docs: list[Doc]) -> np.ndarray:
    """For every span of `docs` in order, False when its surface cannot occur in its text where no span is,
    as its first two characters occur nowhere there together (kernels.may_occur_untaken). A name without such
    an occurrence adds nothing (the places it occurs are taken from the start, and taken places stay taken),
    so `_propagate` need not look for it: one compiled pass instead of a text search a name. Names have two
    characters or more (MIN_CHARS)."""
    from transforms.entities import kernels as K

    counts = np.fromiter(map(len, (d.spans for d in docs)), np.int64, len(docs))
    offsets = np.zeros(len(docs) + 1, np.int64)
    np.cumsum(np.fromiter(map(len, (d.folded for d in docs)), np.int64, len(docs)), out=offsets[1:])
    spans = list(chain.from_iterable(d.spans for d in docs))
    cp = np.frombuffer("".join(d.folded for d in docs).encode("utf-32-le", "surrogatepass"), np.uint32)
    return K.may_occur_untaken(cp, offsets, np.repeat(np.arange(len(docs)), counts),
                               np.fromiter(map(_START, spans), np.int64, len(spans)),
                               np.fromiter(map(_END, spans), np.int64, len(spans)))


_START, _END = attrgetter("start"), attrgetter("end")


def _propagate(doc: Doc, candidates: list[Span]) -> None:
    """Propagation in one text, of the surfaces of `candidates` (the spans whose surface may occur
    elsewhere; all of them gives the same result)."""
    text = doc.folded
    names: dict[str, str] = {}
    for s in candidates:
        if s.end - s.start >= MIN_CHARS[s.type]:
            names.setdefault(text[s.start:s.end], s.type)
    if not names:
        return
    taken = bytearray(len(text))
    for s in doc.spans:
        taken[s.start:s.end] = b"\x01" * (s.end - s.start)
    bound = doc.bound
    added = []
    for name in sorted(names, key=len, reverse=True):
        pos = text.find(name)
        while pos >= 0:
            end = pos + len(name)
            if taken.find(1, pos, end) < 0 and bound(pos) and bound(end):
                taken[pos:end] = b"\x01" * len(name)
                added.append(Span(pos, end, names[name], source="propagate"))
            pos = text.find(name, end)
    doc.spans.extend(added)
