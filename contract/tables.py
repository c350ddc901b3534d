"""The table contract: one place that says what every warehouse table holds, at the bottom of the layers.

Each table lists its columns (DuckDB type, nullability, allowed values or ranges, a description), its
primary key and its foreign keys. This package imports nothing of zhnews (and nothing at all at import time),
so every room reads it: transforms/ builds its frames from it (`polars_schema`), warehouse/contract.py
builds the DDL, the comments and docs/tables.md from it, and expectations/suites.py the Great Expectations
suites, so the frames, the schema, the docs and the checks cannot drift.

Each table also declares its audits (`Table.audits`): the checks that need more than one column or more
than one table (offsets slice back to the surface, bounds are ordered, counts are plausible). An audit names
a column of the table's audit frame, the staged rows plus the derived columns expectations/audit.sql
computes, so a new audit is a column there and one `Audit` here.

Foreign keys are declared here and checked by the expectation suites rather than by DuckDB constraints:
DuckDB's foreign keys forbid the delete-then-insert that replaces a changed page inside one transaction.
Primary keys are checked the same way wherever a table grows with the input (`key_index=False`): DuckDB keeps
a primary key's index (an ART) in memory, inside its memory_limit, so an indexed table of mentions makes the
writer's memory grow with the archive. Their keys are unique because the gate refuses a unit with a repeated
key (a critical check), the publish deletes a page's previous rows before inserting its new ones, and every
key derives from its page's `source_id` (warehouse/store.py checks what that cannot cover, in SQL).

Column names of ../shared/CONTRACT.md are fixed; columns marked `extra=True` are zhnews additions.
"""
from __future__ import annotations

from dataclasses import dataclass, field

CRITICAL = "critical"
WARNING = "warning"


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    nullable: bool = True
    description: str = ""
    values: tuple[str, ...] | None = None           # accepted values (for VARCHAR or each list element)
    min: float | None = None
    max: float | None = None
    severity: str = CRITICAL                        # of the checks derived from this column
    extra: bool = False                             # not in the published contract; ours to change


AUDIT_KINDS = ("null", "between", "lengths")


@dataclass(frozen=True)
class Audit:
    """One audit check over a column of the table's audit frame (expectations/audit.sql). `kind`: `null` (a
    `*_problem` column is null when the row is fine and a sentence saying what is wrong otherwise), `between`
    (values within [min, max]) or `lengths` (value lengths within [min, max]); a bound left None is open."""
    column: str
    description: str
    severity: str = CRITICAL
    kind: str = "null"
    min: float | None = None
    max: float | None = None

    def __post_init__(self):
        if self.kind not in AUDIT_KINDS:
            raise ValueError(f"audit {self.column}: kind {self.kind!r} is not one of {AUDIT_KINDS}")


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    foreign_keys: dict[str, tuple[str, str]] = field(default_factory=dict)   # column -> (table, column)
    published: bool = True          # content table replaced per source (vs. history tables such as runs)
    describes_run: bool = False     # a row describes the run itself (ids, clocks, timings): differs every run
    audits: tuple[Audit, ...] = ()  # checks over the derived columns of its audit frame (expectations/audit.sql)
    key_index: bool = True          # DuckDB enforces the primary key (an in-memory index); False: the gate does

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


SOURCE_STATUS = ("loaded", "rejected", "quarantined", "superseded")
ENTITY_TYPES = ("person", "organization", "location")
MENTION_ROLES = ("reporter", "correspondent", "mentioned")
SEVERITIES = (CRITICAL, WARNING)

