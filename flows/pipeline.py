"""The Prefect flow: one flow run per `zhnews run`.

Orchestration only. Tasks: discover the input files, ingest a batch (read, hash, decode, skip what is
unchanged), transform batches on the task runner (threads, processes or Dask workers run
transforms.pipeline.transform_pages), then, in this process as the single DuckDB writer, stage each batch,
validate it with Great Expectations, quarantine pages that fail a critical check, publish the rest in one
transaction, and record the run. Text processing lives in transforms/, SQL in warehouse/, checks in
expectations/.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from transforms import ingest, lexicons
from transforms.pipeline import PageInput, transform_pages
from warehouse.store import Warehouse

from flows import inputs as inputs_mod
from flows.progress import Progress

DEFAULT_BATCH_BYTES = 2 * 1024 * 1024


@dataclass
class IngestedBatch:
    number: int
    pages: list[PageInput] = field(default_factory=list)
    loaded_meta: list[dict] = field(default_factory=list)     # source rows to write when published
    rejected: list[dict] = field(default_factory=list)
    skipped: int = 0
    bytes: int = 0


@dataclass
class RunSummary:
    run_id: str
    flow_run_id: str | None = None
    status: str = "running"
    files_seen: int = 0
    files_loaded: int = 0
    files_skipped: int = 0
    files_rejected: int = 0
    files_quarantined: int = 0
    articles: int = 0
    mentions: int = 0
    metrics: int = 0
    bytes_loaded: int = 0
    dq_success: bool = True
    data_docs: str | None = None
    seconds: float = 0.0
    rejected: list[tuple[str, str]] = field(default_factory=list)
    quarantined: list[tuple[str, str]] = field(default_factory=list)
    failed_checks: list[str] = field(default_factory=list)
    stage_seconds: dict[str, float] = field(default_factory=dict)


def code_version() -> str:
    """zhnews version + hash of the transform code: part of every transform cache key."""
    h = hashlib.sha256()
    here = Path(__file__).resolve().parent.parent / "transforms"
    for p in sorted(here.glob("*.py")):
        h.update(p.read_bytes())
    return h.hexdigest()[:12]


@task(name="discover-files", cache_policy=NO_CACHE)
def discover_files(paths: list[str]) -> list[inputs_mod.InputFile]:
    return inputs_mod.discover(paths)


@task(name="ingest-batch", retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def ingest_batch(number: int, files: list[inputs_mod.InputFile], status: dict[str, str],
                 full_refresh: bool) -> IngestedBatch:
    batch = IngestedBatch(number)
    for f in files:
        raw = Path(f.path).read_bytes()          # an OSError here is transient or fatal: retried, then fails
        sid = ingest.source_id(raw)
        if not full_refresh and status.get(sid) in ("loaded", "rejected"):
            batch.skipped += 1
            continue
        meta = {"source_id": sid, "path": f.path, "bytes": len(raw), "issue_date": f.issue_date}
        try:
            decoded = ingest.decode(raw)
        except ingest.RejectedInput as exc:
            batch.rejected.append({**meta, "encoding": None, "status": "rejected", "error": str(exc)})
            continue
        batch.pages.append(PageInput(sid, f.path, decoded.text, f.issue_date))
        batch.loaded_meta.append({**meta, "encoding": decoded.encoding})
        batch.bytes += len(raw)
    return batch


def _transform_cache_key(context, parameters) -> str:
    pages: list[PageInput] = parameters["pages"]
    h = hashlib.sha256(f"{parameters['version']}".encode())
    for p in pages:
        h.update(f"{p.source_id}:{p.issue_date}".encode())
    return "transform-" + h.hexdigest()


@task(name="transform-batch", retries=1, retry_delay_seconds=2, cache_key_fn=_transform_cache_key,
      persist_result=True, cache_expiration=dt.timedelta(days=30))
def transform_batch(pages: list[PageInput], version: str) -> dict:
    t0 = time.perf_counter()
    frames = transform_pages(pages)
    return {"frames": frames, "seconds": time.perf_counter() - t0}


@task(name="stage-validate-publish", cache_policy=NO_CACHE)
def stage_validate_publish(wh: Warehouse, validator, batch: IngestedBatch, frames: dict, run_id: str,
                           summary: RunSummary) -> None:
    from expectations.runner import result_rows   # lazy, keeps GX out of import time
    loaded = list(batch.loaded_meta)
    t0 = time.perf_counter()
    wh.stage(frames)
    summary.stage_seconds["load"] = summary.stage_seconds.get("load", 0.0) + time.perf_counter() - t0
    for attempt in range(3):
        t0 = time.perf_counter()
        results = validator.validate(wh.validation_frames())
        summary.stage_seconds["validation"] = summary.stage_seconds.get("validation", 0.0) + time.perf_counter() - t0
        wh.write_dq_results(result_rows(results, run_id, batch.number))
        critical = [r for r in results if not r.success and r.check.severity == "critical"]
        for r in results:
            if not r.success:
                summary.failed_checks.append(f"{r.check.severity}: {r.check.table}.{r.check.column or ''} "
                                             f"{r.check.description} ({r.unexpected_count} rows)")
        if not critical:
            break
        summary.dq_success = False
        staged_ids = {m["source_id"] for m in loaded}
        bad = set().union(*(r.failing_sources for r in critical)) & staged_ids or staged_ids
        reason = "; ".join(f"{r.check.table}: {r.check.description} ({r.unexpected_count} rows)" for r in critical)
        wh.quarantine_rows(run_id, sorted(bad), reason)
        wh.drop_staged_sources(sorted(bad))
        bad_rows = [{**m, "status": "quarantined", "error": f"failed critical checks: {reason}"}
                    for m in loaded if m["source_id"] in bad]
        wh.record_sources(bad_rows, run_id)
        summary.files_quarantined += len(bad_rows)
        summary.quarantined += [(m["path"], m["error"]) for m in bad_rows]
        loaded = [m for m in loaded if m["source_id"] not in bad]
        if not loaded:
            wh.clear_staging()
            return
    t0 = time.perf_counter()
    counts = wh.publish(loaded, run_id)
    summary.stage_seconds["load"] += time.perf_counter() - t0
    summary.files_loaded += len(loaded)
    summary.bytes_loaded += sum(m["bytes"] for m in loaded)
    summary.articles += counts.articles
    summary.mentions += counts.mentions
    summary.metrics += counts.metrics


def plan_batches(files: list[inputs_mod.InputFile], batch_bytes: int) -> list[list[inputs_mod.InputFile]]:
    batches, current, size = [], [], 0
    for f in files:
        if current and size + f.size > batch_bytes:
            batches.append(current)
            current, size = [], 0
        current.append(f)
        size += f.size
    if current:
        batches.append(current)
    return batches


@flow(name="zhnews-run", log_prints=False, validate_parameters=False)
def zhnews_run(inputs: list[str], warehouse: str, full_refresh: bool = False,
               batch_bytes: int = DEFAULT_BATCH_BYTES, max_in_flight: int = 3,
               task_runner_name: str = "thread", progress: bool = False) -> RunSummary:
    from prefect.runtime import flow_run

    logger = get_run_logger()
    started = time.perf_counter()
    run_id = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:8]
    summary = RunSummary(run_id=run_id, flow_run_id=str(flow_run.id) if flow_run.id else None)
    wh = Warehouse(warehouse)
    files = discover_files(inputs)
    summary.files_seen = len(files)
    with wh.lock():
        wh.ensure_schema()
        wh.clear_staging()
        if full_refresh:
            wh.truncate_content()
        wh.start_run(run_id, summary.flow_run_id, lexicon_version=lexicons.version(),
                     code_version=code_version(), task_runner=task_runner_name, files_seen=len(files))
        try:
            from expectations.runner import Validator
            t0 = time.perf_counter()
            validator = Validator(Path(warehouse).resolve().parent, run_id)
            summary.stage_seconds["validation"] = time.perf_counter() - t0
            status = wh.source_status()
            version = f"{code_version()}-{lexicons.version()}"
            meter = Progress(total_bytes=sum(f.size for f in files), enabled=progress)
            pending: deque = deque()

            def drain_one() -> None:
                batch, future = pending.popleft()
                result = future.result()
                summary.stage_seconds["transform"] = summary.stage_seconds.get("transform", 0.0) + result["seconds"]
                stage_validate_publish(wh, validator, batch, result["frames"], run_id, summary)
                meter.advance(files=len(batch.pages) + batch.skipped + len(batch.rejected), nbytes=batch.bytes)

            for number, group in enumerate(plan_batches(files, batch_bytes), start=1):
                batch = ingest_batch(number, group, status, full_refresh)
                summary.files_skipped += batch.skipped
                if batch.rejected:
                    wh.record_sources(batch.rejected, run_id)
                    summary.files_rejected += len(batch.rejected)
                    summary.rejected += [(r["path"], r["error"]) for r in batch.rejected]
                if not batch.pages:
                    meter.advance(files=batch.skipped + len(batch.rejected), nbytes=0)
                    continue
                pending.append((batch, transform_batch.submit(batch.pages, version)))
                while len(pending) >= max_in_flight:
                    drain_one()
            while pending:
                drain_one()
            meter.close()
            t0 = time.perf_counter()
            summary.data_docs = str(validator.build_docs())
            summary.stage_seconds["validation"] += time.perf_counter() - t0
            summary.status = "published"
        except BaseException as exc:
            summary.status = "failed"
            wh.finish_run(run_id, status="failed", error=f"{type(exc).__name__}: {exc}"[:1000])
            raise
        summary.seconds = time.perf_counter() - started
        wh.finish_run(run_id, **{k: getattr(summary, k) for k in (
            "status", "files_loaded", "files_skipped", "files_rejected", "files_quarantined", "articles",
            "mentions", "metrics", "dq_success", "bytes_loaded", "data_docs")})
    _publish_artifacts(summary)
    logger.info("run %s: %s files loaded, %s skipped, %s rejected, %s quarantined", run_id, summary.files_loaded,
                summary.files_skipped, summary.files_rejected, summary.files_quarantined)
    return summary


def _publish_artifacts(summary: RunSummary) -> None:
    rows = [{"what": k, "value": str(getattr(summary, k))} for k in (
        "files_seen", "files_loaded", "files_skipped", "files_rejected", "files_quarantined",
        "articles", "mentions", "metrics", "dq_success")]
    create_table_artifact(key="zhnews-run-summary", table=rows, description=f"zhnews run {summary.run_id}")
    lines = [f"# zhnews run {summary.run_id}", "", f"- status: **{summary.status}**",
             f"- files: {summary.files_loaded} loaded, {summary.files_skipped} skipped, "
             f"{summary.files_rejected} rejected, {summary.files_quarantined} quarantined",
             f"- rows: {summary.articles} articles, {summary.mentions} mentions, {summary.metrics} metrics",
             f"- data quality: {'all critical checks passed' if summary.dq_success else 'CRITICAL FAILURES'}",
             f"- Data Docs: {summary.data_docs}"]
    if summary.failed_checks:
        lines += ["", "## Failed checks", *[f"- {c}" for c in summary.failed_checks[:20]]]
    create_markdown_artifact(key="zhnews-run-report", markdown="\n".join(lines))
