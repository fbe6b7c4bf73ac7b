"""A PDF document as one stream of printed rows, top to bottom, whatever found them.

Layouts printed without rules (indicator cards) come out of extraction in pieces: part of a card
as a small table, part as running text, two cards' parts in one table. Their readers do not care
which: they walk rows, each a list of pieces with x positions, and keep each piece's lineage.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scorecards.extractors.model import Cell, ExtractedDocument, TextLine
from scorecards.normalise.cells import parse_cell
from scorecards.normalise.records import Lineage

TEXT_LINE = 0  # Lineage.table_index of a piece read from running text rather than a table


@dataclass
class RowPiece:
    """One piece of a printed row: its text, its x extent and where it came from (a table cell, or a
    segment of a running-text line). Extraction's own cell pieces (`extractors.text_tables.CellPiece`)
    never reach the readers: rows are rebuilt here from the cells and lines extraction returns."""

    text: str
    x0: float
    x1: float
    lineage: Lineage

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def is_figure(self) -> bool:
        value = parse_cell(self.text)
        return value.status == "reported" and value.value is not None


@dataclass
class Row:
    page: int
    top: float
    pieces: list[RowPiece]
    table_index: int  # 1-based table number, or TEXT_LINE
    row_index: int  # the table's row, or the running-text line number
    consumed: bool = field(default=False, compare=False)
    owner: str = ""  # the title of the card (or table) that read this row

    @property
    def text(self) -> str:
        return " ".join(piece.text for piece in self.pieces)

    @property
    def figures(self) -> list[RowPiece]:
        return [piece for piece in self.pieces if piece.is_figure]


def document_rows(doc: ExtractedDocument) -> list[Row]:
    """Every printed row that has a position, in reading order.

    From the page's own lines when extraction kept them (text PDFs): each piece then takes the
    lineage of the table cell it sits in, if any, so a figure still points at its cell. Otherwise
    (scans) from table rows and running text.
    """
    if doc.page_lines:
        return _rows_from_lines(doc)
    if doc.kind == "docx":
        return _rows_from_word(doc)
    rows: list[Row] = []
    for index, table in enumerate(doc.tables, start=1):
        for r in range(table.n_rows):
            pieces = [
                RowPiece(" ".join(cell.text.split()), cell.bbox[0], cell.bbox[2],
                         Lineage(cell.page, index, r, cell.col, cell.bbox, table.engine))
                for cell in table.distinct_cells(r)
                if cell.text.strip() and cell.bbox is not None and cell.row == r
            ]
            if pieces:
                tops = [p.lineage.bbox[1] for p in pieces if p.lineage.bbox]
                rows.append(Row(pieces[0].lineage.page, min(tops), pieces, index, r))
    for number, line in enumerate(doc.text_lines):
        if line.bbox is None:
            continue
        parts = line.segments or [(line.text, line.bbox)]
        pieces = [
            RowPiece(" ".join(text.split()), box[0], box[2],
                     Lineage(line.page, TEXT_LINE, number, col, box, "text-line"))
            for col, (text, box) in enumerate(parts)
            if text.strip()
        ]
        if pieces:
            rows.append(Row(line.page, line.bbox[1], pieces, TEXT_LINE, number))
    rows.sort(key=lambda row: (row.page, row.top, row.pieces[0].x0))
    return rows


def _rows_from_lines(doc: ExtractedDocument) -> list[Row]:
    cells: dict[int, list[tuple[int, Cell]]] = {}
    for index, table in enumerate(doc.tables, start=1):
        for r in range(table.n_rows):
            for cell in table.distinct_cells(r):
                if cell.bbox is not None and cell.row == r:
                    cells.setdefault(cell.page, []).append((index, cell))
    engines = {index: table.engine for index, table in enumerate(doc.tables, start=1)}
    rows: list[Row] = []
    spoken_for: set[int] = set()  # OCR'd cells whose text a piece already carries
    for number, line in enumerate(doc.page_lines):
        if line.bbox is None:
            continue
        pieces = []
        for col, (text, box) in enumerate(line.segments or [(line.text, line.bbox)]):
            if not text.strip():
                continue
            cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
            home = next(((i, c) for i, c in cells.get(line.page, [])
                         if c.bbox and c.bbox[0] <= cx <= c.bbox[2] and c.bbox[1] <= cy <= c.bbox[3]), None)
            if home is not None and home[1].confidence is not None:
                # A scanned page's lines are its first, whole-page reading; an OCR'd cell holds the
                # better one (read again on its own, judged and repaired): its first line speaks for
                # all of it, and the lines it wraps onto add nothing.
                if id(home[1]) in spoken_for:
                    continue
                spoken_for.add(id(home[1]))
                text = home[1].text
            lineage = (Lineage(line.page, home[0], home[1].row, home[1].col, box, engines[home[0]]) if home
                       else Lineage(line.page, TEXT_LINE, number, col, box, "text-line"))
            pieces.append(RowPiece(" ".join(text.split()), box[0], box[2], lineage))
        if pieces:
            table_index = pieces[0].lineage.table_index
            rows.append(Row(line.page, line.bbox[1], pieces, table_index, pieces[0].lineage.row_index))
    rows.sort(key=lambda row: (row.page, row.top, row.pieces[0].x0))
    return rows


WORD_COLUMN = 100.0  # Word has no positions: a table column (or a tab stop) is this wide


def _rows_from_word(doc: ExtractedDocument) -> list[Row]:
    """Paragraphs and table rows in document order, x standing for the column (or tab stop) number.

    A paragraph's `page` is the table it comes before, so that a heading and the table under it
    count as one place, as they do on a printed page.
    """
    rows: list[Row] = []
    by_table: dict[int, list[tuple[int, TextLine]]] = {}
    for number, line in enumerate(doc.text_lines):
        by_table.setdefault(line.before_table or 0, []).append((number, line))

    def paragraphs(before: int) -> None:
        for number, line in by_table.get(before, []):
            parts = [text for text, _ in line.segments] or [line.text]
            pieces = [RowPiece(text, k * WORD_COLUMN, (k + 0.9) * WORD_COLUMN,
                               Lineage(before, TEXT_LINE, number, k, None, "python-docx"))
                      for k, text in enumerate(parts) if text.strip()]
            if pieces:
                rows.append(Row(before, float(len(rows)), pieces, TEXT_LINE, number))

    for index, table in enumerate(doc.tables, start=1):
        paragraphs(index)
        for r in range(table.n_rows):
            pieces = [
                RowPiece(" ".join(cell.text.split()), cell.col * WORD_COLUMN,
                         (cell.col + cell.col_span - 0.1) * WORD_COLUMN,
                         Lineage(cell.page, index, r, cell.col, None, table.engine))
                for cell in table.distinct_cells(r)
                if cell.text.strip() and cell.row == r
            ]
            if pieces:
                rows.append(Row(index, float(len(rows)), pieces, index, r))
    paragraphs(len(doc.tables) + 1)
    return rows