SOURCES = Table(
    "sources",
    "One row per input file ever seen, keyed by the sha256 of its bytes.",
    (
        Column("source_id", "VARCHAR", False, "sha256 hex of the raw bytes"),
        Column("path", "VARCHAR", False, "path of the file when it was last seen"),
        Column("bytes", "BIGINT", False, "size of the raw file", min=0),
        Column("encoding", "VARCHAR", True, "detected encoding (utf-8, utf-8-sig, gb18030, utf-16...)"),
        Column("status", "VARCHAR", False, "loaded | rejected | quarantined | superseded (a newer version of "
               "the same path replaced it)", values=SOURCE_STATUS),
        Column("error", "VARCHAR", True, "why the file was not loaded; null when loaded"),
        Column("first_run_id", "VARCHAR", True, "run that first saw these bytes"),
        Column("last_run_id", "VARCHAR", True, "last run that changed this row"),
        Column("ingested_at", "TIMESTAMP", True, "when the row was last written"),
        Column("issue_date", "DATE", True, "issue date from the sidecar manifest, if any", extra=True),
        Column("articles", "INTEGER", True, "articles published from this file", min=0, extra=True),
    ),
    primary_key=("source_id",),
    key_index=False,
    published=False,
)

ARTICLES = Table(
    "articles",
    "One row per article found on a page.",
    (
        Column("article_id", "VARCHAR", False, "deterministic: hash of source_id and seq"),
        Column("source_id", "VARCHAR", False, "the page it came from"),
        Column("seq", "INTEGER", False, "1-based order on the page", min=1, max=200),
        Column("section", "VARCHAR", True, "page or column banner above the article"),
        Column("overline", "VARCHAR", True, "引题 above the headline"),
        Column("headline", "VARCHAR", False, "the headline"),
        Column("subheadline", "VARCHAR", True, "副题, e.g. ——访…"),
        Column("dateline", "VARCHAR", True, "raw dateline text, e.g. 本报讯(记者 X 通讯员 Y)3月9日上午"),
        Column("dateline_month", "INTEGER", True, "month named by the dateline or lead", min=1, max=12),
        Column("dateline_day", "INTEGER", True, "day of month named by the dateline or lead", min=1, max=31),
        Column("dateline_date", "DATE", True, "full date when the year is known"),
        Column("reporters", "VARCHAR[]", True, "reporters from dateline and bylines"),
        Column("correspondents", "VARCHAR[]", True, "correspondents (通讯员)"),
        Column("body", "VARCHAR", False, "cleaned text, paragraphs joined by \\n"),
        Column("char_count", "INTEGER", False, "characters in body", min=0),
        Column("paragraph_count", "INTEGER", False, "paragraphs in body", min=0),
        Column("token_count", "INTEGER", False, "jieba words in body", min=0),
        Column("keywords", "VARCHAR[]", True, "TF-IDF keywords"),
        Column("flags", "VARCHAR[]", True, "e.g. fragment, no_byline"),
        Column("run_id", "VARCHAR", False, "run that published the row"),
        Column("byline", "VARCHAR", True, "byline as printed, e.g. 记者 王赛华 鲁慧 文/图 (names also in reporters)",
               extra=True),
    ),
    primary_key=("article_id",),
    key_index=False,
    foreign_keys={"source_id": ("sources", "source_id")},
    audits=(
        Audit("char_count_problem", "char_count equals the length of body"),
        Audit("dateline_problem", "dateline month and day form a date that exists"),
        Audit("dateline_date_problem", "dateline_date agrees with the dateline's month/day", WARNING),
        Audit("dateline_far_from_issue", "dateline_date lies within a year before the issue date", WARNING),
        Audit("body_problem", "an empty body is flagged no_body"),
        Audit("body", "body is not empty (headline-only articles)", WARNING, "lengths", min=1),
        Audit("headline_length", "headline length is plausible (2-60 characters)", WARNING, "between", 2, 60),
        Audit("articles_on_page", "articles per page within 1-40", WARNING, "between", 1, 40),
    ),
)

ENTITIES = Table(
    "entities",
    "One row per distinct real-world entity (canonical name), across all pages.",
    (
        Column("entity_id", "VARCHAR", False, "deterministic: hash of type and canonical name"),
        Column("entity_type", "VARCHAR", False, "person | organization | location", values=ENTITY_TYPES),
        Column("name", "VARCHAR", False, "canonical form"),
    ),
    primary_key=("entity_id",),
    key_index=False,
    audits=(
        Audit("name_problem", "name length plausible for its type (person 2-4 or transliterated, organization "
              "2-40, location 2-25), no white space", WARNING),
    ),
)

