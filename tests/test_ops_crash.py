"""Operations: SIGKILL in the middle of a run, concurrent runs, and one-line errors of `zhnews run`.

The killed run is a real `zhnews run` subprocess (its own temporary Prefect server, PREFECT_HOME in a temp
dir); it is killed with SIGKILL, with its whole process group, once at least one batch has published and
before the last. The next run must end with exactly the tables of an uninterrupted run.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import ROOT, SEEDS, run_flow
from ops_snapshot import query, seed_pages, snapshot

BATCH_MB = 0.02                # ~1-2 pages per batch: about 8 batches over 10 pages, each published alone


def _env(home: Path) -> dict:
    env = dict(os.environ)
    env.update(PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false", PREFECT_LOGGING_LEVEL="WARNING")
    env.pop("PREFECT_API_URL", None)
    return env


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "flows.cli", *args]


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    inputs = tmp_path_factory.mktemp("crash") / "in"
    seed_pages(SEEDS, inputs, gb18030_copies=True)
    return inputs


@pytest.mark.slow
def test_sigkill_mid_run_then_next_run_ends_like_an_uninterrupted_run(prefect_harness, pages, tmp_path):
    total = len(list(pages.glob("*.txt")))
    reference = tmp_path / "reference.duckdb"
    assert run_flow([pages], reference, batch_mb=BATCH_MB,
                    publish_batches=1).status == "published"

    wh = tmp_path / "killed" / "zhnews.duckdb"
    home = tmp_path / "prefect-home"
    args = _cli("run", "--input", str(pages), "--warehouse", str(wh), "--batch-mb", str(BATCH_MB),
                "--publish-batches", "1", "--progress")
    proc = subprocess.Popen(args, cwd=ROOT, env=_env(home), stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            text=True, start_new_session=True)
    watchdog = threading.Timer(600, lambda: os.killpg(proc.pid, signal.SIGKILL))
    watchdog.start()
    done, lines = 0, []
    try:
        for line in proc.stderr:
            lines.append(line)
            if line.startswith("progress: "):
                done = int(line.split()[1].split("/")[0])             # files transformed
                published = int(line.rsplit("; ", 1)[1].split()[0])   # files in the warehouse
                if published >= 1 and done < total:
                    os.killpg(proc.pid, signal.SIGKILL)          # the run and everything it started
                    break
    finally:
        watchdog.cancel()
        proc.wait()
    assert proc.returncode == -signal.SIGKILL, "".join(lines[-20:])
    loaded = query(wh, "SELECT count(*) FROM sources WHERE status = 'loaded'")[0][0]
    assert 1 <= loaded < total                                     # killed in the middle
    assert query(wh, "SELECT status FROM runs") == [("running",)]

    # every published page is whole: its articles all have their mentions' entities, none are half there
    assert query(wh, """SELECT count(*) FROM articles a LEFT JOIN sources s USING (source_id)
                        WHERE s.status IS DISTINCT FROM 'loaded'""") == [(0,)]

    again = subprocess.run(_cli("run", "--input", str(pages), "--warehouse", str(wh), "--batch-mb", str(BATCH_MB),
                                "--publish-batches", "1"),
                           cwd=ROOT, env=_env(home), capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr[-2000:]
    assert "recovered: 1 interrupted" in again.stdout
    assert snapshot(wh) == snapshot(reference)
    assert [r[0] for r in query(wh, "SELECT status FROM runs ORDER BY started_at")] == ["failed", "published"]
    assert query(wh, "SELECT count(*) FROM staging.articles") == [(0,)]


def test_second_concurrent_run_fails_fast_naming_the_lock(prefect_harness, pages, tmp_path):
    from warehouse.store import Warehouse, WarehouseLocked

    wh = tmp_path / "zhnews.duckdb"
    with Warehouse(wh).lock():
        t0 = time.perf_counter()
        out = subprocess.run(_cli("run", "--input", str(pages), "--warehouse", str(wh)), cwd=ROOT,
                             env=_env(tmp_path / "home"), capture_output=True, text=True, timeout=120)
        elapsed = time.perf_counter() - t0
        assert out.returncode == 1
        lines = out.stderr.strip().splitlines()
        assert len(lines) == 1 and str(wh) + ".lock" in lines[0] and "another zhnews run" in lines[0]
        assert elapsed < 30                    # no waiting (it is mostly interpreter start-up)
        with pytest.raises(WarehouseLocked, match="lock"):
            run_flow([pages], wh)              # the flow itself refuses too, whatever starts it


@pytest.mark.parametrize("case", ["missing_input", "warehouse_under_a_file", "warehouse_is_a_directory"])
def test_bad_paths_give_one_line_and_nonzero_exit(tmp_path, case):
    inputs, wh = str(SEEDS), str(tmp_path / "zhnews.duckdb")
    if case == "missing_input":
        inputs = str(tmp_path / "no-such-folder")
    elif case == "warehouse_under_a_file":
        (tmp_path / "afile").write_text("x")
        wh = str(tmp_path / "afile" / "zhnews.duckdb")
    else:
        (tmp_path / "adir.duckdb").mkdir()
        wh = str(tmp_path / "adir.duckdb")
    out = subprocess.run(_cli("run", "--input", inputs, "--warehouse", wh), cwd=ROOT,
                         env=_env(tmp_path / "home"), capture_output=True, text=True, timeout=120)
    assert out.returncode != 0
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("zhnews: ")
    assert (inputs if case == "missing_input" else wh) in lines[0]
