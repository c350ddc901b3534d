"""The audit frames: what Great Expectations checks for a staged publish unit.

`validation_frames()` runs expectations/audit.sql over the staging schema: the staged rows plus the derived
check columns (offsets slice back to the surface, base values follow from value and unit, ...), one pandas
frame per validated table. What audit.sql needs from the transforms is computed here: the metrics stage's
unit conversion (`unit_table`) and the entity lexicon's transliteration characters (`translit_chars`)
(expectations/ may read transforms/, warehouse/ may not). `sources_of_entities()` traces a failing entity row
to the staged pages that mention it.

Every frame comes in its table's primary-key order (the contract's), whatever order the staged rows are
stored or joined in: Great Expectations reports the first failing values of a frame as its examples, and
these are stored in dq_results, so two runs of the same pages must give them in the same order.
"""
from __future__ import annotations

import functools
import re
import time
from collections.abc import Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import polars as pl

from warehouse import contract
from warehouse.store import Warehouse

HERE = Path(__file__).resolve().parent


def unit_table(units: list[str | None]) -> pl.DataFrame:
    """unit -> (factor, shift, base_unit) with base_value = value * factor + shift, from the metrics stage's
    own conversion (so the check asks "is base_value what the unit says", not "is the unit table right")."""
    from transforms.metrics import to_base        # a pure function; imported lazily (reads its lexicons)

    rows = []
    for unit in units:
        try:
            zero, base_unit, _ = to_base(0.0, unit)
            one = to_base(1.0, unit)[0]
            rows.append({"unit": unit, "factor": one - zero, "shift": zero, "base_unit": base_unit})
        except (KeyError, ValueError):
            rows.append({"unit": unit, "factor": None, "shift": None, "base_unit": None})
    return pl.DataFrame(rows, schema={"unit": pl.String, "factor": pl.Float64, "shift": pl.Float64,
                                      "base_unit": pl.String})


@functools.lru_cache(maxsize=1)
def translit_chars() -> str:
    """The characters of foreign personal names in Chinese (the entity extractor's lexicon)."""
    from transforms import lexicons

    chars = "".join(lexicons.lines("entities_translit_chars.txt"))
    return "".join(sorted(set(c for c in chars if "\u4e00" <= c <= "\u9fff")))


def validation_frames(wh: Warehouse, batch_sources: list[dict],
                      columns: dict[str, list[str]] | None = None) -> dict[str, "pandas.DataFrame"]:  # noqa: F821
    """Staged rows plus derived check columns (expectations/audit.sql), one pandas frame per validated table.
    `columns` (table -> names) keeps only what the checks read: DuckDB then skips the rest, and neither
    pandas nor Great Expectations (which hashes every frame it is given) pays for it. Every frame at once:
    the gate takes them one at a time instead (`audit_frames`)."""
    with audit_frames(wh, batch_sources, columns) as frames:
        return {name: frames[name] for name in frames}


class AuditFrames(Mapping):
    """The audit frames of what is staged, each built when it is asked for and kept by nobody here, so a
    validation that takes them one table at a time holds one table's pandas frame, not all of them (Python
    strings of every mention, number and article at once were the largest part of a unit's memory)."""

    def __init__(self, con, statements: dict[str, str]):
        self._con = con
        self._statements = statements
        self.seconds = 0.0              # spent building frames (the gate reports it apart from GX's time)

    def __getitem__(self, name: str):
        t0 = time.perf_counter()
        try:
            return numpy_frame(self._con.execute(self._statements[name]).fetchnumpy())
        finally:
            self.seconds += time.perf_counter() - t0

    def ipc(self, name: str) -> "pyarrow.Buffer":  # noqa: F821
        """The same frame's rows as one Arrow IPC stream (DuckDB writes Arrow directly: no Python objects here),
        for a validator in another process (expectations/validator_process.py)."""
        import pyarrow as pa

        t0 = time.perf_counter()
        try:
            reader = self._con.sql(self._statements[name]).to_arrow_reader()
            sink = pa.BufferOutputStream()
            with pa.ipc.new_stream(sink, reader.schema) as writer:
                for part in reader:
                    writer.write_batch(part)
            return sink.getvalue()
        finally:
            self.seconds += time.perf_counter() - t0

    def __iter__(self):
        return iter(self._statements)

    def __len__(self) -> int:
        return len(self._statements)


