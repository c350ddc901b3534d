"""Drift: does what this run published look like what recent runs published?

A run's profile (articles per page, share of articles without a byline, mentioned entities per article,
metrics per article) is stored in `run_profiles` and compared with the median of the latest runs that
published at least MIN_PAGES pages. A measure that moves sharply (TOLERANCE) is a warning: the run is
published and the drift is reported in `dq_results` (table `run_profiles`), `zhnews report` and the Data Docs
(suite `zhnews.run_profiles`, whose bounds are recomputed from the recent runs every time).
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass

from expectations.results import CheckResult, result_rows
from expectations.suites import Check
from warehouse.contract import WARNING
from warehouse.store import Warehouse

RECENT_RUNS = 10
MIN_PAGES = 3            # profiles of smaller runs are too noisy to compare or to compare with
# measure -> (kind, tolerance): "relative" moves are fractions of the recent median, "absolute" are points
TOLERANCE = {
    "articles_per_page": ("relative", 0.5),
    "share_without_byline": ("absolute", 0.25),
    "entities_per_article": ("relative", 0.5),
    "metrics_per_article": ("relative", 0.5),
}


PROFILE_MEASURES = ("articles_per_page", "share_without_byline", "entities_per_article", "metrics_per_article")


@dataclass
class ProfileCounts:
    """Additive counts over the publish units of a run; ratios come at the end of the run."""
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


def bounds(measure: str, baseline: float) -> tuple[float, float]:
    kind, tol = TOLERANCE[measure]
    width = abs(baseline) * tol if kind == "relative" else tol
    return max(0.0, baseline - width), baseline + width


def drift_checks(current: dict, history: list[dict]) -> list[Check]:
    checks = []
    for measure in PROFILE_MEASURES:
        values = [h[measure] for h in history if h.get(measure) is not None]
        if not values or current.get(measure) is None:
            continue
        median = statistics.median(values)
        lo, hi = bounds(measure, median)
        kind, tol = TOLERANCE[measure]
        spread = f"±{tol:.0%}" if kind == "relative" else f"±{tol:g}"
        checks.append(Check("run_profiles", "ExpectColumnValuesToBeBetween",
                            {"column": measure, "min_value": round(lo, 4), "max_value": round(hi, 4)}, WARNING,
                            f"drift: {measure} near the median of the last {len(values)} runs "
                            f"({median:.3g} {spread})"))
    return checks


def check_run(validator, wh: Warehouse, run_id: str, counts: ProfileCounts) -> list[CheckResult]:
    """Store the run's profile, compare it with recent runs through Great Expectations (`validator`, an
    expectations.runner.Validator), record the results in `dq_results`."""
    current = counts.measures()
    wh.write_profile({"run_id": run_id, "pages": counts.pages, "articles": counts.articles, **current})
    if counts.pages < MIN_PAGES:
        return []
    history = wh.recent_profiles(run_id, RECENT_RUNS, MIN_PAGES)
    checks = drift_checks(current, history)
    if not checks:
        return []
    rows = [{"run_id": run_id, **{k: (float(v) if v is not None else None) for k, v in current.items()}}]
    results = validator.validate_profile(rows, checks)
    for r in results:                       # the example a person needs: the value that moved
        if not r.success:
            r.examples = [round(float(current[r.check.column]), 3)]
            r.unexpected_count = 1
    wh.write_dq_results(result_rows(results, run_id, None))
    return results
