"""Tables from Word .docx files with python-docx, merged cells kept as merged (gridSpan, vMerge)."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from scorecards.extractors.model import Cell, ExtractedDocument, ExtractionError, Table, TextLine


def _cell_text(tc: Any) -> str:
    """Paragraphs and line breaks of a cell joined by one space, as the contract wants labels."""
    parts = []
    for p in tc.iter(qn("w:p")):
        text = "".join(node.text or "" if node.tag == qn("w:t") else " " for node in p.iter(qn("w:t"), qn("w:br")))
        if text.strip():
            parts.append(" ".join(text.split()))
    return " ".join(parts)


def _tab_pieces(paragraph: Any) -> list[str]:
    """A paragraph's text cut at its tabs (`National average<tab>22%`): the columns of a line."""
    pieces = [""]
    for node in paragraph.iter(qn("w:t"), qn("w:tab")):
        if node.tag == qn("w:tab"):
            pieces.append("")
        else:
            pieces[-1] += node.text or ""
    return [" ".join(piece.split()) for piece in pieces if piece.strip()]


def _grid(tbl: Any, table_number: int) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for r, tr in enumerate(tbl.tr_lst):
        row: list[Cell] = []
        col = 0
        for tc in tr.tc_lst:
            span = tc.grid_span
            vmerge = tc.vMerge  # "restart", "continue" or None
            above = rows[r - 1][col] if r and col < len(rows[r - 1]) else None
            if vmerge == "continue" and above is not None:
                cell = above
                if cell.row + cell.row_span == r:
                    cell.row_span += 1
            else:
                cell = Cell(_cell_text(tc), r, col, 1, span, table_number)
            row += [cell] * span
            col += span
        rows.append(row)
    width = max((len(row) for row in rows), default=0)
    for r, row in enumerate(rows):  # ragged rows (w:gridAfter) padded with empty cells
        row += [Cell("", r, c, 1, 1, table_number) for c in range(len(row), width)]
    return rows


def extract_docx(path: Path, sha256: str) -> ExtractedDocument:
    """Every top-level table of the document; running paragraphs become text lines.

    Word has no pages to speak of, so a table's number (1-based) stands in for the page in lineage.
    """
    if path.stat().st_size == 0:
        raise ExtractionError(f"{path.name}: empty file")
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ExtractionError(f"{path.name}: not a Word document ({type(exc).__name__}: {exc})") from exc
    tables: list[Table] = []
    lines: list[TextLine] = []
    body = document.element.body
    for child in body.iterchildren():
        if child.tag == qn("w:tbl"):
            number = len(tables) + 1
            grid = _grid(child, number)
            if grid and grid[0]:
                tables.append(Table(grid=grid, page=number, engine="python-docx", pages=[number], quality=1.0))
        elif child.tag == qn("w:p"):
            pieces = _tab_pieces(child)
            text = " ".join(" ".join(pieces).split())
            if text:
                # No positions in Word: a tab stop is a column, so the pieces get one unit of width each.
                segments = [(piece, (float(k), 0.0, k + 0.9, 0.0)) for k, piece in enumerate(pieces)]
                lines.append(TextLine(text, max(1, len(tables)), before_table=len(tables) + 1,
                                      segments=segments if len(pieces) > 1 else []))
    return ExtractedDocument(path.name, sha256, "docx", len(tables), tables, lines)
