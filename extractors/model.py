"""The objects every extractor returns: a grid of cells that remembers where each cell came from.

Merged cells are represented once and referenced from every grid position they cover, so that
"which text sits over this column" and "which columns does this cell cover" are both one lookup.
"""

from __future__ import annotations

from dataclasses import dataclass, field

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom in PDF points, origin top-left
# The engine of every table read by OCR, alone or with how its cells were found (`tesseract-aligned`).
OCR_ENGINE = "tesseract"


@dataclass
class Word:
    """One word on a page, in points with the origin top-left: read by OCR (with the engine's
    confidence, 0-100) or taken from a text layer (with its type size and font)."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    conf: float = 100.0  # a text layer's word is as printed
    size: float = 0.0  # points; a text layer's word only (OCR words are sized by their line)
    font: str = ""

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(eq=False)
class Cell:
    """One cell as printed; a merged cell covers row_span x col_span grid positions."""

    text: str
    row: int
    col: int
    row_span: int = 1
    col_span: int = 1
    page: int = 1  # 1-based page (PDF) or table number (Word)
    bbox: BBox | None = None
    # OCR only (None / empty for text-layer and Word cells): the engine's lowest word confidence
    # (0-100), its text before any repair, the repairs made, and a picture of the cell for review.
    confidence: float | None = None
    ocr_text: str | None = None
    repairs: list[str] = field(default_factory=list)
    crop_png: bytes | None = field(default=None, repr=False)
    word_confidences: list[tuple[str, float]] = field(default_factory=list, repr=False)  # OCR: each word's

    def covers(self, row: int, col: int) -> bool:
        return self.row <= row < self.row + self.row_span and self.col <= col < self.col + self.col_span


@dataclass
class Table:
    """A rectangular grid of cells; grid[r][c] is the cell covering that position."""

    grid: list[list[Cell]]
    page: int  # page the table starts on
    engine: str
    bbox: BBox | None = None
    pages: list[int] = field(default_factory=list)
    quality: float = 0.0
    # Header rows dropped when the table was stitched from a continuation page.
    continued_from: list[int] = field(default_factory=list)

    @property
    def n_rows(self) -> int:
        return len(self.grid)

    @property
    def n_cols(self) -> int:
        return len(self.grid[0]) if self.grid else 0

    def row_texts(self, row: int) -> list[str]:
        return [cell.text for cell in self.grid[row]]

    def distinct_cells(self, row: int) -> list[Cell]:
        """The cells of a row in column order, each merged cell once."""
        seen: set[int] = set()
        cells = []
        for cell in self.grid[row]:
            if id(cell) not in seen:
                seen.add(id(cell))
                cells.append(cell)
        return cells


@dataclass
class TextLine:
    """A line of running text outside any table (titles, footnotes, commentary)."""

    text: str
    page: int
    bbox: BBox | None = None
    # Word has no positions: the number of the first table after this paragraph (None in PDFs).
    before_table: int | None = None
    # PDF: the line cut where a gap is wider than a few spaces, each piece with its box. Borderless
    # layouts (indicator cards) are read from these when no table was found around the line.
    segments: list[tuple[str, BBox]] = field(default_factory=list)


@dataclass(frozen=True)
class PageSource:
    """Where one page's text came from, and why: `text` (its text layer), `ocr` (the page image read
    by Tesseract), `text+ocr` (its text layer, and pictures of tables on it read by Tesseract) or
    `failed` (nothing could be read: `why` says what went wrong)."""

    page: int
    source: str
    why: str = ""
    size: tuple[float, float] | None = None  # width, height in points (a failed page's picture is cut from it)

    def describe(self) -> str:
        return f"{self.page}: {self.source}" + (f" ({self.why})" if self.why else "")


@dataclass
class ExtractedDocument:
    """Everything read from one file before any interpretation."""

    source_file: str
    source_sha256: str
    kind: str  # pdf | docx
    pages: int
    tables: list[Table]
    text_lines: list[TextLine] = field(default_factory=list)
    # PDF text pages: every printed line, inside tables or not, cut into pieces at wide gaps. Layouts
    # printed without rules (indicator cards) are read from these, whatever regions were found.
    page_lines: list[TextLine] = field(default_factory=list)
    # PDF: one per page, saying where its text came from; failed pages are quarantined with their picture.
    page_sources: list[PageSource] = field(default_factory=list)

    @property
    def failed_pages(self) -> list[PageSource]:
        return [p for p in self.page_sources if p.source == "failed"]


class ExtractionError(Exception):
    """A file that cannot be read at all; the message is the one-line reason recorded as a failure."""
