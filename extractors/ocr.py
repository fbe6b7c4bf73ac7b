"""Tables from scanned pages: deskew, find the grid, read it with Tesseract, then fill cells as for text PDFs.

A page needs OCR when it has (almost) no characters but an image covering it. The page is rendered
with pypdfium2 (the file is never changed), dark fills are inverted (white on navy headers), the
page is deskewed (projection profiles), scanner specks are removed, and ruling lines are found by
morphology (long thin horizontal and vertical runs). Cell rectangles come from the lines (a wall
that is not inked along most of a cell edge is no wall: a merged cell), from the phrases printed on
a dark band whose walls do not show, or, where a scan has no lines at all, from the alignment of
the words. Tesseract (the CLI, TSV output) reads the page once as sparse text, and every cell with
ink once more on its own (all cells stacked in one image, one run, beside the page run); each word
becomes one pseudo-character in PDF points so that `extractors.geometry` fills the cells as it does
for a text layer. The two readings are combined: agreeing they strengthen each other, differing in
their figures they make the cell doubtful. Every cell keeps a confidence, its raw OCR text, the
context-free repairs made to it (lookalike letters, letters inside figures, header quarters and
years implied by their neighbours) and a PNG picture, so a reviewer can read what the engine
could not. Coordinates are those of the deskewed page, in points with the origin top-left (the
rotation is a few degrees at most, about the page centre).
"""
from __future__ import annotations

import itertools
import logging
import re
import statistics
import threading
from bisect import bisect_right
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from scorecards.extractors.geometry import fill_text, grid_from_rects, lines_with_boxes, lines_with_segments
from scorecards.extractors.model import BBox, Cell, ExtractionError, Table, TextLine
from scorecards.extractors.tesseract import OcrFailed, Word, font_size, read_boxes, read_image

log = logging.getLogger(__name__)

OCR_DEFAULTS: dict[str, Any] = {
    "dpi": 300,  # Tesseract reads best with capitals 20-30 px high; report text is 7-9 pt
    "tesseract": "tesseract",
    "lang": "eng",
    "psm": 11,  # one column of text of varied sizes: measured best on ruled scans (11 drops leading digits)
    "timeout": 180,  # seconds per image (command-line engine only)
    "threads": 1,  # OMP_THREAD_LIMIT: Tesseract's own threads only contend on a small machine
    "engine": "auto",  # "api" (tesserocr, the model loaded once per thread), "cli" (a process per image)
    "workers": 2,  # pages of one file read at a time (threads)
    "strip_height": 6000,  # pixels: cells are read stacked in strips no taller than this
    "picture_min_width": 150.0,  # points: an image on a text page this wide and ...
    "picture_min_height": 60.0,  # ... this high may be a picture of a table, and is OCR'd ...
    "picture_min_rows": 4,  # ... when it holds this many lines of several letters (not a chart, not a photo)
    "max_skew": 5.0,  # degrees searched either way when deskewing
    "min_chars": 10,  # a page with fewer text-layer characters has no usable text layer
    "min_image_cover": 0.5,  # ... and needs OCR when images cover at least this share of it
    "reread": "all",  # "all": every cell with ink is read again on its own; "doubtful": only unsure ones
    "reread_below": 90.0,  # "doubtful": cells read with less confidence (or ink read as nothing)
}

# Wall detection, in points (scaled to pixels by the render resolution).
_H_RUN = 22.0  # shortest horizontal run taken for a ruling line
_V_RUN = 10.0  # shortest vertical run (a one-line row is ~12 pt high)
_MAX_THICK = 2.5  # thicker runs are blots or fills, not lines
_SNAP = 2.0  # line positions closer than this are one line
_WALL_COVER = 0.75  # share of a cell edge that must be inked to count as a wall
# A word read with less confidence than FAINT_UNSURE, beside words read with SURE_WORD or more, is
# a smudge when its strokes are less than FAINT_SHARE as dark as theirs (faint_words_dropped).
SURE_WORD = 80.0
FAINT_UNSURE = 50.0
FAINT_SHARE = 0.5
# Dark fills, as shares of the paper's own level: a band's core, its edge, and the light letters on it.
_FILL_DARK = 0.5
_FILL_EDGE = 0.55
_FILL_LIGHT = 0.6
DISAGREEING = 30.0  # the confidence of a cell whose two readings give different figures
# A cell read as nothing on its own whose page reading is this unsure holds marks (a band's edge, a
# smudge), not text.
UNSURE_ALONE = 60.0


def ocr_settings(settings: dict[str, Any] | None) -> dict[str, Any]:
    """OCR settings: `settings["ocr_options"]` over OCR_DEFAULTS. (`settings["ocr"]` is the on/off
    switch of the configuration file, see ocr_enabled.)"""
    return {**OCR_DEFAULTS, **((settings or {}).get("ocr_options") or {})}


def ocr_enabled(settings: dict[str, Any] | None) -> bool:
    """Whether scanned pages are to be OCR'd at all (`ocr = false` in scorecards.toml turns it off)."""
    return bool((settings or {}).get("ocr", True))


# ---------------------------------------------------------------------------------------------
# Which pages
# ---------------------------------------------------------------------------------------------


def needs_ocr(page: Any, settings: dict[str, Any] | None = None) -> bool:
    """A pdfplumber page with no usable text layer but an image covering most of it: a scan."""
    cfg = ocr_settings(settings)
    if len([ch for ch in page.chars if not ch["text"].isspace()]) >= cfg["min_chars"]:
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
    return covered / (width * height) >= cfg["min_image_cover"]


# ---------------------------------------------------------------------------------------------
# Image: render, deskew, binarise, lines
# ---------------------------------------------------------------------------------------------


_PDFIUM = threading.Lock()  # pdfium is not thread-safe: one rendering at a time in a process


def render_page(pdf_path: Path, page_number: int, dpi: int) -> np.ndarray:
    """The page as a grayscale image at dpi (pypdfium2 reads the file; it is not changed)."""
    import pypdfium2 as pdfium

    with _PDFIUM:
        return _render(pdfium, pdf_path, page_number, dpi)


