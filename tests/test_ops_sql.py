"""Operations: `zhnews sql` and `zhnews export`, run for real on the seeds warehouse (read-only)."""
from __future__ import annotations

import csv
import io
import json
import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from conftest import ROOT


def _sql(wh, *args, stdin=None, env=None):
    return subprocess.run([sys.executable, "-m", "flows.cli", "sql", "--warehouse", str(wh), *args], cwd=ROOT,
                          capture_output=True, text=True, input=stdin, timeout=120, env=env)


def _count(wh, table):
    con = duckdb.connect(str(wh), read_only=True)
    try:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        con.close()


def test_sql_query_prints_table_csv_json_and_writes_files(seed_run, tmp_path):
    wh = seed_run["warehouse"]
    n = _count(wh, "articles")
    table = _sql(wh, "SELECT count(*) AS n FROM articles")
    assert table.returncode == 0 and re.search(rf"│\s+{n}\s+│", table.stdout), table.stdout + table.stderr
    rows = list(csv.reader(io.StringIO(_sql(wh, "SELECT headline, seq FROM articles ORDER BY article_id",
                                            "--format", "csv").stdout)))
    assert rows[0] == ["headline", "seq"] and len(rows) == n + 1
    lines = _sql(wh, "SELECT person, title FROM person_mentions", "--format", "json").stdout.splitlines()
    assert lines and all(set(json.loads(line)) == {"person", "title"} for line in lines)
    out = tmp_path / "money.parquet"
    done = _sql(wh, "SELECT surface, amount FROM money_facts", "--out", str(out))
    assert done.returncode == 0 and str(out) in done.stderr
    assert duckdb.execute(f"SELECT count(*) FROM '{out}'").fetchone()[0] == _count(wh, "money_facts")
    out_csv = tmp_path / "sub" / "runs.csv"
    assert _sql(wh, "SELECT * FROM runs", "--out", str(out_csv)).returncode == 0
    assert out_csv.read_text(encoding="utf-8").startswith("run_id,")


def test_sql_is_read_only_and_errors_are_one_line(seed_run, tmp_path):
    wh = seed_run["warehouse"]
    n = _count(wh, "articles")
    refused = _sql(wh, "DELETE FROM articles")
    assert refused.returncode == 1 and len(refused.stderr.strip().splitlines()) == 1
    assert "read-only" in refused.stderr and _count(wh, "articles") == n
    bad = _sql(wh, "SELEC 1")
    assert bad.returncode == 1 and bad.stderr.startswith("zhnews: sql: ") and len(bad.stderr.splitlines()) == 1
    missing = _sql(tmp_path / "none.duckdb", "SELECT 1")
    assert missing.returncode == 1 and "none.duckdb" in missing.stderr and "zhnews run" in missing.stderr
    not_db = tmp_path / "notes.txt"
    not_db.write_text("not a database")
    broken = _sql(not_db, "SELECT 1")
    assert broken.returncode == 1 and str(not_db) in broken.stderr and "Traceback" not in broken.stderr


def test_sql_reads_statements_from_a_pipe(seed_run):
    out = _sql(seed_run["warehouse"], stdin="SELECT 41 + 1 AS answer;\nSELECT 'b' AS second;\n", )
    assert out.returncode == 0 and "42" in out.stdout and "second" in out.stdout


def test_sql_interactive_prompt_with_history(seed_run, tmp_path):
    """A real terminal (pty): statements over two lines, a dot-command, and the history kept for next time."""
    env = dict(os.environ, HOME=str(tmp_path), TERM="dumb")
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(ROOT)
        os.execve(sys.executable, [sys.executable, "-m", "flows.cli", "sql", "--warehouse",
                                   str(seed_run["warehouse"])], env)
    out = b""

    def read_until(marker: bytes, timeout: float = 60) -> None:
        nonlocal out
        deadline = time.monotonic() + timeout
        while marker not in out and time.monotonic() < deadline:
            if select.select([fd], [], [], 0.5)[0]:
                try:
                    out += os.read(fd, 65536)
                except OSError:
                    break
        assert marker in out, out.decode(errors="replace")[-2000:]

    read_until(b"zhnews> ")
    os.write(fd, b"SELECT count(*) AS n\r")
    read_until(b"...> ")
    os.write(fd, b"FROM articles;\r")
    read_until(b"zhnews> ", 60)
    os.write(fd, b".tables\r")
    read_until(b"entity_mentions")
    os.write(fd, b".quit\r")
    _, status = os.waitpid(pid, 0)
    text = out.decode(errors="replace")
    assert os.waitstatus_to_exitcode(status) == 0
    assert re.search(rf"│\s+{_count(seed_run['warehouse'], 'articles')}\s+│", text), text[-2000:]
    history = (tmp_path / ".zhnews_sql_history").read_text(encoding="utf-8")
    assert "FROM articles;" in history


def test_readme_example_queries_run(seed_run):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    queries = re.findall(r'^zhnews sql "([^"]+)"', readme, flags=re.M)
    assert len(queries) >= 3
    for q in queries:
        out = _sql(seed_run["warehouse"], q)
        assert out.returncode == 0, (q, out.stderr)


def test_export_writes_every_table_with_articles_by_issue_month(seed_run, tmp_path):
    wh = seed_run["warehouse"]
    out = tmp_path / "export"
    done = subprocess.run([sys.executable, "-m", "flows.cli", "export", "--out", str(out), "--warehouse", str(wh)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    con = duckdb.connect(str(wh), read_only=True)
    tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'").fetchall()]
    for t in tables:
        n = con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        path = out / "articles" / "**" / "*.parquet" if t == "articles" else out / f"{t}.parquet"
        assert duckdb.execute(f"SELECT count(*) FROM read_parquet('{path}', hive_partitioning = true)").fetchone()[0] == n, t
    months = sorted(p.name for p in (out / "articles").iterdir())
    assert months and all(re.fullmatch(r"issue_month=(\d{4}-\d{2}|unknown)", m) for m in months), months
    con.close()
    again = subprocess.run([sys.executable, "-m", "flows.cli", "export", "--out", str(tmp_path / "csv"), "--format",
                            "csv", "--warehouse", str(wh)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and (tmp_path / "csv" / "runs.csv").is_file()
