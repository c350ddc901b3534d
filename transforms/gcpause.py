"""`gc_paused()`: the cyclic garbage collector off for one batch of a stage.

The entity and number stages make many short-lived objects and no reference cycles; the collections those
allocations set off walk every live object of the process (the batch's tokens among them), which cost 3-10% of
each stage (measured). Only the call that paused the collector turns it back on, so nesting is harmless.
"""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()
