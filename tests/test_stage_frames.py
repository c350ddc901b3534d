"""The frames stage builds columns without a Python dict or nested list per row: same frames as polars' own
row and nested-list readers (transforms/stages.py)."""
from __future__ import annotations

import polars as pl

from transforms import stages
from transforms.entities import Mention


def test_string_lists_equal_polars_nested_lists():
    cases = [
        [["甲", "乙丙"], [], ["丁"], [""], ["戊", "", "己庚辛"]],
        [[], []],
        [],
        [["甲", None], ["乙"]],                     # a null string inside a list
        [["甲"], None, []],                         # a null list: polars' own reader
    ]
    for values in cases:
        got = stages._string_lists("k", values)
        want = pl.Series("k", values, dtype=pl.List(pl.String))
        assert got.dtype == want.dtype and got.name == "k"
        assert got.to_list() == want.to_list() and got.equals(want)


def test_mention_and_metric_columns_in_contract_order():
    row = {"article_id": "a1", "reporters": ["王一"], "correspondents": []}
    found = [[Mention(2, 4, "LOC", "上海"), Mention(6, 8, "PER", "张三", "市长"),
              Mention(9, 10, "PER", "张")]]
    cols, ents = stages._mentions([row], found)
    assert list(cols) == list(stages.MENTION_SCHEMA)
    frame = pl.DataFrame(cols, schema=stages.MENTION_SCHEMA)
    assert frame["role"].to_list() == ["reporter", "mentioned", "mentioned", "mentioned"]
    # the bare surname joins the one 张 of the article; ids are short_hash's
    assert frame["entity_id"][3] == frame["entity_id"][2]
    assert frame["mention_id"][1] == stages.short_hash("mention", "a1", 2, 4, frame["entity_id"][1])
    assert frame["mention_id"][0] == stages.short_hash("byline", "a1", "reporter", 0, "王一")
    metric = {"start": 3, "end": 6, "surface": "三百亿", "value": 3e10, "kind": "money", "unit_implied": True}
    mcols = stages._metrics([row], [[metric]])
    assert list(mcols) == list(stages.METRIC_SCHEMA)
    assert mcols["metric_id"] == [stages.short_hash("metric", "a1", 3, 6)]
    assert mcols["value"] == [3e10] and mcols["unit"] == [None] and mcols["unit_implied"] == [True]
