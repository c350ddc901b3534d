"""Titles and roles of persons: what a tagger cannot know, from the words around a name.

- Before a name: the phrase that ends in a title word of lexicons/entities_titles.txt, read leftwards over
  the words that qualify it (places, bodies, ranks, numbers: "郑州市工信局党组书记、局长王智明",
  "百岁离休老人牛思魁", "荥阳市“百姓宣讲团”成员"), titles joined by 、 or 兼 ("副组长兼办公室主任"), and
  stopped by punctuation or a space, a person before it, and words that begin a clause rather than a title:
  prepositions, conjunctions, pronouns, adverbs, particles and the speech and action verbs of
  lexicons/entities_verbs.txt ("由于家村党支部书记霍广帅" -> 于家村党支部书记, "向…主任郑彦松").
- After a name, when nothing comes before it: a title word right behind it ("习近平总书记").
- Enumerations: names separated only by 、 or spaces share the title of the first ("市领导路云、陈明、虎强",
  "记者 王赛华 鲁慧") unless they have their own.
"""
from __future__ import annotations

import re
from functools import lru_cache

from transforms import lexicons, segment
from transforms.entities.doc import Doc

MAX_TITLE = 30                              # characters
# token tags that begin a clause, not a title: preposition, conjunction, pronoun, adverb, particles, interjections
_CUT_TAGS = frozenset({"p", "c", "r", "rr", "rz", "d", "df", "dg", "u", "ud", "ug", "uj", "ul", "uv", "uz",
                       "y", "e", "o"})
_JOINERS = frozenset("、兼")
_QUOTES = frozenset("“”\"「」『』‘’'")
_SPACE = frozenset(" \t\u3000")
_ENUM_GAP = frozenset("、 \t\u3000")


@lru_cache(maxsize=1)
def _lexicon() -> tuple[frozenset[str], int, frozenset[str]]:
    titles = frozenset(w for line in lexicons.lines("entities_titles.txt") for w in line.split())
    verbs = frozenset(w for line in lexicons.lines("entities_verbs.txt") for w in line.split())
    return titles, max(map(len, titles)), verbs


def _title_ending_at(text: str, end: int) -> int:
    """Length of the longest title word ending at `end` (0 if none)."""
    titles, longest, _ = _lexicon()
    for n in range(min(longest, end), 0, -1):
        if text[end - n:end] in titles:
            return n
    return 0


def _title_starting_at(text: str, start: int) -> int:
    titles, longest, _ = _lexicon()
    for n in range(min(longest, len(text) - start), 1, -1):
        if text[start:start + n] in titles:
            return n
    return 0


def title_before(doc: Doc, start: int, floor: int) -> str | None:
    """The title phrase right before a name starting at `start`, never reaching left of `floor` (the end of the
    person before it)."""
    text = doc.folded
    end = start
    while end > floor and text[end - 1] in _SPACE:
        end -= 1
    n = _title_ending_at(text, end)
    if not n:
        return None
    _, _, verbs = _lexicon()
    bodies = {s.end: s.start for s in doc.spans if s.type != "PER"}
    q = end - n                 # the phrase is text[q:end]
    while q > floor and end - q < MAX_TITLE:
        c = text[q - 1]
        if q in bodies and bodies[q] >= floor:     # a place or organization the tagger found: all of it
            q = bodies[q]
            continue
        if c in _JOINERS:
            m = _title_ending_at(text, q - 1)
            if not m:
                break
            q -= 1 + m
            continue
        if c in _QUOTES:
            q -= 1
            continue
        if not (c.isalnum() or "\u4e00" <= c <= "\u9fff"):
            break
        k = doc.token_at(q - 1)
        word, tag = doc.tokens[k]
        a = doc.starts[k]
        if tag in _CUT_TAGS or word in verbs or (tag == "v" and (len(word) == 1 or not _attributive(doc, k))):
            break
        q = max(a, floor)
    phrase = _balanced(doc.text[q:end].lstrip("、兼"))
    return phrase or None


def _attributive(doc: Doc, k: int) -> bool:
    """A verb inside a title phrase qualifies the noun after it (开放/创新/工作领导小组, 离休/老人); it then
    stands before a noun of the phrase, not at its start."""
    nxt = k + 1
    return nxt < len(doc.tokens) and doc.tokens[nxt][1] in ("v", "vn", "n", "nt", "ns", "nz", "j")


def _balanced(phrase: str) -> str:
    """Drop a leading unpaired quote ("”成员" after a cut)."""
    while phrase and phrase[0] in _QUOTES and phrase.count(phrase[0]) == 1 and phrase[0] not in "“「『‘":
        phrase = phrase[1:]
    return phrase


def assign_titles(docs: list[Doc]) -> None:
    for doc in docs:
        persons = sorted((s for s in doc.spans if s.type == "PER"), key=lambda s: s.start)
        floor = 0
        prev = None
        for s in persons:
            if s.source == "bylines":
                floor, prev = s.end, s
                continue
            s.title = title_before(doc, s.start, floor)
            if s.title is None:
                n = _title_starting_at(doc.folded, s.end)
                if n:
                    s.title = doc.text[s.end:s.end + n]
            if s.title is None and prev is not None and prev.title and _enumerated(doc.folded, prev.end, s.start):
                s.title = prev.title
            floor = s.end
            prev = s


def _enumerated(text: str, a: int, b: int) -> bool:
    return a < b and all(c in _ENUM_GAP for c in text[a:b]) and b - a <= 3


