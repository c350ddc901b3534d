from pathlib import Path

import duckdb

from expectations.suites import all_checks
from warehouse import contract

ROOT = Path(__file__).resolve().parent.parent


def test_schema_sql_is_generated_from_the_contract():
    assert (ROOT / "warehouse" / "schema.sql").read_text(encoding="utf-8") == contract.ddl(), \
        "regenerate with: python -m warehouse.contract > warehouse/schema.sql"


def test_ddl_creates_every_contract_table_and_column():
    con = duckdb.connect()
    con.execute((ROOT / "warehouse" / "schema.sql").read_text(encoding="utf-8"))
    for table in contract.ALL_TABLES:
        cols = [r[0] for r in con.execute(f"DESCRIBE {table.name}").fetchall()]
        assert cols == table.column_names


def test_every_required_column_has_a_not_null_check():
    checks = all_checks()
    for name, cks in checks.items():
        table = contract.BY_NAME[name]
        covered = {c.kwargs.get("column") for c in cks if c.expectation == "ExpectColumnValuesToNotBeNull"}
        required = {c.name for c in table.columns if not c.nullable} - {"run_id"}
        assert required <= covered, name


def test_transform_frames_have_every_contract_column():
    """transforms.stages builds its frames with fixed schemas; a contract column missing from them would be
    staged as all nulls."""
    from transforms.stages import PageInput, transform_pages

    pages = [PageInput(p.stem, str(p), p.read_text(encoding="utf-8")) for p in sorted((ROOT / "seeds").glob("*.txt"))]
    frames = transform_pages(pages)
    for table in contract.CONTENT_TABLES:
        assert not frames[table.name].is_empty(), table.name
        assert set(table.column_names) - {"run_id"} <= set(frames[table.name].columns), table.name


def test_run_counts_are_the_integer_columns_of_runs():
    """Summaries, reports and artifacts read the run's counters from contract.RUN_COUNTS: a counter added to
    `runs` and not to it (or one it names that `runs` lacks) would silently go missing from all of them."""
    integer_columns = {c.name for c in contract.RUNS.columns if c.type == "INTEGER"}
    assert set(contract.RUN_COUNTS) == integer_columns
    assert len(set(contract.RUN_COUNTS)) == len(contract.RUN_COUNTS)
