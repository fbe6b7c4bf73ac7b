"""Reading the cells of a scan's tables: a second reading of each cell, and what each cell is given.

Tesseract reads the page once as sparse text; every cell with ink is read once more on its own
(through the API a rectangle of the page at a time, with the command line all cells stacked in one
image). The two readings are combined: agreeing they strengthen each other, differing in their
figures they make the cell doubtful. Every cell keeps a confidence, its raw OCR text, the
context-free repairs made to it (extractors.misreads) and a PNG picture, so a reviewer can read
what the engine could not.
"""
from __future__ import annotations

import logging
import re
from bisect import bisect_right
from collections.abc import Sequence

import cv2
import numpy as np
from scorecards.extractors.geometry import fill_text
from scorecards.extractors.misreads import repair_text
from scorecards.extractors.model import BBox, Cell, Table, Word
from scorecards.extractors.scan_layout import as_chars
from scorecards.extractors.scan_rules import Scan
from scorecards.extractors.settings import OcrSettings
from scorecards.extractors.tesseract import OcrFailed, read_boxes, read_image

log = logging.getLogger(__name__)

# A word read with less confidence than FAINT_UNSURE, beside words read with SURE_WORD or more, is
# a smudge when its strokes are less than FAINT_SHARE as dark as theirs (faint_words_dropped).
SURE_WORD = 80.0
FAINT_UNSURE = 50.0
FAINT_SHARE = 0.5
DISAGREEING = 30.0  # the confidence of a cell whose two readings give different figures
# A cell read as nothing on its own whose page reading is this unsure holds marks (a band's edge, a
# smudge), not text.
UNSURE_ALONE = 60.0


def _locate(grid: list[list[Cell]], cx: float, cy: float) -> Cell | None:
    """The cell under a point, found the way geometry.fill_text finds it."""
    boxes = [cell.bbox for row in grid for cell in row if cell.bbox]
    xs = sorted({b[0] for b in boxes} | {b[2] for b in boxes})
    ys = sorted({b[1] for b in boxes} | {b[3] for b in boxes})
    if not (xs[0] <= cx <= xs[-1] and ys[0] <= cy <= ys[-1]):
        return None
    c = min(bisect_right(xs, cx) - 1, len(grid[0]) - 1)
    r = min(bisect_right(ys, cy) - 1, len(grid) - 1)
    return grid[r][c]


def pixels(scan: Scan, bbox: BBox, margin: int = 0) -> tuple[int, int, int, int]:
    """A box in points as pixels of the scan (x0, y0, x1, y1), grown by margin, within the image."""
    s = scan.scale
    h, w = scan.gray.shape
    return (max(0, int(bbox[0] * s) - margin), max(0, int(bbox[1] * s) - margin),
            min(w, round(bbox[2] * s) + margin), min(h, round(bbox[3] * s) + margin))


def has_text_ink(ink: np.ndarray, text_px: float) -> bool:
    """Whether a cell holds marks the size of text (scanner specks are far smaller)."""
    if ink.size == 0:
        return False
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    tall = stats[1:, cv2.CC_STAT_HEIGHT] >= 0.35 * text_px
    big = stats[1:, cv2.CC_STAT_AREA] >= 0.02 * text_px * text_px
    return bool((tall & big).any())


def cells_of(tables: Sequence[Table]) -> list[Cell]:
    """Every cell of the tables, a merged cell once."""
    return [cell for t in tables for cell in {id(c): c for row in t.grid for c in row}.values()]


def words_by_cell(tables: Sequence[Table], words: Sequence[Word]) -> dict[int, list[Word]]:
    """The words that fall in each cell (by id) of the tables."""
    found: dict[int, list[Word]] = {}
    for table in tables:
        for word in words:
            cell = _locate(table.grid, word.cx, word.cy)
            if cell is not None:
                found.setdefault(id(cell), []).append(word)
    return found


Placed = tuple[Cell, int, int, float, float]  # cell, top and bottom in the strip, shift to page pixels


def cell_strip(cells: Sequence[Cell], scan: Scan) -> tuple[np.ndarray, list[Placed]]:
    """The pictures of cells stacked in one column, to be read in one Tesseract run, cell by cell.

    Reading the page as sparse text skips short isolated words (`Q2`, `90%`) now and then and can
    drop a leading digit; read as lines of a block, cell by cell, they come back.
    """
    assert scan.clean is not None
    pad = int(4 * scan.scale)
    crops = []
    for cell in cells:
        assert cell.bbox is not None
        x0, y0, x1, y1 = pixels(scan, cell.bbox)
        crops.append((cell, x0, y0, scan.clean[y0:y1, x0:x1]))
    width = max(c.shape[1] for *_, c in crops) + 2 * pad
    height = sum(c.shape[0] + 2 * pad for *_, c in crops)
    strip = np.full((height, width), 255, dtype=np.uint8)
    placed: list[Placed] = []
    y = 0
    for cell, x0, y0, crop in crops:
        strip[y + pad:y + pad + crop.shape[0], pad:pad + crop.shape[1]] = crop
        placed.append((cell, y + pad, y + pad + crop.shape[0], x0 - pad, y0 - y - pad))
        y += crop.shape[0] + 2 * pad
    return strip, placed


