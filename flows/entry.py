"""The `zhnews` console script: a Ctrl-C or SIGTERM that arrives while Python is still importing the command line
(under load that takes seconds) ends the command with one line and exit 130, not an import traceback.

This module imports only the standard library's `os`, `signal` and `sys`; the handler holds until flows/cli.py's
`main` has parsed the arguments, when the command takes over (a long command installs its Guard; the others get
Python's default behaviour back). No process has been started before then, so exiting at once leaves nothing.
"""
from __future__ import annotations

import os
import signal
import sys


BEFORE_THE_RUN = "before the run started; nothing was published"   # also flows/cli.py's line for `zhnews run`


def interrupted_while_starting(signum, frame) -> None:
    command = next((a for a in sys.argv[1:] if not a.startswith("-")), "")
    what = BEFORE_THE_RUN if command == "run" else "while starting"
    os.write(2, f"zhnews: interrupted by {signal.Signals(signum).name} {what}\n".encode())
    os._exit(130)


def install() -> None:
    signal.signal(signal.SIGINT, interrupted_while_starting)
    signal.signal(signal.SIGTERM, interrupted_while_starting)


def restore() -> None:
    """Python's own dispositions, for the command itself (flows/cli.py calls this once it has parsed)."""
    if signal.getsignal(signal.SIGINT) is interrupted_while_starting:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if signal.getsignal(signal.SIGTERM) is interrupted_while_starting:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def main() -> int:
    install()
    from flows.cli import main as cli_main
    return cli_main()
