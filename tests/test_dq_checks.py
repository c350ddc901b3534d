"""Data-quality checks without Prefect: the suites cover the contract, the audit columns of
expectations/audit.sql flag exactly the faulty rows, and Great Expectations traces critical failures to pages."""
from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from expectations import audit
from expectations.suites import all_checks, audit_check, contract_checks, fk_problem_column, foreign_key_checks
from warehouse import contract
from warehouse.store import Warehouse

GOOD, BAD = "a" * 64, "b" * 64
BODY = "郑州市长王明说，全市投资超2000亿元。"


def _article(aid, sid, seq, body=BODY, month=None, day=None, **kw):
    return {"article_id": aid, "source_id": sid, "seq": seq, "headline": "郑州投资创新高", "body": body,
            "char_count": len(body), "paragraph_count": 1, "token_count": 10, "reporters": ["王赛华"],
            "correspondents": [], "keywords": ["投资"], "flags": [], "dateline_month": month,
            "dateline_day": day, **kw}


def _mention(mid, aid, surface, start, eid="e_wm", role="mentioned"):
    end = None if start is None else start + len(surface)
    return {"mention_id": mid, "article_id": aid, "entity_id": eid, "surface": surface, "char_start": start,
            "char_end": end, "role": role, "title": None}


def _metric(mid, aid, start, surface="超2000亿元", value=2000.0, unit="亿元", base=2e11):
    return {"metric_id": mid, "article_id": aid, "surface": surface, "char_start": start,
            "char_end": start + len(surface), "value": value, "unit": unit, "base_value": base, "base_unit": "CNY",
            "kind": "money", "qualifier": "超", "low": base, "high": None}


def batch_frames() -> dict[str, pl.DataFrame]:
    """Page GOOD is right; page BAD has one fault of each kind the audits catch."""
    s_wm, s_inv = BODY.index("王明"), BODY.index("超2000亿元")
    articles = [
        _article("g1", GOOD, 1, month=3, day=9),
        _article("b1", BAD, 1, month=2, day=30),                          # 2月30日 does not exist
        _article("b2", BAD, 2, body=""),                                  # empty body, no no_body flag
    ]
    mentions = [
        _mention("gm1", "g1", "王明", s_wm),
        _mention("gm2", "g1", "王赛华", None, eid="e_wsh", role="reporter"),
        _mention("bm1", "b1", "王明", s_wm + 1),                            # offset off by one
        _mention("bm2", "ghost", "王明", s_wm),                             # article not in the batch
        _mention("bm3", "b1", "王明", s_wm, eid="e_bad"),                   # its entity has no valid type
    ]
    metrics = [
        _metric("gx1", "g1", s_inv),
        _metric("bx1", "b1", s_inv, base=2e10),                           # 2000亿元 is 2e11, not 2e10
    ]
    entities = [{"entity_id": "e_wm", "entity_type": "person", "name": "王明"},
                {"entity_id": "e_wsh", "entity_type": "person", "name": "王赛华"},
                {"entity_id": "e_bad", "entity_type": "animal", "name": "王明"},
                {"entity_id": "e_fn", "entity_type": "person", "name": "罗德里格斯"},     # a foreign name: fine
                {"entity_id": "e_hy", "entity_type": "person", "name": "迪亚斯-卡内尔"},  # hyphenated: fine
                {"entity_id": "e_run", "entity_type": "person", "name": "王明表示今"}]     # running text: warned
    return {"articles": pl.DataFrame(articles), "entity_mentions": pl.DataFrame(mentions),
            "metrics": pl.DataFrame(metrics), "entities": pl.DataFrame(entities),
            "page_residue": pl.DataFrame([{"source_id": GOOD, "seq": 1, "kind": "banner", "text": "要闻"}])}


BATCH = [{"source_id": GOOD, "path": "good.txt", "bytes": 10, "encoding": "utf-8", "issue_date": dt.date(2024, 3, 10)},
         {"source_id": BAD, "path": "bad.txt", "bytes": 10, "encoding": "utf-8", "issue_date": None}]