def _render(pdfium: Any, pdf_path: Path, page_number: int, dpi: int) -> np.ndarray:
    doc = pdfium.PdfDocument(str(pdf_path))
    try:
        page = doc[page_number - 1]
        bitmap = page.render(scale=dpi / 72, grayscale=True)
        image = bitmap.to_numpy().copy()
        page.close()
    finally:
        doc.close()
    return image.reshape(image.shape[0], image.shape[1]) if image.ndim == 3 else image


def _odd(n: float) -> int:
    n = max(3, round(n))
    return n if n % 2 else n + 1


def dark_fill(gray: np.ndarray, scale: float) -> np.ndarray:
    """Where the page is filled dark (a navy header row): light text on it reads only once inverted."""
    small = cv2.resize(gray, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    # Dark is judged against the paper: a scanner that greys the paper to 230 washes a navy band out
    # to 100 as well, and an absolute threshold would lose the band with its headings.
    paper = max(float(np.percentile(small, 95)), 1.0)
    coarse = (cv2.medianBlur(small, _odd(6 * scale / 4)) < _FILL_DARK * paper).astype(np.uint8)
    if not coarse.any():
        return np.zeros(gray.shape, dtype=bool)
    near = cv2.resize(cv2.dilate(coarse, np.ones((5, 5), np.uint8)), (gray.shape[1], gray.shape[0]),
                      interpolation=cv2.INTER_NEAREST)
    # Edges at full resolution (a quarter-size mask leaves strips of fill that read as rulings), and
    # a fill is everything inside its outline: the letters on it are holes, not page.
    dark = ((gray < _FILL_EDGE * paper) & (near > 0)).astype(np.uint8)
    outlines, _ = cv2.findContours(dark, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    big = [c for c in outlines if cv2.contourArea(c) >= (20 * scale) ** 2]
    filled = np.zeros_like(dark)
    # A fill with nothing light on it is a blot or a picture, not a band of headings: left as it is.
    kept = []
    for outline in big:  # each judged within its own bounding box: a page may hold many fills
        x, y, w, h = cv2.boundingRect(outline)
        one = np.zeros((h, w), np.uint8)
        cv2.drawContours(one, [outline], -1, 1, thickness=cv2.FILLED, offset=(-x, -y))
        if float((gray[y:y + h, x:x + w][one > 0] > _FILL_LIGHT * paper).mean()) >= 0.02:
            kept.append(outline)
    big = kept
    cv2.drawContours(filled, big, -1, 1, thickness=cv2.FILLED)
    # A band is a rectangle: light letters that touch its edge bite into its outline, and would be
    # left uninverted. An outline that nearly fills its (turned) rectangle is taken as the rectangle.
    for outline in big:
        box = cv2.boxPoints(cv2.minAreaRect(outline))
        if cv2.contourArea(outline) >= 0.8 * cv2.contourArea(box):
            cv2.fillPoly(filled, [np.round(box).astype(np.int32)], 1)
    return filled.astype(bool)


def unfill(gray: np.ndarray, dark: np.ndarray, scale: float = 300 / 72) -> np.ndarray:
    """Light text on dark fills turned dark on light, so it binarises like the rest.

    The fill's outline is never exactly the band's: a sliver of band left dark, or of paper turned
    dark, would read as a thick rule that swallows the column lines touching it. So a thin seam
    along the outline is made paper (the band's edges are row boundaries all the same: _band_edges).
    """
    if not dark.any():
        return gray
    out = gray.copy()
    mask = dark.astype(np.uint8)
    # Each band's own fill is brought to white, not to 255 minus its shade: a washed-out band left
    # mid-grey once inverted would be flattened against the paper around it, shading its edges dark.
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    for k in range(1, n):
        x, y, w, h = (int(v) for v in stats[k, :4])
        inside = labels[y:y + h, x:x + w] == k
        part, source = out[y:y + h, x:x + w], gray[y:y + h, x:x + w]
        shade = float(np.median(source[inside]))
        turned = (255.0 - source[inside].astype(np.float32)) * (255.0 / max(255.0 - shade, 1.0))
        part[inside] = np.clip(turned, 0, 255).astype(np.uint8)
    seam = np.ones((_odd(1.2 * scale), _odd(1.2 * scale)), np.uint8)
    out[(cv2.dilate(mask, seam) - cv2.erode(mask, seam)) > 0] = 255
    return out


def binarise(gray: np.ndarray, scale: float) -> np.ndarray:
    """Ink as 255 on 0; a local threshold copes with shaded cells and uneven scans."""
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV,
                                 _odd(8 * scale), 15)


def _rotate(image: np.ndarray, angle: float, border: int) -> np.ndarray:
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(image, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=border)


def estimate_skew(ink: np.ndarray, max_skew: float) -> float:
    """The rotation (degrees, counter-clockwise) that makes text lines and rulings horizontal.

    Projection profiles: rows of a level page are either full of ink or empty, so the variance of
    the row sums peaks at the right angle. Coarse on a small image, then fine around the best.
    """
    factor = min(1.0, 1200 / max(ink.shape))
    small = cv2.resize(ink, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)

    def score(angle: float) -> float:
        return float(np.var(_rotate(small, angle, 0).sum(axis=1, dtype=np.float64)))

    coarse = np.arange(-max_skew, max_skew + 1e-9, 0.25)
    best = float(max(coarse, key=score))
    fine = np.arange(best - 0.25, best + 0.25 + 1e-9, 0.05)
    return round(float(max(fine, key=score)), 2)


def _runs(ink: np.ndarray, length: int, horizontal: bool, max_thick: int) -> np.ndarray:
    """Thin straight runs at least `length` long: ruling lines, without blots or filled bands."""
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1) if horizontal else (1, length))
    runs = cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(runs, connectivity=8)
    thick = stats[:, cv2.CC_STAT_HEIGHT if horizontal else cv2.CC_STAT_WIDTH]
    keep = np.zeros(n, dtype=bool)
    keep[1:] = thick[1:] <= max_thick
    return np.where(keep[labels], 255, 0).astype(np.uint8)