ENTITY_MENTIONS = Table(
    "entity_mentions",
    "One row per mention of an entity in an article (or per byline person).",
    (
        Column("mention_id", "VARCHAR", False, "deterministic: hash of article, role, offsets, entity"),
        Column("article_id", "VARCHAR", False, "article mentioning the entity"),
        Column("entity_id", "VARCHAR", False, "the canonical entity"),
        Column("surface", "VARCHAR", False, "text as written"),
        Column("char_start", "INTEGER", True, "offset into articles.body; null for byline people", min=0),
        Column("char_end", "INTEGER", True, "end offset (exclusive) into articles.body", min=1),
        Column("role", "VARCHAR", False, "reporter | correspondent | mentioned", values=MENTION_ROLES),
        Column("title", "VARCHAR", True, "title the text gives a person, e.g. 荥阳市委书记"),
    ),
    primary_key=("mention_id",),
    key_index=False,
    foreign_keys={"article_id": ("articles", "article_id"), "entity_id": ("entities", "entity_id")},
    audits=(
        Audit("offset_problem", "body[char_start:char_end] == surface (mentioned entities have offsets, byline "
              "people none)"),
        Audit("byline_problem", "reporters and correspondents are persons"),
        Audit("surface", "mention surface is 1-40 characters", WARNING, "lengths", 1, 40),
        Audit("mentions_in_article", "entities per article within 0-500 (counted on each mention row)", WARNING,
              "between", 0, 500),
    ),
)

METRICS = Table(
    "metrics",
    "One row per numeric fact in an article body.",
    (
        Column("metric_id", "VARCHAR", False, "deterministic: hash of article and offsets"),
        Column("article_id", "VARCHAR", False, "article stating the fact"),
        Column("surface", "VARCHAR", False, "text as written, e.g. 超2000亿元"),
        Column("char_start", "INTEGER", False, "offset into articles.body", min=0),
        Column("char_end", "INTEGER", False, "end offset (exclusive) into articles.body", min=1),
        Column("value", "DOUBLE", True, "number as written, Chinese numerals converted"),
        Column("unit", "VARCHAR", True, "unit as written, e.g. 亿元"),
        Column("base_value", "DOUBLE", True, "value in base_unit"),
        Column("base_unit", "VARCHAR", True, "CNY, m2, count, percent, t, m, degC, ..."),
        Column("kind", "VARCHAR", True, "money, area, count, percent, mass, length, temperature, duration, ..."),
        Column("qualifier", "VARCHAR", True, "超, 逾, 以上, 约, 多, 余, 左右, ...; null when exact"),
        Column("low", "DOUBLE", True, "lower bound in base_unit (null when unbounded below)"),
        Column("high", "DOUBLE", True, "upper bound in base_unit (null when unbounded above)"),
        Column("counted", "VARCHAR", True, "noun counted, e.g. 项目"),
        Column("sentence", "VARCHAR", True, "sentence containing the fact"),
        Column("unit_implied", "BOOLEAN", True, "part of the unit is not written but implied by the sentence, "
               "shown in parentheses in `unit`: the currency (投资总额突破50亿: 亿(元); 票价五十块: 块(钱)) or the "
               "time of a speed (时速350公里: 公里(/小时))", extra=True),
    ),
    primary_key=("metric_id",),
    key_index=False,
    foreign_keys={"article_id": ("articles", "article_id")},
    audits=(
        Audit("offset_problem", "body[char_start:char_end] == surface"),
        Audit("range_problem", "low <= base_value <= high"),
        Audit("base_value_problem", "base_value and base_unit are what value and unit convert to "
              "(transforms.metrics.to_base)"),
        Audit("metrics_in_article", "metrics per article within 0-200", WARNING, "between", 0, 200),
    ),
)