# ------------------------------------------------------------------------------- names anchored by a title

@lru_cache(maxsize=1)
def _surnames() -> tuple[frozenset[str], frozenset[str]]:
    words = [w for line in lexicons.lines("surnames.txt") for w in line.split()]
    return frozenset(w for w in words if len(w) == 1), frozenset(w for w in words if len(w) == 2)


_NAME_TAGS = frozenset({"nr", "nrfg", "nrt"})
# tags rjieba gives the pieces of a name it does not know (牛思魁/n, 钱/n 文明/nr, 刘/zg 长海/ns)
_NAME_PIECE_TAGS = _NAME_TAGS | {"n", "nz", "ng", "zg", "ns", "j", "a", "ag", "b"}
_AFTER_NAME_OK = frozenset("，,。、；;：:！!？?（(）)”\" \t\n")


def _name_at(doc: Doc, pos: int) -> int:
    """Length of a plausible Chinese name starting at `pos` (surname + one or two given characters, ending on
    a token boundary, not an ordinary dictionary word), 0 if none."""
    text = doc.folded
    one, two = _surnames()
    if text[pos:pos + 2] in two:
        lengths = (4, 3)
    elif text[pos:pos + 1] in one:
        lengths = (3, 2)
    else:
        return 0
    tok = segment.tokenizer()
    for n in lengths:
        cand = text[pos:pos + n]
        if len(cand) < n or not all("\u4e00" <= c <= "\u9fff" for c in cand) or not doc.bound(pos + n):
            continue
        if tok.has_word(cand) and tok.tag(cand)[0][1] not in _NAME_TAGS:
            continue                      # an ordinary dictionary word
        k = doc.token_at(pos)
        if doc.starts[k] != pos or any(t not in _NAME_PIECE_TAGS for _, t in doc.tokens[k:doc.token_at(pos + n - 1) + 1]):
            continue
        if _title_ending_at(cand, n) or _title_starting_at(cand, 1):
            continue                      # 张主任, 李书记: a surname and a title, not a name
        return n
    return 0


@lru_cache(maxsize=1)
def _title_then_surname() -> tuple[re.Pattern, re.Pattern, int]:
    """A title word right before a surname's first character (the place where `_name_at` is tried); the
    places where such a match can end (a title's last character, then a surname's first); the longest title."""
    titles, longest, _ = _lexicon()
    one, two = _surnames()
    first = "".join(sorted(one | {w[0] for w in two}))
    last = "".join(map(re.escape, sorted({w[-1] for w in titles})))
    return re.compile(f"{_trie_pattern(titles)}(?=[{first}])"), re.compile(f"[{last}](?=[{first}])"), longest


def _titles_before_surnames(text: str) -> list[int]:
    """The ends of the matches of `_title_then_surname` in text, as `finditer` finds them (leftmost first, no
    overlaps). The whole pattern is only tried from a title's length before the places where a match can
    end (a character class the regex engine scans fast): a match cannot begin earlier. Each search stops a
    title and its look-ahead character after such a place e: a match that begins before e is whole within
    that window, and one that begins at e or later is left to the next place, so no search reads the rest
    of the text."""
    rx, ends, longest = _title_then_surname()
    hits: list[int] = []
    pos = 0
    search = rx.search
    for m in ends.finditer(text):
        e = m.end()
        if e <= pos:
            continue
        found = search(text, max(pos, e - longest), e + longest + 1)
        if found is None or found.start() >= e:
            continue
        pos = found.end()
        hits.append(pos)
    return hits


def _trie_pattern(words) -> str:
    """A regular expression that matches what the alternation of `words`, longest first, matches, as a trie
    (one branch per next character, a word's end optional after its longer continuations): the words that
    match at one place are prefixes of one another, so trying the longer continuations first tries them
    longest first, and the engine reads each character once instead of trying every word in turn."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        alts = [re.escape(ch) + pattern(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return pattern(trie)


def title_anchored_people(docs: list[Doc]) -> None:
    """A name the tagger left out right after a title word ("百岁离休老人牛思魁", "省领导赵志刚、钱文明") or
    along an enumeration after a person ("、钱文明"): a surname and one or two characters that are no
    dictionary word, ending where a token ends."""
    from transforms.entities.doc import Span

    for doc in docs:
        text = doc.folded
        hits = _titles_before_surnames(text)
        ends = sorted({s.end for s in doc.spans if s.type == "PER"})
        if not hits and not (ends and "、" in text):
            continue
        taken = bytearray(len(text) + 1)
        for s in doc.spans:
            taken[s.start:s.end] = b"\x01" * (s.end - s.start)
        added = []
        for p in hits:
            if taken[p] or not doc.bound(p):
                continue
            n = _name_at(doc, p)
            if n and not taken.find(1, p, p + n) >= 0:
                added.append(Span(p, p + n, "PER", source="titles"))
                taken[p:p + n] = b"\x01" * n
                ends.append(p + n)
        for e in sorted(ends):      # enumerations: 、NAME after a person
            while e < len(text) and text[e] == "、" and not taken[e + 1:e + 2].count(1):
                n = _name_at(doc, e + 1)
                if not n or taken.find(1, e + 1, e + 1 + n) >= 0:
                    break
                added.append(Span(e + 1, e + 1 + n, "PER", source="titles"))
                taken[e + 1:e + 1 + n] = b"\x01" * n
                e = e + 1 + n
        doc.spans.extend(added)
