"""benchmarks/fingerprint.py: run ids and timestamps are left out, every other column counts (the same rule
tests/ops_snapshot.snapshot uses)."""
from __future__ import annotations

import datetime as dt

import duckdb

from benchmarks.fingerprint import compared_columns, fingerprints
from ops_snapshot import snapshot
from warehouse.store import Warehouse


def _warehouse(path, run_id: str, ingested_at: dt.datetime, headline: str) -> str:
    wh = Warehouse(path)
    wh.ensure_schema()
    wh.con.execute("INSERT INTO sources (source_id, path, bytes, status, first_run_id, last_run_id, ingested_at) "
                   "VALUES ('s1', '/in/a.txt', 3, 'loaded', ?, ?, ?)", [run_id, run_id, ingested_at])
    wh.con.execute("INSERT INTO articles (article_id, source_id, seq, headline, body, char_count, paragraph_count, "
                   "token_count, run_id) VALUES ('a1', 's1', 1, ?, '正文', 2, 1, 1, ?)", [headline, run_id])
    wh.close()
    return str(path)


def test_run_ids_and_timestamps_are_left_out_and_nothing_else(tmp_path):
    path = _warehouse(tmp_path / "a.duckdb", "r1", dt.datetime(2026, 1, 1), "标题")
    con = duckdb.connect(path, read_only=True)
    try:
        kept, left_out = compared_columns(con, "sources")
        assert set(left_out) == {"first_run_id", "last_run_id", "ingested_at"}
        assert {"source_id", "path", "bytes", "status", "error"} <= set(kept)
        assert compared_columns(con, "articles")[1] == ["run_id"]
    finally:
        con.close()


def test_two_runs_differing_only_in_run_ids_and_times_have_one_fingerprint(tmp_path):
    a = _warehouse(tmp_path / "a.duckdb", "r1", dt.datetime(2026, 1, 1), "标题")
    b = _warehouse(tmp_path / "b.duckdb", "r2", dt.datetime(2026, 6, 1), "标题")
    c = _warehouse(tmp_path / "c.duckdb", "r1", dt.datetime(2026, 1, 1), "另一个标题")
    assert fingerprints(a) == fingerprints(b)
    assert snapshot(a) == snapshot(b)
    differ = [x.split()[0] for x, y in zip(fingerprints(a), fingerprints(c)) if x != y]
    assert differ == ["articles"]
    assert snapshot(a)["articles"] != snapshot(c)["articles"]
