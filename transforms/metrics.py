"""Numeric facts: every quantity in a text with its unit, qualifier, range and base value.

This stage owns the `metrics` table's content (and the `zhnews numbers` filter): it finds Arabic,
Chinese and mixed numerals (328, 5.53万, 三百亿, 两千, full-width digits), attaches the unit written
after them (lexicons/metrics_units.tsv, classifiers in metrics_classifiers.txt), the qualifier
(metrics_qualifiers.tsv), ranges (50至200粒, 3-5年, 零下5℃至3℃, 20和30之间), vague numerals (数十, 几百,
上千, 两三), and converts to a base unit. It refuses look-alikes that are names, codes, ordinals, dates or
slogans (metrics_lookalikes.tsv): 2号馆, 310国道, 5G, 4A级, 500强, "1469", 第十七届, 3月9日, 2023年底.

Words. `extract_metrics(text, words)` takes the text's tokenization (rjieba words of the width-folded text,
one character for one; computed here when not given). Qualifiers, signs, units and classifiers count
only as words of it: 约 in 签约, 近 in 最近, 负 in 减负 are none (a character the tokenizer glued onto a
word, as in 全长约 or 有近, still is: see `_glued_to_word_before`); 元 in 5元素 is no unit. A numeral
inside a word of jieba's dictionary is no quantity (同一天, 老两口, 正月十五, 四面八方, 三天两头, 二十世纪),
nor is half of a dictionary idiom written with a variant other half (惊艳四座 for 语惊四座). An ordinal
二 + measure word (二次会议) and N次会议 after a body's name (人大三次会议) are sessions, not counts.

Conventions (one dict per metric; keys METRIC_KEYS):
- `start`/`end`: character offsets into the text, end exclusive; `text[start:end] == surface`.
  The surface includes a qualifier written before the number (超2000亿元) or after the unit (8%以上).
- `value`: the number as written, Chinese numerals converted, WITHOUT a trailing magnitude word
  that is written with the unit: 超2000亿元 -> value 2000, unit "亿元"; 5.53万人 -> 5.53, "万人";
  三百亿元 -> 300, "亿元"; 超亿元 -> 1, "亿元" (the 一 is not written). Magnitudes inside the number stay
  in it (5万4千6百 -> 54600).
- `unit`: the unit words as written, magnitude included ("亿元", "万平方米", "个", "%"); None for a
  bare number. A currency the text implies is in parentheses: 投资总额突破50亿 -> "亿(元)" (and
  `unit_implied` True). `base_value = value * base_factor(unit)[0]` (Fahrenheit: see `to_base`).
- `base_unit`: CNY or the ISO code of a foreign currency, m2, m, t, m3, degC, s (durations:
  年 = 365.25 days, 个月 = 1/12 year), count, percent, percentage_point, kWh, W, Pa, Hz, V, dB, bit,
  m/s, year (age), times (倍), level (级 on a scale: 4到5级, 6.1级地震), number (a bare number, no unit).
- `kind`: see KINDS.
- `qualifier`: the word(s) that make the number inexact or a bound, as written (超, 逾, 以上, 不少于, 约,
  多, 余, 左右, 几, 数, 上, 级, 比…低, 大于…小于 for a merged pair) or the digit pair of an approximate
  range (两三, 七八); None when exact. 
- `low`/`high` (base unit), always with low <= base_value <= high where both are set:
  exact or approximate (约, 左右, 近) -> both equal base_value;
  lower bound (超, 超过, 逾, 以上, 不少于, 突破, 上千, 多, 余, X几, 级) -> low = base_value, high None;
  upper bound (不超过, 以内, 以下, 不到) -> low None, high = base_value;
  数/几 + 十/百/千/万/亿 (数十, 几百, 数千万) -> low = base_value, high = 10 x base_value (value = the
  power as written: 数十家 -> value 10, low 10, high 100);
  ranges (50至200粒, 3-5年, 两三个月, 零下5℃至3℃) -> low and high; value/base_value are the low end.
- `counted`: the noun counted for counts when clear, else None: the noun phrase after the classifier
  (50个项目 -> 项目, 6个现代农业示范园区 -> the whole phrase, 78个村 -> 村) or a noun before the
  number (问题6项 -> 问题); see `_counted` for the single-character rule.
- `sentence`: the sentence containing the metric.
- `unit_implied`: True when part of `unit` (in parentheses) is not written but implied by the clause: the
  currency after a money noun before the number (投资总额/营收/GDP ...) or right after it (上百亿产值:
  metrics_context.tsv); 块 read as yuan (三块五, 票价五十块: 块(钱)); per hour after 时速 or 每小时 (公里(/小时));
  Fahrenheit after 华氏 (华氏100度: 度(华氏)).

More grammar: 40k / 3.2K (k joins the number: 40000; not 4K/8K, kg, km), 千三 = 1300 (alone or
with a unit), 2^-1 (and 2^--1: signs before an exponent multiply), 1/3, 2e5, a mixed number 2 1/2 (an integer of
up to three digits, one space, a fraction), powers written out (10的5次方, 2的负3次方) and times a power of ten
(3.2×10^5, 1.5×10的8次方), full-width separators between full-width digits (１２，３４５),
七成六 = 76%, 半成 = 5%, 半折 / 打对折 = 五折, 半百 = 50, ≤ / >= / < = as bounds, 比 170 低; a digit pair after a numeral
that ends with a power (三十五六岁 = 35-36, 一百二三十人); fractions with qualifiers (约三分之一, 三分之二以上, 近1/3) and a half
(一半, 半数 = 0.5) only with one (超过半数, 一半以上, 过半, 过半数); the first N (前五, 前十名) as 前5 is, but not 前一天 or 前两天 (the
day before, the other day); 数以万计 as 数万 (qualifier 数以…计); 来 between a round number and its unit is "about"
(十来个, 三十来岁, 百来人, 2000来名: qualifier 来, low = high = base_value); 多 or 半 between 个 and a unit of time (三个多月:
more than 3 months; 两个半小时 = 2.5 h); 半 before a unit of time, length, mass, area or volume is half of it
(半小时, 近半个世纪, 半个多月, 半公里; not 上半年, 半天, 半岛); 百分之 takes what a number takes: a sign, qualifiers, a digit pair, a
range (负百分之二, 约百分之四, 百分之三十多, 百分之七八十, 百分之十到百分之十五, 百分之二十至三十); 百分百 = 100 percent;
a range may start from X几 (十几到二十个); a pair with 和/与 is a range when 之间 or 间 closes it (5与8间) or 介于 opens
it (介于十八与三十五); inclusive bounds in either order (少于等于, 等于或大于); digits inside a web address
(https://…, www.…) are no metric; 5毛 / 8角 (Arabic digits) are tenths of a yuan; N世纪 is an ordinal (no metric).

Precision over recall: a single bare Chinese digit (三送一强, 一网统筹), a lone 一 with a classifier
(一个, 一批), numerals that start with 百/千/万 without a bound (千万, 万人助万企), quoted numbers ("1469")
and anything on the look-alike lists produce no metric.
"""
from __future__ import annotations

import bisect
import re
from functools import lru_cache
from bisect import bisect_right as _bisect_right
from itertools import accumulate

from transforms import lexicons
from transforms.gcpause import gc_paused


class _LazyRjieba:
    """rjieba, imported on first use: `to_base` (the flow's audit reads it) needs no tokenizer, and importing
    rjieba loads its dictionary (about 35 MB). The first attribute read binds the module-level name `rjieba` to
    the module itself, so later calls look it up as before."""

    def __getattr__(self, name: str):
        import rjieba as module
        globals()["rjieba"] = module
        return getattr(module, name)


rjieba = _LazyRjieba()

__all__ = [
    "extract_metrics",
    "extract_metrics_batch",
    "base_factor",
    "to_base",
    "parse_numeral",
    "METRIC_KEYS",
    "KINDS",
]

METRIC_KEYS = (
    "start", "end", "surface", "value", "unit", "base_value", "base_unit", "kind",
    "qualifier", "low", "high", "counted", "sentence", "unit_implied",
)

# ---------------------------------------------------------------- numeral characters
_FULLWIDTH = str.maketrans("０１２３４５６７８９．，－＋％／", "0123456789.,-+%/")
_DIGITS = {
    "〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
    "两": 2, "兩": 2, "壹": 1, "贰": 2, "貳": 2, "叁": 3, "參": 3, "肆": 4, "伍": 5, "陆": 6,
    "陸": 6, "柒": 7, "捌": 8, "玖": 9,
}
_POWERS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIGS = {"万": 1e4, "萬": 1e4, "亿": 1e8, "億": 1e8, "兆": 1e12}
_APPROX = "几幾多余"
_POINTS = "点點"
_CN_DIGIT_CHARS = "".join(_DIGITS)
_CN_NUM_CHARS = _CN_DIGIT_CHARS + "".join(_POWERS) + "".join(_BIGS)
_ARABIC = "0-9０-９"

# A run of numeral material. It starts with a digit or a Chinese numeral and may contain decimal
# points, thousands separators, approximation words (多/余/几) and spaces between Chinese numerals.
_RUN_HEAD = rf"(?:[.．](?=[0-9０-９]))?[{_ARABIC}{_CN_NUM_CHARS}]"
_RUN_TAIL = (
    rf"(?:[{_ARABIC}{_CN_NUM_CHARS}几幾余]|多(?!于)"  # 200多于100: 多于 is the next bound
    rf"|[.．](?=[{_ARABIC}])"
    rf"|(?<=[{_CN_NUM_CHARS}{_ARABIC}]) *[{_POINTS}] *(?=[{_ARABIC}{_CN_DIGIT_CHARS}])"
    rf"|,(?=[0-9]{{3}}(?![{_ARABIC}]))"
    rf"|(?<=[０-９])，(?=[０-９]{{3}}(?![{_ARABIC}]))"  # full-width text, full-width separator
    rf"|(?<=[{_CN_NUM_CHARS}]) +(?=[{_CN_NUM_CHARS}{_ARABIC}])"
    rf"|(?<=[{_ARABIC}]) +(?=[{''.join(_POWERS) + ''.join(_BIGS)}])"
    rf")"
)
_RUN_RE = re.compile(_RUN_HEAD + _RUN_TAIL + "*")
_SPACES = re.compile(r" +")
_MAG_TAIL = re.compile(r"(?:[万萬][亿億]|[亿億]|[万萬])$")
_MAG_VALUES = {"万": 1e4, "萬": 1e4, "亿": 1e8, "億": 1e8}
_SENT_END = re.compile(r"[。！？!?；;\n]")
_CONNECTOR = re.compile(r" *(至|到|~|～|〜|-|—|－|—) *")
_BETWEEN = re.compile(r" *(和|与|及|跟|同) *")
_FRACTION = re.compile(r" *分 *之 *")
_YOU = re.compile(r" *又 *")
_SIGN_CHARS = "负負-－"
_OPEN_QUOTES = "“‘「『\"'"
_CLOSE_QUOTES = "”’」』\"'"
_ARABIC_TAIL = re.compile(
    r"[/／]([0-9０-９]{1,4})(?![0-9０-９])|[eE]([-+－]?[0-9０-９]{1,3})|\^([-+－＋]{0,2}[0-9０-９]{1,3})(?![.0-9])")
# a mixed number in Arabic digits: an integer, one space, a fraction (2 1/2, ３ １／４); after 又 (1又1/2)
_MIXED_FRACTION = re.compile(r"[ \u3000]([0-9０-９]{1,4})[/／]([0-9０-９]{1,4})(?![0-9０-９A-Za-z./／])")
# a power written out: 10的5次方, 2的负3次方; scientific notation with a power of ten: 3.2×10^5, 1.5×10的8次方
_EXPONENT = r"([负負\-－]?)([0-9０-９]{1,3}|[零〇一二两兩三四五六七八九十]{1,3})次方"
_POWER_WORDS = re.compile("的" + _EXPONENT)
_TIMES_TEN = re.compile(r" *[×*xX✕] *(?:10|１０) *(?:\^ *([-+－＋]?[0-9０-９]{1,3})(?![.0-9０-９])|的" + _EXPONENT + ")")
_YOU_FRACTION = re.compile(r"([0-9０-９]{1,4})[/／]([0-9０-９]{1,4})(?![0-9０-９A-Za-z./／])")
# a web address: its digits are no quantities (https://example.com/a?id=2020, www.example.com/30%)
_URL = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]*://|www\.)[!-~]+")
_LETTER = re.compile(r"[A-Za-zＡ-Ｚａ-ｚ]")
_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                     + "".join(map(chr, range(0xFF21, 0xFF3B))) + "".join(map(chr, range(0xFF41, 0xFF5B))))
# first characters of what _FRACTION and _CONNECTOR match (a set lookup before the regex call)
_FRACTION_FIRST = frozenset(" 分")
_CONNECTOR_FIRST = frozenset(" 至到~～〜-—－")


