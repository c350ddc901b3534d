"""`zhnews sql` and `zhnews export`: the warehouse for people and for downstream tools, read-only.

No DuckDB command-line shell that reads DuckDB 2.0 files installs here (Debian has none, PyPI's duckdb-cli
stops at 1.5.6), so `zhnews sql` is the shell: a query on the command line prints a table (or CSV, JSON
lines, or a file: Parquet, CSV or JSON by the extension of `--out`); without a query it reads statements from
stdin, with a prompt and a history (stdlib readline) when stdin is a terminal. The database is opened with
`read_only=True`: no statement can change it, and it can be queried while nothing is writing.

`zhnews export` writes every table of the warehouse (DuckDB COPY) as Parquet or CSV files into a folder,
`articles` partitioned by issue month (`articles/issue_month=2026-03/…`; `unknown` when the page has no
issue date and the article no dateline date) so that downstream tools read one month without the rest.
"""
from __future__ import annotations

import csv
import json
import os
import shutil
import sys
from pathlib import Path

import duckdb

from flows import defaults
from warehouse.store import WarehouseError, read_only

FORMATS = ("table", "csv", "json")
FILE_FORMATS = {".parquet": "parquet", ".pq": "parquet", ".csv": "csv", ".json": "json", ".jsonl": "json",
                ".ndjson": "json", ".txt": "table"}
PROMPT, MORE = "zhnews> ", "   ...> "
HELP = """statements end with ';' and may span lines. Commands:
  .tables            the tables and views, with their row counts
  .schema [TABLE]    the columns of a table (descriptions: docs/tables.md)
  .format table|csv|json
  .quit              (or Ctrl-D)"""


class SqlError(RuntimeError):
    """A query DuckDB refused (the message is DuckDB's first line)."""


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _relation(con, query: str):
    try:
        return con.sql(query)
    except duckdb.Error as exc:
        raise SqlError(_first_line(exc)) from None


def write_result(rel, fmt: str, out=None, max_rows: int | None = defaults.SQL_MAX_ROWS) -> None:
    """Print a relation to `out` (default stdout) as a table, CSV with a header, or JSON lines."""
    out = out or sys.stdout
    if rel is None:
        return
    try:
        if fmt == "table":
            width = shutil.get_terminal_size((120, 24)).columns if out is sys.stdout and out.isatty() else 10_000
            if out is sys.stdout:
                rel.show(max_rows=max_rows if out.isatty() else 10_000_000, max_width=width)
            else:
                out.write(str(rel) + "\n")
            return
        names = [d[0] for d in rel.description]
        rows = rel.iter_rows(batch_size=10_000)
        if fmt == "csv":
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(names)
            writer.writerows(rows)
        else:
            for row in rows:
                out.write(json.dumps(dict(zip(names, row)), ensure_ascii=False, default=str) + "\n")
    except duckdb.Error as exc:
        raise SqlError(_first_line(exc)) from None


def write_file(rel, path: Path, fmt: str) -> str:
    """Write a relation to `path`; the format comes from the extension (else `fmt`). Returns the format used."""
    fmt = FILE_FORMATS.get(path.suffix.lower(), fmt)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if fmt == "parquet":
            rel.write_parquet(str(path))
        elif fmt == "csv":
            rel.write_csv(str(path), header=True)
        else:
            with open(path, "w", encoding="utf-8", newline="") as fh:
                write_result(rel, fmt, fh)
    except duckdb.Error as exc:
        raise SqlError(_first_line(exc)) from None
    return fmt


def run_query(warehouse: str, query: str, fmt: str = defaults.SQL_FORMAT, out: str | None = None) -> str | None:
    """One query (or several, `;`-separated: the last one's result is shown). Returns what was written."""
    con = read_only(warehouse)
    try:
        rel = _relation(con, query)
        if out:
            if rel is None:
                raise SqlError("the statement returns no rows to write to --out")
            used = write_file(rel, Path(out), fmt)
            return f"{out} ({used})"
        write_result(rel, fmt)
        return None
    finally:
        con.close()


# -- the prompt ------------------------------------------------------------------------------------------
def _tables(con) -> str:
    rows = con.execute("""SELECT table_name, 'table' AS kind, estimated_size FROM duckdb_tables() WHERE schema_name = 'main'
                          UNION ALL SELECT view_name, 'view', NULL FROM duckdb_views()
                          WHERE schema_name = 'main' AND NOT internal ORDER BY 2, 1""").fetchall()
    out = []
    for name, kind, _ in rows:
        n = con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
        out.append(f"  {name:<18} {kind:<6} {n:>10} rows")
    return "\n".join(out)


