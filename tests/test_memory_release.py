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
