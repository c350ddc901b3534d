"""Ctrl-C and SIGTERM for the long-running commands (`zhnews run`, `zhnews serve`): stop within seconds, say
what was published, leave no process behind.

A terminal's Ctrl-C sends SIGINT to every process of its foreground process group: this command, its
process-pool or Dask workers, the multiprocessing resource tracker, and (before issue 18) the temporary
Prefect server, whose death left the interrupted flow retrying `set_flow_run_state` forever. What happens now:

1. The temporary Prefect server runs in its own session (flows/server.py): the signal does not reach it, so
   the flow can still record its end; it is stopped last.
2. Worker processes start with SIGINT ignored (`spawn_children_ignoring_sigint`: multiprocessing's spawn
   executable becomes a two-line launcher that ignores SIGINT and execs Python; an ignored signal stays
   ignored through exec, and Python then installs no KeyboardInterrupt handler). So they print no traceback,
   and this process ends them (`end_children`). SIGTERM keeps its default in them: it ends them silently.
3. In this process the first SIGINT or SIGTERM raises `Interrupted` (a KeyboardInterrupt) in the main thread;
   inside a flow run, Prefect turns SIGTERM into its own `TerminationSignal`. The flow marks its `runs` row
   failed with the reason, Prefect marks the flow run Crashed, the task runners stop without waiting for a
   batch in progress (flows/runners.py), and the command prints one line and exits with 130 (`finish`).
4. A watchdog thread sees every signal through `signal.set_wakeup_fd`, whichever Python handler runs. If the
   process still lives `deadline` seconds after the first signal (flows/defaults.py: 7), or on a second SIGINT (Ctrl-C
   twice), it ends the children, stops the server, prints the line and exits 130 at once. The `runs` row may then stay
   `running`; the next run marks it failed (it holds the lock, so no live run can own it).

Only the standard library (and psutil, to find the process tree) is used here: this module loads before
Prefect.
"""
from __future__ import annotations

import contextlib
import os
import shlex
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Callable

EXIT_CODE = 130                      # what a shell reports for a command ended by SIGINT (128 + 2)
HANDLED = (signal.SIGINT, signal.SIGTERM)
_received: int | None = None         # the first SIGINT/SIGTERM this process saw (see received())


def received() -> int | None:
    """The first SIGINT or SIGTERM this process has seen, if any (recorded by a Guard, or by
    `recording_sigint` around a flow run). Anything that fails after it is a consequence of it: DuckDB, for
    one, turns the KeyboardInterrupt raised inside a query into `RuntimeError('Query interrupted')`."""
    return _received


def _note(signum: int) -> None:
    global _received
    if _received is None and signum in HANDLED:
        _received = signum


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM received by a zhnews command."""

    def __init__(self, signum: int):
        super().__init__(signal_name(signum))
        self.signum = signum


def signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


def is_signal_exception(exc: BaseException) -> bool:
    """KeyboardInterrupt (our `Interrupted` included) or Prefect's TerminationSignal."""
    return isinstance(exc, KeyboardInterrupt) or type(exc).__name__ == "TerminationSignal"


def is_interrupt(exc: BaseException) -> bool:
    """A signal ended the work: a signal exception, or any exception raised after a signal was received."""
    return is_signal_exception(exc) or _received is not None


def signal_of(exc: BaseException) -> str:
    """The name of the signal behind an interrupt ("SIGINT" for a bare KeyboardInterrupt)."""
    if isinstance(exc, Interrupted):
        return signal_name(exc.signum)
    signum = getattr(exc, "signal", None)
    if isinstance(signum, int):
        return signal_name(signum)
    if _received is not None:
        return signal_name(_received)
    return "SIGINT" if isinstance(exc, KeyboardInterrupt) else "a signal"


