"""The DuckDB warehouse: schema, the single-writer lock, and the staging -> audit -> publish load.

Only this module (and the CLI's read-only report) opens the database. One process writes: `Warehouse.lock()`
takes an exclusive lock file beside the database before anything is written, so a second concurrent run
fails at once with the lock's path instead of waiting or corrupting. Each batch of pages is written to the
`staging` schema, checked (expectations/), and published to `main` in one DuckDB transaction together with
its `sources` rows, so a page's rows are all there or its previous version is (crash safety).
"""
from __future__ import annotations

import datetime as dt
import fcntl
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import duckdb
import polars as pl

from warehouse import contract
from warehouse.contract import CONTENT_TABLES, Table, polars_schema

HERE = Path(__file__).resolve().parent
OPEN_WAIT_SECONDS = 30      # how long a run waits for a reader to close the file before it gives up


class WarehouseError(RuntimeError):
    """A problem with the warehouse file a person must fix (message says what and where)."""


class WarehouseLocked(WarehouseError):
    pass


def conform(frame: pl.DataFrame | None, table: Table) -> pl.DataFrame:
    """Select and cast a frame to the table's columns, in contract order (missing columns become nulls)."""
    schema = polars_schema(table)
    if frame is None or frame.is_empty() and not frame.columns:
        return pl.DataFrame(schema=schema)
    exprs = [
        (pl.col(name) if name in frame.columns else pl.lit(None)).cast(dtype).alias(name)
        for name, dtype in schema.items()
    ]
    return frame.select(exprs)


@dataclass
class PublishCounts:
    articles: int = 0
    mentions: int = 0
    metrics: int = 0
    entities: int = 0


