"""The gate: write-audit-publish for one publish unit, in one room.

`Gate.publish_unit(unit)` is the one entry point: it stages the unit's frames (warehouse/), builds the audit
frames (expectations/audit.sql through audit.py), validates them with Great Expectations (runner.py), turns the
results into a verdict (which pages fail a critical check, and why), quarantines those pages and publishes the
rest, and returns what happened as a `GateResult`. It changes nothing it is given but the unit's frames, which it
releases once staged: the flow owns the run's summary and its artifacts, and adds the result to them.

The quarantine policy: a page failing a critical check is quarantined (its rows kept in `quarantine`, its
`sources` row marked with the reason) and leaves staging; the unit re-formed without it is validated again
from scratch, and only a unit that passes every critical check is published, in one transaction. So nothing
that failed is published, and a quarantined new version of a page leaves its published previous version
untouched. A critical failure that names no page quarantines every page of the unit, and so does a unit
that still fails after `ATTEMPTS` validations.

`Gate.finish(profile)` ends the run's data quality: the drift check of what the run published
(expectations/drift.py), the Data Docs, and the warning checks that failed.
"""
from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from expectations import audit, drift
from expectations.results import CheckResult, describe, result_rows
from expectations.runner import INDEX_COLUMN, Validator
from warehouse.store import PublishCounts, Warehouse

log = logging.getLogger(__name__)
ATTEMPTS = 3         # validations of one unit (each without the pages the last one quarantined)


@dataclass(frozen=True)
class PublishUnit:
    """Transformed pages ready to stage: their `sources` rows (source_id, path, bytes, issue_date, encoding)
    and their frames, one per content table. The gate takes the frames: once they are staged it empties
    `frames`, so while the unit is validated its rows are held once, in DuckDB (the caller keeps no other
    reference to them either)."""
    number: int
    sources: list[dict]
    frames: dict

    def release_frames(self) -> None:
        self.frames.clear()


@dataclass
class Verdict:
    """What one validation of the staged unit says."""
    results: list[CheckResult]
    reasons: dict[str, str]          # source_id -> why it must be quarantined (critical failures only)
    unattributed: list[CheckResult]  # critical failures whose rows name no page: the whole unit fails

    @property
    def critical(self) -> list[CheckResult]:
        return [r for r in self.results if not r.success and r.check.severity == "critical"]


@dataclass
class GateResult:
    """What the gate did with one unit."""
    published: list[dict] = field(default_factory=list)     # source rows published
    quarantined: list[dict] = field(default_factory=list)   # source rows quarantined, `error` the reason
    check_rows: list[dict] = field(default_factory=list)    # the `dq_results` rows written, every validation
    failed_checks: list[str] = field(default_factory=list)  # "severity: batch N: table: description (n rows)"
    counts: PublishCounts = field(default_factory=PublishCounts)
    profile: drift.ProfileCounts = field(default_factory=drift.ProfileCounts)   # of what was published
    seconds: dict[str, float] = field(default_factory=dict)  # "load" (stage, publish) and "validation"

    @property
    def passed(self) -> bool:
        """No page of the unit failed a critical check."""
        return not self.quarantined


@dataclass
class GateEnd:
    """The end of a run's data quality."""
    data_docs: Path
    warnings: list[str]              # warning checks (drift included) that failed, with their rows


