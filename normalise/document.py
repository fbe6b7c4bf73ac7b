"""Normalise a whole extracted document: decide each table's layout and read it into tidy rows."""

from __future__ import annotations

from extractors.model import ExtractedDocument, Table
from normalise.grid import GridReader, find_layout, layout_name
from normalise.records import Commentary, Lineage, NormalisedDocument, QuarantineRow, TableReport
from normalise.values import parse_cell


def _quarantine_unread(table: Table, index: int, reason: str, out: NormalisedDocument) -> None:
    """Figures in a table nobody could read go to quarantine, so that none is lost silently."""
    for r in range(table.n_rows):
        for cell in table.distinct_cells(r):
            if cell.text and parse_cell(cell.text).value is not None:
                where = Lineage(cell.page, index, r, cell.col, cell.bbox, table.engine)
                out.quarantine.append(QuarantineRow("", "", "", cell.text, reason, where))


def decide_layout(table: Table) -> tuple[str, str, int]:
    """(layout, why, header rows) for one table, from its structure alone."""
    layout = find_layout(table)
    if layout is None:
        return "unknown", "layout not recognised: no header row names two or more periods", 0
    reason = f"{len(layout.period_columns)} period columns under {layout.header_rows} header rows"
    return layout_name(layout), reason, layout.header_rows


def normalise_document(doc: ExtractedDocument) -> NormalisedDocument:
    out = NormalisedDocument()
    if doc.text_lines:
        out.title = doc.text_lines[0].text
    for line in doc.text_lines:
        if line.text.startswith(("*", "†")):
            out.commentary.append(Commentary("", "footnote", line.text, line.page))
    for index, table in enumerate(doc.tables, start=1):
        layout, reason, header_rows = decide_layout(table)
        out.tables.append(TableReport(index, table.page, table.engine, layout, reason, header_rows, table.quality))
        if layout == "unknown":
            _quarantine_unread(table, index, f"table {index}: {reason}", out)
        else:
            GridReader(table, index, out).read(find_layout(table))  # type: ignore[arg-type]
    return out
