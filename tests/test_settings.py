"""The run's settings (flows/settings.py): one object, built once by the command line from its options, with
the command line's defaults, and serializable (a served run receives it as a Prefect deployment parameter)."""
from __future__ import annotations

import json

from flows.cli import parser, run_settings
from flows.settings import Settings


def test_settings_survive_json_as_a_served_run_receives_them():
    s = Settings(inputs=["a", "b"], warehouse="w.duckdb", batch_mb=0.5, workers=3, use_cache=False,
                 task_runner="process", cache_dir="/tmp/c")
    assert Settings.of(json.loads(s.model_dump_json())) == s
    assert Settings.of(s) is s and Settings.of(None) == Settings()


def test_run_options_become_the_settings():
    args = parser().parse_args(["run", "--input", "x", "--input", "y", "--warehouse", "w.duckdb", "--batch-mb", "0.5",
                                "--workers", "3", "--no-cache", "--full-refresh", "--publish-batches", "2",
                                "--task-runner", "thread", "--dask-address", "tcp://h:1", "--progress",
                                "--duckdb-memory-limit", "1GB", "--duckdb-threads", "1"])
    s = run_settings(args)
    assert s.model_dump(exclude={"prefect_home"}) == {
        "inputs": ["x", "y"], "warehouse": "w.duckdb", "batch_mb": 0.5, "publish_batches": 2, "workers": 3,
        "task_runner": "thread", "dask_address": "tcp://h:1", "use_cache": False, "cache_dir": None,
        "full_refresh": True, "progress": True,
        "duckdb_memory_limit": "1GB", "duckdb_threads": 1}
    assert s.batch_bytes == 512 * 1024 and s.max_in_flight == 4


def test_the_command_line_defaults_are_the_settings_defaults():
    """One place for defaults: `zhnews run` and `zhnews serve` without options give Settings()."""
    for command in ("run", "serve"):
        s = run_settings(parser().parse_args([command]))
        assert s.model_dump(exclude={"prefect_home", "progress"}) == \
            Settings().model_dump(exclude={"prefect_home", "progress"}), command
