"""Helpers of the operations tests (tests/test_ops_*.py): table snapshots that ignore run ids and times."""
from __future__ import annotations

import codecs
import shutil
from pathlib import Path

import duckdb

from benchmarks.fingerprint import compared_columns, quoted
from warehouse.contract import PAGE_TABLE_NAMES


def snapshot(warehouse, tables=PAGE_TABLE_NAMES) -> dict[str, list[tuple]]:
    """Every row of the content tables, all columns except run ids and timestamps (the rule of
    benchmarks/fingerprint.py, so a test and a fingerprint compare the same columns), sorted."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        out = {}
        for t in tables:
            keep, _ = compared_columns(con, t)
            out[t] = con.execute(f"SELECT {quoted(keep)} FROM {t} ORDER BY ALL").fetchall()
        return out
    finally:
        con.close()


def query(warehouse, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def seed_pages(seeds: Path, dest: Path, gb18030_copies: bool = False) -> list[Path]:
    """Copy the seed pages into `dest`; optionally add a GB18030 copy of each (same text, other bytes)."""
    dest.mkdir(parents=True, exist_ok=True)
    out = []
    for p in sorted(seeds.glob("*.txt")):
        out.append(Path(shutil.copy(p, dest / p.name)))
        if gb18030_copies:
            text = p.read_bytes().decode("utf-8").removeprefix("\ufeff")
            q = dest / f"gb_{p.name}"
            q.write_bytes(text.encode("gb18030"))
            out.append(q)
    manifest = seeds / "manifest.csv"
    if manifest.exists():
        shutil.copy(manifest, dest / manifest.name)
    return out


def encode_as(text: str, kind: str) -> bytes:
    return {"gbk": lambda: text.encode("gbk"), "utf-16": lambda: text.encode("utf-16"),
            "utf-8-sig": lambda: codecs.BOM_UTF8 + text.encode("utf-8")}[kind]()
