"""Great Expectations in a process of its own: `ValidatorProcess`, the `Validator` (expectations/runner.py) of a
run, run in a child process that the run's process talks to through a pipe.

Why: memory. GX and pandas cost about 250 MB to import, and validating a unit builds pandas frames of Python
strings (every mention's ids and surface) that GX then copies; glibc keeps most of that once freed. In the
run's process (the single DuckDB writer, which also holds the batches waiting for their unit) that was the
largest part of its peak. Here the run's process builds each audit frame as an Arrow IPC buffer (no Python
objects: DuckDB writes Arrow directly) and sends it; the child turns it into the very pandas frame the
in-process path builds (DuckDB's `fetchnumpy()` over the same rows and types, then `audit.numpy_frame`),
validates it with the real suites and stores results for the Data Docs as before. Nothing else changes: the
same checks in the same order, the same results, the same `dq_results` rows.

The child is started by `prestart()` (the command line calls it before the flow starts, so GX's import, several
seconds of CPU, overlaps the Prefect server's start) or on first use; it imports GX at once, then serves
requests one at a time. It is spawned (not forked), so it shares nothing with the run's process; it ignores
SIGINT when the command line made spawned children do so (flows/interrupts.py), and ends when the pipe closes
(its parent ended, whatever the way) or on `close()`.
"""
from __future__ import annotations

import os
import threading
import time
import traceback
from pathlib import Path

from expectations.results import CheckResult
from expectations.runner import checked_columns
from expectations.suites import Check, all_checks
from transforms.gcpause import return_free_memory

_SPARE: "tuple | None" = None          # (connection, process) started ahead by prestart(), not yet used
_SPARE_LOCK = threading.Lock()


class ValidationProcessError(RuntimeError):
    """The validator's process failed (its error, with the child's traceback) or ended."""


def _spawn():
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe(duplex=True)
    proc = ctx.Process(target=_serve, args=(child,), name="zhnews-validator", daemon=True)
    proc.start()
    child.close()
    return parent, proc


def prestart() -> None:
    """Start the validator's process now (it imports GX while the caller does other things); the next
    `ValidatorProcess` takes it. Does nothing if one is waiting already."""
    global _SPARE
    with _SPARE_LOCK:
        if _SPARE is None or not _SPARE[1].is_alive():
            _SPARE = _spawn()


def _take():
    global _SPARE
    with _SPARE_LOCK:
        spare, _SPARE = _SPARE, None
    if spare is not None and spare[1].is_alive():
        return spare
    return _spawn()


class ValidatorProcess:
    """The `Validator` interface the gate and the drift check use (`columns`, `checks`, `seconds`,
    `validate(frames)`, `validate_profile(rows, checks)`, `build_docs()`, `count_seconds()`), with the
    validation done in a child process (see the module's docstring). `validate` takes the gate's
    `audit.AuditFrames` and asks it for one table's Arrow IPC buffer at a time."""

    def __init__(self, root: str | os.PathLike, run_name: str):
        self.root = Path(root)
        self.run_name = run_name
        self.checks = all_checks()
        self.columns = checked_columns(self.checks)
        self._tables = list(self.checks)
        self.seconds: dict[str, float] = {}
        self.batches_checked = 0
        self._conn, self._proc = _take()
        self._replies = 0
        self._send("setup", str(root), run_name)     # the reply is read with the next request's

    # -- the pipe --------------------------------------------------------------------------------
    def _send(self, op: str, *args) -> None:
        try:
            self._conn.send((op, args))
        except (OSError, EOFError) as exc:
            raise ValidationProcessError(f"the validator's process has ended ({exc})") from None
        self._replies += 1

    def _reply(self):
        """Read every reply due (the child answers each request in order); the last one's value, or the first
        error, raised once all are read so that the next request reads its own reply."""
        out, error = None, None
        while self._replies:
            try:
                status, value = self._conn.recv()
            except (OSError, EOFError):
                self._replies = 0
                raise ValidationProcessError("the validator's process ended unexpectedly "
                                             f"(exit code {self._proc.exitcode})") from None
            self._replies -= 1
            if status != "ok" and error is None:
                error = value
            out = value
        if error is not None:
            raise ValidationProcessError(error)
        return out

    def _call(self, op: str, *args):
        self._send(op, *args)
        return self._reply()

    # -- the Validator interface -----------------------------------------------------------------
    def validate(self, frames) -> list[CheckResult]:
        self.batches_checked += 1
        self._send("begin")
        out: list[CheckResult] = []
        tables = self._tables
        data = frames.ipc(tables[0]) if tables else None
        for i, table in enumerate(tables):
            self._send("table", table)
            try:
                self._conn.send_bytes(data)         # the buffer itself, not a pickled copy
            except (OSError, EOFError) as exc:
                raise ValidationProcessError(f"the validator's process has ended ({exc})") from None
            del data
            # the next table's rows are queried while the child validates this one (the two used to take
            # turns: this process waited for the child, the child for this process's next query)
            data = frames.ipc(tables[i + 1]) if i + 1 < len(tables) else None
            out.extend(self._reply())
        return out

    def validate_profile(self, rows: list[dict], checks: list[Check]) -> list[CheckResult]:
        self.checks["run_profiles"] = checks
        return self._call("profile", rows, checks)

    def build_docs(self) -> Path:
        from expectations import runner

        path, seconds = self._call("docs")
        for k, v in seconds.items():
            self.count_seconds(k, v)
        runner.LAST_SECONDS = dict(self.seconds)
        return Path(path)

    def count_seconds(self, what: str, seconds: float) -> None:
        self.seconds[what] = self.seconds.get(what, 0.0) + seconds

    def close(self) -> None:
        """End the child (it also ends by itself when this process does)."""
        if self._proc is None:
            return
        try:
            self._conn.send(("stop", ()))
            self._conn.close()
        except (OSError, EOFError):
            pass
        self._proc.join(5)
        if self._proc.is_alive():
            self._proc.terminate()
            self._proc.join(1)
        self._proc = None