@contextlib.contextmanager
def recording_sigint():
    """Around a flow run in a process without a Guard (a flow run that `zhnews serve` started): note SIGINT
    in `received()` before the handler that was there raises KeyboardInterrupt. SIGTERM is left alone:
    Prefect's own handler must stay in place for its cancellation hand-shake."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)
    if not callable(previous) or getattr(previous, "__self__", None).__class__.__name__ == "Guard":
        yield                             # ignored, default, or a Guard that records already
        return

    def handler(signum, frame):
        _note(signum)
        previous(signum, frame)

    signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        if signal.getsignal(signal.SIGINT) is handler:
            signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def signals_deferred():
    """Hold SIGINT and SIGTERM back while a failed run records its end (one short DuckDB transaction and a
    log line): a second signal (Ctrl-C twice, Prefect re-sending SIGTERM to itself, a runner stopping its flow
    runs) must not cut that short. A signal that arrives meanwhile is raised again right after. Only the
    main thread can swap handlers; elsewhere this does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    previous = {}
    try:
        for signum in HANDLED:
            previous[signum] = signal.signal(signum, lambda n, f: held.append(n))
    except ValueError:
        yield
        return
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        for signum in held[:1]:
            os.kill(os.getpid(), signum)        # handled by the restored handler, as if it came now


def leave_terminal_session() -> bool:
    """A flow run started by `zhnews serve` (a `python -m prefect.engine` child in the terminal's process group)
    moves to a session of its own, so that Ctrl-C in the terminal reaches `zhnews serve` only, which then stops
    its runs in order: Prefect's runner sends SIGTERM, the flow records its end, Prefect marks it Crashed. (Hit
    by the terminal's SIGINT too, the child was torn down by the runner half way through recording it.)
    Returns whether it moved."""
    if os.name != "posix" or os.getpid() == os.getpgid(0):
        return False                      # a process-group leader (a `zhnews run` in a shell) stays
    try:
        os.setsid()
    except OSError:
        return False
    return True


class Guard:
    """Signal handling of one command. `install()` once, from the main thread, before the work starts."""

    def __init__(self, deadline: float, describe: Callable[[str], str], children_wait: float = 0.0):
        self.deadline = deadline
        self.describe = describe          # signal name -> the one line printed at the end (what was published)
        self.children_wait = children_wait      # seconds a served flow run gets to record its own end
        self.server = None                # the temporary Prefect server (flows/server.py), stopped last
        self.before_server_stops: Callable[[], None] | None = None   # last words to the Prefect API
        self.forward_wait: float = 0.0    # > 0: pass the first signal on to child processes, wait for them
        self.first: tuple[int, float] | None = None      # set by our own handler
        self.seen: int | None = None      # the first signal the watchdog saw (whichever handler ran)
        self._exiting = threading.Lock()

    # -- set-up ----------------------------------------------------------------------------------
    def install(self) -> "Guard":
        for signum in HANDLED:
            signal.signal(signum, self._handler)
        read_fd, write_fd = os.pipe()
        os.set_blocking(write_fd, False)
        signal.set_wakeup_fd(write_fd, warn_on_full_buffer=False)
        threading.Thread(target=self._watch, args=(read_fd,), name="zhnews-interrupt-watchdog",
                         daemon=True).start()
        return self

    def _handler(self, signum: int, frame) -> None:
        _note(signum)
        if self.first is None:
            self.first = (signum, time.monotonic())
            if self.forward_wait > 0:
                forward_to_children(signum, exclude=self._server_pid(), wait=self.forward_wait)
            raise Interrupted(signum)
        # a second signal: the watchdog ends the process; nothing more to raise here

    handler = _handler                    # for code that installs its own (Prefect's Runner, see flows/cli.py)

    def _watch(self, read_fd: int) -> None:
        armed_at = None
        while True:
            timeout = None if armed_at is None else armed_at + self.deadline - time.monotonic()
            if timeout is not None and timeout <= 0:
                self.force_exit(f"not stopped {self.deadline:.0f} s after the signal")
                return
            if not _wait_readable(read_fd, timeout):
                continue
            for signum in os.read(read_fd, 64):
                if signum not in HANDLED:
                    continue
                if armed_at is None:
                    armed_at = time.monotonic()
                    self.seen = signum
                    _note(signum)
                elif signum == signal.SIGINT:
                    # Ctrl-C twice: stop now. Not so for SIGTERM: Prefect sends the first one again to this
                    # process once its flow run has handled it (prefect.utilities.engine.capture_sigterm)
                    self.force_exit(f"second {signal_name(signum)}")
                    return

    # -- ending ----------------------------------------------------------------------------------
    def signalled(self, wait: float = 0.0) -> bool:
        """Whether SIGINT or SIGTERM arrived (waiting up to `wait` s for the watchdog to see it)."""
        deadline = time.monotonic() + wait
        while self.first is None and self.seen is None and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.first is not None or self.seen is not None

    def interrupt(self) -> Interrupted:
        """The signal that arrived, as an exception (for `finish`)."""
        return Interrupted(self.first[0] if self.first else self.seen or signal.SIGINT)

    def _line(self, signame: str) -> str:
        try:
            return self.describe(signame)
        except Exception as exc:  # noqa: BLE001 - say something even if the run state is half written
            return f"zhnews: interrupted by {signame} ({type(exc).__name__} while summing up)"

    def force_exit(self, why: str) -> None:
        """The watchdog's way out: end everything now (the orderly shutdown did not finish in time)."""
        if not self._exiting.acquire(blocking=False):
            return                                # finish() is printing its line and exiting
        end_children(exclude=self._server_pid(), grace=0.5)
        line = self._line(signal_name(self.seen) if self.seen else "a signal")
        self._stop_server(1.0)
        _print_line(f"{line} (forced: {why})")
        os._exit(EXIT_CODE)

    def finish(self, exc: BaseException) -> None:
        """The orderly end of an interrupted command: send Prefect's last logs, end the child processes,
        stop the server, print one line, exit 130. Never returns."""
        _quiet_threads()
        _flush_prefect_logs()
        end_children(exclude=self._server_pid(), grace=1.0, wait_first=self.children_wait)
        _run_multiprocessing_finalizers()
        if self.before_server_stops is not None:
            try:
                self.before_server_stops()
            except Exception:  # noqa: BLE001 - best effort; the line below still says what happened
                pass
        line = self._line(signal_of(exc))
        self._stop_server(3.0)
        if not self._exiting.acquire(blocking=False):
            time.sleep(10)                        # the watchdog is ending the process
        _print_line(line)
        os._exit(EXIT_CODE)       # a transform thread cannot be stopped half way: do not wait for it

    def _server_pid(self) -> int | None:
        return getattr(self.server, "pid", None)

    def _stop_server(self, timeout: float) -> None:
        if self.server is not None:
            try:
                self.server.stop(timeout=timeout)
            except Exception:  # noqa: BLE001 - it dies with this process anyway (PR_SET_PDEATHSIG)
                pass


