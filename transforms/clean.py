"""Clean stage: character-level normalisation of Chinese newspaper text.

Owns, and only changes the *form* of characters, never which characters a page has (so the conservation check
in `layout` can compare pages after `conservation_key`):
- width: full-width digits, Latin letters and number symbols (０-９ Ａ-Ｚ ａ-ｚ ％ ＋ － ． ／ …) become ASCII; the
  ideographic space and other odd spaces become " "; zero-width characters and BOMs are dropped.
- punctuation style: in Chinese context (the nearest non-space neighbour on either side is a CJK character or
  CJK punctuation) half-width , : ; ! ? ( ) become ， ： ； ！ ？ （ ）; "1,000", "10:30" and English text keep theirs.
  Straight quotes in a paragraph with CJK text become curly quotes, alternating open/close (“…” and ‘…’).
- spaces: `remove_stray_spaces` (body paragraphs) deletes every whitespace run except one between two ASCII
  words/numbers ("传 统产业" -> "传统产业", "iPhone 15" stays); `collapse_spaces` (headlines, banners, bylines)
  keeps real separators as one space ("稳经济 促发展 强信心").
Which function applies to which line is the layout stage's decision.
"""
from __future__ import annotations

import re
import unicodedata

_WIDTH = {c: c - 0xFEE0 for c in range(0xFF10, 0xFF1A)}                       # ０-９
_WIDTH.update({c: c - 0xFEE0 for c in range(0xFF21, 0xFF3B)})                 # Ａ-Ｚ
_WIDTH.update({c: c - 0xFEE0 for c in range(0xFF41, 0xFF5B)})                 # ａ-ｚ
_WIDTH.update({ord(a): ord(b) for a, b in zip("％＋－＝／＠＃＆＊＿．＜＞～＄", "%+-=/@#&*_.<>~$")})
_WIDTH.update({c: " " for c in (0x3000, 0x00A0, 0x2002, 0x2003, 0x2009, 0x202F, 0x205F, 0x0009, 0x000B, 0x000C)})
_WIDTH.update({c: None for c in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF)})

_CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")
_CJK_PUNCT = set("，。、；：？！“”‘’（）《》〈〉【】「」『』…—·～")


def is_cjk(ch: str) -> bool:
    return bool(ch) and ("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\U00020000" <= ch <= "\U0002fa1f")


def _chinese(ch: str) -> bool:
    return bool(ch) and (is_cjk(ch) or ch in _CJK_PUNCT)


def has_cjk(s: str) -> bool:
    return _CJK_RE.search(s) is not None


# a character class of every key of _WIDTH: most lines have none, and str.translate with a dict costs a
# lookup per character, so lines are searched first (the regex engine scans in C, 5-10x faster)
_WIDTH_RE = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_WIDTH)) + "]")


def normalize_width(s: str) -> str:
    """Full-width digits/letters/number symbols -> ASCII, odd spaces -> " ", zero-width characters removed."""
    return s.translate(_WIDTH) if _WIDTH_RE.search(s) else s


_HALF_PUNCT = re.compile(r"[,:;!?]")
_FULL = {",": "，", ":": "：", ";": "；", "!": "！", "?": "？", "(": "（", ")": "）"}
_PAREN_PAIR = re.compile(r"\(([^()\n]{0,80})\)")
_LONE_PAREN = re.compile(r"[()]")


def _neighbours(s: str, i: int, j: int) -> tuple[str, str]:
    """Nearest non-space characters left of index i and right of index j (exclusive)."""
    a = i - 1
    while a >= 0 and s[a] == " ":
        a -= 1
    b = j
    while b < len(s) and s[b] == " ":
        b += 1
    return (s[a] if a >= 0 else ""), (s[b] if b < len(s) else "")


def chinese_punctuation(s: str) -> str:
    """Half-width , : ; ! ? ( ) in Chinese context -> full-width. Digit groupings and clock times keep theirs."""
    if not has_cjk(s):
        return s

    def pair(m: re.Match) -> str:
        left, right = _neighbours(s, m.start(), m.end())
        if has_cjk(m.group(1)) or _chinese(left) or _chinese(right):
            return "（" + m.group(1) + "）"
        return m.group(0)

    if "(" in s or ")" in s:
        s = _PAREN_PAIR.sub(pair, s)

        def lone(m: re.Match) -> str:
            left, right = _neighbours(s, m.start(), m.end())
            return _FULL[m.group(0)] if (_chinese(left) or _chinese(right)) else m.group(0)

        s = _LONE_PAREN.sub(lone, s)

    def punct(m: re.Match) -> str:
        ch = m.group(0)
        left, right = _neighbours(s, m.start(), m.end())
        if ch in ",:" and left.isdigit() and right.isdigit():
            return ch
        return _FULL[ch] if (_chinese(left) or _chinese(right)) else ch

    return _HALF_PUNCT.sub(punct, s)


