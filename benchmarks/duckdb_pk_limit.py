"""How many primary-key values a DuckDB memory_limit holds: why zhnews leaves DuckDB's own limit in place.

    .venv/bin/python benchmarks/duckdb_pk_limit.py [--limit 512MB] [--batches 40]

Inserts batches of 250,000 sha256 hex keys (the shape of mention_id / metric_id) into a table with a PRIMARY
KEY in a temporary database under the given memory_limit, and prints how many went in before DuckDB refused
("Out of Memory Error"): its ART index is kept inside the limit. 2026-12-06, DuckDB 2.0: 512MB held 4,000,000
keys, 64MB 250,000.
"""
from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import duckdb


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", default="512MB", help="DuckDB memory_limit (default 512MB)")
    ap.add_argument("--batches", type=int, default=40, help="batches of 250,000 keys (default 40)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        con = duckdb.connect(str(Path(tmp) / "pk.duckdb"), config={"memory_limit": args.limit, "threads": 2})
        con.execute("CREATE TABLE m (mention_id VARCHAR PRIMARY KEY, x INTEGER)")
        try:
            for b in range(args.batches):
                con.execute(f"INSERT INTO m SELECT sha256((i + {b * 250_000})::VARCHAR), i FROM range(250000) t(i)")
        except duckdb.Error as exc:
            n = con.execute("SELECT count(*) FROM m").fetchone()[0]
            print(f"memory_limit {args.limit}: refused after {n:,} keys: {str(exc).splitlines()[0][:120]}")
            return 0
        n = con.execute("SELECT count(*) FROM m").fetchone()[0]
        print(f"memory_limit {args.limit}: all {n:,} keys went in")
        con.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