RESIDUE = Table(
    "page_residue",
    "Text of a page that belongs to no article field: banners and unassigned lines, so nothing is lost.",
    (
        Column("source_id", "VARCHAR", False, "the page"),
        Column("seq", "INTEGER", False, "order among the page's residue rows", min=1),
        Column("kind", "VARCHAR", False, "banner | residue", values=("banner", "residue")),
        Column("text", "VARCHAR", False, "the text"),
    ),
    primary_key=("source_id", "seq"),
    key_index=False,
    foreign_keys={"source_id": ("sources", "source_id")},
)

RUNS = Table(
    "runs",
    "One row per flow run.",
    (
        Column("run_id", "VARCHAR", False, "zhnews run id"),
        Column("flow_run_id", "VARCHAR", True, "Prefect flow run id"),
        Column("started_at", "TIMESTAMP", False, "when the run began (UTC)"),
        Column("finished_at", "TIMESTAMP", True, "when the run ended (UTC); null while running or if killed"),
        Column("status", "VARCHAR", False, "running | published | failed", values=("running", "published", "failed")),
        Column("files_seen", "INTEGER", True, "input files found by the run", min=0),
        Column("files_loaded", "INTEGER", True, "files published by the run", min=0),
        Column("files_skipped", "INTEGER", True, "unchanged since a previous run", min=0),
        Column("files_rejected", "INTEGER", True, "files refused at ingest (empty, binary, not Chinese, absurd lines)", min=0),
        Column("articles", "INTEGER", True, "articles published by this run", min=0),
        Column("mentions", "INTEGER", True, "entity mentions published by this run", min=0),
        Column("metrics", "INTEGER", True, "numeric facts published by this run", min=0),
        Column("dq_success", "BOOLEAN", True, "every critical expectation passed"),
        Column("files_quarantined", "INTEGER", True, "files whose rows failed a critical check (kept in quarantine)", min=0, extra=True),
        Column("bytes_loaded", "BIGINT", True, "raw bytes of loaded files", min=0, extra=True),
        Column("lexicon_version", "VARCHAR", True, "hash of transforms/lexicons", extra=True),
        Column("code_version", "VARCHAR", True, "hash of the transform code (transforms/version.py), as "
               "`zhnews --version` shows it", extra=True),
        Column("task_runner", "VARCHAR", True, "thread | process | dask", extra=True),
        Column("data_docs", "VARCHAR", True, "path of the Data Docs index.html", extra=True),
        Column("error", "VARCHAR", True, "why the run failed", extra=True),
    ),
    primary_key=("run_id",),
    published=False,
    describes_run=True,
)

# The run's counters, in the order summaries, reports and artifacts show them: every INTEGER column of `runs`
# (tests/test_contract.py keeps the two in step). Written when the run starts (files_seen) and when it ends.
RUN_COUNTS = ("files_seen", "files_loaded", "files_skipped", "files_rejected", "files_quarantined", "articles",
              "mentions", "metrics")

DQ_RESULTS = Table(
    "dq_results",
    "One row per expectation checked per run (and batch).",
    (
        Column("run_id", "VARCHAR", False, "the run that checked"),
        Column("table_name", "VARCHAR", False, "table checked (run_profiles: the drift checks)"),
        Column("expectation", "VARCHAR", False, "Great Expectations expectation type"),
        Column("column_name", "VARCHAR", True, "column(s) checked; null for table-level checks"),
        Column("success", "BOOLEAN", False, "the check passed"),
        Column("severity", "VARCHAR", False, "critical | warning", values=SEVERITIES),
        Column("unexpected_count", "BIGINT", True, "rows that failed the check"),
        Column("checked_at", "TIMESTAMP", False, "when it was checked (UTC)"),
        Column("batch", "INTEGER", True, "batch number within the run", extra=True),
        Column("examples", "VARCHAR", True, "a few unexpected values", extra=True),
        Column("description", "VARCHAR", True, "what the check means", extra=True),
    ),
    published=False,
)