@dataclass
class Scan:
    """One page image after deskewing, with what was found on it (pixels of the deskewed image)."""

    gray: np.ndarray  # deskewed page, dark text on light (dark fills inverted)
    ink: np.ndarray  # binarised, ink 255
    horizontal: np.ndarray  # ruling-line masks
    vertical: np.ndarray
    scale: float  # pixels per point
    skew: float
    clean: np.ndarray | None = None  # gray without specks, and without the ruling lines of tables
    clean_ink: np.ndarray | None = None
    filled: np.ndarray | None = None  # where the page was filled dark (inverted in gray)


def specks(ink: np.ndarray, scale: float) -> np.ndarray:
    """Scanner noise: small marks with no other ink near them (a decimal point sits beside digits)."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    small = np.zeros(n, dtype=bool)
    small[1:] = stats[1:, cv2.CC_STAT_AREA] < 2.0 * scale * scale  # under ~2 square points
    is_small = small[labels]
    big = (ink > 0) & ~is_small
    reach = _odd(2.4 * scale)  # 1.2 pt either way
    near = cv2.dilate(big.astype(np.uint8), np.ones((reach, reach), np.uint8)) > 0
    touching = np.zeros(n, dtype=bool)
    touching[np.unique(labels[is_small & near])] = True
    return (small & ~touching)[labels]


def flatten(gray: np.ndarray, scale: float) -> np.ndarray:
    """The page with its paper made white: each pixel divided by the local background (the page's
    lightest level around it, wider than any letter). A grey scan, a shaded cell and an inverted dark
    band (mid-grey once inverted, with the scanner's specks) then all read as dark ink on white."""
    size = _odd(6 * scale)  # 6 pt: wider than a letter's stroke, narrower than a cell
    small = cv2.resize(gray, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    background = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_RECT, (size // 2 | 1, size // 2 | 1)))
    background = cv2.resize(cv2.blur(background, (size // 2 | 1, size // 2 | 1)), (gray.shape[1], gray.shape[0]),
                            interpolation=cv2.INTER_LINEAR)
    flat = cv2.divide(gray, np.maximum(background, 1), scale=255)
    return flat


def prepare(gray: np.ndarray, dpi: float, max_skew: float) -> Scan:
    scale = dpi / 72
    filled = dark_fill(gray, scale)
    gray = flatten(unfill(gray, filled, scale), scale)
    skew = estimate_skew(binarise(gray, scale), max_skew)
    if abs(skew) >= 0.05:
        gray = _rotate(gray, skew, 255)
        filled = _rotate(filled.astype(np.uint8), skew, 0).astype(bool)
    ink = binarise(gray, scale)
    thick = max(2, round(_MAX_THICK * scale))
    horizontal = _runs(ink, int(_H_RUN * scale), True, thick)
    vertical = _runs(ink, int(_V_RUN * scale), False, thick)
    if filled.any():  # a band's outline rules the table as a drawn line would (its seam was made paper)
        ring = cv2.morphologyEx(filled.astype(np.uint8) * 255, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8))
        horizontal = cv2.bitwise_or(horizontal, _runs(ring, int(_H_RUN * scale), True, thick))
        vertical = cv2.bitwise_or(vertical, _runs(ring, int(_V_RUN * scale), False, thick))
    scan = Scan(gray, ink, horizontal, vertical, scale, skew, filled=filled)
    noise = specks(ink, scale)
    lines = np.zeros_like(ink, dtype=bool)
    both = cv2.dilate(cv2.bitwise_or(horizontal, vertical), np.ones((5, 5), np.uint8)) > 0
    for x0, y0, x1, y1 in table_regions(scan):
        # Only the lines of tables: a title's letter stems are long vertical runs too.
        lines[y0:y1, x0:x1] = both[y0:y1, x0:x1]
    scan.clean = gray.copy()
    scan.clean[noise | lines] = 255  # Tesseract reads ruling lines as `|` and `_`, specks as `.`
    scan.clean_ink = np.where(noise | lines, 0, ink).astype(np.uint8)
    return scan


# ---------------------------------------------------------------------------------------------
# Grid from ruling lines
# ---------------------------------------------------------------------------------------------


def _positions(mask: np.ndarray, horizontal: bool) -> list[tuple[float, int, int]]:
    """(position, start, end) of each line segment: y and x extent for horizontal lines, and so on."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out = []
    for i in range(1, n):
        x, y, w, h = (int(v) for v in stats[i, :4])
        out.append((y + h / 2, x, x + w) if horizontal else (x + w / 2, y, y + h))
    return out


def _cluster(values: Sequence[float], tolerance: float) -> list[float]:
    groups: list[list[float]] = []
    for value in sorted(values):
        if groups and value - groups[-1][-1] <= tolerance:
            groups[-1].append(value)
        else:
            groups.append([value])
    return [sum(g) / len(g) for g in groups]


def _cover(mask: np.ndarray, fixed: float, start: float, end: float, horizontal: bool, reach: int) -> float:
    """Share of the edge from start to end (at `fixed`) with ink within `reach` pixels of it."""
    a, b = round(start), round(end)
    if b <= a:
        return 0.0
    f0, f1 = max(0, round(fixed) - reach), round(fixed) + reach + 1
    band = mask[f0:f1, a:b] if horizontal else mask[a:b, f0:f1]
    if band.size == 0:
        return 0.0
    hits = band.any(axis=0) if horizontal else band.any(axis=1)
    return float(hits.mean())


def _root(parent: dict[tuple[int, int], tuple[int, int]], key: tuple[int, int]) -> tuple[int, int]:
    while parent.get(key, key) != key:
        key = parent[key]
    return key


def table_regions(scan: Scan) -> list[tuple[int, int, int, int]]:
    """Pixel boxes (x0, y0, x1, y1) of ruled tables: connected line work with several rows and columns."""
    lines = cv2.bitwise_or(scan.horizontal, scan.vertical)
    lines = cv2.dilate(lines, np.ones((5, 5), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
    regions = []
    for i in range(1, n):
        x, y, w, h = (int(v) for v in stats[i, :4])
        if w < 60 * scan.scale or h < 20 * scan.scale:
            continue
        part = labels[y:y + h, x:x + w] == i
        rows = _cluster([p for p, *_ in _positions(scan.horizontal[y:y + h, x:x + w] * part, True)],
                        _SNAP * scan.scale)
        cols = _cluster([p for p, *_ in _positions(scan.vertical[y:y + h, x:x + w] * part, False)],
                        _SNAP * scan.scale)
        if len(rows) >= 3 and len(cols) >= 3:
            regions.append((x, y, x + w, y + h))
    return sorted(regions, key=lambda r: (r[1], r[0]))


def ruled_rects(scan: Scan, region: tuple[int, int, int, int], size: float) -> list[BBox]:
    """Cell rectangles (pixels) of one ruled table: grid slots joined where no wall separates them.

    Rows filled dark (a navy header) hide their walls; their cells come from the phrases printed
    on them (see band_rects), between the column lines of the rest of the table. size: text, points.
    """
    x0, y0, x1, y1 = region
    tol = _SNAP * scan.scale
    ys = _cluster([p + y0 for p, *_ in _positions(scan.horizontal[y0:y1, x0:x1], True)] + _band_edges(scan, region),
                  tol)
    xs = _cluster([p + x0 for p, *_ in _positions(scan.vertical[y0:y1, x0:x1], False)], tol)
    if len(ys) < 2 or len(xs) < 2:
        return []
    reach = max(2, round(1.0 * scan.scale))
    inset = 1.5 * scan.scale
    lines = cv2.bitwise_or(scan.horizontal, scan.vertical)
    parent: dict[tuple[int, int], tuple[int, int]] = {}
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    for r in range(n_rows):
        for c in range(n_cols):
            if c + 1 < n_cols and _cover(lines, xs[c + 1], ys[r] + inset, ys[r + 1] - inset, False,
                                         reach) < _WALL_COVER:
                parent[_root(parent, (r, c + 1))] = _root(parent, (r, c))
            if r + 1 < n_rows and _cover(lines, ys[r + 1], xs[c] + inset, xs[c + 1] - inset, True,
                                         reach) < _WALL_COVER:
                parent[_root(parent, (r + 1, c))] = _root(parent, (r, c))
    bands = _filled_rows(scan, xs, ys)
    groups: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for r in range(n_rows):
        for c in range(n_cols):
            if not any(b0 <= r < b1 for b0, b1 in bands):
                groups.setdefault(_root(parent, (r, c)), []).append((r, c))
    rects: list[BBox] = []
    for slots in groups.values():
        r0, r1 = min(r for r, _ in slots), max(r for r, _ in slots) + 1
        c0, c1 = min(c for _, c in slots), max(c for _, c in slots) + 1
        rects.append((xs[c0], ys[r0], xs[c1], ys[r1]))
    px = size * scan.scale
    for b0, b1 in bands:
        rects += band_rects(xs, ys[b0], ys[b1], phrases(scan, xs[0], ys[b0], xs[-1], ys[b1], px), px)
    return rects


def text_size(scan: Scan) -> float:
    """The body text's size in points, from the letters on the image (~0.7 em high): known before OCR."""
    assert scan.clean_ink is not None
    _, _, stats, _ = cv2.connectedComponentsWithStats(scan.clean_ink, connectivity=8)
    heights, widths = stats[1:, cv2.CC_STAT_HEIGHT], stats[1:, cv2.CC_STAT_WIDTH]
    letters = heights[(heights >= 2 * scan.scale) & (heights <= 30 * scan.scale) & (widths <= 1.5 * heights)]
    return max(4.0, float(np.median(letters)) / scan.scale / 0.7) if letters.size else 8.0


def phrases(scan: Scan, x0: float, top: float, x1: float, bottom: float, size: float) -> list[Word]:
    """Boxes (pixels, no text) of the phrases printed in an area: letters closer than a word space
    joined. Found in the image, not the OCR, which reads small light-on-dark headings poorly."""
    assert scan.clean_ink is not None
    a, b, c, d = int(x0), int(top), int(x1), int(bottom)
    ink = scan.clean_ink[b:d, a:c]
    if ink.size == 0:
        return []
    joined = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_RECT, (_odd(0.45 * size), 1)))
    n, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    out = []
    for i in range(1, n):
        x, y, w, h = (int(v) for v in stats[i, :4])
        if h >= 0.45 * size and stats[i, cv2.CC_STAT_AREA] >= 0.05 * size * size:
            out.append(Word("", a + x, b + y, a + x + w, b + y + h, 100.0))
    return out


def _band_edges(scan: Scan, region: tuple[int, int, int, int]) -> list[float]:
    """The tops and bottoms of dark bands across a table (pixels): a band's edge is a row boundary
    even where no ruling line is drawn along it."""
    if scan.filled is None or not scan.filled.any():
        return []
    x0, y0, x1, y1 = region
    across = scan.filled[y0:y1, x0:x1].mean(axis=1) > 0.5
    changes = np.flatnonzero(np.diff(across.astype(np.int8)))
    return [float(y0 + k + 1) for k in changes]


def _filled_rows(scan: Scan, xs: list[float], ys: list[float]) -> list[tuple[int, int]]:
    """Runs of grid rows [r0, r1) that are mostly dark fill."""
    if scan.filled is None or not scan.filled.any():
        return []
    x0, x1 = int(xs[0]), int(xs[-1])
    dark = [float(scan.filled[int(ys[r]):int(ys[r + 1]), x0:x1].mean()) > 0.5 for r in range(len(ys) - 1)]
    runs: list[tuple[int, int]] = []
    for r, is_dark in enumerate(dark):
        if is_dark and runs and runs[-1][1] == r:
            runs[-1] = (runs[-1][0], r + 1)
        elif is_dark:
            runs.append((r, r + 1))
    return runs


def band_rects(xs: list[float], top: float, bottom: float, boxes: Sequence[Word], size: float) -> list[BBox]:
    """Cells of a band whose walls do not show (a dark header row), from the phrases printed on it.

    A row per line of text; a cell per column, joined where a phrase runs across a column line, or
    where a heading sits centred over columns that are empty on its line and above it and written
    in below it (`2021/22` over its quarters). Everything in pixels.
    """
    inside = [w for w in boxes if top <= w.cy <= bottom and xs[0] <= w.cx <= xs[-1]]
    # A strip of band left dark along its edge reads as one phrase the band's whole width: no heading.
    inside = [w for w in inside if w.x1 - w.x0 < 0.95 * (xs[-1] - xs[0])
              or min(w.top - top, bottom - w.bottom) > 0.25 * size]
    lines = _crossed_lines_joined(_text_lines(inside, size))
    if not lines:
        return [(xs[c], top, xs[c + 1], bottom) for c in range(len(xs) - 1)]
    edges = [top]
    for upper, lower in itertools.pairwise(lines):
        edges.append((max(w.bottom for w in upper) + min(w.top for w in lower)) / 2)
    edges.append(bottom)
    n_cols = len(xs) - 1

    def columns(a: float, b: float) -> list[int]:
        # A phrase reaches into a column when more than half a letter of it lies there: a heading
        # printed a little off its column (misregistered, or a scan's residual skew) stays in one.
        overlap = [min(b, xs[c + 1]) - max(a, xs[c]) for c in range(n_cols)]
        cols = [c for c in range(n_cols) if overlap[c] > 0.5 * size]
        if not cols and max(overlap, default=0.0) > 0.15 * size:
            cols = [int(np.argmax(overlap))]
        return cols

    spans_per_line: list[list[tuple[float, float, int, int]]] = []
    for line in lines:
        spans: list[tuple[float, float, int, int]] = []
        for box in line:
            cols = columns(box.x0, box.x1)
            if not cols:
                continue
            if spans and spans[-1][3] >= cols[0]:  # the same column (or columns): one phrase
                a, _, c0, _ = spans[-1]
                spans[-1] = (a, box.x1, c0, max(cols[-1], spans[-1][3]))
            else:
                spans.append((box.x0, box.x1, cols[0], cols[-1]))
        spans_per_line.append(spans)
    used = [{c for _, _, c0, c1 in spans for c in range(c0, c1 + 1)} for spans in spans_per_line]
    rects: list[BBox] = []
    for k, spans in enumerate(spans_per_line):
        above = set().union(*used[:k])
        below = set().union(*used[k + 1:])
        taken = set(used[k])
        for a, b, c0, c1 in spans:
            free = {c for c in range(n_cols) if c not in taken and c not in above and c in below}
            c0, c1 = _centred_span(xs, (a + b) / 2, c0, c1, free)
            taken.update(range(c0, c1 + 1))
            rects.append((xs[c0], edges[k], xs[c1 + 1], edges[k + 1]))
        rects += [(xs[c], edges[k], xs[c + 1], edges[k + 1]) for c in range(n_cols) if c not in taken]
    return rects


def _crossed_lines_joined(lines: list[list[Word]]) -> list[list[Word]]:
    """Lines of a band joined where a phrase crosses the space between them: a heading centred in
    its cell beside a heading of two lines (`Performance Indicator` beside `Latest England or
    Statistical / Neighbour Result`) shows both are one row of the header."""
    if len(lines) < 2:
        return lines
    everything = [w for line in lines for w in line]
    joined = [list(lines[0])]
    for line in lines[1:]:
        gap = (max(w.bottom for w in joined[-1]) + min(w.top for w in line)) / 2
        if any(w.top < gap < w.bottom for w in everything):
            joined[-1] = sorted([*joined[-1], *line], key=lambda w: w.x0)
        else:
            joined.append(list(line))
    return joined


def _centred_span(xs: list[float], centre: float, c0: int, c1: int, free: set[int]) -> tuple[int, int]:
    """The widest run of free columns around [c0, c1] whose middle is the phrase's middle."""
    lo, hi = c0, c1
    while lo - 1 in free:
        lo -= 1
    while hi + 1 in free:
        hi += 1
    best = (c0, c1)
    for s in range(lo, c0 + 1):
        for e in range(c1, hi + 1):
            width = (xs[e + 1] - xs[s]) / (e - s + 1)
            if abs((xs[s] + xs[e + 1]) / 2 - centre) <= 0.25 * width and e - s > best[1] - best[0]:
                best = (s, e)
    return best


# ---------------------------------------------------------------------------------------------
# Grid from text alignment (no ruling lines)
# ---------------------------------------------------------------------------------------------


def _text_lines(words: list[Word], size: float) -> list[list[Word]]:
    """Words grouped into lines by vertical centre, each line left to right."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.cy, w.x0)):
        if lines and abs(word.cy - statistics.fmean(w.cy for w in lines[-1])) <= 0.45 * size:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [sorted(line, key=lambda w: w.x0) for line in lines]


def _segments(line: list[Word], size: float) -> list[tuple[float, float]]:
    """x extents of a line's phrases: words closer than a column gap (~0.6 em; a word space is
    ~0.3 em) belong together."""
    out: list[list[float]] = []
    for word in line:
        if out and word.x0 - out[-1][1] < 0.6 * size:
            out[-1][1] = max(out[-1][1], word.x1)
        else:
            out.append([word.x0, word.x1])
    return [(a, b) for a, b in out]


def aligned_rects(words: list[Word], size: float) -> list[BBox]:
    """Cell rectangles (points) of an unruled table from the alignment of its words.

    Columns are the x ranges that lines of several phrases keep clear (gutters); rows are lines,
    a line closer to the one above than the table's row spacing continuing the same row (a wrapped
    label); a phrase across a gutter makes a merged cell.
    """
    lines = _text_lines(words, size)
    # A title in a larger type spaces its words wider: each line is measured by its own type size.
    multi = [line for line in lines if len(_segments(line, max(size, font_size(line)))) >= 3]
    if len(multi) < 2:
        return []
    first = lines.index(multi[0])
    last = lines.index(multi[-1])
    block = lines[first:last + 1]
    left = min(w.x0 for line in block for w in line)
    right = max(w.x1 for line in block for w in line)
    # Gutters: x ranges crossed by at most a few lines of several phrases (a section title crosses all).
    step = 0.5
    bins = np.zeros(int((right - left) / step) + 2, dtype=np.int32)
    for line in multi:
        for a, b in _segments(line, size):
            bins[int((a - left) / step):int((b - left) / step) + 1] += 1
    clear = bins <= 0.3 * len(multi)  # merged cells (`New contract measure ...`, a year) cross a few
    gutters: list[float] = []
    k = 0
    while k < len(clear):
        if clear[k]:
            j = k
            while j < len(clear) and clear[j]:
                j += 1
            if (j - k) * step >= 0.35 * size and k > 0 and j < len(clear):
                gutters.append(left + (k + j) / 2 * step)
            k = j
        else:
            k += 1
    xs = [left - 1.0, *gutters, right + 1.0]
    # Rows: the tightest line pitch in the block (centre to centre: word boxes vary in height) is a
    # wrapped line; a wider pitch starts a row.
    tops = [min(w.top for w in line) for line in block]
    bottoms = [max(w.bottom for w in line) for line in block]
    centres = [statistics.median(w.cy for w in line) for line in block]
    pitches = [centres[i + 1] - centres[i] for i in range(len(block) - 1)]
    # Lines closer than the type size are one printed line split (or a header set tight): not a pitch.
    tight = min((p for p in pitches if p >= 0.9 * size), default=0.0)
    rows: list[list[int]] = [[0]]
    for i, pitch in enumerate(pitches, start=1):
        if pitch <= 1.3 * tight and _continues(block[i], block[i - 1], xs):
            rows[-1].append(i)
        else:
            rows.append([i])
    edges = [tops[0] - 1.0]
    for prev, nxt in itertools.pairwise(rows):
        edges.append((bottoms[prev[-1]] + tops[nxt[0]]) / 2)
    edges.append(bottoms[-1] + 1.0)
    n_cols = len(xs) - 1
    row_segments = [[(a, b, [c for c in range(n_cols) if xs[c] < b and a < xs[c + 1]])
                     for i in members for a, b in _segments(block[i], size)] for members in rows]
    used = [{c for _, _, cols in segments for c in cols} for segments in row_segments]
    rects: list[BBox] = []
    for r, segments in enumerate(row_segments):
        joined: list[list[int]] = [[c] for c in range(n_cols)]
        # A heading centred over columns empty on its row and above it, and written in below
        # (`2020/21` over its quarters), covers them.
        above, below = set().union(*used[:r]), set().union(*used[r + 1:])
        free = {c for c in range(n_cols) if c not in used[r] and c not in above and c in below}
        for a, b, cols in segments:
            if cols:
                c0, c1 = _centred_span(xs, (a + b) / 2, cols[0], cols[-1], free)
                free -= set(range(c0, c1 + 1))
                if c1 > c0:
                    joined = _join(joined, list(range(c0, c1 + 1)))
        for cols in joined:
            rects.append((xs[cols[0]], edges[r], xs[cols[-1] + 1], edges[r + 1]))
    return rects


def _continues(line: list[Word], above: list[Word], xs: list[float]) -> bool:
    """A wrapped line writes only into some of the columns the line above wrote into: a line that
    fills every column the line above filled is the next row of a tightly set table."""
    def cols(ws: list[Word]) -> set[int]:
        return {max(0, bisect_right(xs, w.cx) - 1) for w in ws}

    return cols(line) < cols(above)


def _join(groups: list[list[int]], cols: list[int]) -> list[list[int]]:
    merged = sorted({c for g in groups if set(g) & set(cols) for c in g})
    rest = [g for g in groups if not set(g) & set(cols)]
    return sorted([*rest, merged])


def as_chars(words: Sequence[Word], size: float) -> list[dict[str, Any]]:
    """Words as pseudo-characters for extractors.geometry (one per word; a gap between them is a space)."""
    return [
        {"text": w.text, "x0": w.x0, "x1": w.x1, "top": w.top, "bottom": w.bottom, "size": size,
         "upright": True, "conf": w.conf}
        for w in words
    ]


# ---------------------------------------------------------------------------------------------
# Cells
# ---------------------------------------------------------------------------------------------


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


def _pixels(scan: Scan, bbox: BBox, margin: int = 0) -> tuple[int, int, int, int]:
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


def _cells(tables: Sequence[Table]) -> list[Cell]:
    return [cell for t in tables for cell in {id(c): c for row in t.grid for c in row}.values()]


def _words_by_cell(tables: Sequence[Table], words: Sequence[Word]) -> dict[int, list[Word]]:
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
        x0, y0, x1, y1 = _pixels(scan, cell.bbox)
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


def reread(cells: Sequence[Cell], scan: Scan, cfg: dict[str, Any], name: str) -> dict[int, list[Word]]:
    """A second reading of cells, each on its own: through the API a rectangle of the page at a time,
    with the command line stacked in strips (see cell_strip), a few Tesseract runs in all.

    A strip Tesseract fails on is read again a cell at a time; a cell that still fails is left with
    no words, so that its ink makes it unreadable (confidence 0) and it goes to quarantine.
    """
    if not cells:
        return {}
    boxes = [_pixels(scan, cell.bbox) for cell in cells]  # type: ignore[arg-type]
    one_by_one = read_boxes(scan.clean, boxes, 6, round(72 * scan.scale), cfg, name, scan.scale)  # type: ignore[arg-type]
    if one_by_one is not None:
        return {id(cell): words for cell, words in zip(cells, one_by_one, strict=True)}
    found: dict[int, list[Word]] = {id(cell): [] for cell in cells}
    for batch in _batches(cells, scan, cfg["strip_height"]):
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


def _read_strip(cells: Sequence[Cell], scan: Scan, cfg: dict[str, Any], name: str) -> dict[int, list[Word]]:
    strip, placed = cell_strip(cells, scan)
    words = read_image(strip, 6, round(72 * scan.scale), cfg, name, scan.scale)
    return strip_words(words, placed, scan.scale)


def inked_cells(tables: Sequence[Table], scan: Scan, size: float) -> dict[int, bool]:
    """Whether each cell (by id) holds marks the size of text."""
    assert scan.clean_ink is not None
    text_px = 0.7 * size * scan.scale
    inked = {}
    for cell in _cells(tables):
        x0, y0, x1, y1 = _pixels(scan, cell.bbox)  # type: ignore[arg-type]
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
    from scorecards.normalise.ocr_repair import repair_text

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
    x0, y0, x1, y1 = _pixels(scan, (word.x0, cell[1], word.x1, cell[3]))
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
    from scorecards.normalise.ocr_repair import repair_text  # pure text functions; the vocabulary is data

    read = _words_by_cell(tables, words)
    for cell in _cells(tables):
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
        x0, y0, x1, y1 = _pixels(scan, cell.bbox, margin=int(2 * scan.scale))  # type: ignore[arg-type]
        ok, png = cv2.imencode(".png", scan.gray[y0:y1, x0:x1])
        cell.crop_png = png.tobytes() if ok else None


def repair_header(table: Table, max_rows: int = 6) -> None:
    """Header cells misread where the header itself says what they are: a quarter between two
    others, then a financial year beside its neighbours under a known quarter."""
    from scorecards.normalise.ocr_repair import quarter_of, repair_quarter_sequence, repair_year_sequence

    rows = range(min(max_rows, table.n_rows))
    for r in rows:
        cells = table.distinct_cells(r)
        fixed = repair_quarter_sequence([c.text for c in cells], [c.confidence or 0.0 for c in cells])
        _apply(cells, fixed)
    quarter_at: dict[int, int] = {}
    for r in rows:
        for cell in table.distinct_cells(r):
            if cell.col_span == 1 and (q := quarter_of(cell.text)):
                quarter_at[cell.col] = q
    for r in rows:
        cells = table.distinct_cells(r)
        quarters = [quarter_at.get(c.col) if c.col_span == 1 else None for c in cells]
        _apply(cells, repair_year_sequence([c.text for c in cells], [c.confidence or 0.0 for c in cells], quarters))


def _apply(cells: list[Cell], fixed: list[tuple[str, list[str]]]) -> None:
    for cell, (text, notes) in zip(cells, fixed, strict=True):
        if notes:
            cell.text, cell.repairs = text, [*cell.repairs, *notes]


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


def ruled_tables(scan: Scan, page_number: int, size: float, settings: dict[str, Any]) -> list[Table]:
    """The page's ruled tables as empty grids (cell rectangles in points), before any OCR."""
    tables = []
    for region in table_regions(scan):
        rects = [tuple(v / scan.scale for v in r) for r in ruled_rects(scan, region, size)]
        table = _grid_table(rects, page_number, "tesseract") if rects else None  # type: ignore[arg-type]
        if table is not None and table.n_rows >= settings.get("min_rows", 2) and table.n_cols >= settings.get(
                "min_cols", 2):
            tables.append(table)
    return tables


