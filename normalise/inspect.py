"""What the pipeline saw in one file, region by region: for `scorecards inspect` and for tests.

A region is a table as found on its page. The pipeline joins a table continued on the next page into
one table before normalising it; inspect shows the pieces as found (that is what an analyst compares
with the page, and what table-extraction benchmarks score) and says which pieces were joined:
`"table"` is the number of the table the pipeline reads (the `table_index` of lineage), `"continues"`
the region it carries on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scorecards.extractors.model import ExtractedDocument, Table
from scorecards.extractors.stitch import Join, stitch_with_joins
from scorecards.normalise.document import normalise_document


def rows_as_printed(table: Table) -> list[list[str]]:
    """The cell grid as text; a merged cell's text sits in its top-left position only."""
    return [
        [cell.text if (cell.row, cell.col) == (r, c) else "" for c, cell in enumerate(row)]
        for r, row in enumerate(table.grid)
    ]


def _bbox(table: Table) -> list[float] | None:
    return [round(v, 2) for v in table.bbox] if table.bbox else None


def decisions(doc: ExtractedDocument) -> list[tuple[str, str, int]]:
    """(layout, why, header rows) of each table, as the pipeline decides them.

    Taken from the normaliser's own report rather than a table-by-table rule: some layouts (indicator
    cards, rates tables) are decided over the whole document.
    """
    try:
        reports = normalise_document(doc).tables
    except Exception as exc:  # inspect is for finding out what went wrong: show the regions regardless
        return [("error", f"normalisation failed: {type(exc).__name__}: {exc}", 0)] * len(doc.tables)
    return [(report.layout, report.reason, report.header_rows) for report in reports]


def describe(doc: ExtractedDocument) -> list[dict[str, Any]]:
    """Each table of the document as the pipeline normalises it (continued tables already joined)."""
    described = []
    for table, (layout, reason, header_rows) in zip(doc.tables, decisions(doc), strict=True):
        described.append({
            "page": table.page,
            "pages": table.pages,
            "bbox": _bbox(table),
            "engine": table.engine,
            "quality": round(table.quality, 3),
            "layout": layout,
            "reason": reason,
            "header_rows": header_rows,
            "rows": rows_as_printed(table),
        })
    return described


@dataclass
class Inspection:
    """One file inspected: the document as the pipeline reads it (tables joined) and its regions."""

    doc: ExtractedDocument
    regions: list[dict[str, Any]]

    @property
    def tables(self) -> int:
        return len(self.doc.tables)


def describe_regions(doc: ExtractedDocument, stitch: bool) -> list[dict[str, Any]]:
    """The regions of `doc` as found, one entry each; `doc.tables` becomes the tables the pipeline reads.

    `doc` holds the tables in page order before any joining. `stitch` says whether the pipeline joins
    continued tables (PDFs, unless switched off).
    """
    # Read every piece before joining, which renumbers and moves its cells.
    regions: list[dict[str, Any]] = [
        {
            "region": number,
            "page": piece.page,
            "bbox": _bbox(piece),
            "engine": piece.engine,
            "quality": round(piece.quality, 3),
            "rows": rows_as_printed(piece),
        }
        for number, piece in enumerate(doc.tables, start=1)
    ]
    joins: list[Join] = []
    if stitch:
        doc.tables, joins = stitch_with_joins(doc.tables, doc.text_lines)
    by_piece = {join.piece: join for join in joins}
    # Layouts are decided over the joined tables, as the pipeline decides them.
    decided = decisions(doc)
    table_number = 0
    for index, region in enumerate(regions):
        join = by_piece.get(index)
        if join is None:
            table_number += 1
            layout, reason, header_rows = decided[table_number - 1]
            region.update(table=table_number, continues=None, layout=layout, reason=reason,
                          header_rows=header_rows, row_fragment=False)
        else:
            # A continuation carries the decision made over the whole table; its header_rows are the rows
            # repeating the table's header, dropped when joined.
            layout, reason, _ = decided[table_number - 1]
            region.update(table=table_number, continues=join.continues + 1, layout=layout, reason=reason,
                          header_rows=join.header_rows, row_fragment=join.row_fragment)
    # Key order for the JSON: identity, where, how read, what decided, then the cells.
    sources = {p.page: p.source + (f" ({p.why})" if p.why else "") for p in doc.page_sources}
    for region in regions:
        region["page_source"] = sources.get(region["page"], "")
    keys = ("region", "table", "continues", "page", "page_source", "bbox", "engine", "quality", "layout", "reason",
            "header_rows", "row_fragment", "rows")
    return [{key: region[key] for key in keys} for region in regions]


def inspect_file(path: Path, sha256: str, settings: dict[str, Any] | None = None) -> Inspection:
    """Extract one file as `ingest` does and describe each region as found on its page.

    One extraction serves both views: the pieces are extracted unjoined, described, and then joined
    by the very step `extract_pdf` runs, so `Inspection.doc` holds the tables the pipeline normalises.
    Raises ExtractionError like `extract`.
    """
    from scorecards.extractors import extract
    from scorecards.extractors.settings import PdfSettings

    settings = dict(settings or {})
    stitch = path.suffix.lower() == ".pdf" and bool(settings.get("stitch", PdfSettings().stitch))
    doc = extract(path, sha256, {**settings, "stitch": False})
    regions = describe_regions(doc, stitch)
    return Inspection(doc, regions)
