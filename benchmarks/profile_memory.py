"""Where the memory of `zhnews run` goes: the run process's RSS before and after each step of the flow, and
DuckDB's own accounting (`duckdb_memory()`) after each publish unit.

Builds N MB of pages as benchmarks/bench_memory.py does, then runs `zhnews run` *in this process* (so the
steps can be wrapped), sampling the RSS every 50 ms. For each step (transform of a batch on a worker,
concatenating frames, staging, the audit frames, Great Expectations, publish) it prints how often it ran, the
highest RSS seen while it ran and the most it added; then DuckDB's buffer use by tag after the last unit.

    .venv/bin/python benchmarks/profile_memory.py --mb 30 [--duckdb-memory-limit 256MB] [--timeline FILE]

A profile, not a benchmark: the wrapping costs a little time, and the peak is the in-process run's (the
bench's `zhnews run` subprocess is the figure to quote).
"""
from __future__ import annotations

import argparse
import functools
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_memory import CORPUS, build_pages  # noqa: E402

PROC = psutil.Process()
STEPS: dict[str, dict] = {}
ACTIVE: dict[int, str] = {}              # thread id -> step it is in
TIMELINE: list[tuple[float, float, str]] = []
DUCK: list[list[tuple]] = []


def rss() -> float:
    return PROC.memory_info().rss / 1e6


def wrap(owner, name: str, label: str) -> None:
    fn = getattr(owner, name)

    @functools.wraps(fn)
    def wrapper(*a, **kw):
        tid = threading.get_ident()
        before, prev = rss(), ACTIVE.get(tid)
        ACTIVE[tid] = label
        st = STEPS.setdefault(label, {"n": 0, "peak": 0.0, "added": 0.0, "seconds": 0.0})
        t0 = time.perf_counter()
        try:
            return fn(*a, **kw)
        finally:
            after = rss()
            st["n"] += 1
            st["seconds"] += time.perf_counter() - t0
            st["peak"] = max(st["peak"], after)
            st["added"] = max(st["added"], after - before)
            if prev is None:
                ACTIVE.pop(tid, None)
            else:
                ACTIVE[tid] = prev
    setattr(owner, name, wrapper)


def sampler(stop: threading.Event, t0: float) -> None:
    while not stop.is_set():
        r = rss()
        steps = "+".join(sorted(set(ACTIVE.values()))) or "-"
        TIMELINE.append((time.perf_counter() - t0, r, steps))
        PEAKS_SINCE[0] = max(PEAKS_SINCE[0], r)
        for label in set(ACTIVE.values()):
            st = STEPS.get(label)
            if st is not None:
                st["peak"] = max(st["peak"], r)
        stop.wait(0.05)


LAST_PEAK = [0.0]


def unit_probe(pipeline, census: bool) -> dict:
    """What the flow's process holds after a publish unit."""
    import pyarrow as pa
    out = {"unit": len(PEAKS), "t": time.perf_counter() - T0[0], "rss": rss(), "peak": PEAKS_SINCE[0],
           "anon": _anon_mb()}
    PEAKS.append(PEAKS_SINCE[0])
    PEAKS_SINCE[0] = out["rss"]
    wh = WH[0]
    if wh is not None and wh._con is not None:
        out["duckdb"] = sum(r[0] for r in wh._con.execute("SELECT memory_usage_bytes FROM duckdb_memory()").fetchall()) / 1e6
        out["db_file"] = os.path.getsize(wh.path) / 1e6
    out["arrow"] = pa.total_allocated_bytes() / 1e6
    try:
        import tracemalloc
        if tracemalloc.is_tracing():
            out["py"] = tracemalloc.get_traced_memory()[0] / 1e6
    except ImportError:
        pass
    if census:
        import gc
        names = ("BatchFrames", "IngestedBatch", "PublishUnit", "GateResult", "DataFrame", "PrefectConcurrentFuture",
                 "PrefectFuture", "Future", "State", "TaskRun", "frozenset", "set", "dict")
        counts: dict[str, int] = {}
        big = 0
        for o in gc.get_objects():
            n = type(o).__name__
            if n in names:
                counts[n] = counts.get(n, 0) + 1
            if isinstance(o, (frozenset, set)) and len(o) > 1000:
                big += len(o)
        counts["items in sets >1000"] = big
        out["census"] = counts
    return out


def _anon_mb() -> float:
    try:
        for line in open("/proc/self/smaps_rollup"):
            if line.startswith("Anonymous:"):
                return int(line.split()[1]) / 1e3
    except OSError:
        pass
    return 0.0