# ---------------------------------------------------------------- lexicons
@lru_cache(maxsize=1)
def _units() -> dict[str, tuple[float, str, str]]:
    out = {}
    for line in lexicons.lines("metrics_units.tsv"):
        unit, factor, base_unit, kind = line.split("\t")[:4]
        out[unit] = (float(factor), base_unit, kind)
    for word in _classifiers():
        out.setdefault(word, (1.0, "count", "count"))
    return out


@lru_cache(maxsize=1)
def _classifier_set() -> frozenset[str]:
    return frozenset(_classifiers())


@lru_cache(maxsize=1)
def _classifiers() -> tuple[str, ...]:
    words: list[str] = []
    for line in lexicons.lines("metrics_classifiers.txt"):
        words.extend(line.split())
    return tuple(dict.fromkeys(words))


@lru_cache(maxsize=1)
def _qualifiers() -> dict[str, dict[str, str]]:
    """position (pre, post, power, vague) -> {word: bound}."""
    out: dict[str, dict[str, str]] = {"pre": {}, "post": {}, "power": {}, "vague": {}}
    for line in lexicons.lines("metrics_qualifiers.tsv"):
        word, position, bound = line.split("\t")[:3]
        out[position][word] = bound
    return out


@lru_cache(maxsize=1)
def _context() -> dict[str, tuple[str, ...]]:
    """role (money, scale, session, more, less) -> words (lexicons/metrics_context.tsv)."""
    out: dict[str, list[str]] = {}
    for line in lexicons.lines("metrics_context.tsv"):
        word, role = line.split("\t")[:2]
        out.setdefault(role, []).append(word)
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=1)
def _lookalikes() -> tuple[tuple[str, ...], tuple[str, ...]]:
    suffixes, prefixes = [], []
    for line in lexicons.lines("metrics_lookalikes.tsv"):
        word, where = line.split("\t")[:2]
        (suffixes if where == "suffix" else prefixes).append(word)
    return tuple(suffixes), tuple(prefixes)


# ---------------------------------------------------------------- the tokenization
# Full-width ASCII and the ideographic space folded to half-width, one character for one (what the
# pipeline does before it tokenizes, so offsets are those of the text).
_FOLD_PAIRS = {chr(k): chr(k - 0xFEE0) for k in range(0xFF01, 0xFF5F)}
_FOLD_PAIRS["\u3000"] = " "
_FOLD_RE = re.compile("[" + "".join(sorted(_FOLD_PAIRS)) + "]")


def _fold(text: str) -> str:
    for c in set(_FOLD_RE.findall(text)):  # str.replace per character present: faster than translate
        text = text.replace(c, _FOLD_PAIRS[c])
    return text


class _WordsMismatch(ValueError):
    """The words passed are not a tokenization of the text (their lengths do not add up)."""


class _Words:
    """One text's tokenization as offsets. `words` is the pipeline's (rjieba on the width-folded text:
    their lengths add up to the text's); without them the text is cut here, on first use. (Adding up
    only as many words as a question needs was measured slower: the questions reach most of a text.)"""
    __slots__ = ("text", "words", "ends")

    def __init__(self, text: str, words: list[str] | None, ends: list[int] | None = None):
        self.text, self.words, self.ends = text, words, None
        if ends is not None:
            if ends[-1] != len(text):
                raise _WordsMismatch(f"words do not tokenize the text: their lengths add up to {ends[-1]}, "
                                     f"the text has {len(text)} characters")
            self.ends = ends

    def _load(self) -> list[int]:
        words = self.words
        if words is None:
            words = rjieba.cut(_fold(self.text))
        ends = list(accumulate(map(len, words), initial=0))
        if ends[-1] != len(self.text):
            raise _WordsMismatch(f"words do not tokenize the text: their lengths add up to {ends[-1]}, "
                                 f"the text has {len(self.text)} characters")
        self.ends = ends
        return ends

    def token(self, i: int) -> tuple[int, int]:
        """(start, end) of the word holding character i."""
        ends = self.ends
        if ends is None:
            ends = self._load()
        k = _bisect_right(ends, i)
        return ends[k - 1], ends[k]

    def boundary(self, i: int) -> bool:
        """A word starts (or ends) at offset i."""
        if i <= 0 or i >= len(self.text):
            return True
        ends = self.ends
        if ends is None:
            ends = self._load()
        return ends[bisect.bisect_left(ends, i)] == i


def _has_word(word: str) -> bool:
    return word in _dictionary()[0]


