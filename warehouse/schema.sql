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
    layout TEXT, reason TEXT, header_rows INTEGER, quality DOUBLE PRECISION
);
CREATE TABLE IF NOT EXISTS observation_facts (
    source_file TEXT, source_sha256 TEXT, organisation TEXT, measure_label TEXT, measure_id TEXT,
    breakdown TEXT, period_label TEXT, period_type TEXT, period_start DATE, period_end DATE,
    value DOUBLE PRECISION, unit TEXT, numerator DOUBLE PRECISION, denominator DOUBLE PRECISION, status TEXT, reported_rag TEXT,
    raw_text TEXT, page INTEGER, table_index INTEGER, row_index INTEGER, col_index INTEGER,
    bbox_x0 DOUBLE PRECISION, bbox_top DOUBLE PRECISION, bbox_x1 DOUBLE PRECISION, bbox_bottom DOUBLE PRECISION, engine TEXT,
    section TEXT, footnote TEXT
);
CREATE TABLE IF NOT EXISTS measure_facts (
    source_file TEXT, source_sha256 TEXT, measure_label TEXT, measure_id TEXT, section TEXT, polarity TEXT,
    frequency TEXT, target_text TEXT, target_value DOUBLE PRECISION, tolerance_text TEXT, tolerance_low DOUBLE PRECISION,
    tolerance_high DOUBLE PRECISION, threshold_text TEXT, position_text TEXT, trend_text TEXT,
    page INTEGER, table_index INTEGER, row_index INTEGER
);
CREATE TABLE IF NOT EXISTS quarantine_facts (
    source_file TEXT, source_sha256 TEXT, page INTEGER, measure_label TEXT, breakdown TEXT, period_label TEXT,
    raw_text TEXT, reason TEXT, table_index INTEGER, row_index INTEGER, col_index INTEGER,
    bbox_x0 DOUBLE PRECISION, bbox_top DOUBLE PRECISION, bbox_x1 DOUBLE PRECISION, bbox_bottom DOUBLE PRECISION, engine TEXT
);
CREATE TABLE IF NOT EXISTS commentary_facts (
    source_file TEXT, source_sha256 TEXT, page INTEGER, measure_label TEXT, kind TEXT, text TEXT
);
CREATE TABLE IF NOT EXISTS benchmark_facts (
    source_file TEXT, source_sha256 TEXT, page INTEGER, measure_label TEXT, comparator TEXT, period_label TEXT,
    period_start DATE, period_end DATE, value DOUBLE PRECISION, unit TEXT, raw_text TEXT
);
CREATE TABLE IF NOT EXISTS target_facts (
    source_file TEXT, source_sha256 TEXT, page INTEGER, measure_label TEXT, financial_year TEXT,
    target_text TEXT, target_value DOUBLE PRECISION, is_current BOOLEAN
);
CREATE TABLE IF NOT EXISTS band_facts (
    source_file TEXT, source_sha256 TEXT, page INTEGER, measure_label TEXT, band TEXT,
    lower DOUBLE PRECISION, upper DOUBLE PRECISION, lower_inclusive BOOLEAN, upper_inclusive BOOLEAN
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

-- Every cell of every extracted table as read, a merged cell once at its top-left grid position with its
-- spans: what a reviewer needs to draw the table around a figure (Word has no picture to crop).
-- table_index is 1-based, the same number observation_facts / quarantine_facts carry.
CREATE TABLE IF NOT EXISTS cell_facts (
    source_file TEXT, source_sha256 TEXT, table_index INTEGER, page INTEGER, row_index INTEGER, col_index INTEGER,
    row_span INTEGER, col_span INTEGER, text TEXT, bbox_x0 DOUBLE PRECISION, bbox_top DOUBLE PRECISION, bbox_x1 DOUBLE PRECISION,
    bbox_bottom DOUBLE PRECISION, engine TEXT
);
-- One row per expectation per validated document per run. History: never deleted by a reload.
CREATE TABLE IF NOT EXISTS validation_facts (
    run_id TEXT, run_started_at TIMESTAMP, source_file TEXT, source_sha256 TEXT, suite TEXT, expectation TEXT,
    success BOOLEAN, element_count BIGINT, unexpected_count BIGINT, validated_at TIMESTAMP, expectation_type TEXT
);
-- Reviewers' decisions (from corrections.csv and `scorecards correct`), keyed by the document's content
-- hash and the cell's place. Never deleted by a reload: re-loading the same bytes re-applies them.
-- state / state_reason / target are what the last apply found (applied | orphaned | pending).
CREATE TABLE IF NOT EXISTS correction_facts (
    correction_id TEXT PRIMARY KEY, source_file TEXT, source_sha256 TEXT, table_index INTEGER, row_index INTEGER,
    col_index INTEGER, breakdown TEXT, action TEXT, old_value TEXT, new_value DOUBLE PRECISION, new_status TEXT,
    who TEXT, "at" TIMESTAMP, why TEXT, state TEXT, state_reason TEXT, target TEXT
);
-- Observation rows produced by applied corrections (accepted or corrected figures), rebuilt on every apply.
CREATE TABLE IF NOT EXISTS corrected_facts (
    source_file TEXT, source_sha256 TEXT, organisation TEXT, measure_label TEXT, measure_id TEXT,
    breakdown TEXT, period_label TEXT, period_type TEXT, period_start DATE, period_end DATE,
    value DOUBLE PRECISION, unit TEXT, numerator DOUBLE PRECISION, denominator DOUBLE PRECISION, status TEXT, reported_rag TEXT,
    raw_text TEXT, page INTEGER, table_index INTEGER, row_index INTEGER, col_index INTEGER,
    bbox_x0 DOUBLE PRECISION, bbox_top DOUBLE PRECISION, bbox_x1 DOUBLE PRECISION, bbox_bottom DOUBLE PRECISION, engine TEXT,
    section TEXT, footnote TEXT, repairs TEXT, rag_position TEXT, rag_stated TEXT, recomputed_rag TEXT,
    rag_basis TEXT, rag_agrees BOOLEAN, correction_id TEXT
);

-- Columns added after the first release: existing warehouse files gain them on open.
ALTER TABLE observation_facts ADD COLUMN IF NOT EXISTS repairs TEXT;      -- OCR repairs, `'5570' -> '55%'`
ALTER TABLE quarantine_facts ADD COLUMN IF NOT EXISTS crop_png BYTEA;      -- OCR: the cell's picture
-- RAG recomputed at load (normalise/rag.py): the measure's position text where it is judged on this figure
-- (its latest reported one), the RAG the report states (reported_rag, else the position's), the recomputed
-- RAG, what it came from (bands / target and tolerance / ''), and whether the two agree (NULL: unknown).
ALTER TABLE observation_facts ADD COLUMN IF NOT EXISTS rag_position TEXT;
ALTER TABLE observation_facts ADD COLUMN IF NOT EXISTS rag_stated TEXT;
ALTER TABLE observation_facts ADD COLUMN IF NOT EXISTS recomputed_rag TEXT;
ALTER TABLE observation_facts ADD COLUMN IF NOT EXISTS rag_basis TEXT;
ALTER TABLE observation_facts ADD COLUMN IF NOT EXISTS rag_agrees BOOLEAN;
-- A run's id joins `runs` to `validations`; corrections applied / orphaned at the end of the run.
ALTER TABLE run_facts ADD COLUMN IF NOT EXISTS run_id TEXT;
ALTER TABLE run_facts ADD COLUMN IF NOT EXISTS corrections_applied INTEGER;
ALTER TABLE run_facts ADD COLUMN IF NOT EXISTS corrections_orphaned INTEGER;
-- Zero-loss accounting (normalise/accounting.py): the cells of the document's tables that hold a figure or a
-- status, and of those the ones no row of observations, quarantine, measures, benchmarks or commentary cites.
ALTER TABLE document_facts ADD COLUMN IF NOT EXISTS figure_cells INTEGER;
ALTER TABLE document_facts ADD COLUMN IF NOT EXISTS uncited_cells INTEGER;
-- Where each page's text came from and why (`1: text; 2: ocr (invisible text layer not trusted: ...)`;
-- a page that could not be read is `failed`, and its picture is in quarantine).
ALTER TABLE document_facts ADD COLUMN IF NOT EXISTS page_sources TEXT;

-- Observation rows as they stand after reviewers' corrections, with all their lineage: loaded rows that no
-- applied correction overrides or rejects, plus the rows corrections produced (corrected = TRUE).
CREATE OR REPLACE VIEW observation_detail AS
-- (Columns named, not `*`: both sides of the UNION in the same order, in DuckDB and PostgreSQL alike.)
SELECT
    source_file, source_sha256, organisation, measure_label, measure_id, breakdown, period_label, period_type,
    period_start, period_end, value, unit, numerator, denominator, status, reported_rag, raw_text, page,
    table_index, row_index, col_index, bbox_x0, bbox_top, bbox_x1, bbox_bottom, engine, section, footnote,
    repairs, rag_position, rag_stated, recomputed_rag, rag_basis, rag_agrees,
    FALSE AS corrected, CAST(NULL AS TEXT) AS correction_id
FROM observation_facts o
WHERE NOT EXISTS (
    SELECT 1 FROM correction_facts c
    WHERE c.state = 'applied' AND c.target = 'observation' AND c.action IN ('correct', 'reject')
      AND c.source_file = o.source_file AND c.source_sha256 = o.source_sha256 AND c.table_index = o.table_index
      AND c.row_index = o.row_index AND c.col_index = o.col_index AND c.breakdown = coalesce(o.breakdown, '')
)
UNION ALL
SELECT
    source_file, source_sha256, organisation, measure_label, measure_id, breakdown, period_label, period_type,
    period_start, period_end, value, unit, numerator, denominator, status, reported_rag, raw_text, page,
    table_index, row_index, col_index, bbox_x0, bbox_top, bbox_x1, bbox_bottom, engine, section, footnote,
    repairs, rag_position, rag_stated, recomputed_rag, rag_basis, rag_agrees,
    TRUE AS corrected, correction_id
FROM corrected_facts;

-- Quarantined rows still waiting for a decision (an applied correction moves or removes them), all columns.
CREATE OR REPLACE VIEW quarantine_detail AS
SELECT q.* FROM quarantine_facts q
WHERE NOT EXISTS (
    SELECT 1 FROM correction_facts c
    WHERE c.state = 'applied' AND c.target = 'quarantine'
      AND c.source_file = q.source_file AND c.source_sha256 = q.source_sha256 AND c.table_index = q.table_index
      AND c.row_index = q.row_index AND c.col_index = q.col_index AND c.breakdown = coalesce(q.breakdown, '')
);

-- `corrected` was added in contract version 1.1 (README version note).
CREATE OR REPLACE VIEW observations AS
SELECT source_file, source_sha256, organisation, measure_label, measure_id, breakdown, period_label,
       period_type, period_start, period_end, value, unit, numerator, denominator, status, reported_rag,
       raw_text, page, corrected
FROM observation_detail;

CREATE OR REPLACE VIEW measures AS
SELECT source_file, measure_label, measure_id, section, polarity, frequency, target_text, target_value,
       tolerance_text, tolerance_low, tolerance_high, threshold_text, position_text, trend_text
FROM measure_facts;

CREATE OR REPLACE VIEW quarantine AS
SELECT source_file, page, measure_label, breakdown, period_label, raw_text, reason, row_index, col_index
FROM quarantine_detail;

CREATE OR REPLACE VIEW failures AS
SELECT source_file, source_sha256, reason, tried_at FROM failure_facts;

-- figure_cells and uncited_cells were added at the end (zero-loss accounting; uncited_cells is 0 when nothing
-- was lost), then page_sources (which pages were read from their text layer, which by OCR, and why).
CREATE OR REPLACE VIEW documents AS
SELECT source_file, source_sha256, title, organisation, report_period_label, report_period_start,
       report_period_end, pages, tables, layouts, loaded_at, figure_cells, uncited_cells, page_sources
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
       observations, pages, interrupted, run_id, corrections_applied, corrections_orphaned
FROM run_facts ORDER BY started_at DESC;

CREATE OR REPLACE VIEW measure_definitions AS
SELECT source_file, page, measure_label, section, outcome, objectives, existing_flag, target_flag, dot_flag
FROM definition_facts;

-- Every cell of every table as read (merged cells once, at their top-left, with their spans).
CREATE OR REPLACE VIEW cells AS
SELECT source_file, source_sha256, table_index, page, row_index, col_index, row_span, col_span, text,
       bbox_x0, bbox_top, bbox_x1, bbox_bottom, engine
FROM cell_facts;

-- What the normaliser decided about each table.
CREATE OR REPLACE VIEW tables AS
SELECT source_file, source_sha256, table_index, page, engine, layout, reason, header_rows, quality FROM table_facts;

-- Great Expectations results: one row per expectation per validated document per run (kept across reloads).
CREATE OR REPLACE VIEW validations AS
SELECT run_id, run_started_at, source_file, source_sha256, suite, expectation, success, element_count,
       unexpected_count, validated_at, expectation_type
FROM validation_facts;

-- Each figure with a RAG stated by the report (in its cell, or its measure's position on its latest figure)
-- beside the RAG recomputed from the measure's bands, else target and tolerance (normalise/rag.py).
CREATE OR REPLACE VIEW rag_checks AS
SELECT source_file, source_sha256, page, table_index, row_index, col_index, measure_label, breakdown, period_label,
       value, unit, reported_rag, rag_position AS position_text, recomputed_rag, rag_basis AS basis,
       rag_agrees AS agrees, rag_stated AS stated_rag
FROM observation_detail
WHERE coalesce(reported_rag, '') <> '' OR coalesce(rag_position, '') <> '';

-- Observations with the period of the report they come from (its stated period, else its latest figure's)
-- and the keys that say "the same figure": organisation, measure, breakdown and period.
CREATE OR REPLACE VIEW observation_reports AS
WITH ends AS (SELECT source_file, max(period_end) AS last_period_end FROM observation_facts GROUP BY source_file)
SELECT o.*, coalesce(d.report_period_end, e.last_period_end) AS report_period_end, e.last_period_end, d.loaded_at,
       coalesce(o.organisation, '') AS org_key, coalesce(o.measure_id, o.measure_label) AS measure_key,
       coalesce(o.breakdown, '') AS breakdown_key
FROM observation_detail o
JOIN document_facts d ON d.source_file = o.source_file
LEFT JOIN ends e ON e.source_file = o.source_file;

-- The same figure reported in two or more documents with different values: later reports revise earlier
-- ones. Revision 1 is the earliest report: by the period the report states, then (a title that names only
-- the financial year states the same period for each quarter's report) its latest figure's period, then
-- when it was loaded.
CREATE OR REPLACE VIEW revisions AS
-- (Distinct counts per figure by a grouped join, not `count(DISTINCT ...) OVER`: PostgreSQL has no
-- DISTINCT in window functions. Period columns may be NULL, so they are matched with IS NOT DISTINCT FROM.)
WITH figures AS (
    SELECT org_key, measure_key, breakdown_key, period_type, period_start, period_end,
           count(DISTINCT source_sha256) AS documents,
           count(DISTINCT status || '|' || coalesce(CAST(value AS TEXT), '')) AS versions
    FROM observation_reports
    GROUP BY org_key, measure_key, breakdown_key, period_type, period_start, period_end
), counted AS (
    SELECT r.*, f.documents, f.versions
    FROM observation_reports r JOIN figures f
      ON f.org_key = r.org_key AND f.measure_key = r.measure_key AND f.breakdown_key = r.breakdown_key
     AND f.period_type IS NOT DISTINCT FROM r.period_type AND f.period_start IS NOT DISTINCT FROM r.period_start
     AND f.period_end IS NOT DISTINCT FROM r.period_end
), revised AS (
    SELECT *,
           row_number() OVER (PARTITION BY org_key, measure_key, breakdown_key, period_type, period_start, period_end
                              ORDER BY report_period_end NULLS FIRST, last_period_end NULLS FIRST, loaded_at,
                                       source_file, row_index) AS revision,
           count(*) OVER (PARTITION BY org_key, measure_key, breakdown_key, period_type, period_start,
                          period_end) AS rows_in_group
    FROM counted WHERE documents >= 2 AND versions >= 2
)
SELECT organisation, measure_label, measure_id, breakdown, period_type, period_start, period_end, period_label,
       source_file, source_sha256, page, value, status, report_period_end, loaded_at, revision,
       revision = rows_in_group AS is_latest
FROM revised;

-- Per figure (organisation, measure, breakdown, period), the rows of the most recent report that gives it.
CREATE OR REPLACE VIEW latest_observations AS
SELECT source_file, source_sha256, organisation, measure_label, measure_id, breakdown, period_label,
       period_type, period_start, period_end, value, unit, numerator, denominator, status, reported_rag,
       raw_text, page, corrected, report_period_end
FROM (
    SELECT *, first_value(source_file) OVER (
        PARTITION BY org_key, measure_key, breakdown_key, period_type, period_start, period_end
        ORDER BY report_period_end DESC NULLS LAST, last_period_end DESC NULLS LAST, loaded_at DESC,
                 source_file DESC) AS latest_file
    FROM observation_reports
) AS ranked
WHERE source_file = latest_file;

-- Reviewers' decisions and what became of each at the last apply.
CREATE OR REPLACE VIEW corrections AS
SELECT correction_id, source_file, source_sha256, table_index, row_index, col_index, breakdown, action,
       old_value, new_value, new_status, who, "at", why, state, state_reason, target
FROM correction_facts;
