"""The flow's process does not import what it does not run (memory: rjieba's dictionary, the entity code, Great
Expectations and pandas are hundreds of MB it would hold for the whole run)."""
from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def test_the_flows_process_imports_no_tokenizer_nor_great_expectations():
    """With worker processes the flow's process runs no transform and no validation (expectations/
    validator_process.py): importing the flow, the gate and the audit's unit conversion must not load rjieba
    (its dictionary), the entity code, Great Expectations or pandas."""
    code = ("import sys, flows.pipeline, expectations.gate, expectations.validator_process\n"
            "from transforms.metrics import to_base; to_base(1.0, '亿元')\n"
            "print(sorted(m for m in ('rjieba', 'transforms.entities', 'transforms.segment', 'great_expectations',"
            " 'pandas') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         check=True).stdout.strip()
    assert out == "[]"


_ALLOCATOR_KEYS = ("MALLOC_MMAP_THRESHOLD_", "ARROW_DEFAULT_MEMORY_POOL", "_RJEM_MALLOC_CONF")


def test_importing_the_command_line_sets_no_allocator():
    """Spawned workers import flows/cli.py again (as __mp_main__): the allocator settings are made by `main`,
    for the command's own process, not at import, where a worker would set them for itself."""
    code = ("import os, flows.cli\n"
            f"print(sorted(k for k in {_ALLOCATOR_KEYS!r} + ('ZHNEWS_ALLOCATOR_ENV',) if k in os.environ))")
    env = {k: v for k, v in __import__("os").environ.items() if k not in _ALLOCATOR_KEYS + ("ZHNEWS_ALLOCATOR_ENV",)}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120, check=True).stdout.strip()
    assert out == "[]"


def test_process_workers_start_without_the_run_process_allocator_settings():
    """The allocator settings (flows/allocators.py) are for the run's process: the process runner's workers
    start without the ones the command line set, get a setting the user's environment had, and the run's
    process has them all back when the runner ends."""
    import json
    import os

    code = (
        "import json, os\n"
        "from flows import allocators\n"
        "from flows.runners import build_task_runner\n"
        "allocators.use_in_this_process()\n"
        f"keys = {_ALLOCATOR_KEYS!r}\n"
        "with build_task_runner('process', 1, None) as runner:\n"
        "    worker = {k: runner._executor.submit(os.getenv, k).result(timeout=300) for k in keys}\n"
        "print(json.dumps({'worker': worker, 'after': {k: os.environ.get(k) for k in keys}}))\n")
    env = {k: v for k, v in os.environ.items() if k not in _ALLOCATOR_KEYS + ("ZHNEWS_ALLOCATOR_ENV",)}
    env["ARROW_DEFAULT_MEMORY_POOL"] = "jemalloc"          # the user's: it wins, everywhere
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["worker"] == {"MALLOC_MMAP_THRESHOLD_": None, "ARROW_DEFAULT_MEMORY_POOL": "jemalloc",
                             "_RJEM_MALLOC_CONF": None}
    assert got["after"]["MALLOC_MMAP_THRESHOLD_"] == "1048576"
    assert got["after"]["ARROW_DEFAULT_MEMORY_POOL"] == "jemalloc"
    assert got["after"]["_RJEM_MALLOC_CONF"].endswith("dirty_decay_ms:0,muzzy_decay_ms:0")


def _live_batch_frames(monkeypatch):
    """Weak references to every BatchFrames the flow's process makes (built on a thread, or unpickled from a
    worker process: pickle finds the class by its name in flows.pipeline)."""
    import weakref

    from flows import pipeline

    refs = []

    class Tracked(pipeline.BatchFrames):
        def __init__(self, *a, **kw):
            super().__init__(*a, **kw)
            refs.append(weakref.ref(self))

        def __reduce__(self):
            return (pipeline.BatchFrames, super().__reduce__()[1])

    monkeypatch.setattr(pipeline, "BatchFrames", Tracked)
    return lambda: sum(r() is not None for r in refs), refs


def test_a_transform_batch_is_let_go_once_drained_without_a_garbage_collection(prefect_harness, tmp_path,
                                                                                 monkeypatch):
    """Prefect's futures form reference cycles: without `unlink_when_done` a drained batch's future (and its
    result: on worker processes the pickled frames, ~15 MB a batch) lived until a full garbage collection, and
    the flow's process grew by a unit's worth per unit. With the collector off for the whole run, at every
    publish unit no more batches may be alive than are in flight, and none once the run is over."""
    import gc

    from conftest import SEEDS, run_flow
    from flows import pipeline

    live, refs = _live_batch_frames(monkeypatch)
    at_units = []
    free = pipeline.return_free_memory
    monkeypatch.setattr(pipeline, "return_free_memory", lambda: (at_units.append(live()), free())[1])
    gc.collect()
    gc.disable()
    try:
        summary = run_flow([SEEDS], tmp_path / "wh" / "z.duckdb", workers=1, batch_mb=0.001, publish_batches=1,
                           use_cache=False)
        after = live()
    finally:
        gc.enable()
    assert summary.status == "published" and len(refs) >= 4 and len(at_units) >= 4
    assert max(at_units) <= 2, at_units         # workers + 1 in flight
    assert after == 0



def _frames_of(n: int):
    import polars as pl

    from flows.pipeline import BatchFrames
    return BatchFrames({"articles": pl.DataFrame({"n": list(range(n)), "text": ["一段新闻文字"] * n})})


_COUNT_LIVE: list = []        # how the flow below counts live frames (not a parameter: the run's context,
                              # parameters included, is pickled to the worker, and weak references are not)


def _drain(batches: int) -> tuple[int, int]:
    """The flow of the test below (module level: a worker process unpickles the run's context, this flow in it,
    by name)."""
    import concurrent.futures
    import gc

    from prefect import task
    from prefect.cache_policies import NO_CACHE

    from flows.pipeline import unlink_when_done

    frames_task = task(_frames_of, name="frames", cache_policy=NO_CACHE, persist_result=False)
    for n in range(batches):
        future = frames_task.submit(1000 + n)
        unlink_when_done(future)
        frames = future.result().take()
        assert len(frames["articles"]) == 1000 + n
        del future, frames
    held = sum(type(vars(o).get("_result")) is bytes for o in gc.get_objects()
               if isinstance(o, concurrent.futures.Future))
    return _COUNT_LIVE[0](), held


def test_a_worker_processs_result_is_freed_when_the_flow_drops_its_future(prefect_harness, monkeypatch):
    """The process pool's futures (Prefect's chain over the pool's own) hold a task's pickled result; once the
    flow has taken a result and dropped the future, nothing of it may stay alive, with no garbage collection:
    neither the frames object nor the pickled bytes."""
    import gc

    from prefect import flow

    from flows.runners import build_task_runner

    live, refs = _live_batch_frames(monkeypatch)
    monkeypatch.setattr(sys.modules[__name__], "_COUNT_LIVE", [live])
    drain = flow(_drain, name="drain", task_runner=build_task_runner("process", 1, None))
    gc.collect()
    gc.disable()
    try:
        alive, held = drain(4)
    finally:
        gc.enable()
    assert len(refs) >= 4
    assert (alive, held) == (0, 0)
