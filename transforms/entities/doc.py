"""What the entity components share: a `Doc` (one text, its folded form, its rjieba tokens and the spans
found so far) and the `Mention` the stage returns."""
from __future__ import annotations

from bisect import bisect_left, bisect_right
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

    @property
    def starts(self) -> list[int]:
        """Start offset of every token (and the text's length at the end)."""
        if self._starts is None:
            self._starts = [0, *accumulate(map(len, map(itemgetter(0), self.tokens)))]
        return self._starts

    def bound(self, pos: int) -> bool:
        """A token starts or ends at offset `pos` (`pos in starts`, by bisection: the few places asked about
        cost less than a set of every token's start)."""
        starts = self.starts
        i = bisect_left(starts, pos)
        return i < len(starts) and starts[i] == pos

    def token_at(self, pos: int) -> int:
        """Index of the token holding character `pos`."""
        return bisect_right(self.starts, pos) - 1

    def mentions(self) -> list[Mention]:
        return [Mention(s.start, s.end, s.type, self.text[s.start:s.end], s.title)
                for s in sorted(self.spans, key=attrgetter("start"))]
