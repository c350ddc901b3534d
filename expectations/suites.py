"""The expectation suites, one per table, derived from the contract (contract/tables.py, its audits included).

Every check is a plain `Check` (table, Great Expectations expectation class name, kwargs, severity,
description). Contract-derived checks (not-null, accepted values, ranges, primary keys, foreign keys)
are generated; the audits that need more than one column (offsets slice back to the surface, bounds are
ordered, base values follow from value and unit, counts are plausible) are declared beside their tables in
the contract (`Table.audits`) and read the derived columns computed in expectations/audit.sql. Severity: `critical` means nothing of the failing page is published (it is
quarantined), `warning` means it is published and the failure is reported. Keeping checks as
data lets tests and the report read them without importing Great Expectations (slow to import).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from warehouse import contract
from warehouse.contract import CONTENT_TABLE_NAMES, CRITICAL


@dataclass(frozen=True)
class Check:
    table: str
    expectation: str                      # GX class name, e.g. ExpectColumnValuesToNotBeNull
    kwargs: dict = field(default_factory=dict)
    severity: str = CRITICAL
    description: str = ""

    @property
    def column(self) -> str | None:
        return self.kwargs.get("column") or self.kwargs.get("column_A") or (
            ",".join(self.kwargs["column_list"]) if "column_list" in self.kwargs else None)


def contract_checks(table: contract.Table) -> list[Check]:
    checks: list[Check] = []
    t = table.name
    if len(table.primary_key) == 1:
        checks.append(Check(t, "ExpectColumnValuesToBeUnique", {"column": table.primary_key[0]}, CRITICAL,
                            f"{table.primary_key[0]} is the primary key"))
    elif table.primary_key:
        checks.append(Check(t, "ExpectCompoundColumnsToBeUnique", {"column_list": list(table.primary_key)},
                            CRITICAL, "primary key is unique"))
    for col in table.columns:
        if col.name == "run_id" and t == "articles":
            continue                      # stamped at publish time
        if not col.nullable:
            checks.append(Check(t, "ExpectColumnValuesToNotBeNull", {"column": col.name}, CRITICAL,
                                f"{col.name} is required"))
        if col.values and col.type == "VARCHAR":
            checks.append(Check(t, "ExpectColumnValuesToBeInSet",
                                {"column": col.name, "value_set": list(col.values)}, col.severity,
                                f"{col.name} in {', '.join(col.values)}"))
        if col.min is not None or col.max is not None:
            checks.append(Check(t, "ExpectColumnValuesToBeBetween",
                                {"column": col.name, "min_value": col.min, "max_value": col.max}, col.severity,
                                f"{col.name} within [{col.min}, {col.max}]"))
    return checks


def foreign_key_checks(table: contract.Table) -> list[Check]:
    """One check per contract foreign key, over the `<name>_problem` column audit.sql derives for it
    (source_id -> source_problem, article_id -> article_problem, entity_id -> entity_problem)."""
    return [Check(table.name, "ExpectColumnValuesToBeNull", {"column": fk_problem_column(col)}, CRITICAL,
                  f"foreign key: {col} refers to a {parent}.{parent_col} of the batch")
            for col, (parent, parent_col) in table.foreign_keys.items()]


def fk_problem_column(column: str) -> str:
    return column.removesuffix("_id") + "_problem"


AUDIT_EXPECTATIONS = {"null": "ExpectColumnValuesToBeNull", "between": "ExpectColumnValuesToBeBetween",
                      "lengths": "ExpectColumnValueLengthsToBeBetween"}


def audit_check(table: contract.Table, audit: contract.Audit) -> Check:
    """The check an `Audit` of the contract declares: its kind's expectation over its column, with the bounds
    it sets (an open bound is left out)."""
    kwargs: dict = {"column": audit.column}
    if audit.min is not None:
        kwargs["min_value"] = audit.min
    if audit.max is not None:
        kwargs["max_value"] = audit.max
    return Check(table.name, AUDIT_EXPECTATIONS[audit.kind], kwargs, audit.severity, audit.description)


def audit_checks() -> list[Check]:
    """Cross-column and cross-table checks, declared beside their tables in the contract (`Table.audits`), over
    the derived columns of expectations/audit.sql. A `*_problem` column is null when the row is fine and a
    sentence naming the row and the fault otherwise."""
    return [audit_check(table, a) for table in contract.CONTENT_TABLES for a in table.audits]


def all_checks() -> dict[str, list[Check]]:
    out: dict[str, list[Check]] = {t: [] for t in CONTENT_TABLE_NAMES}
    for name in CONTENT_TABLE_NAMES:
        out[name].extend(contract_checks(contract.BY_NAME[name]))
        out[name].extend(foreign_key_checks(contract.BY_NAME[name]))
    for check in audit_checks():
        out[check.table].append(check)
    return out