def unruled_tables(words: Sequence[Word], page_number: int, settings: dict[str, Any]) -> list[Table]:
    """Tables of a page without ruling lines, from the alignment of its words: the engine that reads
    borderless text PDFs (extractors.text_tables), given the OCR words as a text layer; the older
    alignment reader where it finds nothing."""
    from scorecards.extractors.text_tables import TEXT_SETTINGS, find_text_tables

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
    found = [t.rects for t in find_text_tables(chars, {**TEXT_SETTINGS, **settings.get(
        "text_settings", {})}) if t.prose_share <= settings.get("max_prose", 0.5)]
    if not found:
        found = [rects] if (rects := aligned_rects(list(words), size)) else []
    tables = []
    for rects in found:
        table = _grid_table(rects, page_number, "tesseract-aligned")
        if table is not None and table.n_rows >= settings.get("min_rows", 2) and table.n_cols >= settings.get(
                "min_cols", 2):
            tables.append(table)
    return tables


def read_scan(scan: Scan, words: list[Word], page_number: int, settings: dict[str, Any], name: str = "",
              tables: list[Table] | None = None, again: dict[int, list[Word]] | None = None) -> tuple[
        list[Table], list[TextLine]]:
    """Tables and running text of one prepared page from its OCR words.

    tables: the ruled grids if already found; again: second readings of their cells if already made.
    A page without ruled tables is read by the alignment of its words.
    """
    from scorecards.normalise.ocr_repair import repair_text

    cfg = ocr_settings(settings)
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
        read = _words_by_cell(tables, words)
        unsure = [
            cell for cell in _cells(tables) if inked[id(cell)] and (
                cfg["reread"] == "all" or not read.get(id(cell))
                or min(w.conf for w in read[id(cell)]) < cfg["reread_below"])
        ]
        again = reread(unsure, scan, cfg, name)
    annotate(tables, words, again, inked, scan, word_size)
    for table in tables:
        repair_header(table)

    def outside(word: Word) -> bool:
        return not any(t.bbox and t.bbox[0] <= word.cx <= t.bbox[2] and t.bbox[1] <= word.cy <= t.bbox[3]
                       for t in tables)

    text_lines = [
        TextLine(repair_text(text)[0], page_number, box)
        for text, box in lines_with_boxes(as_chars([w for w in words if outside(w)], word_size))
    ]
    return tables, text_lines


