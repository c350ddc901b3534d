"""Score transforms.metrics on Microsoft Recognizers-Text's Chinese number cases.

    python benchmarks/eval_numbers.py ../shared/eval/numbers/recognizers_zh_dev.jsonl [--part all|look|held]
                                      [--convention] [--errors N] [--extras N]

For the models Number, Percent, NumberRange, Currency, Dimension, Temperature and Age, prints the share of
gold spans "found with the right value": some extracted metric overlaps the gold span and
- its `value` or `base_value` equals the gold resolution value (percent golds such as "50%" are
  compared without the % sign), or
- for a gold range such as "(20,30)" / "[1000,1500)" / "(500,)": its `low` and `high` equal the gold
  bounds (an open side must be None; our bounds are in the base unit, so they are also compared in the
  unit as written: 至少2252平方英尺 is low 2252 square feet), or a degenerate gold range [a,a] matches like a
  value, or
- for an extracted range, the gold value equals its `low` or `high` (one end of 5-20%), or
- the gold unit is a known dimension (Mu, Kilogram, Meter, ...) and the gold value converted to our base
  unit equals `base_value` (387万亩: gold 3870000 Mu, ours 387 万亩 = 2.58e9 m2; see GOLD_UNITS).
Numbers are compared with a relative tolerance of 1e-6. Gold spans whose resolution has no value
(e.g. a bare "美元") are not numeric facts and are left out; their count is printed.
NumberRangeModelExperimentalMode is printed as an extra line, not one of the seven. Not scored: OrdinalModel
(zhnews reports no ordinals: 第三 is no quantity) and the DateTime models (the dates stage owns them).

That rule ("loose") lets one metric count for several gold spans and a metric that only overlaps the gold
span. The `strict` column is the figure to quote: a gold span is found when a metric matches its value as
above AND one span contains the other (the metric may add a unit or a qualifier the gold leaves out, or
leave out the words around a gold range), each metric counting for at most one gold span. `extra` counts
metrics that overlap no gold span at all (false positives, or numbers the spec does not mark: it is
printed, not scored, since Recognizers leaves out by design cases zhnews reports, e.g. 二三十個百分點).

`--convention` also prints an in-scope figure: gold spans of classes zhnews leaves out by design are set
aside (counted per class, and listed with --errors so they can be audited). Each class is a general rule
over the gold span and the characters around it (see CONVENTIONS and `convention_of`), never a list of
cases; a span goes to the first class whose rule holds:
- datetime: a numeral that is a date or clock part: a 4-digit year before 年, 1-12 before 月 (not after
  个), 1-31 before 日 (not 日元) or before 号 right after 月, 0-24 before 时 (not 时速/时代/时期/时间/时候)
  or before 点 that ends the time (then punctuation, the end, 钟/整/半, or a numeral and 分), 0-59 before
  分/秒 after such an hour (the dates stage owns these; the metrics table would double them);
- ordinal: right after 第 (zhnews refuses ordinals: 第三, 第21);
- quoted: the numeral is the whole of a quotation (“五”, "1469"): a numeral mentioned as a word or a name;
- fragment: part of a longer numeral as written: a digit or Chinese numeral right before or after the
  span, a decimal point joining another digit group (12.34.56), or 分之 with no numeral after it;
- digit_code: a bare Arabic integer (no unit, classifier or qualifier around it) with a leading 0 or of 9
  digits or more that is not round (more than three digits before its trailing zeros): a code, a phone or an
  id number (13912345678), which the extractor refuses as a quantity; or three or more Chinese digits with
  no 十/百/千 (一九九八, 零零七): a year or a code read digit by digit;
- lone_one: 一/壹 with no numeral next to it, no unit of measure after it and no qualifier around it
  (一只, 另一种, 一位): the extractor never reports a lone 一 with a classifier or a word (一个, 一次, 一批
  would flood the table);
- numeral_as_word: another single Chinese numeral with no numeral next to it, no unit, classifier or
  qualifier around it, in a longer text, that the tokenizer (rjieba) makes a word of its own with no
  noun, numeral or measure word after it (答案是七不是八): a numeral used as a word, not a quantity
  (三点/意见, 八张/票 stay in scope).
Units, classifiers and qualifiers are those of transforms/lexicons (metrics_units.tsv,
metrics_classifiers.txt, metrics_qualifiers.tsv), plus 前 before a numeral (前三, the first three).

`--part` splits the file deterministically (crc32 of the case id, even = `look`, odd = `held`): tune
on `look` only, and only measure `held` (report both). `--errors N` prints N misses per model and
`--extras N` N extra metrics (for the `look` part; never copy its words into lexicons or tests). The
`held` misses were read in issue 15b (to sort them into classes and conventions), so `held` is no longer
unseen: the other half of the Recognizers spec, which is not here, is.
"""
from __future__ import annotations

