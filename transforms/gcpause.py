"""`gc_paused()`: the cyclic garbage collector off for one batch of a stage.

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
