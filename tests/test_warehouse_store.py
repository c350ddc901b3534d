"""Warehouse.transaction(): the one BEGIN/COMMIT/ROLLBACK of warehouse/ (real DuckDB in a temp dir)."""
from __future__ import annotations

import polars as pl
import pytest

from warehouse.store import Warehouse, WarehouseError


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


# -- keys without DuckDB indexes (contract/tables.py, Table.key_index) -----------------------------------------
def _unit(source: str, article: str, entity: str = "e1") -> dict[str, pl.DataFrame]:
    """One page's staged frames: an article with one mention of one entity."""
    body = "市长李四到会"
    return {
        "articles": pl.DataFrame([{"article_id": article, "source_id": source, "seq": 1, "headline": "标题",
                                   "body": body, "char_count": len(body), "paragraph_count": 1, "token_count": 3}]),
        "entities": pl.DataFrame([{"entity_id": entity, "entity_type": "person", "name": "李四"}]),
        "entity_mentions": pl.DataFrame([{"mention_id": f"m-{article}", "article_id": article, "entity_id": entity,
                                          "surface": "李四", "char_start": 2, "char_end": 4, "role": "mentioned"}]),
    }


def _loaded(sid: str, path: str | None = None) -> dict:
    return {"source_id": sid, "path": path or f"/in/{sid}.txt", "bytes": 10, "encoding": "utf-8"}


def test_growing_tables_have_no_key_index_and_small_ones_keep_theirs(wh):
    indexed = {r[0] for r in wh.con.execute("SELECT table_name FROM duckdb_constraints() WHERE schema_name = 'main' "
                                            "AND constraint_type = 'PRIMARY KEY'").fetchall()}
    assert indexed == {"runs", "run_profiles"}


def test_publishing_twice_adds_no_row_and_no_entity(wh):
    for _ in range(2):
        wh.stage(_unit("s1", "a1"))
        counts = wh.publish([_loaded("s1")], "run-1")
    assert counts.entities == 0                  # the second time the entity was there already
    assert [wh.count(t) for t in ("sources", "articles", "entity_mentions", "entities")] == [1, 1, 1, 1]
    wh.stage(_unit("s2", "a2"))                  # another page naming the same entity
    assert wh.publish([_loaded("s2")], "run-1").entities == 0
    assert [wh.count(t) for t in ("articles", "entity_mentions", "entities")] == [2, 2, 1]


def test_an_article_published_under_another_page_is_refused_not_duplicated(wh):
    """Without a key index nothing in DuckDB stops a second copy: publish() does, and rolls everything back."""
    wh.stage(_unit("s1", "a1"))
    wh.publish([_loaded("s1")], "run-1")
    wh.stage(_unit("s2", "a1"))                  # same article id, another page: not deleted as s1's content
    with pytest.raises(WarehouseError, match="published already"):
        wh.publish([_loaded("s2")], "run-1")
    assert [wh.count(t) for t in ("sources", "articles", "entity_mentions")] == [1, 1, 1]


def test_a_source_row_given_twice_is_refused(wh):
    with pytest.raises(WarehouseError, match="twice"):
        wh.record_sources([_source("dup"), _source("dup")], "run-1")
    assert wh.count("sources") == 0


def test_a_warehouse_with_the_old_key_indexes_is_rebuilt_without_them(tmp_path):
    """A warehouse written before the keys lost their indexes: the next run drops them (DuckDB cannot drop a
    primary key, so the table is rebuilt), and keeps every row and every NOT NULL."""
    import duckdb

    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE entity_mentions (mention_id VARCHAR NOT NULL, article_id VARCHAR NOT NULL, "
                "entity_id VARCHAR NOT NULL, surface VARCHAR NOT NULL, char_start INTEGER, char_end INTEGER, "
                "role VARCHAR NOT NULL, title VARCHAR, PRIMARY KEY (mention_id))")
    con.execute("INSERT INTO entity_mentions VALUES ('m1', 'a1', 'e1', '李四', 2, 4, 'mentioned', NULL)")
    con.close()
    w = Warehouse(path)
    w.ensure_schema()
    try:
        assert w.con.execute("SELECT count(*) FROM duckdb_constraints() WHERE table_name = 'entity_mentions' "
                             "AND constraint_type = 'PRIMARY KEY'").fetchone()[0] == 0
        assert w.con.execute("SELECT mention_id, surface FROM entity_mentions").fetchall() == [("m1", "李四")]
        with pytest.raises(duckdb.ConstraintException):
            w.con.execute("INSERT INTO entity_mentions (mention_id) VALUES ('m2')")   # NOT NULL kept
        w.con.execute("INSERT INTO entity_mentions VALUES ('m1', 'a1', 'e1', '李四', 2, 4, 'mentioned', NULL)")
        assert w.count("entity_mentions") == 2                              # the index is gone
        assert w.con.execute("SELECT comment FROM duckdb_tables() WHERE table_name = 'entity_mentions' "
                             "AND schema_name = 'main'").fetchone()[0]      # comments written again
    finally:
        w.close()


def test_an_entity_goes_when_its_last_mention_is_replaced_and_stays_while_another_page_names_it(wh):
    wh.stage({**_unit("s1", "a1", "e1"), **{"page_residue": pl.DataFrame()}})
    wh.publish([_loaded("s1", "/in/p1.txt")], "run-1")
    wh.stage(_unit("s2", "a2", "e2"))
    wh.publish([_loaded("s2", "/in/p2.txt")], "run-1")
    wh.stage(_unit("s3", "a3", "e3"))                       # a new version of p1, naming e3 instead of e1
    wh.publish([_loaded("s3", "/in/p1.txt")], "run-2")
    assert sorted(r[0] for r in wh.con.execute("SELECT entity_id FROM entities").fetchall()) == ["e2", "e3"]
    wh.stage(_unit("s4", "a4", "e2"))                       # a new version of p1 naming e2, which p2 names too
    wh.publish([_loaded("s4", "/in/p1.txt")], "run-3")
    assert sorted(r[0] for r in wh.con.execute("SELECT entity_id FROM entities").fetchall()) == ["e2"]
    wh.stage(_unit("s5", "a5", "e5"))                       # p1 again: its e2 mention goes, p2's stays
    wh.publish([_loaded("s5", "/in/p1.txt")], "run-4")
    assert sorted(r[0] for r in wh.con.execute("SELECT entity_id FROM entities").fetchall()) == ["e2", "e5"]
    assert [wh.count(t) for t in ("articles", "entity_mentions")] == [2, 2]


def test_source_status_answers_for_the_sources_asked_only(wh):
    wh.record_sources([_source("a"), _source("b")], "run-1")
    assert wh.source_status(["a", "not-there"]) == {"a": wh.con.execute(
        "SELECT status FROM sources WHERE source_id = 'a'").fetchone()[0]}
    assert wh.source_status([]) == {}