import argparse
import json
import math
import re
import sys
import time
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from transforms.metrics import extract_metrics  # noqa: E402

MODELS = {
    "Number/NumberModel": "Number",
    "Number/PercentModel": "Percent",
    "Number/NumberRangeModel": "NumberRange",
    "NumberWithUnit/CurrencyModel": "Currency",
    "NumberWithUnit/DimensionModel": "Dimension",
    "NumberWithUnit/TemperatureModel": "Temperature",
    "NumberWithUnit/AgeModel": "Age",
    "Number/NumberRangeModelExperimentalMode": "NumberRange (experimental, extra)",
}
_RANGE = re.compile(r"^\s*([\[(])\s*([^,]*)\s*,\s*([^,\])]*)\s*([\])])\s*$")


def _num(s: str) -> float | None:
    s = s.strip().rstrip("%").strip()
    if not s:
        return None
    try:
        return float(s)
    except ValueError:
        return None


def gold_value(resolution) -> tuple[str, object] | None:
    """('value', x) or ('range', (low, high)) from a Recognizers resolution, None if no value."""
    if not resolution:
        return None
    v = resolution.get("value")
    if v is None:
        return None
    v = str(v)
    m = _RANGE.match(v)
    if m:
        return "range", (_num(m.group(2)), _num(m.group(3)))
    x = _num(v)
    return ("value", x) if x is not None else None


def _eq(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=1e-6, abs_tol=1e-12)


# Gold dimension units -> (our base unit, factor): Recognizers resolves "387万亩" to 3870000 Mu and
# "20万公斤" to 200000 Kilogram, while zhnews keeps the value as written (387, unit 万亩) and converts
# to a base unit (m2, t). The same quantity in the same base unit is a match.
# (Recognizers-Text's own names for its Chinese dimension units.)
GOLD_UNITS = {
    "Mu": ("m2", 10000 / 15), "Kilogram": ("t", 1e-3), "Ton": ("t", 1.0), "Jin": ("t", 5e-4),
    "Microgram": ("t", 1e-12), "Meter": ("m", 1.0), "Kilometer": ("m", 1e3), "Centimeter": ("m", 1e-2),
    "Milligram": ("t", 1e-9), "Gram": ("t", 1e-6), "Pound": ("t", 4.5359237e-4), "Ounce": ("t", 2.8349523125e-5),
    "Decimeter": ("m", 0.1), "Millimeter": ("m", 1e-3), "Micrometer": ("m", 1e-6), "Nanometer": ("m", 1e-9),
    "Picometer": ("m", 1e-12), "Mile": ("m", 1609.344), "Inch": ("m", 0.0254), "Foot": ("m", 0.3048),
    "Yard": ("m", 0.9144), "Light year": ("m", 9460730472580800.0),
    "Square centimetre": ("m2", 1e-4), "Square decimeter": ("m2", 0.01), "Square meter": ("m2", 1.0),
    "Square kilometer": ("m2", 1e6), "Acre": ("m2", 4046.8564224), "Hectare": ("m2", 1e4),
    "Liter": ("m3", 1e-3), "Milliliter": ("m3", 1e-6), "Cubic meter": ("m3", 1.0), "Cubic decimeter": ("m3", 1e-3),
    "Cubic millimeter": ("m3", 1e-9), "Cubic feet": ("m3", 0.028316846592), "Gallon": ("m3", 0.003785411784),
    "Pint": ("m3", 0.000473176473),
    "Bit": ("bit", 1.0), "Kilobit": ("bit", 1e3), "Megabit": ("bit", 1e6), "Gigabit": ("bit", 1e9),
    "Terabit": ("bit", 1e12), "Byte": ("bit", 8.0), "Kilobyte": ("bit", 8e3), "Megabyte": ("bit", 8e6),
    "Gigabyte": ("bit", 8e9), "Terabyte": ("bit", 8e12), "Petabyte": ("bit", 8e15),
    "Meter per second": ("m/s", 1.0), "Kilometer per hour": ("m/s", 1 / 3.6), "Mile per hour": ("m/s", 0.44704),
}