def ocr_page(pdf_path: Path, page_number: int, page_width: float, page_height: float,
             settings: dict[str, Any] | None = None) -> tuple[list[Table], list[TextLine]]:
    """OCR one scanned page (1-based) into tables and running text (see read_pdf_page)."""
    reading = read_pdf_page(pdf_path, page_number, page_width, settings)
    return reading.tables, reading.text_lines


def read_pdf_page(pdf_path: Path, page_number: int, page_width: float,
                  settings: dict[str, Any] | None = None) -> PageReading:
    """OCR one scanned page (1-based) into tables and lines, in PDF points with the origin top-left.

    page_width (points) is the page's width as pdfplumber reports it; pixels are converted with the
    rendered width over page_width, so points agree with text-layer pages. Raises OcrFailed when
    the page cannot be read whichever way Tesseract is asked.
    """
    settings = settings or {}
    cfg = ocr_settings(settings)
    name = f"{pdf_path.name}: page {page_number}"
    gray = render_page(pdf_path, page_number, cfg["dpi"])
    dpi = gray.shape[1] / page_width * 72 if page_width else cfg["dpi"]
    return read_image_page(gray, dpi, page_number, settings, name)


def read_image_page(gray: np.ndarray, dpi: float, page_number: int, settings: dict[str, Any],
                    name: str) -> PageReading:
    """Tables and lines of a page image (grayscale, `dpi` pixels per inch), in points.

    The grid of ruled tables is known from the image before any text is read, so the page reading
    and the cell-by-cell reading run side by side.
    """
    cfg = ocr_settings(settings)
    scan = prepare(gray, dpi, cfg["max_skew"])
    assert scan.clean is not None
    size = text_size(scan)
    tables = ruled_tables(scan, page_number, size, settings)
    inked = inked_cells(tables, scan, size)
    cells = [cell for cell in _cells(tables) if inked[id(cell)]] if cfg["reread"] == "all" else []
    with ThreadPoolExecutor(max_workers=1) as pool:
        cell_run = pool.submit(reread, cells, scan, cfg, name) if cells else None
        try:
            words = read_image(scan.clean, cfg["psm"], round(dpi), cfg, name, scan.scale)
        finally:
            again = cell_run.result() if cell_run else None
    log.debug("%s: skew %.2f deg, %d words", name, scan.skew, len(words))
    found, text_lines = read_scan(scan, words, page_number, settings, name, tables or None, again)
    return PageReading(page_number, found, text_lines, page_lines=page_lines(words, page_number))


