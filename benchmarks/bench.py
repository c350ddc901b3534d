"""`zhnews bench`: end-to-end throughput of the real flow, against two references measured in the same run.

1. Pages: N MB built from ../shared/corpus (benchmarks/pages.py), or an existing folder (--input); on a fresh
   clone without ../shared, from the repository's seeds (it says so).
2. zhnews: the real Prefect flow end to end into a temporary warehouse; wall time, MB/s, time per stage,
   peak memory (RSS of this process and its children).
3. Near-limit reference: `rjieba.tag` alone over the same text on all cores (threads; rjieba releases the
   GIL), the inherent cost of POS-tagged segmentation.
4. Naive reference: the afternoon version — jieba.posseg + a regex for numbers + a pandas frame + row-by-row
   DuckDB inserts — on a slice of the text, extrapolated as MB/s.
Prints the ratios of zhnews to both. Numbers are measurements of this machine at this moment; nothing here
is asserted by tests.
"""
from __future__ import annotations

import logging
import os
import re
import resource
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

NAIVE_SLICE_BYTES = 300_000


def _peak_rss_mb() -> float:
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(self_kb, child_kb) / 1024


def _read_texts(folder: Path) -> list[str]:
    return [p.read_text(encoding="utf-8", errors="replace") for p in sorted(folder.rglob("*")) if p.is_file()]


def rjieba_limit(texts: list[str], workers: int) -> float:
    import rjieba
    rjieba.tag("预热")
    nbytes = sum(len(t.encode("utf-8")) for t in texts)
    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for _ in pool.map(rjieba.tag, texts, chunksize=16):
            pass
    return nbytes / 1e6 / (time.perf_counter() - t0)


def naive_loop(texts: list[str], slice_bytes: int = NAIVE_SLICE_BYTES) -> float:
    """What a data engineer writes first: posseg per article, a regex, pandas, one INSERT per row."""
    import duckdb
    import jieba
    import jieba.posseg as pseg
    import pandas as pd
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    sample, size = [], 0
    for t in texts:
        sample.append(t)
        size += len(t.encode("utf-8"))
        if size >= slice_bytes:
            break
    number = re.compile(r"(\d+(?:\.\d+)?)(万|亿)?(元|人|个|平方米|吨|%)")
    con = duckdb.connect()
    con.execute("CREATE TABLE ents (doc INTEGER, word VARCHAR, tag VARCHAR)")
    con.execute("CREATE TABLE nums (doc INTEGER, surface VARCHAR, value DOUBLE)")
    t0 = time.perf_counter()
    for i, text in enumerate(sample):
        words = [(w, f) for w, f in pseg.cut(text)]
        ents = pd.DataFrame([(i, w, f) for w, f in words if f in ("nr", "ns", "nt")], columns=["doc", "word", "tag"])
        nums = pd.DataFrame([(i, m.group(0), float(m.group(1))) for m in number.finditer(text)],
                            columns=["doc", "surface", "value"])
        for row in ents.itertuples(index=False):
            con.execute("INSERT INTO ents VALUES (?, ?, ?)", list(row))
        for row in nums.itertuples(index=False):
            con.execute("INSERT INTO nums VALUES (?, ?, ?)", list(row))
    seconds = time.perf_counter() - t0
    con.close()
    return size / 1e6 / seconds


