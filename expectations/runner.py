"""Run the expectation suites with Great Expectations and write Data Docs: Great Expectations and nothing else.

A file-backed GX context lives beside the warehouse (`<warehouse dir>/gx/`); suites are (re)built from
expectations/suites.py when a run starts, validation results are stored by GX under the zhnews run id, and
Data Docs are rebuilt once at the end of a run. GX is imported lazily (it costs seconds) and its progress
bars are turned off.

GX validates pandas frames (its DuckDB path is broken upstream, see NOTES): the gate (expectations/gate.py)
builds them from the staging schema through expectations/audit.sql, so what is checked is exactly what would
be published.

Cost: a batch is validated with the SUMMARY result format (counts and a few examples). Only when a critical
expectation fails is that table validated again with COMPLETE and `source_id` as the index column, to learn
which pages to quarantine; a clean batch never pays for it.

A `Validator` lives for one flow run: `validate()` per publish unit, `validate_profile()` for the drift check,
and `build_docs()` once at the end. It never reads or writes the warehouse.
"""
from __future__ import annotations

import logging
import os
import re
import shutil
import threading
import time
from pathlib import Path

from expectations.results import CheckResult
from expectations.suites import Check, all_checks

log = logging.getLogger(__name__)
DOCS_SITE = "local_site"
MAX_EXAMPLES = 5
# the column naming a failing row's page; an entity belongs to no page, its mentions do (see gate.Gate.check)
INDEX_COLUMN = {"entities": "entity_id"}
LAST_SECONDS: dict[str, float] = {}   # the last run's validation time per part (benchmarks read it)
KEEP_RUNS = 5                     # validation results (and their Data Docs pages) kept per suite


def gx_ready_frame(frame):
    """Great Expectations wants plain numpy/object columns. Nullable integer and string extension dtypes
    (pd.NA) make its range checks fail on nulls, so they become float64 (NaN) and object (None); and its
    range check is vectorized only for int64 and float64 (int32 goes through a Python call per row, which
    made it the slowest part of validation), so every other numeric column becomes one of those."""
    import numpy as np
    import pandas as pd

    out = {}
    for name in frame.columns:
        col = frame[name]
        dtype = col.dtype
        if pd.api.types.is_bool_dtype(dtype) or not isinstance(dtype, pd.api.extensions.ExtensionDtype) and \
                dtype in (np.dtype("int64"), np.dtype("float64"), np.dtype(object)):
            out[name] = col
        elif pd.api.types.is_integer_dtype(dtype) and not isinstance(dtype, pd.api.extensions.ExtensionDtype):
            out[name] = col.astype("int64")
        elif pd.api.types.is_numeric_dtype(dtype):
            out[name] = col.astype("float64")
        elif isinstance(dtype, pd.api.extensions.ExtensionDtype):
            out[name] = col.astype(object).where(col.notna(), None)
        else:
            out[name] = col
    return pd.DataFrame(out, index=frame.index)


def _skip_batch_fingerprint() -> None:
    """Great Expectations' pandas engine fingerprints every batch it builds by hashing every cell of the
    frame (`hash_pandas_dataframe`, an MD5 over `pd.util.hash_pandas_object`) when the frame's shallow memory
    use is under `HASH_THRESHOLD`. The fingerprint only goes into the batch markers of the result, which
    zhnews does not use (a publish unit is identified by its run id and batch numbers), and it was a quarter of
    validation time: article bodies and mention surfaces are hashed in full. GX skips it itself for frames
    above the threshold; a threshold of 0 makes that so for every frame. Checked against great-expectations
    1.24 (requirements.lock); tests/test_dq.py asserts the fingerprint is absent from a stored result."""
    from great_expectations.execution_engine import pandas_execution_engine

    pandas_execution_engine.HASH_THRESHOLD = 0


def checked_columns(checks: dict[str, list[Check]]) -> dict[str, list[str]]:
    """Per table, the columns of its audit frame that its checks read, plus the one naming a failing row's page
    (source_id; entity_id for entities): only these go to Great Expectations."""
    return {table: sorted({col for c in table_checks for col in (c.column or "").split(",") if col}
                          | {INDEX_COLUMN.get(table, "source_id")}) for table, table_checks in checks.items()}


