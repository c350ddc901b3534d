"""Versioned data files used by the transforms (word lists, unit tables, title lists, gazetteers).

Every file in this folder is data, read through `lines()` / `text()`. `version()` is a short hash of all
of them and of the entity tagger's model file (transforms/entities/models/); it lands in
`runs.lexicon_version` and in the transform cache key, so changing a word list or the model re-processes
pages and is visible in the warehouse.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
MODELS = HERE.parent / "entities" / "models"
_DATA_SUFFIXES = {".txt", ".tsv", ".json"}


def path(name: str) -> Path:
    return HERE / name


@lru_cache(maxsize=None)
def text(name: str) -> str:
    return path(name).read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def lines(name: str) -> tuple[str, ...]:
    """Non-empty lines of a lexicon file, `#` comments and surrounding whitespace removed."""
    out = []
    for raw in text(name).splitlines():
        line = raw.split("#", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if line:
            out.append(line)
    return tuple(out)


@lru_cache(maxsize=1)
def version() -> str:
    h = hashlib.sha256()
    files = [p for p in HERE.iterdir() if p.suffix in _DATA_SUFFIXES]
    files += [p for p in MODELS.glob("*.npz")] if MODELS.is_dir() else []
    for p in sorted(files):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:12]