QUARANTINE = Table(
    "quarantine",
    "Rows of a batch that failed a critical expectation, kept for inspection; never published.",
    (
        Column("run_id", "VARCHAR", False, "the run that quarantined the row"),
        Column("source_id", "VARCHAR", True, "page the row came from"),
        Column("table_name", "VARCHAR", False, "table the row was staged for"),
        Column("row_json", "VARCHAR", False, "the staged row as JSON"),
        Column("reason", "VARCHAR", False, "failed expectations"),
        Column("quarantined_at", "TIMESTAMP", False, "when (UTC)"),
    ),
    published=False,
)

RUN_PROFILES = Table(
    "run_profiles",
    "One row per run that published pages: the shape of what it published, compared with recent runs "
    "to warn of drift (expectations/drift.py).",
    (
        Column("run_id", "VARCHAR", False, "the run profiled"),
        Column("computed_at", "TIMESTAMP", False, "when (UTC)"),
        Column("pages", "INTEGER", False, "pages published by the run", min=0),
        Column("articles", "INTEGER", False, "articles published by the run", min=0),
        Column("articles_per_page", "DOUBLE", True, "articles / pages"),
        Column("share_without_byline", "DOUBLE", True, "share of articles with neither reporter nor correspondent"),
        Column("entities_per_article", "DOUBLE", True, "mentioned entities (not byline people) per article"),
        Column("metrics_per_article", "DOUBLE", True, "numeric facts per article"),
    ),
    primary_key=("run_id",),
    published=False,
    describes_run=True,
)

# Order matters: parents before children (load order) and children before parents (delete order).
CONTENT_TABLES = (ARTICLES, ENTITIES, ENTITY_MENTIONS, METRICS, RESIDUE)
ALL_TABLES = (SOURCES, ARTICLES, ENTITIES, ENTITY_MENTIONS, METRICS, RESIDUE, RUNS, DQ_RESULTS, QUARANTINE,
              RUN_PROFILES)
BY_NAME = {t.name: t for t in ALL_TABLES}
CONTENT_TABLE_NAMES = tuple(t.name for t in CONTENT_TABLES)          # staged, validated, cached per page
PAGE_TABLE_NAMES = (SOURCES.name,) + CONTENT_TABLE_NAMES               # what a run leaves per input page
# what two runs over the same pages must leave identical (benchmarks/fingerprint.py), run ids and clocks aside
OUTCOME_TABLE_NAMES = tuple(t.name for t in ALL_TABLES if not t.describes_run)


# DuckDB type -> polars dtype (by name, so this module needs polars only when a schema is asked for)
POLARS_TYPES = {
    "VARCHAR": "String", "INTEGER": "Int32", "BIGINT": "Int64", "DOUBLE": "Float64", "BOOLEAN": "Boolean",
    "DATE": "Date", "TIMESTAMP": "Datetime", "VARCHAR[]": "List[String]",
}


def polars_dtype(duckdb_type: str):
    """The polars dtype a column of this DuckDB type has in a frame (TIMESTAMP: microseconds, no zone)."""
    import polars as pl

    name = POLARS_TYPES[duckdb_type]
    if name == "Datetime":
        return pl.Datetime("us")
    if name.startswith("List["):
        return pl.List(getattr(pl, name[5:-1]))
    return getattr(pl, name)


def polars_schema(table: Table, without: tuple[str, ...] = ()) -> dict:
    """{column: polars dtype} of `table`, in contract order, leaving out the columns named in `without`."""
    return {c.name: polars_dtype(c.type) for c in table.columns if c.name not in without}


# what `from contract.tables import *` (warehouse/contract.py) re-exports: the contract, not its helpers' imports
__all__ = [n for n, v in list(globals().items())
           if not n.startswith("_") and n not in ("annotations", "dataclass", "field")]