def page_lines(words: Sequence[Word], page_number: int) -> list[TextLine]:
    """Every line of the page, tables included, cut into pieces at wide gaps, as a text page gives
    them (ExtractedDocument.page_lines): layouts printed without rules (indicator cards) are read
    from these."""
    from scorecards.normalise.ocr_repair import repair_text

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
              settings: dict[str, Any] | None = None) -> dict[int, PageReading]:
    """OCR several pages of one file (number -> (width, height) in points), `workers` at a time.

    Threads suffice: Tesseract (through tesserocr), OpenCV and numpy let go of the interpreter
    while they work, and threads share the engine's loaded model. A page that fails is returned
    with its reason: the document's other pages still load.
    """
    cfg = ocr_settings(settings)

    def one(number: int) -> PageReading:
        width = pages[number][0]
        try:
            return read_pdf_page(pdf_path, number, width, settings)
        except ExtractionError as exc:
            return PageReading(number, [], [], str(exc).removeprefix(f"{pdf_path.name}: "))
        except Exception as exc:  # a page's failure is recorded, never the document's
            return PageReading(number, [], [], f"page {number}: OCR failed ({type(exc).__name__}: {exc})")

    numbers = sorted(pages)
    if cfg["workers"] <= 1 or len(numbers) <= 1:
        return {n: one(n) for n in numbers}
    with ThreadPoolExecutor(max_workers=cfg["workers"]) as pool:
        return dict(zip(numbers, pool.map(one, numbers), strict=True))


