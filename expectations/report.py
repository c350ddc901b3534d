"""The data-quality report: `zhnews report` prints it, and every flow run publishes it as Prefect artifacts.

One summary, three renderings (text for the terminal, markdown and a table for Prefect): the run's verdict;
per table the checks passed and failed (critical / warning); the worst failures, critical first and most
rows first, with examples; drift of the run's profile; the quarantined and rejected files with their reasons;
and the path of the Great Expectations Data Docs. Reads the warehouse only, so `zhnews report` opens it
read-only and works while nothing else is writing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from warehouse.contract import RUN_COUNTS
from warehouse.store import WarehouseError, read_only

WORST = 8
LIST_FILES = 10


@dataclass
class Summary:
    run: dict
    checked_run: str | None                  # the run whose checks are shown (latest that validated data)
    tables: list[tuple] = field(default_factory=list)      # (table, checks, passed, critical, warning)
    worst: list[tuple] = field(default_factory=list)       # (severity, table, column, description, rows, examples)
    drift: list[tuple] = field(default_factory=list)       # (measure, value, success, description)
    quarantined: list[tuple] = field(default_factory=list)  # (path, error, rows kept)
    rejected: list[tuple] = field(default_factory=list)     # (path, error)
    quarantined_total: int = 0

    @property
    def passed(self) -> bool:
        return all(crit == 0 for _, _, _, crit, _ in self.tables) and not self.quarantined


_RUN_COLUMNS = ("run_id", "status", "started_at", "finished_at", *RUN_COUNTS, "dq_success", "data_docs")


def collect(con, run_id: str | None = None) -> Summary:
    """The summary of `run_id` (default: the latest run) from an open DuckDB connection."""
    where = "WHERE run_id = ?" if run_id else ""
    row = con.execute(f"SELECT {', '.join(_RUN_COLUMNS)} FROM runs {where} ORDER BY started_at DESC LIMIT 1",
                      [run_id] if run_id else []).fetchone()
    if row is None and run_id:
        raise WarehouseError(f"no run {run_id!r} in the warehouse: `zhnews sql \"SELECT run_id, status, started_at "
                             f"FROM runs ORDER BY started_at DESC\"` lists the runs")
    if row is None:
        raise WarehouseError("no runs recorded in the warehouse: run `zhnews run` first")
    run = dict(zip(_RUN_COLUMNS, row))
    rid = run["run_id"]
    checked = con.execute("SELECT r.run_id FROM runs r WHERE r.started_at <= ? AND EXISTS (SELECT 1 FROM dq_results d "
                          "WHERE d.run_id = r.run_id) ORDER BY r.started_at DESC LIMIT 1",
                          [run["started_at"]]).fetchone()
    s = Summary(run, checked[0] if checked else None)
    if s.checked_run:
        # one line per check: failed when it failed in any batch of the run; rows summed over batches
        per_check = """
            SELECT table_name, expectation, column_name, description, any_value(severity) AS severity,
                   bool_and(success) AS ok, sum(unexpected_count) FILTER (WHERE NOT success) AS n,
                   string_agg(examples, ' | ') FILTER (WHERE NOT success) AS examples
            FROM dq_results WHERE run_id = ? GROUP BY ALL"""
        s.tables = con.execute(f"""
            SELECT table_name, count(*), count(*) FILTER (WHERE ok),
                   count(*) FILTER (WHERE NOT ok AND severity = 'critical'),
                   count(*) FILTER (WHERE NOT ok AND severity = 'warning')
            FROM ({per_check}) WHERE table_name <> 'run_profiles' GROUP BY table_name ORDER BY table_name""",
                               [s.checked_run]).fetchall()
        s.worst = con.execute(f"""
            SELECT severity, table_name, column_name, description, n, examples FROM ({per_check})
            WHERE NOT ok AND table_name <> 'run_profiles'
            ORDER BY severity = 'critical' DESC, n DESC NULLS LAST, table_name LIMIT {WORST}""",
                              [s.checked_run]).fetchall()
        s.drift = con.execute(f"""
            SELECT column_name, examples, ok, description FROM ({per_check})
            WHERE table_name = 'run_profiles' ORDER BY column_name""", [s.checked_run]).fetchall()
        s.drift = [(m, _profile_value(con, s.checked_run, m), ok, d) for m, _, ok, d in s.drift]
    s.quarantined = con.execute("""
        SELECT s.path, s.error, (SELECT count(*) FROM quarantine q WHERE q.source_id = s.source_id
                                 AND q.run_id = s.last_run_id)
        FROM sources s WHERE s.status = 'quarantined' AND s.last_run_id = ? ORDER BY s.path""", [rid]).fetchall()
    s.rejected = con.execute("SELECT path, error FROM sources WHERE status = 'rejected' AND last_run_id = ? "
                             "ORDER BY path", [rid]).fetchall()
    s.quarantined_total = con.execute("SELECT count(*) FROM sources WHERE status = 'quarantined'").fetchone()[0]
    return s


def _profile_value(con, run_id: str, measure: str):
    try:
        return con.execute(f"SELECT {measure} FROM run_profiles WHERE run_id = ?", [run_id]).fetchone()[0]
    except Exception:  # noqa: BLE001 - an unknown measure name: show no value
        return None


def _clip(text: str | None, n: int = 160) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


def warnings_failed(s: Summary) -> int:
    """Warning checks that failed (per table) plus drift measures out of their recent range."""
    return sum(t[4] for t in s.tables) + sum(1 for _, _, ok, _ in s.drift if not ok)


def _verdict(s: Summary) -> str:
    crit = sum(t[3] for t in s.tables)
    if s.passed:
        warn = warnings_failed(s)
        if warn:
            return f"PASS — every critical check passed; {warn} warning{'s' if warn != 1 else ''} (below)"
        return "PASS — every check passed"
    parts = []
    if crit:
        parts.append(f"{crit} critical check{'s' if crit != 1 else ''} failed")
    if s.quarantined:
        parts.append(f"{len(s.quarantined)} file{'s' if len(s.quarantined) != 1 else ''} quarantined, "
                     "the rest published")
    return "FAIL — " + "; ".join(parts)


def render_text(s: Summary, docs: str | None = None) -> str:
    r = s.run
    started = r["started_at"]
    lines = [
        f"zhnews data-quality report — run {r['run_id']} ({r['status']}, started {started:%Y-%m-%d %H:%M:%S} UTC)",
        f"files: {r['files_seen']} seen, {r['files_loaded']} loaded, {r['files_skipped']} skipped, "
        f"{r['files_rejected']} rejected, {r['files_quarantined'] or 0} quarantined; "
        f"published {r['articles']} articles, {r['mentions']} mentions, {r['metrics']} metrics",
        f"verdict: {_verdict(s)}",
        "",
    ]
    if s.checked_run and s.checked_run != r["run_id"]:
        lines += [f"(this run loaded nothing new; the checks below are from run {s.checked_run}, the latest that "
                  "validated data)", ""]
    if s.tables:
        lines.append(f"{'table':<18}{'checks':>7}{'passed':>8}{'critical':>10}{'warning':>9}")
        for table, n, ok, crit, warn in s.tables:
            mark = "  <- FAILED" if crit else ""
            lines.append(f"{table:<18}{n:>7}{ok:>8}{crit:>10}{warn:>9}{mark}")
    else:
        lines.append("no checks recorded yet")
    if s.worst:
        lines += ["", "worst failures:"]
        for sev, table, col, desc, n, ex in s.worst:
            lines.append(f"  {sev.upper():<8} {table}.{col or '*'}: {desc} — {n if n is not None else '?'} rows")
            if ex:
                lines.append(f"           e.g. {_clip(ex)}")
    if s.drift:
        lines += ["", "drift (this run vs recent runs):"]
        for measure, value, ok, desc in s.drift:
            shown = f"{value:.3g}" if isinstance(value, (int, float)) else "?"
            lines.append(f"  {'ok     ' if ok else 'WARNING'} {measure} = {shown}  ({desc.split(': ', 1)[-1]})")
    if s.quarantined:
        lines += ["", f"quarantined files ({len(s.quarantined)}; rows kept in table `quarantine`):"]
        for path, err, n in s.quarantined[:LIST_FILES]:
            lines.append(f"  {path} ({n} rows) — {_clip(err, 240)}")
        if len(s.quarantined) > LIST_FILES:
            lines.append(f"  … and {len(s.quarantined) - LIST_FILES} more: "
                         f"SELECT path, error FROM sources WHERE status = 'quarantined'")
    if s.rejected:
        lines += ["", f"rejected files ({len(s.rejected)}):"]
        lines += [f"  {path} — {_clip(err)}" for path, err in s.rejected[:LIST_FILES]]
    if s.quarantined_total and s.quarantined_total != len(s.quarantined):
        lines += ["", f"{s.quarantined_total} files are quarantined in the warehouse in all"]
    docs = docs or r.get("data_docs")
    lines += ["", f"Data Docs: {Path(docs).resolve() if docs and Path(docs).exists() else 'not built'}"]
    return "\n".join(lines)


def render_markdown(s: Summary, docs: str | None = None) -> str:
    r = s.run
    out = [f"# zhnews data quality — run {r['run_id']}", "",
           f"**{_verdict(s)}**", "",
           f"files: {r['files_seen']} seen, {r['files_loaded']} loaded, {r['files_skipped']} skipped, "
           f"{r['files_rejected']} rejected, {r['files_quarantined'] or 0} quarantined", ""]
    if s.tables:
        out += ["| table | checks | passed | critical failed | warning failed |", "|---|---:|---:|---:|---:|"]
        out += [f"| {t} | {n} | {ok} | {c} | {w} |" for t, n, ok, c, w in s.tables]
    if s.worst:
        out += ["", "## Worst failures", ""]
        for sev, table, col, desc, n, ex in s.worst:
            out.append(f"- **{sev}** `{table}.{col or '*'}`: {desc} — {n} rows" + (f"; e.g. `{_clip(ex, 120)}`"
                                                                                     if ex else ""))
    if s.drift:
        out += ["", "## Drift", ""]
        out += [f"- {'ok' if ok else '**warning**'} `{m}` = {v:.3g} ({d.split(': ', 1)[-1]})"
                if isinstance(v, (int, float)) else f"- `{m}`: {d}" for m, v, ok, d in s.drift]
    if s.quarantined:
        out += ["", "## Quarantined files", ""]
        out += [f"- `{p}` ({n} rows): {_clip(e, 240)}" for p, e, n in s.quarantined[:LIST_FILES]]
    if s.rejected:
        out += ["", "## Rejected files", ""]
        out += [f"- `{p}`: {_clip(e)}" for p, e in s.rejected[:LIST_FILES]]
    docs = docs or r.get("data_docs")
    out += ["", f"Data Docs: `{docs}`"]
    return "\n".join(out)


def table_rows(s: Summary) -> list[dict]:
    return [{"table": t, "checks": n, "passed": ok, "critical_failed": c, "warning_failed": w}
            for t, n, ok, c, w in s.tables]


def to_json(s: Summary, docs: str | None = None) -> dict:
    """The summary as plain JSON values (`zhnews report --json`)."""
    def plain(value):
        return value.isoformat() if hasattr(value, "isoformat") else value

    docs = docs or s.run.get("data_docs")
    return {
        "run": {k: plain(v) for k, v in s.run.items()},
        "checked_run": s.checked_run,
        "verdict": _verdict(s),
        "passed": s.passed,
        "warnings": warnings_failed(s),
        "tables": table_rows(s),
        "worst_failures": [{"severity": sev, "table": t, "column": c, "description": d, "rows": n, "examples": ex}
                           for sev, t, c, d, n, ex in s.worst],
        "drift": [{"measure": m, "value": v, "ok": ok, "description": d} for m, v, ok, d in s.drift],
        "quarantined": [{"path": p, "error": e, "rows_kept": n} for p, e, n in s.quarantined],
        "rejected": [{"path": p, "error": e} for p, e in s.rejected],
        "quarantined_total": s.quarantined_total,
        "data_docs": str(Path(docs).resolve()) if docs and Path(docs).exists() else None,
    }


def render_report(warehouse: str, run_id: str | None = None, as_json: bool = False) -> str:
    """What `zhnews report` prints: the latest run (or `run_id`), as text or JSON."""
    import json

    import duckdb

    con = read_only(warehouse)
    try:
        s = collect(con, run_id)
    except duckdb.CatalogException:
        raise WarehouseError(f"{warehouse} has no zhnews tables (is it a zhnews warehouse?): "
                             f"run `zhnews run --warehouse {warehouse}` first") from None
    finally:
        con.close()
    return json.dumps(to_json(s), ensure_ascii=False, indent=2) if as_json else render_text(s)


def publish_artifacts(con, run_id: str, docs: str | Path) -> None:
    """The same summary as Prefect artifacts of the current flow run (markdown and a table). The flow calls it
    once the run's `runs` row is final."""
    from prefect.artifacts import create_markdown_artifact, create_table_artifact

    s = collect(con, run_id)
    create_markdown_artifact(key="zhnews-data-quality", markdown=render_markdown(s, str(docs)),
                             description=f"zhnews data quality, run {run_id}")
    create_table_artifact(key="zhnews-data-quality-checks", table=table_rows(s) or [{"table": "(none)"}],
                          description=f"zhnews checks per table, run {run_id}: {_verdict(s)}")