@contextmanager
def audit_frames(wh: Warehouse, batch_sources: list[dict],
                 columns: dict[str, list[str]] | None = None) -> Iterator[AuditFrames]:
    """The audit frames of the staged unit (see `validation_frames`), built on demand while the block runs,
    after registering the two relations audit.sql joins (`dq_batch_sources`, `dq_units`)."""
    con = wh.con
    sources = pl.DataFrame(
        [{"source_id": s["source_id"], "issue_date": s.get("issue_date")} for s in batch_sources],
        schema={"source_id": pl.String, "issue_date": pl.Date})
    units = [r[0] for r in con.execute("SELECT DISTINCT unit FROM staging.metrics").fetchall()]
    con.execute("CREATE OR REPLACE TEMP MACRO txt(x) AS coalesce(CAST(x AS VARCHAR), 'null')")
    # a foreign name written without a middle dot (罗德里格斯, 尼古拉耶夫): only transliteration characters
    con.execute(f"CREATE OR REPLACE TEMP MACRO transliterated(x) AS regexp_full_match(x, '[{translit_chars()}]{{3,12}}')")
    # null when body[s:e] == surface (or there is nothing to compare), else a sentence naming the article
    con.execute("""CREATE OR REPLACE TEMP MACRO slice_problem(aid, body, s, e, surface) AS
        CASE WHEN s IS NOT NULL AND body IS NOT NULL
                  AND (e <= s OR e > length(body) OR substr(body, s + 1, e - s) IS DISTINCT FROM surface)
             THEN format('article {}: body[{}:{}] is "{}" but surface is "{}"', txt(aid), txt(s), txt(e),
                         txt(substr(body, s + 1, greatest(e - s, 0))), txt(surface)) END""")
    con.register("dq_batch_sources", sources.to_arrow(compat_level=pl.CompatLevel.newest()))
    con.register("dq_units", unit_table(units).to_arrow(compat_level=pl.CompatLevel.newest()))
    try:
        sql = (HERE / "audit.sql").read_text(encoding="utf-8")
        statements = {}
        for statement in filter(None, (s.strip() for s in sql.split(";"))):
            # the last "-- <table>" line before the query names the frame
            name = [ln[3:] for ln in statement.splitlines() if re.fullmatch(r"-- \w+", ln)][-1]
            keep = ", ".join(_quote(c) for c in columns[name]) if columns and name in columns else "*"
            order = ", ".join(_quote(c) for c in contract.BY_NAME[name].primary_key)
            statements[name] = f"SELECT {keep} FROM (\n{statement}\n) ORDER BY {order}"
        yield AuditFrames(con, statements)
    finally:
        con.unregister("dq_batch_sources")
        con.unregister("dq_units")


def numpy_frame(arrays: dict) -> "pandas.DataFrame":  # noqa: F821
    """DuckDB's `fetchnumpy()` result -> the pandas frame Great Expectations wants: int64 / float64 / bool
    numbers (integers with nulls become float64 with NaN), object strings with None for null.

    Three times faster than `.df()` followed by a conversion: with pandas 3 `.df()` gives Arrow-backed
    strings, which then have to become Python objects anyway (GX's checks treat pd.NA badly)."""
    import numpy as np
    import pandas as pd

    cols = {}
    for name, arr in arrays.items():
        mask = np.ma.getmaskarray(arr) if isinstance(arr, np.ma.MaskedArray) else None
        if mask is not None and not mask.any():
            mask = None
        data = np.ma.getdata(arr)
        kind = data.dtype.kind
        if kind in "iuf":
            if mask is None and kind != "f":
                col = data.astype("int64", copy=False)
            else:
                col = data.astype("float64", copy=True)
                if mask is not None:
                    col[mask] = np.nan
        elif kind == "b" and mask is None:
            col = data
        elif kind == "M":
            col = data.copy()
            if mask is not None:
                col[mask] = np.datetime64("NaT")
        else:
            col = data.astype(object, copy=mask is not None)
            if mask is not None:
                col[mask] = None
        cols[name] = pd.Series(col, dtype=col.dtype, copy=False)
    return pd.DataFrame(cols, copy=False)


def sources_of_entities(wh: Warehouse, entity_ids: list[str]) -> set[str]:
    """The staged pages that mention any of these entities (to quarantine when an entity row fails)."""
    if not entity_ids:
        return set()
    return {r[0] for r in wh.con.execute(
        "SELECT DISTINCT a.source_id FROM staging.entity_mentions m JOIN staging.articles a USING (article_id) "
        "WHERE list_contains(?, m.entity_id)", [list(entity_ids)]).fetchall()}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
