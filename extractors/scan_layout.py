"""Cell rectangles from where words sit, for text printed without ruling lines, and words as characters.

A scan with no lines at all is cut into cells by the alignment of its words (`aligned_rects`):
columns are the gutters its lines keep clear, rows its lines. A dark header band whose walls do not
show is cut by the phrases printed on it, between the column lines of the rest of its table
(`band_rects`). `as_chars` hands OCR words to extractors.geometry as the characters of a text layer.
"""
from __future__ import annotations

import itertools
import statistics
from bisect import bisect_right
from collections.abc import Sequence
from typing import Any

import numpy as np
from scorecards.extractors.model import BBox, Word
from scorecards.extractors.tesseract import font_size

# ---------------------------------------------------------------------------------------------
# Cells from the alignment of words (no ruling lines)
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
# Cells of a dark band
# ---------------------------------------------------------------------------------------------


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