def matches(metric: dict, gold: tuple[str, object], gold_unit: str | None = None) -> bool:
    kind, g = gold
    if kind == "value":
        if _eq(metric["value"], g) or _eq(metric["base_value"], g):
            return True
        base = GOLD_UNITS.get(gold_unit or "")
        if base and metric.get("base_unit") == base[0] and _eq(metric["base_value"], g * base[1]):
            return True
        is_range = metric["low"] is not None and metric["high"] is not None and metric["low"] != metric["high"]
        return is_range and (_eq(metric["low"], g) or _eq(metric["high"], g))
    lo, hi = g
    if _eq(metric["low"], lo) and _eq(metric["high"], hi):
        return True
    # low/high are in the base unit; a unit-less gold range is in the unit as written
    # (至少2252平方英尺: low 209.2 m2, 2252 square feet)
    v, b = metric["value"], metric["base_value"]
    if v and b and not _eq(v, b):
        f = b / v
        wlo = None if metric["low"] is None else metric["low"] / f
        whi = None if metric["high"] is None else metric["high"] / f
        if _eq(wlo, lo) and _eq(whi, hi):
            return True
    if lo is not None and hi is not None and _eq(lo, hi):
        return _eq(metric["value"], lo) or _eq(metric["base_value"], lo)
    return False


CONVENTIONS = ("datetime", "ordinal", "quoted", "fragment", "digit_code", "lone_one", "numeral_as_word")
_CN_NUMERALS = "〇零一二两兩三四五六七八九十百千万萬亿億壹贰貳叁參肆伍陆陸柒捌玖拾佰仟"
_NUMERAL_CHARS = set(_CN_NUMERALS + "0123456789０１２３４５６７８９")
_CN_DIGITS = set("〇零一二三四五六七八九")
_HALF_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_ARABIC_DIGITS = set("0123456789０１２３４５６７８９")
_OPEN_Q, _CLOSE_Q = "“‘「『\"'", "”’」』\"'"
_PUNCT = set("，。、；：！？,.;:!?（）()《》“”‘’「」『』\"' \n")
_HOUR_CLOSE = re.compile(r"(?:$|[，。、；：！？,.;:!?（）() ]|[钟整半]|[0-9０-９〇零一二三四五六七八九十]+分)")


def _vocab():
    """(units of measure, classifiers, qualifiers written before, after) as the extractor reads them from
    transforms/lexicons; 前 (the first N: 前三) is a qualifier before as in transforms.metrics._rank_cut."""
    from transforms import lexicons
    units = tuple(line.split("\t")[0] for line in lexicons.lines("metrics_units.tsv"))
    cls = tuple(w for line in lexicons.lines("metrics_classifiers.txt") for w in line.split())
    quals = [line.split("\t")[:2] for line in lexicons.lines("metrics_qualifiers.tsv")]
    pre = tuple(w for w, where in quals if where == "pre") + ("前",)
    post = tuple(w for w, where in quals if where == "post")
    return units, cls, pre, post


