"""Task runners of a `zhnews run`: which one, and how each stops when the run is interrupted.

Prefect's thread and process pools wait, when their flow ends, for the tasks they are running; after Ctrl-C
that is a transform batch that cannot be stopped half way (several seconds for 4 MB). The two subclasses
here stop without waiting when the flow ends with an interrupt (or any BaseException that is not an
error): the thread pool drops its threads (daemon threads, so the process can exit without joining them),
the process pool terminates its workers first. An ordinary end, or an ordinary error, behaves exactly as
Prefect's.
"""
from __future__ import annotations

import os
import signal
import threading
import weakref
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import thread as _cf_thread

from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner

from flows import allocators


def _interrupted(exc_type) -> bool:
    return exc_type is not None and not issubclass(exc_type, Exception)


class DaemonThreadPoolExecutor(ThreadPoolExecutor):
    """A ThreadPoolExecutor whose threads do not hold up the interpreter's exit. The standard one joins its
    threads at exit, so an interrupted process waited for the transform batch in progress (seconds) before
    it could end. A finished run never notices: the flow waits for every future it submitted.
    `_adjust_thread_count` is CPython 3.11's (the project pins Python 3.11) with `daemon=True` and without
    the registration that `concurrent.futures.thread._python_exit` joins."""

    def _adjust_thread_count(self):
        if self._idle_semaphore.acquire(timeout=0):
            return

        def weakref_cb(_, q=self._work_queue):
            q.put(None)

        num_threads = len(self._threads)
        if num_threads < self._max_workers:
            t = threading.Thread(name=f"{self._thread_name_prefix or self}_{num_threads}", target=_cf_thread._worker,
                                 args=(weakref.ref(self, weakref_cb), self._work_queue, self._initializer,
                                       self._initargs), daemon=True)
            t.start()
            self._threads.add(t)


class ThreadRunner(ThreadPoolTaskRunner):
    def __enter__(self):
        super().__enter__()
        self._executor = DaemonThreadPoolExecutor(max_workers=self._max_workers,
                                                  initializer=self._register_worker_thread)
        return self

    def __exit__(self, exc_type, exc_value, traceback) -> None:
        if _interrupted(exc_type) and self._executor is not None:
            for event in list(self._cancel_events.values()):
                event.set()
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
        super().__exit__(exc_type, exc_value, traceback)


class _WorkersWithoutAllocatorSettings:
    """Mixin of the runners whose workers are processes: the allocator settings the command line made for the
    run's process (flows/allocators.py) are out of the environment while the runner is entered, so the
    workers it starts (at once or on the first tasks) keep their allocators' defaults."""

    def __enter__(self):
        self._allocators = allocators.kept_from_workers()
        self._allocators.__enter__()
        try:
            return super().__enter__()
        except BaseException:
            self._allocators.__exit__(None, None, None)
            raise

    def __exit__(self, exc_type, exc_value, traceback) -> None:
        try:
            super().__exit__(exc_type, exc_value, traceback)
        finally:
            self._allocators.__exit__(None, None, None)


class ProcessRunner(_WorkersWithoutAllocatorSettings, ProcessPoolTaskRunner):
    def __exit__(self, exc_type, exc_value, traceback) -> None:
        if _interrupted(exc_type) and self._executor is not None:
            import multiprocessing
            for child in multiprocessing.active_children():      # the pool's workers
                child.terminate()
        super().__exit__(exc_type, exc_value, traceback)


def init_worker() -> None:
    """Process-pool worker start: a lower CPU priority than the flow's process (the single writer, which
    stages, validates and publishes, and feeds the workers: when both cores are busy with transforms, it
    should not wait behind them), and SIGINT ignored (the flow's process ends the workers; see
    flows/interrupts.py, which also makes them start with SIGINT ignored)."""
    try:
        os.nice(5)
    except (AttributeError, OSError):
        pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def build_task_runner(name: str, workers: int, dask_address: str | None):
    if name == "thread":
        return ThreadRunner(max_workers=workers)
    if name == "process":
        return ProcessRunner(max_workers=workers, initializer=init_worker)
    if name == "dask":
        from prefect_dask import DaskTaskRunner
        if dask_address:
            return DaskTaskRunner(address=dask_address)
        runner = type("DaskRunner", (_WorkersWithoutAllocatorSettings, DaskTaskRunner), {})
        return runner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1,
                                      "processes": True, "dashboard_address": None})
    raise ValueError(f"unknown task runner {name!r}")
