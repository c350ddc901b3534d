"""Warehouse.transaction(): the one BEGIN/COMMIT/ROLLBACK of warehouse/ (real DuckDB in a temp dir)."""
from __future__ import annotations

import polars as pl
import pytest

from warehouse.store import Warehouse


@pytest.fixture()
def wh(tmp_path):
    w = Warehouse(tmp_path / "t.duckdb")
    w.ensure_schema()
    yield w
    w.close()


def _source(sid: str) -> dict:
    return {"source_id": sid, "path": f"/in/{sid}.txt", "bytes": 1, "encoding": "utf-8", "status": "rejected",
            "error": "bad"}


def test_commit_keeps_what_the_block_wrote(wh):
    with wh.transaction() as con:
        con.execute("INSERT INTO sources (source_id, path, bytes, status) VALUES ('a', '/in/a.txt', 1, 'rejected')")
    assert wh.count("sources") == 1


@pytest.mark.parametrize("exc", [RuntimeError("boom"), KeyboardInterrupt()])
def test_a_failure_inside_rolls_back_and_is_raised(wh, exc):
    wh.record_sources([_source("kept")], "run-1")
    with pytest.raises(type(exc)):
        with wh.transaction() as con:
            con.execute("DELETE FROM sources")
            con.execute("INSERT INTO sources (source_id, path, bytes, status) VALUES ('new', '/in/new.txt', 1, 'rejected')")
            raise exc
    assert [r[0] for r in wh.con.execute("SELECT source_id FROM sources").fetchall()] == ["kept"]
    with wh.transaction():                       # no transaction was left open
        pass


def test_stage_that_fails_leaves_staging_as_it_was(wh):
    """A real caller: stage() clears staging and inserts table by table in one transaction."""
    wh.stage({"articles": pl.DataFrame({"article_id": ["x"], "source_id": ["s"], "seq": [1], "headline": ["h"]})})
    con = wh.con
    wh._con = _FailingRegister(con)
    try:
        with pytest.raises(RuntimeError, match="disk full"):
            wh.stage({"articles": pl.DataFrame({"article_id": ["y"], "source_id": ["s"], "seq": [1],
                                                "headline": ["h"]})})
    finally:
        wh._con = con
    assert [r[0] for r in con.execute("SELECT article_id FROM staging.articles").fetchall()] == ["x"]


class _FailingRegister:
    """The connection, except that registering a frame fails (as a full disk or a bad frame would)."""

    def __init__(self, con):
        self._con = con

    def register(self, name, obj):
        raise RuntimeError("disk full")

    def __getattr__(self, name):
        return getattr(self._con, name)


def test_the_writer_runs_under_the_memory_limit_and_threads_it_is_given(tmp_path):
    """DuckDB's defaults (80% of the RAM, every core) let the writer's buffer pool grow with the warehouse;
    a run's settings bound it (flows/defaults.DUCKDB_MEMORY_LIMIT, DUCKDB_THREADS)."""
    w = Warehouse(tmp_path / "limited.duckdb", memory_limit="256MB", threads=1)
    limit, threads = w.con.execute(
        "SELECT current_setting('memory_limit'), current_setting('threads')").fetchone()
    w.close()
    assert threads == 1
    assert limit.replace(" ", "") in ("256.0MB", "244.1MiB"), limit   # DuckDB prints it in its own units
