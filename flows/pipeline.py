"""The Prefect flow: one flow run per `zhnews run`.

Orchestration only. Tasks: discover the input files, ingest a batch (read, hash, decode, skip what is
unchanged), transform batches on the task runner (threads, processes or Dask workers run
transforms.stages.transform_pages_timed), then, in this process as the single DuckDB writer, pass each publish
unit through the gate (expectations/gate.py: stage, validate with Great Expectations, which runs in a child
process of its own, expectations/validator_process.py; quarantine pages that fail a critical check, publish the
rest in one transaction), and record the run. The flow owns the run's
summary and publishes every artifact; tasks return results. Text processing lives in transforms/, storage in
warehouse/, checks and the gate in expectations/.

Operations (issue 7):
- incremental by content: a file whose sha256 is already `loaded` or `rejected` is skipped; the same bytes
  at a second path in one run are skipped too (one `sources` row per content);
- memory is bounded: files are planned into ~2 MB batches, read one batch at a time, and at most
  `max_in_flight` batches are between ingest and publish; nothing else grows with the input except the
  file list and the run's set of content hashes (one string each; the warehouse's status of earlier sources
  is looked up per batch);
- per-page transform cache (flows/cache.py): key = content hash + issue date + code and lexicon version;
  one record per transformed batch, one pointer per page;
- crash safety: each batch publishes in one DuckDB transaction with its `sources` rows; a killed run leaves
  staging rows (cleared by the next run) and a `running` row in `runs` (marked `failed` by the next run,
  which holds the lock, so no live run can own it).
"""
from __future__ import annotations

import concurrent.futures
import datetime as dt
import hashlib
import multiprocessing
import os
import signal
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from expectations import report
from expectations.drift import ProfileCounts
from expectations.gate import Gate, GateResult, PublishUnit
from transforms import ingest, lexicons
from transforms.gcpause import return_free_memory
from transforms.stages import PageInput, transform_pages_timed
from transforms.version import code_version
from warehouse.contract import RUN_COUNTS
from warehouse.store import Warehouse

from flows import cache as cache_mod
from flows import defaults
from flows import inputs as inputs_mod
from flows.interrupts import (Interrupted, is_interrupt, is_signal_exception, leave_terminal_session, received,
                              recording_sigint, signal_of, signals_deferred)
from flows.progress import Progress
from flows.runners import ThreadRunner
from flows.settings import Settings

LISTED = 50          # rejected/quarantined files and failed checks kept in the summary (the rest are counted)
LIVE: "RunSummary | None" = None   # the summary of the run in progress in this process (the CLI reads it on Ctrl-C)


class Capped(list):
    """A list that keeps its first `limit` items and counts the rest, so a summary never grows with the
    input (a run over a million bad files still has a small summary; every reason is in `sources`)."""

    def __init__(self, limit: int = LISTED):
        super().__init__()
        self.limit = limit
        self.dropped = 0

    def append(self, item) -> None:
        if len(self) < self.limit:
            super().append(item)
        else:
            self.dropped += 1

    def extend(self, items) -> None:
        for item in items:
            self.append(item)

    def __iadd__(self, items):
        self.extend(items)
        return self

    def __reduce__(self):
        return (_capped, (self.limit, list(self), self.dropped))


def _capped(limit: int, items: list, dropped: int) -> Capped:
    c = Capped(limit)
    list.extend(c, items)
    c.dropped = dropped
    return c


