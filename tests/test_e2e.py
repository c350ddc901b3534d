"""One real flow run over seeds/ (real Prefect, Great Expectations and DuckDB; nothing mocked)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import re

from conftest import N_SEEDS, SEEDS
from warehouse.contract import PAGE_TABLE_NAMES


def test_every_contract_table_has_rows(seed_run, seed_db):
    for table in ("sources", "articles", "entities", "entity_mentions", "metrics", "runs", "dq_results"):
        assert seed_db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] > 0, table
    assert seed_run["first"].status == "published"
    assert seed_run["first"].files_loaded == N_SEEDS


def test_articles_have_headlines_and_reporters(seed_db):
    rows = seed_db.execute("SELECT headline, reporters, correspondents FROM articles").fetchall()
    headlines = {h for h, _, _ in rows}
    assert "河南省信息消费产业园区揭牌运营" in headlines
    assert "伏羲山第十七届杏花节开幕" in headlines
    assert len(rows) >= 20
    reporters = {name for _, rs, _ in rows for name in rs}
    correspondents = {name for _, _, cs in rows for name in cs}
    assert {"王赛华", "鲁慧", "史治国", "孙庆辉"} <= reporters
    assert {"李保玲", "张盼"} <= correspondents
    bodies = seed_db.execute("SELECT string_agg(body, '\n') FROM articles").fetchone()[0]
    assert "记者 王赛华" not in bodies and "通讯员 李保玲" not in bodies


def test_persons_carry_the_titles_the_text_gives(seed_db):
    rows = seed_db.execute("""
        SELECT e.name, m.title FROM entity_mentions m JOIN entities e USING (entity_id)
        WHERE e.entity_type = 'person' AND m.title IS NOT NULL""").fetchall()
    titles = {}
    for name, title in rows:
        titles.setdefault(name, set()).add(title)
    assert any("荥阳市委书记" in t for t in titles.get("杨金军", ()))
    assert any("管委会主任" in t for t in titles.get("张波", ()))
    roles = dict(seed_db.execute("""
        SELECT m.role, count(*) FROM entity_mentions m GROUP BY m.role""").fetchall())
    assert roles.get("reporter", 0) > 10 and roles.get("correspondent", 0) > 3 and roles.get("mentioned", 0) > 50


def test_metrics_have_base_values(seed_db):
    rows = seed_db.execute("SELECT surface, base_value, base_unit, qualifier, low FROM metrics").fetchall()
    by_surface = {r[0]: r for r in rows}
    assert by_surface["超2000亿元"][1:3] == (2e11, "CNY")
    assert by_surface["328亿元"][1] == 3.28e10
    surfaces = {r[0] for r in rows}
    assert not {s for s in surfaces if s.startswith("2号馆")}


def test_road_names_are_not_quantities(seed_db):
    """310国道 is a name, not a quantity: no metric covers the number of a road name in the body text."""
    roads = [(aid, m.start(), m.end()) for aid, body in seed_db.execute("SELECT article_id, body FROM articles").fetchall()
             for m in re.finditer(r"\d+国道", body)]
    assert roads, "the seeds no longer name a road like 310国道: the test has nothing to check"
    spans = seed_db.execute("SELECT article_id, char_start, char_end FROM metrics WHERE char_start IS NOT NULL").fetchall()
    hits = [(aid, s, e) for aid, s, e in spans for raid, rs, re_ in roads if aid == raid and s < re_ and rs < e]
    assert not hits, hits


def test_offsets_slice_back_to_surface_on_every_row(seed_db):
    for table in ("entity_mentions", "metrics"):
        bad = seed_db.execute(f"""
            SELECT count(*) FROM {table} m JOIN articles a USING (article_id)
            WHERE m.char_start IS NOT NULL
              AND substr(a.body, m.char_start + 1, m.char_end - m.char_start) <> m.surface""").fetchone()[0]
        total = seed_db.execute(f"SELECT count(*) FROM {table} WHERE char_start IS NOT NULL").fetchone()[0]
        assert total > 0 and bad == 0, table
    # and in Python, with Python's own string slicing
    rows = seed_db.execute("""SELECT a.body, m.char_start, m.char_end, m.surface FROM metrics m
                              JOIN articles a USING (article_id)""").fetchall()
    assert all(body[s:e] == surface for body, s, e, surface in rows)


def test_rerun_changes_no_row(seed_run):
    assert seed_run["counts1"] == seed_run["counts2"]
    assert seed_run["second"].files_skipped == N_SEEDS and seed_run["second"].files_loaded == 0
    assert all(seed_run["counts1"][t] > 0 for t in PAGE_TABLE_NAMES if t != "page_residue")


def test_runs_and_dq_results_recorded(seed_run, seed_db):
    runs = seed_db.execute("SELECT status, files_loaded, files_skipped, dq_success FROM runs ORDER BY started_at"
                           ).fetchall()
    assert [r[0] for r in runs] == ["published", "published"]
    assert runs[0][1] == N_SEEDS and runs[1][2] == N_SEEDS
    failed = seed_db.execute("SELECT table_name, description FROM dq_results WHERE NOT success AND "
                             "severity = 'critical'").fetchall()
    assert failed == []


def test_report_prints_summary_and_existing_data_docs(seed_run):
    out = subprocess.run([sys.executable, "-m", "flows.cli", "report", "--warehouse", str(seed_run["warehouse"])],
                         capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parent.parent)
    assert "verdict: PASS" in out.stdout
    assert "articles" in out.stdout and "entity_mentions" in out.stdout
    docs = out.stdout.rsplit("Data Docs: ", 1)[1].strip()
    assert docs.endswith("index.html") and Path(docs).is_file()
    assert "zhnews.articles" in Path(docs).read_text(encoding="utf-8")
