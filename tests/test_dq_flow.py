"""Write-audit-publish through the real flow (Prefect, Great Expectations, DuckDB; nothing mocked but one
transform output): a page whose article has a broken offset is quarantined with its reason, the published
tables stay exactly as they were, the report and the Data Docs show it, and a later good run publishes it."""
from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

from conftest import N_SEEDS, ROOT, SEEDS, run_flow

PUBLISHED = ("articles", "entities", "entity_mentions", "metrics", "page_residue")
BROKEN_PAGE = "001_3604f306ed372a90.txt"


def snapshot(warehouse) -> dict[str, list]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        out = {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in PUBLISHED}
        out["sources_loaded"] = con.execute("SELECT source_id, path, status, articles FROM sources "
                                            "WHERE status = 'loaded' ORDER BY ALL").fetchall()
        return out
    finally:
        con.close()


def corrupt_one_offset(real_transform, path_suffix: str):
    """transform_pages_timed, but the first mentioned entity of the page `path_suffix` points one character off."""
    def transform(pages):
        frames, timings = real_transform(pages)
        target = {p.source_id for p in pages if p.path.endswith(path_suffix)}
        if not target:
            return frames, timings
        arts = frames["articles"].filter(pl.col("source_id").is_in(list(target)))["article_id"].to_list()
        m = frames["entity_mentions"]
        victim = m.filter(pl.col("article_id").is_in(arts) & pl.col("char_start").is_not_null())["mention_id"][0]
        hit = pl.col("mention_id") == victim
        frames["entity_mentions"] = m.with_columns(
            pl.when(hit).then(pl.col("char_start") + 1).otherwise(pl.col("char_start")).alias("char_start"),
            pl.when(hit).then(pl.col("char_end") + 1).otherwise(pl.col("char_end")).alias("char_end"))
        return frames, timings
    return transform


@pytest.fixture()
def seeded(prefect_harness, tmp_path):
    inputs = tmp_path / "in"
    shutil.copytree(SEEDS, inputs)
    wh = tmp_path / "wh" / "zhnews.duckdb"
    first = run_flow([inputs], wh, cache_dir=str(tmp_path / "cache"))
    assert first.status == "published" and first.files_loaded == N_SEEDS and first.dq_success
    return inputs, wh


def test_broken_article_is_quarantined_and_a_later_good_run_publishes(seeded, monkeypatch, tmp_path):
    import flows.pipeline
    from expectations.report import render_report

    inputs, wh = seeded
    before = snapshot(wh)
    page = inputs / BROKEN_PAGE
    page.write_bytes(page.read_bytes() + b"\n")            # a new version of a published page...
    monkeypatch.setattr(flows.pipeline, "transform_pages_timed",  # ...whose transform output has one bad offset
                        corrupt_one_offset(flows.pipeline.transform_pages_timed, BROKEN_PAGE))
    broken = run_flow([inputs], wh, use_cache=False, cache_dir=str(tmp_path / "cache"))

    # the run reports it
    assert broken.status == "published" and not broken.dq_success
    assert broken.files_quarantined == 1 and broken.files_loaded == 0 and broken.files_skipped == 4
    path, reason = broken.quarantined[0]
    assert path.endswith(BROKEN_PAGE) and "body[char_start:char_end] == surface" in reason
    report = render_report(str(wh))
    assert "verdict: FAIL" in report and "quarantined files (1" in report and BROKEN_PAGE in report
    assert "CRITICAL entity_mentions.offset_problem" in report and "but surface is" in report

    # the published tables are exactly as before: the previous version of the page is still the one published
    assert snapshot(wh) == before
    con = duckdb.connect(str(wh), read_only=True)
    try:
        status = dict(con.execute("SELECT status, count(*) FROM sources WHERE path LIKE ? GROUP BY ALL",
                                  [f"%{BROKEN_PAGE}"]).fetchall())
        assert status == {"loaded": 1, "quarantined": 1}
        error, sid = con.execute("SELECT error, source_id FROM sources WHERE status = 'quarantined'").fetchone()
        assert error.startswith("failed critical checks:") and "surface" in error
        kept = dict(con.execute("SELECT table_name, count(*) FROM quarantine WHERE source_id = ? GROUP BY ALL",
                                [sid]).fetchall())
        assert kept["articles"] >= 1 and kept["entity_mentions"] >= 1
        failed = con.execute("SELECT table_name, column_name, unexpected_count, examples FROM dq_results WHERE "
                             "run_id = ? AND NOT success AND severity = 'critical'", [broken.run_id]).fetchall()
        assert [(t, c, n) for t, c, n, _ in failed] == [("entity_mentions", "offset_problem", 1)]
        assert "but surface is" in failed[0][3]
        assert con.execute("SELECT dq_success, files_quarantined FROM runs WHERE run_id = ?",
                           [broken.run_id]).fetchone() == (False, 1)
    finally:
        con.close()
    # the Data Docs hold the failing expectation
    docs = Path(broken.data_docs)
    pages = [p.read_text(encoding="utf-8") for p in docs.parent.rglob("*.html")]
    assert any("offset_problem" in html and "zhnews.entity_mentions" in html for html in pages)
    # batches are not fingerprinted (expectations.runner._skip_batch_fingerprint: a hash of every cell)
    assert not any("pandas_data_fingerprint" in html for html in pages)
    index = docs.read_text(encoding="utf-8")        # readable offline: a plain-HTML summary on top
    assert 'id="zhnews-run-summary"' in index and "FAILED (critical)" in index and "offset_problem" in index

    # the flow run published the same summary as Prefect artifacts (markdown and table)
    markdown, table = run_artifacts(broken.flow_run_id)
    assert "FAIL" in markdown and "offset_problem" in markdown and "body[" in markdown
    assert any(row["table"] == "entity_mentions" and row["critical_failed"] == 1 for row in table)

    # a later good run (the transform fixed) picks the quarantined page up again and publishes it normally
    monkeypatch.undo()
    good = run_flow([inputs], wh, use_cache=False, cache_dir=str(tmp_path / "cache"))
    assert good.status == "published" and good.dq_success
    assert good.files_loaded == 1 and good.files_quarantined == 0
    con = duckdb.connect(str(wh), read_only=True)
    try:
        assert con.execute("SELECT status FROM sources WHERE source_id = ?", [sid]).fetchone() == ("loaded",)
        assert con.execute("SELECT count(*) FROM articles WHERE source_id = ?", [sid]).fetchone()[0] >= 1
        assert dict(con.execute("SELECT status, count(*) FROM sources WHERE path LIKE ? GROUP BY ALL",
                                [f"%{BROKEN_PAGE}"]).fetchall()) == {"loaded": 1, "superseded": 1}
    finally:
        con.close()
    assert "verdict: PASS" in render_report(str(wh))


