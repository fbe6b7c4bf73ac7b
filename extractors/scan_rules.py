"""A scan made ready to read (`Scan`, `prepare`), and its ruled tables: where they are and their cells.

Ruling lines are found by morphology (long thin horizontal and vertical runs of ink); connected line
work with several rows and columns is a table. A table's cell rectangles come from its lines: a wall
that is not inked along most of a cell edge is no wall (a merged cell). Rows filled dark (a navy
header band) hide their walls, so their cells come from the phrases printed on them
(scan_layout.band_rects). Everything is in pixels of the deskewed page unless said otherwise.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
from scorecards.extractors.model import BBox, Word
from scorecards.extractors.scan_image import (
    binarise,
    dark_fill,
    estimate_skew,
    flatten,
    odd_size,
    rotate,
    specks,
    thin_runs,
    unfill,
)
from scorecards.extractors.scan_layout import band_rects

# Wall detection, in points (scaled to pixels by the render resolution).
_H_RUN = 22.0  # shortest horizontal run taken for a ruling line
_V_RUN = 10.0  # shortest vertical run (a one-line row is ~12 pt high)
_MAX_THICK = 2.5  # thicker runs are blots or fills, not lines
_SNAP = 2.0  # line positions closer than this are one line
_WALL_COVER = 0.75  # share of a cell edge that must be inked to count as a wall


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


def prepare(gray: np.ndarray, dpi: float, max_skew: float) -> Scan:
    """The page image made ready to read: dark fills turned light, the paper made white, the page
    levelled, its ruling lines found, and a clean copy without specks or the lines of tables."""
    scale = dpi / 72
    filled = dark_fill(gray, scale)
    gray = flatten(unfill(gray, filled, scale), scale)
    skew = estimate_skew(binarise(gray, scale), max_skew)
    if abs(skew) >= 0.05:
        gray = rotate(gray, skew, 255)
        filled = rotate(filled.astype(np.uint8), skew, 0).astype(bool)
    ink = binarise(gray, scale)
    thick = max(2, round(_MAX_THICK * scale))
    horizontal = thin_runs(ink, int(_H_RUN * scale), True, thick)
    vertical = thin_runs(ink, int(_V_RUN * scale), False, thick)
    if filled.any():  # a band's outline rules the table as a drawn line would (its seam was made paper)
        ring = cv2.morphologyEx(filled.astype(np.uint8) * 255, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8))
        horizontal = cv2.bitwise_or(horizontal, thin_runs(ring, int(_H_RUN * scale), True, thick))
        vertical = cv2.bitwise_or(vertical, thin_runs(ring, int(_V_RUN * scale), False, thick))
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


def text_size(scan: Scan) -> float:
    """The body text's size in points, from the letters on the image (~0.7 em high): known before OCR."""
    assert scan.clean_ink is not None
    _, _, stats, _ = cv2.connectedComponentsWithStats(scan.clean_ink, connectivity=8)
    heights, widths = stats[1:, cv2.CC_STAT_HEIGHT], stats[1:, cv2.CC_STAT_WIDTH]
    letters = heights[(heights >= 2 * scan.scale) & (heights <= 30 * scan.scale) & (widths <= 1.5 * heights)]
    return max(4.0, float(np.median(letters)) / scan.scale / 0.7) if letters.size else 8.0


# ---------------------------------------------------------------------------------------------
# Ruled tables
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


def phrases(scan: Scan, x0: float, top: float, x1: float, bottom: float, size: float) -> list[Word]:
    """Boxes (pixels, no text) of the phrases printed in an area: letters closer than a word space
    joined. Found in the image, not the OCR, which reads small light-on-dark headings poorly."""
    assert scan.clean_ink is not None
    a, b, c, d = int(x0), int(top), int(x1), int(bottom)
    ink = scan.clean_ink[b:d, a:c]
    if ink.size == 0:
        return []
    joined = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_RECT, (odd_size(0.45 * size), 1)))
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
