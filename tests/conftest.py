"""Shared fixtures: an isolated Prefect home and test server, and one real flow run over seeds/."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from warehouse.contract import PAGE_TABLE_NAMES

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
N_SEEDS = sum(1 for p in SEEDS.rglob("*") if p.is_file() and p.suffix == ".txt")   # the seed pages

_home = tempfile.mkdtemp(prefix="zhnews-prefect-")
os.environ["PREFECT_HOME"] = _home
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness
    with prefect_test_harness(server_startup_timeout=120):
        yield


def run_flow(inputs, warehouse, **kwargs):
    """One real flow run (thread runner unless told otherwise)."""
    from flows.runners import build_task_runner
    from flows.pipeline import zhnews_run
    runner = kwargs.pop("task_runner", "thread")
    workers = kwargs.pop("workers", 2)
    flow = zhnews_run.with_options(task_runner=build_task_runner(runner, workers, None))
    return flow(inputs=[str(p) for p in inputs], warehouse=str(warehouse), task_runner_name=runner,
                max_in_flight=workers + 1, **kwargs)


def table_counts(warehouse) -> dict[str, int]:
    import duckdb
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in PAGE_TABLE_NAMES}
    finally:
        con.close()


@pytest.fixture(scope="session")
def seed_run(prefect_harness, tmp_path_factory):
    """The seeds run twice into a fresh warehouse: (warehouse path, first summary, second summary, counts)."""
    base = tmp_path_factory.mktemp("seedrun")
    inputs = base / "in"
    shutil.copytree(SEEDS, inputs)
    wh = base / "wh" / "zhnews.duckdb"
    first = run_flow([inputs], wh)
    counts1 = table_counts(wh)
    second = run_flow([inputs], wh)
    counts2 = table_counts(wh)
    return {"warehouse": wh, "first": first, "second": second, "counts1": counts1, "counts2": counts2,
            "inputs": inputs}


@pytest.fixture()
def seed_db(seed_run):
    import duckdb
    con = duckdb.connect(str(seed_run["warehouse"]), read_only=True)
    yield con
    con.close()
