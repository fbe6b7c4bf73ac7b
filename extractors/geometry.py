"""Engine-independent geometry: cell rectangles to a grid with spans, and page characters to cell text.

Table engines disagree about text (pdfplumber and camelot join wrapped lines differently) but agree
well about rectangles, so each engine only supplies rectangles and the text is read here, the same
way for every engine.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from operator import itemgetter
from typing import Any

from scorecards.extractors.model import BBox, Cell

SNAP = 2.0  # points: rectangle edges closer than this are the same grid line
_X0, _X1, _TOP, _BOTTOM = itemgetter("x0"), itemgetter("x1"), itemgetter("top"), itemgetter("bottom")
_TOP_X0 = itemgetter("top", "x0")


def _cluster(values: Iterable[float], tolerance: float = SNAP) -> list[float]:
    lines: list[float] = []
    for value in sorted(values):
        if not lines or value - lines[-1] > tolerance:
            lines.append(value)
    return lines


def _index(lines: Sequence[float], value: float) -> int:
    """Index of the grid line nearest to value (the lower one of two as near); lines ascend."""
    # The nearest is one of the two lines around value (found by bisection; a grid has hundreds of
    # lines and every rectangle asks four times).
    i = bisect_left(lines, value)
    if i == len(lines) or (i and abs(lines[i - 1] - value) <= abs(lines[i] - value)):
        i -= 1
        # Lines closer together than a float's step at value (never in a real grid) tie: the first wins.
        while i and abs(lines[i - 1] - value) == abs(lines[i] - value):
            i -= 1
    return i


def grid_from_rects(rects: Sequence[BBox], page: int) -> list[list[Cell]]:
    """Build a grid from cell rectangles; a rectangle spanning several grid lines becomes a merged cell."""
    xs = _cluster([r[0] for r in rects] + [r[2] for r in rects])
    ys = _cluster([r[1] for r in rects] + [r[3] for r in rects])
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    grid: list[list[Cell | None]] = [[None] * n_cols for _ in range(n_rows)]
    for x0, top, x1, bottom in sorted(rects, key=lambda r: (r[1], r[0])):
        c0, c1 = _index(xs, x0), _index(xs, x1)
        r0, r1 = _index(ys, top), _index(ys, bottom)
        if c1 <= c0 or r1 <= r0 or grid[r0][c0] is not None:
            continue
        cell = Cell("", r0, c0, r1 - r0, c1 - c0, page, (xs[c0], ys[r0], xs[c1], ys[r1]))
        for r in range(r0, r1):
            for c in range(c0, c1):
                if grid[r][c] is None:
                    grid[r][c] = cell
    for r in range(n_rows):
        for c in range(n_cols):
            if grid[r][c] is None:
                grid[r][c] = Cell("", r, c, 1, 1, page, (xs[c], ys[r], xs[c + 1], ys[r + 1]))
    return grid  # type: ignore[return-value]


def _line_text(chars: list[dict[str, Any]]) -> str:
    """Characters of one line, in reading order, with a space where the gap is wider than a space."""
    out: list[str] = []
    prev_x1: float | None = None
    for ch in sorted(chars, key=_X0):
        # (out holds the characters before: a space goes between two, never first nor twice)
        if prev_x1 is not None and out[-1] != " " and ch["x0"] - prev_x1 > 0.2 * float(ch.get("size") or 8.0):
            out.append(" ")
        out.append(ch["text"])
        prev_x1 = ch["x1"]
    return "".join(out).strip()


def _box(chars: list[dict[str, Any]]) -> tuple[float, float, float, float]:
    """(x0, top, x1, bottom) around the characters."""
    return min(map(_X0, chars)), min(map(_TOP, chars)), max(map(_X1, chars)), max(map(_BOTTOM, chars))


def chars_to_lines(chars: list[dict[str, Any]]) -> list[tuple[str, float, float]]:
    """Group characters into lines: (text, x0, x1) per line, top to bottom."""
    return [(text, box[0], box[2]) for text, box in lines_with_boxes(chars)]


def _line_groups(chars: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    lines: list[list[dict[str, Any]]] = []
    first_top = 0.0  # the top of the current line's first character
    for ch in sorted(chars, key=_TOP_X0):
        top = ch["top"]
        if lines and abs(top - first_top) <= 0.5 * float(ch.get("size") or 8.0):
            lines[-1].append(ch)
        else:
            lines.append([ch])
            first_top = top
    return lines


def lines_with_boxes(chars: list[dict[str, Any]]) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Running text as lines, each with its box (x0, top, x1, bottom): headings and footnotes keep a place."""
    out = []
    for line in _line_groups(chars):
        visible = [ch for ch in line if not ch["text"].isspace()]
        if visible:
            box = _box(visible)
            out.append((_line_text(visible), box))
    return out


SEGMENT_GAP = 0.7  # a gap wider than this many font sizes separates two pieces of a line (a word space is ~0.3)


def line_segments(chars: list[dict[str, Any]]) -> list[tuple[str, tuple[float, float, float, float]]]:
    """One line's characters cut into pieces at wide gaps: the columns of a table printed without rules."""
    visible = sorted((ch for ch in chars if not ch["text"].isspace()), key=_X0)
    pieces: list[list[dict[str, Any]]] = []
    for ch in visible:
        size = float(ch.get("size") or 8.0)
        if pieces and ch["x0"] - pieces[-1][-1]["x1"] <= SEGMENT_GAP * size:
            pieces[-1].append(ch)
        else:
            pieces.append([ch])
    return [(_line_text(piece), _box(piece)) for piece in pieces]


