"""The layers (pyproject.toml, [tool.importlinter]) checked by import-linter: flows -> expectations ->
warehouse -> transforms, warehouse/ free of transforms/, no runner <-> drift cycle, runner.py only Great
Expectations. Lazy imports count."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _lint() -> subprocess.CompletedProcess:
    binary = Path(sys.executable).with_name("lint-imports")
    return subprocess.run([str(binary), "--config", str(ROOT / "pyproject.toml")], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_import_contracts_are_kept():
    done = _lint()
    assert done.returncode == 0, done.stdout + done.stderr
