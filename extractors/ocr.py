"""Tables from scanned pages: deskew, find the grid, OCR once with Tesseract, then read cells as for text PDFs.

A page needs OCR when it has (almost) no characters but an image covering it. The page is rendered
with pypdfium2 (the file is never changed), deskewed, and its ruling lines found by morphology
(long thin horizontal and vertical runs). Where a scan has no lines, columns and rows come from the
alignment of the words instead. Tesseract runs once per page (TSV: words, boxes, confidences); each
word becomes one pseudo-character in PDF points so that `extractors.geometry` fills the cells exactly
as it does for a text layer. Every cell keeps the engine's lowest word confidence, its raw OCR text,
the context-free repairs made to it (lookalike letters, letters inside figures) and a PNG crop, so a
reviewer can read what the engine could not. Coordinates are those of the deskewed page, in points
with the origin top-left (the rotation is a few degrees at most, about the page centre).
"""

from __future__ import annotations

import logging
import os
import shutil
import statistics
import subprocess
import tempfile
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from extractors.geometry import chars_to_lines, fill_text, grid_from_rects
from extractors.model import BBox, Cell, ExtractionError, Table, TextLine

log = logging.getLogger(__name__)

OCR_DEFAULTS: dict[str, Any] = {
    "dpi": 300,  # Tesseract reads best with capitals 20-30 px high; report text is 7-9 pt
    "tesseract": "tesseract",
    "lang": "eng",
    "psm": 11,  # sparse text: a table's cells are islands of text, not paragraphs
    "timeout": 180,  # seconds per page
    "threads": 1,  # OMP_THREAD_LIMIT: Tesseract's own threads only contend on a small machine
    "max_skew": 5.0,  # degrees searched either way when deskewing
    "min_chars": 10,  # a page with fewer text-layer characters has no usable text layer
    "min_image_cover": 0.5,  # ... and needs OCR when images cover at least this share of it
    "reread_below": 90.0,  # cells read with less confidence (or ink read as nothing) are read again
}

# Wall detection, in points (scaled to pixels by the render resolution).
_H_RUN = 22.0  # shortest horizontal run taken for a ruling line
_V_RUN = 10.0  # shortest vertical run (a one-line row is ~12 pt high)
_MAX_THICK = 2.5  # thicker runs are blots or fills, not lines
_SNAP = 2.0  # line positions closer than this are one line
_WALL_COVER = 0.75  # share of a cell edge that must be inked to count as a wall


def ocr_settings(settings: dict[str, Any] | None) -> dict[str, Any]:
    """OCR settings: `settings["ocr"]` over OCR_DEFAULTS (the PDF settings dict carries them)."""
    return {**OCR_DEFAULTS, **((settings or {}).get("ocr") or {})}


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


def render_page(pdf_path: Path, page_number: int, dpi: int) -> np.ndarray:
    """The page as a grayscale image at dpi (pypdfium2 reads the file; it is not changed)."""
    import pypdfium2 as pdfium

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
    n = max(3, int(round(n)))
    return n if n % 2 else n + 1