@dataclass
class IngestedBatch:
    number: int
    pages: list[PageInput] = field(default_factory=list)
    loaded_meta: list[dict] = field(default_factory=list)     # source rows to write when published
    rejected: list[dict] = field(default_factory=list)
    skipped: int = 0
    bytes: int = 0             # raw bytes of the pages to transform
    seen_bytes: int = 0        # raw bytes of every file of the batch (progress)
    files: int = 0
    seconds: float = 0.0       # time spent reading, hashing and decoding (the "ingest" stage)


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
    pages_transformed: int = 0
    pages_cached: int = 0
    batches: int = 0
    stale_runs: int = 0
    dq_success: bool = True
    data_docs: str | None = None
    seconds: float = 0.0
    clock: tuple[float, float] = (0.0, 0.0)   # time.perf_counter() when the flow function began and ended
    rejected: list[tuple[str, str]] = field(default_factory=Capped)
    quarantined: list[tuple[str, str]] = field(default_factory=Capped)
    failed_checks: list[str] = field(default_factory=Capped)
    warnings: list[str] = field(default_factory=list)   # distinct warning checks that failed, with their rows
    error: str | None = None                            # why the run failed (the `runs.error` column)
    stage_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def files_left(self) -> int:
        """Files of this run neither published, skipped, rejected nor quarantined (an interrupted run's rest)."""
        return max(0, self.files_seen - self.files_loaded - self.files_skipped - self.files_rejected
                   - self.files_quarantined)

    def data_quality(self) -> str:
        """One truthful phrase: "ok" only when no check failed."""
        if not self.dq_success:
            return "critical failures (see zhnews report)"
        if not self.warnings:
            return "ok"
        shown = "; ".join(self.warnings[:3]) + ("; …" if len(self.warnings) > 3 else "")
        return f"ok, {len(self.warnings)} warning{'s' if len(self.warnings) != 1 else ''}: {shown}"


def _is_deployment_run() -> bool:
    from prefect.runtime import deployment
    return deployment.id is not None


def new_run_id() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:8]


def flow_run_name() -> str:
    """The Prefect flow run is named after the zhnews run id (the `run_id` parameter, or a new one), so a
    run in the UI and its `runs` row carry the same name."""
    from prefect.runtime import flow_run
    return (flow_run.parameters or {}).get("run_id") or new_run_id()


def _prefect_cancel_intent() -> bool:
    """Whether Prefect's runner asked this flow run to cancel (its SIGTERM came with a "cancel" intent)."""
    try:
        from prefect._internal.control_listener import get_intent
        return get_intent() == "cancel"
    except Exception:  # noqa: BLE001 - a Prefect without the control channel
        return False


def failure_reason(exc: BaseException, summary: "RunSummary") -> str:
    """What `runs.error` says about a run that did not finish."""
    if is_interrupt(exc):
        done = f"after publishing {summary.files_loaded} of {summary.files_seen} files" + (
            f" ({summary.files_skipped} unchanged)" if summary.files_skipped else "") + (
            f"; the next run does the other {summary.files_left}" if summary.files_left else "")
        if _prefect_cancel_intent():
            return f"cancelled through Prefect (zhnews serve stopping, or a cancel in the UI) {done}"
        return f"interrupted by {signal_of(exc)} {done}"
    return f"{type(exc).__name__}: {exc}"[:1000]


def share_api_with_workers() -> str | None:
    """Point worker processes at this run's Prefect API. Without a configured PREFECT_API_URL, Prefect runs
    a temporary server in a subprocess of the flow's process; the process task runner passes its settings
    and environment to its workers, but not that server's address, so every worker process started a
    temporary server (and database) of its own: 5-9 s of CPU each, and task runs recorded where nobody
    looks. Returns the URL it set (None if PREFECT_API_URL was set already or there is no client)."""
    from prefect.context import FlowRunContext
    from prefect.settings import PREFECT_API_URL

    if PREFECT_API_URL.value() or os.environ.get("PREFECT_API_URL"):
        return None
    ctx = FlowRunContext.get()
    url = str(getattr(getattr(ctx, "client", None), "api_url", "") or "")
    if not url.startswith("http"):
        return None
    os.environ["PREFECT_API_URL"] = url.rstrip("/")
    return os.environ["PREFECT_API_URL"]


def prewarm() -> None:
    """Start the run's Great Expectations process (expectations/validator_process.py) now. Called by the command
    line just before the flow: the temporary Prefect server starts in a subprocess first (several seconds), and
    GX's import there (about 3 s of CPU) then happens beside it instead of competing with the first transform
    batches. The flow's gate takes that process."""
    from expectations import validator_process
    try:
        validator_process.prestart()
    except Exception:  # noqa: BLE001 - the gate starts one itself (and reports what fails)
        pass