def _wait_readable(fd: int, timeout: float | None) -> bool:
    import select
    try:
        ready, _, _ = select.select([fd], [], [], timeout)
    except InterruptedError:
        return False
    return bool(ready)


def _print_line(line: str) -> None:
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        pass
    try:
        os.write(2, (line.rstrip("\n") + "\n").encode("utf-8", "replace"))
    except OSError:
        pass


def _quiet_threads() -> None:
    """After an interrupt, other threads (a task runner's, Prefect's) may fail as the pool goes away: their
    tracebacks are not news."""
    threading.excepthook = lambda args: None
    sys.unraisablehook = lambda args: None


def flush_prefect(timeout: float = 3.0) -> None:
    """Send the flow run's last log lines and events to the Prefect API before the server stops."""
    if "prefect" not in sys.modules:
        return
    try:
        from prefect.logging.handlers import APILogWorker
        APILogWorker.drain_all(timeout=timeout)
    except Exception:  # noqa: BLE001 - logs are a courtesy here
        pass
    try:
        from prefect.events.worker import EventsWorker
        EventsWorker.drain_all(timeout=timeout)
    except Exception:  # noqa: BLE001
        pass


_flush_prefect_logs = flush_prefect


def _run_multiprocessing_finalizers() -> None:
    """What a normal exit does for multiprocessing: unlink the semaphores of the pool's queues (otherwise the
    resource tracker prints a warning about leaked semaphores when it sees this process go)."""
    if "multiprocessing" not in sys.modules:
        return
    try:
        from multiprocessing import util
        util._run_finalizers(0)
        util._run_finalizers()
    except Exception:  # noqa: BLE001
        pass


