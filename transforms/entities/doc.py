"""What the entity components share: a `Doc` (one text, its folded form, its rjieba tokens and the spans
found so far) and the `Mention` the stage returns."""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate
from operator import attrgetter, itemgetter

TYPES = ("PER", "LOC", "ORG")


@dataclass(frozen=True, slots=True)
class Mention:
    start: int
    end: int
    type: str  # "PER" | "LOC" | "ORG"
    surface: str
    title: str | None = None


@dataclass(slots=True)
class Span:
    start: int
    end: int
    type: str
    title: str | None = None
    source: str = "tagger"          # the component that made it


@dataclass
class Doc:
    text: str                                   # as given (surfaces are cut from it)
    folded: str                                 # segment.fold(text): same length, half-width ASCII
    tokens: list[tuple[str, str]]               # rjieba (word, tag) of `folded`
    spans: list[Span] = field(default_factory=list)
    _starts: list[int] | None = None            # the tagger sets them from its encoding
    _bounds: set[int] | None = None

    @property
    def starts(self) -> list[int]:
        """Start offset of every token (and the text's length at the end)."""
        if self._starts is None:
            self._starts = [0, *accumulate(map(len, map(itemgetter(0), self.tokens)))]
        return self._starts

    @property
    def bounds(self) -> set[int]:
        """`starts` as a set: the offsets where a token starts or ends."""
        if self._bounds is None:
            self._bounds = set(self.starts)
        return self._bounds

    def token_at(self, pos: int) -> int:
        """Index of the token holding character `pos`."""
        return bisect_right(self.starts, pos) - 1

    def mentions(self) -> list[Mention]:
        return [Mention(s.start, s.end, s.type, self.text[s.start:s.end], s.title)
                for s in sorted(self.spans, key=attrgetter("start"))]
