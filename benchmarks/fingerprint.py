"""Table fingerprints of a warehouse: rows and an md5 of each table's rows in order, leaving out run ids and
timestamps, so two runs of different code (or workers, or task runners) over the same pages can be compared
with `diff` (issue 16: "the same tables, bit for bit"). `compared_columns()` is the one rule of what is left
out (run ids and timestamps); tests/ops_snapshot.snapshot uses it too.

    .venv/bin/zhnews run --input seeds --warehouse /tmp/a.duckdb --full-refresh --quiet
    .venv/bin/python benchmarks/fingerprint.py /tmp/a.duckdb > a.txt     # the same for b, then: diff a.txt b.txt
"""
from __future__ import annotations

import sys
from pathlib import Path

import duckdb

if __name__ == "__main__":          # run as a script (python benchmarks/fingerprint.py): the tree's packages
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from warehouse.contract import OUTCOME_TABLE_NAMES  # noqa: E402

RUN_ID_COLUMNS = frozenset({"run_id", "first_run_id", "last_run_id"})


def compared_columns(con: duckdb.DuckDBPyConnection, table: str) -> tuple[list[str], list[str]]:
    """(compared, left out) columns of main.`table`, in table order: a run id or a timestamp differs between
    two runs over the same pages, so it is left out; every other column is compared."""
    cols = con.execute("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? "
                       "AND table_schema = 'main' ORDER BY ordinal_position", [table]).fetchall()
    keep = [c for c, kind in cols if c not in RUN_ID_COLUMNS and "TIMESTAMP" not in kind]
    return keep, [c for c, _ in cols if c not in keep]


def quoted(columns: list[str]) -> str:
    return ", ".join('"' + c.replace('"', '""') + '"' for c in columns)


def fingerprints(path: str) -> list[str]:
    con = duckdb.connect(path, read_only=True)
    out = []
    for t in OUTCOME_TABLE_NAMES:        # every table but those describing the run itself
        keep, dropped = compared_columns(con, t)
        n, h = con.execute(f"SELECT count(*), md5(coalesce(string_agg(r, '\n' ORDER BY r), '')) "
                           f"FROM (SELECT CAST(row({quoted(keep)}) AS VARCHAR) r FROM {t})").fetchone()
        out.append(f"{t:16} rows={n:6} md5={h} (excluded: {','.join(dropped) or '-'})")
    return out


if __name__ == "__main__":
    print("\n".join(fingerprints(sys.argv[1])))
