"""The review site: a static HTML site from the warehouse that opens offline from file://.

    build_site("warehouse.duckdb", Path("review"))  ->  review/index.html and the pages it links

Why static files: a reviewer must be able to open the site from a shared drive or an email
attachment, with no server and no network (Great Expectations' Data Docs load CDN assets and do
not render offline). So: Jinja2 templates with autoescape on for every template (everything
that comes from a document is text, `<script>` in a cell shows as `<script>`), one local CSS
file, no JavaScript, inline SVG charts, crops as PNG files beside the pages, and file names
derived from document names by slug + hash so no name can escape the output folder.

Pages (every list is paginated so no page grows with the warehouse):
    index.html                      overview: documents, failures, quarantine by reason, suites per run, runs
    documents/index.html, page-N    documents; documents/<slug>.html: tables as read, figures linked to cells
    quarantine/index.html, page-N   each row with reason, raw text and the picture of its cell (img/<hash>.png)
    rag/index.html, page-N          report's RAG against the recomputed one: disagreements
    revisions/index.html, page-N    the same figure reported with different values by different reports
    measures/index.html, page-N     measures; measures/<slug>.html: series charts with target and bands
    corrections/index.html, page-N  reviewers' corrections and their state
    failures/index.html, page-N     files that could not be read

The work is split by job: reader.py reads the warehouse, writer.py renders pages into the output folder,
paging.py and links.py name pages and anchors, grids.py rebuilds tables from cells, crops.py draws the
pictures of quarantined cells, one module per section writes that section (documents.py, quarantine.py,
rag.py, revisions.py, measures.py, corrections.py, overview.py), and server.py serves a built site.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from scorecards.warehouse.review.corrections import write_corrections
from scorecards.warehouse.review.documents import write_documents
from scorecards.warehouse.review.links import safe_name
from scorecards.warehouse.review.measures import write_measures
from scorecards.warehouse.review.overview import write_overview
from scorecards.warehouse.review.paging import PER_PAGE
from scorecards.warehouse.review.quarantine import quarantine_rows, write_quarantine
from scorecards.warehouse.review.rag import write_rag
from scorecards.warehouse.review.reader import OPTIONAL_VIEWS, Reader, open_for_review
from scorecards.warehouse.review.revisions import write_revisions
from scorecards.warehouse.review.writer import SITE_FOLDERS, BuildReport, Site, claim, copy_static


def build_site(warehouse_location: str, out: Path, per_page: int = PER_PAGE) -> BuildReport:
    """Write the review site for a warehouse into `out` (replacing what an earlier build wrote there)."""
    started = time.perf_counter()
    out = Path(out)
    report = BuildReport(out=out)
    with open_for_review(warehouse_location) as wh:
        reader = Reader(wh)
        missing = [v for v in OPTIONAL_VIEWS if not reader.has(v)]
        report.missing_views = missing
        claim(out)
        for folder in SITE_FOLDERS:
            shutil.rmtree(out / folder, ignore_errors=True)
        site = Site(out, report, missing)
        copy_static(out)
        documents = reader.rows(
            f"""
            WITH o AS (SELECT source_file, count(*) AS n FROM {reader.figures} GROUP BY source_file),
                 q AS (SELECT source_file, count(*) AS n FROM {reader.held} GROUP BY source_file)
            SELECT d.source_file, d.source_sha256, d.title, d.organisation, d.report_period_label,
                   d.report_period_end, d.pages, d.tables, d.layouts, d.loaded_at, f.kind, f.source_path,
                   coalesce(o.n, 0) AS observations, coalesce(q.n, 0) AS quarantined
            FROM documents d JOIN document_facts f USING (source_file)
            LEFT JOIN o USING (source_file) LEFT JOIN q USING (source_file)
            ORDER BY d.source_file
            """
        )
        doc_pages = {d["source_file"]: "documents/" + safe_name(d["source_file"]) for d in documents}
        for d in documents:
            d["href"] = doc_pages[d["source_file"]]
        quarantine = quarantine_rows(reader, doc_pages, per_page)
        counts = write_documents(site, reader, documents, quarantine, per_page)
        counts.update(write_quarantine(site, reader, quarantine, documents, per_page))
        counts.update(write_rag(site, reader, doc_pages, per_page))
        counts.update(write_revisions(site, reader, doc_pages, per_page))
        counts.update(write_measures(site, reader, doc_pages, per_page))
        counts.update(write_corrections(site, reader, doc_pages, per_page))
        failures = reader.rows("SELECT source_file, source_sha256, reason, tried_at FROM failures ORDER BY source_file")
        site.paginated("failures", "failures.html.j2", failures, per_page, title="Failures")
        counts["failures"] = len(failures)
        write_overview(site, reader, counts)
    report.counts = counts
    report.seconds = time.perf_counter() - started
    return report
