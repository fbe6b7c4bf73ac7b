-- The warehouse: base tables keep lineage (file hash, page, table, row, column, bbox, engine);
-- the views are the export contract (../shared/contract.md) and must not drift without a note.
-- Every statement is idempotent so opening a warehouse always brings it to this schema.

CREATE TABLE IF NOT EXISTS document_facts (
    source_file TEXT PRIMARY KEY, source_sha256 TEXT NOT NULL, source_path TEXT, kind TEXT,
    title TEXT, organisation TEXT, report_period_label TEXT, report_period_start DATE, report_period_end DATE,
    pages INTEGER, tables INTEGER, layouts TEXT, loaded_at TIMESTAMP
);
CREATE TABLE IF NOT EXISTS table_facts (
    source_file TEXT, source_sha256 TEXT, table_index INTEGER, page INTEGER, engine TEXT,
    layout TEXT, reason TEXT, header_rows INTEGER, quality DOUBLE
);
CREATE TABLE IF NOT EXISTS observation_facts (
    source_file TEXT, source_sha256 TEXT, organisation TEXT, measure_label TEXT, measure_id TEXT,
    breakdown TEXT, period_label TEXT, period_type TEXT, period_start DATE, period_end DATE,
    value DOUBLE, unit TEXT, numerator DOUBLE, denominator DOUBLE, status TEXT, reported_rag TEXT,
    raw_text TEXT, page INTEGER, table_index INTEGER, row_index INTEGER, col_index INTEGER,
    bbox_x0 DOUBLE, bbox_top DOUBLE, bbox_x1 DOUBLE, bbox_bottom DOUBLE, engine TEXT,
    section TEXT, footnote TEXT
);
CREATE TABLE IF NOT EXISTS measure_facts (
    source_file TEXT, source_sha256 TEXT, measure_label TEXT, measure_id TEXT, section TEXT, polarity TEXT,
    frequency TEXT, target_text TEXT, target_value DOUBLE, tolerance_text TEXT, tolerance_low DOUBLE,
    tolerance_high DOUBLE, threshold_text TEXT, position_text TEXT, trend_text TEXT,
    page INTEGER, table_index INTEGER, row_index INTEGER
);
CREATE TABLE IF NOT EXISTS quarantine_facts (
    source_file TEXT, source_sha256 TEXT, page INTEGER, measure_label TEXT, breakdown TEXT, period_label TEXT,
    raw_text TEXT, reason TEXT, table_index INTEGER, row_index INTEGER, col_index INTEGER,
    bbox_x0 DOUBLE, bbox_top DOUBLE, bbox_x1 DOUBLE, bbox_bottom DOUBLE, engine TEXT
);
CREATE TABLE IF NOT EXISTS commentary_facts (
    source_file TEXT, source_sha256 TEXT, page INTEGER, measure_label TEXT, kind TEXT, text TEXT
);
CREATE TABLE IF NOT EXISTS benchmark_facts (
    source_file TEXT, source_sha256 TEXT, page INTEGER, measure_label TEXT, comparator TEXT, period_label TEXT,
    period_start DATE, period_end DATE, value DOUBLE, unit TEXT, raw_text TEXT
);
CREATE TABLE IF NOT EXISTS target_facts (
    source_file TEXT, source_sha256 TEXT, page INTEGER, measure_label TEXT, financial_year TEXT,
    target_text TEXT, target_value DOUBLE, is_current BOOLEAN
);
CREATE TABLE IF NOT EXISTS band_facts (
    source_file TEXT, source_sha256 TEXT, page INTEGER, measure_label TEXT, band TEXT,
    lower DOUBLE, upper DOUBLE, lower_inclusive BOOLEAN, upper_inclusive BOOLEAN
);
CREATE TABLE IF NOT EXISTS definition_facts (
    source_file TEXT, source_sha256 TEXT, page INTEGER, measure_label TEXT, section TEXT, outcome TEXT,
    objectives TEXT, existing_flag TEXT, target_flag TEXT, dot_flag TEXT
);
CREATE TABLE IF NOT EXISTS run_facts (
    started_at TIMESTAMP, finished_at TIMESTAMP, mode TEXT, files_seen INTEGER, new INTEGER, changed INTEGER,
    unchanged INTEGER, loaded INTEGER, failed INTEGER, quarantined INTEGER, observations INTEGER,
    pages INTEGER, interrupted BOOLEAN
);
CREATE TABLE IF NOT EXISTS failure_facts (
    source_file TEXT PRIMARY KEY, source_sha256 TEXT, source_path TEXT, reason TEXT, tried_at TIMESTAMP
);

-- Columns added after the first release: existing warehouse files gain them on open.
ALTER TABLE observation_facts ADD COLUMN IF NOT EXISTS repairs TEXT;      -- OCR repairs, `'5570' -> '55%'`
ALTER TABLE quarantine_facts ADD COLUMN IF NOT EXISTS crop_png BLOB;      -- OCR: the cell's picture

CREATE OR REPLACE VIEW observations AS
SELECT source_file, source_sha256, organisation, measure_label, measure_id, breakdown, period_label,
       period_type, period_start, period_end, value, unit, numerator, denominator, status, reported_rag,
       raw_text, page
FROM observation_facts;

CREATE OR REPLACE VIEW measures AS
SELECT source_file, measure_label, measure_id, section, polarity, frequency, target_text, target_value,
       tolerance_text, tolerance_low, tolerance_high, threshold_text, position_text, trend_text
FROM measure_facts;

CREATE OR REPLACE VIEW quarantine AS
SELECT source_file, page, measure_label, breakdown, period_label, raw_text, reason, row_index, col_index
FROM quarantine_facts;

CREATE OR REPLACE VIEW failures AS
SELECT source_file, source_sha256, reason, tried_at FROM failure_facts;

CREATE OR REPLACE VIEW documents AS
SELECT source_file, source_sha256, title, organisation, report_period_label, report_period_start,
       report_period_end, pages, tables, layouts, loaded_at
FROM document_facts;

CREATE OR REPLACE VIEW commentary AS
SELECT source_file, page, measure_label, kind, text FROM commentary_facts;

CREATE OR REPLACE VIEW benchmarks AS
SELECT source_file, page, measure_label, comparator, period_label, period_start, period_end, value, unit, raw_text
FROM benchmark_facts;

-- Every target column of a measure with the financial year its header names; `measures` shows the current one.
CREATE OR REPLACE VIEW measure_targets AS
SELECT source_file, page, measure_label, financial_year, target_text, target_value, is_current FROM target_facts;

-- RAG or grade bands as numbers: NULL bounds are open ends.
CREATE OR REPLACE VIEW measure_bands AS
SELECT source_file, page, measure_label, band, lower, upper, lower_inclusive, upper_inclusive FROM band_facts;

-- One row per ingest run (CLI, Prefect flow or nightly schedule), newest first.
CREATE OR REPLACE VIEW runs AS
SELECT started_at, finished_at, mode, files_seen, new, changed, unchanged, loaded, failed, quarantined,
       observations, pages, interrupted
FROM run_facts ORDER BY started_at DESC;

CREATE OR REPLACE VIEW measure_definitions AS
SELECT source_file, page, measure_label, section, outcome, objectives, existing_flag, target_flag, dot_flag
FROM definition_facts;