# ---------------------------------------------------------------------------------------------
# Pictures of tables on text pages
# ---------------------------------------------------------------------------------------------


def picture_regions(page: Any, settings: dict[str, Any] | None = None) -> list[BBox]:
    """Images on a text page big enough to hold a table and with no text over them (points).

    A table pasted into a report as a picture has no text layer: read it as a scan of that region.
    Logos, photos and charts are read too, and give no table (or a table the readers judge); a
    picture covering the whole page is a scan, decided by needs_ocr and the text-layer judge.
    """
    cfg = ocr_settings(settings)
    width, height = float(page.width), float(page.height)
    if width <= 0 or height <= 0:
        return []
    regions: list[BBox] = []
    for image in page.images:
        x0, top = max(float(image["x0"]), 0.0), max(float(image["top"]), 0.0)
        x1, bottom = min(float(image["x1"]), width), min(float(image["bottom"]), height)
        w, h = x1 - x0, bottom - top
        if w < cfg["picture_min_width"] or h < cfg["picture_min_height"]:
            continue
        if w * h >= cfg["min_image_cover"] * width * height:
            continue
        over = sum(1 for ch in page.chars if x0 <= (ch["x0"] + ch["x1"]) / 2 <= x1 and top <= (ch["top"] + ch[
            "bottom"]) / 2 <= bottom and not ch["text"].isspace())
        if over < cfg["min_chars"]:
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
        for cell in _cells([table]):
            cell.bbox = moved(cell.bbox)


