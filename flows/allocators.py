"""The allocator settings of a run's process (`defaults.ALLOCATOR_ENV`): set by the command line for its own
process, kept out of the transform workers.

The settings make the allocators give freed memory back to the system at once: glibc maps blocks of 1 MB and
more on their own, Arrow uses the system allocator (not mimalloc), polars' jemalloc purges freed pages at
once (decay 0). In the run's process (the single DuckDB writer, which holds the batches waiting for a unit
and frees a unit's rows every few seconds) that halved the peak (benchmarks/README.md, memory, third round).
In the transform workers they cost CPU and bought little: the transform stages alone on 30 MB in one process
took a median 33.9 CPU seconds with them against 31.0 without (3 interleaved rounds; sys time +1.5 s, the
entity and segmentation stages most), for a peak 45 MB lower (658 against 701 MB), and the workers are not
the largest process (benchmarks/README.md, "allocator settings for the run's process only"). So:

- `use_in_this_process()` (flows/cli.py's `main`, before polars or pyarrow is imported): each setting not
  already in the environment is put there (glibc's also through `mallopt`, since glibc read its
  environment when this process started), and their names are noted in `ZHNEWS_ALLOCATOR_ENV`. Processes
  started from then on inherit them: the validator's process, a served run's process.
- `kept_from_workers()` (the process and Dask task runners, flows/runners.py, while they start and run their
  workers): this process's allocators read their settings first (polars' jemalloc when polars is loaded,
  Arrow's default pool on first use), then the settings noted in `ZHNEWS_ALLOCATOR_ENV` leave the
  environment until the runner ends, so worker processes start with the allocators' own defaults.

A setting already in the environment before `zhnews` started wins, and is never taken out: it reaches every
process, workers included.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from flows import defaults

NOTED = "ZHNEWS_ALLOCATOR_ENV"      # names of the settings the command line put in the environment


def use_in_this_process() -> list[str]:
    """Put every `defaults.ALLOCATOR_ENV` setting the environment does not have yet into it, note their names,
    and set glibc's mmap threshold of this process. Returns the names it set."""
    ours = [key for key in defaults.ALLOCATOR_ENV if key not in os.environ]
    for key in ours:
        os.environ[key] = defaults.ALLOCATOR_ENV[key]
    noted = [k for k in os.environ.get(NOTED, "").split(",") if k]
    if ours:
        os.environ[NOTED] = ",".join(dict.fromkeys(noted + ours))
    try:                                  # glibc reads MALLOC_MMAP_THRESHOLD_ at start: this process needs mallopt
        import ctypes
        ctypes.CDLL("libc.so.6").mallopt(-3, int(os.environ["MALLOC_MMAP_THRESHOLD_"]))   # M_MMAP_THRESHOLD
    except (OSError, AttributeError, ValueError):                                        # not glibc
        pass
    return ours


@contextmanager
def kept_from_workers() -> Iterator[dict[str, str]]:
    """While inside: the settings `use_in_this_process` put in the environment are out of it (processes
    started meanwhile do not get them); they are back afterwards. Yields what was taken out."""
    names = [k for k in os.environ.get(NOTED, "").split(",") if k in os.environ]
    if not names:
        yield {}
        return
    import polars  # noqa: F401 - its jemalloc reads _RJEM_MALLOC_CONF when loaded
    import pyarrow
    pyarrow.default_memory_pool()          # Arrow reads ARROW_DEFAULT_MEMORY_POOL when its pool is first made
    taken = {key: os.environ.pop(key) for key in names}
    taken[NOTED] = os.environ.pop(NOTED)
    try:
        yield taken
    finally:
        for key, value in taken.items():
            os.environ.setdefault(key, value)