def frame_of_ipc(data) -> "pandas.DataFrame":  # noqa: F821
    """An audit frame's Arrow IPC buffer -> the pandas frame `audit.AuditFrames` gives in process: DuckDB's
    `fetchnumpy()` over the same rows (Arrow keeps DuckDB's types both ways), then `audit.numpy_frame`."""
    import duckdb
    import pyarrow as pa

    from expectations.audit import numpy_frame

    table = pa.ipc.open_stream(pa.py_buffer(data)).read_all()
    con = duckdb.connect()
    try:
        con.register("audit_frame", table)
        return numpy_frame(con.execute("SELECT * FROM audit_frame").fetchnumpy())
    finally:
        con.close()


def _name_process(name: bytes) -> None:
    """The name `ps`, `top` and psutil show for this process (Linux; elsewhere nothing happens)."""
    try:
        import ctypes
        ctypes.CDLL(None).prctl(15, ctypes.c_char_p(name[:15]), 0, 0, 0)     # PR_SET_NAME
    except (OSError, AttributeError):
        pass


def _serve(conn) -> None:
    """The child: import GX at once, then answer requests until "stop" or the pipe closes."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    _name_process(b"zhnews-gx")
    try:
        import great_expectations  # noqa: F401 - before the first request (see prestart)
    except Exception:  # noqa: BLE001 - the Validator's setup reports it
        pass
    from expectations.runner import Validator

    validator = None
    while True:
        try:
            op, args = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        if op == "stop":
            return
        try:
            if op == "setup":
                validator = Validator(*args)
                value = None
            elif op == "begin":
                validator.begin_batch()
                value = None
            elif op == "table":
                (table,) = args
                t0 = time.perf_counter()
                data = conn.recv_bytes()
                t1 = time.perf_counter()
                frame = frame_of_ipc(data)
                del data
                t2 = time.perf_counter()
                value = validator.validate_table(table, frame)
                del frame
                return_free_memory()         # the frame's strings and GX's copies: give them back
                # where the child's time goes (the run's log and `zhnews bench` show them with the docs')
                for part, seconds in (("receive", t1 - t0), ("rebuild", t2 - t1),
                                      ("validate", time.perf_counter() - t2)):
                    validator.count_seconds(f"child {part}", seconds)
            elif op == "profile":
                value = validator.validate_profile(*args)
            elif op == "docs":
                value = (str(validator.build_docs()), dict(validator.seconds))
            else:
                raise ValueError(f"unknown request {op!r}")
            reply = ("ok", value)
        except BaseException as exc:  # noqa: BLE001 - the parent raises it
            reply = ("error", f"{type(exc).__name__}: {exc}\n(in the validator's process)\n"
                              f"{traceback.format_exc()}")
        try:
            conn.send(reply)
        except (OSError, EOFError):
            return
