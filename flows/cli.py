"""The `zhnews` command line (see ../shared/CONTRACT.md): run, report, serve, ner, numbers, bench.

Environment defaults are set before Prefect is imported: PREFECT_HOME inside the working directory,
analytics off, and Prefect's own logging quiet unless --verbose. Errors a person can fix end the command
with a one-line reason and a non-zero exit, never a traceback.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from flows.server import start_temporary_server

DEFAULT_WAREHOUSE = "warehouse/zhnews.duckdb"
DEFAULT_INPUT = "seeds"


def _prefect_env(verbose: bool = False) -> None:
    os.environ.setdefault("PREFECT_HOME", str(Path.cwd() / ".prefect"))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "WARNING")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")


def _fail(message: str, code: int = 1) -> int:
    print(f"zhnews: {message}", file=sys.stderr)
    return code


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
    """Process-pool worker start: a lower CPU priority than the flow's process. The flow's process is the
    single writer (stage, validate, publish) and the one that feeds the workers; when both cores are busy
    with transforms, it should not wait behind them."""
    try:
        os.nice(5)
    except (AttributeError, OSError):
        pass


def build_task_runner(name: str, workers: int, dask_address: str | None):
    if name == "thread":
        from prefect.task_runners import ThreadPoolTaskRunner
        return ThreadPoolTaskRunner(max_workers=workers)
    if name == "process":
        from prefect.task_runners import ProcessPoolTaskRunner
        return ProcessPoolTaskRunner(max_workers=workers, initializer=lower_priority)
    if name == "dask":
        from prefect_dask import DaskTaskRunner
        if dask_address:
            return DaskTaskRunner(address=dask_address)
        return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1,
                                              "processes": True, "dashboard_address": None})
    raise ValueError(f"unknown task runner {name!r}")


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
    from flows.inputs import InputError, discover
    from warehouse.store import Warehouse, WarehouseError

    inputs = args.input or [DEFAULT_INPUT]
    try:
        found = discover(inputs)                # fail fast on a missing path, before starting Prefect
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
    server = start_temporary_server()     # boots while the imports below run
    try:
        return _run_flow(args, inputs, found, warehouse, server)
    finally:
        if server is not None:
            server.stop()


def _run_flow(args, inputs, found, warehouse, server) -> int:
    from flows.inputs import InputError
    from flows.pipeline import prewarm, zhnews_run
    from warehouse.store import WarehouseError

    runner_name = choose_task_runner(args.task_runner, args.workers, args.dask_address,
                                     sum(f.size for f in found), int(args.batch_mb * 1024 * 1024))
    try:
        runner = build_task_runner(runner_name, args.workers, args.dask_address)
    except ImportError as exc:
        return _fail(f"task runner {runner_name!r} is not available: {exc}")
    flow = zhnews_run.with_options(task_runner=runner)
    prewarm()
    if server is not None:
        try:
            server.wait_ready(float(os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"]))
        except RuntimeError as exc:
            return _fail(str(exc))
    show_progress = args.progress or (sys.stderr.isatty() and not args.quiet)
    try:
        summary = flow(inputs=[str(p) for p in inputs], warehouse=str(warehouse), full_refresh=args.full_refresh,
                       batch_bytes=max(1, int(args.batch_mb * 1024 * 1024)), max_in_flight=args.workers + 1,
                       publish_batches=args.publish_batches,
                       task_runner_name=runner_name, progress=show_progress, use_cache=not args.no_cache)
    except (WarehouseError, InputError) as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return _fail("interrupted; published batches stay, the next run finishes the rest", 130)
    except Exception as exc:  # noqa: BLE001 - one line for the user; details are in the Prefect run
        return _fail(f"run failed: {type(exc).__name__}: {exc}".splitlines()[0])
    print(format_summary(summary, warehouse))
    return 0 if summary.status == "published" else 1


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
    out.append(f"  data quality: {'ok' if summary.dq_success else 'critical failures (see zhnews report)'}; "
               f"Data Docs: {summary.data_docs}")
    out.append(f"  warehouse: {warehouse}")
    out.append(f"  files: {summary.files_seen} seen: {summary.files_loaded} loaded, {summary.files_skipped} "
               f"skipped (unchanged), {summary.files_rejected} rejected, {summary.files_quarantined} quarantined")
    return "\n".join(out)


def cmd_report(args) -> int:
    from expectations.report import render_report
    from warehouse.store import WarehouseError
    try:
        print(render_report(args.warehouse))
    except WarehouseError as exc:
        return _fail(str(exc))
    return 0


def cmd_serve(args) -> int:
    _prefect_env(True)
    inputs = args.input or [DEFAULT_INPUT]
    from flows.inputs import InputError, discover
    try:
        discover(inputs)
    except InputError as exc:
        return _fail(str(exc))
    problem = _check_warehouse(Path(args.warehouse))
    if problem:
        return _fail(problem)
    from prefect import serve

    from flows.pipeline import build_deployment
    try:
        deployment = build_deployment(args.cron, inputs, args.warehouse)
    except ValueError as exc:
        return _fail(f"bad --cron {args.cron!r}: {str(exc).splitlines()[0]}")
    print(f"serving deployment zhnews-run/zhnews-scheduled on cron '{args.cron}' (Ctrl-C to stop)", flush=True)
    try:
        serve(deployment)
    except KeyboardInterrupt:
        return 0
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


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="zhnews", description="Chinese newspaper pages -> DuckDB warehouse")
    sub = p.add_subparsers(dest="command", required=True)

    r = sub.add_parser("run", help="one Prefect flow run over the input files")
    r.add_argument("--input", action="append", help="file or folder (repeatable; default seeds/)")
    r.add_argument("--warehouse", default=DEFAULT_WAREHOUSE)
    r.add_argument("--full-refresh", action="store_true", help="rebuild every page, ignoring content hashes")
    r.add_argument("--workers", type=int, default=2)
    r.add_argument("--task-runner", choices=("auto", "thread", "process", "dask"), default="auto",
                   help="auto: process pool for inputs over two batches, threads below, dask with --dask-address")
    r.add_argument("--dask-address", help="scheduler address of an existing Dask cluster")
    r.add_argument("--batch-mb", type=float, default=4.0, help="MB of pages per transform batch")
    r.add_argument("--publish-batches", type=int, default=3,
                   help="transform batches validated and published together, in one transaction")
    r.add_argument("--verbose", action="store_true", help="show Prefect's logs")
    r.add_argument("--quiet", action="store_true", help="no progress line")
    r.add_argument("--progress", action="store_true",
                   help="progress lines even when stderr is not a terminal (one per batch)")
    r.add_argument("--no-cache", action="store_true", help="do not read or write the per-page transform cache")
    r.set_defaults(fn=cmd_run)

    rep = sub.add_parser("report", help="latest run's data-quality summary and the Data Docs path")
    rep.add_argument("--warehouse", default=DEFAULT_WAREHOUSE)
    rep.set_defaults(fn=cmd_report)

    s = sub.add_parser("serve", help="serve the flow as a Prefect deployment on a cron schedule")
    s.add_argument("--cron", default="0 6 * * *")
    s.add_argument("--input", action="append")
    s.add_argument("--warehouse", default=DEFAULT_WAREHOUSE)
    s.set_defaults(fn=cmd_serve)

    sub.add_parser("ner", help='filter: {"id","text"} lines -> entities').set_defaults(fn=cmd_ner)
    sub.add_parser("numbers", help='filter: {"id","text"} lines -> metrics').set_defaults(fn=cmd_numbers)

    from transforms.entities.options import Options
    d = Options()
    t = sub.add_parser("train-ner", help="train the entity tagger from JSON lines {id, text, entities}",
                       formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    t.add_argument("--train", required=True, help="training file (JSON lines, character offsets)")
    t.add_argument("--dev", help="development file: P/R/F1 per type printed after every epoch")
    t.add_argument("--out", required=True, help="model file to write (.npz)")
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

    b = sub.add_parser("bench", help="throughput benchmark")
    b.add_argument("--mb", type=float, default=30.0)
    b.add_argument("--input", help="folder of pages instead of pages built from the corpus")
    b.add_argument("--corpus", default="../shared/corpus/xwlb_articles.jsonl.gz")
    b.add_argument("--workers", type=int, default=0, help="default: all cores")
    b.add_argument("--task-runner", choices=("thread", "process", "dask"), default="process")
    b.set_defaults(fn=cmd_bench)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.fn(args)


if __name__ == "__main__":
    sys.exit(main())