_STRAIGHT_DQ = re.compile(r'"')
_STRAIGHT_SQ = re.compile(r"'")


def curly_quotes(s: str) -> str:
    """Straight quotes in a paragraph with CJK text -> curly quotes, alternating open/close."""
    if ('"' not in s and "'" not in s) or not has_cjk(s):
        return s
    state = {"d": False}

    def dq(_m: re.Match) -> str:
        state["d"] = not state["d"]
        return "“" if state["d"] else "”"

    s = _STRAIGHT_DQ.sub(dq, s)
    if "'" in s:
        state["s"] = False

        def sq(m: re.Match) -> str:
            left, right = _neighbours(s, m.start(), m.end())
            if not (_chinese(left) or _chinese(right)):
                return m.group(0)
            state["s"] = not state["s"]
            return "‘" if state["s"] else "’"

        s = _STRAIGHT_SQ.sub(sq, s)
    return s


_SPACE_RUN = re.compile(r"\s+")


def _ascii_word(ch: str) -> bool:
    return bool(ch) and ch.isascii() and (ch.isalnum() or ch in ".%")


_QUOTED = re.compile(r"“([^“”\n]{5,40})”")
_PHRASE = re.compile(r"^[\u4e00-\u9fff]{3,12}$")


def _word_crosses(left: str, right: str) -> bool:
    import rjieba  # only for quoted slogans with a space, which are rare

    a, b = left[-4:], right[:4]
    pos = 0
    for tok in rjieba.cut(a + b):
        if pos < len(a) < pos + len(tok):
            return True
        pos += len(tok)
    return False


def _kept_quote_spaces(s: str) -> set[int]:
    """Spaces that separate parallel phrases inside quotes ("“拼抢一季度 奋战开门红”"), unless a word runs
    across the space ("“干事干 练干净”" is one slogan broken by the layout)."""
    keep: set[int] = set()
    for m in _QUOTED.finditer(s):
        inner = m.group(1)
        parts = inner.split()
        if len(parts) < 2 or not all(_PHRASE.match(p) for p in parts):
            continue
        if max(map(len, parts)) - min(map(len, parts)) > 2:
            continue
        if any(_word_crosses(x, y) for x, y in zip(parts, parts[1:])):
            continue
        pos = m.start(1)
        for k, ch in enumerate(inner):
            if ch.isspace():
                keep.add(pos + k)
    return keep


def remove_stray_spaces(s: str) -> str:
    """Body text: drop layout spaces ("传 统产业"), keep one space between two ASCII words ("iPhone 15") and
    between parallel phrases inside quotes ("“三项工程 一项管理”")."""
    if " " not in s and "\t" not in s:
        return s
    keep = _kept_quote_spaces(s) if "“" in s else set()

    def repl(m: re.Match) -> str:
        if m.start() in keep:
            return " "
        a = s[m.start() - 1] if m.start() else ""
        b = s[m.end()] if m.end() < len(s) else ""
        return " " if (_ascii_word(a) and b.isascii() and b.isalnum()) else ""

    return _SPACE_RUN.sub(repl, s)


def collapse_spaces(s: str) -> str:
    """Headlines, banners, bylines: whitespace runs become one space (real separators stay)."""
    return _SPACE_RUN.sub(" ", s).strip()


def normalize_line(s: str) -> str:
    """Width and punctuation style of one raw line; spaces are left for the layout stage to judge."""
    return chinese_punctuation(normalize_width(s))


def clean_body_paragraph(s: str) -> str:
    """A (joined) body paragraph as stored: quotes made curly, stray spaces removed."""
    return remove_stray_spaces(curly_quotes(s)).strip()


def clean_heading(s: str) -> str:
    return collapse_spaces(curly_quotes(s))


_FOLD_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‟": '"', "‘": "'", "’": "'", "‚": "'", "‛": "'"})
_WS = re.compile(r"\s+")


def conservation_key(s: str) -> str:
    """What the conservation check compares: NFKC, quote style folded, zero-width and whitespace removed.

    Every change `clean` makes (width, punctuation style, quote style, spaces) is invisible under this key.
    """
    return _WS.sub("", unicodedata.normalize("NFKC", s.translate(_WIDTH)).translate(_FOLD_QUOTES))
