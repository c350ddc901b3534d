"""Table fingerprints of a warehouse: rows and an md5 of each table's rows in order, leaving out run ids and
timestamps, so two runs of different code (or workers, or task runners) over the same pages can be compared
with `diff` (issue 16: "the same tables, bit for bit").

    .venv/bin/zhnews run --input seeds --warehouse /tmp/a.duckdb --full-refresh --quiet
    .venv/bin/python benchmarks/fingerprint.py /tmp/a.duckdb > a.txt     # the same for b, then: diff a.txt b.txt
"""
from __future__ import annotations

import sys

import duckdb

SKIP = {"first_run_id", "last_run_id", "run_id", "ingested_at", "published_at", "created_at"}
TABLES = ("sources", "articles", "entities", "entity_mentions", "metrics", "page_residue", "dq_results", "quarantine")


def fingerprints(path: str) -> list[str]:
    con = duckdb.connect(path, read_only=True)
    out = []
    for t in TABLES:
        cols = con.execute("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? "
                           "AND table_schema = 'main' ORDER BY ordinal_position", [t]).fetchall()
        keep = [c for c, kind in cols if c not in SKIP and "TIMESTAMP" not in kind]
        dropped = [c for c, _ in cols if c not in keep]
        sel = ", ".join(f'"{c}"' for c in keep)
        n, h = con.execute(f"SELECT count(*), md5(coalesce(string_agg(r, '\n' ORDER BY r), '')) "
                           f"FROM (SELECT CAST(row({sel}) AS VARCHAR) r FROM {t})").fetchone()
        out.append(f"{t:16} rows={n:6} md5={h} (excluded: {','.join(dropped) or '-'})")
    return out


if __name__ == "__main__":
    print("\n".join(fingerprints(sys.argv[1])))