@pytest.fixture()
def staged(tmp_path):
    wh = Warehouse(tmp_path / "z.duckdb")
    wh.ensure_schema()
    wh.stage(batch_frames())
    yield wh
    wh.close()


def test_every_contract_key_and_foreign_key_is_checked():
    checks = all_checks()
    for name, cks in checks.items():
        table = contract.BY_NAME[name]
        cols = {c.column for c in cks}
        if table.primary_key:
            assert ",".join(table.primary_key) in cols or table.primary_key[0] in cols, name
        for fk in table.foreign_keys:
            assert fk_problem_column(fk) in cols, (name, fk)
        assert {c.severity for c in cks} <= {"critical", "warning"}


def test_audit_checks_are_the_audits_declared_beside_their_tables():
    """suites.py keeps no list of its own: every check not derived from a column, a key or a foreign key is an
    `Audit` of its table in the contract, in the contract's order; only validated tables declare audits."""
    for name, cks in all_checks().items():
        table = contract.BY_NAME[name]
        derived = contract_checks(table) + foreign_key_checks(table)
        rest = [c for c in cks if c not in derived]
        assert [(c.column, c.severity, c.description) for c in rest] == \
            [(a.column, a.severity, a.description) for a in table.audits], name
    assert not [t.name for t in contract.ALL_TABLES if t.audits and t.name not in contract.CONTENT_TABLE_NAMES]


def test_an_audit_becomes_its_kinds_expectation_with_the_bounds_it_sets():
    t = contract.METRICS
    between = audit_check(t, contract.Audit("n", "at most 9", contract.WARNING, "between", max=9))
    assert (between.expectation, between.kwargs, between.severity) == \
        ("ExpectColumnValuesToBeBetween", {"column": "n", "max_value": 9}, "warning")
    lengths = audit_check(t, contract.Audit("s", "not empty", kind="lengths", min=1))
    assert (lengths.expectation, lengths.kwargs, lengths.severity) == \
        ("ExpectColumnValueLengthsToBeBetween", {"column": "s", "min_value": 1}, "critical")
    null = audit_check(t, contract.Audit("x_problem", "x is fine"))
    assert (null.expectation, null.kwargs) == ("ExpectColumnValuesToBeNull", {"column": "x_problem"})
    with pytest.raises(ValueError):
        contract.Audit("x", "y", kind="unique")


def test_audit_columns_exist_for_every_check(staged):
    frames = audit.validation_frames(staged, BATCH)
    for table, cks in all_checks().items():
        for c in cks:
            for col in (c.column or "").split(","):
                assert col in frames[table].columns, (table, col)


def test_audit_flags_exactly_the_faulty_rows(staged):
    f = audit.validation_frames(staged, BATCH)

    def flagged(table, column, key):
        frame = f[table]
        return sorted(frame.loc[frame[column].notna(), key])

    assert flagged("articles", "dateline_problem", "article_id") == ["b1"]
    assert "2月30日 does not exist" in f["articles"].set_index("article_id").loc["b1", "dateline_problem"]
    assert flagged("articles", "body_problem", "article_id") == ["b2"]
    assert flagged("articles", "source_problem", "article_id") == []
    assert flagged("entity_mentions", "offset_problem", "mention_id") == ["bm1"]
    assert 'but surface is "王明"' in f["entity_mentions"].set_index("mention_id").loc["bm1", "offset_problem"]
    assert flagged("entity_mentions", "article_problem", "mention_id") == ["bm2"]
    assert flagged("metrics", "offset_problem", "metric_id") == []
    assert flagged("metrics", "base_value_problem", "metric_id") == ["bx1"]
    assert "200000000000" in f["metrics"].set_index("metric_id").loc["bx1", "base_value_problem"]
    assert flagged("entities", "name_problem", "entity_id") == ["e_run"]


