"""Drift: does what this run published look like what recent runs published?

A run's profile (articles per page, share of articles without a byline, mentioned entities per article,
metrics per article) is stored in `run_profiles` and compared with the median of the latest runs that
published at least MIN_PAGES pages. A measure that moves sharply (TOLERANCE) is a warning: the run is
published and the drift is reported in `dq_results` (table `run_profiles`), `zhnews report` and the Data Docs
(suite `zhnews.run_profiles`, whose bounds are recomputed from the recent runs every time).
"""
from __future__ import annotations

import statistics

from expectations.suites import Check
from warehouse.contract import WARNING
from warehouse.dq_store import PROFILE_MEASURES, ProfileCounts, recent_profiles, write_profile

RECENT_RUNS = 10
MIN_PAGES = 3            # profiles of smaller runs are too noisy to compare or to compare with
# measure -> (kind, tolerance): "relative" moves are fractions of the recent median, "absolute" are points
TOLERANCE = {
    "articles_per_page": ("relative", 0.5),
    "share_without_byline": ("absolute", 0.25),
    "entities_per_article": ("relative", 0.5),
    "metrics_per_article": ("relative", 0.5),
}


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


def check_run(validator, wh, run_id: str, counts: ProfileCounts) -> list:
    """Store the run's profile, compare it with recent runs through Great Expectations, record the results."""
    import pandas as pd

    from expectations.results import result_rows

    write_profile(wh, run_id, counts)
    if counts.pages < MIN_PAGES:
        return []
    history = recent_profiles(wh, run_id, RECENT_RUNS, MIN_PAGES)
    current = counts.measures()
    checks = drift_checks(current, history)
    if not checks:
        return []
    frame = pd.DataFrame([{"run_id": run_id, **{k: (float(v) if v is not None else None)
                                                 for k, v in current.items()}}])
    results = validator.validate_profile(frame, checks)
    for r in results:                       # the example a person needs: the value that moved
        if not r.success:
            r.examples = [round(float(current[r.check.column]), 3)]
            r.unexpected_count = 1
    wh.write_dq_results(result_rows(results, run_id, None))
    return results
