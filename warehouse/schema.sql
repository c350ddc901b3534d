-- Generated from warehouse/contract.py by `python -m warehouse.contract`; do not edit by hand.
CREATE TABLE IF NOT EXISTS main.sources (
    source_id VARCHAR NOT NULL,
    path VARCHAR NOT NULL,
    bytes BIGINT NOT NULL,
    encoding VARCHAR,
    status VARCHAR NOT NULL,
    error VARCHAR,
    first_run_id VARCHAR,
    last_run_id VARCHAR,
    ingested_at TIMESTAMP,
    issue_date DATE,
    articles INTEGER
);

CREATE TABLE IF NOT EXISTS main.articles (
    article_id VARCHAR NOT NULL,
    source_id VARCHAR NOT NULL,
    seq INTEGER NOT NULL,
    section VARCHAR,
    overline VARCHAR,
    headline VARCHAR NOT NULL,
    subheadline VARCHAR,
    dateline VARCHAR,
    dateline_month INTEGER,
    dateline_day INTEGER,
    dateline_date DATE,
    reporters VARCHAR[],
    correspondents VARCHAR[],
    body VARCHAR NOT NULL,
    char_count INTEGER NOT NULL,
    paragraph_count INTEGER NOT NULL,
    token_count INTEGER NOT NULL,
    keywords VARCHAR[],
    flags VARCHAR[],
    run_id VARCHAR NOT NULL,
    byline VARCHAR
);

CREATE TABLE IF NOT EXISTS main.entities (
    entity_id VARCHAR NOT NULL,
    entity_type VARCHAR NOT NULL,
    name VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS main.entity_mentions (
    mention_id VARCHAR NOT NULL,
    article_id VARCHAR NOT NULL,
    entity_id VARCHAR NOT NULL,
    surface VARCHAR NOT NULL,
    char_start INTEGER,
    char_end INTEGER,
    role VARCHAR NOT NULL,
    title VARCHAR
);

CREATE TABLE IF NOT EXISTS main.metrics (
    metric_id VARCHAR NOT NULL,
    article_id VARCHAR NOT NULL,
    surface VARCHAR NOT NULL,
    char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL,
    value DOUBLE,
    unit VARCHAR,
    base_value DOUBLE,
    base_unit VARCHAR,
    kind VARCHAR,
    qualifier VARCHAR,
    low DOUBLE,
    high DOUBLE,
    counted VARCHAR,
    sentence VARCHAR,
    unit_implied BOOLEAN
);

CREATE TABLE IF NOT EXISTS main.page_residue (
    source_id VARCHAR NOT NULL,
    seq INTEGER NOT NULL,
    kind VARCHAR NOT NULL,
    text VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS main.runs (
    run_id VARCHAR NOT NULL,
    flow_run_id VARCHAR,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    status VARCHAR NOT NULL,
    files_seen INTEGER,
    files_loaded INTEGER,
    files_skipped INTEGER,
    files_rejected INTEGER,
    articles INTEGER,
    mentions INTEGER,
    metrics INTEGER,
    dq_success BOOLEAN,
    files_quarantined INTEGER,
    bytes_loaded BIGINT,
    lexicon_version VARCHAR,
    code_version VARCHAR,
    task_runner VARCHAR,
    data_docs VARCHAR,
    error VARCHAR,
    PRIMARY KEY (run_id)
);

CREATE TABLE IF NOT EXISTS main.dq_results (
    run_id VARCHAR NOT NULL,
    table_name VARCHAR NOT NULL,
    expectation VARCHAR NOT NULL,
    column_name VARCHAR,
    success BOOLEAN NOT NULL,
    severity VARCHAR NOT NULL,
    unexpected_count BIGINT,
    checked_at TIMESTAMP NOT NULL,
    batch INTEGER,
    examples VARCHAR,
    description VARCHAR
);

CREATE TABLE IF NOT EXISTS main.quarantine (
    run_id VARCHAR NOT NULL,
    source_id VARCHAR,
    table_name VARCHAR NOT NULL,
    row_json VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    quarantined_at TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS main.run_profiles (
    run_id VARCHAR NOT NULL,
    computed_at TIMESTAMP NOT NULL,
    pages INTEGER NOT NULL,
    articles INTEGER NOT NULL,
    articles_per_page DOUBLE,
    share_without_byline DOUBLE,
    entities_per_article DOUBLE,
    metrics_per_article DOUBLE,
    PRIMARY KEY (run_id)
);
