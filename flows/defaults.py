"""Every default of the command line and the flow, in one place.

Each value is read by the `zhnews` parser (flows/cli.py), which shows it in `--help`, and by the run's
settings object (flows/settings.py, the defaults of its fields), which the command line builds once and
passes to the flow. Nothing else should hard-code these (tests/test_settings.py checks the two agree).
"""
from __future__ import annotations

# where things are
WAREHOUSE = "warehouse/zhnews.duckdb"       # the DuckDB file `run` writes and `report`/`sql`/`export` read
INPUT = "seeds"                             # input folder when no --input is given
PREFECT_HOME = ".prefect"                   # Prefect's state (flow runs, transform cache), under the working directory

# zhnews run
WORKERS = 2                                 # transform workers (threads, processes or Dask workers)
TASK_RUNNER = "auto"                        # auto | thread | process | dask
BATCH_MB = 4.0                              # MB of pages per transform batch
PUBLISH_BATCHES = 3                         # transform batches validated and published together
DUCKDB_MEMORY_LIMIT = "128MB"               # the writer's DuckDB memory_limit (DuckDB's own: 80% of RAM, and its
                                            # buffer pool grew with the warehouse). Safe since the tables that grow
                                            # have no primary-key index (contract/tables.py, key_index): DuckDB
                                            # keeps those inside the limit (benchmarks/duckdb_pk_limit.py: 10 M keys
                                            # under 128MB). 256MB -> 128MB: about 100 MB less at 120 MB of pages.
                                            # A unit's staging and audit queries need room: 64MB ran out of memory
                                            # on a default unit (~16 MB of pages); more --publish-batches, more room
ALLOCATOR_ENV = {                           # the run process's (flows/allocators.py: not the workers'), unless set
    "MALLOC_MMAP_THRESHOLD_": "1048576",    # glibc: blocks >= 1 MB mapped on their own, unmapped when freed
    "ARROW_DEFAULT_MEMORY_POOL": "system",  # Arrow buffers from the system allocator, not mimalloc
    "_RJEM_MALLOC_CONF": "dirty_decay_ms:0,muzzy_decay_ms:0",   # polars' jemalloc: purge freed pages at once
}
DUCKDB_THREADS = 2                          # the writer's DuckDB threads (DuckDB's own default: every core)
SHUTDOWN_DEADLINE_SECONDS = 7.0             # after Ctrl-C/SIGTERM, forced exit if the orderly stop takes longer
SERVER_STARTUP_TIMEOUT_SECONDS = 90         # how long to wait for the temporary Prefect server

# zhnews serve
SERVE_CRON = "0 6 * * *"                    # daily at 06:00 (the server's time zone, UTC by default)
DEPLOYMENT_NAME = "zhnews-scheduled"
SERVE_RUN_STOP_SECONDS = 4.0                # after Ctrl-C/SIGTERM, how long a served run gets to record its end

# zhnews sql / export
SQL_FORMAT = "table"                        # table | csv | json
SQL_MAX_ROWS = 40                           # rows a table shows on a terminal (--out writes them all)
SQL_HISTORY = "~/.zhnews_sql_history"       # history file of the interactive prompt
EXPORT_FORMAT = "parquet"                   # parquet | csv

# zhnews bench
BENCH_MB = 30.0
BENCH_CORPUS = "../shared/corpus/xwlb_articles.jsonl.gz"
BENCH_TASK_RUNNER = "process"
