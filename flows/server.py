"""The temporary Prefect API server of one `zhnews run`, `zhnews serve` or `zhnews bench`, started before anything
heavy is imported.

Without PREFECT_API_URL, Prefect starts a temporary server itself when the flow begins: the flow's process
imports `prefect.server` (2.6 s of CPU) only to launch uvicorn on `prefect.server.api.server:create_app` in a
subprocess, then waits about 4 s for it to answer, all before the first task. Started here, at the top of the
command, the subprocess boots while this process imports Prefect, polars, DuckDB and the transforms, and
`prefect.server` is never imported here: on the seeds the flow body starts at 5.0 s instead of 8.4 s.

The command and environment are those of Prefect's own `SubprocessASGIServer` (prefect 3.8): uvicorn with the
app factory and the UI off. Two differences, both for operations (issue 18):

- **Its own session.** Ctrl-C in a terminal sends SIGINT to the whole foreground process group. Prefect's own
  temporary server is in that group and died with the signal, so the interrupted flow could not record its
  end and retried `set_flow_run_state` forever. This server is started with `start_new_session=True`: the
  terminal's signals do not reach it, the command stops it last (`stop()`), and it dies with the command
  anyway: the child asks the kernel for SIGTERM when its parent dies (Linux `PR_SET_PDEATHSIG`) and also
  polls its parent id (elsewhere, and as a second guard), so a `kill -9` of the command leaves no server.
- **Background services when asked.** Prefect's ephemeral mode (`PREFECT__SERVER_EPHEMERAL=1`) runs only
  the services marked `run_in_ephemeral`, and the scheduler is not one of them
  (prefect/server/services/scheduler.py, perpetual_services.py): a deployment served against the ephemeral
  server never gets a scheduled run. `zhnews serve` starts it with `services=True`, as `prefect server
  start` runs it (scheduler, late runs, cancellation clean-up...); `zhnews run` keeps ephemeral mode.

PREFECT_API_URL is set in this process's environment before Prefect is imported, so the flow, its worker
processes and served flow runs all use this server.
"""
from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

GRACEFUL_SHUTDOWN_SECONDS = 2        # uvicorn's own limit on finishing open requests when stopped
PARENT_POLL_SECONDS = 0.5


class TemporaryServer:
    def __init__(self, port: int, process: subprocess.Popen, services: bool):
        self.port = port
        self.process = process
        self.services = services
        self.api_url = f"http://127.0.0.1:{port}/api"

    @property
    def pid(self) -> int:
        return self.process.pid

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

    def stop(self, timeout: float = 5.0) -> None:
        """SIGTERM (uvicorn finishes its requests for at most GRACEFUL_SHUTDOWN_SECONDS), then SIGKILL after
        `timeout` seconds."""
        if os.environ.get("PREFECT_API_URL") == self.api_url:
            del os.environ["PREFECT_API_URL"]
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_temporary_server(services: bool = False) -> TemporaryServer | None:
    """Launch the server and point PREFECT_API_URL at it. None, and nothing started, when an API is configured
    already or when Prefect is imported already (it has read its settings then; called in-process, by tests
    under prefect_test_harness for instance): Prefect then does as it would have. `services=True` runs the
    server's background services (the scheduler above all) instead of Prefect's ephemeral mode."""
    if os.environ.get("PREFECT_API_URL") or "prefect" in sys.modules:
        return None
    spec = importlib.util.find_spec("prefect")
    if spec is None or spec.origin is None:
        return None                     # Prefect is missing: the import that follows says so
    port = _free_port()
    env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT_SERVER_UI_ENABLED": "0"}
    if services:
        env.pop("PREFECT__SERVER_EPHEMERAL", None)
    else:
        env.update(PREFECT__SERVER_EPHEMERAL="1", PREFECT__SERVER_FINAL="1")
    process = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), str(os.getpid()),
         "--app-dir", str(Path(spec.origin).parent.parent), "--factory",
         "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(port),
         "--log-level", "error", "--lifespan", "on", "--timeout-graceful-shutdown", str(GRACEFUL_SHUTDOWN_SECONDS)],
        env=env, stdin=subprocess.DEVNULL, start_new_session=True)
    server = TemporaryServer(port, process, services)
    os.environ["PREFECT_API_URL"] = server.api_url
    if os.environ.get("PREFECT_LOGGING_LEVEL", "").upper() in ("INFO", "DEBUG") and \
            os.environ.get("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "").upper() in ("", "0", "INFO", "DEBUG"):
        print(f"Starting temporary server on http://127.0.0.1:{port}", file=sys.stderr, flush=True)
    return server


# -- the child: uvicorn that dies with its parent ------------------------------------------------------------
def _die_with_parent(parent: int) -> None:
    """SIGTERM to this process when `parent` exits (uvicorn then shuts down), SIGKILL if that hangs."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)      # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass                              # not Linux: the poller below does it

    def poll() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(GRACEFUL_SHUTDOWN_SECONDS + 5)
        os.kill(os.getpid(), signal.SIGKILL)

    if os.getppid() != parent:            # the parent died before the guard was set
        sys.exit(0)
    threading.Thread(target=poll, name="zhnews-parent-watch", daemon=True).start()


def _child_main(argv: list[str]) -> None:
    sys.path.pop(0)                       # this file's folder (flows/) must not shadow top-level modules
    _die_with_parent(int(argv[0]))
    sys.argv = ["uvicorn", *argv[1:]]
    from uvicorn.main import main
    main()


if __name__ == "__main__":
    _child_main(sys.argv[1:])
