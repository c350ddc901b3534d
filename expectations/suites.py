"""The expectation suites, one per table, derived from warehouse/contract.py plus the cross-table audits.

Every check is a plain `Check` (table, Great Expectations expectation class name, kwargs, severity,
description). Contract-derived checks (not-null, accepted values, ranges, primary keys, foreign keys)
are generated; the audits that need more than one column (offsets slice back to the surface, bounds are
ordered, base values follow from value and unit, counts are plausible) use the derived columns computed in
expectations/audit.sql. Severity: `critical` means nothing of the failing page is published (it is
quarantined), `warning` means it is published and the failure is reported. Keeping checks as
data lets tests and the report read them without importing Great Expectations (slow to import).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from warehouse import contract
from warehouse.contract import CONTENT_TABLE_NAMES, CRITICAL, WARNING


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


def _problem(table: str, column: str, severity: str, description: str) -> Check:
    return Check(table, "ExpectColumnValuesToBeNull", {"column": column}, severity, description)


def _between(table: str, column: str, lo: float | None, hi: float | None, severity: str, description: str) -> Check:
    return Check(table, "ExpectColumnValuesToBeBetween", {"column": column, "min_value": lo, "max_value": hi},
                 severity, description)


def audit_checks() -> list[Check]:
    """Cross-column and cross-table checks over the derived columns of expectations/audit.sql. A `*_problem`
    column is null when the row is fine and a sentence naming the row and the fault otherwise."""
    return [
        # articles
        _problem("articles", "char_count_problem", CRITICAL, "char_count equals the length of body"),
        _problem("articles", "dateline_problem", CRITICAL, "dateline month and day form a date that exists"),
        _problem("articles", "dateline_date_problem", WARNING, "dateline_date agrees with the dateline's month/day"),
        _problem("articles", "dateline_far_from_issue", WARNING,
                 "dateline_date lies within a year before the issue date"),
        _problem("articles", "body_problem", CRITICAL, "an empty body is flagged no_body"),
        Check("articles", "ExpectColumnValueLengthsToBeBetween", {"column": "body", "min_value": 1}, WARNING,
              "body is not empty (headline-only articles)"),
        _between("articles", "headline_length", 2, 60, WARNING, "headline length is plausible (2-60 characters)"),
        _between("articles", "articles_on_page", 1, 40, WARNING, "articles per page within 1-40"),
        # entities
        _problem("entities", "name_problem", WARNING,
                 "name length plausible for its type (person 2-4 or transliterated, organization 2-40, "
                 "location 2-25), no white space"),
        # entity mentions
        _problem("entity_mentions", "offset_problem", CRITICAL,
                 "body[char_start:char_end] == surface (mentioned entities have offsets, byline people none)"),
        _problem("entity_mentions", "byline_problem", CRITICAL, "reporters and correspondents are persons"),
        Check("entity_mentions", "ExpectColumnValueLengthsToBeBetween", {"column": "surface", "min_value": 1,
              "max_value": 40}, WARNING, "mention surface is 1-40 characters"),
        _between("entity_mentions", "mentions_in_article", 0, 500, WARNING,
                 "entities per article within 0-500 (counted on each mention row)"),
        # metrics
        _problem("metrics", "offset_problem", CRITICAL, "body[char_start:char_end] == surface"),
        _problem("metrics", "range_problem", CRITICAL, "low <= base_value <= high"),
        _problem("metrics", "base_value_problem", CRITICAL,
                 "base_value and base_unit are what value and unit convert to (transforms.metrics.to_base)"),
        _between("metrics", "metrics_in_article", 0, 200, WARNING, "metrics per article within 0-200"),
    ]


def all_checks() -> dict[str, list[Check]]:
    out: dict[str, list[Check]] = {t: [] for t in CONTENT_TABLE_NAMES}
    for name in CONTENT_TABLE_NAMES:
        out[name].extend(contract_checks(contract.BY_NAME[name]))
        out[name].extend(foreign_key_checks(contract.BY_NAME[name]))
    for check in audit_checks():
        out[check.table].append(check)
    return out
