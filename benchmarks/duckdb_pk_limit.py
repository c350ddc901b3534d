"""How many primary-key values a DuckDB memory_limit holds, and that without the key index it is no limit at all.

    .venv/bin/python benchmarks/duckdb_pk_limit.py [--limit 512MB] [--batches 40] [--no-key]

Inserts batches of 250,000 sha256 hex keys (the shape of mention_id / metric_id) into a table with a PRIMARY
KEY in a temporary database under the given memory_limit, and prints how many went in before DuckDB refused
("Out of Memory Error"): its ART index is kept inside the limit. 2026-12-06, DuckDB 2.0: 512MB held 4,000,000
keys, 64MB 250,000.

With `--no-key` the table has no primary key (as zhnews's large tables since issue 17) and every batch goes
through what a publish does instead: staged in a table of its own, joined against the table (the check that
none of it is published already, warehouse/store.py), then inserted. 2026-12-06: 256MB took all 10,000,000
(peak RSS 332 MB); with the key, 256MB refused after 1,750,000. 128MB without the key (zhnews's default since):
all 10,000,000, peak RSS 207 MB.
"""
from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import duckdb


def _peak_mb() -> float:
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", default="512MB", help="DuckDB memory_limit (default 512MB)")
    ap.add_argument("--batches", type=int, default=40, help="batches of 250,000 keys (default 40)")
    ap.add_argument("--no-key", action="store_true", help="no PRIMARY KEY; join each batch against the table")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        con = duckdb.connect(str(Path(tmp) / "pk.duckdb"), config={"memory_limit": args.limit, "threads": 2})
        con.execute(f"CREATE TABLE m (mention_id VARCHAR{'' if args.no_key else ' PRIMARY KEY'}, x INTEGER)")
        try:
            for b in range(args.batches):
                batch = f"SELECT sha256((i + {b * 250_000})::VARCHAR) AS mention_id, i AS x FROM range(250000) t(i)"
                if args.no_key:
                    con.execute(f"CREATE OR REPLACE TABLE s AS {batch}")
                    if con.execute("SELECT count(*) FROM s JOIN m USING (mention_id)").fetchone()[0]:
                        raise SystemExit("a key of the batch is in the table already")
                    con.execute("INSERT INTO m SELECT * FROM s")
                else:
                    con.execute(f"INSERT INTO m {batch}")
        except duckdb.Error as exc:
            n = con.execute("SELECT count(*) FROM m").fetchone()[0]
            print(f"memory_limit {args.limit}: refused after {n:,} keys: {str(exc).splitlines()[0][:120]}")
            return 0
        n = con.execute("SELECT count(*) FROM m").fetchone()[0]
        print(f"memory_limit {args.limit}{', no key' if args.no_key else ''}: all {n:,} keys went in, "
              f"peak RSS {_peak_mb():.0f} MB")
        con.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