PEAKS: list[float] = []
PEAKS_SINCE = [0.0]
T0 = [0.0]
WH: list = [None]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=30.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--task-runner", default="thread", choices=("thread", "process"),
                    help="process: the transforms run in pool workers, and the profile is of the flow's process "
                         "(the transform step is then not seen)")
    ap.add_argument("--duckdb-memory-limit", default=None)
    ap.add_argument("--timeline", default=None, help="write (seconds, RSS MB, steps) samples to this TSV file")
    ap.add_argument("--malloc-trim", action="store_true",
                    help="after each publish unit, ask glibc to return its free memory (malloc_trim) and report "
                         "how much that gave back: memory the allocator held, not the program")
    ap.add_argument("--tracemalloc", action="store_true", help="trace Python allocations (slow): their total per unit")
    ap.add_argument("--census", action="store_true", help="count the flow's live objects of a few types per unit")
    ap.add_argument("extra", nargs="*", help="more `zhnews run` options, after --")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix=f"zhnews-prof-{args.mb:g}-"))
    try:
        files, nbytes = build_pages(work / "pages", args.mb, CORPUS)
        os.environ.update(PREFECT_HOME=str(work / "prefect"), PREFECT_SERVER_ANALYTICS_ENABLED="false",
                          PREFECT_LOGGING_LEVEL="WARNING")
        from flows.cli import main as cli_main     # first: it sets the allocators before polars/pyarrow load
        from expectations import audit, gate, runner, validator_process
        from flows import cache, pipeline
        from warehouse import store

        if args.task_runner == "thread":      # a wrapper would not pickle to a pool worker
            wrap(pipeline, "transform_pages_timed", "transform (worker)")
        wrap(cache, "concat_pages", "concat frames")
        wrap(store.Warehouse, "stage", "stage")
        wrap(audit, "validation_frames", "audit frames")
        wrap(runner.Validator, "validate", "GX validate")
        wrap(audit.AuditFrames, "ipc", "audit frame as IPC")          # the flow's validator is a child process:
        wrap(validator_process.ValidatorProcess, "validate", "GX validate (child)")   # this process's share of it
        wrap(store.Warehouse, "publish", "publish")
        wrap(gate.Gate, "publish_unit", "gate (whole unit)")
        wrap(pipeline, "merge_batches", "merge batches")
        orig_publish = store.Warehouse.publish

        def publish_and_count(self, *a, **kw):
            WH[0] = self
            out = orig_publish(self, *a, **kw)
            DUCK.append(self.con.execute(
                "SELECT tag, memory_usage_bytes, temporary_storage_bytes FROM duckdb_memory() "
                "WHERE memory_usage_bytes > 0 OR temporary_storage_bytes > 0").fetchall())
            return out
        store.Warehouse.publish = publish_and_count
        trims: list[tuple[float, float]] = []
        if args.malloc_trim:
            import ctypes
            libc = ctypes.CDLL("libc.so.6")
            orig_unit = gate.Gate.publish_unit

            def unit_and_trim(self, *a, **kw):
                out = orig_unit(self, *a, **kw)
                before = rss()
                libc.malloc_trim(0)
                trims.append((before, rss()))
                return out
            gate.Gate.publish_unit = unit_and_trim
        units: list[dict] = []
        if args.tracemalloc:
            import tracemalloc
            tracemalloc.start()
        orig_free = pipeline.return_free_memory

        def after_unit():                   # the flow calls it once per publish unit, after the gate
            out = orig_free()
            units.append(unit_probe(pipeline, args.census))
            return out
        pipeline.return_free_memory = after_unit
        argv = ["run", "--input", str(work / "pages"), "--warehouse", str(work / "wh" / "zhnews.duckdb"),
                "--task-runner", args.task_runner, "--workers", str(args.workers), "--quiet", *args.extra]
        if args.duckdb_memory_limit:
            argv += ["--duckdb-memory-limit", args.duckdb_memory_limit]
        stop = threading.Event()
        t0 = time.perf_counter()
        T0[0] = t0
        th = threading.Thread(target=sampler, args=(stop, t0), daemon=True)
        th.start()
        cpu0 = time.process_time()
        code = cli_main(argv)
        stop.set()
        th.join()
        print(f"{args.mb:g} MB, {files} files: exit {code}, {time.perf_counter() - t0:.1f} s, "
              f"CPU {time.process_time() - cpu0:.1f} s, peak RSS {max(r for _, r, _ in TIMELINE):.0f} MB")
        print(f"{'step':<22}{'runs':>6}{'seconds':>10}{'peak RSS MB':>13}{'most added MB':>15}")
        for label, st in STEPS.items():
            print(f"{label:<22}{st['n']:>6}{st['seconds']:>10.1f}{st['peak']:>13.0f}{st['added']:>15.0f}")
        if DUCK:
            print("DuckDB duckdb_memory() after each publish (MB, tags above 1 MB):")
            for i, rows in enumerate(DUCK, 1):
                print(f"  unit {i}: " + ", ".join(f"{t} {m / 1e6:.0f}" + (f" (+{s / 1e6:.0f} on disk)" if s else "")
                                                 for t, m, s in rows if m + s > 1e6))
        for i, (before, after) in enumerate(trims, 1):
            print(f"  unit {i}: RSS {before:.0f} MB after the unit, {after:.0f} MB after malloc_trim")
        if units:
            print("per publish unit, after the unit and malloc_trim (MB; peak = highest RSS sampled since the "
                  "previous unit's end; duckdb = duckdb_memory() in use; arrow = pyarrow's allocated bytes; "
                  "py = tracemalloc's current, with --tracemalloc):")
            keys = [k for k in units[0] if k not in ("census",)]
            print("  " + "  ".join(f"{k:>9}" for k in keys))
            for u in units:
                print("  " + "  ".join(f"{u[k]:>9.0f}" if isinstance(u[k], float) else f"{u[k]!s:>9}"
                                       for k in keys) + (f"  {u['census']}" if u.get("census") else ""))
        if args.timeline:
            with open(args.timeline, "w") as fh:
                fh.writelines(f"{t:.2f}\t{r:.0f}\t{s}\n" for t, r, s in TIMELINE)
        return code
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
