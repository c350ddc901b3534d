"""Operations: the Dask task runner (2 workers on a LocalCluster) gives exactly the tables of the default
thread runner; the served deployment carries its cron schedule; progress and summary plumbing."""
from __future__ import annotations

import io
from pathlib import Path

import polars as pl
import pytest

from conftest import N_SEEDS, run_flow
from ops_snapshot import snapshot


@pytest.mark.slow
def test_dask_two_workers_equal_thread_runner(seed_run, tmp_path):
    inputs = seed_run["inputs"]
    thread = tmp_path / "thread.duckdb"
    dask = tmp_path / "dask.duckdb"
    a = run_flow([inputs], thread, use_cache=False)
    b = run_flow([inputs], dask, task_runner="dask", workers=2, use_cache=False)
    assert a.status == b.status == "published"
    assert b.pages_transformed == N_SEEDS and b.pages_cached == 0          # really computed on the workers
    assert snapshot(dask) == snapshot(thread)
    assert snapshot(dask) == snapshot(seed_run["warehouse"])


def test_serve_builds_a_cron_deployment(tmp_path):
    from flows.pipeline import build_deployment
    from flows.settings import Settings
    dep = build_deployment("15 6 * * *", Settings(inputs=["seeds"], warehouse=str(tmp_path / "z.duckdb")))
    assert dep.name == "zhnews-scheduled"
    crons = [s.schedule.cron for s in dep.schedules]
    assert crons == ["15 6 * * *"]
    served = Settings.of(dep.parameters["settings"])        # JSON, as a served run receives it
    assert served.warehouse == str((tmp_path / "z.duckdb").resolve())
    assert served.inputs[0].endswith("/seeds") and Path(served.inputs[0]).is_absolute()
    assert served.task_runner == "thread"
    with pytest.raises(ValueError):
        build_deployment("not a cron", Settings(inputs=["seeds"], warehouse=str(tmp_path / "z.duckdb")))


class _Stream(io.StringIO):
    def __init__(self, tty: bool):
        super().__init__()
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


def test_progress_is_quiet_off_a_terminal_and_informative_on_one():
    from flows.progress import Progress
    quiet = _Stream(tty=False)
    p = Progress(total_bytes=4_000_000, total_files=4, stream=quiet)
    p.advance(2, 2_000_000)
    p.close()
    assert quiet.getvalue() == ""
    tty = _Stream(tty=True)
    p = Progress(total_bytes=4_000_000, total_files=4, stream=tty)
    p.advance(4, 4_000_000)
    p.close()
    out = tty.getvalue()
    assert out.startswith("\r4/4 files, 4.000/4.000 MB") and "MB/s" in out and "left" in out
    logged = _Stream(tty=False)
    Progress(total_bytes=10, total_files=1, enabled=True, stream=logged).advance(1, 10)
    assert logged.getvalue().startswith("progress: 1/1 files")


def test_summary_lists_are_capped():
    from flows.pipeline import RunSummary
    s = RunSummary(run_id="x")
    s.rejected += [("p", "r")] * 500
    for i in range(500):
        s.failed_checks.append(str(i))
    assert len(s.rejected) == 50 and s.rejected.dropped == 450 and len(s.failed_checks) == 50
    import pickle
    back = pickle.loads(pickle.dumps(s))
    assert back.rejected.dropped == 450 and len(back.rejected) == 50


def _seed_pages(seed_run):
    from transforms.ingest import decode, source_id
    from transforms.stages import PageInput
    pages = []
    for p in sorted(seed_run["inputs"].glob("*.txt")):
        raw = p.read_bytes()
        pages.append(PageInput(source_id(raw), str(p), decode(raw).text))
    return pages


def _same(a, b) -> bool:
    if a.is_empty() or b.is_empty():
        return a.is_empty() and b.is_empty()
    return a.select(sorted(a.columns)).sort(pl.all()).equals(b.select(sorted(a.columns)).sort(pl.all()))


def test_cache_gives_back_any_subset_of_a_batch_as_if_transformed_alone(seed_run, tmp_path):
    from flows.cache import PageCache
    from transforms.stages import transform_pages
    pages = _seed_pages(seed_run)
    cache = PageCache(str(tmp_path / "cache"))
    cache.put_batch({p.source_id: f"key-{i}" for i, p in enumerate(pages)}, transform_pages(pages))
    subset = [pages[0], pages[3]]
    found, frames = cache.get_pages({p.source_id: f"key-{pages.index(p)}" for p in subset} | {"nope": "key-x"})
    assert found == {p.source_id for p in subset}
    alone = transform_pages(subset)
    for name, frame in alone.items():
        assert _same(frames[name], frame), name


