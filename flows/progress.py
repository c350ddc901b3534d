"""Terminal progress for long runs: files and MB done, rate, time left. Silent when not on a terminal."""
from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, total_bytes: int, enabled: bool | None = None, stream=None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.total = max(total_bytes, 1)
        self.files = 0
        self.bytes = 0
        self.t0 = time.perf_counter()

    def advance(self, files: int, nbytes: int) -> None:
        self.files += files
        self.bytes += nbytes
        if not self.enabled:
            return
        elapsed = time.perf_counter() - self.t0
        rate = self.bytes / elapsed / 1e6 if elapsed > 0 else 0.0
        left = (self.total - self.bytes) / (rate * 1e6) if rate > 0 else float("nan")
        self.stream.write(f"\r{self.files} files, {self.bytes / 1e6:.1f}/{self.total / 1e6:.1f} MB, "
                          f"{rate:.2f} MB/s, ~{left:.0f} s left   ")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()
