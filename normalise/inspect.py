"""What the pipeline saw in one file, table by table: for `scorecards inspect` and for tests."""

from __future__ import annotations

from typing import Any

from extractors.model import ExtractedDocument, Table
from normalise.document import decide_layout


def rows_as_printed(table: Table) -> list[list[str]]:
    """The cell grid as text; a merged cell's text sits in its top-left position only."""
    return [
        [cell.text if (cell.row, cell.col) == (r, c) else "" for c, cell in enumerate(row)]
        for r, row in enumerate(table.grid)
    ]


def describe(doc: ExtractedDocument) -> list[dict[str, Any]]:
    described = []
    for table in doc.tables:
        layout, reason, header_rows = decide_layout(table)
        described.append({
            "page": table.page,
            "pages": table.pages,
            "bbox": [round(v, 2) for v in table.bbox] if table.bbox else None,
            "engine": table.engine,
            "quality": round(table.quality, 3),
            "layout": layout,
            "reason": reason,
            "header_rows": header_rows,
            "rows": rows_as_printed(table),
        })
    return described