def run_zhnews(folder: Path, warehouse: Path, workers: int, task_runner: str) -> tuple[float, object]:
    """The flow as `zhnews run` starts it: the temporary Prefect server first, booting while Prefect and the
    transforms are imported (so the wall time counts those imports too), stopped after the timing, at exit."""
    import atexit

    from flows.server import start_temporary_server
    t0 = time.perf_counter()
    server = start_temporary_server()
    if server is not None:
        atexit.register(server.stop)
    from flows.runners import build_task_runner
    from flows.pipeline import prewarm, zhnews_run
    from flows.settings import Settings
    flow = zhnews_run.with_options(task_runner=build_task_runner(task_runner, workers, None))
    prewarm()
    if server is not None:
        server.wait_ready(float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")))
    # a page cache of its own (empty), so every page is transformed and its cache record written, as on a
    # first run; the user's cache in Prefect's storage would serve pages benchmarked before
    summary = flow(settings=Settings(inputs=[str(folder)], warehouse=str(warehouse), task_runner=task_runner,
                                     workers=workers, cache_dir=str(warehouse.parent / "page-cache")))
    t1 = time.perf_counter()
    summary.prefect_before = summary.clock[0] - t0     # imports, temporary server start, flow run creation
    summary.prefect_after = t1 - summary.clock[1]      # flow run end, task runner (worker pool) shutdown
    return t1 - t0, summary


def main(args) -> int:
    workers = args.workers or os.cpu_count() or 2
    tmp = Path(tempfile.mkdtemp(prefix="zhnews-bench-"))
    try:
        if args.input:
            folder = Path(args.input)
        else:
            from benchmarks.pages import build_pages_or_seeds
            folder = tmp / "pages"
            files, nbytes, source = build_pages_or_seeds(folder, args.mb, args.corpus)
            print(f"built {files} pages, {nbytes / 1e6:.1f} MB from {source}", flush=True)
        texts = _read_texts(folder)
        total_mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
        task_runner = getattr(args, "task_runner", None) or "process"
        wall, summary = run_zhnews(folder, tmp / "wh" / "bench.duckdb", workers, task_runner)
        peak = _peak_rss_mb()
        own = resource.getrusage(resource.RUSAGE_SELF)
        ended = resource.getrusage(resource.RUSAGE_CHILDREN)
        limit = rjieba_limit(texts, workers)
        naive = naive_loop(texts)
        e2e = total_mb / wall
        print(f"\nzhnews end to end: {total_mb:.1f} MB in {wall:.1f} s = {e2e:.2f} MB/s "
              f"({task_runner} runner, {workers} workers); peak RSS {peak:.0f} MB")
        print(f"  CPU seconds (user + sys) until the flow ended: this process {own.ru_utime + own.ru_stime:.1f} (the "
              f"flow: stage, validate, publish), its ended children {ended.ru_utime + ended.ru_stime:.1f} (transform "
              f"workers, the validator)")
        print(f"  files loaded {summary.files_loaded}, articles {summary.articles}, mentions {summary.mentions}, "
              f"metrics {summary.metrics}; pages transformed {summary.pages_transformed}, from cache {summary.pages_cached}")
        stages = dict(summary.stage_seconds)
        stages["prefect: imports, server start, flow run start"] = summary.prefect_before
        stages["prefect: flow run end, worker shutdown"] = summary.prefect_after
        work = sum(stages.values())
        print(f"\n{'stage':<40}{'seconds':>9}{'share':>7}   (transform stages are summed over workers)")
        for name, sec in sorted(stages.items(), key=lambda kv: -kv[1]):
            print(f"{name:<40}{sec:>9.2f}{sec / work:>7.0%}")
        print(f"{'total stage seconds':<40}{work:>9.2f}   vs {wall:.2f} s wall")
        from expectations import runner as dq
        print("validation parts (s): " + ", ".join(f"{k} {v:.2f}" for k, v in dq.LAST_SECONDS.items()))
        checked = stages.get("validation", 0.0) + stages.get("validation_setup", 0.0)
        print(f"validation (audit SQL + Great Expectations, in the flow's process): {checked:.2f} s = "
              f"{checked / wall:.1%} of the wall time")
        print(f"\nnear-limit rjieba.tag on {workers} threads: {limit:.2f} MB/s -> zhnews is {e2e / limit:.0%} of it")
        print(f"naive loop (posseg+regex+pandas+DuckDB insert, {NAIVE_SLICE_BYTES / 1e6:.1f} MB slice): "
              f"{naive:.3f} MB/s -> zhnews is {e2e / naive:.0f}x")
        flow_only = wall - summary.prefect_before
        fr = total_mb / flow_only
        print(f"\nwithout the temporary server's start (a scheduled run of `zhnews serve`, or any run with a "
              f"long-lived Prefect server): {flow_only:.1f} s = {fr:.2f} MB/s -> {fr / limit:.0%} of rjieba.tag, "
              f"{fr / naive:.0f}x the naive loop")
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