def test_audit_frames_come_in_primary_key_order_whatever_the_staged_order(staged, tmp_path):
    """The failing examples Great Expectations stores in dq_results are the first in frame order: the same rows
    staged in the opposite order must give the same frames, sorted by the table's primary key."""
    forward = audit.validation_frames(staged, BATCH)
    other = Warehouse(tmp_path / "reversed.duckdb")
    other.ensure_schema()
    other.stage({name: frame.reverse() for name, frame in batch_frames().items()})
    backward = audit.validation_frames(other, BATCH)
    other.close()
    for name, frame in forward.items():
        keys = list(frame[list(contract.BY_NAME[name].primary_key)].itertuples(index=False))
        assert keys == sorted(keys), name
        assert frame.equals(backward[name]), name


def test_foreign_key_to_sources_uses_the_batch(staged):
    f = audit.validation_frames(staged, BATCH[:1])        # BAD is not a page of this batch
    arts = f["articles"]
    assert sorted(arts.loc[arts.source_problem.notna(), "article_id"]) == ["b1", "b2"]


def test_great_expectations_traces_critical_failures_to_the_bad_page(staged, tmp_path):
    from expectations.gate import Gate

    gate = Gate(staged, "test-run", tmp_path)
    # a mention of an article that is in no page cannot be blamed on a page: nothing of the batch may publish
    verdict = gate.check(BATCH)
    assert [r.check.column for r in verdict.unattributed] == ["article_problem"]
    assert set(verdict.reasons) == {GOOD, BAD}
    staged.con.execute("DELETE FROM staging.entity_mentions WHERE article_id = 'ghost'")

    verdict = gate.check(BATCH)
    assert set(verdict.reasons) == {BAD}, verdict.reasons
    reason = verdict.reasons[BAD]
    assert "body[char_start:char_end] == surface" in reason and "base_value" in reason
    failed = {(r.check.table, r.check.column) for r in verdict.critical}
    assert {("entity_mentions", "offset_problem"), ("articles", "dateline_problem"), ("articles", "body_problem"),
            ("metrics", "base_value_problem"), ("entities", "entity_type")} == failed
    assert "entity_type in person" in reason            # an entity row is blamed on the page mentioning it
    offset = next(r for r in verdict.critical if r.check.table == "entity_mentions")
    assert offset.unexpected_count == 1 and "王明" in offset.examples[0]
    # the page's rows go to quarantine, its sources row says why, staging keeps only the good page
    rows = staged.quarantine("test-run", verdict.reasons, BATCH)
    assert [r["source_id"] for r in rows] == [BAD]
    con = staged.con
    assert con.execute("SELECT status, error LIKE 'failed critical checks:%' FROM sources").fetchall() == \
        [("quarantined", True)]
    kept = dict(con.execute("SELECT table_name, count(*) FROM quarantine GROUP BY ALL").fetchall())
    assert kept == {"articles": 2, "entity_mentions": 2, "metrics": 1}
    assert con.execute("SELECT DISTINCT source_id FROM staging.articles").fetchall() == [(GOOD,)]
    # the batch re-formed without the bad page passes
    assert gate.check(BATCH[:1]).reasons == {}
    # and the Data Docs show the failing expectation
    html = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "gx").rglob("*.html")) \
        if gate.validator.build_docs().exists() else ""
    assert "offset_problem" in html


def _unit(frames=None):
    from expectations.gate import PublishUnit
    return PublishUnit(1, [dict(m) for m in BATCH], frames or batch_frames())