def test_a_workers_batch_is_written_once_for_the_cache_and_for_the_trip_to_the_flow(seed_run, tmp_path,
                                                                                   monkeypatch):
    """In a worker process the transform task writes each frame once, as the cache record's buffer, and the
    result travels to the flow as those same buffers: the flow takes the very frames the batch made (every
    table, schemas included), and the cache serves them as before."""
    import multiprocessing
    import pickle

    from flows import cache as cache_mod
    from flows import pipeline
    from transforms.stages import transform_pages
    pages = _seed_pages(seed_run)
    keys = [f"key-{i}" for i in range(len(pages))]
    writes = []
    ipc_bytes = cache_mod.ipc_bytes
    monkeypatch.setattr(cache_mod, "ipc_bytes", lambda frame, *a, **k: writes.append(1) or ipc_bytes(frame, *a, **k))
    monkeypatch.setattr(multiprocessing, "parent_process", lambda: object())      # as in a worker process
    result = pipeline.transform_batch.fn(pages, keys, str(tmp_path / "cache"))
    wire = pickle.dumps(result["frames"])             # what the process pool sends the flow
    made = transform_pages(pages)
    assert len(writes) == len(made)                   # once per frame (it was twice: cache record, then result)
    taken = pickle.loads(wire).take()
    assert list(taken) == list(made)
    for name, frame in made.items():
        assert taken[name].schema == frame.schema and taken[name].equals(frame), name
    found, cached = cache_mod.PageCache(str(tmp_path / "cache")).get_pages(
        {p.source_id: k for p, k in zip(pages, keys)})
    assert found == {p.source_id for p in pages}
    for name, frame in cached.items():
        assert _same(frame, made[name]), name


def test_damaged_cache_record_is_a_miss_not_an_error(seed_run, tmp_path):
    from flows.cache import RECORD_PREFIX, PageCache
    from transforms.stages import transform_pages
    pages = _seed_pages(seed_run)[:2]
    cache = PageCache(str(tmp_path / "cache"))
    keys = {p.source_id: f"key-{i}" for i, p in enumerate(pages)}
    cache.put_batch(keys, transform_pages(pages))
    (record,) = [p for p in (tmp_path / "cache").iterdir() if p.name.startswith(RECORD_PREFIX)]
    record.write_bytes(record.read_bytes()[:100])          # a writer killed half way
    assert cache.get_pages(keys) == (set(), None)
    (tmp_path / "cache" / "key-0").write_bytes(b"\xff\xfe")   # a garbled pointer
    assert cache.get_pages(keys) == (set(), None)


@pytest.mark.slow
def test_process_workers_use_the_runs_temporary_prefect_server(seed_run, tmp_path):
    """Without PREFECT_API_URL, a run starts one temporary Prefect server; its worker processes must report
    to it instead of each starting a server (and database) of its own. Two worker processes and tiny batches
    land exactly the tables of the default thread runner."""
    import os
    import subprocess
    import sys

    from conftest import ROOT, SEEDS
    env = dict(os.environ, PREFECT_HOME=str(tmp_path / "home"), PREFECT_LOGGING_LEVEL="INFO",
               PREFECT_SERVER_ANALYTICS_ENABLED="false")
    env.pop("PREFECT_API_URL", None)
    out = subprocess.run([sys.executable, "-m", "flows.cli", "run", "--input", str(SEEDS), "--warehouse",
                          str(tmp_path / "wh" / "z.duckdb"), "--task-runner", "process", "--workers", "2",
                          "--batch-mb", "0.005", "--no-cache", "--verbose"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    log = out.stdout + out.stderr
    assert out.returncode == 0, log[-2000:]
    assert f"{N_SEEDS} pages transformed" in log
    assert log.count("Starting temporary server") == 1, log[-3000:]
    content = lambda wh: {t: rows for t, rows in snapshot(wh).items() if t != "sources"}  # noqa: E731 (paths differ)
    assert content(tmp_path / "wh" / "z.duckdb") == content(seed_run["warehouse"])


def test_auto_task_runner_uses_processes_only_when_they_pay():
    from flows.cli import choose_task_runner
    mb = 1024 * 1024
    assert choose_task_runner("auto", 2, None, 30 * mb, 4 * mb) == "process"
    assert choose_task_runner("auto", 2, None, 100_000, 4 * mb) == "thread"      # the seeds: no spawn cost
    assert choose_task_runner("auto", 1, None, 30 * mb, 4 * mb) == "thread"
    assert choose_task_runner("auto", 2, "tcp://sched:8786", 1, 4 * mb) == "dask"
    assert choose_task_runner("thread", 2, None, 30 * mb, 4 * mb) == "thread"


def test_a_batch_done_in_pieces_gives_the_frames_of_one_piece(seed_run, monkeypatch):
    """transform_pages bounds its memory by transforming a batch CHUNK_CHARS at a time: the frames, row
    order included, are those of the whole batch at once."""
    import transforms.stages as tp
    pages = _seed_pages(seed_run)
    monkeypatch.setattr(tp, "CHUNK_CHARS", 10**9)
    whole = tp.transform_pages(pages)
    monkeypatch.setattr(tp, "CHUNK_CHARS", 1)                  # one page a piece
    assert len(tp._chunks(pages)) == len(pages) > 1
    pieces = tp.transform_pages(pages)
    assert whole.keys() == pieces.keys()
    for name in whole:
        assert whole[name].equals(pieces[name]), name
