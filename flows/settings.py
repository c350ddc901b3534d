"""The options of a run, in one object: `Settings`, built once (by the command line, a test or a benchmark)
and passed down to the flow.

A pydantic model, because it must serialize: the scheduled runs of `zhnews serve` receive it as the Prefect
deployment's `settings` parameter (JSON), and the flow reads it back with `Settings.of()`. Every default is
a constant of flows/defaults.py, the one place the `zhnews` parser (`--help`) reads them from too.
"""
from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from flows import defaults


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    inputs: list[str] = Field(default_factory=lambda: [defaults.INPUT])   # files or folders (searched recursively)
    warehouse: str = defaults.WAREHOUSE          # the DuckDB file the run writes
    batch_mb: float = defaults.BATCH_MB          # MB of pages per transform batch
    publish_batches: int = defaults.PUBLISH_BATCHES   # transform batches validated and published together
    workers: int = defaults.WORKERS              # transform workers; workers + 1 batches in flight
    task_runner: str = defaults.TASK_RUNNER      # auto | thread | process | dask (the flow records the one it ran on)
    dask_address: str | None = None              # an existing Dask cluster's scheduler (None: a LocalCluster)
    use_cache: bool = True                       # read and write the per-page transform cache
    cache_dir: str | None = None                 # the page cache's folder (None: Prefect's local results path)
    full_refresh: bool = False                   # rebuild every page, ignoring content hashes
    duckdb_memory_limit: str | None = defaults.DUCKDB_MEMORY_LIMIT   # DuckDB's memory_limit (None: DuckDB's own, 80% of RAM)
    duckdb_threads: int = defaults.DUCKDB_THREADS             # DuckDB's threads for the writing connection
    progress: bool = False                       # progress lines (one per batch)
    prefect_home: str = defaults.PREFECT_HOME    # Prefect's state, relative to the working directory

    @property
    def batch_bytes(self) -> int:
        """Bytes of pages per transform batch."""
        return max(1, int(self.batch_mb * 1024 * 1024))

    @property
    def max_in_flight(self) -> int:
        """Batches held between ingest and publish (memory): one per worker, plus the one being published."""
        return self.workers + 1

    @classmethod
    def of(cls, value: "Settings | dict | None") -> "Settings":
        """The settings a flow run was given: an object (a direct call), JSON (a deployment's parameter), or
        None (the defaults)."""
        if isinstance(value, cls):
            return value
        return cls.model_validate(value or {})

    def absolute(self) -> "Settings":
        """The same settings with absolute paths (a served run starts in a process of its own)."""
        return self.model_copy(update={"inputs": [str(Path(p).resolve()) for p in self.inputs],
                                       "warehouse": str(Path(self.warehouse).resolve())})
