"""Tables from scanned pages: the entry points the PDF extractor calls, and a page read from end to end.

A page needs OCR when it has (almost) no characters but an image covering it (`needs_ocr`); a
picture of a table pasted into a text page is read as a scan of its region (`picture_regions`,
`ocr_regions`). A page is rendered with pypdfium2 (the file is never changed) and prepared
(extractors.scan_image, extractors.scan_rules: dark fills inverted, paper flattened, deskewed,
specks removed, ruling lines found). Cell rectangles come from the ruling lines (scan_rules) or,
where a scan has none, from the alignment of its words (the text-layer engine extractors.text_tables
given the OCR words, or scan_layout.aligned_rects). Tesseract (extractors.tesseract) reads the page
once as sparse text, and every cell with ink once more on its own, beside the page run
(extractors.scan_cells); each word becomes one pseudo-character in PDF points so that
`extractors.geometry` fills the cells as it does for a text layer. Coordinates are those of the
deskewed page, in points with the origin top-left (the rotation is a few degrees at most, about the
page centre). Repairs that need the table's context (a header quarter implied by its neighbours)
are normalise's (normalise.ocr_repair), made before any reader reads the table.
"""
from __future__ import annotations

import logging
import statistics
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from scorecards.extractors.geometry import fill_text, grid_from_rects, lines_with_boxes, lines_with_segments
from scorecards.extractors.misreads import repair_text
from scorecards.extractors.model import OCR_ENGINE, BBox, ExtractionError, Table, TextLine, Word
from scorecards.extractors.render import page_image
from scorecards.extractors.scan_cells import annotate, cells_of, inked_cells, reread, words_by_cell
from scorecards.extractors.scan_image import binarise
from scorecards.extractors.scan_layout import aligned_rects, as_chars
from scorecards.extractors.scan_rules import Scan, prepare, ruled_rects, table_regions, text_size
from scorecards.extractors.settings import ExtractionSettings, SettingsInput, resolve
from scorecards.extractors.tesseract import font_size, read_image
from scorecards.extractors.text_tables import find_text_tables

log = logging.getLogger(__name__)


# ---------------------------------------------------------------------------------------------
# Which pages
# ---------------------------------------------------------------------------------------------


def needs_ocr(page: Any, settings: SettingsInput = None) -> bool:
    """A pdfplumber page with no usable text layer but an image covering most of it: a scan."""
    cfg = resolve(settings).ocr_options
    if len([ch for ch in page.chars if not ch["text"].isspace()]) >= cfg.min_chars:
        return False
    width, height = float(page.width), float(page.height)
    if width <= 0 or height <= 0:
        return False
    covered = 0.0
    for image in page.images:
        w = min(float(image["x1"]), width) - max(float(image["x0"]), 0.0)
        h = min(float(image["bottom"]), height) - max(float(image["top"]), 0.0)
        if w > 0 and h > 0:
            covered += w * h
    return covered / (width * height) >= cfg.min_image_cover


# ---------------------------------------------------------------------------------------------
# Tables of a page
# ---------------------------------------------------------------------------------------------


def _grid_table(rects: Sequence[BBox], page_number: int, engine: str) -> Table | None:
    grid = grid_from_rects(rects, page_number)
    if not grid or not grid[0]:
        return None
    bbox = (min(r[0] for r in rects), min(r[1] for r in rects), max(r[2] for r in rects), max(r[3] for r in rects))
    return Table(grid=grid, page=page_number, engine=engine, bbox=bbox, pages=[page_number])


def _fill(table: Table, words: Sequence[Word], size: float) -> None:
    """Cell text from the page reading, as geometry.fill_text reads a text layer."""
    x0, top, x1, bottom = table.bbox  # type: ignore[misc]
    inside = [w for w in words if x0 <= w.cx <= x1 and top <= w.cy <= bottom]
    fill_text(table.grid, as_chars(inside, size))
    table.quality = statistics.fmean(w.conf for w in inside) / 100 if inside else 0.0


def ruled_tables(scan: Scan, page_number: int, size: float, settings: ExtractionSettings) -> list[Table]:
    """The page's ruled tables as empty grids (cell rectangles in points), before any OCR."""
    pdf = settings.pdf
    tables = []
    for region in table_regions(scan):
        rects = [tuple(v / scan.scale for v in r) for r in ruled_rects(scan, region, size)]
        table = _grid_table(rects, page_number, OCR_ENGINE) if rects else None  # type: ignore[arg-type]
        if table is not None and table.n_rows >= pdf.min_rows and table.n_cols >= pdf.min_cols:
            tables.append(table)
    return tables


