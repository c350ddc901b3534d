"""The data-quality report printed by `zhnews report`: the latest run at a glance.

Per table: checks passed and failed; then the worst failures (critical first, most rows first) with
examples; quarantined and rejected files; and the path of the Great Expectations Data Docs index.
Reads the warehouse read-only, so it works while nothing else is writing.
"""
from __future__ import annotations

from pathlib import Path

from warehouse.store import WarehouseError, read_only


def render_report(warehouse: str) -> str:
    con = read_only(warehouse)
    try:
        run = con.execute("SELECT run_id, status, started_at, finished_at, files_seen, files_loaded, files_skipped, "
                          "files_rejected, files_quarantined, articles, mentions, metrics, dq_success, data_docs "
                          "FROM runs ORDER BY started_at DESC LIMIT 1").fetchone()
        if run is None:
            raise WarehouseError(f"no runs recorded in {warehouse}: run `zhnews run` first")
        (run_id, status, started, finished, seen, loaded, skipped, rejected, quarantined, arts, ments, mets,
         dq_ok, docs) = run
        lines = [f"zhnews data-quality report — run {run_id} ({status}, started {started:%Y-%m-%d %H:%M:%S} UTC)",
                 f"files: {seen} seen, {loaded} loaded, {skipped} skipped, {rejected} rejected, "
                 f"{quarantined or 0} quarantined; rows published: {arts} articles, {ments} mentions, {mets} metrics",
                 f"verdict: {'PASS — every critical check passed' if dq_ok else 'FAIL — critical checks failed'}",
                 ""]
        checked = con.execute("SELECT r.run_id FROM runs r WHERE EXISTS (SELECT 1 FROM dq_results d WHERE "
                              "d.run_id = r.run_id) ORDER BY r.started_at DESC LIMIT 1").fetchone()
        if checked and checked[0] != run_id:
            lines.append(f"(this run loaded nothing new; checks below are from run {checked[0]}, the latest that "
                         "validated data)")
            run_id = checked[0]
        per_table = con.execute(
            "SELECT table_name, count(*) FILTER (WHERE success), count(*) FILTER (WHERE NOT success AND "
            "severity='critical'), count(*) FILTER (WHERE NOT success AND severity='warning') "
            "FROM dq_results WHERE run_id = ? GROUP BY table_name ORDER BY table_name", [run_id]).fetchall()
        if per_table:
            lines.append(f"{'table':<18}{'passed':>8}{'critical':>10}{'warning':>9}")
            for table, ok, crit, warn in per_table:
                lines.append(f"{table:<18}{ok:>8}{crit:>10}{warn:>9}")
        else:
            lines.append("no checks ran in this run (nothing new to load)")
        worst = con.execute(
            "SELECT severity, table_name, column_name, description, sum(unexpected_count) AS n, any_value(examples) "
            "FROM dq_results WHERE run_id = ? AND NOT success GROUP BY severity, table_name, column_name, description "
            "ORDER BY severity = 'critical' DESC, n DESC NULLS LAST LIMIT 10", [run_id]).fetchall()
        if worst:
            lines += ["", "worst failures:"]
            for sev, table, col, desc, n, ex in worst:
                lines.append(f"  [{sev}] {table}.{col or '*'}: {desc} — {n} rows" + (f"; e.g. {ex}" if ex else ""))
        bad = con.execute("SELECT status, path, error FROM sources WHERE last_run_id = ? AND status IN "
                          "('quarantined', 'rejected') ORDER BY status, path", [run_id]).fetchall()
        if bad:
            lines += ["", "files not loaded:"]
            lines += [f"  {st}: {path} — {err}" for st, path, err in bad]
        docs_path = Path(docs) if docs else None
        lines += ["", f"Data Docs: {docs_path.resolve() if docs_path and docs_path.exists() else 'not built'}"]
        return "\n".join(lines)
    finally:
        con.close()
