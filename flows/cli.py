"""The `zhnews` command line (see ../shared/CONTRACT.md): run, report, serve, sql, export, ner, numbers, bench.

Environment defaults are set before Prefect is imported: PREFECT_HOME inside the working directory, analytics
off, Prefect's logs at INFO (so they reach the Prefect UI) but none on the terminal unless --verbose. Errors a
person can fix end the command with a one-line reason and a non-zero exit, never a traceback; Ctrl-C and
SIGTERM end `run` and `serve` within seconds with exit status 130 and one line (flows/interrupts.py).
Every default lives in flows/defaults.py and is shown by `--help`.
"""
from __future__ import annotations

if __name__ == "__main__":                 # `python -m flows.cli`: an interrupt during the imports below is one line
    from flows import entry as _entry
    _entry.install()

import argparse
import json
import os
import sys
from pathlib import Path

from flows import allocators, defaults
from flows.entry import BEFORE_THE_RUN, restore
from flows.interrupts import Guard, is_interrupt, signal_of, spawn_children_ignoring_sigint
from flows.server import start_temporary_server

DEFAULT_WAREHOUSE = defaults.WAREHOUSE
DEFAULT_INPUT = defaults.INPUT


def _prefect_env(verbose: bool = False) -> None:
    os.environ.setdefault("PREFECT_HOME", str(Path.cwd() / defaults.PREFECT_HOME))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS",
                          str(defaults.SERVER_STARTUP_TIMEOUT_SECONDS))
    # INFO reaches the Prefect UI (the flow run's logs); the terminal shows Prefect's logs only with --verbose
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO")
    if verbose:
        os.environ["PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL"] = "INFO"
    else:
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "CRITICAL")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")


def _fail(message: str, code: int = 1) -> int:
    print(f"zhnews: {message}", file=sys.stderr)
    return code


def _guard(describe, children_wait: float = 0.0) -> Guard:
    """Ctrl-C/SIGTERM handling of a long-running command, and its worker processes started ignoring SIGINT."""
    spawn_children_ignoring_sigint(os.environ["PREFECT_HOME"])
    return Guard(defaults.SHUTDOWN_DEADLINE_SECONDS, describe, children_wait).install()


def choose_task_runner(name: str, workers: int, dask_address: str | None, input_bytes: int, batch_bytes: int) -> str:
    """`auto` (the default): a Dask cluster when one is named; else Prefect's process pool when there are
    several workers and at least two batches of input (the transforms are Python and hold the GIL, so
    threads use one core; worker processes cost a few seconds to start, which small inputs do not repay);
    else threads."""
    if name != "auto":
        return name
    if dask_address:
        return "dask"
    return "process" if workers > 1 and input_bytes > 2 * batch_bytes else "thread"


def lower_priority() -> None:
    from flows.runners import init_worker
    init_worker()


def build_task_runner(name: str, workers: int, dask_address: str | None):
    """The Prefect task runner of a run (flows/runners.py: Prefect's, stopping at once on Ctrl-C)."""
    from flows.runners import build_task_runner as build
    return build(name, workers, dask_address)


def _check_warehouse(warehouse: Path) -> str | None:
    """Why the warehouse cannot be written, or None. Tries for real (permission bits lie for root)."""
    if warehouse.is_dir():
        return f"cannot write the warehouse at {warehouse}: it is a directory"
    try:
        warehouse.parent.mkdir(parents=True, exist_ok=True)
        probe = warehouse.parent / f".{warehouse.name}.probe-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
        if warehouse.exists():
            with open(warehouse, "r+b"):
                pass
    except OSError as exc:
        return f"cannot write the warehouse at {warehouse}: {exc.strerror or exc}"
    return None


def cmd_run(args) -> int:
    _prefect_env(args.verbose)
    guard = _guard(_interrupted_run_line)
    return _guarded(lambda: _checked_run(args, guard), guard)


