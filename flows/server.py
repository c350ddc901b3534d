"""The temporary Prefect API server of one `zhnews run` or `zhnews bench`, started before anything heavy is imported.

Without PREFECT_API_URL, Prefect starts a temporary server itself when the flow begins: the flow's process
imports `prefect.server` (2.6 s of CPU) only to launch uvicorn on `prefect.server.api.server:create_app` in a
subprocess, then waits about 4 s for it to answer, all before the first task. Started here, at the top of the
command, the subprocess boots while this process imports Prefect, polars, DuckDB and the transforms, and
`prefect.server` is never imported here: on the seeds the flow body starts at 5.0 s instead of 8.4 s.

The command and environment are those of Prefect's own `SubprocessASGIServer` (prefect 3.8): uvicorn with the
app factory, the UI off, ephemeral mode (no background services). PREFECT_API_URL is set in this process's
environment before Prefect is imported, so the flow and its worker processes all use this server.
"""
from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


class TemporaryServer:
    def __init__(self, port: int, process: subprocess.Popen):
        self.port = port
        self.process = process
        self.api_url = f"http://127.0.0.1:{port}/api"

    def wait_ready(self, timeout: float) -> None:
        """Block until the server answers /health (call just before the flow); RuntimeError if it does not."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the temporary Prefect server exited with code {self.process.returncode}; "
                                   "set PREFECT_API_URL to a running Prefect server instead")
            try:
                with urllib.request.urlopen(f"{self.api_url}/health", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"the temporary Prefect server did not answer within {timeout:.0f} s; "
                           "set PREFECT_API_URL to a running Prefect server instead")

    def stop(self) -> None:
        if os.environ.get("PREFECT_API_URL") == self.api_url:
            del os.environ["PREFECT_API_URL"]
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_temporary_server() -> TemporaryServer | None:
    """Launch the server and point PREFECT_API_URL at it. None, and nothing started, when an API is configured
    already or when Prefect is imported already (it has read its settings then; called in-process, by tests
    under prefect_test_harness for instance): Prefect then does as it would have."""
    if os.environ.get("PREFECT_API_URL") or "prefect" in sys.modules:
        return None
    spec = importlib.util.find_spec("prefect")
    if spec is None or spec.origin is None:
        return None                     # Prefect is missing: the import that follows says so
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--app-dir", str(Path(spec.origin).parent.parent), "--factory",
         "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(port),
         "--log-level", "error", "--lifespan", "on"],
        env={**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"})
    server = TemporaryServer(port, process)
    os.environ["PREFECT_API_URL"] = server.api_url
    if os.environ.get("PREFECT_LOGGING_LEVEL", "").upper() in ("INFO", "DEBUG"):
        print(f"Starting temporary server on http://127.0.0.1:{port}", file=sys.stderr, flush=True)
    return server
