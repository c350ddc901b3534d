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


def run_flow(inputs, warehouse, **settings):
    """One real flow run (thread runner and 2 workers unless told otherwise); `settings` are fields of
    flows.settings.Settings."""
    from flows.pipeline import zhnews_run
    from flows.runners import build_task_runner
    from flows.settings import Settings
    s = Settings(inputs=[str(p) for p in inputs], warehouse=str(warehouse),
                 **{"task_runner": "thread", "workers": 2, **settings})
    flow = zhnews_run.with_options(task_runner=build_task_runner(s.task_runner, s.workers, None))
    return flow(settings=s)


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