class Gate:
    """Holds one run's Great Expectations context (a `Validator`) and the warehouse it publishes into."""

    def __init__(self, wh: Warehouse, run_id: str, root: str | os.PathLike | None = None,
                 own_process: bool = False):
        """`root`: where the GX context lives (default: beside the warehouse file). `own_process`: Great
        Expectations runs in a child process (expectations/validator_process.py; the flow's choice, for
        memory), else in this one; the checks and their results are the same. `close()` ends that process."""
        self.wh = wh
        self.run_id = run_id
        root = root if root is not None else Path(wh.path).resolve().parent
        if own_process:
            from expectations.validator_process import ValidatorProcess
            self.validator = ValidatorProcess(root, run_id)
        else:
            self.validator = Validator(root, run_id)

    def close(self) -> None:
        close = getattr(self.validator, "close", None)
        if close is not None:
            close()

    # -- one unit ------------------------------------------------------------------------------
    def publish_unit(self, unit: PublishUnit) -> GateResult:
        """Stage, audit, quarantine what fails, publish the rest (see the module's docstring)."""
        wh, out = self.wh, GateResult()

        def timed(stage: str, t0: float) -> None:
            out.seconds[stage] = out.seconds.get(stage, 0.0) + time.perf_counter() - t0

        staged = list(unit.sources)
        t0 = time.perf_counter()
        wh.stage(unit.frames)
        unit.release_frames()
        timed("load", t0)
        for attempt in range(1, ATTEMPTS + 1):
            t0 = time.perf_counter()
            verdict = self.check(staged)
            rows = result_rows(verdict.results, self.run_id, unit.number)
            wh.write_dq_results(rows)
            timed("validation", t0)
            out.check_rows += rows
            out.failed_checks += [f"{r.check.severity}: batch {unit.number}: {describe(r)}"
                                  for r in verdict.results if not r.success]
            if not verdict.reasons:
                break
            reasons = verdict.reasons
            if attempt == ATTEMPTS:      # the re-formed unit keeps failing: publish none of it
                every = "; ".join(sorted(set(reasons.values())))
                reasons = {m["source_id"]: reasons.get(m["source_id"], every) for m in staged}
            out.quarantined += wh.quarantine(self.run_id, reasons, staged)
            staged = [m for m in staged if m["source_id"] not in reasons]
            if not staged:
                wh.clear_staging()
                return out
        out.profile = drift.staged_profile(wh)
        t0 = time.perf_counter()
        out.counts = wh.publish(staged, self.run_id)
        timed("load", t0)
        out.published = staged
        return out

    def check(self, staged_sources: list[dict]) -> Verdict:
        """Validate what is staged now; say which pages fail a critical check and why."""
        wh, validator = self.wh, self.validator
        t0 = time.perf_counter()
        with audit.audit_frames(wh, staged_sources, validator.columns) as frames:   # one table at a time
            results = validator.validate(frames)
        for r in results:                 # failing entities: blame the pages that mention them
            if r.check.table in INDEX_COLUMN and r.failing_sources:
                r.failing_sources = audit.sources_of_entities(wh, sorted(r.failing_sources))
        validator.count_seconds("frames", frames.seconds)
        validator.count_seconds("gx", time.perf_counter() - t0 - frames.seconds)
        return verdict(results, {s["source_id"] for s in staged_sources})

    # -- end of run ----------------------------------------------------------------------------
    def finish(self, profile: drift.ProfileCounts) -> GateEnd:
        """Drift of what the run published (`profile`, the sum of the units' profiles), the Data Docs, and
        the warning checks that failed in the run."""
        if profile.pages:
            try:
                drift.check_run(self.validator, self.wh, self.run_id, profile)
            except Exception as exc:  # noqa: BLE001 - drift is advisory; never fail a published run over it
                log.warning("drift check failed: %s", exc)
        return GateEnd(self.validator.build_docs(), failed_warnings(self.wh, self.run_id))


def verdict(results: list[CheckResult], staged: set[str]) -> Verdict:
    """The pages of `staged` to quarantine, with their reasons: every page a failing critical check names;
    every page of the unit when a failing critical check names none."""
    reasons: dict[str, list[str]] = {}
    unattributed = []
    for r in results:
        if r.success or r.check.severity != "critical":
            continue
        pages = r.failing_sources & staged
        if not pages:
            unattributed.append(r)
        for sid in pages:
            reasons.setdefault(sid, []).append(describe(r))
    if unattributed:             # nothing says which page is at fault: none of the unit is published
        for sid in staged:
            reasons.setdefault(sid, []).extend(describe(r) for r in unattributed)
    return Verdict(results, {sid: "; ".join(rs) for sid, rs in reasons.items()}, unattributed)


def failed_warnings(wh: Warehouse, run_id: str) -> list[str]:
    """The warning checks (drift included) that failed in the run, one entry per check with the rows it
    flagged summed over units: what the end-of-run summary lists after "ok, N warnings"."""
    rows = wh.con.execute("""
        SELECT table_name, coalesce(column_name, '*'), any_value(description), sum(unexpected_count)
        FROM dq_results WHERE run_id = ? AND NOT success AND severity = 'warning'
        GROUP BY ALL ORDER BY sum(unexpected_count) DESC NULLS LAST, table_name""", [run_id]).fetchall()
    return [f"{t}.{c}: {d}" + (f" ({n} rows)" if n is not None and t != "run_profiles" else "")
            for t, c, d, n in rows]
