"""benchmarks/eval_numbers.py: the declared out-of-scope classes (--convention) and range matching.
Sentences written for these tests (no evaluation data); no file under ../shared is read."""
from __future__ import annotations

import pytest

from benchmarks.eval_numbers import _vocab, convention_of, matches


def cls(text: str, span: str, value: float | None, nth: int = 0):
    s = -1
    for _ in range(nth + 1):
        s = text.index(span, s + 1)
    return convention_of(text, s, s + len(span), value, _vocab())


@pytest.mark.parametrize("text,span,value,expected", [
    # dates and clock times: the dates stage owns them
    ("2019年3月8日上午10点，会议开幕", "2019", 2019, "datetime"),
    ("2019年3月8日上午10点，会议开幕", "3", 3, "datetime"),
    ("2019年3月8日上午10点，会议开幕", "8", 8, "datetime"),
    ("2019年3月8日上午10点，会议开幕", "10", 10, "datetime"),
    ("比赛于晚上8点30分开始", "30", 30, "datetime"),
    ("比赛于十九时开始", "十九", 19, "datetime"),
    ("比赛已经进行了3个月", "3", 3, None),           # a duration, not a month
    ("列车时速350公里", "350", 350, None),
    ("收入500日元", "500", 500, None),               # money, not a day
    ("工期共3年", "3", 3, None),                     # a duration, not a year
    ("他提出三点意见", "三", 3, None),               # 点 as a classifier
    ("气温升高了3.5度", "3.5", 3.5, None),
    # ordinals
    ("他获得第七名", "七", 7, "ordinal"),
    ("他获得七个奖项", "七", 7, None),
    # a quotation that holds only the numeral
    ("他把“八”写成了“六”", "八", 8, "quoted"),
    ("目标是“增长8%”", "8", 8, None),
    # a fragment of a longer numeral as written
    ("版本号是10.3.12", "3", 3, "fragment"),
    ("她写下七十万千", "七十万", 700000, "fragment"),
    ("剩下三分之", "三", 3, "fragment"),
    ("共有12人", "12", 12, None),
    # a lone 一 with no unit of measure after it
    ("他买了一张票", "一", 1, "lone_one"),
    ("这是其中一种", "一", 1, "lone_one"),
    ("他跑了一公里", "一", 1, None),                  # a unit of measure
    ("一以上的整数", "一", 1, None),                  # a bound
    ("十一张票", "一", 1, "fragment"),                # part of 十一
    # a single numeral used as a word
    ("他说的是八不是六", "八", 8, "numeral_as_word"),
    ("他说的是八不是六", "六", 6, "numeral_as_word"),
    ("他买了八张票", "八", 8, None),                  # a classifier
    ("八", "八", 8, None),                            # the whole text
    ("排名前八的球队", "八", 8, None),                # the first eight
    ("约八成的人", "八", 8, None),                    # a unit (成)
])
def test_convention_classes(text, span, value, expected):
    assert cls(text, span, value) == expected


def test_range_gold_matches_bounds_in_the_written_unit():
    m = {"value": 100.0, "base_value": 9.290304, "low": 9.290304, "high": None}  # at least 100 square feet
    assert matches(m, ("range", (100.0, None)))
    assert not matches(m, ("range", (100.0, 200.0)))
    assert not matches(m, ("range", (90.0, None)))


@pytest.mark.parametrize("text,span,value", [
    ("全村分为三等", "三", 3), ("他有三子", "三", 3), ("共提出六条", "六", 6), ("共计九县参加", "九", 9),
])
def test_numeral_joined_or_before_a_noun_stays_in_scope(text, span, value):
    assert cls(text, span, value) is None


@pytest.mark.parametrize("text,span,value,expected", [
    ("请拨打13912345678咨询", "13912345678", 13912345678, "digit_code"),
    ("编号0815", "0815", 815, "digit_code"),
    ("总数为1000000000", "1000000000", 1e9, None),        # round: a quantity
    ("共有123456789人", "123456789", 123456789, None),    # a classifier after it
])
def test_digit_code_class(text, span, value, expected):
    assert cls(text, span, value) == expected


@pytest.mark.parametrize("text,span,value,expected", [
    ("他说一九九八那场洪水", "一九九八", 1998, "digit_code"),
    ("代号零零七", "零零七", 7, "digit_code"),
    ("共有一百零八人", "一百零八", 108, None),
])
def test_chinese_digit_strings(text, span, value, expected):
    assert cls(text, span, value) == expected
