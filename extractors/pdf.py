"""Tables from text PDFs: pdfplumber and camelot propose cell rectangles, a quality check picks one.

Settings follow pdfplumber's habit of one explicit dict (`DEFAULT_SETTINGS`) that callers copy and
change, so a run's behaviour is visible in one place.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfplumber.utils.exceptions import PdfminerException

from extractors.geometry import chars_to_lines, cut_words, fill_text, grid_from_rects
from extractors.model import BBox, ExtractedDocument, ExtractionError, Table, TextLine
from extractors.stitch import stitch_continued_tables

log = logging.getLogger(__name__)

DEFAULT_SETTINGS: dict[str, Any] = {
    # "auto": ask camelot only for pages where pdfplumber's best table scores below camelot_below;
    # "always": run both on every page; "never": pdfplumber alone.
    "camelot": "auto",
    "camelot_below": 0.9,
    "min_rows": 2,
    "min_cols": 2,
    "pdfplumber_table_settings": {"vertical_strategy": "lines", "horizontal_strategy": "lines"},
}


@dataclass
class Candidate:
    engine: str
    rects: list[BBox]
    bbox: BBox


def _overlap(a: BBox, b: BBox) -> float:
    """Intersection over the smaller box: 1.0 when one table sits inside the other."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return (w * h) / smaller if smaller else 0.0


def _within(ch: dict[str, Any], box: BBox) -> bool:
    cx, cy = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


def score_table(table: Table, chars: list[dict[str, Any]]) -> float:
    """Quality in 0..1: the share of the region's text that lands cleanly in cells of a real grid.

    Penalised: words cut by a cell border (a missed or invented column line), grids too small
    to be tables, and grids that are mostly empty.
    """
    if table.n_rows < 2 or table.n_cols < 2 or table.bbox is None:
        return 0.0
    inside = [ch for ch in chars if _within(ch, table.bbox)]
    cut, words = cut_words(table.grid, inside)
    if not words:
        return 0.0
    distinct = {id(cell): cell for row in table.grid for cell in row}.values()
    filled = sum(1 for cell in distinct if cell.text) / max(1, len(distinct))
    # A right grid cuts no word at all, so even a few cut words are strong evidence against it.
    return max(0.0, 1.0 - 25.0 * cut / words) * (0.5 + 0.5 * min(1.0, filled / 0.4))


def _pdfplumber_candidates(page: Any, settings: dict[str, Any]) -> list[Candidate]:
    found = page.find_tables(table_settings=settings["pdfplumber_table_settings"])
    return [Candidate("pdfplumber", [tuple(c) for c in t.cells], tuple(t.bbox)) for t in found if t.cells]


def _root(parent: dict[tuple[int, int], tuple[int, int]], key: tuple[int, int]) -> tuple[int, int]:
    """Union-find root: camelot cells joined by a missing inner edge form one merged cell."""
    while parent.get(key, key) != key:
        key = parent[key]
    return key


def _camelot_candidates(path: Path, page_numbers: list[int]) -> dict[int, list[Candidate]]:
    """Camelot lattice tables per page, merged cells rebuilt from the edges camelot did not find."""
    import camelot  # imported here: it costs a second and most documents never need it

    out: dict[int, list[Candidate]] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            tables = camelot.read_pdf(str(path), pages=",".join(map(str, page_numbers)), flavor="lattice")
        except Exception as exc:  # camelot fails on odd PDFs pdfplumber reads: a lost candidate, not a lost file
            log.warning("camelot could not read %s: %s", path.name, exc)
            return out
    for t in tables:
        height = t.pdf_size[1] if getattr(t, "pdf_size", None) else None
        if height is None:
            continue
        cells = t.cells
        parent: dict[tuple[int, int], tuple[int, int]] = {}
        for r, row in enumerate(cells):
            for c, cell in enumerate(row):
                if not cell.right and c + 1 < len(row):
                    parent[_root(parent, (r, c + 1))] = _root(parent, (r, c))
                if not cell.bottom and r + 1 < len(cells):
                    parent[_root(parent, (r + 1, c))] = _root(parent, (r, c))
        groups: dict[tuple[int, int], list[Any]] = {}
        for r, row in enumerate(cells):
            for c, cell in enumerate(row):
                groups.setdefault(_root(parent, (r, c)), []).append(cell)
        rects = [
            (min(c.x1 for c in g), height - max(c.y2 for c in g), max(c.x2 for c in g), height - min(c.y1 for c in g))
            for g in groups.values()
        ]
        x0, y0, x1, y1 = t._bbox
        out.setdefault(int(t.page), []).append(Candidate("camelot-lattice", rects, (x0, height - y1, x1, height - y0)))
    return out