class Warehouse:
    def __init__(self, path: str | os.PathLike, memory_limit: str | None = None, threads: int | None = None):
        """`memory_limit` and `threads` bound the writing connection (DuckDB's own defaults, 80% of the RAM and
        every core, let its buffer pool grow with the warehouse: see benchmarks/README.md, memory); None keeps
        DuckDB's default."""
        self.path = Path(path)
        self.memory_limit = memory_limit
        self.threads = threads
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self._con: duckdb.DuckDBPyConnection | None = None

    # -- connection and lock -------------------------------------------------------------------
    @contextmanager
    def lock(self) -> Iterator["Warehouse"]:
        """Exclusive writer lock; raises WarehouseLocked at once if another run holds it."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fh = open(self.lock_path, "a+")
        except OSError as exc:
            raise WarehouseError(f"cannot write the warehouse at {self.path}: {exc.strerror}") from None
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "unknown"
            fh.close()
            raise WarehouseLocked(
                f"another zhnews run is writing {self.path} (lock {self.lock_path} held by {holder}); "
                "wait for it to finish") from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()}")
        fh.flush()
        try:
            yield self
        finally:
            self.close()
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
            fh.close()

    def probe_lock(self) -> None:
        """Fail fast (WarehouseLocked) if another run holds the lock; takes and releases it at once. The CLI
        calls this before starting Prefect so a second run fails in well under a second."""
        if not self.lock_path.exists():
            return
        with self.lock():
            pass

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """The writing connection. A reader (`zhnews sql`, `zhnews report`, a notebook) holding the file open
        keeps DuckDB from opening it for writing: wait up to OPEN_WAIT_SECONDS for it to close (a scheduled
        run must not fail because someone ran a query), then say who holds it."""
        if self._con is None:
            deadline = time.monotonic() + OPEN_WAIT_SECONDS
            while True:
                try:
                    config = {k: v for k, v in (("memory_limit", self.memory_limit), ("threads", self.threads))
                              if v is not None}
                    self._con = duckdb.connect(str(self.path), config=config)
                    break
                except duckdb.IOException as exc:
                    if "lock" in str(exc).lower() and time.monotonic() < deadline:
                        time.sleep(0.25)
                        continue
                    first = str(exc).strip().splitlines()[0]
                    raise WarehouseError(f"cannot open the warehouse {self.path} for writing: {first}; close the "
                                         "process that has it open and run again") from None
                except duckdb.Error as exc:
                    raise WarehouseError(f"cannot open the warehouse {self.path}: {exc}") from None
        return self._con

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """BEGIN; COMMIT when the block ends; ROLLBACK and re-raise on any exception, Ctrl-C
        (KeyboardInterrupt) and SystemExit included, so an interrupted write leaves nothing half done.
        Yields the connection. Not re-entrant: DuckDB has no nested transactions."""
        con = self.con
        con.execute("BEGIN")
        try:
            yield con
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise

    # -- schema --------------------------------------------------------------------------------
    def ensure_schema(self) -> None:
        con = self.con
        con.execute((HERE / "schema.sql").read_text(encoding="utf-8"))
        self._drop_key_indexes()
        con.execute("CREATE SCHEMA IF NOT EXISTS staging")
        for table in CONTENT_TABLES:
            con.execute(contract.create_table_sql(table, "staging"))
        self._add_missing_columns()
        con.execute((HERE / "views.sql").read_text(encoding="utf-8"))
        self._comment_from_contract()

    def _comment_from_contract(self) -> None:
        """COMMENT ON every table, column and view, from warehouse/contract.py (only the ones that changed:
        views are recreated every run, so theirs always)."""
        have = {(r[0], r[1], r[2]): r[3] for r in self.con.execute(
            "SELECT schema_name, table_name, column_name, comment FROM duckdb_columns() "
            "WHERE schema_name IN ('main', 'staging')").fetchall()}
        have.update({(r[0], r[1], None): r[2] for r in self.con.execute(
            "SELECT schema_name, table_name, comment FROM duckdb_tables() WHERE schema_name IN ('main', 'staging')"
        ).fetchall()})
        for schema in ("main", "staging"):
            for statement in contract.comment_statements(schema):
                target = statement.split(" IS ", 1)[0].split()[-1].split(".")       # schema.table[.column]
                key = (target[0], target[1], target[2] if len(target) > 2 else None)
                wanted = statement.split(" IS ", 1)[1][1:-1].replace("''", "'")
                if have.get(key) != wanted:
                    self.con.execute(statement)

    def _drop_key_indexes(self) -> None:
        """Forward migration: a warehouse written before the large tables lost their primary-key index
        (`Table.key_index`, contract/tables.py) still has it, and DuckDB cannot drop a primary key: such a
        table is rebuilt once, rows unchanged, in one transaction."""
        indexed = {r[0] for r in self.con.execute(
            "SELECT table_name FROM duckdb_constraints() WHERE schema_name = 'main' "
            "AND constraint_type = 'PRIMARY KEY'").fetchall()}
        for table in contract.ALL_TABLES:
            if table.key_index or table.name not in indexed:
                continue
            new = f"{table.name}__rebuilt"
            with self.transaction() as con:
                con.execute(contract.create_table_sql(table).replace(f"main.{table.name} (", f"main.{new} (", 1))
                con.execute(f"INSERT INTO main.{new} BY NAME SELECT * FROM main.{table.name}")
                con.execute(f"DROP TABLE main.{table.name}")
                con.execute(f"ALTER TABLE main.{new} RENAME TO {table.name}")

    def _add_missing_columns(self) -> None:
        """Forward migration: columns added to the contract after a warehouse was created."""
        targets = [("main", t) for t in contract.ALL_TABLES] + [("staging", t) for t in CONTENT_TABLES]
        for schema, table in targets:
            have = {r[0] for r in self.con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema=? AND table_name=?",
                [schema, table.name]).fetchall()}
            for col in table.columns:
                if col.name not in have:
                    self.con.execute(f"ALTER TABLE {schema}.{table.name} ADD COLUMN {col.name} {col.type}")

    # -- reads used to plan a run --------------------------------------------------------------
    def source_status(self, source_ids: list[str]) -> dict[str, str]:
        """The recorded status of those sources that are in `sources` (one batch's: a dict of every source
        would grow with the archive, one entry per file, in the run's process)."""
        if not source_ids:
            return {}
        # a semi-join on the ids (1M sources, 2,600 ids: 17 ms against 29 ms with list_contains)
        return dict(self.con.execute("SELECT source_id, status FROM sources WHERE source_id IN (SELECT unnest(?))",
                                     [list(source_ids)]).fetchall())

    def count(self, table: str, schema: str = "main") -> int:
        return self.con.execute(f"SELECT count(*) FROM {schema}.{table}").fetchone()[0]

    # -- runs ----------------------------------------------------------------------------------
    def start_run(self, run_id: str, flow_run_id: str | None, **fields) -> None:
        row = {"run_id": run_id, "flow_run_id": flow_run_id, "started_at": _now(), "status": "running", **fields}
        self._insert("runs", [row])

    def fail_stale_runs(self) -> int:
        """Runs still marked `running` while we hold the lock were killed (their process cannot be alive):
        mark them failed. Their published batches stay (each was one transaction); the rest is redone."""
        stale = self.con.execute("SELECT count(*) FROM runs WHERE status = 'running'").fetchone()[0]
        if stale:
            self.con.execute("UPDATE runs SET status = 'failed', finished_at = ?, error = coalesce(error, "
                             "'interrupted: the run ended without recording its end (killed or crashed)') "
                             "WHERE status = 'running'", [_now()])
        return stale

    def abandon_transaction(self) -> None:
        """Roll back a transaction an interrupt left open (nothing happens when none is open)."""
        if self._con is None:
            return
        try:
            self._con.execute("ROLLBACK")
        except duckdb.Error:
            pass                                # "no transaction is active"

    def published_by(self, run_id: str) -> tuple[int, int, int, int]:
        """(files, articles, mentions, metrics) that `run_id` has published so far, counted in the tables."""
        files = self.con.execute("SELECT count(*) FROM sources WHERE last_run_id = ? AND status = 'loaded'",
                                 [run_id]).fetchone()[0]
        articles, mentions, metrics = self.con.execute("""
            SELECT count(*), (SELECT count(*) FROM entity_mentions m JOIN articles a USING (article_id) WHERE a.run_id = ?),
                   (SELECT count(*) FROM metrics m JOIN articles a USING (article_id) WHERE a.run_id = ?)
            FROM articles WHERE run_id = ?""", [run_id, run_id, run_id]).fetchone()
        return files, articles, mentions, metrics

    def finish_run(self, run_id: str, **fields) -> None:
        fields = {"finished_at": _now(), **fields}
        sets = ", ".join(f"{k} = ?" for k in fields)
        self.con.execute(f"UPDATE runs SET {sets} WHERE run_id = ?", [*fields.values(), run_id])

    def _insert(self, table: str, rows: list[dict]) -> None:
        if not rows:
            return
        frame = conform(pl.DataFrame(rows, infer_schema_length=None), contract.BY_NAME[table])
        self.con.register("_rows", frame.to_arrow(compat_level=pl.CompatLevel.newest()))
        try:
            self.con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _rows")
        finally:
            self.con.unregister("_rows")

    # -- sources that are not published --------------------------------------------------------
    def record_sources(self, rows: list[dict], run_id: str) -> None:
        """Upsert rejected/quarantined source rows (loaded ones are written by publish())."""
        if not rows:
            return
        now = _now()
        with self.transaction():
            self._upsert_sources(rows, run_id, now)

    def _upsert_sources(self, rows: list[dict], run_id: str, now: dt.datetime) -> None:
        ids = [r["source_id"] for r in rows]
        if len(set(ids)) != len(ids):       # `sources` has no key index (contract/tables.py): refuse here
            raise WarehouseError(f"{len(ids) - len(set(ids))} source row(s) given twice in one write")
        first = dict(self.con.execute(
            "SELECT source_id, first_run_id FROM sources WHERE list_contains(?, source_id)", [ids]).fetchall())
        full = [{**r, "first_run_id": first.get(r["source_id"], run_id), "last_run_id": run_id,
                 "ingested_at": now} for r in rows]
        self.con.execute("DELETE FROM sources WHERE list_contains(?, source_id)", [ids])
        self._insert("sources", full)

    # -- staging -> publish --------------------------------------------------------------------
    def clear_staging(self) -> None:
        for table in CONTENT_TABLES:
            self.con.execute(f"DELETE FROM staging.{table.name}")

    def stage(self, frames: dict[str, pl.DataFrame]) -> None:
        """Write one batch's frames into the staging schema (replacing what was there), in one transaction: one
        commit instead of one per table (each autocommit wrote to the file, and the WAL grew past DuckDB's
        checkpoint threshold in the middle of a batch)."""
        with self.transaction() as con:
            self.clear_staging()
            for table in CONTENT_TABLES:
                frame = conform(frames.get(table.name), table)
                if frame.is_empty():
                    continue
                con.register("_stage", frame.to_arrow(compat_level=pl.CompatLevel.newest()))
                try:
                    con.execute(f"INSERT INTO staging.{table.name} BY NAME SELECT * FROM _stage")
                finally:
                    con.unregister("_stage")

    def drop_staged_sources(self, source_ids: list[str]) -> None:
        """Remove the rows of some pages from staging (used when those pages are quarantined)."""
        if not source_ids:
            return
        ids = list(source_ids)
        art = "(SELECT article_id FROM staging.articles WHERE list_contains(?, source_id))"
        self.con.execute(f"DELETE FROM staging.entity_mentions WHERE article_id IN {art}", [ids])
        self.con.execute(f"DELETE FROM staging.metrics WHERE article_id IN {art}", [ids])
        self.con.execute("DELETE FROM staging.page_residue WHERE list_contains(?, source_id)", [ids])
        self.con.execute("DELETE FROM staging.articles WHERE list_contains(?, source_id)", [ids])
        self.con.execute("DELETE FROM staging.entities WHERE entity_id NOT IN "
                         "(SELECT entity_id FROM staging.entity_mentions)")

    def publish(self, loaded_sources: list[dict], run_id: str) -> PublishCounts:
        """Move staged rows to main in one transaction, replacing older versions of the same paths."""
        con = self.con
        now = _now()
        counts = PublishCounts(
            articles=self.count("articles", "staging"), mentions=self.count("entity_mentions", "staging"),
            metrics=self.count("metrics", "staging"))
        paths = [s["path"] for s in loaded_sources]
        ids = [s["source_id"] for s in loaded_sources]
        with self.transaction():
            # older versions of these paths, and any leftovers of these very sources, go first
            old = [r[0] for r in con.execute(
                "SELECT source_id FROM sources WHERE list_contains(?, path) AND status = 'loaded' "
                "AND NOT list_contains(?, source_id)", [paths, ids]).fetchall()]
            deleted = self._delete_sources_content(old + ids)
            if old:
                con.execute("UPDATE sources SET status = 'superseded', last_run_id = ?, ingested_at = ? "
                            "WHERE list_contains(?, source_id)", [run_id, now, old])
            con.execute("UPDATE staging.articles SET run_id = ?", [run_id])
            self._refuse_published_articles()
            for table in (contract.ARTICLES, contract.ENTITY_MENTIONS, contract.METRICS, contract.RESIDUE):
                con.execute(f"INSERT INTO main.{table.name} BY NAME SELECT * FROM staging.{table.name}")
            # entities are shared by pages: only the new ones go in (no key index to ignore the others)
            counts.entities = con.execute(
                "INSERT INTO main.entities BY NAME SELECT s.* FROM staging.entities s "
                "LEFT JOIN main.entities m USING (entity_id) WHERE m.entity_id IS NULL").fetchone()[0]
            if deleted:   # entities only lose their last mention when rows were replaced: only those mentioned
                # by the rows deleted can have (a hash of them, not of every mention: bounded by the unit)
                con.execute("DELETE FROM main.entities WHERE entity_id IN (SELECT entity_id FROM _gone_entities) "
                            "AND entity_id NOT IN (SELECT m.entity_id FROM main.entity_mentions m "
                            "JOIN _gone_entities g USING (entity_id))")
                con.execute("DROP TABLE _gone_entities")
            per_source = dict(con.execute(
                "SELECT source_id, count(*) FROM staging.articles GROUP BY source_id").fetchall())
            self._upsert_sources([{**s, "status": "loaded", "error": None,
                                   "articles": per_source.get(s["source_id"], 0)} for s in loaded_sources],
                                 run_id, now)
            self.clear_staging()
        return counts

    def _refuse_published_articles(self) -> None:
        """The published tables have no primary-key index (contract/tables.py): once a unit's pages lost their
        previous rows, none of its articles may be published still. Their mentions, numbers and residue rows
        are covered by it: their keys derive from the article (or page), the gate checks they are unique in
        the unit and that they belong to its articles."""
        twice = self.con.execute(
            "SELECT count(*), any_value(article_id) FROM staging.articles s JOIN main.articles m USING (article_id)"
        ).fetchone()       # a join, not IN (...): DuckDB hashes the smaller side, the unit, not the warehouse
        if twice[0]:
            raise WarehouseError(f"{twice[0]} staged article(s) are published already (e.g. {twice[1]}): "
                                 "publishing them would duplicate rows")

    def _delete_sources_content(self, source_ids: list[str]) -> bool:
        """Delete the published rows of these pages; False (and no table scans) when they have none. True leaves
        the temporary table `_gone_entities`: the entities the deleted mentions named."""
        if not source_ids:
            return False
        has_rows = self.con.execute(
            "SELECT EXISTS (SELECT 1 FROM main.articles WHERE list_contains(?, source_id)) OR "
            "EXISTS (SELECT 1 FROM main.page_residue WHERE list_contains(?, source_id))",
            [source_ids, source_ids]).fetchone()[0]
        if not has_rows:
            return False
        art = "(SELECT article_id FROM main.articles WHERE list_contains(?, source_id))"
        self.con.execute("CREATE OR REPLACE TEMP TABLE _gone_entities AS SELECT DISTINCT entity_id "
                         f"FROM main.entity_mentions WHERE article_id IN {art}", [source_ids])
        self.con.execute(f"DELETE FROM main.entity_mentions WHERE article_id IN {art}", [source_ids])
        self.con.execute(f"DELETE FROM main.metrics WHERE article_id IN {art}", [source_ids])
        self.con.execute("DELETE FROM main.page_residue WHERE list_contains(?, source_id)", [source_ids])
        self.con.execute("DELETE FROM main.articles WHERE list_contains(?, source_id)", [source_ids])
        return True

    def truncate_content(self) -> None:
        """--full-refresh: drop every published page so all inputs are processed again."""
        with self.transaction() as con:
            for table in reversed(CONTENT_TABLES):
                con.execute(f"DELETE FROM main.{table.name}")
            con.execute("DELETE FROM sources")

    # -- data quality --------------------------------------------------------------------------
    def write_dq_results(self, rows: list[dict]) -> None:
        self._insert("dq_results", rows)

    def quarantine(self, run_id: str, reasons: dict[str, str], staged_sources: list[dict]) -> list[dict]:
        """Quarantine pages of the staged batch in one transaction: their staged rows go to `quarantine` (as
        JSON, with the reason), their `sources` rows get status `quarantined` and the reason, and their rows
        leave staging. `reasons` maps source_id -> reason; `staged_sources` are the batch's source rows.
        Returns the source rows written."""
        if not reasons:
            return []
        by_reason: dict[str, list[str]] = {}
        for sid, reason in reasons.items():
            by_reason.setdefault(reason, []).append(sid)
        rows = [{**m, "status": "quarantined", "error": f"failed critical checks: {reasons[m['source_id']]}",
                 "articles": 0} for m in staged_sources if m["source_id"] in reasons]
        now = _now()
        with self.transaction():
            for reason, sids in by_reason.items():
                self._quarantine_rows(run_id, sorted(sids), reason, now)
            self._upsert_sources(rows, run_id, now)
            self.drop_staged_sources(list(reasons))
        return rows

    def _quarantine_rows(self, run_id: str, source_ids: list[str], reason: str, now: dt.datetime) -> int:
        """Copy the staged rows of quarantined pages into `quarantine` as JSON."""
        n = 0
        for table in CONTENT_TABLES:
            if table.name == "entities":
                continue
            if "source_id" in table.column_names:
                where, src = "list_contains(?, t.source_id)", "t.source_id"
                frm = f"staging.{table.name} t"
            else:
                where, src = "list_contains(?, a.source_id)", "a.source_id"
                frm = f"staging.{table.name} t JOIN staging.articles a USING (article_id)"
            cur = self.con.execute(
                f"INSERT INTO quarantine SELECT ?, {src}, ?, to_json(t)::VARCHAR, ?, ? FROM {frm} WHERE {where}",
                [run_id, table.name, reason, now, source_ids])
            n += cur.fetchone()[0] if cur.description else 0
        return n

    # -- run profiles (drift) ------------------------------------------------------------------
    def write_profile(self, row: dict) -> None:
        """Store (replace) one run's row of `run_profiles`; `computed_at` is now."""
        self.con.execute("DELETE FROM run_profiles WHERE run_id = ?", [row["run_id"]])
        self._insert("run_profiles", [{"computed_at": _now(), **row}])

    def recent_profiles(self, before_run: str, limit: int, min_pages: int) -> list[dict]:
        """The latest `limit` profiles of other runs that published at least `min_pages` pages."""
        cur = self.con.execute(
            "SELECT * FROM run_profiles WHERE run_id <> ? AND pages >= ? ORDER BY computed_at DESC LIMIT ?",
            [before_run, min_pages, limit])
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r)) for r in cur.fetchall()]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def read_only(path: str | os.PathLike) -> duckdb.DuckDBPyConnection:
    p = Path(path)
    if not p.exists():
        raise WarehouseError(f"no warehouse at {p}: run `zhnews run` first (or give --warehouse FILE)")
    if p.is_dir():
        raise WarehouseError(f"the warehouse {p} is a directory: give the DuckDB file with --warehouse FILE")
    try:
        return duckdb.connect(str(p), read_only=True)
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if isinstance(exc, duckdb.IOException) and "lock" in first.lower():
            raise WarehouseError(f"cannot read the warehouse {p} now: a zhnews run is writing it ({first}); "
                                 "try again when the run has finished") from None
        raise WarehouseError(f"cannot open the warehouse {p} (DuckDB {duckdb.__version__}): {first}") from None