def unruled_tables(words: Sequence[Word], page_number: int, settings: ExtractionSettings) -> list[Table]:
    """Tables of a page without ruling lines, from the alignment of its words: the engine that reads
    borderless text PDFs (extractors.text_tables), given the OCR words as a text layer; the older
    alignment reader where it finds nothing."""
    size = font_size(words)
    # Each word at its line's own type size, as a text layer gives it: a title set larger than the
    # table under it is then no line of the table. And each word as tall as its type (its em box,
    # as a text layer's characters are), not its ink: lines of a wrapped cell then sit as close as
    # they do in a text layer.
    # OCR boxes vary with the letters (ascenders, descenders) where a text layer's sizes do not: only
    # a line clearly larger than the page's body text keeps its own size.
    chars = []
    for ch in as_chars(words, size):
        own = max(4.0, (ch["bottom"] - ch["top"]) / 0.75)
        own = own if own >= 1.25 * size else size
        middle = (ch["top"] + ch["bottom"]) / 2
        chars.append({**ch, "size": own, "top": middle - own / 2, "bottom": middle + own / 2})
    pdf = settings.pdf
    found = [t.rects for t in find_text_tables(chars, pdf.text_settings) if t.prose_share <= pdf.max_prose]
    if not found:
        found = [rects] if (rects := aligned_rects(list(words), size)) else []
    tables = []
    for rects in found:
        table = _grid_table(rects, page_number, f"{OCR_ENGINE}-aligned")
        if table is not None and table.n_rows >= pdf.min_rows and table.n_cols >= pdf.min_cols:
            tables.append(table)
    return tables


def read_scan(scan: Scan, words: list[Word], page_number: int, settings: ExtractionSettings, name: str = "",
              tables: list[Table] | None = None, again: dict[int, list[Word]] | None = None) -> tuple[
        list[Table], list[TextLine]]:
    """Tables and running text of one prepared page from its OCR words.

    tables: the ruled grids if already found; again: second readings of their cells if already made.
    A page without ruled tables is read by the alignment of its words.
    """
    cfg = settings.ocr_options
    size = text_size(scan)
    if tables is None:
        tables = ruled_tables(scan, page_number, size, settings)
    if not tables:
        tables = unruled_tables(words, page_number, settings)
    word_size = font_size(words) if words else size
    for table in tables:
        _fill(table, words, word_size)
    inked = inked_cells(tables, scan, size)
    if again is None:
        read = words_by_cell(tables, words)
        unsure = [
            cell for cell in cells_of(tables) if inked[id(cell)] and (
                cfg.reread == "all" or not read.get(id(cell))
                or min(w.conf for w in read[id(cell)]) < cfg.reread_below)
        ]
        again = reread(unsure, scan, cfg, name)
    annotate(tables, words, again, inked, scan, word_size)

    def outside(word: Word) -> bool:
        return not any(t.bbox and t.bbox[0] <= word.cx <= t.bbox[2] and t.bbox[1] <= word.cy <= t.bbox[3]
                       for t in tables)

    text_lines = [
        TextLine(repair_text(text)[0], page_number, box)
        for text, box in lines_with_boxes(as_chars([w for w in words if outside(w)], word_size))
    ]
    return tables, text_lines


def ocr_page(pdf_path: Path, page_number: int, page_width: float, page_height: float,
             settings: SettingsInput = None) -> tuple[list[Table], list[TextLine]]:
    """OCR one scanned page (1-based) into tables and running text (see read_pdf_page)."""
    reading = read_pdf_page(pdf_path, page_number, page_width, settings)
    return reading.tables, reading.text_lines


