"""Score transforms.metrics on Microsoft Recognizers-Text's Chinese number cases.

    python benchmarks/eval_numbers.py ../shared/eval/numbers/recognizers_zh_dev.jsonl [--part all|look|held]
                                      [--errors N] [--extras N]

For the models Number, Percent, NumberRange, Currency, Dimension and Temperature, prints the share of
gold spans "found with the right value": some extracted metric overlaps the gold span and
- its `value` or `base_value` equals the gold resolution value (percent golds such as "50%" are
  compared without the % sign), or
- for a gold range such as "(20,30)" / "[1000,1500)" / "(500,)": its `low` and `high` equal the gold
  bounds (an open side must be None), or a degenerate gold range [a,a] matches like a value, or
- for an extracted range, the gold value equals its `low` or `high` (one end of 5-20%), or
- the gold unit is a known dimension (Mu, Kilogram, Meter, ...) and the gold value converted to our base
  unit equals `base_value` (387万亩: gold 3870000 Mu, ours 387 万亩 = 2.58e9 m2; see GOLD_UNITS).
Numbers are compared with a relative tolerance of 1e-6. Gold spans whose resolution has no value
(e.g. a bare "美元") are not numeric facts and are left out; their count is printed.
NumberRangeModelExperimentalMode is printed as an extra line, not one of the six.

That rule ("loose") lets one metric count for several gold spans and a metric that only overlaps the gold
span. The `strict` column is the figure to quote: a gold span is found when a metric matches its value as
above AND one span contains the other (the metric may add a unit or a qualifier the gold leaves out, or
leave out the words around a gold range), each metric counting for at most one gold span. `extra` counts
metrics that overlap no gold span at all (false positives, or numbers the spec does not mark: it is
printed, not scored, since Recognizers leaves out by design cases zhnews reports, e.g. 二三十個百分點).

`--part` splits the file deterministically (crc32 of the case id, even = `look`, odd = `held`): tune
on `look` only, and only measure `held` (report both). `--errors N` prints N misses per model and
`--extras N` N extra metrics (for the `look` part; never copy its words into lexicons or tests).
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
    if lo is not None and hi is not None and _eq(lo, hi):
        return _eq(metric["value"], lo) or _eq(metric["base_value"], lo)
    return False


def part_of(case_id: str) -> str:
    """`look` or `held`: a fixed half of the cases, the same on every machine and run."""
    return "look" if zlib.crc32(case_id.encode("utf-8")) % 2 == 0 else "held"


def _nested(metric: dict, s: int, e: int) -> bool:
    return (metric["start"] <= s and e <= metric["end"]) or (s <= metric["start"] and metric["end"] <= e)


def score_case(case: dict, metrics: list[dict]) -> tuple[list[int], list[str], list[dict]]:
    """[loose hits, strict hits, gold spans with a value, spans without], missed spans, extra metrics."""
    st = [0, 0, 0, 0]
    missed: list[str] = []
    used: set[int] = set()
    for res in case.get("results") or []:
        gold = gold_value(res.get("resolution"))
        if gold is None:
            st[3] += 1
            continue
        st[2] += 1
        s, e = res["start"], res["end"]
        unit = (res.get("resolution") or {}).get("unit")
        ok = [i for i, m in enumerate(metrics) if m["start"] < e and s < m["end"] and matches(m, gold, unit)]
        if ok:
            st[0] += 1
        strict = [i for i in ok if i not in used and _nested(metrics[i], s, e)]
        if strict:
            st[1] += 1
            used.add(strict[0])
        else:
            missed.append(f"{res['span']!r} {gold}")
    spans = [(r["start"], r["end"]) for r in case.get("results") or []]
    extra = [m for m in metrics if not any(m["start"] < e and s < m["end"] for s, e in spans)]
    return st, missed, extra


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("path")
    ap.add_argument("--part", choices=("all", "look", "held"), default="all")
    ap.add_argument("--errors", type=int, default=0)
    ap.add_argument("--extras", type=int, default=0)
    args = ap.parse_args(argv)
    stats: dict[str, list[int]] = {}
    misses: dict[str, list[str]] = {}
    extras: dict[str, list[str]] = {}
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
            case_st, missed, extra = score_case(case, metrics)
            st = stats.setdefault(name, [0, 0, 0, 0, 0])
            for i, x in enumerate(case_st):
                st[i] += x
            st[4] += len(extra)
            got = [(m["surface"], m["value"], m["base_value"], m["low"], m["high"]) for m in metrics]
            misses.setdefault(name, []).extend(f"  {text!r} gold={g} got={got}" for g in missed)
            extras.setdefault(name, []).extend(f"  {text!r} extra={m['surface']!r} {m['value']}" for m in extra)
    elapsed = time.perf_counter() - t0
    print(f"part: {args.part}")
    print(f"{'model':<36}{'gold':>6}{'loose':>7}{'rate':>7}{'strict':>8}{'rate':>7}{'extra':>7}"
          "   (gold spans without a value, left out)")
    for name in MODELS.values():
        if name not in stats:
            continue
        loose, strict, total, novalue, extra = stats[name]
        rate = loose / total if total else float("nan")
        srate = strict / total if total else float("nan")
        print(f"{name:<36}{total:>6}{loose:>7}{rate:>7.3f}{strict:>8}{srate:>7.3f}{extra:>7}   ({novalue})")
        for row in misses.get(name, [])[: args.errors]:
            print(row)
        for row in extras.get(name, [])[: args.extras]:
            print(row)
    print(f"({elapsed:.2f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
