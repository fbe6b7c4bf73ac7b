"""The corrections section: reviewers' corrections to figures and the state each one is in."""

from __future__ import annotations

from typing import Any

from scorecards.warehouse.review.links import doc_link
from scorecards.warehouse.review.reader import Reader
from scorecards.warehouse.review.writer import Site


def write_corrections(site: Site, reader: Reader, doc_pages: dict[str, str], per_page: int) -> dict[str, int]:
    rows: list[dict[str, Any]] = []
    if reader.has("corrections"):
        rows = reader.rows(
            "SELECT correction_id, source_file, source_sha256, table_index, row_index, col_index, breakdown, action, "
            'old_value, new_value, new_status, who, "at", why, state, state_reason FROM corrections '
            'ORDER BY "at" DESC NULLS LAST, correction_id')
    for row in rows:
        row["doc_href"] = doc_link(doc_pages, row)
    site.paginated("corrections", "corrections.html.j2", rows, per_page, title="Corrections",
                   available=reader.has("corrections"))
    return {"corrections": len(rows)}