def run_settings(args) -> "Settings":  # noqa: F821
    """The one settings object of `zhnews run` or `zhnews serve` (flows/settings.py), from the command's
    options: built once here and passed down to the flow (a served run gets it as a deployment parameter).
    Options a command does not have keep their defaults."""
    from flows.settings import Settings

    fields = {"inputs": [str(p) for p in args.input or [DEFAULT_INPUT]], "warehouse": str(Path(args.warehouse)),
              "prefect_home": os.environ.get("PREFECT_HOME") or defaults.PREFECT_HOME}
    if args.fn is cmd_run:
        fields.update(batch_mb=args.batch_mb, publish_batches=args.publish_batches, workers=args.workers,
                      task_runner=args.task_runner, dask_address=args.dask_address, use_cache=not args.no_cache,
                      full_refresh=args.full_refresh, duckdb_memory_limit=args.duckdb_memory_limit,
                      duckdb_threads=args.duckdb_threads,
                      progress=args.progress or (sys.stderr.isatty() and not args.quiet))
    return Settings(**fields)


def _guarded(work, guard: Guard) -> int:
    """Run a long command's `work`; an interrupt ends it through `guard.finish` (one line, exit 130, never
    returns); otherwise the temporary server is stopped last."""
    try:
        code = work()
    except BaseException as exc:
        if is_interrupt(exc):
            guard.finish(exc)
        _stop_server(guard)
        raise
    _stop_server(guard)
    return code


def _stop_server(guard: Guard) -> None:
    """The temporary server goes last: Prefect's queued logs and events are sent to it first (otherwise they
    are sent at exit, to a server that is gone, and Prefect prints an error about it)."""
    if guard.server is None:
        return
    from flows.interrupts import flush_prefect
    flush_prefect()
    guard.server.stop()


def _checked_run(args, guard: Guard) -> int:
    from flows.inputs import InputError, discover
    from warehouse.store import Warehouse, WarehouseError

    try:
        found = discover(args.input or [DEFAULT_INPUT])     # fail fast on a missing path, before starting Prefect
    except InputError as exc:
        return _fail(str(exc))
    warehouse = Path(args.warehouse)
    problem = _check_warehouse(warehouse)
    if problem:
        return _fail(problem)
    try:
        Warehouse(warehouse).probe_lock()       # a second concurrent run fails here, in milliseconds
    except WarehouseError as exc:
        return _fail(str(exc))
    if args.workers < 1:
        return _fail("--workers must be at least 1")
    guard.server = start_temporary_server()     # boots while the imports below run
    return _run_flow(run_settings(args), found, guard.server)