def read_pdf_page(pdf_path: Path, page_number: int, page_width: float,
                  settings: SettingsInput = None) -> PageReading:
    """OCR one scanned page (1-based) into tables and lines, in PDF points with the origin top-left.

    page_width (points) is the page's width as pdfplumber reports it; pixels are converted with the
    rendered width over page_width, so points agree with text-layer pages. Raises OcrFailed when
    the page cannot be read whichever way Tesseract is asked.
    """
    settings = resolve(settings)
    cfg = settings.ocr_options
    name = f"{pdf_path.name}: page {page_number}"
    gray = page_image(pdf_path, page_number, cfg.dpi / 72, grayscale=True)
    dpi = gray.shape[1] / page_width * 72 if page_width else cfg.dpi
    return read_image_page(gray, dpi, page_number, settings, name)


def read_image_page(gray: np.ndarray, dpi: float, page_number: int, settings: ExtractionSettings,
                    name: str) -> PageReading:
    """Tables and lines of a page image (grayscale, `dpi` pixels per inch), in points.

    The grid of ruled tables is known from the image before any text is read, so the page reading
    and the cell-by-cell reading run side by side.
    """
    cfg = settings.ocr_options
    scan = prepare(gray, dpi, cfg.max_skew)
    assert scan.clean is not None
    size = text_size(scan)
    tables = ruled_tables(scan, page_number, size, settings)
    inked = inked_cells(tables, scan, size)
    cells = [cell for cell in cells_of(tables) if inked[id(cell)]] if cfg.reread == "all" else []
    with ThreadPoolExecutor(max_workers=1) as pool:
        cell_run = pool.submit(reread, cells, scan, cfg, name) if cells else None
        try:
            words = read_image(scan.clean, cfg.psm, round(dpi), cfg, name, scan.scale)
        finally:
            again = cell_run.result() if cell_run else None
    log.debug("%s: skew %.2f deg, %d words", name, scan.skew, len(words))
    found, text_lines = read_scan(scan, words, page_number, settings, name, tables or None, again)
    return PageReading(page_number, found, text_lines, page_lines=page_lines(words, page_number))


def page_lines(words: Sequence[Word], page_number: int) -> list[TextLine]:
    """Every line of the page, tables included, cut into pieces at wide gaps, as a text page gives
    them (ExtractedDocument.page_lines): layouts printed without rules (indicator cards) are read
    from these."""
    if not words:
        return []
    size = font_size(words)
    return [
        TextLine(repair_text(text)[0], page_number, box, segments=[(repair_text(t)[0], b) for t, b in pieces])
        for text, box, pieces in lines_with_segments(as_chars(words, size))
    ]


# ---------------------------------------------------------------------------------------------
# Pages of a document
# ---------------------------------------------------------------------------------------------


@dataclass
class PageReading:
    """What OCR made of one page: its tables and lines, or why it could not be read."""

    page: int
    tables: list[Table]
    text_lines: list[TextLine]
    failure: str = ""  # one line: why the page could not be read (its tables and lines are then empty)
    page_lines: list[TextLine] = field(default_factory=list)  # every line, tables included (see page_lines)


def ocr_pages(pdf_path: Path, pages: dict[int, tuple[float, float]],
              settings: SettingsInput = None) -> dict[int, PageReading]:
    """OCR several pages of one file (number -> (width, height) in points), `workers` at a time.

    Threads suffice: Tesseract (through tesserocr), OpenCV and numpy let go of the interpreter
    while they work, and threads share the engine's loaded model. A page that fails is returned
    with its reason: the document's other pages still load.
    """
    resolved = resolve(settings)
    workers = resolved.ocr_options.workers

    def one(number: int) -> PageReading:
        width = pages[number][0]
        try:
            return read_pdf_page(pdf_path, number, width, resolved)
        except ExtractionError as exc:
            return PageReading(number, [], [], str(exc).removeprefix(f"{pdf_path.name}: "))
        except Exception as exc:  # a page's failure is recorded, never the document's
            return PageReading(number, [], [], f"page {number}: OCR failed ({type(exc).__name__}: {exc})")

    numbers = sorted(pages)
    if workers <= 1 or len(numbers) <= 1:
        return {n: one(n) for n in numbers}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return dict(zip(numbers, pool.map(one, numbers), strict=True))


# ---------------------------------------------------------------------------------------------
# Pictures of tables on text pages
# ---------------------------------------------------------------------------------------------