def test_gate_publishes_the_good_page_and_quarantines_the_bad(tmp_path):
    from expectations.gate import Gate

    wh = Warehouse(tmp_path / "z.duckdb")
    wh.ensure_schema()
    frames = batch_frames()
    frames["entity_mentions"] = frames["entity_mentions"].filter(pl.col("article_id") != "ghost")
    unit = _unit(frames)
    before = [dict(m) for m in unit.sources]
    result = Gate(wh, "gate-run", tmp_path).publish_unit(unit)
    assert unit.sources == before                            # the gate changes nothing it is given,
    assert unit.frames == {}                                 # but releases the frames once staged (memory)
    assert [m["source_id"] for m in result.published] == [GOOD]
    assert [m["source_id"] for m in result.quarantined] == [BAD] and not result.passed
    assert result.quarantined[0]["error"].startswith("failed critical checks:")
    con = wh.con
    assert con.execute("SELECT DISTINCT source_id FROM articles").fetchall() == [(GOOD,)]
    assert dict(con.execute("SELECT source_id, status FROM sources").fetchall()) == {
        GOOD: "loaded", BAD: "quarantined"}
    assert result.counts.articles == 1 and result.profile.pages == 1
    # every validation's rows are in the result and in dq_results: the first failed, the re-formed unit passed
    assert len(result.check_rows) == con.execute("SELECT count(*) FROM dq_results").fetchone()[0]
    assert {r["batch"] for r in result.check_rows} == {1}
    assert any(not r["success"] and r["severity"] == "critical" for r in result.check_rows)
    assert all(c.startswith(("critical: batch 1:", "warning: batch 1:")) for c in result.failed_checks)
    assert con.execute("SELECT count(*) FROM staging.articles").fetchone()[0] == 0
    wh.close()


def test_gate_publishes_nothing_when_a_failure_names_no_page(tmp_path):
    from expectations.gate import Gate

    wh = Warehouse(tmp_path / "z.duckdb")
    wh.ensure_schema()
    result = Gate(wh, "gate-run", tmp_path).publish_unit(_unit())      # the ghost mention names no page
    assert result.published == [] and {m["source_id"] for m in result.quarantined} == {GOOD, BAD}
    assert wh.con.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
    assert all("foreign key: article_id refers to" in m["error"] for m in result.quarantined)
    wh.close()


def test_an_audit_frame_sent_as_arrow_is_the_frame_built_in_process(staged):
    """The validator's own process gets each audit frame as Arrow IPC and must build exactly the pandas frame
    the in-process path builds: same columns, dtypes (int64 / float64 with NaN / object with None /
    datetime64), values and row order."""
    import pandas as pd

    from expectations.runner import checked_columns
    from expectations.validator_process import frame_of_ipc

    for columns in (None, checked_columns(all_checks())):
        with audit.audit_frames(staged, BATCH, columns) as frames:
            for name in frames:
                here, there = frames[name], frame_of_ipc(frames.ipc(name))
                assert list(there.dtypes) == list(here.dtypes), name
                pd.testing.assert_frame_equal(there, here, check_exact=True, obj=name)
                assert len(here), name                     # every table has rows in this batch


def test_the_validator_in_its_own_process_gives_the_same_verdict_and_data_docs(staged, tmp_path):
    """Gate(own_process=True) (the flow's choice) and the in-process gate give the same results, failing
    checks, counts, examples and pages at fault included, and the child writes the Data Docs."""
    from expectations.gate import Gate

    def outcome(gate):
        v = gate.check(BATCH)
        return ([(r.check, r.success, r.unexpected_count, r.examples, r.failing_sources, r.check_index)
                 for r in v.results], v.reasons)

    here = Gate(staged, "same-run", tmp_path / "here")
    there = Gate(staged, "same-run", tmp_path / "there", own_process=True)
    try:
        expected, got = outcome(here), outcome(there)
        assert got == expected
        assert any(not r[1] for r in got[0]) and got[1]          # the batch fails checks: a real comparison
        assert outcome(there) == outcome(here)                  # a second unit (no longer the first stored)
        docs = there.validator.build_docs()
        assert docs.exists() and "offset_problem" in "".join(
            p.read_text(encoding="utf-8") for p in (tmp_path / "there" / "gx").rglob("*.html"))
        assert there.validator.seconds                           # its timings came back
    finally:
        there.close()
    assert there.validator._proc is None


def test_an_error_in_the_validators_process_reaches_the_gate(staged, tmp_path):
    from expectations.gate import Gate
    from expectations.validator_process import ValidationProcessError

    gate = Gate(staged, "err-run", tmp_path, own_process=True)
    try:
        class Broken:
            def ipc(self, name):
                return b"not arrow"
        with pytest.raises(ValidationProcessError, match="in the validator's process"):
            gate.validator.validate(Broken())
        assert gate.check(BATCH[:1]).results                     # and the next request gets its own reply
    finally:
        gate.close()