def _run_flow(settings, found, server) -> int:
    from flows.inputs import InputError
    from flows.pipeline import new_run_id, prewarm, zhnews_run
    from warehouse.store import WarehouseError

    runner_name = choose_task_runner(settings.task_runner, settings.workers, settings.dask_address,
                                     sum(f.size for f in found), settings.batch_bytes)
    settings = settings.model_copy(update={"task_runner": runner_name})   # the runner the run records
    try:
        runner = build_task_runner(runner_name, settings.workers, settings.dask_address)
    except ImportError as exc:
        return _fail(f"task runner {runner_name!r} is not available: {exc}")
    flow = zhnews_run.with_options(task_runner=runner)
    prewarm()
    if server is not None:
        try:
            server.wait_ready(float(os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"]))
        except RuntimeError as exc:
            return _fail(str(exc))
    try:
        summary = flow(settings=settings, run_id=new_run_id())
    except Exception as exc:  # noqa: BLE001 - one line for the user; details are in the Prefect run
        if is_interrupt(exc):
            raise                           # a signal surfaced as an error: cmd_run ends it as an interrupt
        if isinstance(exc, (WarehouseError, InputError)):
            return _fail(str(exc))
        return _fail(f"run failed: {type(exc).__name__}: {exc}".splitlines()[0])
    print(format_summary(summary, Path(settings.warehouse)))
    return 0 if summary.status == "published" else 1


def _interrupted_run_line(signame: str) -> str:
    """The one line an interrupted `zhnews run` ends with: what is in the warehouse, what is left."""
    summary = getattr(sys.modules.get("flows.pipeline"), "LIVE", None)
    if summary is None:
        return f"zhnews: interrupted by {signame} {BEFORE_THE_RUN}"
    s = summary
    rows = f"{s.articles} articles, {s.mentions} mentions, {s.metrics} metrics"
    if s.status == "published":
        return (f"zhnews: interrupted by {signame} after run {s.run_id} had published: {s.files_loaded} files "
                f"loaded ({rows}), {s.files_skipped} unchanged, {s.files_rejected} rejected, "
                f"{s.files_quarantined} quarantined")
    row = "marked failed" if s.status == "failed" else "left 'running' (the next run marks it failed)"
    rest = f"; the next `zhnews run` does the other {s.files_left}" if s.files_left else ""
    return (f"zhnews: interrupted by {signame}: run {s.run_id} published {s.files_loaded} of {s.files_seen} files "
            f"({rows}) before it stopped; its runs row is {row}{rest}")


def format_summary(summary, warehouse) -> str:
    """The end-of-run report: what was loaded, skipped, rejected and quarantined."""
    out = [f"run {summary.run_id}: {summary.status} in {summary.seconds:.1f} s"]
    if summary.stale_runs:
        out.append(f"  recovered: {summary.stale_runs} interrupted earlier run(s) marked failed; finished their work")
    out.append(f"  rows:  {summary.articles} articles, {summary.mentions} entity mentions, {summary.metrics} metrics")
    out.append(f"  transform: {summary.pages_transformed} pages transformed, {summary.pages_cached} from cache, "
               f"{summary.batches} batches")
    for path, reason in summary.rejected[:10]:
        out.append(f"  rejected {path}: {reason}")
    for path, reason in summary.quarantined[:10]:
        out.append(f"  quarantined {path}: {reason}")
    more = summary.files_rejected + summary.files_quarantined - min(len(summary.rejected), 10) \
        - min(len(summary.quarantined), 10)
    if more > 0:
        out.append(f"  ... and {more} more (SELECT path, status, error FROM sources WHERE error IS NOT NULL)")
    out.append(f"  data quality: {summary.data_quality()}")
    out.append(f"  Data Docs: {summary.data_docs}")
    out.append(f"  warehouse: {warehouse}")
    out.append(f"  files: {summary.files_seen} seen: {summary.files_loaded} loaded, {summary.files_skipped} "
               f"skipped (unchanged), {summary.files_rejected} rejected, {summary.files_quarantined} quarantined")
    return "\n".join(out)


def cmd_report(args) -> int:
    from expectations.report import render_report
    from warehouse.store import WarehouseError
    try:
        text = render_report(args.warehouse, run_id=args.run, as_json=args.json)
    except WarehouseError as exc:
        return _fail(str(exc))
    print(text)
    return 0


def cmd_serve(args) -> int:
    import datetime as dt

    _prefect_env(args.verbose)
    since = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    guard = _guard(lambda signame: _served_runs_line(signame, args.warehouse, since), children_wait=1.0)
    return _guarded(lambda: _serve(args, guard), guard)


def _serve(args, guard: Guard) -> int:
    inputs = args.input or [DEFAULT_INPUT]
    from flows.inputs import InputError, discover
    try:
        discover(inputs)
    except InputError as exc:
        return _fail(str(exc))
    problem = _check_warehouse(Path(args.warehouse))
    if problem:
        return _fail(problem)
    if args.interval is not None and args.interval <= 0:
        return _fail("--interval must be a positive number of seconds")
    # the scheduler must run: without PREFECT_API_URL, a temporary server with its services (flows/server.py)
    guard.server = start_temporary_server(services=True)
    from prefect import serve

    from flows.pipeline import build_deployment
    settings = run_settings(args)
    try:
        deployment = build_deployment(args.cron, settings, interval=args.interval)
    except ValueError as exc:
        return _fail(f"bad --cron {args.cron!r}: {str(exc).splitlines()[0]}")
    if guard.server is not None:
        try:
            guard.server.wait_ready(float(os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"]))
        except RuntimeError as exc:
            return _fail(str(exc))
    when = f"every {args.interval:g} s" if args.interval else f"on cron '{args.cron}'"
    where = (f"a temporary Prefect server at {guard.server.api_url} (runs until Ctrl-C)" if guard.server
             else f"the Prefect server at {os.environ.get('PREFECT_API_URL')}")
    print(f"serving deployment zhnews-run/{defaults.DEPLOYMENT_NAME} {when} against {where}; Ctrl-C to stop",
          flush=True)
    _serve_until_signal(deployment, guard)
    return 0


def _serve_until_signal(deployment, guard: Guard) -> None:
    """What `prefect.serve()` does, with the flow runs in progress stopped in order on SIGINT/SIGTERM.

    Prefect's serve() lets KeyboardInterrupt tear its event loop down, which SIGKILLs the flow runs in progress
    (anyio kills a child whose wait is cancelled) before they can record their end; its Runner's own SIGTERM
    handler calls the async stop() without awaiting it. Here served flow runs live in sessions of their own
    (flows/pipeline.py calls `leave_terminal_session`), and the first signal is passed on to them by the
    guard, which waits for them to record their end (the `runs` row failed, the flow run Crashed) before it
    raises Interrupted in the event loop; the runner then shuts down, pausing the deployment's schedule until
    the next `zhnews serve`, and `guard.finish` ends the command."""
    import asyncio

    from prefect.runner import Runner

    runner = Runner(pause_on_shutdown=True)
    deployment_id = runner.add_deployment(deployment)
    since = _utcnow()
    guard.before_server_stops = lambda: _crash_unfinished_runs(deployment_id, since, guard)
    guard.forward_wait = defaults.SERVE_RUN_STOP_SECONDS
    runner.handle_sigterm = guard.handler          # Runner.start() installs it for SIGTERM
    asyncio.run(runner.start())
    if guard.signalled(wait=0.5):
        raise guard.interrupt()


def _utcnow():
    import datetime as dt
    return dt.datetime.now(dt.timezone.utc)


def _crash_unfinished_runs(deployment_id, since, guard: Guard) -> None:
    """Flow runs of this session that the signal caught before their own engine could record an end (still
    Pending/Submitting or Running once their processes are gone) are marked Crashed, with the reason."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (DeploymentFilter, DeploymentFilterId, FlowRunFilter,
                                                FlowRunFilterExpectedStartTime, FlowRunFilterState,
                                                FlowRunFilterStateType)
    from prefect.client.schemas.objects import StateType
    from prefect.client.schemas.sorting import FlowRunSort
    from prefect.states import Crashed

    from flows.interrupts import signal_name
    signame = signal_name(guard.interrupt().signum)
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(
            deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id])),
            flow_run_filter=FlowRunFilter(
                expected_start_time=FlowRunFilterExpectedStartTime(after_=since - _interval_slack()),
                state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.PENDING, StateType.RUNNING,
                                                                            StateType.CANCELLING]))),
            sort=FlowRunSort.EXPECTED_START_TIME_DESC, limit=200)    # this server rejects their null defaults
        for run in runs:
            client.set_flow_run_state(run.id, Crashed(message=f"zhnews serve stopped by {signame} before this "
                                                              "run finished"), force=True)


def _interval_slack():
    import datetime as dt
    return dt.timedelta(minutes=1)


def _served_runs_line(signame: str, warehouse: str, since) -> str:
    """The one line `zhnews serve` ends with: the scheduled runs of this session and what they published."""
    from warehouse.store import WarehouseError, read_only
    head = f"zhnews: serve stopped by {signame}"
    try:
        con = read_only(warehouse)
    except WarehouseError:
        return f"{head}; no scheduled run has written {warehouse} yet"
    try:
        rows = con.execute("SELECT run_id, status, files_loaded, articles, error FROM runs WHERE started_at >= ? "
                           "ORDER BY started_at", [since]).fetchall()
    except Exception:  # noqa: BLE001 - a warehouse without a runs table yet
        rows = []
    finally:
        con.close()
    if not rows:
        return f"{head}; no scheduled run started in this session"
    published = [r for r in rows if r[1] == "published"]
    last = rows[-1]
    tail = f"last: run {last[0]} {last[1]}, {last[2] or 0} files, {last[3] or 0} articles"
    if last[4]:
        tail += f" ({last[4]})"
    return (f"{head}; {len(rows)} scheduled run{'s' if len(rows) != 1 else ''} in this session, "
            f"{len(published)} published {sum(r[2] or 0 for r in published)} files; {tail}")


def cmd_sql(args) -> int:
    from flows.sql import SqlError, interactive, run_query, run_script
    from warehouse.store import WarehouseError
    try:
        if args.query is not None:
            written = run_query(args.warehouse, args.query, args.format, args.out)
            if written:
                print(f"wrote {written}", file=sys.stderr)
            return 0
        if sys.stdin.isatty():
            return interactive(args.warehouse, args.format)
        return run_script(args.warehouse, sys.stdin.read(), args.format)
    except (SqlError, WarehouseError) as exc:
        return _fail(f"sql: {exc}" if isinstance(exc, SqlError) else str(exc))


def cmd_export(args) -> int:
    from flows.sql import SqlError, export
    from warehouse.store import WarehouseError
    try:
        written = export(args.warehouse, args.out, args.format)
    except (SqlError, WarehouseError) as exc:
        return _fail(f"export: {exc}" if isinstance(exc, SqlError) else str(exc))
    for table, rows, path in written:
        print(f"{table:<16} {rows:>9} rows  {path}")
    return 0


def _filter(fn, key: str) -> int:
    bad = 0
    for n, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            text = item["text"]
            out = {"id": item.get("id"), key: fn(text)}
        except (ValueError, KeyError, TypeError) as exc:
            bad += 1
            print(f"zhnews: line {n}: skipped ({type(exc).__name__}: {exc})", file=sys.stderr)
            continue
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
    return 1 if bad else 0


def cmd_ner(args) -> int:
    from transforms.entities import extract_entities

    def run(text: str) -> list[dict]:
        out = []
        for m in extract_entities(text):
            item = {"start": m.start, "end": m.end, "type": m.type, "text": m.surface}
            if m.title:
                item["title"] = m.title
            out.append(item)
        return out
    return _filter(run, "entities")


def cmd_train_ner(args) -> int:
    from transforms.entities.options import Options
    from transforms.entities.train import train
    for path in (args.train, args.dev):
        if path and not Path(path).is_file():
            return _fail(f"no such file: {path}")
    if args.epochs < 1 or args.ensemble < 1:
        return _fail("--epochs and --ensemble must be at least 1")
    options = Options(epochs=args.epochs, seed=args.seed, min_count=args.min_count, prune=args.prune,
                      name_lists=args.name_lists, ensemble=args.ensemble)
    try:
        train(args.train, args.dev, args.out, options, log=lambda line: print(line, flush=True))
    except (ValueError, KeyError) as exc:
        return _fail(f"bad training data: {type(exc).__name__}: {exc}")
    return 0


def cmd_numbers(args) -> int:
    from transforms.metrics import extract_metrics
    keys = ("start", "end", "surface", "value", "unit", "base_value", "base_unit", "kind", "qualifier", "low",
            "high", "unit_implied")

    from transforms import segment

    def run(text: str) -> list[dict]:        # the pipeline's tokenization (the words its metrics see)
        return [{k: m.get(k) for k in keys} for m in extract_metrics(text, segment.cut(segment.fold(text)))]
    return _filter(run, "metrics")


def cmd_bench(args) -> int:
    _prefect_env(False)
    from benchmarks.bench import main as bench_main
    return bench_main(args)


class _Help(argparse.HelpFormatter):
    """Every option's help ends with its default (flags and options without one say nothing more)."""

    def _get_help_string(self, action):
        text = action.help or ""
        if "%(default)" in text or action.default in (None, False, argparse.SUPPRESS) or not action.option_strings:
            return text
        return f"{text} (default: %(default)s)"


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Help)
        super().__init__(*args, **kwargs)


class _Version(argparse.Action):
    """`zhnews --version`: the package, the transform code and lexicon versions (as in `runs`), key libraries."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        print(version_text())
        parser.exit()


def version_text() -> str:
    from importlib import metadata

    def v(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "?"
    from transforms import lexicons
    from transforms.version import code_version        # the runs.code_version of a run of this code
    return (f"zhnews {v('zhnews')} (transforms {code_version()}, lexicons {lexicons.version()}); "
            f"prefect {v('prefect')}, great-expectations {v('great-expectations')}, duckdb {v('duckdb')}, "
            f"polars {v('polars')}, Python {sys.version.split()[0]}")


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="zhnews", description="Chinese newspaper pages -> a validated DuckDB warehouse "
                "(Prefect + polars + jieba + Great Expectations + DuckDB). `zhnews COMMAND --help` for a command.")
    p.add_argument("--version", action=_Version, help="print the versions of zhnews, its code and lexicons and exit")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)
    warehouse_help = "the DuckDB warehouse file"

    r = sub.add_parser("run", help="one Prefect flow run over the input files",
                       description="One Prefect flow run: read the input files, transform, validate with Great "
                       "Expectations and publish into the warehouse. Incremental by content hash. Ctrl-C stops "
                       "it within seconds (exit 130); what was published stays.")
    r.add_argument("--input", action="append", metavar="PATH",
                   help=f"file or folder, searched recursively; repeatable (default: {defaults.INPUT}/)")
    r.add_argument("--warehouse", default=DEFAULT_WAREHOUSE, metavar="FILE", help=warehouse_help)
    r.add_argument("--full-refresh", action="store_true", help="rebuild every page, ignoring content hashes")
    r.add_argument("--workers", type=int, default=defaults.WORKERS, metavar="N",
                   help="transform workers (threads, processes or Dask workers); N + 1 batches in flight")
    r.add_argument("--task-runner", choices=("auto", "thread", "process", "dask"), default=defaults.TASK_RUNNER,
                   help="auto: process pool for inputs over two batches, threads below, dask with --dask-address")
    r.add_argument("--dask-address", metavar="ADDR", help="scheduler address of an existing Dask cluster "
                   "(e.g. tcp://sched:8786); default: none, a LocalCluster with --task-runner dask")
    r.add_argument("--batch-mb", type=float, default=defaults.BATCH_MB, metavar="MB",
                   help="MB of pages per transform batch")
    r.add_argument("--publish-batches", type=int, default=defaults.PUBLISH_BATCHES, metavar="N",
                   help="transform batches validated and published together, in one transaction")
    r.add_argument("--duckdb-memory-limit", default=defaults.DUCKDB_MEMORY_LIMIT, metavar="SIZE",
                   help="DuckDB's memory_limit while writing (e.g. 1GB); DuckDB spills to disk beyond it")
    r.add_argument("--duckdb-threads", type=int, default=defaults.DUCKDB_THREADS, metavar="N",
                   help="DuckDB's threads while writing")
    r.add_argument("--verbose", action="store_true", help="show Prefect's logs on the terminal (they always "
                   "reach the Prefect UI)")
    r.add_argument("--quiet", action="store_true", help="no progress line on a terminal")
    r.add_argument("--progress", action="store_true",
                   help="progress lines even when stderr is not a terminal (one per batch)")
    r.add_argument("--no-cache", action="store_true", help="do not read or write the per-page transform cache")
    r.set_defaults(fn=cmd_run)

    rep = sub.add_parser("report", help="a run's data-quality summary and the Data Docs path",
                         description="The data-quality summary of the latest run (or --run ID): checks per "
                         "table, worst failures, drift, quarantined and rejected files, the Data Docs path.")
    rep.add_argument("--warehouse", default=DEFAULT_WAREHOUSE, metavar="FILE", help=warehouse_help)
    rep.add_argument("--run", metavar="ID", help="the run to report (a runs.run_id; default: the latest run)")
    rep.add_argument("--json", action="store_true", help="print the summary as JSON")
    rep.set_defaults(fn=cmd_report)

    s = sub.add_parser("serve", help="serve the flow as a Prefect deployment on a schedule",
                       description="Serve `zhnews run` as the Prefect deployment zhnews-run/zhnews-scheduled and "
                       "run it on its schedule until Ctrl-C. Without PREFECT_API_URL a temporary Prefect server "
                       "with its scheduler runs as long as this command.")
    s.add_argument("--cron", default=defaults.SERVE_CRON, metavar="EXPR",
                   help="cron schedule (minute hour day month weekday, UTC)")
    s.add_argument("--interval", type=float, metavar="SECONDS",
                   help="run every SECONDS instead of on the cron schedule (default: none, the cron schedule)")
    s.add_argument("--input", action="append", metavar="PATH",
                   help=f"file or folder of the scheduled runs; repeatable (default: {defaults.INPUT}/)")
    s.add_argument("--warehouse", default=DEFAULT_WAREHOUSE, metavar="FILE", help=warehouse_help)
    s.add_argument("--verbose", action="store_true", help="show Prefect's logs (the runner's and the served "
                   "runs') on the terminal")
    s.set_defaults(fn=cmd_serve)

    q = sub.add_parser("sql", help="read-only SQL on the warehouse (a query, or an interactive prompt)",
                       description="Run SQL on the warehouse, opened read-only. With QUERY: print its result. "
                       "Without: statements from stdin, or a prompt with history when stdin is a terminal. "
                       "(No DuckDB command-line shell that reads DuckDB 2.0 files installs here; this is it.)")
    q.add_argument("query", nargs="?", metavar="QUERY", help="SQL to run (default: none, read statements from "
                   "stdin or prompt)")
    q.add_argument("--warehouse", default=DEFAULT_WAREHOUSE, metavar="FILE", help=warehouse_help)
    q.add_argument("--format", choices=("table", "csv", "json"), default=defaults.SQL_FORMAT,
                   help="how results are printed (json: one object per line)")
    q.add_argument("--out", metavar="FILE", help="write the result to FILE instead: Parquet for .parquet, CSV "
                   "for .csv, JSON lines for .json/.jsonl, else --format (default: none, print it)")
    q.set_defaults(fn=cmd_sql)

    e = sub.add_parser("export", help="every table as Parquet or CSV files, for downstream tools",
                       description="Write every warehouse table into DIR (DuckDB COPY): one file per table, "
                       "articles partitioned by issue month (articles/issue_month=YYYY-MM/).")
    e.add_argument("--out", required=True, metavar="DIR", help="folder to write (replaces an earlier export)")
    e.add_argument("--format", choices=("parquet", "csv"), default=defaults.EXPORT_FORMAT, help="file format")
    e.add_argument("--warehouse", default=DEFAULT_WAREHOUSE, metavar="FILE", help=warehouse_help)
    e.set_defaults(fn=cmd_export)

    sub.add_parser("ner", help='filter: {"id","text"} lines -> entities').set_defaults(fn=cmd_ner)
    sub.add_parser("numbers", help='filter: {"id","text"} lines -> metrics').set_defaults(fn=cmd_numbers)

    from transforms.entities.options import Options
    d = Options()
    t = sub.add_parser("train-ner", help="train the entity tagger from JSON lines {id, text, entities}")
    t.add_argument("--train", required=True, metavar="FILE", help="training file (JSON lines, character offsets)")
    t.add_argument("--dev", metavar="FILE", help="development file: P/R/F1 per type printed after every epoch "
                   "(default: none)")
    t.add_argument("--out", required=True, metavar="FILE", help="model file to write (.npz)")
    t.add_argument("--epochs", type=int, default=d.epochs, help="passes over the training file")
    t.add_argument("--seed", type=int, default=d.seed, help="seed of the shuffle (same seed, same model)")
    t.add_argument("--min-count", type=int, default=d.min_count, help="keep features seen at least this often")
    t.add_argument("--prune", type=float, default=d.prune,
                   help="drop features whose averaged weights are all below this in magnitude")
    t.add_argument("--name-lists", type=int, default=d.name_lists,
                   help="synthetic texts of unseparated person names from the training file's own names")
    t.add_argument("--ensemble", type=int, default=d.ensemble,
                   help="perceptrons trained in different orders (seeds SEED, SEED+1, ...) and averaged into one model")
    t.set_defaults(fn=cmd_train_ner)

    b = sub.add_parser("bench", help="throughput benchmark",
                       description="End-to-end throughput of the real flow on N MB of pages, against rjieba.tag "
                       "and a naive loop measured in the same run. Pages come from --input, else from the "
                       "corpus, else (a fresh clone without ../shared) from the repository's seeds.")
    b.add_argument("--mb", type=float, default=defaults.BENCH_MB, help="MB of pages to build")
    b.add_argument("--input", metavar="DIR", help="folder of pages instead of built pages (default: none)")
    b.add_argument("--corpus", default=defaults.BENCH_CORPUS, metavar="FILE",
                   help="JSONL.gz news corpus the pages are built from; the seeds when it is missing")
    b.add_argument("--workers", type=int, default=0, metavar="N", help="workers (default: 0 = all cores)")
    b.add_argument("--task-runner", choices=("thread", "process", "dask"), default=defaults.BENCH_TASK_RUNNER,
                   help="task runner of the benchmarked run")
    b.set_defaults(fn=cmd_bench)
    return p


def main(argv: list[str] | None = None) -> int:
    # the allocators of this process give freed memory back (flows/allocators.py): before polars and pyarrow
    # are imported, and here, not at import, since spawned workers import this module too (as __mp_main__)
    allocators.use_in_this_process()
    args = parser().parse_args(argv)
    restore()                               # the command's own handling from here (flows/entry.py)
    try:
        code = args.fn(args)
        sys.stdout.flush()                  # a reader gone meanwhile shows here, not at interpreter exit
        return code
    except BrokenPipeError:
        # the reader went away (`zhnews report | head`): not an error; keep Python from complaining at exit
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except OSError:
            pass
        return 0
    except KeyboardInterrupt:
        if args.fn is cmd_run:                 # before its Guard was installed
            print(_interrupted_run_line("SIGINT"), file=sys.stderr)
            return 130
        return _fail("interrupted by SIGINT", 130)


if __name__ == "__main__":
    sys.exit(main())
