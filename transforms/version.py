"""The version of the transform code: a hash of every Python file under transforms/ (subpackages such as
transforms/entities/ included). One function for the `runs.code_version` column, the page cache's keys
(flows/pipeline.py) and `zhnews --version`, so the three always agree."""
from __future__ import annotations

import hashlib
from pathlib import Path

HERE = Path(__file__).resolve().parent


def code_version(root: str | Path = HERE) -> str:
    """The first 12 hex digits of the sha256 over the bytes of every `*.py` file under `root`, in path order."""
    h = hashlib.sha256()
    for p in sorted(Path(root).rglob("*.py")):
        h.update(p.read_bytes())
    return h.hexdigest()[:12]