def convention_of(text: str, s: int, e: int, value: float | None, vocab) -> str | None:
    """The out-of-scope class of the gold span text[s:e] (CONVENTIONS), or None when zhnews should find it.
    General rules over the span and its neighbours (module docstring)."""
    units, cls, pre, post = vocab
    span = text[s:e]
    before, after = text[:s], text[e:]
    prev, nxt = before[-1:], after[:1]
    numeral = all(c in _NUMERAL_CHARS or c in ".．" for c in span)
    whole = value is not None and float(value).is_integer()
    if numeral and whole:
        v = int(value)
        if nxt == "年" and len(span) == 4:
            return "datetime"
        if nxt == "月" and 1 <= v <= 12 and prev != "个":
            return "datetime"
        if (nxt == "日" and not after.startswith(("日元", "日圆")) or nxt == "号" and prev == "月") and 1 <= v <= 31:
            return "datetime"
        if nxt == "时" and 0 <= v <= 24 and after[1:2] not in ("速", "代", "期", "间", "候"):
            return "datetime"
        if nxt in "点點" and nxt and 0 <= v <= 24 and _HOUR_CLOSE.match(after, 1):
            return "datetime"
        if nxt in ("分", "秒") and 0 <= v <= 59 and not after.startswith(("分之", "分钟")) \
                and re.search(r"[0-9０-９〇零一二三四五六七八九十]+[时点點分]$", before):
            return "datetime"
    if before.rstrip(" ").endswith("第"):
        return "ordinal"
    if prev and nxt and prev in _OPEN_Q and nxt in _CLOSE_Q:
        return "quoted"
    if numeral and (prev in _NUMERAL_CHARS or nxt in _NUMERAL_CHARS
                    or prev in ".．" and before[-2:-1] in _ARABIC_DIGITS
                    or nxt in ".．" and after[1:2] in _ARABIC_DIGITS
                    or after.startswith("分之") and (len(after) == 2 or after[2] not in _NUMERAL_CHARS)):
        return "fragment"
    plain = span.translate(_HALF_DIGITS)
    if plain.isascii() and plain.isdigit() and (plain[0] == "0" and len(plain) > 1 or
                                                len(plain) >= 9 and len(plain.rstrip("0")) > 3) \
            or len(span) >= 3 and all(c in _CN_DIGITS for c in span):
        rest = after.lstrip(" ")
        if not (before.rstrip(" ").endswith(pre) or any(rest.startswith(w) for w in units + cls + post)):
            return "digit_code"
    head = span.rstrip("".join(set(span) - _NUMERAL_CHARS)) if span else span
    if len(head) == 1 and head in _CN_NUMERALS and prev not in _NUMERAL_CHARS and text.strip() != head:
        rest = text[s + 1:].lstrip(" ")
        lead = before.rstrip(" ")
        if rest[:1] in _NUMERAL_CHARS or lead.endswith(pre) or any(rest.startswith(q) for q in post):
            return None  # a qualifier makes it a bound (一以上, 约五, 前三)
        unit = any(rest.startswith(u) for u in units)
        if head in "一壹":
            return None if unit else "lone_one"
        if not unit and not any(rest.startswith(c) for c in cls) and _word_alone(text, s):
            return "numeral_as_word"
    return None


def _word_alone(text: str, s: int) -> bool:
    """The tokenizer makes text[s] a word of its own and no noun, numeral or measure word follows it
    (答案是七不是八: 七/不是/八; not 三点/意见, 八张/票, 三子)."""
    import rjieba
    k = 0
    tags = rjieba.tag(text)
    for i, (word, _tag) in enumerate(tags):
        if k == s:
            if len(word) != 1:
                return False
            nxt = tags[i + 1][1] if i + 1 < len(tags) else ""
            return not nxt.startswith(("n", "m", "q"))
        if k > s:
            return False
        k += len(word)
    return False


def part_of(case_id: str) -> str:
    """`look` or `held`: a fixed half of the cases, the same on every machine and run."""
    return "look" if zlib.crc32(case_id.encode("utf-8")) % 2 == 0 else "held"


def _nested(metric: dict, s: int, e: int) -> bool:
    return (metric["start"] <= s and e <= metric["end"]) or (s <= metric["start"] and metric["end"] <= e)