@lru_cache(maxsize=1)
def _dictionary() -> tuple[frozenset[str], dict[str, int], dict[str, list[tuple[str, str]]]]:
    """From jieba's dictionary (the one rjieba's tokenizer uses):
    - the words of two or more characters that hold a Chinese numeral (is 同一天, 二十世纪, 四面八方 one word);
    - the frequency of the words that end with a qualifier or the sign (签约, 全长约, 亿左右): is 约 part of the
      word, or glued to it by the tokenizer;
    - idiom halves: for each four-character idiom (tag i) with a numeral + measure word half
      (语惊四座: 四座), that half -> [(the other half, "before" or "after")]."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("jieba")
    path = Path(spec.origin).parent / "dict.txt" if spec and spec.origin else None
    if path is None or not path.exists():
        return frozenset(), {}, {}
    q = _qualifiers()
    endings: dict[str, list[str]] = {}
    for w in [*q["pre"], *q["post"], *q["power"], *q["vague"], "负", "負", "比"]:
        endings.setdefault(w[-1], []).append(w)
    units = _units()
    with_numeral: set[str] = set()
    freq: dict[str, int] = {}
    halves: dict[str, list[tuple[str, str]]] = {}
    data = path.read_text(encoding="utf-8")
    cls = "".join(sorted(set(_CN_NUM_CHARS)))
    # lines whose word (two or more characters) holds a numeral: word, frequency, tag
    for m in re.finditer(rf"^(\S*[{cls}]\S*) (\d+) ?(\S*)$", data, re.M):
        word = m.group(1)
        if len(word) < 2:
            continue
        with_numeral.add(word)
        if len(word) == 4 and m.group(3) == "i":
            for half, other, side in ((word[:2], word[2:], "after"), (word[2:], word[:2], "before")):
                if half[0] in _DIGITS and half[1:] in units:
                    halves.setdefault(half, []).append((other, side))
    # lines whose word ends with a qualifier's (or the sign's) last character
    tails = "".join(sorted(re.escape(c) for c in endings))
    for m in re.finditer(rf"^(\S+[{tails}]) (\d+)", data, re.M):
        word = m.group(1)
        for q in endings[word[-1]]:
            if len(word) > len(q) and word.endswith(q):
                freq[word] = int(m.group(2))
                break
    return frozenset(with_numeral), freq, halves


def _glued_to_word_before(text: str, W: _Words, qs: int, qe: int) -> bool:
    """text[qs:qe] (a qualifier such as 约, or the sign 负, right before a number) is a word of its own:
    it starts a word, or it ends a word X+Q that jieba's dictionary does not hold or holds only as a
    rare entry (frequency under 30; jieba gives entries from word lists frequency 3): 全长约 (3) and 有近
    (not a word) are the tokenizer gluing 约 and 近 on; 签约 (440), 节约, 最近, 减负 and 不负 are words,
    and their 约, 近 and 负 are no qualifier or sign."""
    a, b = W.token(qs)
    if a == qs:
        return True
    if b != qe:
        return False  # inside a longer word
    return _dictionary()[1].get(text[a:b], 0) < _RARE_ENTRY


_RARE_ENTRY = 30


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


class _Hit:
    """What a word-table lookup found (the subset of re.Match the extractor uses)."""
    __slots__ = ("_start", "_end", "_word", "_wstart")

    def __init__(self, start, wstart, end, word):
        self._start, self._wstart, self._end, self._word = start, wstart, end, word

    def group(self, i=0):
        return self._word

    def start(self, i=0):
        return self._wstart if i else self._start

    def end(self, i=0):
        return self._end


class _Forward:
    """Longest word of a table starting at `pos` (after optional spaces): dict lookups, no regex
    alternation over hundreds of words."""

    def __init__(self, words):
        self.words = frozenset(words)
        lengths: dict[str, set[int]] = {}
        for w in self.words:
            lengths.setdefault(w[0], set()).add(len(w))
        # first character -> the lengths of the words starting with it, longest first
        self.lengths = {c: tuple(sorted(ns, reverse=True)) for c, ns in lengths.items()}
        self.first = frozenset(self.lengths)
        # first two characters -> the lengths (2 or more) of the words starting with them, longest first
        pairs: dict[str, set[int]] = {}
        for w in self.words:
            if len(w) >= 2:
                pairs.setdefault(w[:2], set()).add(len(w))
        self.pairs = {c: tuple(sorted(ns, reverse=True)) for c, ns in pairs.items()}

    def match(self, text, pos):
        hit = self.word_at(text, pos)
        return None if hit is None else _Hit(pos, hit[1], hit[2], hit[0])

    def word_at(self, text, pos):
        """(word, start, end) of the longest word at `pos` (after up to three spaces), or None."""
        ch = text[pos:pos + 1]
        if ch in self.first:  # ('' at the text's end is in no table)
            k = pos
        elif ch == " ":
            k = pos
            while k < len(text) and text[k] == " " and k - pos < 3:
                k += 1
            ch = text[k:k + 1]
            if ch not in self.first:
                return None
        else:
            return None  # the common case: one set lookup
        words = self.words
        for n in self.pairs.get(text[k:k + 2], ()):
            w = text[k:k + n]
            if w in words and len(w) == n:  # (a slice at the text's end is shorter)
                return w, k, k + n
        return (ch, k, k + 1) if ch in words else None


class _Backward:
    """A word of a table ending at `hi` (optionally followed by one of `fillers` and spaces)."""

    def __init__(self, words, fillers=""):
        self.words = frozenset(words)
        lengths: dict[str, set[int]] = {}
        for w in self.words:
            lengths.setdefault(w[-1], set()).add(len(w))
        # last character -> the lengths of the words ending with it, longest first
        self.by_last = {c: tuple(sorted(ns, reverse=True)) for c, ns in lengths.items()}
        self.fillers = fillers
        self.last = frozenset(self.by_last)

    def search(self, text, lo, hi):
        if hi <= lo:
            return None
        ch = text[hi - 1]
        if ch != " " and ch not in self.last and ch not in self.fillers:  # the common case
            return None
        k = hi
        while k > lo and text[k - 1] == " ":
            k -= 1
        for kk in ((k, k - 1) if k > lo and text[k - 1] in self.fillers else (k,)):
            if kk <= lo:
                continue
            for n in self.by_last.get(text[kk - 1], ()):
                if kk - n >= lo and text[kk - n:kk] in self.words:
                    return _Hit(kk - n, kk - n, hi, text[kk - n:kk])
        return None


class _Tables:
    """The compiled word tables the extractor consults (built once)."""

    def __init__(self):
        units = _units()
        q = _qualifiers()
        self.unit = _Forward(units)
        self.pre_q, self.post_q, self.power_q, self.vague = q["pre"], q["post"], q["power"], q["vague"]
        # qualifier before the number, optionally followed by 了/有/是/为/达 (超过了80, 至少有10)
        self.pre = _Backward(self.pre_q, "了有是为达")
        self.pre_last = frozenset(self.pre.last) | frozenset(" 了有是为达")
        self.post = _Forward(self.post_q)
        suffixes, prefixes = _lookalikes()
        self.suffix = _Forward(suffixes)
        # units and look-alike suffixes in one table: the longest word after a number, either kind
        self.unit_or_suffix = _Forward(set(units) | set(suffixes))
        self.suffix_set = frozenset(suffixes)
        self.pre_ahead = _Forward(w for w in self.pre_q if len(w) >= 2)  # 大于, 小于 after a number
        self.prefix = _Backward(prefixes)
        ctx = _context()
        self.money_nouns = ctx.get("money", ())
        self.money_set = frozenset(self.money_nouns)
        self.money_re = re.compile(_alternation(self.money_nouns))
        self.per_hour_re = re.compile(_alternation(ctx.get("per_hour", ("时速",))))
        # lengths that have a speed per hour in the unit table (公里: 公里/小时)
        self.per_hour_units = frozenset(u for u, (_, _, k) in units.items() if k == "length" and u + "/小时" in units)
        self.scales = frozenset(ctx.get("scale", ()))
        self.sessions = ctx.get("session", ())
        self.after = frozenset(ctx.get("after", ()))
        comparatives = {w: "lower" for w in ctx.get("more", ())}
        comparatives.update({w: "upper" for w in ctx.get("less", ())})
        self.comparatives = dict(sorted(comparatives.items(), key=lambda kv: -len(kv[0])))


@lru_cache(maxsize=1)
def _patterns() -> _Tables:
    return _Tables()


@lru_cache(maxsize=1)
def _scan_re() -> re.Pattern:
    """The scanner: numeral runs of two or more characters, any Arabic digit, and a single Chinese
    numeral only when the next character can start a unit, qualifier, fraction or range (a lone
    一 only before a measure unit, since 一个/一批 are refused anyway). Rejecting the rest inside
    the regex keeps Python work per match low (throughput). Group `date` takes digit runs that are
    date parts (3月9日, 9时, 2023年: the same as `_one`'s first reject) so the caller skips them
    without a call."""
    units = _units()
    post = _qualifiers()["post"]
    measure = {u[0] for u, (f, _, k) in units.items() if k != "count" or f != 1}  # 一打 (twelve) too
    count = {u[0] for u, (_, _, k) in units.items() if k == "count"}
    extra = {w[0] for w in post} | set("分又到至~～-－—度 和与及")
    def cls(chars):
        return "".join(re.escape(c) for c in sorted(chars))
    single = "".join(c for c in _CN_NUM_CHARS if c not in "一壹零〇")
    halves = _half_unit_starts()
    # the leading lookahead is redundant for the match but lets the regex engine skip to candidate
    # characters with a charset scan (about 3x faster search over running text)
    return re.compile(
        rf"(?=[.．{_ARABIC}{_CN_NUM_CHARS}半对])(?:"
        rf"(?P<date>[{_ARABIC}]{{1,4}}+(?:[月号時时点點]|日(?![元圆]))|[0-9]{{4}}+年)"
        rf"|(?P<counted_in>(?<=数以)[十百千万亿]{{1,3}}(?=计))"  # 数以万计 (see _counted_in)
        rf"|(?P<whole>百分百)"  # 100 percent, as 百分之百 (see _half)
        rf"|[.．]?[{_ARABIC}]{_RUN_TAIL}*"
        rf"|[{_CN_NUM_CHARS}]{_RUN_TAIL}+"
        rf"|[{single}](?=[{cls(measure | count | extra | {'来'})}])"
        rf"|[一壹](?=[{cls(measure | extra)}]|块[一二三四五六七八九1-9])"  # 一块五: money (see _cn_refused)
        rf"|(?<=前)[{single}]"  # the first N: 前三, 前五 (see _rank_cut)
        rf"|\A *[{_CN_NUM_CHARS}] *\Z"  # a numeral that is the whole text
        rf"|(?P<half>半百|半成|半折|(?<=打)对折|一半|半数|半(?=[{cls(halves)}])|(?<=过)半)"
        rf")"
    )


# ---------------------------------------------------------------- numerals
def _clean(s: str) -> str:
    if s.isascii() and s.isdigit():
        return s
    return _SPACES.sub("", s.translate(_FULLWIDTH)).replace(",", "")


def parse_numeral(s: str, allow_leading_power: bool = False) -> tuple[float, str | None] | None:
    """Value of an Arabic, Chinese or mixed numeral (spaces and full-width digits allowed) and the
    approximation word inside it (多, 余, 几) if any; None if `s` is not a well-formed numeral.

    >>> parse_numeral("四亿五千六百四十二万零一十五")
    (456420015.0, None)
    >>> parse_numeral("1.5亿")
    (150000000.0, None)
    """
    t = _clean(s)
    if not t:
        return None
    if len(t) == 2 and t[0] in "百佰千仟" and t[1] in _DIGITS and _DIGITS[t[1]] >= 2:
        return _POWERS[t[0]] * (1 + _DIGITS[t[1]] / 10), None  # 千三 = 1300, 百五 = 150
    if t[0] in _POWERS and t[0] not in "十拾" and not allow_leading_power:
        return None
    if t[0] in _BIGS or t[0] in _APPROX:
        return None
    total = 0.0
    section = 0.0
    cur: float | None = None
    last_pow: float | None = None
    last_big: float | None = None
    zero = False
    approx: str | None = None
    prev_kind = ""
    i, n = 0, len(t)
    while i < n:
        ch = t[i]
        if "0" <= ch <= "9" or ch == ".":
            j = i
            while j < n and ("0" <= t[j] <= "9" or t[j] == "."):
                j += 1
            chunk = t[i:j]
            if chunk.count(".") > 1 or chunk.startswith(".") and i > 0 or chunk.endswith(".") \
                    or chunk == ".":
                return None
            if cur is not None:
                return None
            cur = float(chunk)
            prev_kind = "digit"
            i = j
            continue
        if ch in _DIGITS:
            d = _DIGITS[ch]
            if d == 0 and ch in "零〇":
                if prev_kind == "digit":
                    return None
                zero = True
                prev_kind = "zero"
            else:
                if cur is not None:
                    return None
                cur = float(d)
                prev_kind = "digit"
        elif ch in _POWERS:
            p = _POWERS[ch]
            if cur is None:
                if (p == 10 or allow_leading_power) and (prev_kind in ("", "zero", "big")):
                    cur = 1.0
                else:
                    return None
            if last_pow is not None and p >= last_pow:
                return None
            section += cur * p
            cur = None
            last_pow = p
            zero = False
            prev_kind = "pow"
        elif ch in _BIGS:
            b = _BIGS[ch]
            if cur is not None:
                section += cur
                cur = None
            if section == 0 and total == 0:
                return None
            if last_big is not None and b > last_big:
                total = (total + section) * b
            elif prev_kind == "big" and last_big is not None:  # 万亿
                total = (total + section) * b
            else:
                total += section * b
            section = 0.0
            last_pow = None
            last_big = b if last_big is None else max(last_big, b)
            zero = False
            prev_kind = "big"
        elif ch in _APPROX:
            if approx is not None or prev_kind == "":
                return None
            approx = ch
            if cur is not None:
                section += cur
                cur = None
            prev_kind = "approx"
        elif ch in _POINTS:
            if cur is None and section == 0 and total == 0 and not zero:
                return None
            # decimal part: single digits only (八点三十 is a time, not 8.30)
            j = i + 1
            frac = ""
            while j < n and (t[j] in _DIGITS or "0" <= t[j] <= "9"):
                frac += str(_DIGITS[t[j]]) if t[j] in _DIGITS else t[j]
                j += 1
            if not frac or (j < n and t[j] in _POWERS):
                return None
            if cur is None:
                cur = 0.0
            cur = cur + float("0." + frac)
            i = j
            prev_kind = "decimal"
            continue
        else:
            return None
        i += 1
    if cur is not None:
        if prev_kind == "digit" and not zero and cur < 10 and cur == int(cur) and n >= 2:
            prev_ch = t[-2]
            if prev_ch in _POWERS and _POWERS[prev_ch] >= 100:
                cur = cur * _POWERS[prev_ch] / 10  # 九百九 = 990, 一千三 = 1300
            elif prev_ch in _BIGS:
                cur = cur * _BIGS[prev_ch] / 10  # 九万四 = 94000
        section += cur
    return total + section, approx


def _digit_string(t: str) -> str | None:
    """'五五' -> '55' for digit strings (折 discounts, years); None otherwise."""
    if len(t) >= 2 and all(c in _DIGITS for c in t):
        return "".join(str(_DIGITS[c]) for c in t)
    return None


# ---------------------------------------------------------------- units and conversion
def _split_mag(unit: str) -> tuple[float, str]:
    mag = 1.0
    i = 0
    while i < len(unit) and unit[i] in _MAG_VALUES:
        mag *= _MAG_VALUES[unit[i]]
        i += 1
    rest = unit[i:]
    if i and (rest == "" or rest in _units() or rest in _SPECIAL_UNITS):
        return mag, rest
    return 1.0, unit


@lru_cache(maxsize=4096)
def base_factor(unit: str | None) -> tuple[float, str, str]:
    """(factor, base_unit, kind) for a unit as written, magnitude included: "亿元" -> (1e8, "CNY",
    "money"), "万平方米" -> (1e4, "m2", "area"), "个" -> (1, "count", "count"), None -> a bare number.
    For every metric, base_value == value * factor, except Fahrenheit (see `to_base`).
    Raises KeyError for an unknown unit."""
    if unit is None or unit == "":
        return 1.0, "number", "number"
    u = unit.replace(" ", "")
    if "(" in u:  # a unit word the text implies: 亿(元) is 亿元
        u = u.replace("(", "").replace(")", "")
    if u in _SPECIAL_UNITS:
        return _SPECIAL_UNITS[u]
    if u.endswith("分之"):  # 千万分之六 = 6e-7 = 6e-5 percent
        den = parse_numeral(u[:-2], allow_leading_power=True)
        if den and den[0]:
            return 100.0 / den[0], "percent", "percent"
        raise KeyError(unit)
    mag, rest = _split_mag(u)
    if rest == "":
        return mag, "number", "number"
    if rest in _SPECIAL_UNITS:
        f, b, k = _SPECIAL_UNITS[rest]
        return mag * f, b, k
    f, b, k = _units()[rest]
    return mag * f, b, k


_SPECIAL_UNITS = {
    "度": (1.0, "degC", "temperature"),
    "度华氏": (1.0, "degF", "temperature"),  # 华氏100度: 度(华氏), see _fahrenheit_before
    "级": (1.0, "level", "level"),  # 4到5级 (wind force, earthquake magnitude): only where a scale is meant
    "$": (1.0, "USD", "money"), "＄": (1.0, "USD", "money"),
    "￥": (1.0, "CNY", "money"), "¥": (1.0, "CNY", "money"),
    "€": (1.0, "EUR", "money"), "£": (1.0, "GBP", "money"),
    "毛": (0.1, "CNY", "money"), "角": (0.1, "CNY", "money"),  # 5毛, 8角: only after Arabic digits (see _one)
    "百分之": (1.0, "percent", "percent"), "佰分之": (1.0, "percent", "percent"),
    "千分之": (0.1, "percent", "percent"), "仟分之": (0.1, "percent", "percent"),
    "万分之": (0.01, "percent", "percent"), "萬分之": (0.01, "percent", "percent"),
}


def to_base(value: float, unit: str | None) -> tuple[float, str, str]:
    """(base_value, base_unit, kind) of `value` written in `unit`. Fahrenheit becomes degC."""
    factor, base_unit, kind = base_factor(unit)
    if base_unit == "degF":
        return (value - 32.0) * 5.0 / 9.0, "degC", kind
    return value * factor, base_unit, kind


# ---------------------------------------------------------------- helpers per match
def _sentence_at(text: str, bounds: list[int], k: int) -> str:
    """The k-th sentence of `text`, whose sentence ends are at `bounds`."""
    lo = bounds[k - 1] + 1 if k > 0 else 0
    hi = bounds[k] + 1 if k < len(bounds) else len(text)
    return text[lo:hi].strip()


def _quoted(text: str, s: int, e: int) -> bool:
    """A number that opens a short quoted term ("1469"发展思路, “两个维护”) is a name or slogan."""
    if s == 0 or text[s - 1] not in _OPEN_QUOTES:
        return False
    window = text[e:e + 12]
    for k, ch in enumerate(window):
        if ch in _CLOSE_QUOTES:
            return True
        if ch in "。，,；;！？\n":
            return False
    return False


def _is_temperature_context(text: str, s: int) -> bool:
    w = text[max(0, s - 12):s]
    return "温" in w or "零下" in w or "摄氏" in w or "华氏" in w


def _fahrenheit_before(text: str, s: int) -> bool:
    w = text[max(0, s - 12):s]
    return w.rfind("华氏") > w.rfind("摄氏")


_TAG_CACHE: dict[str, list] = {}


def _tag(s: str):
    r = _TAG_CACHE.get(s)
    if r is None:
        r = rjieba.tag(s)
        if len(_TAG_CACHE) > 50000:
            _TAG_CACHE.clear()
        _TAG_CACHE[s] = r
    return r


_STOP_NOUN = set("的了和与及等在是为将有")
_CUT = re.compile(r"[，。、；：,;:！？!?\s（）()“”\"《》的]")


def _is_noun(tag: str | None) -> bool:
    return bool(tag) and tag.startswith("n") and not tag.startswith("nr")  # nr*: person names


# nouns to the tagger that do not continue a noun phrase (项目全面推进, 影片参赛, 机组全部投产)
_NOT_HEAD = frozenset(("全部", "全体", "全面", "本身", "各自", "之间", "总数", "总和", "参赛", "大面积"))


def _counted(text: str, qual_start: int, end: int, unit: str | None = None) -> str | None:
    """The noun counted. After the classifier: the noun phrase that follows (6个传统装备领域 ->
    传统装备领域, at most three noun words); a single character counts when the tagger calls it a
    noun or a bound noun root (78个村 -> 村, 3个人 -> 人) unless classifier and character make one
    word (六部门, 两位数, 三项赛; not checked for 个, which the tagger glues to most single nouns:
    个省, 个村). Else a noun written just before the number (问题6项 -> 问题). None when unclear."""
    after = text[end:end + 10]
    if after and after[0] not in _STOP_NOUN and "\u4e00" <= after[0] <= "\u9fff":
        cut = _CUT.split(after, maxsplit=1)[0]
        if cut:
            words = []
            tags = _tag(cut)
            for w, tag in tags[:3]:
                if not words:
                    if not (_is_noun(tag) or len(w) == 1 and tag in ("ng", "zg")):
                        break
                elif w in _NOT_HEAD or tag not in ("n", "nz") or len(w) < 2:
                    break  # the phrase goes on only with plain nouns: 传统装备领域
                words.append(w)
            if words and len(tags) > len(words) and tags[len(words)][1] == "a" and len(words[-1]) >= 2:
                # 50个起点高、体量大的重点项目: the noun is described (起点高), the counted one follows 的
                return _noun_after_de(text, end)
            if words and len(words[0]) == 1 and len(words) == 1 and unit and unit[-1] not in "个個":
                glued = _tag(unit[-1] + words[0])
                if len(glued) == 1:
                    return None
            return "".join(words) or None
    before = text[max(0, qual_start - 8):qual_start]
    cut = _CUT.split(before)[-1]
    if cut:
        toks = _tag(cut)
        if toks:
            w, tag = toks[-1]
            if _is_noun(tag) and len(w) >= 2:
                return w
    return None


def _noun_after_de(text: str, end: int) -> str | None:
    """The noun phrase after the first 的 of the clause that starts at `end` (None if none)."""
    clause = re.split(r"[，。；;,！？!?\n]", text[end:end + 40], maxsplit=1)[0]
    k = clause.find("的")
    if k < 0:
        return None
    words = []
    for w, tag in _tag(_CUT.split(clause[k + 1:], maxsplit=1)[0])[:3] if clause[k + 1:] else []:
        if tag not in ("n", "nz") or w in _NOT_HEAD:
            break
        words.append(w)
    return "".join(words) or None


# ---------------------------------------------------------------- the extractor
class _Num:
    __slots__ = ("s", "e", "value", "mag", "mag_str", "approx", "is_cn", "single", "raw", "digits")


def _read_number(text: str, s: int, e: int, allow_leading_power: bool = False) -> _Num | None:
    """Parse the numeral text[s:e]; split a trailing 万/亿 off into the unit."""
    raw = text[s:e]
    parsed = _parse_raw(raw, allow_leading_power)
    if parsed is None:
        return None
    num = _Num()
    num.s, num.e, num.raw = s, e, raw
    num.value, num.approx, num.mag, num.mag_str, num.digits, num.is_cn, num.single = parsed
    return num


@lru_cache(maxsize=8192)
def _parse_raw(raw: str, allow_leading_power: bool):
    """(value, approx, mag, mag_str, digits, is_cn, single) of a numeral as written, or None.
    Cached: news text repeats the same numerals (1, 10, 2023) very often."""
    t = _clean(raw)
    is_cn = not any("0" <= c <= "9" for c in t)
    single = len(t) == 1 and is_cn
    bare_mag = t[:-1] if len(t) >= 2 and t[-1] in "余多" else t  # 万余人, 亿余元: more than one 万/亿
    if allow_leading_power and bare_mag and all(c in _MAG_VALUES for c in bare_mag):
        mag = 1.0
        for c in bare_mag:
            mag *= _MAG_VALUES[c]
        approx = t[-1] if bare_mag != t else None
        return 1.0, approx, mag, bare_mag, None, True, single  # 超亿元: one 亿, the 一 not written
    digits = _digit_string(t)
    mag, mag_str = 1.0, ""
    core = t
    m = _MAG_TAIL.search(t) if t and t[-1] in "万萬亿億" else None
    if m and m.start() > 0 and t[m.start() - 1] not in "零〇" \
            and not any(c in _BIGS for c in t[:m.start()]):  # 四十五億零四百零四萬: 萬 is not the unit
        core = t[:m.start()]
        mag_str = m.group(0)
        for c in mag_str:
            mag *= _MAG_VALUES[c]
    if digits is not None:
        return float(digits), None, mag, mag_str, digits, is_cn, single
    parsed = parse_numeral(core, allow_leading_power)
    if parsed is None:
        return None
    return parsed[0], parsed[1], mag, mag_str, digits, is_cn, single


def _kilo(text: str, num: _Num) -> bool:
    """40k, 3.2K: a k right after Arabic digits is a thousand; it joins the number (value 40000).
    Not before a letter (kg, km, kW are units) and not 2K/4K/8K (display resolutions, codes)."""
    e = num.e
    if num.is_cn or e >= len(text) or text[e] not in "kKｋＫ":
        return False
    if e + 1 < len(text) and _LETTER.match(text[e + 1]) or text[e + 1:e + 2].isdigit():
        return False
    if text[e] in "KＫ" and len(num.raw) == 1:
        return False
    num.value *= 1000.0
    num.e = e + 1
    num.raw = text[num.s:e]
    return True


def _ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _bound(qualifier_kind: str | None, base: float) -> tuple[float | None, float | None]:
    if qualifier_kind == "tens":  # 数十, 几百: some multiple of ten, a hundred ... below ten times it
        return base, base * 10
    if qualifier_kind == "lower":
        return base, None
    if qualifier_kind == "upper":
        return None, base
    return base, base


class _LaterCounted:
    """The arguments of `_counted` for a count metric, resolved by `_resolve_counted`."""
    __slots__ = ("args",)

    def __init__(self, *args):
        self.args = args


def _resolve_counted(outs: list[list[dict]]) -> None:
    for out in outs:
        for metric in out:
            later = metric["counted"]
            if later.__class__ is _LaterCounted:
                metric["counted"] = _counted(*later.args)


def extract_metrics(text: str, words: list[str] | None = None) -> list[dict]:
    """All numeric facts in `text` (see the module docstring for the keys and conventions).
    `words`: the text's tokenization (rjieba words of the width-folded text, whose lengths add up to
    the text's); None: the text is cut here with rjieba."""
    out = _extract(text, words)
    _resolve_counted([out])
    return out


def _extract(text: str, words: list[str] | None, ends: list[int] | None = None) -> list[dict]:
    """`extract_metrics` with `counted` left as _LaterCounted. `ends`: 0 and the end of each of `words`, when
    the caller has them."""
    if not text:
        return []
    P = _patterns()
    W = _Words(text, words, ends)
    out: list[dict] = []
    bounds: list[int] | None = None
    sent_k, sentence = -1, ""
    pos = 0
    search = _scan_re().search
    urls = _URL.finditer(text) if "://" in text or "www." in text else None
    url_end = url_start = n_text = len(text)
    if urls is not None:
        um = next(urls, None)
        if um is not None:
            url_start, url_end = um.span()
    while True:
        m = search(text, pos)
        if m is None:
            break
        s, e = m.span()
        pos = e
        if s >= url_start:  # inside or past the next web address
            if s < url_end:
                pos = max(pos, url_end)
                continue
            um = next(urls, None)
            url_start, url_end = um.span() if um is not None else (n_text, n_text)
            if url_start <= s < url_end:
                pos = max(pos, url_end)
                continue
        if m.lastgroup == "date":
            continue
        try:
            if m.lastgroup == "half" or m.lastgroup == "whole":
                res = _half(text, s, e, P, W)
            elif m.lastgroup == "counted_in":
                res = _counted_in(text, s, e, P, W)
            else:
                res = _one(text, s, e, P, W)
        except _WordsMismatch:
            raise
        except (ValueError, KeyError, ZeroDivisionError, OverflowError):  # never die on odd text
            res = None
        if res is None:
            continue
        metric, consumed_to = res
        if out and metric["start"] < out[-1]["end"]:
            continue
        pos = max(pos, consumed_to)
        if bounds is None:
            bounds = [mm.start() for mm in _SENT_END.finditer(text)]
        k = bisect.bisect_left(bounds, metric["start"])
        if k != sent_k:  # metrics side by side share their sentence
            sent_k, sentence = k, _sentence_at(text, bounds, k)
        metric["sentence"] = sentence
        out.append(metric)
    _merge_bound_pairs(text, out)
    if out:
        _implied_money(text, out, P, W)
    if words is not None and W.ends is None and sum(map(len, words)) != len(text):
        W._load()  # never asked: still check that the caller's words are this text's (this raises)
    return out


def _match_unit(text, e, P, num: _Num, W: _Words, level: bool = False, compared: bool = False):
    """(unit_as_written_without_mag, unit_end) or (None, e); ("", -1) when a look-alike follows.
    The unit must end a word of the tokenization, or start one that goes on as the tokenizer glues a
    noun to a measure word (3个人 = 个 + 人, 31个省, 50年来); 5元素, 五成员 and 两位数 are words.
    `level`: 级 is a unit (a range 4到5级, 6.8级, 风力7级), not a rank (3级医院, 4A级)."""
    hit = P.unit_or_suffix.word_at(text, e)  # the longest unit or look-alike (a look-alike wins a tie)
    if hit is None:
        return None, e
    if compared and _comparative_after(text, e, P):
        return None, e  # 比15大: 大 is the comparison, not a look-alike (十大)
    word, ws, we = hit
    if word in P.suffix_set:
        ahead = P.pre_ahead.word_at(text, e)
        if ahead is not None and len(ahead[0]) > len(word):
            return None, e  # 小于30大于20: 大 begins the next bound (大于), no look-alike (十大)
        if word == "度" and not text.startswith("度电", ws) and _is_temperature_context(text, num.s):
            return "度", we
        if word == "级" and num.mag_str:
            return None, e  # 千万级: a magnitude class, the qualifier 级
        if word == "级" and (level or _scale_context(text, num.s, we, P, W)):
            return "级", we
        return "", -1
    return word, we  # a word of the tokenization? checked on the whole metric (_spills)


def _spills(text: str, W: _Words, first: int, us: int | None, end: int, unit: str | None) -> bool:
    """The number (from `first`) with its unit (from `us`) ends inside a longer word (True: no metric):
    - a word that starts with the unit: 5元素, 五成员 (not 3个人, 700辆车: the tokenizer glues a noun to a
      measure word; not 50年来, 7天内, 5000吨级; not 40天全社会, where 全社会 is a word too);
    - a dictionary word that holds the number and goes on: 四面八方, 三天两头, 二十世纪, 五棵松, 十年磨一剑
      (not 一年来, nor a number before a noun that starts with the measure word: 五部委, 六部门).
    Words the tokenizer made up (HMM: 5天未) are its glue, not words."""
    if not ("\u4e00" <= text[end - 1] <= "\u9fff"):
        return False  # %, ℃, km end a word
    a, b = W.token(end - 1)
    if b <= end:
        return False
    rest = text[end:b]
    if us is not None and a >= us:
        if not rjieba.has_word(text[a:b]) or _may_follow(rest) or base_factor(unit)[2] == "count":
            return False
        return not any(rjieba.has_word(text[end:end + k]) for k in range(b - end + 1, min(5, len(text) - end) + 1))
    if a > first or not _has_word(text[a:b]) or _may_follow(rest):
        return False
    return not (us is not None and text[us:end] in _classifier_set() and rjieba.has_word(text[us:b]))


@lru_cache(maxsize=4096)
def _may_follow(rest: str) -> bool:
    """`rest` may follow a number and its unit inside one word of the tokenizer's (50年来, 7天内,
    3米处, 5000吨级, 一年多来): post-qualifiers, localizers (tag f) and words of role `after`."""
    if not rest:
        return True
    P = _patterns()
    if rest in P.post_q or rest in P.after or _tag(rest)[0][1] == "f":
        return True
    return any(rest.startswith(w) and _may_follow(rest[len(w):]) for w in (*P.post_q, *P.after)
               if len(w) < len(rest))


def _scale_context(text, s, e, P, W) -> bool:
    """A measuring scale names the number: the word before it (风力, 震级) or after 级 (地震, 大风)."""
    if s > 0:
        a, _ = W.token(s - 1)
        if text[a:s] in P.scales:
            return True
    if e < len(text):
        _, b = W.token(e)
        if text[e:b] in P.scales:
            return True
    return False


_DATE_NEXT = frozenset("月日号時时点點")

# words with 半 (half) or 对 that are numbers: (value, unit). 半折/对折 (half price) are 五折.
_HALF_WORDS = {"半百": (50.0, None), "半成": (0.5, "成"), "半折": (5.0, "折"), "对折": (5.0, "折"),
               "一半": (0.5, None), "半数": (0.5, None), "过半": (0.5, None),
               "百分百": (100.0, "百分之")}  # the whole (百分之百), scanned as group `whole`
_HALF_SHARES = ("一半", "半数", "过半")


# kinds a half (半) of one unit may measure: 半小时, 半个月, 半年, 半个世纪, 半公里, 半吨
_HALF_KINDS = frozenset(("duration", "length", "mass", "area", "volume"))


@lru_cache(maxsize=1)
def _half_unit_starts() -> frozenset[str]:
    """First characters of the units 半 may take (半小时, 半个月, 半公里)."""
    return frozenset({u[0] for u in _units() if _half_unit_ok(u)} | {"个"})


def _half_unit_ok(unit: str) -> bool:
    """半 + this unit is a half of it: a unit of time, length, mass, area or volume, but not 天 or 日
    (半天 is mostly 'a long while') nor 周 (绕场半周: half a circuit)."""
    return unit not in ("天", "日", "周") and _units()[unit][2] in _HALF_KINDS


def _half_of_unit(text, s, P, W):
    """半小时, 半个月, 近半个世纪, 半个多世纪 (more than half a century), 半公里: 0.5 of the unit after 半."""
    e = s + 1
    more = False
    if text.startswith("个多", e):  # 半个多世纪, 半个多月
        for k in (3, 2, 1):
            word = "个" + text[e + 2:e + 2 + k]
            if len(word) == k + 1 and word in _units() and _units()[word][2] == "duration":
                unit, end, more = word, e + 2 + k, True
                break
        else:
            return None
    else:
        um = P.unit.match(text, e)
        if um is None or um.start(1) != e or not _half_unit_ok(um.group(1)):
            return None
        unit, end = um.group(1), um.end()
    a, b = W.token(s)
    if a < s and text[a:s] not in P.pre_q:
        return None  # 上半年, 下半年, 多半: 半 inside a word
    if s > 0 and text[s - 1] in _OPEN_QUOTES and _quoted(text, s, end):
        return None  # "半年红、全年红": a slogan, as "1469" is
    if end < len(text) and "\u4e00" <= text[end] <= "\u9fff" and _spills(text, W, s, s + 1, end, unit):
        return None
    qualifier = qkind = None
    start = s
    if s > 0 and text[s - 1] in P.pre_last:
        q = _qualifier_before(text, s, P, W)
        if q:
            qualifier, start, qkind = q
    if more:
        qualifier = "多" if qualifier is None else qualifier + "…多"
        qkind = "lower"
    return _finish(text, start, end, start, 0.5, unit, qualifier, qkind, None, None, P, W, None)


def _counted_in(text, s, e, P, W):
    """数以万计, 数以千计, 数以百万计 (counted in tens of thousands ...): as 数万, 数千, 数百万 (value the power as
    written, its 万/亿 in the unit; low = base, high = 10 x base), qualifier 数以…计."""
    num = _read_number(text, s, e, allow_leading_power=True)
    if num is None:
        return None
    return _finish(text, s - 2, e + 1, s - 2, num.value, num.mag_str or None, "数以…计", "tens", None, None,
                   P, W, None)


def _half(text, s, e, P, W):
    """半百 (50), 半成 (5 percent), 半折 and 打对折 (50 percent), 百分百 (100 percent): no digit is written."""
    word = text[s:e]
    if word == "半":
        if text[e:e + 1] in _half_unit_starts() or text[s - 1:s] != "过" or P.unit.match(text, e):
            return _half_of_unit(text, s, P, W)  # 半小时 (None for 过半天: a unit not halved)
        word = "过半"  # 进度过半, 过半受访者: more than half
    value, unit = _HALF_WORDS[word]
    if unit is not None:
        sm = P.suffix.match(text, e - 1)  # 半成品, 半折叠: a look-alike word, not a quantity
        if sm and sm.end() > e:
            return None
        if e < len(text) and text[e] in "品":
            return None
    elif e < len(text) and (text[e] in _CN_NUM_CHARS or text[e] in "分"):
        return None
    a, b = W.token(s)
    if word in _HALF_SHARES and (a == s or text[a:s] in P.pre_q or text[a:s] == "过") \
            and (b <= e or text[e:b] in P.post_q or text[e:b] == "数"):
        a, b = s, e  # 近一半, 一半左右, 过半数: the tokenizer's glue of a qualifier
    if word in _HALF_SHARES and s > 0 and text[s - 1] == "过" and W.token(s - 1)[0] == s - 1:
        if word == "过半" and text.startswith("数", e):
            e += 1  # 过半数
        return _finish(text, s - 1, e, s - 1, value, None, "过", "lower", None, None, P, W, None)
    if a < s or b > e and text[a:b] != word and _has_word(text[a:b]):
        return None  # inside a word
    if word in _HALF_SHARES:
        # a half (0.5, as 二分之一) only with a bound: 超过一半, 近一半, 一半以上, 半数以上; alone it is
        # mostly a manner of speaking (一半是海水，一半是火焰)
        res = _fraction(text, s, e, value, False, P, W)
        return res if res[0]["qualifier"] else None
    if word == "百分百" and s > 0 and text[s - 1] in P.pre_last:
        q = _qualifier_before(text, s, P, W)  # 近百分百, 接近百分百
        if q:
            return _finish(text, q[1], e, q[1], value, unit, q[0], q[2], None, None, P, W, None)
    return _finish(text, s, e, s, value, unit, None, None, None, None, P, W, None)


# two Chinese digits written side by side: an approximate range (两三个, 七八十岁, 三五年)
_PAIRS = {"一二": (1, 2), "一两": (1, 2), "二三": (2, 3), "两三": (2, 3), "三四": (3, 4), "四五": (4, 5),
          "五六": (5, 6), "六七": (6, 7), "七八": (7, 8), "八九": (8, 9), "三五": (3, 5)}
_PAIR_REST = re.compile(r"([十百千]?)([万亿]{0,2})$")


def _pair(text: str, s: int, e: int) -> tuple[_Num, _Num, str] | None:
    """两三百 -> (200, 300), 三四十万 -> (30, 40) in 万: two numbers of the range, magnitude split off,
    and the digit pair as written (the qualifier). The pair may follow a numeral that ends with a power,
    one place below it: 三十五六岁 (35, 36), 一百五六十 (150, 160), 两千三四百 (2300, 2400), 十七八 (17, 18);
    without a written power the pair is one place below the numeral's last (as 九百九 is 990)."""
    raw = text[s:e]
    k = 0 if raw[:2] in _PAIRS else _pair_offset(raw)
    if k is None:
        return None
    digits = _PAIRS[raw[k:k + 2]]
    m = _PAIR_REST.match(raw, k + 2)
    if m is None or (k == 0 and "二" in raw[:2] and not m.group(1)):
        return None  # 一二类, 二三级: ranks (a count is written 两); 一二十, 二三百 are numbers
    base = 0.0
    if k:
        head = parse_numeral(raw[:k])
        last = _POWERS.get(raw[k - 1]) or _BIGS.get(raw[k - 1])
        if head is None or head[1] is not None or last is None:
            return None
        power = _POWERS[m.group(1)] if m.group(1) else last / 10
        if power >= last or power < 1:
            return None  # 三十五六十: the pair's place must be below the numeral's last
        base = head[0]
    else:
        power = _POWERS.get(m.group(1), 1)
    mag_str = m.group(2)
    mag = 1.0
    for c in mag_str:
        mag *= _MAG_VALUES[c]
    nums = []
    for d, (ns, ne) in zip(digits, ((s, s + k + 1), (s + k + 1, e))):
        num = _Num()
        num.s, num.e, num.raw = ns, ne, raw
        num.value, num.approx, num.mag, num.mag_str = base + float(d * power), None, mag, mag_str
        num.digits, num.is_cn, num.single = None, True, False
        nums.append(num)
    nums[1].e = e
    return nums[0], nums[1], raw[k:k + 2]


_PAIR_AFTER_POWER = re.compile("[十拾百佰千仟万萬](?=" + "|".join(_PAIRS) + ")")


def _pair_offset(raw: str) -> int | None:
    """Where a digit pair starts after a numeral that ends with a power (三十五六: 2), or None."""
    if len(raw) < 3:
        return None
    m = _PAIR_AFTER_POWER.search(raw)
    return m.end() if m else None


def _numeral_in_word(text: str, W: _Words, s: int, P) -> bool:
    """The numeral starting at s begins inside a dictionary word (同一天, 老两口, 大年三十, 正月十五),
    not after a qualifier, sign or vague word glued to it (近百人, 数十家, 上万)."""
    a, b = W.token(s)
    if a == s:
        return False
    lead = text[a:s]
    if lead in P.vague or lead in P.power_q or lead in P.pre_q or lead in ("负", "負", "零下"):
        return False
    if _rank_cut(text, s) and _numeral_then_count(text[s:b]):
        return False  # 前五, 前十名: the first N, as 前5名 (前一天 is the day before, 前两天 the other day,
        # 前三合村 a name)
    if not _has_word(text[a:b]):
        return False
    # 增加一倍: a verb before a number and its unit is no part of them (统一打造 is: 统一 ends at 一)
    return b - s < 2 or _tag(lead)[-1][1][0] != "v"


def _rank_cut(text: str, s: int) -> bool:
    """The numeral at s follows 前 (the first N: 前三, 前十名), and is not 一 (前一天, 前一阶段: the one before)."""
    return s > 0 and text[s - 1] == "前" and text[s] not in "一壹"


def _numeral_then_count(rest: str) -> bool:
    """`rest` is Chinese numerals, optionally followed by a classifier that counts (三, 十名; not 三天)."""
    k = 0
    while k < len(rest) and rest[k] in _CN_NUM_SET:
        k += 1
    return k > 0 and (k == len(rest) or _units().get(rest[k:], (0, "", ""))[2] == "count")


def _idiom_half(text: str, s: int, end: int) -> bool:
    """A numeral + measure word that is half of a four-character idiom written with a variant other
    half (惊艳四座 / 艳惊四座 for the dictionary's 语惊四座): the neighbouring two characters are not the
    dictionary's other half but share a character with it."""
    if end - s != 2:
        return False
    for other, side in _dictionary()[2].get(text[s:end], ()):
        near = text[max(0, s - 2):s] if side == "before" else text[end:end + 2]
        if len(near) == 2 and near != other and not set(near).isdisjoint(other):
            return True  # the idiom itself (持续一年, 两次曝光) is left to the tokenizer: one word or not
    return False


def _session(text: str, W: _Words, start: int, end: int, unit: str, P) -> bool:
    """N次会议 after a body's name is its Nth session (人大三次会议), not N meetings (召开3次会议)."""
    if unit != "次" or not any(text.startswith(w, end) for w in P.sessions) or start == 0:
        return False
    a, _ = W.token(start - 1)
    tag = _tag(text[a:start])[-1][1]
    return tag[0] == "n" or tag == "j"


def _one(text, s, e, P, W):
    # fast rejects (most numerals in news are dates): 3月9日, 9时, 2023年
    n = len(text)
    nxt = text[e] if e < n else ""
    if nxt in _DATE_NEXT and not text.startswith(("日元", "日圆"), e):
        return None
    if nxt == "年" and e - s == 4 and text[s:e].isascii() and text[s:e].isdigit():
        return None
    raw = text[s:e]
    # --- power char at the end that begins a unit (千克, 千米, 兆字节, 百分点)
    if e - s >= 2 and text[e - 1] in "千百兆万":
        um = P.unit.match(text, e - 1)
        if um and um.group(1)[0] == text[e - 1] and len(um.group(1)) >= 2:
            e -= 1
            raw = text[s:e].rstrip(" ")
            e = s + len(raw)
    # --- percent / permille written before the number: 百分之五, 千分之２.４
    if raw and raw[0] in "百佰千仟万萬":
        k = s
        while k < e and text[k] in _POWERS or k < e and text[k] in _BIGS or k < e and text[k] == " ":
            k += 1
        fm = _FRACTION.match(text, k)
        if fm and k < n and text[k:k + 1] in (" ", "分"):
            return _percent_words(text, s, k, fm.end(), P, W)
    if raw.startswith(" "):
        return None
    if raw[0] in _CN_NUM_SET:
        if s > 0 and "\u4e00" <= text[s - 1] <= "\u9fff" and _numeral_in_word(text, W, s, P):
            return None
        # --- what stands right before the numeral: a vague word (数十, 几百), a qualifier that may take
        # a numeral starting with 百/千/万/亿 (近百, 逾千, 上万, 超亿), or nothing
        lead = _lead(text, s, P, W) if s > 0 and raw[0] in _POWER_CHARS else None
        if lead and lead[0] in P.vague:
            k = s
            while k < e and text[k] in _POWER_CHARS:
                k += 1
            e, raw = k, text[s:k]  # 数百三甲医院: 数百, then 三甲
        pair = _pair(text, s, e) if raw[:2] in _PAIRS or len(raw) >= 3 and _PAIR_AFTER_POWER.search(raw) \
            else None
        bounded = raw[0] in _POWER_CHARS and _power_with_bound(text, raw, e, P)
        leading_power = bool(lead) or bounded
    else:
        lead = pair = None
        bounded = leading_power = False
    num = _read_number(text, s, e, allow_leading_power=leading_power) if pair is None else pair[1]
    if num is None:
        return None
    if not num.is_cn and e < n and text[e] in "kKｋＫ" and _kilo(text, num):
        e = num.e
    # --- 来 after a round number and before its unit: about (十来个, 三十来岁, 百来人, 1000来人)
    lai = pair is None and e < n and text[e] == "来" and _about_lai(text, num, e, P)
    if lai:
        e += 1
    start = s
    # --- sign (not after a digit: 3-5; not a doubled dash: －－9; not 负 inside 减负, 不负)
    if s > 0 and (text[s - 1] in _SIGN_CHARS or text[s - 1] == "下"):
        negative, start = _sign(text, s, W)
        if negative is None:
            return None
    else:
        negative = False
    # --- mixed number: 三百五十又三分之一, 3又一千分之23
    ym = _YOU.match(text, e) if e < n and text[e] in " 又" else None
    if ym and pair is None and not lai:
        m2 = _RUN_RE.match(text, ym.end())
        if m2 is not None:
            den = _read_number(text, m2.start(), m2.end())
            fm = _FRACTION.match(text, m2.end())
            m3 = _RUN_RE.match(text, fm.end()) if fm else None
            numer = _read_number(text, m3.start(), m3.end()) if m3 else None
            if den is not None and numer is not None and den.value * den.mag:
                value = num.value * num.mag + numer.value * numer.mag / (den.value * den.mag)
                return _fraction(text, start, m3.end(), value, negative, P, W)
            fa = _YOU_FRACTION.match(text, ym.end()) if fm is None and not num.is_cn else None
            if fa and int(fa.group(2).translate(_FULLWIDTH)):  # 1又1/2: an Arabic fraction after 又
                value = num.value * num.mag + int(fa.group(1).translate(_FULLWIDTH)) / int(
                    fa.group(2).translate(_FULLWIDTH))
                return _fraction(text, start, fa.end(), value, negative, P, W)
    # --- powers: 10的5次方 (a number to a power), 3.2×10^5 / 3.2×10的5次方 (times a power of ten)
    if not lai and pair is None and e < n and text[e] in "的×*xX✕":
        pm = _POWER_WORDS.match(text, e) if text[e] == "的" else None if num.is_cn else _TIMES_TEN.match(text, e)
        if pm:
            g = pm.groups()
            if text[e] == "的":
                exp_neg, exp_raw, base = g[0], g[1], num.value * num.mag
            elif g[0] is not None:
                exp_neg, exp_raw, base = "", g[0].translate(_FULLWIDTH), 10.0
            else:
                exp_neg, exp_raw, base = g[1], g[2], 10.0
            neg_exp = bool(exp_neg) or exp_raw[:1] == "-"
            exp = parse_numeral(exp_raw.lstrip("+-"))
            if exp is not None and exp[0] <= 400:
                power = base ** (-exp[0] if neg_exp else exp[0])
                value = power if text[e] == "的" else num.value * num.mag * power
                return _fraction(text, start, pm.end(), value, negative, P, W)
    # --- mixed number in Arabic digits: 2 1/2, -3 3/4 (an integer of up to three digits, not after a
    # letter, a digit, . or /: 2021 6/3 is a year and a date)
    if not num.is_cn and not lai and pair is None and e + 1 < n and text[e] in " \u3000" \
            and not num.mag_str and e - s <= 3 and _clean(raw).isdigit() \
            and not (start > 0 and (_ascii_alnum(text[start - 1]) or text[start - 1] in "/／.．" or text[start - 1].isdigit())):
        mm = _MIXED_FRACTION.match(text, e)
        if mm:
            den = int(mm.group(2).translate(_FULLWIDTH))
            if den:
                value = num.value + int(mm.group(1).translate(_FULLWIDTH)) / den
                return _fraction(text, start, mm.end(), value, negative, P, W)
    # --- Arabic fraction 1/3 and scientific notation 2e5
    if not num.is_cn and not lai and e < n and text[e] in "/／eE^":
        am = _ARABIC_TAIL.match(text, e)
        if am and not (am.end() < n and (_ascii_alnum(text[am.end()]) or text[am.end()] in "/／.")) \
                and not (s > 0 and (_ascii_alnum(text[s - 1]) or text[s - 1] in "/／.")):
            if am.group(1):
                den = float(am.group(1).translate(_FULLWIDTH))
                value = num.value / den if den else None
            elif am.group(3):  # 2^-1, 1.1^+23, 1.1^--23 (signs before the exponent multiply)
                exp = am.group(3).translate(_FULLWIDTH)
                digits = exp.lstrip("+-")
                value = num.value ** (int(digits) * (-1) ** exp[:len(exp) - len(digits)].count("-"))
            else:
                value = num.value * 10 ** int(am.group(2).translate(_FULLWIDTH).replace("－", "-"))
            if value is not None:
                return _fraction(text, start, am.end(), value, negative, P, W)
    # --- fraction: 三分之一, 16分之5, 一百分之二, 3又一千分之23
    fm = _FRACTION.match(text, e) if pair is None and not lai and text[e:e + 1] in _FRACTION_FIRST else None
    if fm:
        m2 = _RUN_RE.match(text, fm.end())
        neg2 = False
        p = fm.end()
        if m2 is None and p < n and text[p] in "负負":
            m2 = _RUN_RE.match(text, p + 1)
            neg2 = True
        if m2 is None:
            return None
        den = num.value * num.mag
        numer = _read_number(text, m2.start(), m2.end())
        if numer is None or den == 0:
            return None
        value = numer.value * numer.mag / den
        return _fraction(text, start, m2.end(), value, negative != neg2, P, W)
    # --- look-behind: ordinals, codes, quotes, letters, dates
    if s > 0:
        prev = text[s - 1]
        if prev in _LETTERS or prev in "/:：.#＃№" or (prev == "-" and s >= 2 and (
                text[s - 2].isdigit() or text[s - 2] in _LETTERS)):
            return None
        if (prev == " " or prev in P.prefix.last) and P.prefix.search(text, max(0, s - 3), s):
            return None
        if prev in _OPEN_QUOTES and _quoted(text, s, e):
            return None
    if e < n and (text[e] in _LETTERS and not P.unit.match(text, e)):
        return None
    if e < n and text[e] in "/:：-." and e + 1 < n and text[e + 1].isdigit() \
            and not _CONNECTOR.match(text, e):
        return None
    # --- currency symbol before the number
    symbol = None
    if not negative and s > 0 and text[s - 1] in "$＄￥¥€£":
        symbol = text[s - 1]
        start = s - 1
    # --- qualifier before the number (a whole word: 约 in 签约 is none)
    qualifier = qkind = None
    if lead:
        qualifier, start, qkind = lead
    elif start > 0 and text[start - 1] in P.pre_last:
        q = _qualifier_before(text, start, P, W)
        if q:
            qualifier, start, qkind = q
    # --- 比 170 低, 比50多: a comparison is a bound
    bi = _bi_before(text, start, W) if qualifier is None and start > 0 and text[start - 1] in "比 " else None
    # --- range: 50至200粒, 3-5年, 3%-5%, 零下5℃至3℃, 4到5级, 一至两年
    low_num = low_negative = None
    if pair is not None:
        low_num, low_negative = pair[0], False
        unit1, u1_end = _match_unit(text, e, P, num, W, level=True)
    else:
        unit1, u1_end = _match_unit(text, e, P, num, W, level="." in num.raw, compared=bi is not None)
    cmp_end = None
    if bi is not None:
        c = _comparative_after(text, u1_end if unit1 else e, P)
        if c:
            qualifier, cmp_end, qkind = "比…" + c[0], c[1], c[2]
            start = bi
    if unit1 == "":
        return None
    if unit1 is None and not num.is_cn and e < n and text[e] in "毛角" and pair is None and W.token(e) == (e, e + 1):
        unit1, u1_end = text[e], e + 1  # 5毛, 8角: a tenth of a yuan, a word of its own (not 3角形)
    after1 = u1_end if unit1 else e
    cm = _CONNECTOR.match(text, after1) if pair is None and text[after1:after1 + 1] in _CONNECTOR_FIRST else None
    between = range_end = None
    if cm is None and pair is None and after1 < n and text[after1] in "和与及跟同 ":
        cm = between = _BETWEEN.match(text, after1)  # 20和30之间, 介于五与十之间
    if cm and num.approx in (None, "多", "余", "几", "幾") and not lead and cmp_end is None and not lai:
        p2 = cm.end()
        neg2, p2 = _sign_ahead(text, p2)
        m2 = _RUN_RE.match(text, p2)
        if m2 is not None:
            num2 = _read_number(text, m2.start(), m2.end())
            if num2 is not None and not num2.approx:
                unit2, u2_end = _match_unit(text, num2.e, P, num2, W, level=True)
                conn = cm.group(1)
                leading_zero = _clean(m2.group(0)).startswith("0") and not _clean(m2.group(0)).startswith("0.")
                ok = unit2 != "" and not leading_zero
                if ok and unit1 and unit1 != unit2:
                    ok = False
                if ok and between and unit2 == "间" and not unit1 and (
                        u2_end >= n or not "\u4e00" <= text[u2_end] <= "\u9fff" or text[u2_end] == "的"):
                    unit2, u2_end, range_end = None, num2.e, u2_end  # 10与20间: 间 closes the pair as 之间
                elif ok and between:
                    k = u2_end if unit2 else num2.e
                    while k < n and text[k] == " ":
                        k += 1
                    if text.startswith("之间", k):
                        range_end = k + 2
                    else:  # 介于一百与二百: 介于 says range without 之间
                        ok = text.endswith("介于", 0, start)
                        range_end = u2_end if unit2 else num2.e
                elif ok and not unit2:
                    # a bare range only with Chinese numerals, 至/到 or ~, or a dash between spaces (15 - 40);
                    # 2023-03 is a date
                    ok = conn in "至到~～〜" or (num.is_cn and num2.is_cn) or cm.group(0).startswith(" ")
                if ok and _clean(m2.group(0)).isdigit() and len(_clean(m2.group(0))) == 4 and (unit2 or "").startswith("年"):
                    ok = False
                if ok and unit2 and unit2.startswith("年") and num2.digits is not None:
                    ok = False
                if ok and not num.mag_str and num2.mag_str:
                    if num.value > num2.value:  # 5千到1万元, 8000至1.2万: the first written in full
                        num.value /= num2.mag
                    num.mag, num.mag_str = num2.mag, num2.mag_str  # 3-5万 -> both in 万
                if ok and (num.mag_str or num2.mag_str) and num.mag_str != num2.mag_str:
                    ok = False
                if ok:
                    low_num, low_negative = num, negative
                    num, negative = num2, neg2
                    unit1, u1_end = unit2, u2_end
                elif unit2 == "" and not unit1:
                    return None  # 2到3号线: the first number is the same code
    # --- 三个多月, 两个半小时, 一个多星期: 多 or 半 between 个 and a unit of time
    between_ge = None
    if unit1 in ("个", "個") and low_num is None and u1_end < n and text[u1_end] in "多半":
        for k in (3, 2, 1):  # the longest unit 个X of time (个月, 个小时, 个星期)
            word = "个" + text[u1_end + 1:u1_end + 1 + k]
            if len(word) == k + 1 and word in _units() and _units()[word][2] == "duration":
                between_ge = text[u1_end]
                unit1, u1_end = word, u1_end + 1 + k
                break
    if negative and not unit1 and not low_num and text[start] in "-－" and start > 0 \
            and "\u4e00" <= text[start - 1] <= "\u9fff" and "." not in num.raw \
            and _tag(text[W.token(start - 1)[0]:start])[-1][1][0] not in "vpdc":
        return None  # 歼-20, 运-20: a model's code (得分为-3 is a number; 气温-5℃, 增长-0.5%)
    if unit1 == "级" and low_num is None and "." not in num.raw and not _scale_context(text, num.s, u1_end, P, W):
        return None
    if num.is_cn and _cn_refused(text, raw, e, num, unit1, qualifier, low_num, pair, bounded):
        return None
    # years: 2023年, 1987年 -> dates belong elsewhere
    if unit1 and unit1.startswith("年"):
        c = _clean(text[num.s:num.e])
        if c.isdigit() and (len(c) == 4 or (len(c) == 2 and c.startswith("0"))):
            return None
        if re.match(r"[0-9０-９一二三四五六七八九十]{1,2}月", text[u1_end:u1_end + 3]):
            return None
    # --- 折 with a digit string: 五五折 = 5.5折, 九 九 折 = 9.9折
    value = num.value
    if between_ge == "半" and num.digits is None:
        value += 0.5
    if num.digits is not None:
        if unit1 != "折" or len(num.digits) != 2:
            return None
        value = float(num.digits[0] + "." + num.digits[1])
    end = u1_end if unit1 else num.e
    if range_end is not None and low_num is not None:
        end = range_end
    elif cmp_end is not None and low_num is None:
        end = cmp_end
    # --- the words around: one dictionary word holding number and more (四面八方, 两位数, 二十世纪),
    # an idiom's half (惊艳四座), a session (人大二次会议)
    first = low_num.s if low_num is not None else num.s
    us = u1_end - len(unit1) if unit1 else None
    if (end < n and "\u4e00" <= text[end] <= "\u9fff" and _spills(text, W, first, us, end, unit1)) \
            or (num.is_cn and end - num.s == 2 and qualifier is None
                                                   and low_num is None and _idiom_half(text, num.s, end)):
        return None
    if unit1 == "次" and low_num is None and _session(text, W, start, end, unit1, P):
        return None
    # --- 七成六 = 7.6成 (76%): one more Chinese digit after 成, standing alone
    if unit1 == "成" and not low_num and not num.mag_str and value == int(value) and value < 10:
        k = end + 1 if text[end:end + 1] == " " else end
        if k < n and text[k] in _DIGITS and text[k] not in "零〇一壹":
            nxt2 = text[k + 1:k + 2]
            if not ("\u4e00" <= nxt2 <= "\u9fff") or nxt2 == "的" or P.post.match(text, k + 1):
                value += _DIGITS[text[k]] / 10
                end = k + 1
    # --- 一米八 (1.8 m), 一米七五, 两元五角 (2.5 yuan): the next unit down written as a digit
    if unit1 in _NEXT_DIGIT_UNITS and not low_num and not num.mag_str and value == int(value) and not negative:
        tail = _next_digits(text, end, unit1)
        if tail:
            value += tail[0]
            end = tail[1]
            if unit1 == "块":
                unit1 = "块(钱)"  # 三块五, 3块5, 两块三毛: 块 with its 角 is yuan
    if unit1 == "块" and symbol is None and _followed_by_function_word(text, end) \
            and _money_noun_before(text, start, P) is not None:
        unit1 = "块(钱)"  # 票价五十块, 工资不到两千块: no noun counted, the clause names an amount of money
    # --- 华氏100度: 度 after 华氏 (the nearer of 华氏/摄氏 before the number) is Fahrenheit: 度(华氏)
    if unit1 == "度" and _fahrenheit_before(text, low_num.s if low_num is not None else num.s):
        unit1 = "度(华氏)"
    # --- 时速350公里: a length after 时速 (metrics_context.tsv, per_hour) is a speed per hour
    if unit1 in P.per_hour_units and not num.mag_str and _word_before(text, start, P.per_hour_re) is not None:
        unit1 = unit1 + "(/小时)"
    # --- 半 after a measure: 一吨半, 两米半, 三年半
    if unit1 and end < n and text[end] == "半" and value == int(value) and not num.mag_str \
            and base_factor(unit1)[2] not in ("count", "percent", "tenths", "discount"):
        value += 0.5
        end += 1
    unit = None
    if symbol:
        unit = symbol
        if unit1 and base_factor(unit1)[2] == "money":
            return None
    elif unit1:
        unit = num.mag_str + unit1
    elif num.mag_str:
        unit = num.mag_str
    low_value = None
    if low_num is not None:
        low_value = -low_num.value if low_negative else low_num.value
    if negative:
        value = -value
    if pair is not None:
        qualifier, qkind = pair[2], None
    elif low_num is not None and low_num.approx and qualifier is None:  # 20多至30个: from more than 20
        qualifier = low_num.approx
    elif lai:
        qualifier = "来" if qualifier is None else qualifier + "…来"
        qkind = qkind or "approx"
    elif between_ge == "多" and qkind in (None, "approx"):  # 三个多月: more than three months
        qualifier = "多" if qualifier is None else qualifier + "…多"
        qkind = "lower"
    elif num.approx and qkind in (None, "approx"):  # 五百多个, 大概有五百多个: more than 500
        qualifier = num.approx if qualifier is None else qualifier + "…" + num.approx
        qkind = "lower"
    return _finish(text, start, end, s if qualifier is None or pair is not None else start, value, unit,
                   qualifier, qkind, low_value, low_num, P, W, num)


# units after which a bare digit is the next unit down: 一米八 = 1.8 m, 两元五角 = 2.5 yuan
_NEXT_DIGIT_UNITS = {"米": "", "元": "角毛", "块": "角毛"}
_NEXT_DIGITS = re.compile(r"([一二三四五六七八九])([一二三四五六七八九])?|([1-9])(?![0-9０-９A-Za-zＡ-Ｚａ-ｚ.．%％])")


def _next_digits(text: str, end: int, unit: str) -> tuple[float, int] | None:
    """(fraction, end) of 一米[八], 一米[七五], 两元[五角], 三块[五], 3块[5]; None unless the digits stand
    alone (三米五个人 is no 3.5 m: 五个 counts)."""
    m = _NEXT_DIGITS.match(text, end)
    if m is None:
        return None
    k = m.end()
    first = _DIGITS[m.group(1)] if m.group(1) else int(m.group(3))
    sub = _NEXT_DIGIT_UNITS[unit]
    if sub and k < len(text) and text[k] in sub:
        k += 1
    elif sub and m.group(2):
        if _patterns().unit.match(text, k):
            return first / 10, m.start(2)  # 三块五一斤: 五, then 一斤
        return None  # 两元五六: not money
    nxt = text[k:k + 1]
    if nxt and "\u4e00" <= nxt <= "\u9fff" and nxt not in "的高左多钱":
        return None
    frac = first / 10 + (_DIGITS[m.group(2)] / 100 if m.group(2) else 0)
    return frac, k


def _percent_words(text, s, k, p, P, W):
    """百分之五, 千分之２.４ (the share written before the number, text[s:k] + 分之, the number at p), with a
    sign (负百分之三), qualifiers (约百分之五, 超过百分之五十, 百分之五十多), a digit pair (百分之八九十) or a range
    (百分之五到百分之十, 百分之十五至二十)."""
    m2 = _RUN_RE.match(text, p)
    if m2 is None:
        return None
    pct_prefix = text[s:k].replace(" ", "") + "分之"
    ns, me = m2.start(), m2.end()
    if me - ns >= 2 and text[me - 1] in "百佰千仟" and text.startswith("分", me):
        me -= 1  # 百分之七十百分位: the second 百 starts a word
    raw = text[ns:me]
    pair = _pair(text, ns, me) if raw[:2] in _PAIRS or len(raw) >= 3 and _PAIR_AFTER_POWER.search(raw) else None
    qualifier = qkind = low_value = None
    if pair is not None:
        num, low_value, qualifier = pair[1], pair[0].value * pair[0].mag, pair[2]
    else:
        num = _read_number(text, ns, me, allow_leading_power=True)
        if num is None:
            return None
        _kilo(text, num)
        cm = _CONNECTOR.match(text, num.e) if not num.approx else None
        if cm:
            p2 = cm.end()
            if text.startswith(pct_prefix, p2):
                p2 += len(pct_prefix)
            m3 = _RUN_RE.match(text, p2)
            num2 = _read_number(text, m3.start(), m3.end(), allow_leading_power=True) if m3 else None
            if num2 is not None and not num2.approx and num2.value * num2.mag >= num.value * num.mag:
                low_value, num = num.value * num.mag, num2
    start = s
    negative = s > 0 and text[s - 1] in "负負" and _glued_to_word_before(text, W, s - 1, s)
    if negative:
        start = s - 1
    elif s > 0 and text[s - 1] in P.pre_last and qualifier is None:
        q = _qualifier_before(text, s, P, W)
        if q:
            qualifier, start, qkind = q
    if num.approx and qkind in (None, "approx") and low_value is None:  # 百分之五十多: more than 50 percent
        qualifier = num.approx if qualifier is None else qualifier + "…" + num.approx
        qkind = "lower"
    value = num.value * num.mag
    if negative:
        value = -value
        low_value = None if low_value is None else -low_value
        if low_value is not None:
            return None  # 负百分之三到五: which end is negative is unclear
    return _finish(text, start, num.e, start, value, pct_prefix, qualifier, qkind, low_value,
                   pair[0] if pair else None, P, W, num)


_POWER_CHARS = frozenset("十拾百佰千仟万萬亿億")
_BIG_POWER_CHARS = frozenset("百佰千仟万萬亿億")


_CN_NUM_SET = frozenset(_CN_NUM_CHARS)


def _cn_refused(text, raw, e, num, unit1, qualifier, low_num, pair, bounded) -> bool:
    """Chinese numerals that are no quantity (precision over recall)."""
    if pair is not None and not unit1 and not num.mag_str and raw.endswith(pair[2]):
        return True  # 三五好友, 十四五规划: a pair of digits is a number only with a unit or a power after it
        # (两三个, 七八十, 十四五岁)
    if num.raw[0] in "百佰千仟" and not unit1 and e < len(text) and "\u4e00" <= text[e] <= "\u9fff" \
            and not low_num and not qualifier and not bounded:
        return True  # 千三 (1300) stands alone or takes a unit; 数百三甲医院 is not 130
    if num.raw[0] in _BIG_POWER_CHARS and not (low_num or qualifier or unit1 or num.approx or bounded) \
            and all(c in _POWER_CHARS for c in num.raw):
        return True  # 千万 (不要), 万人助万企
    if num.single:
        if num.raw in "零〇壹贰貳叁參肆伍陆陸柒捌玖":
            return True  # 零部件, 零售; a lone financial-form digit is a name's character (张陆, 队伍)
        if low_num:
            return False
        if not unit1 and qualifier is None and not re.match(r"以上|以下|左右", text[e:e + 2]) \
                and text.strip() != raw and not _rank_cut(text, num.s):
            return True  # 三送一强, 十大战略 (十大 is a look-alike too), 一网统筹; a numeral alone is a number
        if unit1 and num.raw in "一壹" and base_factor(unit1)[:2] == (1.0, "count") \
                and not (unit1 == "块" and _next_digits(text, e + 1, "块")):
            return True  # 一个, 一批, 一家: too common and mostly not facts (一打 is twelve); 一块五 is 1.5 yuan
        if unit1 and num.raw == "二" and unit1 != "人" and base_factor(unit1)[2] == "count":
            return True  # 二次会议, 二次创业: a count is written 两 (两次), 二 + measure word is an ordinal
    if num.digits is not None:
        if not unit1 and num.single is False:
            return True  # digit strings 八六三, 九九 are names
        if unit1 and unit1 != "折" and not low_num:
            return True  # 二〇二三年 is a year
    return False


def _lead(text: str, s: int, P, W: _Words) -> tuple[str, int, str] | None:
    """(word, start, bound) of a vague word or a power qualifier right before a numeral that starts with
    十/百/千/万/亿: 数十, 几百, 上千, 过万, 破亿; a pre-qualifier before such a numeral (近百, 逾千, 超亿)."""
    if s == 0 or text[s] not in "十拾百佰千仟万萬亿億":
        return None
    for table in (P.vague, P.power_q):
        ch = text[s - 1]
        if ch in table and _glued_to_word_before(text, W, s - 1, s):
            return ch, s - 1, table[ch]
    return _qualifier_before(text, s, P, W)


def _about_lai(text: str, num: _Num, e: int, P) -> bool:
    """text[e] is 来 (about) after a round number: the number ends with 十/百/千/万 (十来, 三十来, 百来) or is
    an Arabic integer ending in 0 (1000来), and a unit or classifier follows right after it (not 来自, 一来)."""
    raw = _clean(num.raw)
    if not (raw[-1] in _POWER_CHARS or raw.isdigit() and raw.endswith("0")) or num.approx:
        return False
    um = P.unit.match(text, e + 1)
    return um is not None and um.start() == e + 1 and um.start(1) == e + 1


def _power_with_bound(text: str, raw: str, e: int, P) -> bool:
    """A numeral starting with 百/千/万/亿 without a number before it is a number only when bounded:
    百余人, 千多家 (余/多 inside it), 亿元以上, 千万元以下, 千万级 (a bound after it)."""
    if raw[0] not in "百佰千仟万萬亿億":
        return False
    if raw[-1] in "余多" and len(raw) >= 2:
        return True
    if text.startswith("来", e) and P.unit.match(text, e + 1):
        return True  # 百来人
    k = P.unit.match(text, e)
    k = k.end() if k else e
    return text.startswith(("以上", "以下", "级"), k)


def _sign(text: str, s: int, W: _Words) -> tuple[bool | None, int]:
    """(negative, start): 负3.2%, -5, 零下5℃. None when the dash is a code's (S-300, F-16)."""
    if s > 0 and text[s - 1] in _SIGN_CHARS:
        before = text[s - 2] if s >= 2 else ""
        if text[s - 1] in "负負":
            return (True, s - 1) if _glued_to_word_before(text, W, s - 1, s) else (False, s)
        if _LETTER.match(before):
            return None, s
        if not before or not (before.isdigit() or before in _CN_NUM_CHARS or before in _SIGN_CHARS
                              or before == "—"):
            return True, s - 1
    elif s >= 2 and text[s - 2:s] == "零下":
        return True, s - 2
    return False, s


_SIGN_AHEAD = re.compile(r"零下|零上|[负負\-－]")


def _sign_ahead(text: str, p: int) -> tuple[bool, int]:
    """The sign of a range's second number: 零下5℃至零下3℃, -5~-3℃, 负3至负1."""
    m = _SIGN_AHEAD.match(text, p)
    if m is None:
        return False, p
    return m.group() != "零上", m.end()


def _qualifier_before(text: str, start: int, P, W: _Words) -> tuple[str, int, str] | None:
    """(word, start, bound) of a qualifier ending right before `start` (optionally followed by
    了/有/是/为/达: 超过了80, 至少有10) that is a word of the text's tokenization."""
    qm = P.pre.search(text, max(0, start - 8), start)
    if not qm:
        return None
    word = qm.group()
    for cut in (word, word[:-1]):
        if cut in P.pre_q:
            qs = qm.start()
            if _glued_to_word_before(text, W, qs, qs + len(cut)):
                return cut, qs, P.pre_q[cut]
            return None
    return None


def _post_qualifier(text: str, start: int, end: int, P, W: _Words, num, unit):
    """(word, end) of a qualifier right after the unit: 以上, 左右, 多, 余 (3年多); a whole word
    (以上学历, 上下游 are not), and 级 only after a magnitude or a unit (千万级, 5000吨级)."""
    pm = P.post.match(text, end)
    if not pm:
        return None
    word = pm.group(1)
    if word == "级" and not (unit or (num is not None and num.mag_str)):
        return None
    if word in ("多", "余"):
        if text.startswith(("多万", "余万", "多亿", "余亿", "多年", "余年"), end):
            return word, pm.end()
        # 多/余 right after a unit is 'more than' (3年多); avoid 多个/余下 etc.
        nxt = text[pm.end():pm.end() + 1]
        if nxt and ("\u4e00" <= nxt <= "\u9fff") and nxt not in P.after:
            return None  # 3年多来, 7天多时
        return word, pm.end()
    ps, pe = pm.start(1), pm.end()
    a, b = W.token(ps)
    if b > pe and rjieba.has_word(text[a:b]) or a < start:
        return None  # 以上学历, 上下游: the qualifier's characters begin a longer word
    return word, pe  # a word of its own, or in one with the number (百万级, 4亿左右: 亿左右)


def _bi_before(text: str, start: int, W: _Words) -> int | None:
    """Offset of a 比 (than) right before `start` (spaces allowed), a word of its own."""
    k = start
    while k > 0 and text[k - 1] == " ":
        k -= 1
    if k == 0 or text[k - 1] != "比" or not _glued_to_word_before(text, W, k - 1, k):
        return None  # 占比, 对比, 相比 are words
    return k - 1


def _comparative_after(text: str, end: int, P) -> tuple[str, int, str] | None:
    """(adjective, end, bound) of 大/小/多/少/高/低 ... right after a number that follows 比: 比 170 低
    (less than 170), 比50多 (more than 50)."""
    j = end
    while j < len(text) and text[j] == " ":
        j += 1
    for word, bound in P.comparatives.items():
        if text.startswith(word, j):
            return word, j + len(word), bound
    return None


def _finish(text, start, end, qual_start, value, unit, qualifier, qkind, low_value, low_num, P, W, num):
    # --- qualifier after the unit: 以上, 左右, 多, 余, 级
    pq = _post_qualifier(text, start, end, P, W, num, unit) if (low_value is None or qualifier is None) \
        and end < len(text) and (text[end] in P.post.first or text[end] == " ") else None
    if pq:
        word, pend = pq
        if qualifier is None:
            qualifier, qkind = word, P.post_q[word]
        elif qkind == "approx" or P.post_q[word] != "approx":
            qkind = P.post_q[word] if qkind == "approx" else qkind
        end = pend
    if unit is None and num is not None and not num.is_cn and qualifier is None and low_num is None:
        c = _clean(num.raw)
        # bare Arabic integers: refuse leading zeros (codes) and long digit strings (phones, ids), but not
        # a round one (at most three digits, then zeros: 1000000000, 25000000000 is a quantity)
        if (c.startswith("0") and not c.startswith("0.")) or (
                c.isdigit() and len(c) >= 9 and len(c.rstrip("0")) > 3):
            return None
    base_value, base_unit, kind = to_base(value, unit)
    if kind == "percent" and unit in ("%", "％") and num is not None and num.mag_str:
        return None
    if low_value is not None:
        low_base = to_base(low_value, unit)[0]
        if low_base > base_value:
            return None
        low, high = low_base, base_value
        value, base_value = low_value, low_base
    else:
        low, high = _bound(qkind, base_value)
    # the counted noun is the only field no later step reads: it is looked up once the batch is done
    # (`_resolve_counted`), all tagger calls together (a warm dictionary: measured ~15% less CPU)
    counted = _LaterCounted(text, qual_start, end, unit) if kind == "count" else None
    return {
        "start": start, "end": end, "surface": text[start:end], "value": float(value), "unit": unit,
        "base_value": float(base_value), "base_unit": base_unit, "kind": kind,
        "qualifier": qualifier, "low": low, "high": high, "counted": counted, "sentence": "",
        "unit_implied": unit is not None and unit[-1] == ")",  # 块(钱), 公里(/小时): read from the clause
    }, end


def _fraction(text, start, end, value, negative, P, W):
    """A number written without a unit as a fraction, a mixed number or in scientific notation (三分之一,
    三又三分之一, 1/3, 2e5), with the qualifiers a number takes: 约三分之一, 近1/3, 三分之二以上, 超过三分之一."""
    qualifier = qkind = None
    if not negative and start > 0 and text[start - 1] in _patterns().pre_last:
        q = _qualifier_before(text, start, P, W)
        if q:
            qualifier, start, qkind = q
    return _finish(text, start, end, start, -value if negative else value, None, qualifier, qkind,
                   None, None, P, W, None)


def _bare(text, start, end, value):
    return {
        "start": start, "end": end, "surface": text[start:end], "value": float(value), "unit": None,
        "base_value": float(value), "base_unit": "number", "kind": "number", "qualifier": None,
        "low": float(value), "high": float(value), "counted": None, "sentence": "", "unit_implied": False,
    }, end


_PAIR_GAP = re.compile(r"^ *(?:并且|而且|同时|的同时|但是|且|但|并|而|又|、|，|,)? *$")


def _merge_bound_pairs(text: str, out: list[dict]) -> None:
    """大于10小于20, 不低于20、不超过50: a lower and an upper bound side by side become one range."""
    i = 0
    while i + 1 < len(out):
        a, b = out[i], out[i + 1]
        if a["base_unit"] == b["base_unit"] and _PAIR_GAP.match(text[a["end"]:b["start"]]) \
                and a["qualifier"] and b["qualifier"]:
            lows = [x for x in (a, b) if x["high"] is None and x["low"] is not None]
            highs = [x for x in (a, b) if x["low"] is None and x["high"] is not None]
            if len(lows) == 1 and len(highs) == 1 and lows[0]["low"] < highs[0]["high"]:
                lo, hi = lows[0], highs[0]
                merged = dict(a)
                merged.update(
                    end=b["end"], surface=text[a["start"]:b["end"]], value=lo["value"],
                    base_value=lo["base_value"], low=lo["low"], high=hi["high"],
                    qualifier=a["qualifier"] + "…" + b["qualifier"], unit=a["unit"] or b["unit"],
                )
                out[i:i + 2] = [merged]
                continue
        i += 1


def _implied_money(text: str, out: list[dict], P, W: _Words) -> None:
    """A number written with only a magnitude (万, 亿) whose clause names an amount of money before it
    (投资总额突破50亿, 营收达3.2万亿) or right after it (上百亿产值) is money: its unit gets the currency in
    parentheses, "亿(元)" (the currency of an earlier amount in the same sentence, else 元), and
    `unit_implied` is True. Not when a word follows that could be a unit we do not know (5025亿瑞郎)."""
    for m in [m for m in out if m["kind"] == "number" and m["unit"]]:
        after = _money_noun_after(text, m["end"], P, W)
        if not after and not (_followed_by_function_word(text, m["end"])
                              and _money_noun_before(text, m["start"], P) is not None):
            continue
        currency = "元"
        for prev in out:
            if prev is m:
                break
            if prev["kind"] == "money" and prev["sentence"] == m["sentence"] and prev["unit"]:
                currency = _currency_word(prev["unit"])
        unit = m["unit"] + "(" + currency + ")"
        factor, base_unit, kind = base_factor(unit)
        ratio = factor / base_factor(m["unit"])[0]
        m.update(unit=unit, base_unit=base_unit, kind=kind, unit_implied=True,
                 base_value=m["value"] * factor,
                 low=None if m["low"] is None else m["low"] * ratio,
                 high=None if m["high"] is None else m["high"] * ratio)


def _followed_by_function_word(text: str, end: int) -> bool:
    """Nothing that could be a unit follows: punctuation, the end, or a verb, particle, preposition,
    conjunction or adverb (的, 和, 同比, 增长)."""
    if end >= len(text) or not ("\u4e00" <= text[end] <= "\u9fff"):
        return True
    tag = _tag(text[end:end + 4])[0][1]
    return tag[0] in "vudpc" 


def _money_noun_after(text: str, end: int, P, W: _Words) -> bool:
    if end >= len(text) or not W.boundary(end):
        return False
    _, b = W.token(end)
    return text[end:b] in P.money_set


def _currency_word(unit: str) -> str:
    u = unit.split("(")[0]
    _, rest = _split_mag(u)
    return rest if rest and rest in _units() else "元"


_CLAUSE_END = "，。；;,！？!?\n：:（）()、"


def _money_noun_before(text: str, start: int, P) -> int | None:
    """End of a money noun (投资, 营收, 总额, GDP ...) in the same clause before `start`, with at most
    one verb and adverbs or particles between (突破, 达, 同比增长, 已突破了): None when there is none."""
    return _word_before(text, start, P.money_re)


def _word_before(text: str, start: int, words: re.Pattern) -> int | None:
    """End of the last of `words` in the same clause before `start`, with at most one verb and adverbs
    or particles between: None when there is none."""
    lo = start
    while lo > 0 and start - lo < 16 and text[lo - 1] not in _CLAUSE_END:
        lo -= 1
    window = text[lo:start]
    best = None
    for mm in words.finditer(window):
        best = mm.end()
    if best is None:
        return None
    gap = window[best:]
    if any(c.isdigit() or c in _CN_NUM_CHARS for c in gap) or len(gap) > 6:
        return None
    tags = [t for w, t in _tag(gap) if w not in _MODALS] if gap else []
    if sum(t[0] == "v" for t in tags) > 1 or not all(t[0] == "v" or t in ("d", "p", "ul", "uj", "c") for t in tags):
        return None  # one linking verb at most (突破, 达, 同比增长, 可达); 投资带动就业1.2万 is no money
    return lo + best


# modal verbs before a linking verb, no verb of their own (可达, 能达到, 可以突破)
_MODALS = frozenset(("可", "能", "可以", "能够", "将", "会", "有望"))


def extract_metrics_batch(texts: list[str], words: list[list[str]] | None = None,
                          ends: list[list[int]] | None = None) -> list[list[dict]]:
    """`extract_metrics` over many texts (the pipeline's batch entry point); `words`: each text's
    tokenization, or None; `ends`: instead of `words`, each text's word boundaries (0, then the end of every
    word), when the caller has counted them already (the entity tagger has)."""
    with gc_paused():              # transforms/gcpause.py: the collector's passes cost 3-10% here
        if ends is not None:
            outs = [_extract(t, None, b) for t, b in zip(texts, ends, strict=True)]
        elif words is None:
            outs = [_extract(t, None) for t in texts]
        else:
            outs = [_extract(t, w) for t, w in zip(texts, words, strict=True)]
        _resolve_counted(outs)
    return outs


KINDS = (
    "money", "area", "length", "mass", "volume", "temperature", "duration", "age", "count",
    "percent", "percentage_point", "tenths", "discount", "energy", "power", "speed", "data",
    "multiple", "level", "pressure", "frequency", "voltage", "charge", "sound", "number",
)