def lines_with_segments(
    chars: list[dict[str, Any]],
) -> list[tuple[str, tuple[float, float, float, float], list[tuple[str, tuple[float, float, float, float]]]]]:
    """Like lines_with_boxes, with each line also cut into its pieces (see line_segments)."""
    out = []
    for line in _line_groups(chars):
        visible = [ch for ch in line if not ch["text"].isspace()]
        if visible:
            box = _box(visible)
            out.append((_line_text(visible), box, line_segments(visible)))
    return out


def join_wrapped_lines(lines: list[tuple[str, float, float]], cell_x1: float, size: float = 8.0) -> str:
    """Join a cell's lines with one space, except where the renderer broke a word or a range.

    A renderer only breaks inside a word when the word alone overflows the line, so the broken
    fragment is a single word ending within about one character of the cell's right edge and the
    rest starts in lower case (or is the unit, as in `100` / `%`). A range broken after its
    hyphen (`80-` / `100`) is glued back too.
    """
    text = ""
    prev: tuple[str, float, float] | None = None
    for line in lines:
        if prev is None:
            text = line[0]
        else:
            single_word = len(prev[0].split()) == 1
            continues_word = line[0][:1].islower() or line[0][:1] in "%)"
            reaches_edge = cell_x1 - prev[2] < 1.6 * size
            broken_range = prev[0][-1:] == "-" and prev[0][-2:-1].isdigit() and line[0][:1].isdigit()
            glue = "" if (single_word and continues_word and reaches_edge) or broken_range else " "
            text = f"{text}{glue}{line[0]}"
        prev = line
    return text


def upright(chars: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rotate sideways text (a group label printed up the page) into reading order coordinates."""
    turned = [ch for ch in chars if not ch.get("upright", True)]
    if len(turned) * 2 <= len(chars):
        return chars
    out = []
    for ch in chars:
        b = ch.get("matrix", (0, 1, -1, 0, 0, 0))[1]
        if b >= 0:  # reads bottom to top: lines run left to right
            x0, x1, top, bottom = -ch["bottom"], -ch["top"], ch["x0"], ch["x1"]
        else:  # reads top to bottom: lines run right to left
            x0, x1, top, bottom = ch["top"], ch["bottom"], -ch["x1"], -ch["x0"]
        out.append({**ch, "x0": x0, "x1": x1, "top": top, "bottom": bottom})
    return out


def fill_text(grid: list[list[Cell]], chars: list[dict[str, Any]]) -> int:
    """Put each character into the cell under its centre; returns how many characters landed in a cell."""
    if not grid:
        return 0
    boxes = [cell.bbox for row in grid for cell in row if cell.bbox]
    xs = sorted({b[0] for b in boxes} | {b[2] for b in boxes})
    ys = sorted({b[1] for b in boxes} | {b[3] for b in boxes})
    per_cell: dict[int, tuple[Cell, list[dict[str, Any]]]] = {}
    placed = 0
    x_lo, x_hi, y_lo, y_hi = xs[0], xs[-1], ys[0], ys[-1]
    last_col, last_row = len(grid[0]) - 1, len(grid) - 1
    for ch in chars:  # every character of a table: names bound once, outside the loop
        cx, cy = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
        if not (x_lo <= cx <= x_hi and y_lo <= cy <= y_hi):
            continue
        cell = grid[min(bisect_right(ys, cy) - 1, last_row)][min(bisect_right(xs, cx) - 1, last_col)]
        per_cell.setdefault(id(cell), (cell, []))[1].append(ch)
        placed += 1
    for cell, cell_chars in per_cell.values():
        readable = upright(cell_chars)
        right = cell.bbox[2] if cell.bbox and readable is cell_chars else max(ch["x1"] for ch in readable)
        size = float(readable[0].get("size") or 8.0)
        cell.text = join_wrapped_lines(chars_to_lines(readable), right, size)
    return placed


def words_of(chars: list[dict[str, Any]]) -> list[tuple[float, float, float]]:
    """(x0, x1, vertical centre) of each word the characters spell, line by line."""
    words: list[tuple[float, float, float]] = []
    line_top: float | None = None
    for ch in sorted(chars, key=lambda ch: (round(ch["top"]), ch["x0"])):
        if ch["text"].isspace():
            line_top = None
            continue
        gap = 0.2 * float(ch.get("size") or 8.0)
        if words and line_top is not None and abs(ch["top"] - line_top) < 1 and ch["x0"] - words[-1][1] <= gap:
            words[-1] = (words[-1][0], ch["x1"], words[-1][2])
        else:
            words.append((ch["x0"], ch["x1"], (ch["top"] + ch["bottom"]) / 2))
        line_top = ch["top"]
    return words


def cut_words(grid: list[list[Cell]], chars: list[dict[str, Any]]) -> tuple[int, int]:
    """(words running out of the cell they start in, all words): a line drawn through text."""
    words = words_of(chars)
    if not grid or not words:
        return 0, len(words)
    boxes = [cell.bbox for row in grid for cell in row if cell.bbox]
    xs = sorted({b[0] for b in boxes} | {b[2] for b in boxes})
    ys = sorted({b[1] for b in boxes} | {b[3] for b in boxes})
    cut = 0
    for x0, x1, cy in words:
        c = min(max(bisect_right(xs, x0 + 0.5) - 1, 0), len(grid[0]) - 1)
        r = min(max(bisect_right(ys, cy) - 1, 0), len(grid) - 1)
        box = grid[r][c].bbox
        if box and x1 > box[2] + 0.5:
            cut += 1
    return cut, len(words)
