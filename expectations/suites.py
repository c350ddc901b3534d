"""The expectation suites, one per table, derived from warehouse/contract.py plus the cross-table audits.

Every check is a plain `Check` (table, Great Expectations expectation class name, kwargs, severity,
description). Contract-derived checks (not-null, accepted values, ranges, primary keys, foreign keys)
are generated; the audits that need more than one column (offsets slice back to the surface, bounds are
ordered, counts are plausible) use the derived columns computed in warehouse/audit.sql. Keeping checks as
data lets tests and the report read them without importing Great Expectations (slow to import).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from warehouse import contract
from warehouse.contract import CRITICAL, WARNING

VALIDATED_TABLES = ("articles", "entities", "entity_mentions", "metrics", "page_residue")


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


def audit_checks() -> list[Check]:
    """Cross-column and cross-table checks over the derived columns of warehouse/audit.sql."""
    true = {"value_set": [True]}
    return [
        # articles
        Check("articles", "ExpectColumnValuesToBeInSet", {"column": "char_count_matches_body", **true}, CRITICAL,
              "char_count equals the length of body"),
        Check("articles", "ExpectColumnValueLengthsToBeBetween", {"column": "headline", "min_value": 2,
              "max_value": 80}, WARNING, "headline length is plausible (2-80 characters)"),
        Check("articles", "ExpectColumnValuesToBeBetween", {"column": "articles_on_page", "min_value": 1,
              "max_value": 40}, WARNING, "articles per page within 1-40"),
        Check("articles", "ExpectColumnValuesToBeInSet", {"column": "dateline_day_exists", **true}, CRITICAL,
              "dateline month/day form a date that exists"),
        Check("articles", "ExpectColumnValueLengthsToBeBetween", {"column": "body", "min_value": 1}, CRITICAL,
              "body is not empty"),
        # entities
        Check("entities", "ExpectColumnValueLengthsToBeBetween", {"column": "name", "min_value": 2,
              "max_value": 40}, WARNING, "entity names are 2-40 characters"),
        Check("entities", "ExpectColumnValuesToBeInSet", {"column": "person_name_plausible", **true}, WARNING,
              "person names are 2-4 characters"),
        # mentions
        Check("entity_mentions", "ExpectColumnValuesToBeInSet", {"column": "article_exists", **true}, CRITICAL,
              "article_id refers to an article of the batch"),
        Check("entity_mentions", "ExpectColumnValuesToBeInSet", {"column": "entity_exists", **true}, CRITICAL,
              "entity_id refers to an entity"),
        Check("entity_mentions", "ExpectColumnPairValuesToBeEqual", {"column_A": "surface", "column_B": "body_slice"},
              CRITICAL, "body[char_start:char_end] == surface"),
        Check("entity_mentions", "ExpectColumnValuesToBeInSet", {"column": "offsets_match_role", **true}, CRITICAL,
              "mentioned entities have offsets, byline people do not"),
        Check("entity_mentions", "ExpectColumnValuesToBeBetween", {"column": "mentions_in_article",
              "min_value": 0, "max_value": 300}, WARNING, "entities per article within 0-300"),
        # metrics
        Check("metrics", "ExpectColumnValuesToBeInSet", {"column": "article_exists", **true}, CRITICAL,
              "article_id refers to an article of the batch"),
        Check("metrics", "ExpectColumnPairValuesToBeEqual", {"column_A": "surface", "column_B": "body_slice"},
              CRITICAL, "body[char_start:char_end] == surface"),
        Check("metrics", "ExpectColumnValuesToBeInSet", {"column": "range_ordered", **true}, CRITICAL,
              "low <= high"),
    ]


def all_checks() -> dict[str, list[Check]]:
    out: dict[str, list[Check]] = {t: [] for t in VALIDATED_TABLES}
    for name in VALIDATED_TABLES:
        out[name].extend(contract_checks(contract.BY_NAME[name]))
    for check in audit_checks():
        out[check.table].append(check)
    return out
