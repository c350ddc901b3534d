"""flows/cache.py without a flow run: a page is found again only under the same content, date and version."""
from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from flows.cache import PageCache, page_key

V1, V2 = "code1-lex1", "code2-lex1"


def _frames(*sids: str) -> dict[str, pl.DataFrame]:
    """The frames of a transformed batch: one article per page, one mention, one metric, one residue row."""
    return {
        "articles": pl.DataFrame({"article_id": [f"{s}-a1" for s in sids], "source_id": list(sids),
                                  "headline": [f"标题{s}" for s in sids]}),
        "entity_mentions": pl.DataFrame({"mention_id": [f"{s}-m1" for s in sids],
                                         "article_id": [f"{s}-a1" for s in sids],
                                         "entity_id": [f"e-{s}" for s in sids]}),
        "entities": pl.DataFrame({"entity_id": [f"e-{s}" for s in sids], "name": [f"名{s}" for s in sids]}),
        "metrics": pl.DataFrame({"metric_id": [f"{s}-x1" for s in sids], "article_id": [f"{s}-a1" for s in sids],
                                 "value": [1.0] * len(sids)}),
        "page_residue": pl.DataFrame({"source_id": list(sids), "text": ["页脚"] * len(sids)}),
    }


def test_page_key_depends_on_content_issue_date_and_version_only():
    key = page_key("sha-a", dt.date(2021, 3, 9), V1)
    assert key == page_key("sha-a", dt.date(2021, 3, 9), V1)                # deterministic (no time, no path)
    others = {page_key("sha-b", dt.date(2021, 3, 9), V1), page_key("sha-a", None, V1),
              page_key("sha-a", dt.date(2021, 3, 10), V1), page_key("sha-a", dt.date(2021, 3, 9), V2)}
    assert key not in others and len(others) == 4


def test_a_page_stored_under_one_version_is_a_hit_then_and_a_miss_under_another(tmp_path):
    cache = PageCache(str(tmp_path))
    cache.put_batch({s: page_key(s, None, V1) for s in ("p1", "p2")}, _frames("p1", "p2"))

    found, frames = cache.get_pages({"p1": page_key("p1", None, V1)})
    assert found == {"p1"}
    assert frames["articles"]["source_id"].to_list() == ["p1"]
    assert frames["entity_mentions"]["article_id"].to_list() == ["p1-a1"]
    assert frames["entities"]["entity_id"].to_list() == ["e-p1"]
    assert frames["metrics"]["article_id"].to_list() == ["p1-a1"]
    assert frames["page_residue"]["source_id"].to_list() == ["p1"]

    assert cache.get_pages({"p1": page_key("p1", None, V2)}) == (set(), None)        # code or lexicons changed
    assert cache.get_pages({"p3": page_key("p3", None, V1)}) == (set(), None)        # content never seen


def test_a_lookup_mixing_hits_and_misses_returns_only_the_hits(tmp_path):
    cache = PageCache(str(tmp_path))
    cache.put_batch({"p1": page_key("p1", None, V1)}, _frames("p1"))
    cache.put_batch({"p2": page_key("p2", None, V1)}, _frames("p2"))
    keys = {s: page_key(s, None, V1) for s in ("p1", "p2", "p3")}
    found, frames = cache.get_pages(keys)
    assert found == {"p1", "p2"}
    assert sorted(frames["articles"]["source_id"].to_list()) == ["p1", "p2"]


def test_rewriting_a_page_under_the_same_key_serves_the_new_rows(tmp_path):
    """--full-refresh and --no-cache recompute and rewrite: the pointer moves to the new record."""
    cache = PageCache(str(tmp_path))
    key = page_key("p1", None, V1)
    cache.put_batch({"p1": key}, _frames("p1"))
    newer = _frames("p1", "p9")
    newer["articles"] = newer["articles"].with_columns(pl.lit("新标题").alias("headline"))
    cache.put_batch({"p1": key, "p9": page_key("p9", None, V1)}, newer)
    _, frames = cache.get_pages({"p1": key})
    assert frames["articles"]["headline"].to_list() == ["新标题"]


@pytest.mark.parametrize("empty_table", ["metrics", "entity_mentions"])
def test_a_batch_without_rows_in_some_table_comes_back_with_that_table_empty(tmp_path, empty_table):
    cache = PageCache(str(tmp_path))
    frames = _frames("p1")
    frames[empty_table] = frames[empty_table].clear()
    cache.put_batch({"p1": page_key("p1", None, V1)}, frames)
    found, back = cache.get_pages({"p1": page_key("p1", None, V1)})
    assert found == {"p1"} and back[empty_table].is_empty()
    assert back["articles"].height == 1
