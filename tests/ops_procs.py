"""Helpers of the operations tests that start real `zhnews` processes and signal them (tests/test_ops_*.py).

A command is started in a session of its own (start_new_session, so its process group is its own, as a
terminal's foreground job) with SIGINT at its default disposition whatever pytest's is: a small Python
launcher resets it and execs the command. `signal_group` then does what Ctrl-C in a terminal does.
"""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil

from conftest import ROOT

_LAUNCH = "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])"


def env_for(home: Path, **extra) -> dict:
    """The environment of a fresh clone's user: no Prefect API, its own Prefect home, no logging override."""
    env = dict(os.environ)
    for key in ("PREFECT_API_URL", "PREFECT_LOGGING_LEVEL", "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL"):
        env.pop(key, None)
    env.update(PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false", **extra)
    return env


def start(args: list[str], env: dict, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", _LAUNCH, sys.executable, "-m", "flows.cli", *args], cwd=ROOT,
                            env=env, start_new_session=True, text=True, **kwargs)


def run_cli(args: list[str], env: dict, timeout: float = 600, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flows.cli", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout, **kwargs)


def tree(proc: subprocess.Popen) -> list[psutil.Process]:
    """The command and every process it started (whatever their session: the server has its own)."""
    root = psutil.Process(proc.pid)
    return [root, *root.children(recursive=True)]


def signal_group(proc: subprocess.Popen, signum: int = signal.SIGINT) -> float:
    """Ctrl-C: `signum` to the command's whole process group. Returns the time it was sent."""
    os.killpg(proc.pid, signum)
    return time.monotonic()


def survivors(procs: list[psutil.Process]) -> list[str]:
    out = []
    for p in procs:
        try:
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                out.append(f"{p.pid} {' '.join(p.cmdline())[:120]}")
        except psutil.NoSuchProcess:
            pass
    return out


def kill_all(procs: list[psutil.Process]) -> None:
    for p in procs:
        try:
            p.kill()
        except psutil.Error:
            pass


def prefect_flow_runs(home: Path) -> dict[str, str]:
    """{flow run name: state type} from the Prefect database in `home` (the temporary server's)."""
    con = sqlite3.connect(home / "prefect.db")
    try:
        return dict(con.execute("SELECT name, state_type FROM flow_run").fetchall())
    finally:
        con.close()


def prefect_logs(home: Path, flow_run_name: str) -> list[str]:
    con = sqlite3.connect(home / "prefect.db")
    try:
        return [r[0] for r in con.execute("SELECT l.message FROM log l JOIN flow_run f ON f.id = l.flow_run_id "
                                          "WHERE f.name = ? ORDER BY l.timestamp", [flow_run_name]).fetchall()]
    finally:
        con.close()


def api_flow_runs(api: str, states=("COMPLETED", "RUNNING", "FAILED", "CRASHED", "PENDING", "CANCELLED")) -> list[dict]:
    """Flow runs in those states, newest first, through the Prefect REST API."""
    body = {"sort": "EXPECTED_START_TIME_DESC", "limit": 100, "offset": 0,
            "flow_runs": {"state": {"type": {"any_": list(states)}}}}
    request = urllib.request.Request(f"{api}/flow_runs/filter", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def wait_for(condition, timeout: float, every: float = 0.5, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
