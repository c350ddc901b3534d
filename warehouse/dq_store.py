"""The warehouse side of data quality: audit frames, quarantine, run profiles.

Kept apart from warehouse/store.py (the load itself) but working on the same `Warehouse` connection, so it
runs inside the single writer. What lives here:

- `validation_frames()`: the staged batch plus the derived check columns of warehouse/audit.sql, as pandas
  frames for Great Expectations, after registering the two relations audit.sql joins (`dq_batch_sources`,
  `dq_units`).
- `quarantine_sources()`: in one transaction, copy the staged rows of failing pages into `quarantine`, mark
  the pages `quarantined` in `sources` with the reason, and take their rows out of staging.
- `staged_profile()` / `write_profile()` / `recent_profiles()`: the shape of what a run publishes (drift).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from warehouse import contract
from warehouse.store import Warehouse, conform

HERE = Path(__file__).resolve().parent


def validation_frames(wh: Warehouse, batch_sources: list[dict], columns: dict[str, list[str]] | None = None, *,
                      unit_table, translit_chars: str) -> dict[str, "pandas.DataFrame"]:  # noqa: F821
    """Staged rows plus derived check columns (warehouse/audit.sql), one pandas frame per validated table.
    `unit_table(units)` (unit -> factor, shift, base_unit) and `translit_chars` come from the caller
    (expectations/audit_inputs.py): warehouse/ imports nothing from transforms/.
    `columns` (table -> names) keeps only what the checks read: DuckDB then skips the rest, and neither
    pandas nor Great Expectations (which hashes every frame it is given) pays for it."""
    con = wh.con
    sources = pl.DataFrame(
        [{"source_id": s["source_id"], "issue_date": s.get("issue_date")} for s in batch_sources],
        schema={"source_id": pl.String, "issue_date": pl.Date})
    units = [r[0] for r in con.execute("SELECT DISTINCT unit FROM staging.metrics").fetchall()]
    con.execute("CREATE OR REPLACE TEMP MACRO txt(x) AS coalesce(CAST(x AS VARCHAR), 'null')")
    # a foreign name written without a middle dot (罗德里格斯, 尼古拉耶夫): only transliteration characters
    con.execute(f"CREATE OR REPLACE TEMP MACRO transliterated(x) AS regexp_full_match(x, '[{translit_chars}]{{3,12}}')")
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
        frames = {}
        for statement in filter(None, (s.strip() for s in sql.split(";"))):
            # the last "-- <table>" line before the query names the frame
            name = [ln[3:] for ln in statement.splitlines() if re.fullmatch(r"-- \w+", ln)][-1]
            if columns and name in columns:
                statement = f"SELECT {', '.join(_quote(c) for c in columns[name])} FROM (\n{statement}\n)"
            frames[name] = numpy_frame(con.execute(statement).fetchnumpy())
        return frames
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


def quarantine_sources(wh: Warehouse, run_id: str, reasons: dict[str, str], loaded_meta: list[dict]) -> list[dict]:
    """Quarantine pages of the staged batch in one transaction: their staged rows go to `quarantine` (as JSON,
    with the reason), their `sources` rows get status `quarantined` and the reason, and their rows leave
    staging. `reasons` maps source_id -> reason. Returns the source rows written."""
    if not reasons:
        return []
    con = wh.con
    now = _now()
    by_reason: dict[str, list[str]] = {}
    for sid, reason in reasons.items():
        by_reason.setdefault(reason, []).append(sid)
    ids = list(reasons)
    rows = [{**m, "status": "quarantined", "error": f"failed critical checks: {reasons[m['source_id']]}",
             "articles": 0} for m in loaded_meta if m["source_id"] in reasons]
    with wh.transaction():
        for reason, sids in by_reason.items():
            wh.quarantine_rows(run_id, sorted(sids), reason)
        first = dict(con.execute("SELECT source_id, first_run_id FROM sources WHERE list_contains(?, source_id)",
                                 [ids]).fetchall())
        full = [{**r, "first_run_id": first.get(r["source_id"], run_id), "last_run_id": run_id,
                 "ingested_at": now} for r in rows]
        con.execute("DELETE FROM sources WHERE list_contains(?, source_id)", [ids])
        frame = conform(pl.DataFrame(full, infer_schema_length=None), contract.SOURCES)
        con.register("_dq_sources", frame.to_arrow(compat_level=pl.CompatLevel.newest()))
        try:
            con.execute("INSERT INTO sources BY NAME SELECT * FROM _dq_sources")
        finally:
            con.unregister("_dq_sources")
        wh.drop_staged_sources(ids)
    return rows


# -- run profiles (drift) ------------------------------------------------------------------------
PROFILE_MEASURES = ("articles_per_page", "share_without_byline", "entities_per_article", "metrics_per_article")


@dataclass
class ProfileCounts:
    """Additive counts over the batches a run publishes; ratios come at the end of the run."""
    pages: int = 0
    articles: int = 0
    without_byline: int = 0
    mentions: int = 0
    metrics: int = 0

    def add(self, other: "ProfileCounts") -> None:
        for k in ("pages", "articles", "without_byline", "mentions", "metrics"):
            setattr(self, k, getattr(self, k) + getattr(other, k))

    def measures(self) -> dict[str, float | None]:
        a = self.articles
        return {
            "articles_per_page": a / self.pages if self.pages else None,
            "share_without_byline": self.without_byline / a if a else None,
            "entities_per_article": self.mentions / a if a else None,
            "metrics_per_article": self.metrics / a if a else None,
        }


def staged_profile(wh: Warehouse) -> ProfileCounts:
    """Counts of what is staged now (called just before publish, after quarantined pages left staging)."""
    pages, articles, without = wh.con.execute(
        "SELECT count(DISTINCT source_id), count(*), "
        "count(*) FILTER (WHERE coalesce(len(reporters), 0) + coalesce(len(correspondents), 0) = 0) "
        "FROM staging.articles").fetchone()
    mentions = wh.con.execute("SELECT count(*) FROM staging.entity_mentions WHERE role = 'mentioned'").fetchone()[0]
    metrics = wh.con.execute("SELECT count(*) FROM staging.metrics").fetchone()[0]
    return ProfileCounts(pages, articles, without, mentions, metrics)


def write_profile(wh: Warehouse, run_id: str, counts: ProfileCounts) -> None:
    row = {"run_id": run_id, "computed_at": _now(), "pages": counts.pages, "articles": counts.articles,
           **counts.measures()}
    frame = conform(pl.DataFrame([row], infer_schema_length=None), contract.RUN_PROFILES)
    wh.con.execute("DELETE FROM run_profiles WHERE run_id = ?", [run_id])
    wh.con.register("_dq_profile", frame.to_arrow(compat_level=pl.CompatLevel.newest()))
    try:
        wh.con.execute("INSERT INTO run_profiles BY NAME SELECT * FROM _dq_profile")
    finally:
        wh.con.unregister("_dq_profile")


def recent_profiles(wh: Warehouse, before_run: str, limit: int, min_pages: int) -> list[dict]:
    """The latest `limit` profiles of other runs that published at least `min_pages` pages."""
    cur = wh.con.execute(
        f"SELECT run_id, pages, articles, {', '.join(PROFILE_MEASURES)} FROM run_profiles "
        "WHERE run_id <> ? AND pages >= ? ORDER BY computed_at DESC LIMIT ?", [before_run, min_pages, limit])
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
