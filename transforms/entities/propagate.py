"""Name consistency within a text: a name the tagger found once is a mention wherever else it stands.

The tagger decides from a window of a few characters, so a name it recognised in one sentence ("百岁离休老人
牛思魁") can be missed in another ("牛思魁1923年出生"). Every other occurrence of a found name that does not
overlap a span and starts and ends on token boundaries becomes a span of the same type.
"""
from __future__ import annotations

from transforms.entities.doc import Doc, Span

MIN_CHARS = {"PER": 2, "LOC": 2, "ORG": 3}


def propagate_names(docs: list[Doc]) -> None:
    for doc in docs:
        if doc.spans:
            _propagate(doc)


def _propagate(doc: Doc) -> None:
    text = doc.folded
    names: dict[str, str] = {}
    for s in doc.spans:
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
