"""Operations: Data Docs that work offline, the 'nothing new' page, and the table reference (docs/tables.md
generated from the contract; the same descriptions stored in DuckDB with COMMENT ON)."""
from __future__ import annotations

import re
from pathlib import Path

from conftest import ROOT
from warehouse import contract

REMOTE = re.compile(r'<(?:script|link)\b[^>]*\b(?:src|href)="(https?:)?//[^"]+"', re.I)
LOCAL = re.compile(r'<(?:script[^>]*\bsrc|link[^>]*rel="stylesheet"[^>]*\bhref)="([^"]+)"', re.I)


def _site(seed_run) -> Path:
    return seed_run["warehouse"].parent / "gx" / "uncommitted" / "data_docs" / "local_site"


def test_data_docs_load_no_remote_script_or_stylesheet(seed_run):
    site = _site(seed_run)
    pages = list(site.rglob("*.html"))
    assert len(pages) > 5
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not REMOTE.search(text), (page, REMOTE.search(text).group(0))
        assert "great-expectations-web-assets" not in text, page
        for ref in LOCAL.findall(text):
            assert (page.parent / ref).resolve().is_file(), (page, ref)        # every local asset is there
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "static/vendor/bootstrap-table/bootstrap-table.min.js" in index     # the list of runs works offline


def test_vendored_assets_keep_their_licences():
    root = ROOT / "expectations" / "datadocs_static"
    for folder in [p for p in root.iterdir() if p.is_dir()]:
        assert list(folder.glob("LICENSE*")), folder


def test_page_after_a_run_that_loaded_nothing_says_so(seed_run):
    index = (_site(seed_run) / "index.html").read_text(encoding="utf-8")
    assert seed_run["second"].files_loaded == 0
    assert "This run loaded nothing new" in index and "0 batch validations" not in index
    assert seed_run["first"].run_id in index             # it links the latest results, of the first run


def test_table_reference_is_generated_from_the_contract():
    assert (ROOT / "docs" / "tables.md").read_text(encoding="utf-8") == contract.markdown(contract.view_columns()), \
        "regenerate with: python -m warehouse.contract --markdown > docs/tables.md"
    for table in contract.ALL_TABLES:
        assert table.description
        for column in table.columns:
            assert column.description, f"{table.name}.{column.name} has no description"


def test_warehouse_comments_are_the_contract_descriptions(seed_db):
    have = {(t, c): k for t, c, k in seed_db.execute(
        "SELECT table_name, column_name, comment FROM duckdb_columns() WHERE schema_name = 'main'").fetchall()}
    tables = dict(seed_db.execute("SELECT table_name, comment FROM duckdb_tables() WHERE schema_name = 'main'"
                                  ).fetchall())
    for table in contract.ALL_TABLES:
        assert tables[table.name] == table.description
        for column in table.columns:
            assert have[(table.name, column.name)] == column.description
    staged = seed_db.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'staging' AND comment "
                             "LIKE 'staging copy of %'").fetchone()[0]
    assert staged == len(contract.CONTENT_TABLES)
    views = dict(seed_db.execute("SELECT view_name, comment FROM duckdb_views() WHERE schema_name = 'main' "
                                 "AND NOT internal").fetchall())
    assert views == contract.VIEWS
