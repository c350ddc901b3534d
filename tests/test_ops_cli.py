"""Operations: the command line itself — help with defaults, --version, quiet pipes, one-line errors,
`zhnews report --run ID / --json`, truthful summaries, and `zhnews bench` on a fresh clone (no ../shared)."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from conftest import N_SEEDS, ROOT

COMMANDS = ("run", "report", "serve", "sql", "export", "bench", "train-ner")


def _cli(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "flows.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=kwargs.pop("timeout", 120), **kwargs)


def test_every_option_has_help_and_shows_its_default():
    from flows.cli import parser
    top = parser()
    sub = next(a for a in top._actions if a.dest == "command")
    for name in COMMANDS:
        p = sub.choices[name]
        text = p.format_help()
        for action in p._actions:
            if action.dest == "help":
                continue
            assert action.help, f"{name} {action.option_strings or action.dest} has no help"
            if action.option_strings and action.default not in (None, False):
                assert f"(default: {action.default})" in " ".join(text.split()), (name, action.option_strings)
        assert not re.search(r"\(default: [^)]*\)\s+\(default:", text), f"{name}: a default said twice"


def test_version():
    out = _cli("--version")
    assert out.returncode == 0
    assert re.match(r"zhnews \d+\.\d+\.\d+ \(transforms [0-9a-f]{12}, lexicons [0-9a-f]{12}\); prefect 3\.", out.stdout)
    from transforms.version import code_version
    assert f"(transforms {code_version()}," in out.stdout          # what a run records in runs.code_version


def test_code_version_covers_subpackages(tmp_path):
    from transforms.version import code_version
    (tmp_path / "sub").mkdir()
    (tmp_path / "top.py").write_text("A = 1\n")
    (tmp_path / "sub" / "deep.py").write_text("B = 1\n")
    before = code_version(tmp_path)
    (tmp_path / "sub" / "deep.py").write_text("B = 2\n")
    assert code_version(tmp_path) != before


def test_a_closed_pipe_is_not_an_error(seed_run):
    """`zhnews report | head` and `zhnews sql ... | head`: the reader goes away; no traceback, exit 0."""
    for args in (["report", "--warehouse", str(seed_run["warehouse"])],
                 ["sql", "SELECT * FROM range(200000)", "--format", "csv", "--warehouse", str(seed_run["warehouse"])]):
        proc = subprocess.Popen([sys.executable, "-m", "flows.cli", *args], cwd=ROOT, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        proc.stdout.close()                      # the reader is gone before the first line is written
        err = proc.stderr.read().decode()
        assert proc.wait(timeout=120) == 0 and err == "", (args, err)


@pytest.mark.parametrize("case", ["missing", "directory", "not_duckdb", "unknown_run"])
def test_report_errors_are_one_line_naming_the_file(seed_run, tmp_path, case):
    wh = {"missing": tmp_path / "nope.duckdb", "directory": tmp_path, "not_duckdb": tmp_path / "x.duckdb",
          "unknown_run": seed_run["warehouse"]}[case]
    if case == "not_duckdb":
        wh.write_text("hello")
    args = ["report", "--warehouse", str(wh)] + (["--run", "no-such-run"] if case == "unknown_run" else [])
    out = _cli(*args)
    lines = out.stderr.strip().splitlines()
    assert out.returncode == 1 and len(lines) == 1 and lines[0].startswith("zhnews: "), out.stderr
    assert ("no-such-run" if case == "unknown_run" else str(wh)) in lines[0]


def test_report_for_a_given_run_and_as_json(seed_run):
    wh = str(seed_run["warehouse"])
    first = seed_run["first"].run_id
    data = json.loads(_cli("report", "--warehouse", wh, "--run", first, "--json").stdout)
    assert data["run"]["run_id"] == first and data["run"]["files_loaded"] == N_SEEDS and data["passed"] is True
    assert {t["table"] for t in data["tables"]} >= {"articles", "entity_mentions", "metrics"}
    text = _cli("report", "--warehouse", wh, "--run", first).stdout
    assert f"run {first}" in text and "verdict: PASS" in text
    latest = json.loads(_cli("report", "--warehouse", wh, "--json").stdout)
    assert latest["run"]["run_id"] == seed_run["second"].run_id and latest["checked_run"] == first


def test_summary_says_ok_only_when_no_check_failed():
    from flows.cli import format_summary
    from flows.pipeline import RunSummary
    s = RunSummary(run_id="r", status="published")
    assert "data quality: ok\n" in format_summary(s, "w") + "\n"
    s.warnings = ["metrics.unit: unit is a known unit (3 rows)", "articles.*: articles per page (drift)"]
    assert "data quality: ok, 2 warnings: metrics.unit: unit is a known unit (3 rows); articles.*" in \
        format_summary(s, "w")
    s.dq_success = False
    assert "data quality: critical failures" in format_summary(s, "w")


def test_seed_run_is_named_after_its_run_id_and_its_warnings_are_listed(seed_run, seed_db):
    """The Prefect flow run carries the zhnews run id as its name; the summary's warnings are the failed
    warning checks of dq_results."""
    from prefect.client.orchestration import get_client
    first = seed_run["first"]
    with get_client(sync_client=True) as client:
        assert client.read_flow_run(first.flow_run_id).name == first.run_id
    failed = seed_db.execute("SELECT count(DISTINCT (table_name, column_name, description)) FROM dq_results "
                             "WHERE run_id = ? AND NOT success AND severity = 'warning'", [first.run_id]).fetchone()[0]
    assert len(first.warnings) == failed


@pytest.mark.slow
def test_bench_on_a_fresh_clone_builds_pages_from_the_seeds(tmp_path):
    env = {k: v for k, v in __import__("os").environ.items() if k not in ("PREFECT_API_URL",)}
    env["PREFECT_HOME"] = str(tmp_path / "home")
    out = _cli("bench", "--mb", "0.1", "--workers", "1", "--task-runner", "thread", "--corpus",
               str(tmp_path / "no-corpus.jsonl.gz"), env=env, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "from the repository's seeds/" in out.stdout and "zhnews end to end:" in out.stdout
    assert re.search(r"files loaded (\d+)", out.stdout).group(1) != "0"
