"""Peak memory of `zhnews run` on N MB of pages: does it stay flat as the input folder grows?

Builds pages (headline, blank line, paragraphs) from ../shared/corpus/xwlb_articles.jsonl.gz into a temp
folder (cycling through the corpus with a numbered edition line when more MB are asked than it holds, so
every page has its own bytes; on a fresh clone without ../shared, from the repository's seeds, and it says
so), runs `python -m flows.cli run` on it in a fresh warehouse and PREFECT_HOME,
and samples the RSS of the run process and of its whole process tree (Prefect server, pool workers) every
0.2 s, and the peak of each of its child processes (the largest one is printed with what it is: the GX
validator, a pool worker, the Prefect server). Prints one line per size, the largest process of each, and the
ratio of the peaks.

    .venv/bin/python benchmarks/bench_memory.py --mb 30 120 [--task-runner thread] [--workers 2] [--tree DIR] [-- RUN OPTIONS]

Also prints the CPU seconds of the run (its process and the children it waited for: a shared machine's load
stretches the wall time, much less the CPU time). `--tree DIR` runs another checkout's code (A/B runs with
one script).
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "xwlb_articles.jsonl.gz"


def build_pages(dest: Path, mb: float, corpus: Path = CORPUS) -> tuple[int, int]:
    dest.mkdir(parents=True, exist_ok=True)
    target, written, n, edition = int(mb * 1e6), 0, 0, 0
    while written < target:
        edition += 1
        with gzip.open(corpus, "rt", encoding="utf-8") as fh:
            for line in fh:
                art = json.loads(line)
                paras = [p.strip() for p in art["text"].split("\n") if p.strip()]
                if not paras or not art.get("title"):
                    continue
                head = art["title"].strip()
                if edition > 1:
                    head = f"{head}\n第{edition}版"
                raw = (head + "\n\n" + "\n\n".join(paras) + "\n").encode("utf-8")
                n += 1
                sub = dest / f"{n // 1000:04d}"
                sub.mkdir(exist_ok=True)
                (sub / f"{n:07d}.txt").write_bytes(raw)
                written += len(raw)
                if written >= target:
                    break
    return n, written


def measure(mb: float, args) -> dict:
    work = Path(tempfile.mkdtemp(prefix=f"zhnews-mem-{mb:g}-"))
    try:
        if Path(args.corpus).is_file():
            files, nbytes = build_pages(work / "pages", mb, Path(args.corpus))
        else:
            from benchmarks.pages import build_pages_from_seeds
            files, nbytes = build_pages_from_seeds(work / "pages", mb)
            print(f"pages from the repository's seeds/ ({args.corpus} not found: a fresh clone without ../shared)",
                  flush=True)
        env = dict(os.environ, PREFECT_HOME=str(work / "prefect"), PREFECT_SERVER_ANALYTICS_ENABLED="false",
                   PREFECT_LOGGING_LEVEL="WARNING")
        cmd = [sys.executable, "-m", "flows.cli", "run", "--input", str(work / "pages"),
               "--warehouse", str(work / "wh" / "zhnews.duckdb"), "--task-runner", args.task_runner,
               "--workers", str(args.workers), "--quiet", *args.run_args]
        t0 = time.perf_counter()
        cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        proc = subprocess.Popen(cmd, cwd=args.tree or ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        ps = psutil.Process(proc.pid)
        peak_main = peak_tree = 0
        peaks: dict[int, tuple[int, str]] = {}          # pid -> (peak RSS, what it is)
        while proc.poll() is None:
            try:
                main = ps.memory_info().rss
                tree = main
                for c in ps.children(recursive=True):
                    try:
                        r = c.memory_info().rss
                    except psutil.Error:
                        continue
                    tree += r
                    if r > peaks.get(c.pid, (0, ""))[0]:
                        peaks[c.pid] = (r, _what(c))      # asked again: a process names itself after it starts
            except psutil.Error:
                break
            peak_main, peak_tree = max(peak_main, main), max(peak_tree, tree)
            time.sleep(0.2)
        child_peak, child_what = max(peaks.values(), default=(0, "-"))
        out, err = proc.communicate()
        seconds = time.perf_counter() - t0
        cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = cpu1.ru_utime + cpu1.ru_stime - cpu0.ru_utime - cpu0.ru_stime
        if proc.returncode != 0:
            raise SystemExit(f"run on {mb} MB failed: {err.strip().splitlines()[-1:]}")
        cache = sum(p.stat().st_size for p in (work / "prefect").rglob("*") if p.is_file())
        return {"mb": mb, "files": files, "bytes": nbytes, "seconds": seconds, "cpu": cpu, "peak_main_mb": peak_main / 1e6,
                "peak_tree_mb": peak_tree / 1e6, "prefect_home_mb": cache / 1e6,
                "peak_child_mb": child_peak / 1e6, "child": child_what,
                "summary": out.strip().splitlines()[-1]}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _what(p: psutil.Process) -> str:
    """A short name for a child process: the validator, a pool worker, the Prefect server, ..."""
    try:
        comm, cmd = p.name(), " ".join(p.cmdline())
    except psutil.Error:
        return "?"
    if comm == "zhnews-gx":                 # expectations/validator_process.py names its process so
        return "GX validator"
    if "prefect" in cmd and "server" in cmd:
        return "Prefect server"
    if "spawn_main" in cmd:
        return "pool worker"
    return cmd[:60]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--mb", type=float, nargs="+", default=[30.0, 120.0])
    p.add_argument("--task-runner", default="thread")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--tree", default=None, help="run this checkout's code (default: this one)")
    p.add_argument("--corpus", default=str(CORPUS), help="news corpus (JSONL.gz); the seeds when it is missing")
    p.add_argument("run_args", nargs="*", help="more `zhnews run` options, after -- (e.g. -- --duckdb-memory-limit 128MB)")
    args = p.parse_args()
    results = []
    for mb in args.mb:
        r = measure(mb, args)
        results.append(r)
        print(f"{r['mb']:>6g} MB  {r['files']:>6} files  {r['seconds']:7.1f} s (CPU {r['cpu']:6.1f} s)  peak RSS run process "
              f"{r['peak_main_mb']:7.1f} MB  largest child {r['peak_child_mb']:7.1f} MB ({r['child']})  "
              f"whole tree {r['peak_tree_mb']:7.1f} MB  "
              f"PREFECT_HOME {r['prefect_home_mb']:7.1f} MB  | {r['summary']}", flush=True)
    for r in results:
        largest = max(r["peak_main_mb"], r["peak_child_mb"])
        print(f"{r['mb']:>6g} MB: largest process {largest:7.1f} MB "
              f"({'run process' if largest == r['peak_main_mb'] else r['child']})")
    if len(results) > 1:
        lo, hi = results[0], results[-1]
        big = [max(r["peak_main_mb"], r["peak_child_mb"]) for r in (lo, hi)]
        print(f"peak ratio {hi['mb']:g} MB / {lo['mb']:g} MB: run process {hi['peak_main_mb'] / lo['peak_main_mb']:.2f}x, "
              f"largest process {big[1] / big[0]:.2f}x, tree {hi['peak_tree_mb'] / lo['peak_tree_mb']:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
