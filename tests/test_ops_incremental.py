"""Operations: incremental by content, edits replace only their own page, full refresh, per-page cache."""
from __future__ import annotations

import shutil

import pytest

from conftest import N_SEEDS, SEEDS, run_flow
from ops_snapshot import query, seed_pages, snapshot


@pytest.fixture(scope="module")
def edited_run(prefect_harness, tmp_path_factory):
    base = tmp_path_factory.mktemp("incremental")
    inputs = base / "in"
    pages = seed_pages(SEEDS, inputs)
    wh = base / "wh" / "zhnews.duckdb"
    first = run_flow([inputs], wh)
    before = snapshot(wh)
    again = run_flow([inputs], wh)
    after_rerun = snapshot(wh)
    edited = pages[2]
    old_sid = query(wh, "SELECT source_id FROM sources WHERE path = ?", [str(edited)])[0][0]
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace("。", "。\n", 1) + "\n本报记者补充报道:项目总投资达12亿元。\n", encoding="utf-8")
    third = run_flow([inputs], wh)
    after_edit = snapshot(wh)
    new_sid = query(wh, "SELECT source_id FROM sources WHERE path = ? AND status = 'loaded'", [str(edited)])[0][0]
    orphans = query(wh, """SELECT (SELECT count(*) FROM entity_mentions WHERE entity_id NOT IN
                                      (SELECT entity_id FROM entities)),
                                  (SELECT count(*) FROM entities WHERE entity_id NOT IN
                                      (SELECT entity_id FROM entity_mentions))""")[0]
    copy = inputs / "sub" / "same_bytes_other_name.txt"
    copy.parent.mkdir()
    shutil.copy(pages[0], copy)
    fourth = run_flow([inputs], wh)
    after_copy = snapshot(wh)
    refresh = run_flow([inputs], wh, full_refresh=True)
    after_refresh = snapshot(wh)
    return locals()


def test_rerun_skips_every_file_and_changes_no_row(edited_run):
    r = edited_run
    assert r["first"].files_loaded == N_SEEDS and r["first"].status == "published"
    assert r["again"].files_skipped == N_SEEDS and r["again"].files_loaded == 0 and r["again"].pages_transformed == 0
    assert r["before"] == r["after_rerun"]
    runs = query(r["wh"], "SELECT files_skipped, files_loaded FROM runs ORDER BY started_at")
    assert runs[1] == (5, 0)


def test_edited_page_replaces_only_its_own_rows(edited_run):
    r = edited_run
    old, new = r["old_sid"], r["new_sid"]
    assert old != new
    assert r["third"].files_loaded == 1 and r["third"].files_skipped == 4
    sources = {row[0]: row for row in r["after_edit"]["sources"]}     # source_id, path, bytes, encoding, status
    assert sources[old][4] == "superseded" and sources[new][4] == "loaded"
    assert [s for s in sources.values() if s[1] == str(r["edited"]) and s[4] == "loaded"] == [sources[new]]
    per_source = {}
    for a in r["after_edit"]["articles"]:
        per_source[a[1]] = per_source.get(a[1], 0) + 1
    assert old not in per_source and per_source[new] > 0
    # every row of the other four pages is exactly as before
    ids_before = {a[0]: a for a in r["before"]["articles"]}
    other = {a[0] for a in r["after_edit"]["articles"] if a[1] != new}
    assert other == {aid for aid, a in ids_before.items() if a[1] != old}
    for table in ("articles", "page_residue"):
        keep = [row for row in r["before"][table] if row[1 if table == "articles" else 0] != old]
        now = [row for row in r["after_edit"][table] if row[1 if table == "articles" else 0] != new]
        assert keep == now, table
    for table in ("entity_mentions", "metrics"):
        keep = [row for row in r["before"][table] if row[1] in other]
        now = [row for row in r["after_edit"][table] if row[1] in other]
        assert keep == now, table
    # no orphans: every mention's entity exists, every entity is mentioned
    assert r["orphans"] == (0, 0)


def test_same_bytes_at_a_new_path_add_no_rows(edited_run):
    r = edited_run
    assert r["fourth"].files_loaded == 0 and r["fourth"].files_skipped == N_SEEDS + 1
    assert r["after_copy"] == r["after_edit"]


def test_full_refresh_recomputes_everything_and_ends_identical(edited_run):
    r = edited_run
    refresh = r["refresh"]
    assert refresh.status == "published" and refresh.files_loaded == N_SEEDS and refresh.files_skipped == 1
    assert refresh.pages_transformed == N_SEEDS and refresh.pages_cached == 0
    # a rebuild drops the superseded history row; the published content is unchanged
    strip = lambda snap: {t: [row for row in rows if "superseded" not in row] for t, rows in snap.items()}  # noqa: E731
    assert strip(r["after_refresh"]) == strip(r["after_copy"])


def test_new_warehouse_over_same_pages_is_served_from_the_page_cache(edited_run, tmp_path):
    r = edited_run
    summary = run_flow([r["inputs"]], tmp_path / "other.duckdb")
    assert summary.pages_cached == N_SEEDS and summary.pages_transformed == 0
    assert snapshot(tmp_path / "other.duckdb")["articles"] == [
        row for row in r["after_refresh"]["articles"]]
