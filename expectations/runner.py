"""Run the expectation suites with Great Expectations and write its Data Docs.

A file-backed GX context lives beside the warehouse (`<warehouse dir>/gx/`); suites are (re)built from
expectations/suites.py on every run, validation results are stored by GX, and Data Docs are rebuilt once at
the end of a run. GX is imported lazily (it costs seconds) and its progress bars are turned off.

GX validates pandas frames (its DuckDB path is broken upstream, see NOTES): the frames come from the
staging schema through warehouse/audit.sql, so what is checked is exactly what would be published.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from expectations.suites import Check, all_checks

log = logging.getLogger(__name__)
DOCS_SITE = "local_site"
MAX_EXAMPLES = 5


@dataclass
class CheckResult:
    check: Check
    success: bool
    unexpected_count: int | None
    examples: list
    failing_sources: set[str]


class Validator:
    """Holds one GX context for a run; `validate()` once per batch, `build_docs()` at the end."""

    def __init__(self, root: str | os.PathLike, run_name: str):
        os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
        import great_expectations as gx  # lazy: about 3.5 s
        from great_expectations.data_context.types.base import ProgressBarsConfig

        logging.getLogger("great_expectations").setLevel(logging.ERROR)
        self.gx = gx
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.context = gx.get_context(mode="file", project_root_dir=str(self.root))
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
        self.run_name = run_name
        self.checks = all_checks()
        datasource = self.context.data_sources.add_or_update_pandas("zhnews_staging")
        self._definitions = {}
        for table, checks in self.checks.items():
            try:
                asset = datasource.get_asset(table)
            except LookupError:
                asset = datasource.add_dataframe_asset(name=table)
            try:
                batch_def = asset.get_batch_definition("whole_batch")
            except (KeyError, LookupError, ValueError):
                batch_def = asset.add_batch_definition_whole_dataframe("whole_batch")
            suite = self.context.suites.add_or_update(gx.ExpectationSuite(
                name=f"zhnews.{table}",
                expectations=[self._expectation(c) for c in checks],
                meta={"description": f"zhnews checks for the {table} table (generated from warehouse/contract.py)"},
            ))
            self._definitions[table] = self.context.validation_definitions.add_or_update(
                gx.ValidationDefinition(name=f"zhnews.{table}", data=batch_def, suite=suite))

    def _expectation(self, check: Check):
        cls = getattr(self.gx.expectations, check.expectation)
        return cls(**check.kwargs, severity=check.severity, meta={"description": check.description},
                   description=check.description)

    def validate(self, frames: dict) -> list[CheckResult]:
        out: list[CheckResult] = []
        for table, definition in self._definitions.items():
            frame = frames[table]
            fmt = {"result_format": "COMPLETE", "partial_unexpected_count": MAX_EXAMPLES}
            if "source_id" in frame.columns:
                fmt["unexpected_index_column_names"] = ["source_id"]
            result = definition.run(batch_parameters={"dataframe": frame}, result_format=fmt)
            for check, res in zip(self.checks[table], result.results):
                info = res.result or {}
                sources = {row.get("source_id") for row in info.get("unexpected_index_list") or []
                           if isinstance(row, dict) and row.get("source_id")}
                examples = [x for x in (info.get("partial_unexpected_list") or [])][:MAX_EXAMPLES]
                out.append(CheckResult(check, bool(res.success), info.get("unexpected_count"), examples, sources))
        return out

    def build_docs(self) -> Path:
        self.context.build_data_docs(site_names=[DOCS_SITE])
        return docs_index(self.root)


def docs_index(root: str | os.PathLike) -> Path:
    return Path(root) / "gx" / "uncommitted" / "data_docs" / DOCS_SITE / "index.html"


def result_rows(results: list[CheckResult], run_id: str, batch: int) -> list[dict]:
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    return [{
        "run_id": run_id, "table_name": r.check.table, "expectation": r.check.expectation,
        "column_name": r.check.column, "success": r.success, "severity": r.check.severity,
        "unexpected_count": r.unexpected_count, "checked_at": now, "batch": batch,
        "examples": repr(r.examples)[:500] if r.examples else None, "description": r.check.description,
    } for r in results]