def end_children(exclude: int | None = None, grace: float = 1.0, wait_first: float = 0.0) -> None:
    """End every descendant process except `exclude` (the server, stopped separately) and the multiprocessing
    resource tracker (it exits by itself once every process holding its pipe has exited).

    Worker processes (multiprocessing children: the process pool, Dask's LocalCluster) ignore SIGINT and hold
    nothing that needs an orderly end: SIGTERM at once. Other children (the flow runs of `zhnews serve`) got
    the terminal's signal themselves and are recording their end: up to `wait_first` seconds to finish, then
    SIGTERM. Whatever is alive `grace` seconds after its SIGTERM gets SIGKILL."""
    try:
        import psutil
    except ImportError:
        return
    try:
        children = [p for p in psutil.Process().children(recursive=True) if p.pid != exclude]
    except psutil.Error:
        return
    spared = {_resource_tracker_pid()}
    if exclude is not None:
        try:
            spared |= {p.pid for p in psutil.Process(exclude).children(recursive=True)}
        except psutil.Error:
            pass
    children = [p for p in children if p.pid not in spared and not _is_resource_tracker(p)]
    workers = [p for p in children if _is_multiprocessing_child(p)]
    others = [p for p in children if p not in workers]
    _terminate(workers)
    if others and wait_first > 0:
        _, others = psutil.wait_procs(others, timeout=wait_first)
    _terminate(others)
    _, alive = psutil.wait_procs(workers + others, timeout=grace)
    for p in alive:
        try:
            p.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(alive, timeout=1.0)


def forward_to_children(signum: int, exclude: int | None, wait: float) -> None:
    """`zhnews serve`: pass the signal on to its flow runs (they run in sessions of their own, see
    `leave_terminal_session`, so the terminal's signal did not reach them) and wait up to `wait` seconds for
    them to record their end and exit. Worker processes and the server are left to `finish`."""
    try:
        import psutil
        children = [p for p in psutil.Process().children(recursive=False)
                    if p.pid != exclude and not _is_multiprocessing_child(p) and not _is_resource_tracker(p)]
    except Exception:  # noqa: BLE001 - psutil missing or the tree changing: the finish() backstop remains
        return
    for p in children:
        try:
            p.send_signal(signum)
        except psutil.Error:
            pass
    psutil.wait_procs(children, timeout=wait)


def _terminate(procs) -> None:
    import psutil
    for p in procs:
        try:
            p.terminate()
        except psutil.Error:
            pass


def _is_multiprocessing_child(proc) -> bool:
    try:
        return any("multiprocessing.spawn" in part or "multiprocessing.forkserver" in part for part in proc.cmdline())
    except Exception:  # noqa: BLE001 - a process that is gone or unreadable
        return False


def _resource_tracker_pid() -> int | None:
    """The multiprocessing resource tracker of this process. It must outlive the workers: killed, it would be
    started again by the next semaphore clean-up and complain (with tracebacks) about names it never saw."""
    tracker = getattr(sys.modules.get("multiprocessing.resource_tracker"), "_resource_tracker", None)
    return getattr(tracker, "_pid", None)


def _is_resource_tracker(proc) -> bool:
    try:
        return any("multiprocessing.resource_tracker" in part for part in proc.cmdline())
    except Exception:  # noqa: BLE001 - a process that is gone or unreadable
        return False


def spawn_children_ignoring_sigint(home: str | os.PathLike) -> Path | None:
    """Make multiprocessing start its processes (Prefect's process pool, Dask's LocalCluster, served flow
    runs) with SIGINT ignored. A launcher script under `home` (the Prefect home) ignores SIGINT and execs this
    Python; `multiprocessing.set_executable` points spawn at it. Returns the launcher (None where there is no
    POSIX shell)."""
    if os.name != "posix" or not Path("/bin/sh").exists():
        return None
    import multiprocessing

    folder = Path(home) / "zhnews"
    launcher = folder / "python-ignoring-sigint"
    text = f"#!/bin/sh\n# written by zhnews (flows/interrupts.py)\ntrap '' INT\nexec {shlex.quote(sys.executable)} \"$@\"\n"
    try:
        if not launcher.is_file() or launcher.read_text() != text:
            folder.mkdir(parents=True, exist_ok=True)
            tmp = folder / f".{launcher.name}.{os.getpid()}"
            tmp.write_text(text)
            tmp.chmod(0o755)
            os.replace(tmp, launcher)
    except OSError:
        return None                     # an unwritable home: children get default signals, as before
    multiprocessing.set_executable(str(launcher))
    return launcher
