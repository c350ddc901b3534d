"""The warehouse's rendering of the table contract (contract/tables.py): the DDL (`ddl()`, written to
warehouse/schema.sql and checked by a test), the COMMENT ON statements, and docs/tables.md (`markdown()`).

The tables themselves (columns, types, keys, the table lists and the run's counters) are declared in the
bottom package contract/ and re-exported here, so `from warehouse import contract` reads them all.
"""
from __future__ import annotations

from contract.tables import *  # noqa: F401,F403 - the tables, re-exported
from contract.tables import ALL_TABLES, CONTENT_TABLES, Audit, Table


def create_table_sql(table: Table, schema: str = "main") -> str:
    # Staging tables take anything (the expectations judge it); constraints guard only the published schema,
    # and a primary key only where DuckDB's index of it stays small (`Table.key_index`, contract/tables.py).
    strict = schema == "main"
    cols = [f"    {c.name} {c.type}{' NOT NULL' if strict and not c.nullable else ''}" for c in table.columns]
    if table.primary_key and strict and table.key_index:
        cols.append(f"    PRIMARY KEY ({', '.join(table.primary_key)})")
    return f"CREATE TABLE IF NOT EXISTS {schema}.{table.name} (\n" + ",\n".join(cols) + "\n);"


VIEWS = {
    "person_mentions": "Every mention of a person with the title the text gives, the article's headline and date, "
                       "and the source file (entity_mentions + entities + articles + sources).",
    "money_facts": "Every money fact (metrics.kind = 'money') with its amount in CNY, qualifier and range, and "
                   "the headline of its article.",
    "latest_run": "The most recent row of runs.",
}
STAGING = ("The `staging` schema holds one copy of each content table (articles, entities, entity_mentions, "
           "metrics, page_residue) with the same columns and no constraints: the batch being validated. A publish "
           "moves its rows to `main` in one transaction and empties it; a run clears leftovers of a killed run "
           "before it starts.")


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def comment_statements(schema: str = "main") -> list[str]:
    """COMMENT ON every table and column (and, in `main`, view), from the descriptions above, so that
    `duckdb_tables()`, `duckdb_columns()` and `zhnews sql ".schema"` show them."""
    out = []
    tables = ALL_TABLES if schema == "main" else CONTENT_TABLES
    for t in tables:
        what = t.description if schema == "main" else f"staging copy of {t.name}: the batch being validated. {t.description}"
        out.append(f"COMMENT ON TABLE {schema}.{t.name} IS {_sql_text(what)}")
        for c in t.columns:
            out.append(f"COMMENT ON COLUMN {schema}.{t.name}.{c.name} IS {_sql_text(c.description)}")
    if schema == "main":
        out += [f"COMMENT ON VIEW main.{name} IS {_sql_text(text)}" for name, text in VIEWS.items()]
    return out


def _bounds(lo: float | None, hi: float | None) -> str:
    return (f"{'' if lo is None else f'≥ {lo:g}'}{' and ' if lo is not None and hi is not None else ''}"
            f"{'' if hi is None else f'≤ {hi:g}'}")


def audit_text(audit: Audit) -> str:
    """One audit as docs/tables.md lists it: what must hold, what it means, its severity."""
    what = {"null": f"`{audit.column}` is null",
            "between": f"`{audit.column}` {_bounds(audit.min, audit.max)}",
            "lengths": f"length of `{audit.column}` {_bounds(audit.min, audit.max)}"}[audit.kind]
    return f"{what}: {audit.description} ({audit.severity})"


def markdown(view_columns: dict[str, list[tuple[str, str]]] | None = None) -> str:
    """docs/tables.md: every table and column described once (`python -m warehouse.contract --markdown`)."""
    lines = ["# Warehouse tables", "",
             "Generated from `contract/tables.py` by `python -m warehouse.contract --markdown > docs/tables.md`; "
             "do not edit by hand. The same descriptions are stored in the warehouse (`COMMENT ON`): "
             "`zhnews sql \"SELECT table_name, column_name, comment FROM duckdb_columns() WHERE schema_name = "
             "'main'\"` shows them, and `.schema TABLE` at the `zhnews sql` prompt.", "",
             "Columns marked * are zhnews additions to the published contract (../shared/CONTRACT.md). "
             "`critical` checks quarantine the pages that fail them; `warning` checks are reported only.", ""]
    for t in ALL_TABLES:
        lines += [f"## `{t.name}`", "", t.description, ""]
        if t.primary_key and t.key_index:
            lines.append(f"Primary key: `{', '.join(t.primary_key)}`.")
        elif t.primary_key:
            lines.append(f"Key: `{', '.join(t.primary_key)}`, unique (checked before publishing, not indexed by "
                         "DuckDB: an index of a table that grows with the input would hold memory that grows with "
                         "it).")
        if t.foreign_keys:
            lines.append("References: " + ", ".join(f"`{c}` → `{rt}.{rc}`" for c, (rt, rc) in t.foreign_keys.items())
                         + " (checked by the expectations, not by DuckDB).")
        if t.primary_key or t.foreign_keys:
            lines.append("")
        lines += ["| column | type | null | description | checks |", "| --- | --- | --- | --- | --- |"]
        for c in t.columns:
            checks = []
            if c.values:
                checks.append("one of " + ", ".join(f"`{v}`" for v in c.values))
            if c.min is not None or c.max is not None:
                checks.append(_bounds(c.min, c.max))
            if checks:
                checks.append(c.severity)
            desc = c.description.replace("|", "\\|")
            lines.append(f"| `{c.name}`{' *' if c.extra else ''} | {c.type} | {'yes' if c.nullable else 'no'} | "
                         f"{desc} | {'; '.join(checks)} |")
        lines.append("")
        if t.audits:
            lines += ["Audits, over the staged rows plus the columns `expectations/audit.sql` derives (a `*_problem` "
                      "column is null when the row is fine and otherwise says what is wrong):", ""]
            lines += [f"- {audit_text(a)}" for a in t.audits] + [""]
    lines += ["## Views", ""]
    for name, text in VIEWS.items():
        cols = ", ".join(f"`{c}`" for c, _ in (view_columns or {}).get(name, []))
        lines += [f"### `{name}`", "", text, ""] + ([f"Columns: {cols}.", ""] if cols else [])
    lines += ["## The `staging` schema", "", STAGING, ""]
    return "\n".join(lines)


def view_columns() -> dict[str, list[tuple[str, str]]]:
    """The views' columns, from an empty in-memory warehouse (schema.sql + views.sql)."""
    import duckdb
    from pathlib import Path

    here = Path(__file__).resolve().parent
    con = duckdb.connect()
    con.execute((here / "schema.sql").read_text(encoding="utf-8"))
    con.execute((here / "views.sql").read_text(encoding="utf-8"))
    return {name: [(r[0], r[1]) for r in con.execute(f"DESCRIBE {name}").fetchall()] for name in VIEWS}


def ddl(schema: str = "main") -> str:
    header = "-- Generated from warehouse/contract.py by `python -m warehouse.contract`; do not edit by hand.\n"
    return header + "\n\n".join(create_table_sql(t, schema) for t in ALL_TABLES) + "\n"


if __name__ == "__main__":
    import sys
    print(markdown(view_columns()) if "--markdown" in sys.argv[1:] else ddl(), end="")