class Validator:
    """Holds one GX context for a run."""

    def __init__(self, root: str | os.PathLike, run_name: str):
        """Importing GX and writing the suites takes seconds: it happens on a background thread, overlapping
        the first batch's ingest and transform; the first check waits for it (and re-raises its error)."""
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.run_name = run_name
        self.checks = all_checks()
        self.columns = checked_columns(self.checks)
        self.batches_checked = 0
        self._stored: set[str] = set()    # tables with a stored (Data Docs) result in this run
        self._noisy: set[str] = set()     # tables whose last batch failed a check: validate with SUMMARY
        self.seconds: dict[str, float] = {}   # where validation time goes (logged at the end of the run)
        self.failures: dict[tuple[str, int], list] = {}   # (table, check) -> [check, rows] failing this run
        self._setup_error: BaseException | None = None
        self._setup_thread = threading.Thread(target=self._setup, name="gx-setup", daemon=True)
        self._setup_thread.start()

    def _setup(self) -> None:
        started = time.perf_counter()
        try:
            os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
            import great_expectations as gx  # about 3.5 s
            from great_expectations.core.run_identifier import RunIdentifier
            from great_expectations.data_context.types.base import ProgressBarsConfig

            logging.getLogger("great_expectations").setLevel(logging.ERROR)
            _skip_batch_fingerprint()
            self.gx = gx
            self.context = gx.get_context(mode="file", project_root_dir=str(self.root))
            self.context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
            self._run_identifier = RunIdentifier(run_name=self.run_name)
            self.datasource = self.context.data_sources.add_or_update_pandas("zhnews_staging")
            self._definitions = {table: self._definition(table, checks) for table, checks in self.checks.items()}
        except BaseException as exc:  # noqa: BLE001 - re-raised in the flow's thread by _ready()
            self._setup_error = exc
        finally:
            self.seconds["setup (background)"] = time.perf_counter() - started

    def _ready(self) -> None:
        if self._setup_thread.is_alive():
            t0 = time.perf_counter()
            self._setup_thread.join()
            self.count_seconds("waiting for setup", time.perf_counter() - t0)
        if self._setup_error is not None:
            raise RuntimeError(f"Great Expectations could not be set up in {self.root / 'gx'}: "
                               f"{self._setup_error}") from self._setup_error

    # -- suites ----------------------------------------------------------------------------------
    def _definition(self, table: str, checks: list[Check], meta_description: str | None = None):
        gx = self.gx
        try:
            asset = self.datasource.get_asset(table)
        except LookupError:
            asset = self.datasource.add_dataframe_asset(name=table)
        try:
            batch_def = asset.get_batch_definition("whole_batch")
        except (KeyError, LookupError, ValueError):
            batch_def = asset.add_batch_definition_whole_dataframe("whole_batch")
        suite = self.context.suites.add_or_update(gx.ExpectationSuite(
            name=f"zhnews.{table}",
            expectations=[self._expectation(i, c) for i, c in enumerate(checks)],
            meta={"description": meta_description or
                  f"zhnews checks for the {table} table (generated from warehouse/contract.py and audit.sql)"},
        ))
        return self.context.validation_definitions.add_or_update(
            gx.ValidationDefinition(name=f"zhnews.{table}", data=batch_def, suite=suite))

    def _expectation(self, index: int, check: Check):
        cls = getattr(self.gx.expectations, check.expectation)
        # GX does not keep the suite's order in its results: `zhnews_check` maps a result back to its Check
        return cls(**check.kwargs, severity=check.severity,
                   meta={"description": check.description, "severity": check.severity, "zhnews_check": index},
                   description=f"[{check.severity}] {check.description}")

    # -- validation ------------------------------------------------------------------------------
    def _stored_run(self, table: str, frame, complete: bool):
        """A validation whose result GX stores (and Data Docs show), as SUMMARY, or as COMPLETE with the
        failing rows' source_id when pages must be named."""
        fmt = {"result_format": "SUMMARY", "partial_unexpected_count": MAX_EXAMPLES}
        if complete:
            fmt = {"result_format": "COMPLETE", "partial_unexpected_count": MAX_EXAMPLES,
                   "unexpected_index_column_names": [INDEX_COLUMN.get(table, "source_id")],
                   "return_unexpected_index_query": False}
        self._stored.add(table)
        return self._definitions[table].run(batch_parameters={"dataframe": frame}, result_format=fmt,
                                            run_id=self._run_identifier)

    def _quick_run(self, table: str, frame, checks: list[int] | None, result_format: str):
        """A validation GX does not store: the whole suite (checks=None) or only some of its checks."""
        definition = self._definitions[table]
        suite = definition.suite
        if checks is not None:
            suite = self.gx.ExpectationSuite(name=f"zhnews.{table}.recheck",
                                             expectations=[self._expectation(i, self.checks[table][i])
                                                           for i in checks])
        # GX's V1 Validator gets the batch once; `batch_definition.get_batch(...).validate(...)` builds it twice,
        # and each build hashes the whole frame (a third of the validation time of a mentions frame)
        from great_expectations.validator.v1_validator import Validator as V1Validator
        validator = V1Validator(batch_definition=definition.batch_definition, batch_parameters={"dataframe": frame},
                                result_format={"result_format": result_format,
                                               "partial_unexpected_count": MAX_EXAMPLES})
        return validator.validate_expectation_suite(suite)

    def validate(self, frames: dict) -> list[CheckResult]:
        """Every suite over its frame; failing critical checks carry the pages (source_id) they came from.

        GX's cost is mostly per expectation and per call, not per row (once the frames hold only int64/float64
        numbers, see gx_ready_frame), so: the run's first batch of each table is validated with SUMMARY and
        stored (every suite appears in the Data Docs of every run); later batches are not stored, and use
        BOOLEAN_ONLY, or BASIC (counts and a few examples) for a table whose previous batch failed a check
        (warnings recur); a failing check without counts is re-run alone with BASIC; and a table with a
        failing critical check is validated again with COMPLETE and stored, so the Data Docs show it and the
        pages at fault are named."""
        self.begin_batch()
        out: list[CheckResult] = []
        for table in self._definitions:
            out.extend(self.validate_table(table, frames[table]))   # `frames` may build each table's frame
        return out                                                   # on demand: one is held at a time

    def begin_batch(self) -> None:
        """A publish unit's validation starts (its tables follow through `validate_table`, in suite order)."""
        self._ready()
        self.batches_checked += 1

    def validate_table(self, table: str, frame) -> list[CheckResult]:
        """One table's suite over its audit frame (see `validate`)."""
        self._ready()
        frame = gx_ready_frame(frame)
        first = table not in self._stored
        if first:
            result = self._stored_run(table, frame, False)
        else:
            result = self._quick_run(table, frame, None, "BASIC" if table in self._noisy else "BOOLEAN_ONLY")
        rows = self._results(table, result)
        failed = [i for i, r in enumerate(rows) if not r.success]
        (self._noisy.add if failed else self._noisy.discard)(table)
        if any(rows[i].check.severity == "critical" for i in failed) and \
                INDEX_COLUMN.get(table, "source_id") in frame.columns:
            rows = self._results(table, self._stored_run(table, frame, True))
        elif failed and any(rows[i].unexpected_count is None for i in failed):
            again = {r.check_index: r for r in self._results(table, self._quick_run(
                table, frame, [rows[i].check_index for i in failed], "BASIC"))}
            rows = [again.get(r.check_index, r) for r in rows]
        for r in rows:
            if not r.success:
                seen = self.failures.setdefault((table, r.check_index), [r.check, 0])
                seen[1] += r.unexpected_count or 0
        return rows

    def _results(self, table: str, result) -> list[CheckResult]:
        rows = []
        checks = self.checks[table]
        for res in sorted(result.results, key=lambda r: r.expectation_config.meta["zhnews_check"]):
            check = checks[res.expectation_config.meta["zhnews_check"]]
            info = res.result or {}
            sources: set[str] = set()
            index = INDEX_COLUMN.get(table, "source_id")
            for row in info.get("unexpected_index_list") or []:
                value = row.get(index) if isinstance(row, dict) else None
                if isinstance(value, str) and value:
                    sources.add(value)
            examples = list(info.get("partial_unexpected_list") or [])[:MAX_EXAMPLES]
            count = info.get("unexpected_count")
            if not res.success and count is None and res.exception_info:
                exc = res.exception_info
                message = exc.get("exception_message") if isinstance(exc, dict) else None
                examples = [f"check could not run: {message}"] if message else examples
            rows.append(CheckResult(check, bool(res.success), count, examples, sources,
                                    res.expectation_config.meta["zhnews_check"]))
        return rows

    def count_seconds(self, what: str, seconds: float) -> None:
        self.seconds[what] = self.seconds.get(what, 0.0) + seconds

    # -- end of run ------------------------------------------------------------------------------
    def build_docs(self) -> Path:
        """Data Docs of the run's stored validation results (rebuilt once, at the end of the run)."""
        self._ready()
        t0 = time.perf_counter()
        self._prune_old_results()
        self.context.build_data_docs(site_names=[DOCS_SITE])
        index = docs_index(self.root)
        from expectations.offline_docs import make_offline
        make_offline(index.parent)          # vendored scripts and styles instead of CDNs
        self._add_offline_summary(index)
        self.count_seconds("docs", time.perf_counter() - t0)
        log.info("validation seconds: %s", {k: round(v, 2) for k, v in self.seconds.items()})
        global LAST_SECONDS
        LAST_SECONDS = dict(self.seconds)
        return index

    def validate_profile(self, rows: list[dict], checks: list[Check]) -> list[CheckResult]:
        """Validate the run's profile (one row) against bounds computed from recent runs (drift)."""
        import pandas as pd

        frame = pd.DataFrame(rows)
        self._ready()
        definition = self._definition("run_profiles", checks,
                                      "zhnews drift: this run's profile against the recent runs")
        self.checks["run_profiles"] = checks
        result = definition.run(batch_parameters={"dataframe": gx_ready_frame(frame)},
                                result_format={"result_format": "SUMMARY", "partial_unexpected_count": 1},
                                run_id=self._run_identifier)
        return self._results("run_profiles", result)

    def _add_offline_summary(self, index: Path) -> None:
        """GX's index lists validation results with bootstrap-table loaded from CDNs, so offline (the normal
        case here) it shows an empty list. Put a plain-HTML block at the top: this run's result page per
        table, its status, and the failing expectations, so the index is useful without network."""
        if not index.exists():
            return
        import html

        site = index.parent
        items = []
        for table in list(self.checks):
            pages = sorted((site / "validations" / "zhnews" / table / self.run_name).glob("*/*.html"))
            failing = [(c, n) for (t, _), (c, n) in sorted(self.failures.items()) if t == table]
            crit = any(c.severity == "critical" for c, _ in failing)
            status = "FAILED (critical)" if crit else "passed with warnings" if failing else "passed"
            color = "#b00020" if crit else "#8a6d00" if failing else "#1b5e20"
            link = (f'<a href="{html.escape(str(pages[-1].relative_to(site)))}">zhnews.{html.escape(table)}</a>'
                    if pages else f"zhnews.{html.escape(table)}")
            details = "".join(f"<li>[{html.escape(c.severity)}] <code>{html.escape(c.column or '')}</code>: "
                              f"{html.escape(c.description)} — {n} rows</li>" for c, n in failing)
            if pages or failing:
                items.append(f'<li>{link}: <b style="color:{color}">{status}</b>'
                             + (f"<ul>{details}</ul>" if details else "") + "</li>")
        if self.batches_checked == 0:
            latest = self._latest_result_pages(site)
            links = "".join(f'<li><a href="{html.escape(str(page.relative_to(site)))}">zhnews.{html.escape(t)}</a> '
                            f"(run {html.escape(run)})</li>" for t, run, page in latest)
            intro = ("<p><b>This run loaded nothing new</b>: every input file was unchanged since an earlier run "
                     "(or rejected), so no batch was validated. The latest validation results are those of the "
                     "runs below.</p>")
            body = f"{intro}<ul>{links}</ul>" if links else intro
        else:
            body = (f"<p>This run's validation results ({self.batches_checked} batch validation"
                    f"{'s' if self.batches_checked != 1 else ''}; the first batch of each table and every batch "
                    f"with a critical failure are stored here):</p><ul>{''.join(items)}</ul>")
        block = (f'<section id="zhnews-run-summary" style="font-family:sans-serif;margin:1em;padding:1em;'
                 f'border:2px solid #444"><h2>zhnews data quality, run {html.escape(self.run_name)}</h2>'
                 f"{body}<p>Earlier runs are in the list below; <code>zhnews report</code> prints the same summary "
                 f"(<code>zhnews report --run ID</code> for another run).</p></section>")
        text = index.read_text(encoding="utf-8")
        text = re.sub(r'<section id="zhnews-run-summary".*?</section>', "", text, flags=re.S)
        text = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + block, text, count=1)
        index.write_text(text, encoding="utf-8")

    @staticmethod
    def _latest_result_pages(site: Path) -> list[tuple[str, str, Path]]:
        """(table, run, page) of the most recent stored validation result of each table."""
        out = []
        for table_dir in sorted((site / "validations" / "zhnews").glob("*")):
            pages = sorted(table_dir.glob("*/*/*.html"), key=lambda p: p.stat().st_mtime)
            if pages:
                out.append((table_dir.name, pages[-1].parent.parent.name, pages[-1]))
        return out

    def _prune_old_results(self) -> None:
        """Keep the validation results (and Data Docs pages) of the latest KEEP_RUNS runs per suite, so the
        docs stay quick to build and to read as runs accumulate."""
        gx_dir = self.root / "gx" / "uncommitted"
        for suite_dir in (gx_dir / "validations" / "zhnews").glob("*"):
            runs = sorted((p for p in suite_dir.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime)
            for old in runs[:-KEEP_RUNS]:
                shutil.rmtree(old, ignore_errors=True)
                shutil.rmtree(gx_dir / "data_docs" / DOCS_SITE / "validations" / "zhnews" / suite_dir.name / old.name,
                              ignore_errors=True)


def docs_index(root: str | os.PathLike) -> Path:
    return Path(root) / "gx" / "uncommitted" / "data_docs" / DOCS_SITE / "index.html"