def score_case(case: dict, metrics: list[dict], vocab=None):
    """[loose hits, strict hits, gold spans with a value, spans without, in-scope gold, in-scope loose,
    in-scope strict], missed spans, extra metrics, {class: [set aside, of which found strictly]} and the
    set-aside spans. `vocab` (from _vocab()) turns the conventions on; None: every span is in scope."""
    st = [0, 0, 0, 0, 0, 0, 0]
    missed: list[str] = []
    aside: dict[str, list[int]] = {}
    aside_rows: list[str] = []
    used: set[int] = set()
    for res in case.get("results") or []:
        gold = gold_value(res.get("resolution"))
        if gold is None:
            st[3] += 1
            continue
        st[2] += 1
        s, e = res["start"], res["end"]
        unit = (res.get("resolution") or {}).get("unit")
        cls = None
        if vocab is not None:
            cls = convention_of(case["text"], s, e, gold[1] if gold[0] == "value" else None, vocab)
        ok = [i for i, m in enumerate(metrics) if m["start"] < e and s < m["end"] and matches(m, gold, unit)]
        if ok:
            st[0] += 1
        strict = [i for i in ok if i not in used and _nested(metrics[i], s, e)]
        if strict:
            st[1] += 1
            used.add(strict[0])
        if cls is None:
            st[4] += 1
            st[5] += bool(ok)
            st[6] += bool(strict)
            if not strict:
                missed.append(f"{res['span']!r} {gold}")
        else:
            a = aside.setdefault(cls, [0, 0])
            a[0] += 1
            a[1] += bool(strict)
            aside_rows.append(f"{res['span']!r} {gold} set aside: {cls}{' (found)' if strict else ''}")
    spans = [(r["start"], r["end"]) for r in case.get("results") or []]
    extra = [m for m in metrics if not any(m["start"] < e and s < m["end"] for s, e in spans)]
    return st, missed, extra, aside, aside_rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("path")
    ap.add_argument("--part", choices=("all", "look", "held"), default="all")
    ap.add_argument("--errors", type=int, default=0,
                    help="print N misses per model (with --convention also N set-aside spans, to audit)")
    ap.add_argument("--extras", type=int, default=0)
    ap.add_argument("--convention", action="store_true",
                    help="also print the in-scope figure, with the gold spans of CONVENTIONS set aside")
    args = ap.parse_args(argv)
    vocab = _vocab() if args.convention else None
    stats: dict[str, list[int]] = {}
    misses: dict[str, list[str]] = {}
    extras: dict[str, list[str]] = {}
    asides: dict[str, dict[str, list[int]]] = {}
    aside_rows: dict[str, list[str]] = {}
    t0 = time.perf_counter()
    with open(args.path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            case = json.loads(line)
            name = MODELS.get(case["model"])
            if name is None or (args.part != "all" and part_of(case["id"]) != args.part):
                continue
            text = case["text"]
            metrics = extract_metrics(text)
            case_st, missed, extra, aside, rows = score_case(case, metrics, vocab)
            st = stats.setdefault(name, [0] * 8)
            for i, x in enumerate(case_st):
                st[i] += x
            st[7] += len(extra)
            for cls, (n, found) in aside.items():
                a = asides.setdefault(name, {}).setdefault(cls, [0, 0])
                a[0] += n
                a[1] += found
            got = [(m["surface"], m["value"], m["base_value"], m["low"], m["high"]) for m in metrics]
            misses.setdefault(name, []).extend(f"  {text!r} gold={g} got={got}" for g in missed)
            aside_rows.setdefault(name, []).extend(f"  {text!r} gold={g}" for g in rows)
            extras.setdefault(name, []).extend(f"  {text!r} extra={m['surface']!r} {m['value']}" for m in extra)
    elapsed = time.perf_counter() - t0
    print(f"part: {args.part}" + ("   convention: on (in-scope = gold spans outside CONVENTIONS)" if vocab else ""))
    head = f"{'model':<36}{'gold':>6}{'loose':>7}{'rate':>7}{'strict':>8}{'rate':>7}"
    if vocab:
        head += f"{'in-scope':>10}{'strict':>8}{'rate':>7}"
    print(head + f"{'extra':>7}   (gold spans without a value, left out)")
    for name in MODELS.values():
        if name not in stats:
            continue
        loose, strict, total, novalue, scope, _scope_loose, scope_strict, extra = stats[name]
        rate = loose / total if total else float("nan")
        srate = strict / total if total else float("nan")
        row = f"{name:<36}{total:>6}{loose:>7}{rate:>7.3f}{strict:>8}{srate:>7.3f}"
        if vocab:
            row += f"{scope:>10}{scope_strict:>8}{scope_strict / scope if scope else float('nan'):>7.3f}"
        print(row + f"{extra:>7}   ({novalue})")
        if vocab and asides.get(name):
            print("    set aside: " + ", ".join(
                f"{cls} {asides[name][cls][0]} ({asides[name][cls][1]} found)" for cls in CONVENTIONS
                if cls in asides[name]))
        for row in misses.get(name, [])[: args.errors]:
            print(row)
        for row in aside_rows.get(name, [])[: args.errors]:
            print(row)
        for row in extras.get(name, [])[: args.extras]:
            print(row)
    print(f"({elapsed:.2f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