def run_artifacts(flow_run_id: str) -> tuple[str, list[dict]]:
    """The data-quality artifacts of a flow run, read from the Prefect API (the raw filter endpoint: the
    client's read_artifacts sends nulls this server version rejects)."""
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        arts = client.request("POST", "/artifacts/filter", json={
            "artifacts": {"flow_run_id": {"any_": [flow_run_id]}}, "limit": 50, "offset": 0,
            "sort": "CREATED_DESC"}).json()
    by_key = {}
    for a in arts:                                   # newest first
        by_key.setdefault(a["key"], a["data"])
    table = by_key["zhnews-data-quality-checks"]
    return by_key["zhnews-data-quality"], json.loads(table) if isinstance(table, str) else table


def _corpus_pages(folder: Path, pages: int, per_page: int = 4) -> None:
    """Pages built from the shared corpus (headline, blank line, paragraphs): no bylines, many entities."""
    corpus = ROOT.parent / "shared" / "corpus" / "xwlb_articles.jsonl.gz"
    if not corpus.exists():
        pytest.skip(f"corpus not found at {corpus}")
    folder.mkdir(parents=True)
    with gzip.open(corpus, "rt", encoding="utf-8") as fh:
        items = [json.loads(next(fh)) for _ in range(pages * per_page)]
    for n in range(pages):
        chunk = items[n * per_page:(n + 1) * per_page]
        text = "\n\n\n".join(a["title"] + "\n\n" + "\n\n".join(p.strip() for p in a["text"].split("\n") if p.strip())
                             for a in chunk)
        (folder / f"cctv_{n:03d}.txt").write_text(text, encoding="utf-8")


def test_drift_against_recent_runs_is_a_warning(seeded, tmp_path):
    inputs, wh = seeded
    other = tmp_path / "cctv"
    _corpus_pages(other, 4)
    run = run_flow([other], wh, cache_dir=str(tmp_path / "cache"))
    assert run.status == "published" and run.files_loaded == 4
    con = duckdb.connect(str(wh), read_only=True)
    try:
        profiles = con.execute("SELECT count(*) FROM run_profiles").fetchone()[0]
        assert profiles == 2
        drift = dict(con.execute("SELECT column_name, success FROM dq_results WHERE run_id = ? AND "
                                 "table_name = 'run_profiles'", [run.run_id]).fetchall())
        assert set(drift) == {"articles_per_page", "share_without_byline", "entities_per_article",
                              "metrics_per_article"}
        assert drift["share_without_byline"] is False           # seeds have bylines, these pages none
        sev = con.execute("SELECT DISTINCT severity FROM dq_results WHERE table_name = 'run_profiles'").fetchall()
        assert sev == [("warning",)]
    finally:
        con.close()
    from expectations.report import render_report
    report = render_report(str(wh))
    assert "drift" in report and "WARNING share_without_byline" in report
