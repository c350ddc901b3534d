"""The result of one check, and its rows for `dq_results`: shared by the runner and the drift check, so that
neither imports the other."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from expectations.suites import Check


@dataclass
class CheckResult:
    check: Check
    success: bool
    unexpected_count: int | None
    examples: list
    failing_sources: set[str] = field(default_factory=set)
    check_index: int = -1            # position of the check in its table's suite


def describe(r: CheckResult) -> str:
    return f"{r.check.table}: {r.check.description} ({r.unexpected_count if r.unexpected_count is not None else '?'} rows)"


def result_rows(results: list[CheckResult], run_id: str, batch: int | None) -> list[dict]:
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    return [{
        "run_id": run_id, "table_name": r.check.table, "expectation": r.check.expectation,
        "column_name": r.check.column, "success": r.success, "severity": r.check.severity,
        "unexpected_count": r.unexpected_count, "checked_at": now, "batch": batch,
        "examples": " | ".join(map(str, r.examples))[:1000] if r.examples else None,
        "description": r.check.description,
    } for r in results]