def _schema(con, table: str | None) -> str:
    where = "AND table_name = ?" if table else ""
    rows = con.execute(f"""SELECT table_name, column_name, data_type, coalesce(comment, '') FROM duckdb_columns()
                           WHERE schema_name = 'main' {where} ORDER BY table_name, column_index""",
                       [table] if table else []).fetchall()
    if not rows:
        return f"no table {table!r} (.tables lists them)"
    return "\n".join(f"  {t}.{c} {d}" + (f"  -- {k}" if k else "") for t, c, d, k in rows)


def _statements(text: str) -> list[str]:
    """Complete statements of `text` (DuckDB's own splitter; a trailing statement without `;` is kept)."""
    try:
        return [str(s.query) for s in duckdb.extract_statements(text)]
    except duckdb.Error as exc:
        raise SqlError(_first_line(exc)) from None


def run_script(warehouse: str, text: str, fmt: str = defaults.SQL_FORMAT) -> int:
    """Statements read from a pipe or file: each result printed; stops at the first error (exit 1)."""
    con = read_only(warehouse)
    try:
        for statement in _statements(text):
            write_result(_relation(con, statement), fmt)
    finally:
        con.close()
    return 0


def interactive(warehouse: str, fmt: str = defaults.SQL_FORMAT, history: str = defaults.SQL_HISTORY) -> int:
    """The prompt: statements end with `;`, dot-commands (.tables, .schema, .format, .quit), history kept in
    `history` between sessions; Ctrl-C drops the statement being typed, Ctrl-D leaves."""
    try:
        import readline
    except ImportError:                  # no readline (some builds): the prompt still works, without history
        readline = None
    con = read_only(warehouse)
    hist = Path(os.path.expanduser(history))
    if readline is not None:
        try:
            readline.read_history_file(hist)
        except OSError:
            pass
        readline.set_history_length(1000)
    print(f"zhnews sql on {warehouse} (read-only); .help for help, .quit or Ctrl-D to leave")
    buffer: list[str] = []
    try:
        while True:
            try:
                line = input(MORE if buffer else PROMPT)
            except KeyboardInterrupt:
                print()
                buffer.clear()
                continue
            except EOFError:
                print()
                break
            stripped = line.strip()
            if not buffer and stripped.startswith("."):
                word, _, arg = stripped.partition(" ")
                if word in (".quit", ".exit", ".q"):
                    break
                if word == ".help":
                    print(HELP)
                elif word == ".tables":
                    print(_tables(con))
                elif word == ".schema":
                    print(_schema(con, arg.strip() or None))
                elif word == ".format" and arg.strip() in FORMATS:
                    fmt = arg.strip()
                else:
                    print(f"unknown command {stripped!r}; .help lists the commands")
                continue
            buffer.append(line)
            if not stripped.endswith(";"):
                continue
            text, buffer = "\n".join(buffer), []
            try:
                for statement in _statements(text):
                    write_result(_relation(con, statement), fmt)
            except SqlError as exc:
                print(f"error: {exc}")
            except KeyboardInterrupt:
                print("\n(cancelled)")
    finally:
        con.close()
        if readline is not None:
            try:
                hist.parent.mkdir(parents=True, exist_ok=True)
                readline.write_history_file(hist)
            except OSError:
                pass
    return 0


# -- export ----------------------------------------------------------------------------------------------
ISSUE_MONTH = """coalesce(strftime(coalesce(s.issue_date, a.dateline_date), '%Y-%m'), 'unknown')"""


def export(warehouse: str, out_dir: str, fmt: str = defaults.EXPORT_FORMAT) -> list[tuple[str, int, str]]:
    """Every table of the warehouse into `out_dir` (replacing an earlier export there). Returns
    (table, rows, path) per table."""
    if fmt not in ("parquet", "csv"):
        raise SqlError(f"unknown export format {fmt!r}: use parquet or csv")
    con = read_only(warehouse)
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WarehouseError(f"cannot write the export folder {out}: {exc.strerror or exc}") from None
    options = "FORMAT parquet, COMPRESSION zstd" if fmt == "parquet" else "FORMAT csv, HEADER true"
    written = []
    try:
        tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' "
                                            "ORDER BY table_name").fetchall()]
        if not tables:
            raise WarehouseError(f"the warehouse {warehouse} has no tables: run `zhnews run` first")
        for table in tables:
            rows = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            if table == "articles":
                target = out / "articles"
                shutil.rmtree(target, ignore_errors=True)
                con.execute(f"""COPY (SELECT a.*, {ISSUE_MONTH} AS issue_month FROM articles a
                                      LEFT JOIN sources s USING (source_id))
                                TO '{_quote(target)}' ({options}, PARTITION_BY (issue_month), OVERWRITE true)""")
            else:
                target = out / f"{table}.{fmt}"
                con.execute(f"""COPY "{table}" TO '{_quote(target)}' ({options})""")
            written.append((table, rows, str(target)))
    except duckdb.Error as exc:
        raise SqlError(_first_line(exc)) from None
    finally:
        con.close()
    return written


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")