def strip_words(words: Sequence[Word], placed: Sequence[Placed], scale: float) -> dict[int, list[Word]]:
    """The words read from a cell strip (in strip points), per cell (by id), in page points."""
    found: dict[int, list[Word]] = {}
    for word in words:
        cy = word.cy * scale
        for cell, top, bottom, dx, dy in placed:
            if top <= cy < bottom:
                shift_x, shift_y = dx / scale, dy / scale
                found.setdefault(id(cell), []).append(Word(
                    word.text, word.x0 + shift_x, word.top + shift_y, word.x1 + shift_x, word.bottom + shift_y,
                    word.conf))
                break
    return found


def _batches(cells: Sequence[Cell], scan: Scan, most: int) -> list[list[Cell]]:
    """Cells in runs whose stacked strip stays under `most` pixels high (Tesseract slows on very tall
    images and refuses those over its size limit)."""
    pad = 8 * scan.scale
    batches: list[list[Cell]] = [[]]
    height = 0.0
    for cell in cells:
        assert cell.bbox is not None
        tall = (cell.bbox[3] - cell.bbox[1]) * scan.scale + pad
        if batches[-1] and height + tall > most:
            batches.append([])
            height = 0.0
        batches[-1].append(cell)
        height += tall
    return [b for b in batches if b]


def reread(cells: Sequence[Cell], scan: Scan, cfg: OcrSettings, name: str) -> dict[int, list[Word]]:
    """A second reading of cells, each on its own: through the API a rectangle of the page at a time,
    with the command line stacked in strips (see cell_strip), a few Tesseract runs in all.

    A strip Tesseract fails on is read again a cell at a time; a cell that still fails is left with
    no words, so that its ink makes it unreadable (confidence 0) and it goes to quarantine.
    """
    if not cells:
        return {}
    boxes = [pixels(scan, cell.bbox) for cell in cells]  # type: ignore[arg-type]
    one_by_one = read_boxes(scan.clean, boxes, 6, round(72 * scan.scale), cfg, name, scan.scale)  # type: ignore[arg-type]
    if one_by_one is not None:
        return {id(cell): words for cell, words in zip(cells, one_by_one, strict=True)}
    found: dict[int, list[Word]] = {id(cell): [] for cell in cells}
    for batch in _batches(cells, scan, cfg.strip_height):
        try:
            found.update(_read_strip(batch, scan, cfg, name))
            continue
        except OcrFailed as exc:
            log.warning("%s; reading its %d cells one at a time", exc, len(batch))
        for cell in batch:
            try:
                found.update(_read_strip([cell], scan, cfg, name))
            except OcrFailed as exc:
                log.warning("%s: cell (%d, %d) left unread", exc, cell.row, cell.col)
    return found


def _read_strip(cells: Sequence[Cell], scan: Scan, cfg: OcrSettings, name: str) -> dict[int, list[Word]]:
    strip, placed = cell_strip(cells, scan)
    words = read_image(strip, 6, round(72 * scan.scale), cfg, name, scan.scale)
    return strip_words(words, placed, scan.scale)


def inked_cells(tables: Sequence[Table], scan: Scan, size: float) -> dict[int, bool]:
    """Whether each cell (by id) holds marks the size of text."""
    assert scan.clean_ink is not None
    text_px = 0.7 * size * scan.scale
    inked = {}
    for cell in cells_of(tables):
        x0, y0, x1, y1 = pixels(scan, cell.bbox)  # type: ignore[arg-type]
        inked[id(cell)] = has_text_ink(scan.clean_ink[y0:y1, x0:x1], text_px)
    return inked


def _reading(cell: Cell, words: Sequence[Word], size: float) -> tuple[str, float | None]:
    """(text, lowest word confidence) of a cell read from these words alone."""
    if not words:
        return "", None
    probe = Cell("", cell.row, cell.col, cell.row_span, cell.col_span, cell.page, cell.bbox)
    fill_text([[probe]], as_chars(words, size))
    return probe.text, min(w.conf for w in words)


def _digits(text: str) -> str:
    """The digits of a text after the context-free repairs (`Qi` and `Q1` say the same). A `%` wrapped
    onto a line of its own is missed now and then; the row's unit supplies it, so it is not compared."""
    return re.sub(r"\D", "", repair_text(text)[0])


