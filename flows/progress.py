"""Terminal progress for long runs: files and MB done, rate, time left, files published.

"Done" moves when a transform batch is back from its worker (or was skipped, or came from the cache); files
are published later, a few batches at a time (one transaction per publish unit), and the line says how many
are in the warehouse so far.

Off unless asked: the CLI turns it on when stderr is a terminal (one line rewritten in place, at most a few
times a second) or with `--progress` (plain lines, one per batch, for logs). Unattended runs (cron, served
deployments, pipes) stay quiet.
"""
from __future__ import annotations

import sys
import time

MIN_INTERVAL = 0.25          # seconds between terminal redraws


def _clock(seconds: float) -> str:
    if seconds != seconds or seconds == float("inf"):       # NaN / unknown
        return "?"
    seconds = int(seconds)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class Progress:
    def __init__(self, total_bytes: int, total_files: int | None = None, enabled: bool | None = None,
                 stream=None):
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.enabled = self.tty if enabled is None else enabled
        self.total = max(total_bytes, 1)
        self.total_files = total_files
        self.files = 0
        self.bytes = 0
        self.published = 0
        self.t0 = time.perf_counter()
        self._last = 0.0

    def line(self) -> str:
        elapsed = time.perf_counter() - self.t0
        rate = self.bytes / elapsed / 1e6 if elapsed > 0 else 0.0
        left = (self.total - self.bytes) / (rate * 1e6) if rate > 0 else float("nan")
        files = f"{self.files}/{self.total_files}" if self.total_files is not None else f"{self.files}"
        digits = 1 if self.total >= 10e6 else 3
        return (f"{files} files, {self.bytes / 1e6:.{digits}f}/{self.total / 1e6:.{digits}f} MB, {rate:.2f} MB/s, "
                f"{_clock(elapsed)} elapsed, ~{_clock(left)} left; {self.published} published")

    def publish(self, files_published: int) -> None:
        """The count of files in the warehouse so far (a publish unit committed): redrawn on a terminal, one
        more line in a log."""
        self.published = files_published
        if not self.enabled:
            return
        if self.tty:
            self._draw(force=True)
        else:
            self.stream.write("progress: " + self.line() + "\n")
            self.stream.flush()

    def advance(self, files: int, nbytes: int) -> None:
        self.files += files
        self.bytes += nbytes
        if not self.enabled:
            return
        if self.tty:
            self._draw(force=self.bytes >= self.total)
        else:
            self.stream.write("progress: " + self.line() + "\n")
            self.stream.flush()

    def _draw(self, force: bool) -> None:
        now = time.perf_counter()
        if now - self._last < MIN_INTERVAL and not force:
            return
        self._last = now
        self.stream.write("\r" + self.line() + "   ")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.tty:
            self.stream.write("\n")
            self.stream.flush()
