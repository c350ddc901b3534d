"""A process's memory housekeeping: `gc_paused()`, the cyclic garbage collector off for one batch of a stage,
and `return_free_memory()`, glibc's free memory given back to the system.

The entity and number stages make many short-lived objects and no reference cycles; the collections those
allocations set off walk every live object of the process (the batch's tokens among them), which cost 3-10% of
each stage (measured). Only the call that paused the collector turns it back on, so nesting is harmless.

The switch is process-wide, so it is thrown only in a process's main thread: there a transform runs alone (a
worker process of the process runner, a benchmark, a direct call). Under the thread runner the transforms run in
pool threads beside the flow's own thread, and two workers pausing in turn kept the collector off nearly all the
time: the flow thread's cyclic garbage (the gate's pandas frames, Great Expectations) then piled up, 120 MB of
pages peaked 150-200 MB higher (benchmarks/bench_memory.py --mb 120, thread runner, two runs each way).
"""
from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    paused = gc.isenabled() and threading.current_thread() is threading.main_thread()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _libc_malloc_trim():
    try:
        import ctypes
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):      # not glibc (macOS, musl): nothing to do
        return None


_MALLOC_TRIM = _libc_malloc_trim()


def return_free_memory() -> int:
    """Give the memory glibc's allocator holds free back to the system (`malloc_trim(0)`, every arena: the
    transform threads' too). A publish unit frees tens of MB of rows and buffers; glibc keeps most of them
    (its heaps only shrink from the top), so without this the process's RSS ratchets up to its highest unit
    and stays there. Returns 1 if memory was released, 0 if not, -1 where there is no glibc."""
    return int(_MALLOC_TRIM(0)) if _MALLOC_TRIM is not None else -1
