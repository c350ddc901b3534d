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