def combine(first: tuple[str, float | None], second: tuple[str, float | None]) -> tuple[str, float | None]:
    """One text and confidence from two readings of a cell (the page, and the cell on its own).

    Readings that agree strengthen each other; readings whose figures differ (`1%` / `21%`: reading
    the page as sparse text can drop a leading digit, with high confidence) make the cell doubtful.
    """
    (a, ca), (b, cb) = first, second
    if ca is None or cb is None:
        return (a, ca) if cb is None else (b, cb)
    best = (a, ca) if ca >= cb else (b, cb)
    if " ".join(a.split()) == " ".join(b.split()):
        return a, max(ca, cb)
    if _digits(a) == _digits(b):
        return best
    # A reading that holds the other is the fuller one (`80-` / `100` with a line lost, `21%` / `1%`).
    fuller = a if _digits(b) in _digits(a) else b if _digits(a) in _digits(b) else best[0]
    return fuller, min(ca, cb, DISAGREEING)


def word_confidences(text: str, first: str, page_words: Sequence[Word],
                     own_words: Sequence[Word]) -> list[tuple[str, float]]:
    """Each word of the chosen reading with its confidence; a word both readings agree on keeps the
    better of its two confidences (each reading is sure of different words now and then)."""
    chosen = page_words if " ".join(text.split()) == " ".join(first.split()) else own_words
    other = {w.text: w.conf for w in (own_words if chosen is page_words else page_words)}
    return [(w.text, max(w.conf, other.get(w.text, 0.0))) for w in chosen]


def _darkness(scan: Scan, word: Word, cell: BBox) -> float:
    """How dark a word's print is: the paper's white less its darkest strokes (the flattened page).
    Measured down the cell's whole height: a line's words share its median top and bottom."""
    x0, y0, x1, y1 = pixels(scan, (word.x0, cell[1], word.x1, cell[3]))
    box = scan.clean[y0:y1, x0:x1] if scan.clean is not None else scan.gray[y0:y1, x0:x1]
    return 255.0 - float(np.percentile(box, 5)) if box.size else 0.0


def faint_words_dropped(words: Sequence[Word], scan: Scan, cell: BBox) -> list[Word]:
    """A cell's words without the unsure ones printed far fainter than the sure ones beside them.

    Print in one cell comes off one press at one darkness; a light smudge or a blot of scanner
    noise beside it is read now and then as a letter or a digit (`7 70% q`), unsurely. Such a
    word is dropped; a word that is as dark as the print beside it is kept however unsure.
    """
    sure = [w for w in words if w.conf >= SURE_WORD]
    if not sure or len(sure) == len(words):
        return list(words)
    print_dark = max(_darkness(scan, w, cell) for w in sure)
    return [w for w in words if w.conf >= FAINT_UNSURE or _darkness(scan, w, cell) >= FAINT_SHARE * print_dark]


def annotate(tables: Sequence[Table], words: Sequence[Word], again: dict[int, list[Word]],
             inked: dict[int, bool], scan: Scan, size: float) -> None:
    """Confidence, raw text, repairs and a picture for every cell of the page's OCR'd tables.

    Each cell's two readings (on the page, and on its own in `again`) are combined. A cell with no
    words is certain (100) when it holds no ink, and unreadable (0) when it holds marks the size
    of text that no reading made out (a blot, a smudge).
    """
    read = words_by_cell(tables, words)
    for cell in cells_of(tables):
        assert cell.bbox is not None
        page_words = faint_words_dropped(read.get(id(cell), []), scan, cell.bbox)
        own_words = faint_words_dropped(again.get(id(cell), []), scan, cell.bbox)
        if not inked[id(cell)] or (id(cell) in again and not own_words and page_words
                                   and min(w.conf for w in page_words) < UNSURE_ALONE):
            page_words = []  # no marks the size of text, or read as nothing on its own and unsurely on the page
        first, second = _reading(cell, page_words, size), _reading(cell, own_words, size)
        text, confidence = combine(first, second)
        cell.word_confidences = word_confidences(text, first[0], page_words, own_words)
        if confidence == DISAGREEING:
            log.debug("cell (%d, %d) read as %r and as %r", cell.row, cell.col, first[0], second[0])
        cell.text = text
        if confidence is None:
            confidence = 0.0 if inked[id(cell)] else 100.0
        cell.confidence = round(confidence, 1)
        cell.ocr_text = cell.text
        cell.text, cell.repairs = repair_text(cell.text)
        x0, y0, x1, y1 = pixels(scan, cell.bbox, margin=int(2 * scan.scale))  # type: ignore[arg-type]
        ok, png = cv2.imencode(".png", scan.gray[y0:y1, x0:x1])
        cell.crop_png = png.tobytes() if ok else None