def ocr_regions(pdf_path: Path, pictures: dict[int, tuple[tuple[float, float] | None, list[BBox]]],
                settings: dict[str, Any] | None = None) -> dict[int, list[PageReading]]:
    """OCR the pictures of tables on text pages: page -> one reading per picture, cells in page points."""
    cfg = ocr_settings(settings)
    out: dict[int, list[PageReading]] = {}
    for number, (size, boxes) in sorted(pictures.items()):
        name = f"{pdf_path.name}: page {number}"
        gray = render_page(pdf_path, number, cfg["dpi"])
        scale = gray.shape[1] / size[0] if size and size[0] else cfg["dpi"] / 72
        for box in boxes:
            x0, y0 = max(0, int(box[0] * scale)), max(0, int(box[1] * scale))
            x1, y1 = min(gray.shape[1], round(box[2] * scale)), min(gray.shape[0], round(box[3] * scale))
            crop = np.ascontiguousarray(gray[y0:y1, x0:x1])
            if not rows_of_text(crop, scale, cfg["picture_min_rows"]):
                log.debug("%s: picture at %.0f,%.0f has no rows of text: a chart or a photo", name, box[0], box[1])
                continue
            try:
                tables = read_image_page(crop, scale * 72, number,
                                         settings or {}, f"{name}, picture at {box[0]:.0f},{box[1]:.0f}").tables
            except ExtractionError as exc:
                out.setdefault(number, []).append(PageReading(number, [], [], str(exc).removeprefix(
                    f"{pdf_path.name}: ")))
                continue
            _shift(tables, x0 / scale, y0 / scale)
            for table in tables:
                table.engine += "-picture"
            out.setdefault(number, []).append(PageReading(number, tables, []))
    return out