def picture_regions(page: Any, settings: SettingsInput = None) -> list[BBox]:
    """Images on a text page big enough to hold a table and with no text over them (points).

    A table pasted into a report as a picture has no text layer: read it as a scan of that region.
    Logos, photos and charts are read too, and give no table (or a table the readers judge); a
    picture covering the whole page is a scan, decided by needs_ocr and the text-layer judge.
    """
    cfg = resolve(settings).ocr_options
    width, height = float(page.width), float(page.height)
    if width <= 0 or height <= 0:
        return []
    regions: list[BBox] = []
    for image in page.images:
        x0, top = max(float(image["x0"]), 0.0), max(float(image["top"]), 0.0)
        x1, bottom = min(float(image["x1"]), width), min(float(image["bottom"]), height)
        w, h = x1 - x0, bottom - top
        if w < cfg.picture_min_width or h < cfg.picture_min_height:
            continue
        if w * h >= cfg.min_image_cover * width * height:
            continue
        over = sum(1 for ch in page.chars if x0 <= (ch["x0"] + ch["x1"]) / 2 <= x1 and top <= (ch["top"] + ch[
            "bottom"]) / 2 <= bottom and not ch["text"].isspace())
        if over < cfg.min_chars:
            regions.append((x0, top, x1, bottom))
    return regions


def rows_of_text(gray: np.ndarray, scale: float, min_rows: int) -> bool:
    """Whether a picture holds at least `min_rows` lines of several letter-sized marks each: a table
    does, a chart (a few axis labels) or a photograph does not. Cheap, so that only pictures worth
    it are read by Tesseract."""
    small = cv2.resize(gray, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA) if scale > 3 else gray
    factor = scale * (0.5 if scale > 3 else 1.0)  # pixels per point in `small`
    if small.size == 0:
        return False
    ink = binarise(small, factor)
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    heights, widths = stats[1:, cv2.CC_STAT_HEIGHT], stats[1:, cv2.CC_STAT_WIDTH]
    letters = (heights >= 3 * factor) & (heights <= 14 * factor) & (widths <= 2 * heights)
    centres = np.sort((stats[1:, cv2.CC_STAT_TOP] + heights / 2)[letters])
    if centres.size < 3 * min_rows:
        return False
    rows, count, last = 0, 0, None
    for y in centres:  # letters whose centres lie within half a line of each other share a line
        if last is not None and y - last <= 3 * factor:
            count += 1
        else:
            rows += count >= 6
            count = 1
        last = y
    rows += count >= 6
    return rows >= min_rows


def _shift(tables: list[Table], dx: float, dy: float) -> None:
    def moved(box: BBox | None) -> BBox | None:
        return None if box is None else (box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy)

    for table in tables:
        table.bbox = moved(table.bbox)
        for cell in cells_of([table]):
            cell.bbox = moved(cell.bbox)


def ocr_regions(pdf_path: Path, pictures: dict[int, tuple[tuple[float, float] | None, list[BBox]]],
                settings: SettingsInput = None) -> dict[int, list[PageReading]]:
    """OCR the pictures of tables on text pages: page -> one reading per picture, cells in page points."""
    settings = resolve(settings)
    cfg = settings.ocr_options
    out: dict[int, list[PageReading]] = {}
    for number, (size, boxes) in sorted(pictures.items()):
        name = f"{pdf_path.name}: page {number}"
        gray = page_image(pdf_path, number, cfg.dpi / 72, grayscale=True)
        scale = gray.shape[1] / size[0] if size and size[0] else cfg.dpi / 72
        for box in boxes:
            x0, y0 = max(0, int(box[0] * scale)), max(0, int(box[1] * scale))
            x1, y1 = min(gray.shape[1], round(box[2] * scale)), min(gray.shape[0], round(box[3] * scale))
            crop = np.ascontiguousarray(gray[y0:y1, x0:x1])
            if not rows_of_text(crop, scale, cfg.picture_min_rows):
                log.debug("%s: picture at %.0f,%.0f has no rows of text: a chart or a photo", name, box[0], box[1])
                continue
            try:
                tables = read_image_page(crop, scale * 72, number,
                                         settings, f"{name}, picture at {box[0]:.0f},{box[1]:.0f}").tables
            except ExtractionError as exc:
                out.setdefault(number, []).append(PageReading(number, [], [], str(exc).removeprefix(
                    f"{pdf_path.name}: ")))
                continue
            _shift(tables, x0 / scale, y0 / scale)
            for table in tables:
                table.engine += "-picture"
            out.setdefault(number, []).append(PageReading(number, tables, []))
    return out