def _build(candidate: Candidate, page_number: int, chars: list[dict[str, Any]]) -> Table:
    grid = grid_from_rects(candidate.rects, page_number)
    table = Table(grid=grid, page=page_number, engine=candidate.engine, bbox=candidate.bbox, pages=[page_number])
    fill_text(grid, [ch for ch in chars if _within(ch, candidate.bbox)])
    table.quality = score_table(table, chars)
    return table


def _choose(tables: list[Table]) -> list[Table]:
    """Keep, for each region, the best-scoring engine's table (first engine wins ties)."""
    chosen: list[Table] = []
    for table in sorted(tables, key=lambda t: -t.quality):
        if all(_overlap(table.bbox, kept.bbox) < 0.5 for kept in chosen):  # type: ignore[arg-type]
            chosen.append(table)
    return sorted(chosen, key=lambda t: (t.bbox[1], t.bbox[0]))  # type: ignore[index]


def _open(path: Path) -> Any:
    data_head = path.read_bytes()[:1024]
    if not data_head.strip():
        raise ExtractionError(f"{path.name}: empty file")
    if b"%PDF" not in data_head:
        raise ExtractionError(f"{path.name}: not a PDF (no %PDF header)")
    try:
        pdf = pdfplumber.open(path)
        _ = pdf.pages  # pdfminer parses lazily; force the document structure now
    except (PDFPasswordIncorrect, PdfminerException, PDFSyntaxError) as exc:
        cause = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
        if isinstance(cause, PDFPasswordIncorrect) or "password" in repr(cause).lower():
            raise ExtractionError(f"{path.name}: encrypted PDF (a password is needed)") from exc
        raise ExtractionError(f"{path.name}: corrupt PDF ({type(cause).__name__}: {cause})") from exc
    except Exception as exc:
        raise ExtractionError(f"{path.name}: unreadable PDF ({type(exc).__name__}: {exc})") from exc
    return pdf


def extract_pdf(path: Path, sha256: str, settings: dict[str, Any] | None = None) -> ExtractedDocument:
    """Read every ruled table and every line of running text of a text PDF."""
    settings = {**DEFAULT_SETTINGS, **(settings or {})}
    pdf = _open(path)
    with pdf:
        pages_chars: dict[int, list[dict[str, Any]]] = {}
        per_page: dict[int, list[Table]] = {}
        try:
            for page in pdf.pages:
                number = page.page_number
                chars = page.chars
                pages_chars[number] = chars
                per_page[number] = [_build(c, number, chars) for c in _pdfplumber_candidates(page, settings)]
        except ExtractionError:
            raise
        except Exception as exc:
            raise ExtractionError(f"{path.name}: page {number}: cannot read ({type(exc).__name__}: {exc})") from exc
        page_count = len(pdf.pages)

    mode = settings["camelot"]
    if mode != "never":
        ask = [
            n for n, tables in per_page.items()
            if mode == "always" or not tables or max(t.quality for t in tables) < settings["camelot_below"]
        ]
        if ask:
            for number, candidates in _camelot_candidates(path, ask).items():
                per_page[number] += [_build(c, number, pages_chars[number]) for c in candidates]

    tables: list[Table] = []
    text_lines: list[TextLine] = []
    for number in sorted(per_page):
        kept = [
            t for t in _choose(per_page[number])
            if t.n_rows >= settings["min_rows"] and t.n_cols >= settings["min_cols"]
        ]
        tables += kept
        outside = [ch for ch in pages_chars[number] if not any(_within(ch, t.bbox) for t in kept)]  # type: ignore[arg-type]
        text_lines += [TextLine(text, number) for text, _, _ in chars_to_lines(outside)]
    return ExtractedDocument(path.name, sha256, "pdf", page_count, stitch_continued_tables(tables), text_lines)
