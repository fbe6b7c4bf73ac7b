"""The overview page (index.html): counts, quarantine by reason, validation suites per run and recent runs."""

from __future__ import annotations

from datetime import datetime

from scorecards.warehouse.review.reader import Reader
from scorecards.warehouse.review.writer import Site


def write_overview(site: Site, reader: Reader, counts: dict[str, int]) -> None:
    reasons = reader.rows(
        f"SELECT reason, count(*) AS rows FROM {reader.held} GROUP BY reason ORDER BY rows DESC, reason")
    suites, expectations = [], []
    if reader.has("validations"):
        # Pass rate per run and suite: of the expectations checked (per file), how many passed.
        suites = reader.rows(
            """
            SELECT run_id, min(run_started_at) AS run_started_at, suite, count(*) AS checks,
                   count(*) FILTER (WHERE success) AS passed, count(DISTINCT source_file) AS files,
                   sum(element_count) AS elements, sum(unexpected_count) AS unexpected
            FROM validations GROUP BY run_id, suite
            ORDER BY run_started_at DESC NULLS LAST, run_id DESC, suite LIMIT 30
            """
        )
        expectations = reader.rows(
            """
            SELECT suite, expectation, count(*) AS checks, count(*) FILTER (WHERE NOT success) AS failed,
                   sum(unexpected_count) AS unexpected
            FROM validations
            WHERE run_id = (SELECT run_id FROM validations ORDER BY run_started_at DESC NULLS LAST LIMIT 1)
            GROUP BY suite, expectation ORDER BY failed DESC, suite, expectation
            """
        )
    runs = reader.rows("SELECT * FROM runs LIMIT 10")
    site.page("index.html", "index.html.j2", title="Overview", counts=counts, reasons=reasons[:25],
              other_reasons=reasons[25:], suites=suites, expectations=expectations, runs=runs,
              built_at=datetime.now())
