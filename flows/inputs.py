"""Finding the input files of a run, and their optional issue dates.

An input is a file or a folder (searched recursively; hidden files skipped). A folder may hold a sidecar
`manifest.csv` with the columns `file,issue_date` (file relative to the folder, date as YYYY-MM-DD) that
gives the year the pages themselves usually lack; it is not an input itself.
"""
from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

MANIFEST = "manifest.csv"


class InputError(ValueError):
    """An input path cannot be used (the message names it)."""


@dataclass(frozen=True, slots=True)
class InputFile:
    path: str
    size: int
    issue_date: dt.date | None = None


def _manifest(folder: Path) -> dict[Path, dt.date]:
    path = folder / MANIFEST
    if not path.is_file():
        return {}
    out = {}
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=2):
            try:
                out[(folder / row["file"]).resolve()] = dt.date.fromisoformat(row["issue_date"].strip())
            except (KeyError, ValueError, AttributeError) as exc:
                raise InputError(f"{path}:{n}: bad manifest row ({exc}); expected columns file,issue_date") from None
    return out


def discover(paths: list[str]) -> list[InputFile]:
    files: dict[Path, InputFile] = {}
    for raw in paths:
        p = Path(raw)
        if not p.exists():
            raise InputError(f"input path does not exist: {p}")
        if p.is_file():
            dates = _manifest(p.parent)
            files[p.resolve()] = InputFile(str(p), p.stat().st_size, dates.get(p.resolve()))
            continue
        dates: dict[Path, dt.date] = {}
        for m in sorted(p.rglob(MANIFEST)):
            dates.update(_manifest(m.parent))
        for f in sorted(p.rglob("*")):
            rel = f.relative_to(p)
            if not f.is_file() or f.name == MANIFEST or any(part.startswith(".") for part in rel.parts):
                continue
            files.setdefault(f.resolve(), InputFile(str(f), f.stat().st_size, dates.get(f.resolve())))
    return list(files.values())