def unfill(gray: np.ndarray, scale: float) -> np.ndarray:
    """Light text on dark fills (a navy header) turned dark on light, so it binarises like the rest."""
    small = cv2.resize(gray, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    background = cv2.medianBlur(small, _odd(6 * scale / 4))
    dark = cv2.resize((background < 100).astype(np.uint8), (gray.shape[1], gray.shape[0]),
                      interpolation=cv2.INTER_NEAREST).astype(bool)
    if not dark.any():
        return gray
    out = gray.copy()
    out[dark] = 255 - out[dark]
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

    gray: np.ndarray  # deskewed page, dark text on light
    ink: np.ndarray  # binarised, ink 255
    horizontal: np.ndarray  # ruling-line masks
    vertical: np.ndarray
    scale: float  # pixels per point
    skew: float
    clean: np.ndarray | None = None  # gray without specks, and without the ruling lines of tables
    clean_ink: np.ndarray | None = None


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


def prepare(gray: np.ndarray, dpi: float, max_skew: float) -> Scan:
    scale = dpi / 72
    gray = unfill(gray, scale)
    skew = estimate_skew(binarise(gray, scale), max_skew)
    if abs(skew) >= 0.05:
        gray = _rotate(gray, skew, 255)
    ink = binarise(gray, scale)
    thick = max(2, int(round(_MAX_THICK * scale)))
    horizontal = _runs(ink, int(_H_RUN * scale), True, thick)
    vertical = _runs(ink, int(_V_RUN * scale), False, thick)
    scan = Scan(gray, ink, horizontal, vertical, scale, skew)
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


def _positions(mask: np.ndarray, horizontal: bool, snap: float) -> list[tuple[float, int, int]]:
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
    a, b = int(round(start)), int(round(end))
    if b <= a:
        return 0.0
    f0, f1 = max(0, int(round(fixed)) - reach), int(round(fixed)) + reach + 1
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
        rows = _cluster([p for p, *_ in _positions(scan.horizontal[y:y + h, x:x + w] * part, True, 0)],
                        _SNAP * scan.scale)
        cols = _cluster([p for p, *_ in _positions(scan.vertical[y:y + h, x:x + w] * part, False, 0)],
                        _SNAP * scan.scale)
        if len(rows) >= 3 and len(cols) >= 3:
            regions.append((x, y, x + w, y + h))
    return sorted(regions, key=lambda r: (r[1], r[0]))


def ruled_rects(scan: Scan, region: tuple[int, int, int, int]) -> list[BBox]:
    """Cell rectangles (pixels) of one ruled table: grid slots joined where no wall separates them."""
    x0, y0, x1, y1 = region
    tol = _SNAP * scan.scale
    ys = _cluster([p + y0 for p, *_ in _positions(scan.horizontal[y0:y1, x0:x1], True, 0)], tol)
    xs = _cluster([p + x0 for p, *_ in _positions(scan.vertical[y0:y1, x0:x1], False, 0)], tol)
    if len(ys) < 2 or len(xs) < 2:
        return []
    reach = max(2, int(round(1.0 * scan.scale)))
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
    groups: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for r in range(n_rows):
        for c in range(n_cols):
            groups.setdefault(_root(parent, (r, c)), []).append((r, c))
    rects = []
    for slots in groups.values():
        r0, r1 = min(r for r, _ in slots), max(r for r, _ in slots) + 1
        c0, c1 = min(c for _, c in slots), max(c for _, c in slots) + 1
        rects.append((xs[c0], ys[r0], xs[c1], ys[r1]))
    return rects


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
    """x extents of a line's phrases: words closer than a column gap belong together."""
    out: list[list[float]] = []
    for word in line:
        if out and word.x0 - out[-1][1] < 1.2 * size:
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
    multi = [line for line in lines if len(_segments(line, size)) >= 3]
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
    clear = bins <= max(0, len(multi) // 10)
    gutters: list[float] = []
    k = 0
    while k < len(clear):
        if clear[k]:
            j = k
            while j < len(clear) and clear[j]:
                j += 1
            if (j - k) * step >= 0.8 * size and k > 0 and j < len(clear):
                gutters.append(left + (k + j) / 2 * step)
            k = j
        else:
            k += 1
    xs = [left - 1.0, *gutters, right + 1.0]
    # Rows: the tightest line spacing in the block is a wrapped line; wider spacing starts a row.
    tops = [min(w.top for w in line) for line in block]
    bottoms = [max(w.bottom for w in line) for line in block]
    gaps = [tops[i + 1] - bottoms[i] for i in range(len(block) - 1)]
    tight = min(gaps) if gaps else 0.0
    rows: list[list[int]] = [[0]]
    for i, gap in enumerate(gaps, start=1):
        if gap <= tight + 0.25 * size and _continues(block[i], block[i - 1], xs):
            rows[-1].append(i)
        else:
            rows.append([i])
    edges = [tops[0] - 1.0]
    for prev, nxt in zip(rows, rows[1:], strict=False):
        edges.append((bottoms[prev[-1]] + tops[nxt[0]]) / 2)
    edges.append(bottoms[-1] + 1.0)
    rects: list[BBox] = []
    for r, members in enumerate(rows):
        spans = list(range(len(xs) - 1))
        joined: list[list[int]] = [[c] for c in spans]
        for i in members:
            for a, b in _segments(block[i], size):
                cols = [c for c in spans if xs[c] < b and a < xs[c + 1]]
                if len(cols) > 1:
                    joined = _join(joined, cols)
        for cols in joined:
            rects.append((xs[cols[0]], edges[r], xs[cols[-1] + 1], edges[r + 1]))
    return rects


def _continues(line: list[Word], above: list[Word], xs: list[float]) -> bool:
    """A wrapped line writes only into columns the line above wrote into."""
    def cols(ws: list[Word]) -> set[int]:
        return {max(0, bisect_right(xs, w.cx) - 1) for w in ws}

    return cols(line) <= cols(above)


def _join(groups: list[list[int]], cols: list[int]) -> list[list[int]]:
    merged = sorted({c for g in groups if set(g) & set(cols) for c in g})
    rest = [g for g in groups if not set(g) & set(cols)]
    return sorted([*rest, merged])


# ---------------------------------------------------------------------------------------------
# Tesseract
# ---------------------------------------------------------------------------------------------


@dataclass
class Word:
    """One OCR word, in points of the deskewed page."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    conf: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


_SPECK = set(".,'`:;_~^°\"‘’“”")


def run_tesseract(image: np.ndarray, cfg: dict[str, Any], name: str) -> str:
    """Tesseract's TSV for one image (the CLI: no Python binding to keep in step with the engine)."""
    binary = shutil.which(cfg["tesseract"])
    if binary is None:
        raise ExtractionError(f"{name}: scanned page but Tesseract is not installed ({cfg['tesseract']!r})")
    env = {**os.environ, "OMP_THREAD_LIMIT": str(cfg["threads"])}
    with tempfile.TemporaryDirectory(prefix="scorecards-ocr-") as tmp:
        png = Path(tmp) / "page.png"
        cv2.imwrite(str(png), image)
        command = [binary, str(png), "stdout", "-l", cfg["lang"], "--psm", str(cfg["psm"]),
                   "--dpi", str(cfg["dpi"]), "tsv"]
        try:
            done = subprocess.run(command, capture_output=True, timeout=cfg["timeout"], env=env, check=False)
        except subprocess.TimeoutExpired as exc:
            raise ExtractionError(f"{name}: OCR timed out after {cfg['timeout']} s") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ExtractionError(f"{name}: OCR failed ({message[-1] if message else done.returncode})")
    return done.stdout.decode("utf-8", "replace")


def parse_tsv(tsv: str, scale: float, offset: tuple[float, float] = (0.0, 0.0)) -> list[Word]:
    """Words with boxes (points) and confidences from Tesseract's TSV; specks read as punctuation dropped.

    A word's box grows round any speck beside it, so each word gets the median top and bottom of
    its Tesseract line: words of one printed line then line up, as characters of a text layer do.
    """
    rows: list[tuple[tuple[str, ...], Word]] = []
    for line in tsv.splitlines()[1:]:
        fields = line.split("\t")
        if len(fields) < 12 or fields[0] != "5":
            continue
        text = fields[11].strip()
        conf = float(fields[10])
        if not text or conf < 0 or all(ch in _SPECK for ch in text):
            continue
        left, top, width, height = (int(v) for v in fields[6:10])
        word = Word(text, left / scale + offset[0], top / scale + offset[1], (left + width) / scale + offset[0],
                    (top + height) / scale + offset[1], conf)
        rows.append((tuple(fields[1:5]), word))
    by_line: dict[tuple[str, ...], list[Word]] = {}
    for key, word in rows:
        by_line.setdefault(key, []).append(word)
    for words in by_line.values():
        top = statistics.median(w.top for w in words)
        bottom = statistics.median(w.bottom for w in words)
        for w in words:
            w.top, w.bottom = top, bottom
    return [word for _, word in rows]


def font_size(words: Sequence[Word]) -> float:
    """A realistic font size (points) for the page's words: the typical word box is ~0.75 em high."""
    heights = [w.bottom - w.top for w in words if any(ch.isalnum() for ch in w.text)]
    return max(4.0, statistics.median(heights) / 0.75) if heights else 8.0


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
            min(w, int(round(bbox[2] * s)) + margin), min(h, int(round(bbox[3] * s)) + margin))


def has_text_ink(ink: np.ndarray, text_px: float) -> bool:
    """Whether a cell holds marks the size of text (scanner specks are far smaller)."""
    if ink.size == 0:
        return False
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
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


def reread(cells: Sequence[Cell], scan: Scan, cfg: dict[str, Any], name: str) -> dict[int, list[Word]]:
    """A second reading of doubtful cells, all in one Tesseract run: their pictures stacked in a column.

    Reading the page as sparse text skips short isolated words (`Q2`, `90%`) now and then; read as
    lines of a block, cell by cell, they come back. Words are returned in page points.
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
    placed = []
    y = 0
    for cell, x0, y0, crop in crops:
        strip[y + pad:y + pad + crop.shape[0], pad:pad + crop.shape[1]] = crop
        placed.append((cell, y + pad, y + pad + crop.shape[0], x0 - pad, y0 - y - pad))
        y += crop.shape[0] + 2 * pad
    words = parse_tsv(run_tesseract(strip, {**cfg, "psm": 6}, name), scan.scale)
    found: dict[int, list[Word]] = {}
    for word in words:
        cy = word.cy * scan.scale
        for cell, top, bottom, dx, dy in placed:
            if top <= cy < bottom:
                shift_x, shift_y = dx / scan.scale, dy / scan.scale
                found.setdefault(id(cell), []).append(Word(
                    word.text, word.x0 + shift_x, word.top + shift_y, word.x1 + shift_x, word.bottom + shift_y,
                    word.conf))
                break
    return found


def annotate(tables: Sequence[Table], words: Sequence[Word], scan: Scan, size: float, cfg: dict[str, Any],
             name: str) -> None:
    """Confidence, raw text, repairs and a picture for every cell of the page's OCR'd tables.

    A cell with no words is certain (100) when it holds no ink, and unreadable (0) when it holds
    marks the size of text that neither reading could make out (a blot, a smudged figure).
    """
    from normalise.ocr_repair import repair_text  # pure text functions; the vocabulary is data

    assert scan.clean_ink is not None
    text_px = 0.7 * size * scan.scale
    read = _words_by_cell(tables, words)
    inked: dict[int, bool] = {}
    doubtful = []
    for cell in _cells(tables):
        assert cell.bbox is not None
        x0, y0, x1, y1 = _pixels(scan, cell.bbox)
        inked[id(cell)] = has_text_ink(scan.clean_ink[y0:y1, x0:x1], text_px)
        own = read.get(id(cell), [])
        if inked[id(cell)] and (not own or min(w.conf for w in own) < cfg["reread_below"]):
            doubtful.append(cell)
    again = reread(doubtful, scan, cfg, name) if doubtful else {}
    for cell in _cells(tables):
        own, other = read.get(id(cell), []), again.get(id(cell), [])
        if other and (not own or min(w.conf for w in other) > min(w.conf for w in own)):
            fill_text([[cell]], as_chars(other, size))
            own = other
        if own:
            cell.confidence = round(min(w.conf for w in own), 1)
        else:
            cell.confidence = 0.0 if inked[id(cell)] else 100.0
        cell.ocr_text = cell.text
        cell.text, cell.repairs = repair_text(cell.text)
        x0, y0, x1, y1 = _pixels(scan, cell.bbox, margin=int(2 * scan.scale))  # type: ignore[arg-type]
        ok, png = cv2.imencode(".png", scan.gray[y0:y1, x0:x1])
        cell.crop_png = png.tobytes() if ok else None


def repair_header(table: Table, max_rows: int = 6) -> None:
    """Header cells misread where the row itself says what they are (a quarter between two others)."""
    from normalise.ocr_repair import repair_quarter_sequence

    for r in range(min(max_rows, table.n_rows)):
        cells = table.distinct_cells(r)
        fixed = repair_quarter_sequence([c.text for c in cells], [c.confidence or 0.0 for c in cells])
        for cell, (text, notes) in zip(cells, fixed, strict=True):
            if notes:
                cell.text, cell.repairs = text, [*cell.repairs, *notes]


def _table(rects: Sequence[BBox], page_number: int, words: Sequence[Word], size: float) -> Table | None:
    grid = grid_from_rects(rects, page_number)
    if not grid or not grid[0]:
        return None
    x0, top = min(r[0] for r in rects), min(r[1] for r in rects)
    x1, bottom = max(r[2] for r in rects), max(r[3] for r in rects)
    inside = [w for w in words if x0 <= w.cx <= x1 and top <= w.cy <= bottom]
    fill_text(grid, as_chars(inside, size))
    table = Table(grid=grid, page=page_number, engine="tesseract", bbox=(x0, top, x1, bottom), pages=[page_number])
    table.quality = statistics.fmean(w.conf for w in inside) / 100 if inside else 0.0
    return table


# ---------------------------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------------------------


def read_scan(scan: Scan, words: list[Word], page_number: int, settings: dict[str, Any],
              name: str = "") -> tuple[list[Table], list[TextLine]]:
    """Tables and running text of one prepared page from its OCR words."""
    from normalise.ocr_repair import repair_text

    cfg = ocr_settings(settings)
    size = font_size(words)
    tables: list[Table] = []
    for region in table_regions(scan):
        rects = [tuple(v / scan.scale for v in r) for r in ruled_rects(scan, region)]
        table = _table(rects, page_number, words, size) if rects else None  # type: ignore[arg-type]
        if table is not None:
            tables.append(table)
    if not tables:
        rects = aligned_rects(words, size)
        table = _table(rects, page_number, words, size) if rects else None
        if table is not None:
            table.engine = "tesseract-aligned"
            tables.append(table)
    tables = [t for t in tables if t.n_rows >= settings.get("min_rows", 2) and t.n_cols >= settings.get("min_cols", 2)]
    annotate(tables, words, scan, size, cfg, name)
    for table in tables:
        repair_header(table)

    def outside(word: Word) -> bool:
        return not any(t.bbox and t.bbox[0] <= word.cx <= t.bbox[2] and t.bbox[1] <= word.cy <= t.bbox[3]
                       for t in tables)

    text_lines = [
        TextLine(repair_text(text)[0], page_number)
        for text, _, _ in chars_to_lines(as_chars([w for w in words if outside(w)], size))
    ]
    return tables, text_lines


def ocr_page(pdf_path: Path, page_number: int, page_width: float, page_height: float,
             settings: dict[str, Any] | None = None) -> tuple[list[Table], list[TextLine]]:
    """OCR one scanned page (1-based) into tables and running text, in PDF points with the origin top-left.

    page_width and page_height (points) are the page's size as pdfplumber reports it; pixels are
    converted with the rendered width over page_width, so points agree with text-layer pages.
    """
    settings = settings or {}
    cfg = ocr_settings(settings)
    name = f"{pdf_path.name}: page {page_number}"
    gray = render_page(pdf_path, page_number, cfg["dpi"])
    dpi = gray.shape[1] / page_width * 72 if page_width else cfg["dpi"]
    scan = prepare(gray, dpi, cfg["max_skew"])
    assert scan.clean is not None
    words = parse_tsv(run_tesseract(scan.clean, cfg, name), scan.scale)
    log.debug("%s: skew %.2f deg, %d words", name, scan.skew, len(words))
    return read_scan(scan, words, page_number, settings, name)