@task(name="discover-files", retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def discover_files(paths: list[str]) -> list[inputs_mod.InputFile]:
    return inputs_mod.discover(paths)


@task(name="ingest-batch", retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def ingest_batch(number: int, files: list[inputs_mod.InputFile],
                 status: Callable[[list[str]], dict[str, str]], full_refresh: bool) -> IngestedBatch:
    """Read, hash and decode one batch of files. `status` gives the recorded status of the batch's sources
    (the warehouse's, looked up per batch: a map of every source would grow with the archive); those already
    loaded or rejected are skipped. Retried on OSError (a flaky share); a file that vanished between
    discovery and reading is rejected, not fatal."""
    started = time.perf_counter()
    batch = IngestedBatch(number)
    read: list[tuple[inputs_mod.InputFile, str, bytes]] = []
    for f in files:
        batch.files += 1
        batch.seen_bytes += f.size
        try:
            raw = Path(f.path).read_bytes()
        except FileNotFoundError:
            batch.rejected.append({"source_id": hashlib.sha256(f"missing:{f.path}".encode()).hexdigest(),
                                   "path": f.path, "bytes": 0, "issue_date": f.issue_date, "encoding": None,
                                   "status": "rejected", "error": "file disappeared before it could be read"})
            continue
        read.append((f, ingest.source_id(raw), raw))
    known = {} if full_refresh else status([sid for _, sid, _ in read])
    for f, sid, raw in read:
        if known.get(sid) in ("loaded", "rejected"):
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
    batch.seconds = time.perf_counter() - started
    return batch


def drop_repeated_content(batch: IngestedBatch, seen: frozenset[str] | set[str]
                          ) -> tuple[IngestedBatch, set[str]]:
    """The same bytes at two paths make one source: later copies in this run count as skipped. `seen` holds
    the sources of the run's earlier batches. Returns a new batch without the repeats and the sources this
    batch adds (the caller adds them to its set: a copy of the run's set per batch cost time in proportion to
    the run so far, quadratic in an archive's files); neither argument is changed."""
    now: set[str] = set()
    pages, meta, rejected, skipped, nbytes = [], [], [], 0, batch.bytes
    for page, row in zip(batch.pages, batch.loaded_meta):
        if page.source_id in seen or page.source_id in now:
            skipped += 1
            nbytes -= row["bytes"]
            continue
        now.add(page.source_id)
        pages.append(page)
        meta.append(row)
    for row in batch.rejected:
        if row["source_id"] in seen or row["source_id"] in now:
            skipped += 1
            continue
        now.add(row["source_id"])
        rejected.append(row)
    return (replace(batch, pages=pages, loaded_meta=meta, rejected=rejected, skipped=batch.skipped + skipped,
                    bytes=nbytes), now)


class BatchFrames:
    """A transform batch's frames on their way to the flow. On threads the flow gets this object itself; from
    a worker process (or Dask worker) it travels pickled as one Arrow IPC buffer per table, and becomes frames
    again only when the flow calls `take()`. Prefect's process pool unpickles every task result twice in the
    flow's process (once in a done callback, to check that it can, then for `.result()`): with plain frames
    that built every column of a batch twice, the first copy on the pool's callback thread only to be thrown
    away; now that copy is a bytes object."""

    def __init__(self, frames: dict | None = None, ipc: dict[str, bytes] | None = None):
        self._frames, self._ipc = frames, ipc

    def __reduce__(self):
        ipc = self._ipc
        if ipc is None:
            ipc = {name: cache_mod.ipc_bytes(frame) for name, frame in self._frames.items()}
        return (BatchFrames, (None, ipc))

    def take(self) -> dict:
        """The frames (read from the IPC buffers if they came pickled); the object lets go of them."""
        frames, ipc = self._frames, self._ipc
        self._frames = self._ipc = None
        if frames is None:
            frames = {}
            for name in list(ipc):
                frames[name] = cache_mod.ipc_frame(ipc.pop(name))
        return frames


def unlink_when_done(future) -> None:
    """Make a submitted task's future free its result as soon as the flow lets go of it. Prefect's futures over
    a thread or process pool form reference cycles (each concurrent future keeps the done-callbacks that
    point back at the futures wrapping it), so a finished one is freed only by a full garbage collection,
    which a process holding Prefect's and polars' objects seldom runs: on the process runner each held its
    batch's pickled result (~15 MB) until then, and the flow's process grew by about a unit's worth for
    every unit (benchmarks/README.md, memory, fourth round). Called at submit: the callback runs once the
    future's own callbacks have run (after Prefect's), and drops the callback lists of the done futures it
    wraps; a Dask future wraps none of them, so there it does nothing. A future already done when this is
    called is left alone (its callbacks may not have run yet: dropping them could lose Prefect's), so at
    worst one such future waits for the collector as before."""
    registering = [True]

    def drop(done) -> None:
        if not registering[0]:          # not called synchronously by add_done_callback below
            _drop_done_callbacks(done)

    future.add_done_callback(drop)
    registering[0] = False


def _drop_done_callbacks(future) -> None:
    stack, seen = [future], set()
    while stack:
        f = stack.pop()
        if id(f) in seen:
            continue
        seen.add(id(f))
        stack += [v for v in vars(f).values() if isinstance(v, concurrent.futures.Future)]
        if isinstance(f, concurrent.futures.Future) and "_done_callbacks" in vars(f) and f.done():
            f._done_callbacks = []       # rebound, not cleared: a thread may still be iterating the old list


@task(name="transform-batch", retries=1, retry_delay_seconds=2, cache_policy=NO_CACHE, persist_result=False)
def transform_batch(pages: list[PageInput], keys: list[str], cache_dir: str | None) -> dict:
    """Transform the pages the cache did not have, on whatever the task runner is (thread, process, Dask
    worker), and write them to the page cache as one batch record. Returns {"frames": BatchFrames,
    "timings"}."""
    frames, timings = transform_pages_timed(pages)
    t0 = time.perf_counter()
    ipc = None
    if cache_dir:
        # in a worker process the result is pickled (BatchFrames: one IPC buffer per table): the cache
        # record's buffers serve for that too, instead of writing every frame a second time
        ipc = cache_mod.record_tables(frames) if multiprocessing.parent_process() is not None else None
        cache_mod.PageCache(cache_dir).put_batch({p.source_id: k for p, k in zip(pages, keys)}, frames, ipc)
    timings["cache_write"] = time.perf_counter() - t0
    return {"frames": BatchFrames(frames, ipc), "timings": timings}


@task(name="stage-validate-publish", cache_policy=NO_CACHE)
def stage_validate_publish(gate: Gate, unit: PublishUnit) -> GateResult:
    """Write-audit-publish for one publish unit: expectations/gate.py (stage, validate, quarantine what fails
    a critical check, publish the rest in one transaction). Returns what happened; the flow counts it."""
    return gate.publish_unit(unit)


def add_unit(summary: RunSummary, result: GateResult) -> None:
    """Count one publish unit's result into the run's summary (the flow's, and only the flow changes it)."""
    for stage, seconds in result.seconds.items():
        summary.stage_seconds[stage] = summary.stage_seconds.get(stage, 0.0) + seconds
    summary.failed_checks += result.failed_checks
    if not result.passed:
        summary.dq_success = False
    summary.files_quarantined += len(result.quarantined)
    summary.quarantined += [(m["path"], m["error"]) for m in result.quarantined]
    summary.files_loaded += len(result.published)
    summary.bytes_loaded += sum(m["bytes"] for m in result.published)
    summary.articles += result.counts.articles
    summary.mentions += result.counts.mentions
    summary.metrics += result.counts.metrics


def merge_batches(batches: list[IngestedBatch]) -> IngestedBatch:
    """Transformed batches -> one publish unit (their rejected/skipped files were recorded already)."""
    if len(batches) == 1:
        return batches[0]
    return IngestedBatch(
        number=batches[0].number,
        pages=[p for b in batches for p in b.pages],
        loaded_meta=[m for b in batches for m in b.loaded_meta],
        bytes=sum(b.bytes for b in batches), seen_bytes=sum(b.seen_bytes for b in batches),
        files=sum(b.files for b in batches))


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


# served runs (`zhnews serve`) get this task runner; `zhnews run` chooses its own (flows/cli.py)
SERVED_TASK_RUNNER = "thread"


@flow(name="zhnews-run", flow_run_name=flow_run_name, log_prints=False, validate_parameters=False,
      task_runner=ThreadRunner(max_workers=defaults.WORKERS))
def zhnews_run(settings: Settings | None = None, run_id: str | None = None) -> RunSummary:
    """One run over `settings.inputs` into the DuckDB file `settings.warehouse` (flows/settings.py; the
    defaults, on threads, when None). `run_id` (default: new) names the `runs` row and the Prefect flow run.

    `settings.max_in_flight` bounds the batches held between ingest and publish (memory); `use_cache=False`
    or `full_refresh` recompute every page (and rewrite its cache record); `cache_dir` defaults to Prefect's
    local results path; `task_runner` is recorded as the runner the tasks ran on.
    """
    logger = get_run_logger()
    # a served run gets its settings as JSON; without any, the defaults on this flow's own (thread) runner
    settings = Settings.of(settings if settings is not None else {"task_runner": SERVED_TASK_RUNNER})
    if os.environ.get("PREFECT__FLOW_RUN_ID") and _is_deployment_run():
        leave_terminal_session()            # a served run: see flows/interrupts.py
    shared_api = share_api_with_workers()
    try:
        with recording_sigint():
            return _run(settings, logger, run_id)
    finally:
        if shared_api:
            os.environ.pop("PREFECT_API_URL", None)


def _run(settings: Settings, logger, run_id: str | None = None) -> RunSummary:
    global LIVE
    from prefect.runtime import flow_run

    started = time.perf_counter()
    run_id = run_id or flow_run.name or new_run_id()
    summary = RunSummary(run_id=run_id, flow_run_id=str(flow_run.id) if flow_run.id else None)
    LIVE = summary
    full_refresh, use_cache = settings.full_refresh, settings.use_cache
    wh = Warehouse(settings.warehouse, memory_limit=settings.duckdb_memory_limit, threads=settings.duckdb_threads)
    with wh.lock():
        files = discover_files(settings.inputs)
        summary.files_seen = len(files)
        wh.ensure_schema()
        summary.stale_runs = wh.fail_stale_runs()
        if summary.stale_runs:
            logger.warning("%s earlier run(s) ended without finishing (killed?); marked failed, their "
                           "unpublished batches are redone now", summary.stale_runs)
        wh.clear_staging()
        if full_refresh:
            wh.truncate_content()
        wh.start_run(run_id, summary.flow_run_id, lexicon_version=lexicons.version(),
                     code_version=code_version(), task_runner=settings.task_runner, files_seen=len(files))
        gate = None
        try:
            t0 = time.perf_counter()
            # Great Expectations in a child process: its import and its pandas copies of each unit's audit
            # frames stay out of this process, which holds the batches and DuckDB (memory; same checks)
            gate = Gate(wh, run_id, own_process=True)
            summary.stage_seconds["validation_setup"] = time.perf_counter() - t0
            version = f"{code_version()}-{lexicons.version()}"
            cache_dir = settings.cache_dir or cache_mod.default_cache_dir()
            page_cache = cache_mod.PageCache(cache_dir)
            read_cache = use_cache and not full_refresh
            meter = Progress(total_bytes=sum(f.size for f in files), total_files=len(files),
                             enabled=settings.progress)
            pending: deque = deque()
            ready: list[tuple[IngestedBatch, dict]] = []
            publish_bytes = settings.batch_bytes * max(1, settings.publish_batches)
            seen: set[str] = set()                        # sources of this run so far (repeated content)
            profile = ProfileCounts()          # of what the run published: the gate's drift check at the end

            def drain_one() -> None:
                batch, hits, future = pending.popleft()
                parts = [hits] if hits is not None else []
                del hits
                if future is not None:
                    result = future.result()
                    # Prefect's future holds the result (and, from a worker process, its pickled bytes): let
                    # it go now, not after the publish unit this batch may start below
                    del future
                    for stage, seconds in result["timings"].items():
                        summary.stage_seconds[stage] = summary.stage_seconds.get(stage, 0.0) + seconds
                    parts.append(result["frames"].take())
                    del result
                frames = cache_mod.concat_pages(parts)
                del parts
                ready.append((batch, frames))
                meter.advance(files=batch.files, nbytes=batch.seen_bytes)      # progress per transform batch
                if sum(b.bytes for b, _ in ready) >= publish_bytes:
                    publish_ready()

            def publish_ready() -> None:
                """Validate and publish the transformed batches waiting in `ready` as one unit: Great
                Expectations costs about 10 ms per expectation per validation whatever the rows, so
                validating fewer, larger units keeps its share of a run small."""
                if not ready:
                    return
                batch = merge_batches([b for b, _ in ready])
                unit = PublishUnit(batch.number, list(batch.loaded_meta),
                                   cache_mod.concat_pages([f for _, f in ready], rechunk=False))
                ready.clear()
                before = summary.files_loaded
                # quoted: Prefect passes the unit itself (not a copy), so the gate's release of its frames
                # once staged frees them (memory: a unit's rows are then held only by DuckDB)
                result = stage_validate_publish(gate, quote(unit))
                del unit
                add_unit(summary, result)
                profile.add(result.profile)
                summary.batches += 1
                return_free_memory()
                meter.publish(summary.files_loaded)
                logger.info("publish unit %s: %s files published (%s so far of %s), %s quarantined in all",
                            summary.batches, summary.files_loaded - before, summary.files_loaded,
                            summary.files_seen, summary.files_quarantined)

            for number, group in enumerate(plan_batches(files, settings.batch_bytes), start=1):
                batch = ingest_batch(number, group, quote(wh.source_status), full_refresh)
                summary.stage_seconds["ingest"] = summary.stage_seconds.get("ingest", 0.0) + batch.seconds
                batch, added = drop_repeated_content(batch, seen)
                seen |= added
                del added
                summary.files_skipped += batch.skipped
                if batch.rejected:
                    wh.record_sources(batch.rejected, run_id)
                    summary.files_rejected += len(batch.rejected)
                    summary.rejected += [(r["path"], r["error"]) for r in batch.rejected]
                if not batch.pages:
                    meter.advance(files=batch.files, nbytes=batch.seen_bytes)
                    continue
                keys = [cache_mod.page_key(p.source_id, p.issue_date, version) for p in batch.pages]
                found, hits = set(), None
                if read_cache:
                    t0 = time.perf_counter()
                    found, hits = page_cache.get_pages({p.source_id: k for p, k in zip(batch.pages, keys)})
                    summary.stage_seconds["cache_read"] = summary.stage_seconds.get("cache_read", 0.0) + \
                        time.perf_counter() - t0
                todo = [(p, k) for p, k in zip(batch.pages, keys) if p.source_id not in found]
                summary.pages_cached += len(found)
                summary.pages_transformed += len(todo)
                future = None
                if todo:
                    future = transform_batch.submit([p for p, _ in todo], [k for _, k in todo],
                                                    cache_dir if use_cache else None)
                    unlink_when_done(future)
                pending.append((batch, hits, future))
                del batch, hits, future, todo, found
                while len(pending) >= settings.max_in_flight:
                    drain_one()
            while pending:
                drain_one()
            publish_ready()
            meter.close()
            t0 = time.perf_counter()
            end = gate.finish(profile)
            summary.data_docs = str(end.data_docs)
            summary.stage_seconds["data_docs_drift"] = time.perf_counter() - t0
            summary.warnings = end.warnings
            summary.status = "published"
        except BaseException as exc:
            _record_failure(wh, run_id, summary, exc, logger)
            if is_interrupt(exc) and not is_signal_exception(exc):
                # a signal that surfaced as another error (DuckDB: "Query interrupted"): Prefect must see the
                # interrupt (the flow run is Crashed, not Failed) and so must the command line
                raise Interrupted(received() or signal.SIGINT) from exc
            raise
        finally:
            if gate is not None:
                gate.close()
        summary.seconds = time.perf_counter() - started
        wh.finish_run(run_id, **{k: getattr(summary, k) for k in (
            "status", *RUN_COUNTS, "dq_success", "bytes_loaded", "data_docs")})
        _publish_artifacts(summary, wh, logger)
    summary.clock = (started, time.perf_counter())
    logger.info("run %s: %s files loaded, %s skipped, %s rejected, %s quarantined", run_id, summary.files_loaded,
                summary.files_skipped, summary.files_rejected, summary.files_quarantined)
    return summary


def _record_failure(wh: Warehouse, run_id: str, summary: RunSummary, exc: BaseException, logger) -> None:
    """A run that did not finish (an error, Ctrl-C, SIGTERM): its `runs` row becomes `failed` with the reason
    and with what it did publish, counted in the warehouse (each publish unit was one transaction, so the
    tables say exactly what is in). Never raises: the original exception must reach the caller."""
    summary.status = "failed"
    with signals_deferred():
        try:
            wh.abandon_transaction()        # an interrupt between BEGIN and COMMIT: that unit is not published
            summary.files_loaded, summary.articles, summary.mentions, summary.metrics = wh.published_by(run_id)
        except Exception:  # noqa: BLE001 - keep the counts kept so far
            pass
        summary.error = failure_reason(exc, summary)
        try:
            wh.finish_run(run_id, status="failed", error=summary.error, **{k: getattr(summary, k) for k in (
                *RUN_COUNTS, "bytes_loaded")})
        except Exception as record_exc:  # noqa: BLE001 - the next run marks the row failed instead
            try:
                logger.error("could not record the end of run %s: %s", run_id, record_exc)
            except Exception:  # noqa: BLE001
                pass
    try:
        logger.error("run %s failed: %s", run_id, summary.error)
    except BaseException:  # noqa: BLE001
        pass


def build_deployment(cron: str | None, settings: Settings, name: str = defaults.DEPLOYMENT_NAME,
                     interval: float | None = None):
    """The served deployment of `zhnews serve`: this flow on a cron schedule, or every `interval` seconds, with
    `settings` (absolute paths: a served run starts in its own process; the served task runner) as its
    `settings` parameter. Raises ValueError on a bad cron expression."""
    served = settings.absolute().model_copy(update={"task_runner": SERVED_TASK_RUNNER})
    schedule = {"interval": interval} if interval else {"cron": cron}
    return zhnews_run.to_deployment(name=name, parameters={"settings": served.model_dump(mode="json")},
                                    description="zhnews: incremental load of the input folder",
                                    tags=["zhnews"], **schedule)


def _publish_artifacts(summary: RunSummary, wh: Warehouse, logger) -> None:
    """Every artifact of the run, published by the flow once its `runs` row is final: the data-quality
    report (expectations/report.py, read from the warehouse) and the run's summary."""
    try:
        report.publish_artifacts(wh.con, summary.run_id, summary.data_docs)
    except Exception as exc:  # noqa: BLE001 - artifacts need a Prefect run context; not fatal
        logger.warning("could not publish the data-quality artifacts: %s: %s", type(exc).__name__, exc)
    rows = [{"what": k, "value": str(getattr(summary, k))} for k in (
        "status", *RUN_COUNTS, "pages_transformed", "pages_cached", "batches", "dq_success")]
    create_table_artifact(key="zhnews-run-summary", table=rows, description=f"zhnews run {summary.run_id}")
    lines = [f"# zhnews run {summary.run_id}", "", f"- status: **{summary.status}**",
             f"- files: {summary.files_loaded} loaded, {summary.files_skipped} skipped, "
             f"{summary.files_rejected} rejected, {summary.files_quarantined} quarantined",
             f"- rows: {summary.articles} articles, {summary.mentions} mentions, {summary.metrics} metrics",
             f"- transform: {summary.pages_transformed} pages transformed, {summary.pages_cached} from cache, "
             f"{summary.batches} batches",
             f"- data quality: {summary.data_quality()}",
             f"- Data Docs: {summary.data_docs}"]
    for title, items in (("Rejected files", summary.rejected), ("Quarantined files", summary.quarantined)):
        if items:
            lines += ["", f"## {title}", *[f"- `{p}`: {r}" for p, r in items[:20]]]
    if summary.failed_checks:
        lines += ["", "## Failed checks", *[f"- {c}" for c in summary.failed_checks[:20]]]
    create_markdown_artifact(key="zhnews-run-report", markdown="\n".join(lines))
