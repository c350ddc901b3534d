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


def test_transform_frames_have_the_contract_schema():
    """transforms.stages builds its frames from the contract: each frame has the contract's columns, in its
    order, with the polars dtype of its DuckDB type (articles.run_id aside: the publishing run stamps it). A
    column missing would be staged as all nulls; another type or order would be cast on every staging."""
    import polars as pl

    from transforms.stages import PageInput, transform_pages

    types = {"VARCHAR": pl.String, "INTEGER": pl.Int32, "BIGINT": pl.Int64, "DOUBLE": pl.Float64,
             "BOOLEAN": pl.Boolean, "DATE": pl.Date, "VARCHAR[]": pl.List(pl.String)}
    pages = [PageInput(p.stem, str(p), p.read_text(encoding="utf-8")) for p in sorted((ROOT / "seeds").glob("*.txt"))]
    frames = transform_pages(pages)
    for table in contract.CONTENT_TABLES:
        frame = frames[table.name]
        assert not frame.is_empty(), table.name
        wanted = [(c.name, types[c.type]) for c in table.columns if (table.name, c.name) != ("articles", "run_id")]
        assert list(frame.schema.items()) == wanted, table.name


def test_run_counts_are_the_integer_columns_of_runs():
    """Summaries, reports and artifacts read the run's counters from contract.RUN_COUNTS: a counter added to
    `runs` and not to it (or one it names that `runs` lacks) would silently go missing from all of them."""
    integer_columns = {c.name for c in contract.RUNS.columns if c.type == "INTEGER"}
    assert set(contract.RUN_COUNTS) == integer_columns
    assert len(set(contract.RUN_COUNTS)) == len(contract.RUN_COUNTS)
