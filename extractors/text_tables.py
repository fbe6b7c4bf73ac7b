"""Tables without ruling lines, found from how the words line up.

Two questions, both answered from words alone: where is a table (a run of text lines whose gaps
line up in columns, and that is not prose), and what are its cells (a column separator where many
lines have a gap and almost no line has a word; text lines joined into one row where a cell's text
wraps, that is where the line above was too full for the next word). Like the ruled engines this
one only proposes cell rectangles: the text is read by `geometry.fill_text`, the same way for
every engine.

Steps: characters -> words -> lines (`group_lines`); lines -> blocks, split at wide blanks,
paragraphs, repeated headers and headings, with titles and notes trimmed (`find_blocks`); a block
-> column separators (`separators`), each line's cells (`pieces_of`), rows (`group_rows`), and
rectangles with merged cells (`build_table`).

Header and body: the lines from the first figure down are the body, and they decide the columns
(a separator most body lines have a gap at stands, whatever header words cross it); the header
lines above only say where in the body's gap the separator goes (not through a sub-heading) and
which columns a heading spans (the columns it crosses, or a run it is centred over). Header
headings keep their own columns, and the wrapped lines of one heading make one cell. A heading in
the body's gap is a blank column's only when the figures beside it have headings of their own (a
sub-heading centred over narrow figures set to the right stands beside them), and a line of
headings centred over the body's columns is header, not a title.

Lengths are in ems of the words' font size where they are about text (a word space is about 0.25 em),
so the same settings work for 6-point footnote tables and 12-point slides.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from collections.abc import Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cached_property
from statistics import median
from typing import Any

import numpy as np
from scorecards.extractors.model import BBox, Word
from scorecards.extractors.settings import TextSettings

_NUMBER = re.compile(r"^[(\[]?[-+–−]?[$£€]?\d[\d.,:/–\-]*%?[)\]]?[*†‡]*$")
# A year, a financial year, `15/16`, or a date (`31/03/2025`, `31.3.24`): a heading, not a figure.
_PERIOD = re.compile(r"^(\d{4}([/–-]\d{2}(\d{2})?)?|\d{2}/\d{2}|\d{1,2}([./-])\d{1,2}\4\d{2}(\d{2})?)$")
# separators() answers by run of lines (ids) and settings, while find_text_tables reads one page
_SEPARATORS_SEEN: ContextVar[dict[tuple[tuple[int, ...], TextSettings], list[float]] | None] = ContextVar(
    "separators_seen", default=None)


@dataclass
class Line:
    """One printed line's words, left to right. Never changed once made, so its extent and size are
    worked out once (the column finder asks for them thousands of times per block)."""

    words: list[Word]
    _chunks: dict[float, list[list[Word]]] = field(default_factory=dict, repr=False)

    @cached_property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @cached_property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @cached_property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @cached_property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @cached_property
    def size(self) -> float:
        return median(w.size for w in self.words)


@dataclass
class CellPiece:
    """Words of one line that fall in one cell: columns first_col..last_col (more than one: spanning).

    The engine's own: where a line's words sit in the columns it is working out. What the readers walk
    (text, x extent and lineage of a printed piece, whatever found it) is `normalise.rows.RowPiece`.
    """

    words: list[Word]
    first_col: int
    last_col: int

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1


@dataclass
class Row:
    lines: list[list[CellPiece]] = field(default_factory=list)
    top: float = 0.0
    bottom: float = 0.0
    # A cell merged down over later rows: column -> index of the last row it covers, and the
    # pieces of its text printed beside those rows (a group label centred on its rows).
    down: dict[int, int] = field(default_factory=dict)
    below: list[CellPiece] = field(default_factory=list)

    def pieces(self) -> list[CellPiece]:
        return [p for line in self.lines for p in line]


@dataclass
class TextTable:
    """A table found by text alignment: cell rectangles and a few facts for the quality check."""

    rects: list[BBox]
    bbox: BBox
    n_rows: int
    n_cols: int
    prose_share: float  # share of the table's columns that read as running text


# ---------------------------------------------------------------------------------------------
# Characters to words to lines
# ---------------------------------------------------------------------------------------------


def _size(ch: dict[str, Any]) -> float:
    return float(ch.get("size") or 8.0) or 8.0


def group_lines(chars: Sequence[dict[str, Any]], word_gap: float = 0.2) -> list[Line]:
    """Text lines top to bottom, each a list of words left to right."""
    # Sideways text (an axis title, a label up a row group) is no line of a table; the cell
    # reader still reads it in whichever cell it falls.
    visible = sorted(
        (ch for ch in chars if ch["text"].strip() and ch.get("upright", True)),
        key=lambda ch: (ch["top"] + ch["bottom"]) / 2,
    )
    rows: list[list[dict[str, Any]]] = []
    centres: list[float] = []
    for ch in visible:
        cy = (ch["top"] + ch["bottom"]) / 2
        # Compared with the line's first character, so one raised footnote mark does not drift the line.
        if rows and abs(cy - centres[-1]) <= 0.4 * _size(ch):
            rows[-1].append(ch)
        else:
            rows.append([ch])
            centres.append(cy)
    lines = []
    for row in rows:
        words: list[Word] = []
        current: list[dict[str, Any]] = []
        for ch in sorted(row, key=lambda ch: ch["x0"]):
            if current and ch["x0"] - current[-1]["x1"] > word_gap * _size(ch):
                words.append(_word(current))
                current = []
            current.append(ch)
        if current:
            words.append(_word(current))
        lines.append(Line(words))
    return _split_overlapping(lines)


def _word(chars: list[dict[str, Any]]) -> Word:
    return Word(
        "".join(ch["text"] for ch in chars),
        x0=min(ch["x0"] for ch in chars),
        top=min(ch["top"] for ch in chars),
        x1=max(ch["x1"] for ch in chars),
        bottom=max(ch["bottom"] for ch in chars),
        size=median(_size(ch) for ch in chars),
        font=str(chars[0].get("fontname", "")),
    )


def _split_overlapping(lines: list[Line]) -> list[Line]:
    """Text printed over itself (bold by double printing) reads once: drop words repeated in place."""
    out = []
    for line in lines:
        kept: list[Word] = []
        for word in line.words:
            if kept and word.text == kept[-1].text and abs(word.x0 - kept[-1].x0) < 0.5:
                continue
            kept.append(word)
        out.append(Line(kept))
    return out


def chunks(line: Line, chunk_gap: float) -> list[list[Word]]:
    """Runs of words closer than chunk_gap ems: the candidates for one cell's text on this line.

    A justified line of running text is one run however wide its spaces: all its spaces are
    stretched alike, where a table row's gaps between cells are wider than its spaces within them.
    """
    if chunk_gap not in line._chunks:
        out: list[list[Word]] = []
        if _justified(line):
            out = [list(line.words)]
        else:
            for word in line.words:
                if out and word.x0 - out[-1][-1].x1 <= chunk_gap * max(word.size, out[-1][-1].size):
                    out[-1].append(word)
                else:
                    out.append([word])
        line._chunks[chunk_gap] = out
    return line._chunks[chunk_gap]


def _justified(line: Line) -> bool:
    """Six or more words, nearly all of them words rather than figures, with every space the same
    width to within a seventh of an em and no wider than an em (a row of same-width figures or
    labels in evenly spaced columns is no prose: its gaps are figures, or wide)."""
    if len(line.words) < 6 or sum(any(c.isalpha() for c in w.text) for w in line.words) < 0.8 * len(line.words):
        return False
    gaps = [b.x0 - a.x1 for a, b in itertools.pairwise(line.words)]
    return max(gaps) - min(gaps) <= 0.15 * line.size and max(gaps) <= line.size


# ---------------------------------------------------------------------------------------------
# Column separators
# ---------------------------------------------------------------------------------------------


def separators(lines: Sequence[Line], settings: TextSettings) -> list[float]:
    """x positions where at least min_support lines have a gap between cells and few have a word
    (see _find_separators).

    Splitting a page into tables asks again about the same run of lines (the lines above each
    candidate heading, a block trimmed line by line): within find_text_tables, which holds every line
    of the page until it returns, the answer is kept by the run's line ids."""
    known = _SEPARATORS_SEEN.get()
    if known is None:
        return _find_separators(lines, settings)
    key = (tuple(map(id, lines)), settings)
    if key not in known:
        known[key] = _find_separators(lines, settings)
    return list(known[key])


def _find_separators(lines: Sequence[Line], settings: TextSettings) -> list[float]:
    """x positions where at least min_support lines have a gap between cells and few have a word.

    Evidence for a separator is a gap between chunks (wider than a word space) on both sides of it;
    evidence against is a chunk across it. A few chunks across it are allowed: a header spanning
    several columns, a long label running into an empty neighbour. A chunk across two separators
    is a cell spanning columns, and says nothing about the separators under it: they are looked
    for again without such chunks (a merged `New contract measure` cell repeated down a table).
    """
    # Lines of one cell (a section label, a wrapped cell, a paragraph) say nothing about columns,
    # though a separator in a gap had better not cut them where it can help it.
    soft = [(line.x0, line.x1) for line in lines if len(chunks(line, settings.chunk_gap)) == 1]
    lines = [line for line in lines if len(chunks(line, settings.chunk_gap)) > 1]
    if not lines:
        return []
    gap = settings.chunk_gap
    first = _separators_once(lines, settings, lambda run: False, soft)
    spanning: set[int] = set()
    above: list[list[Word]] = []
    for line in lines:
        runs = chunks(line, gap)
        for run in runs:
            across = sum(1 for s in first if run[0].x0 < s < run[-1].x1)
            # The next line of a spanning cell, under it and in its font, spans with it.
            under = any(
                id(up) in spanning and up[0].x0 <= run[0].x0 and run[-1].x1 <= up[-1].x1 and up[0].font == run[0].font
                for up in above
            )
            if across >= 2 or under:
                spanning.add(id(run))
        above = runs
    if not spanning:
        return first
    return _separators_once(lines, settings, lambda run: id(run) in spanning, soft)


def _first_body(lines: Sequence[Line], chunk_gap: float) -> int:
    """Index of the first line with a figure (not a year or period label): the header is above it.
    With no figure at all, the whole block is body (a table of words has no header to tell apart)."""
    for i, line in enumerate(lines):
        if any(is_figure(" ".join(w.text for w in run)) for run in chunks(line, chunk_gap)):
            return i
    return 0


def _separators_once(
    lines: Sequence[Line], settings: TextSettings, ignore: Any, soft: Sequence[tuple[float, float]] = ()
) -> list[float]:
    """Separators where the lines' gaps line up (see `separators`).

    The body (lines from the first figure on) decides the columns; a header line's words across a
    gap that the body's lines mostly have are a heading over several columns (a period centred
    over its breakdowns), which the cells then span, not evidence against the column.
    """
    gap_em = settings.chunk_gap
    left = int(min(line.x0 for line in lines)) - 1
    right = int(max(line.x1 for line in lines)) + 2
    first_body = _first_body(lines, gap_em)
    # The x ranges each count covers, as slices of the x axis; counted once all are in.
    across_at: list[tuple[int, int]] = []  # body chunks across each x
    head_across_at: list[tuple[int, int]] = []  # header chunks across each x
    support_at: list[tuple[int, int]] = []
    body_support_at: list[tuple[int, int]] = []
    wide_at: list[tuple[int, int]] = []
    body_spans: list[tuple[float, float]] = []  # body chunks that count against a separator
    head_lines: list[tuple[list[tuple[float, float]], list[tuple[float, float]]]] = []  # header: chunks, gaps
    for i, line in enumerate(lines):
        runs = chunks(line, gap_em)
        count = across_at if i >= first_body else head_across_at
        for run in runs:
            if not ignore(run):
                count.append((int(run[0].x0) - left + 1, math.ceil(run[-1].x1) - left))
                if i >= first_body:
                    body_spans.append((run[0].x0, run[-1].x1))
        if i < first_body:
            # Its gaps, and its blank ends by an em less (a line ending a hair inside a gap has
            # no say there: a heading centred over two columns ending near the boundary).
            em = line.size
            head_lines.append((
                [(run[0].x0, run[-1].x1) for run in runs if not ignore(run)],
                [(-np.inf, runs[0][0].x0 - em), *((a[-1].x1, b[0].x0) for a, b in itertools.pairwise(runs)),
                 (runs[-1][-1].x1 + em, np.inf)],
            ))
        for a, b in itertools.pairwise(runs):
            gap = (math.ceil(a[-1].x1) - left, int(b[0].x0) - left + 1)
            support_at.append(gap)
            if i >= first_body:
                body_support_at.append(gap)
            if b[0].x0 - a[-1].x1 >= settings.wide_gap * b[0].size:
                wide_at.append(gap)
    across, head_across, support, body_support, wide = (
        _coverage(spans, right - left) for spans in (across_at, head_across_at, support_at, body_support_at, wide_at)
    )
    n_body = len(lines) - first_body
    tolerance = max(1, int(settings.cross_share * len(lines)))
    body_tolerance = max(1, int(settings.cross_share * n_body))
    # One line's gap is enough when nothing crosses it and it is wide (a small table: a label and
    # a figure far apart on the only line that fills both columns), when the text after it starts
    # where other lines start theirs (a year printed once at the top of its rows, beside a column
    # of months), or when it is the only line of figures.
    aligned = _aligned_starts(lines, left, right, settings)
    # A table of one row has one line of figures: its gaps that no line crosses are columns.
    alone = (body_support >= 1) & (n_body == 1)
    evidence = (support >= settings.min_support) | (((wide >= 1) | aligned | alone) & (across + head_across == 0))
    # The body's own columns: most of its lines have the gap.
    backed = (body_support >= min(settings.min_support, n_body)) & (body_support * 2 >= n_body) & (across == 0)
    ok = (
        evidence
        & (across <= body_tolerance)
        & (support > across)
        & ((across + head_across <= tolerance) & (support > across + head_across) | backed)
    )
    last_head: list[tuple[float, float]] = []  # the sub-headings right over the body, a row of their own
    if first_body and (
        first_body == 1
        or lines[first_body - 1].top - lines[first_body - 2].bottom > settings.merge_gap * lines[first_body - 1].size
    ):
        last_head = [(run[0].x0, run[-1].x1) for run in chunks(lines[first_body - 1], gap_em)]
    found: list[tuple[float, float]] = []  # (x, chunks across)
    gaps: list[tuple[float, float]] = []
    x = 0
    while x < len(ok):
        if not ok[x]:
            x += 1
            continue
        end = x
        while end + 1 < len(ok) and ok[end + 1]:
            end += 1
        gaps.append((left + x - 1.0, left + end + 1.0))
        x = end + 1
    for k, (lo, hi) in enumerate(gaps):
        # A sub-heading right over the body standing inside the gap heads a blank column of its own
        # (a table of one row with a blank cell): a separator each side of it. Unless the body's
        # column beside the gap has no sub-heading over its text: a heading centred over a narrow
        # column of figures set to the right stands beside them, and heads them.
        inside = [(a, b) for a, b in last_head if lo < a and b < hi]
        if inside and not _headed(body_spans, last_head, hi - 1.0, gaps[k + 1][0] if k + 1 < len(gaps) else np.inf):
            inside = inside[:-1]
        if inside and not _headed(body_spans, last_head, gaps[k - 1][1] if k else -np.inf, lo + 1.0, right_side=False):
            inside = inside[1:]
        for a, b in inside:
            found.append(_place(lo, a, body_spans, head_lines, soft))
            lo = b
        found.append(_place(lo, hi, body_spans, head_lines, soft))
    kept = _one_per_gap(found, lines, settings.chunk_gap, first_body)
    return _own_starts(kept, lines, settings, first_body, dict(found))


def _coverage(spans: Sequence[tuple[int, int]], size: int) -> np.ndarray:
    """How many of `spans` (slices start:stop of an axis of `size` points) cover each point.

    One pass over a difference array rather than an array update per span: a block has thousands."""
    clipped = [slice(start, stop).indices(size)[:2] for start, stop in spans]  # a slice's own clipping
    starts = [start for start, stop in clipped if start < stop]
    stops = [stop for start, stop in clipped if start < stop]
    steps = np.bincount(starts, minlength=size + 1) - np.bincount(stops, minlength=size + 1)
    return np.cumsum(steps[:size]).astype(float)


def _headed(
    body: Sequence[tuple[float, float]],
    head: Sequence[tuple[float, float]],
    lo: float,
    hi: float,
    right_side: bool = True,
) -> bool:
    """Does a sub-heading stand over the body text of the column between lo and hi (by its start,
    or by its end when `right_side` is False)? A column with no body text there needs none."""
    text = [(a, b) for a, b in body if lo <= (a if right_side else b) <= hi]
    if not text:
        return True
    x0, x1 = min(a for a, _ in text), max(b for _, b in text)
    return any(a < x1 and x0 < b for a, b in head)


def _place(
    lo: float,
    hi: float,
    body: Sequence[tuple[float, float]],
    head: Sequence[tuple[list[tuple[float, float]], list[tuple[float, float]]]],
    soft: Sequence[tuple[float, float]] = (),
) -> tuple[float, float]:
    """Where in the gap lo..hi the separator goes, and what crosses it there (body chunks, plus a
    thousandth per header line: `_one_per_gap` keeps the separator that cuts fewer body cells).

    Where the fewest body chunks cross; then the fewest header lines with a word across, of those
    with a gap of their own in lo..hi, or blank an em into it (sub-headings on either side of the
    columns' boundary; a heading centred over both columns has no say: it spans them wherever the
    boundary goes); then the fewest lines of one cell (`soft`: a section label); at the middle of
    the widest such stretch (to the exact point: headings may be a fraction of a point apart).
    """
    body = [sp for sp in body if sp[0] < hi and lo < sp[1]]
    # Lower header lines weigh more: the sub-headings right over the body decide (a separator cuts
    # none of them where it can help it), headings above group them.
    voters = [
        (100.0 if k == len(head) - 1 else 1.0 + k / len(head), spans)
        for k, (spans, gaps) in enumerate(head)
        if any(g0 < hi and lo < g1 for g0, g1 in gaps)
    ]
    soft = [g for g in soft if g[0] < hi and lo < g[1]]
    edges = [*body, *soft, *(sp for _, spans in voters for sp in spans)]
    points = sorted({lo, hi, *(x for a, b in edges for x in (a, b) if lo < x < hi)})
    best: tuple[float, float, float, float] | None = None  # cost, -width, middle, crossing
    run: list[float] = []  # the current stretch of equal cost: cost, start, end, crossing
    for a, b in itertools.pairwise(points):
        m = (a + b) / 2
        cut_body = sum(1 for x0, x1 in body if x0 < m < x1)
        cut_head = sum(weight for weight, spans in voters if any(x0 < m < x1 for x0, x1 in spans))
        cost = 1000.0 * cut_body + cut_head + sum(1 for x0, x1 in soft if x0 < m < x1) / 1000
        if run and run[0] == cost and run[2] == a:
            run[2] = b
        else:
            run = [cost, a, b, cut_body + cut_head / 1000]
        key = (run[0], -(run[2] - run[1]), (run[1] + run[2]) / 2, run[3])
        if best is None or key[:2] < best[:2]:
            best = key
    assert best is not None
    return best[2], best[3]


def _aligned_starts(lines: Sequence[Line], left: int, right: int, settings: TextSettings) -> np.ndarray:
    """x positions in a gap (wider than a word space) before a chunk that starts within a point of
    where another line starts one (min_support starts in all): a left-aligned column seen in one
    line's gap."""
    gap_em = settings.chunk_gap
    starts = sorted(run[0].x0 for line in lines for run in chunks(line, gap_em))
    out = np.zeros(right - left, dtype=bool)
    for line in lines:
        for a, b in itertools.pairwise(chunks(line, gap_em)):
            x0 = b[0].x0
            # The starts within a point, counted by bisection (a long table has thousands of them,
            # and an aligned column hundreds at one x); the exact test is kept for the few within a
            # thousandth of a point of the edges.
            lo, hi = bisect.bisect_left(starts, x0 - 1.001), bisect.bisect_right(starts, x0 + 1.001)
            inner_lo = bisect.bisect_left(starts, x0 - 0.999, lo, hi)
            inner_hi = bisect.bisect_right(starts, x0 + 0.999, inner_lo, hi)
            edges = (x for x in (*starts[lo:inner_lo], *starts[inner_hi:hi]) if abs(x - x0) <= 1.0)
            if inner_hi - inner_lo + sum(1 for _ in edges) >= settings.min_support:
                out[math.ceil(a[-1].x1) - left : int(x0) - left + 1] = True
    return out


def _own_starts(
    seps: list[float],
    lines: Sequence[Line],
    settings: TextSettings,
    first_body: int = 0,
    crossing: dict[float, float] | None = None,
) -> list[float]:
    """Drop a separator whose column on its right starts no text of its own in min_support lines:
    it only cuts the tails of long cells of the column on its left.

    Under a header (lines above `first_body`) one of those lines must be a body line or the header
    line right over the body: a column of the upper header alone is no column (the gaps of a
    justified heading, `for Sale   to`, or a heading beside a figure's minus sign). Of its two
    separators the one across more text goes (`crossing`: body chunks, and a thousandth per header
    chunk), the left one when they cut alike. A table of one row needs no second line."""
    gap = settings.chunk_gap
    crossing = crossing or {}
    starts = [(run[0].x0, i >= first_body) for i, line in enumerate(lines) for run in chunks(line, gap)]
    # A body cell starts in the column its first character or so is in (as `_piece` places it).
    body_starts = [
        min(run[0].x0 + 0.5 * run[0].size, (run[0].x0 + run[0].x1) / 2)
        for line in lines[first_body:]
        for run in chunks(line, gap)
    ]
    # The sub-headings right over the body name its columns, blank ones too (a table of one row).
    last_head = [run[0].x0 for run in chunks(lines[first_body - 1], gap)] if first_body else []
    kept = list(seps)
    changed = True
    while changed:
        changed = False
        for i, s in enumerate(kept):
            right = kept[i + 1] if i + 1 < len(kept) else float("inf")
            own = [body for x, body in starts if s < x < right]
            # (a table of one row: its one line of figures is enough, or the sub-heading over a blank)
            single = len(lines) - first_body == 1 and (any(own) or any(s < x < right for x in last_head))
            if len(own) < settings.min_support and not single:
                del kept[i]
            elif first_body and not any(s < x < right for x in body_starts + last_head):
                worse = i + 1 < len(kept) and crossing.get(kept[i + 1], 0.0) > crossing.get(s, 0.0)
                del kept[i + 1 if worse else i]
            else:
                continue
            changed = True
            break
    return kept


def _one_per_gap(
    found: list[tuple[float, float]], lines: Sequence[Line], chunk_gap: float, first_body: int = 0
) -> list[float]:
    """Two separators with no cell text between them split one gap: keep the one fewer words cross.

    Under a header, when one of them cuts a body cell, only body text between them counts: a
    heading in the gap is no cell (`2019` centred over its columns, beside a figure's `£` sign).
    Otherwise body text and the sub-headings right over the body count: a group heading above them
    (`Total` over its periods) is no column of its own."""
    def ends(rows: Sequence[Line]) -> list[tuple[float, float]]:
        return [(run[0].x0, run[-1].x1) for line in rows for run in chunks(line, chunk_gap)]

    everything, body = ends(lines), ends(lines[first_body:])
    near = ends(lines[first_body - 1 :]) if first_body else everything
    out: list[tuple[float, float]] = []
    for x, crossing in found:
        between = near
        if out and first_body and max(crossing, out[-1][1]) >= 1:
            between = body
        if out and not any(out[-1][0] <= a and b <= x for a, b in between):
            if crossing < out[-1][1]:
                out[-1] = (x, crossing)
            continue
        out.append((x, crossing))
    return [x for x, _ in out]


def _column(x: float, seps: Sequence[float]) -> int:
    return sum(1 for s in seps if s < x)


def pieces_of(line: Line, seps: Sequence[float], chunk_gap: float) -> list[CellPiece]:
    """The line's cells: one per chunk, a chunk across a separator spanning both columns."""
    out = [_piece(run, seps) for run in chunks(line, chunk_gap)]
    merged: list[CellPiece] = []
    for piece in out:  # two chunks in one column (justified text, wide spaces) are one cell
        if merged and merged[-1].last_col >= piece.first_col:
            prev = merged[-1]
            merged[-1] = CellPiece(prev.words + piece.words, prev.first_col, max(prev.last_col, piece.last_col))
        else:
            merged.append(piece)
    return merged


def _piece(words: list[Word], seps: Sequence[float]) -> CellPiece:
    # A word reaching a separator by less than a character still belongs to its own column (a
    # word shorter than that by its middle: `-`).
    first = _column(min(words[0].x0 + 0.5 * words[0].size, (words[0].x0 + words[0].x1) / 2), seps)
    last = _column(max(words[-1].x1 - 0.5 * words[-1].size, (words[-1].x0 + words[-1].x1) / 2), seps)
    return CellPiece(words, first, max(first, last))


# ---------------------------------------------------------------------------------------------
# Where are the tables
# ---------------------------------------------------------------------------------------------


def _crossed(line: Line, seps: Sequence[float], chunk_gap: float) -> int:
    """How many separators the line's chunks run across."""
    return sum(1 for s in seps for run in chunks(line, chunk_gap) if run[0].x0 < s < run[-1].x1)


def _multi(line: Line, settings: TextSettings) -> bool:
    return len(chunks(line, settings.chunk_gap)) > 1


def _is_prose_line(line: Line, width: float, settings: TextSettings) -> bool:
    """A line of running text: one chunk, many words, most of the region's width."""
    return not _multi(line, settings) and len(line.words) >= settings.prose_words and line.x1 - line.x0 > 0.5 * width


def _on_band(line: Line, block: Sequence[Line], bands: Sequence[BBox]) -> bool:
    """Is the line printed on a shaded band as wide as the block (a title or section row of the table)?"""
    left, right = min(ln.x0 for ln in block), max(ln.x1 for ln in block)
    cy = (line.top + line.bottom) / 2
    return any(
        b[1] <= cy <= b[3] and b[0] <= line.x0 and min(b[2], right) - max(b[0], left) >= 0.8 * (right - left)
        for b in bands
    )


def _has_number(line: Line, settings: TextSettings) -> bool:
    return any(is_number(" ".join(w.text for w in run)) for run in chunks(line, settings.chunk_gap))


def _split_repeated_headers(lines: list[Line], settings: TextSettings) -> list[list[Line]]:
    """Tables stacked one under another repeat their header: each repeat (with its title) starts a table."""
    parts: list[list[Line]] = [[]]
    header: set[str] = set()
    in_header = True
    for line in lines:
        text = " ".join(w.text for w in line.words)
        if _multi(line, settings) and text in header:
            moved: list[Line] = []
            while parts[-1] and not _multi(parts[-1][-1], settings) and len(moved) < 2:
                moved.insert(0, parts[-1].pop())  # the title row above the repeated header
            parts.append(moved)
            header, in_header = set(), True
        if in_header and _multi(line, settings):
            if _has_number(line, settings):
                in_header = False
            else:
                header.add(text)
        parts[-1].append(line)
    return [p for p in parts if p]


def _crossing(lines: list[Line], seps: Sequence[float], settings: TextSettings, min_words: int = 1) -> float:
    """Share of the lines with a chunk of at least min_words words across a separator."""
    gap = settings.chunk_gap
    crossed = sum(
        1
        for ln in lines
        if any(len(run) >= min_words and any(run[0].x0 < s < run[-1].x1 for s in seps) for run in chunks(ln, gap))
    )
    return crossed / max(1, len(lines))


def _set_as_rows(lines: list[Line], i: int) -> bool:
    """Whether line i sits among its neighbours as rows of one table do: the blanks above and below
    it no wider than the widest blank between the rows above it (a title between two tables stands
    apart)."""
    if i == 0 or i + 1 >= len(lines):
        return False
    blanks = [b.top - a.bottom for a, b in itertools.pairwise(lines[max(0, i - 6):i])]
    widest = max(blanks, default=0.0)
    return max(lines[i].top - lines[i - 1].bottom, lines[i + 1].top - lines[i].bottom) <= widest + 0.5


def _split_at_headings(lines: list[Line], settings: TextSettings, bands: Sequence[BBox] = ()) -> list[list[Line]]:
    """Split a block where two tables meet.

    At a single-cell line across the columns: a heading in a larger font, a run of such lines
    (notes, then a title), or a line whose next rows do not fit the columns above, starts another
    table (a section row in the table's own size does not). At the edge of a shaded band: a card's
    shaded title rows, their long texts across the columns of the figures below, are a table of
    their own (a shaded header row is not).
    """
    shaded = [_on_band(ln, [ln], bands) for ln in lines]
    multi = [_multi(ln, settings) for ln in lines]
    for i, line in enumerate(lines):
        heading = not multi[i]
        # Only the first band edge, with the block starting on the band: a title block on top
        # (zebra-striped rows have an edge at every row).
        edge = i > 0 and shaded[0] and shaded[i - 1] and not shaded[i] and all(shaded[:i]) and multi[i]
        if not heading and not edge:
            continue
        above, below = lines[:i], lines[i + 1 :] if heading else lines[i:]
        near_above = [ln for ln in above if _multi(ln, settings)][-5:]
        near_below = [ln for ln in below if _multi(ln, settings)][:5]
        need = 3 if heading else 2
        if len(near_above) < need or len(near_below) < need:
            continue
        if heading:
            gap = settings.chunk_gap
            seps = separators(above, settings)
            if not _crossed(line, seps, gap):
                continue  # within one column: a wrapped cell or a section label, not a heading
            bigger = line.size >= 1.15 * median(ln.size for ln in near_above)
            # Two lines across the columns in a row: notes, then the next table's title.
            notes = i + 1 < len(lines) and not multi[i + 1] and _crossed(lines[i + 1], seps, gap) > 0
            # The columns below do not fit those above (judged only with enough rows above).
            # Unless the line follows a line of the rows' size (no title), set as the table's rows
            # are (no wider gap around it than between them), and columns drawn over both parts fit
            # them both: a section row over a longer label (wrapped in a label column wider than the
            # labels above needed) is no other table.
            joint = separators(near_above + near_below, settings)
            misfit = sum(multi[:i]) >= 4 and _crossing(near_below, seps, settings) > 0.5 and not (
                lines[i - 1].size < 1.15 * median(ln.size for ln in near_above) and _set_as_rows(lines, i)
                and _crossing(near_above + near_below, joint, settings) <= 0.25)
            split = bigger or notes or misfit
        else:
            band_side, other = (near_above, near_below) if shaded[i - 1] else (near_below, near_above)
            split = _crossing(band_side, separators(other, settings), settings, min_words=4) > 0
        if split:
            rest = [line, *below] if heading else below
            return [above, *_split_at_headings(rest, settings, bands)]
    return [lines]


def _trim(block: list[Line], settings: TextSettings, bands: Sequence[BBox]) -> list[Line]:
    """Drop leading and trailing lines that are not rows of the table: titles, notes, headings.

    Kept: a single-cell line on a shaded band across the table (its title row), and a trailing line
    that carries on the last row's wrapped text.
    """
    while block:
        seps = separators(block, settings)
        first, last = block[0], block[-1]
        if (
            not _multi(first, settings)
            and not _on_band(first, block, bands)
            and not _group_header(block, seps, settings)
        ) or (
            _multi(first, settings)
            and (not _aligned(first, seps, settings) or _titled(first, seps, settings, block[1:]))
        ):
            block = block[1:]
        elif not _multi(last, settings) and not _on_band(last, block, bands) and not _wraps(block, seps, settings):
            block = block[:-1]
        else:
            break
    return block


def _group_header(block: list[Line], seps: Sequence[float], settings: TextSettings) -> bool:
    """Is the block's first line (one cell) a header over a group of columns (`Latest statistics`
    over `Birmingham SN National`): right of the first column, close above a header line, and a few
    words or centred over a run of the columns below? Its wrapped lines may come between, and it
    may head another such heading (those two in the header's own size)."""
    if len(block) < 2 or not seps:
        return False
    first = block[0]
    k = 1  # past the heading's own wrapped lines: one cell each, close under it, within its width or centred
    while (
        k < len(block) - 1
        and not _multi(block[k], settings)
        and block[k].top - block[k - 1].bottom <= settings.merge_gap * first.size
        and (
            (first.x0 - first.size <= block[k].x0 and block[k].x1 <= first.x1 + first.size)
            # or centred under it: a centred heading's next line may be the wider one
            or abs((block[k].x0 + block[k].x1) / 2 - (first.x0 + first.x1) / 2) <= first.size
        )
    ):
        k += 1
    nxt = block[k]
    if not (
        first.x0 > seps[0]
        and first.x1 <= max(ln.x1 for ln in block[1:]) + first.size
        and nxt.top - block[k - 1].bottom <= 1.05 * first.size
        and not _has_number(nxt, settings)
    ):
        return False
    if k == 1 and len(first.words) < settings.prose_words and _multi(nxt, settings):
        return True
    # Stacked or long headings: in the header's own size (a title over the table is bigger).
    if abs(first.size - nxt.size) > 0.1 * nxt.size:
        return False
    if not _multi(nxt, settings):  # a heading over a heading over the columns (`2022` over `Jan`)
        return len(first.words) < settings.prose_words and _group_header(block[k:], seps, settings)
    extent = _column_extents(block[k:], seps, settings.chunk_gap)
    return _centred_over(first.x0, first.x1, first.size, seps, extent, max(ln.x1 for ln in block[k:]))


def _titled(line: Line, seps: Sequence[float], settings: TextSettings, below: Sequence[Line] = ()) -> bool:
    """A title line (`Table 2.   Actual and projected numbers for ...`): a sentence across columns.

    Not a heading centred over a run of the columns below (`Number of cases resolved in the agreed
    timescale` over its breakdowns): a title is set from the left, whatever columns it runs over.
    """
    extent = _column_extents(below, seps, settings.chunk_gap)
    right = max((ln.x1 for ln in below), default=line.x1)
    wrapped = [
        ln for ln in below[:1]
        if not _multi(ln, settings) and ln.top - line.bottom <= settings.merge_gap * line.size
    ]
    return any(
        len(run) >= settings.prose_words
        and any(run[0].x0 < s < run[-1].x1 for s in seps)
        and not (
            _centred_over(run[0].x0, run[-1].x1, run[0].size, seps, extent, right)
            # its wrapped rest, if any, centred under it too (a title's is set from the left)
            and all(
                abs((ln.x0 + ln.x1) / 2 - (run[0].x0 + run[-1].x1) / 2) <= ln.size
                for ln in wrapped
                if run[0].x0 - ln.size <= ln.x0 and ln.x1 <= run[-1].x1 + ln.size
            )
        )
        for run in chunks(line, settings.chunk_gap)
    )


def _column_extents(lines: Sequence[Line], seps: Sequence[float], chunk_gap: float) -> dict[int, tuple[float, float]]:
    """Per column, the left and right edges of the text inside it (chunks across a separator left out)."""
    extent: dict[int, tuple[float, float]] = {}
    for line in lines:
        for run in chunks(line, chunk_gap):
            x0, x1 = run[0].x0, run[-1].x1
            if any(x0 < s < x1 for s in seps):
                continue
            col = _column(x0, seps)
            a, b = extent.get(col, (x0, x1))
            extent[col] = (min(a, x0), max(b, x1))
    return extent


def _centred_over(
    x0: float,
    x1: float,
    em: float,
    seps: Sequence[float],
    extent: dict[int, tuple[float, float]],
    right_edge: float | None = None,
) -> bool:
    """Is the text x0..x1 centred over the text of a run of columns round the ones it touches (a
    column or two more on either side: a heading may be narrower than its columns)? Not the first
    column's: a heading groups columns right of the row labels (a title is centred over them all).

    Or centred over the columns themselves, from separator to separator (to `right_edge`, the
    text's right edge, for the last column): a heading centred on its cells over figures set
    to the right and sub-headings centred (`Total value of licences closed` over `Male Female`)."""
    a, b = _column(x0, seps), _column(x1, seps)
    mid = (x0 + x1) / 2
    for lo, hi in itertools.product(range(a, a - 3, -1), range(b, b + 3)):
        if lo >= 1 and lo in extent and hi in extent and lo < hi:
            left, right = extent[lo][0], extent[hi][1]
            if abs(mid - (left + right) / 2) <= 0.03 * (right - left) + 0.5 * em:
                return True
            box_left, box_right = seps[lo - 1], seps[hi] if hi < len(seps) else right_edge
            width = box_right - box_left if box_right is not None else 0.0
            if box_right is not None and abs(mid - (box_left + box_right) / 2) <= 0.03 * width + 0.5 * em:
                return True
    return False


def _aligned(line: Line, seps: Sequence[float], settings: TextSettings) -> bool:
    """Does one of the line's gaps hold a column separator?"""
    runs = chunks(line, settings.chunk_gap)
    return any(a[-1].x1 <= s <= b[0].x0 for a, b in itertools.pairwise(runs) for s in seps)


def _wraps(block: list[Line], seps: Sequence[float], settings: TextSettings) -> bool:
    """Is the block's last line (one cell) the wrapped end of the cell above it?"""
    if len(block) < 2:
        return False
    gap = settings.chunk_gap
    last, above = block[-1], block[-2]
    if last.top - above.bottom > settings.merge_gap * last.size or _crossed(last, seps, gap):
        return False
    if _crossed(above, seps, gap) or _has_number(last, settings):
        return False  # the line above runs across the columns: a paragraph, not a cell
    piece = pieces_of(last, seps, gap)[0]
    prev = [p for p in pieces_of(above, seps, gap) if p.first_col == piece.first_col == p.last_col]
    widths = [
        p.x1 - p.x0 for ln in block for p in pieces_of(ln, seps, gap) if p.first_col == p.last_col == piece.first_col
    ]
    return bool(prev) and _wrapped(prev[0], piece, max(widths))


def find_blocks(lines: list[Line], settings: TextSettings, bands: Sequence[BBox] = ()) -> list[list[Line]]:
    """Runs of lines that line up in columns: split at wide blanks, paragraphs, repeated headers and
    headings between tables of different columns; titles and notes trimmed off."""
    regions: list[list[Line]] = []
    for line in lines:
        if regions and line.top - regions[-1][-1].bottom <= settings.block_gap * line.size:
            regions[-1].append(line)
        else:
            regions.append([line])
    parts: list[list[Line]] = []
    for region in regions:
        left = min(ln.x0 for ln in region)
        width = max(ln.x1 for ln in region) - left
        part: list[Line] = []
        prose_run = 0
        for k, line in enumerate(region):
            # a paragraph starts at the region's left edge (or an indent); lines set well in from
            # it (a heading centred over columns, wrapped) are not running text
            if not _is_prose_line(line, width, settings) or line.x0 - left > 3 * line.size:
                prose_run = 0
            elif prose_run and line.x0 <= region[k - 1].x0 + line.size:
                prose_run += 1  # the paragraph's next line: from its left edge, left of an indent
            else:
                prose_run = 1  # a title over a heading set further right is no paragraph
            if prose_run >= 2:  # a paragraph between two tables ends the first
                parts.append(part[:-1])
                part = []
                continue
            part.append(line)
        parts.append(part)
    out = []
    for part in parts:
        for piece in _split_repeated_headers(part, settings):
            for block in _split_at_headings(piece, settings, bands):
                block = _trim(block, settings, bands)
                if sum(1 for ln in block if _multi(ln, settings)) >= settings.min_rows:
                    out.append(block)
    return out


# ---------------------------------------------------------------------------------------------
# Rows: a wrapped cell's lines are one row
# ---------------------------------------------------------------------------------------------


def is_number(text: str) -> bool:
    return bool(_NUMBER.match(text.replace(" ", ""))) or text.strip() in {"%", "-", "–", "—"}


# What a table prints in place of a figure it does not have: a cell of a column of figures.
_PLACEHOLDERS = frozenset({"n/a", "n/k", "n.a.", "na", "nk", "tbc", "tbd", "..", "…", "x", "*", "nil"})


def is_figure(text: str) -> bool:
    """A number that is not a year, a period label or a date (`2014/15`, `15/16`, `2009`, `31.3.24`):
    body, not header."""
    return is_number(text) and not _PERIOD.match(text.strip())


def _wrapped(prev: CellPiece, nxt: CellPiece, width: float) -> bool:
    """Did the renderer break prev's text here: is prev's line too full for nxt's first word?

    A cell's text wraps only when the next word does not fit, so prev's line and that word are
    together wider than the cell, which is at least as wide as the column's widest text. A short
    line followed by another is a list, not a wrapped cell (camelot and tabula read it the same way).
    Widths rather than right edges, so that centred text is judged the same as left-aligned.
    """
    first, last = nxt.words[0], prev.words[-1]
    if first.font != last.font or abs(first.size - last.size) > 0.5:
        return False  # a bold section label over a plain row, a heading over its text
    space = 0.25 * first.size
    return (prev.x1 - prev.x0) + space + (first.x1 - first.x0) > width or prev.text.endswith("-")


_CONNECTIVES = frozenset({
    "a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on", "or", "per", "than", "that",
    "the", "to", "with", "within", "without",
})


def _open_ended(text: str) -> bool:
    """Does the text stop mid-phrase (`... worker in the`, `Children,`), so that the next line goes on with it?"""
    last = text.rsplit(" ", 1)[-1]
    return last in _CONNECTIVES or text.endswith((",", "-", "&", "/", "("))


def _continues(row: Row, line: list[CellPiece], gap: float, widths: dict[int, float], settings: TextSettings) -> bool:
    """Is this line the wrapped continuation of the row's cells rather than a new row?"""
    size = median(w.size for p in line for w in p.words)
    if gap > settings.merge_gap * size:
        return False
    latest: dict[int, CellPiece] = {}
    for earlier in row.lines:
        for piece in earlier:
            for col in range(piece.first_col, piece.last_col + 1):
                latest[col] = piece
    if any(_under_span(p, latest, line) for p in line):
        # The second line of a merged cell (`New contract measure` / `for 2015/16`) carries on
        # the cell above it, when the rest of the line carries on too.
        return all(_under_span(p, latest, line) or _carries_on(p, latest, widths) for p in line)
    if any(p.last_col != p.first_col for p in line):
        return False
    lead = min(latest) if latest else 0
    label_only = set(latest) == {lead}
    label = next((p for p in line if p.first_col <= lead), None)
    if label is not None:
        if label.first_col < lead or lead not in latest:
            return False
        wrapped = _wrapped(latest[lead], label, widths.get(lead, 0.0))
        if label_only:
            return wrapped  # a wrapped label, its figures on the last line
        # Text in the row's first column starts a new row, unless it carries on mid-sentence, or
        # the line only carries on a few of the row's cells (a group label wrapping down the side).
        few = 2 * len(line) <= len({p.first_col for p in row.pieces()})
        prev_text = latest[lead].text
        mid_sentence = (not label.text[:1].isupper() and not is_number(prev_text)) or _open_ended(prev_text)
        if not (wrapped and (mid_sentence or few)):
            return False
    # A figure under text may be that text's wrapped end (`carried forward from` / `2016/17.`);
    # a figure under a figure is the next row.
    return all(_carries_on(piece, latest, widths, True) for piece in line)


def _under_span(piece: CellPiece, latest: dict[int, CellPiece], line: list[CellPiece]) -> bool:
    """Is the piece, alone on its line, within the columns of a spanning cell above it and in the
    same font? (Several pieces under one spanning cell are the sub-headers of a group header.)"""
    above = latest.get(piece.first_col)
    return (
        above is not None
        and above.last_col > above.first_col
        and above.first_col <= piece.first_col
        and piece.last_col <= above.last_col
        and above.words[-1].font == piece.words[0].font
        and not any(q is not piece and above.first_col <= q.first_col <= above.last_col for q in line)
    )


def _carries_on(
    piece: CellPiece, latest: dict[int, CellPiece], widths: dict[int, float], figures: bool = False
) -> bool:
    """Is the piece the wrapped rest of the one-column cell above it? A unit may be (`100` / `%`);
    a figure only when `figures` allows it and the cell above is text."""
    prev = latest.get(piece.first_col)
    if prev is None or prev.last_col != prev.first_col or piece.last_col != piece.first_col:
        return False
    if piece.text == "%":
        return True
    if is_number(piece.text) and (not figures or is_number(prev.text)):
        return False
    return _wrapped(prev, piece, widths.get(piece.first_col, 0.0))


def group_rows(piece_lines: list[tuple[Line, list[CellPiece]]], settings: TextSettings) -> list[Row]:
    widths: dict[int, float] = {}
    for _, pieces in piece_lines:
        for p in pieces:
            if p.first_col == p.last_col:
                widths[p.first_col] = max(widths.get(p.first_col, 0.0), p.x1 - p.x0)
    rows: list[Row] = []
    for line, pieces in piece_lines:
        if rows and _continues(rows[-1], pieces, line.top - rows[-1].bottom, widths, settings):
            rows[-1].lines.append(pieces)
            rows[-1].bottom = max(rows[-1].bottom, line.bottom)
        elif rows and (owner := _merged_down(rows, pieces, widths, settings)) is not None:
            rows[owner].down[pieces[0].first_col] = len(rows) - 1
            rows[owner].below += pieces
        else:
            rows.append(Row([pieces], line.top, line.bottom))
    return rows


def _merged_down(
    rows: list[Row], line: list[CellPiece], widths: dict[int, float], settings: TextSettings
) -> int | None:
    """The earlier row whose cell this lone line carries on, the column empty in the rows since:
    a group label down the side, centred on the rows it groups, so that its second line falls
    beside the next row. That cell is merged down over those rows, as a ruled table draws it."""
    if len(line) != 1 or line[0].last_col != line[0].first_col or is_number(line[0].text):
        return None
    piece, col = line[0], line[0].first_col
    for k in range(len(rows) - 2, -1, -1):
        if any(p.first_col <= col <= p.last_col for p in rows[k + 1].pieces()):
            return None
        above = [p for p in rows[k].pieces() + rows[k].below if p.first_col <= col <= p.last_col]
        if above:
            last = max(above, key=lambda p: p.words[0].top)
            gap = piece.words[0].top - max(w.bottom for w in last.words)
            close = gap <= settings.merge_gap * piece.words[0].size
            return k if close and last.last_col == col and _wrapped(last, piece, widths.get(col, 0.0)) else None
    return None


# ---------------------------------------------------------------------------------------------
# A block to cell rectangles
# ---------------------------------------------------------------------------------------------


def _is_prose(piece: CellPiece, prose_words: int) -> bool:
    words = piece.text.split()
    letters = sum(ch.isalpha() for ch in piece.text)
    return len(words) >= prose_words and letters >= 0.6 * len(piece.text)


# A list's bullet or number: one symbol (a private-use glyph of a symbol font too), `(cid:2)`, `3.`, `(b)`, `iv)`.
_MARKER = re.compile(r"^([^\w\s]|[\ue000-\uf8ff]|\(cid:\d+\)|\(?([0-9]{1,2}|[a-zA-Z]|[ivx]{1,4})[.)])$")


def _prose_share(rows: list[Row], prose_words: int) -> float:
    """Share of the table's columns whose cell lines mostly read as prose.

    A table may have a column of running text (commentary, descriptions) beside its keys and
    figures; a page set in two columns of running text, or a bulleted or numbered list (a column
    of markers beside running text), has nothing else.
    """
    per_column: dict[int, list[bool]] = {}
    markers: dict[int, list[bool]] = {}
    for row in rows:
        for piece in row.pieces():
            per_column.setdefault(piece.first_col, []).append(_is_prose(piece, prose_words))
            markers.setdefault(piece.first_col, []).append(bool(_MARKER.match(piece.text)))
    columns = [c for c in per_column if sum(markers[c]) * 5 < len(markers[c]) * 3]  # not mostly markers
    prose = sum(1 for c in columns if sum(per_column[c]) * 2 >= len(per_column[c]))
    return prose / max(1, len(columns))


def _is_section(row: Row, rows: list[Row], bands: Sequence[BBox]) -> bool:
    """A lone label on a shaded band, or in another font than the labels of the rows with figures."""
    pieces = row.pieces()
    if len(pieces) != 1:
        return False
    word = pieces[0].words[0]
    cy = (word.top + word.bottom) / 2
    if any(b[1] <= cy <= b[3] and b[0] <= word.x0 <= b[2] for b in bands):
        return True
    body_fonts = {
        p.words[0].font for r in rows if len(r.pieces()) > 1 for p in r.pieces() if p.first_col == pieces[0].first_col
    }
    return bool(body_fonts) and word.font not in body_fonts


def build_table(block: list[Line], settings: TextSettings, bands: Sequence[BBox] = ()) -> TextTable | None:
    seps = separators(block, settings)
    if not seps:
        return None
    piece_lines = [(line, pieces_of(line, seps, settings.chunk_gap)) for line in block]
    n_cols = len(seps) + 1
    used = {c for _, pieces in piece_lines for p in pieces for c in range(p.first_col, p.last_col + 1)}
    if len(used) < settings.min_cols:
        return None
    _widen_centred_headers(piece_lines, n_cols, settings)
    rows = group_rows(piece_lines, settings)
    if len(rows) < settings.min_rows:
        return None
    prose = _prose_share(rows, settings.prose_words)

    # The outer columns as wide as their text and a cell's padding (an em), as their neighbours are
    # to the separators: a line of a centred heading ending short of the edge is no broken word.
    em = median(line.size for line in block)
    left = min(line.x0 for line in block) - em
    right = max(line.x1 for line in block) + em
    xs = [left, *_fit_pieces(seps, [p for _, pieces in piece_lines for p in pieces]), right]
    ys = [rows[0].top - 1.0]
    for a, b in itertools.pairwise(rows):
        ys.append((a.bottom + b.top) / 2)
    ys.append(rows[-1].bottom + 1.0)
    rects: list[BBox] = []
    covered = {(r, c) for k, row in enumerate(rows) for c, end in row.down.items() for r in range(k + 1, end + 1)}
    first_body = next((r for r, row in enumerate(rows) if any(is_figure(p.text) for p in row.pieces())), 0)
    for r, row in enumerate(rows):
        for first, last in _row_spans(row, n_cols, _is_section(row, rows, bands), r < first_body):
            if (r, first) in covered:
                continue
            end = row.down.get(first, r) if first == last else r
            rects.append((xs[first], ys[r], xs[last + 1], ys[end + 1]))
    bbox = (left, ys[0], right, ys[-1])
    return TextTable(rects, bbox, len(rows), n_cols, prose)


def _fit_pieces(seps: Sequence[float], pieces: Sequence[CellPiece]) -> list[float]:
    """Separators moved, where they can be, so that every one-column piece lies in its column (to
    half a point, as `geometry.cut_words` judges a grid): a piece let into its column by a fraction
    of a character (`NFHS-2 (1998-99)` by its `)`) keeps it, if no piece of the next column starts
    there."""
    out = list(seps)
    for k, s in enumerate(seps):
        lo = max((p.x1 - 0.5 for p in pieces if p.first_col == p.last_col == k), default=-np.inf)
        hi = min((p.x0 + 0.5 for p in pieces if p.first_col == p.last_col == k + 1), default=np.inf)
        if lo < hi and not lo < s < hi and np.isfinite(lo) and np.isfinite(hi):
            out[k] = min(max((lo + hi) / 2, out[k - 1] if k else -np.inf), seps[k + 1] if k + 1 < len(seps) else np.inf)
    return out


def _widen_centred_headers(
    piece_lines: list[tuple[Line, list[CellPiece]]], n_cols: int, settings: TextSettings
) -> None:
    """A header centred over several columns (`Thresholds` over `RI Good Outs.`) spans them.

    Only in the header (lines above the first figure), bottom up: a heading with empty neighbours
    on its line, centred over the content of a run of columns that the header lines below fill,
    of the same kind as its own (figures or labels), cutting no sub-heading below it in two (see
    `_centred_span`). A wrapped line of a heading spans what its first line spans; the first line
    of a heading wrapped within its column (`Any` / `modern` / `method`) heads that column alone.
    """
    first_body = next(
        (i for i, (_, pieces) in enumerate(piece_lines) if any(is_figure(p.text) for p in pieces)), len(piece_lines)
    )
    extent: dict[int, tuple[float, float]] = {}
    kinds: dict[int, list[bool]] = {}
    for _, pieces in piece_lines[first_body:]:
        for p in pieces:
            if p.first_col == p.last_col:
                a, b = extent.get(p.first_col, (p.x0, p.x1))
                extent[p.first_col] = (min(a, p.x0), max(b, p.x1))
                kinds.setdefault(p.first_col, []).append(is_number(p.text) or p.text.strip().lower() in _PLACEHOLDERS)
    # Columns of figures: a heading over some of them spans no column of labels beside them.
    figures = {c for c, said in kinds.items() if 2 * sum(said) >= len(said)}
    # A column blank in the body (a table of one row) is as wide as its sub-heading, and of figures
    # beside figures; a column's text takes in its sub-heading (a heading is centred over the run
    # of its sub-headings, however narrow the figures under them, set to the right).
    if first_body:
        for p in piece_lines[first_body - 1][1]:
            if p.first_col == p.last_col and p.first_col not in extent:
                extent[p.first_col] = (p.x0, p.x1)
                if {p.first_col - 1, p.first_col + 1} & figures:
                    figures.add(p.first_col)
            elif p.first_col == p.last_col:
                a, b = extent[p.first_col]
                extent[p.first_col] = (min(a, p.x0), max(b, p.x1))
    # Bottom up: a heading is placed over its sub-headings once they are placed over theirs.
    for i in range(min(first_body, len(piece_lines) - 1) - 1, -1, -1):
        pieces = piece_lines[i][1]
        below = {
            c for _, more in piece_lines[i + 1 : first_body] for p in more for c in range(p.first_col, p.last_col + 1)
        }
        after = piece_lines[i + 1][1]
        line = piece_lines[i][0]
        above = piece_lines[i - 1] if i else None
        close = above is not None and line.top - above[0].bottom <= settings.merge_gap * line.size
        nxt = piece_lines[i + 1][0]
        tight = nxt.top - line.bottom <= settings.merge_gap * line.size
        for p in pieces:
            if close and any(q.x0 < p.x1 and p.x0 < q.x1 for q in above[1]):  # type: ignore[index]
                continue  # a wrapped line of the heading above: it spans what that spans
            if tight and p.first_col == p.last_col and any(q.x0 < p.x1 and p.x0 < q.x1 for q in after):
                continue  # the first line of a heading wrapped in its column (`Any` / `modern` / `method`)
            others = {c for q in pieces if q is not p for c in range(q.first_col, q.last_col + 1)}
            same = figures if p.first_col in figures else set(extent) - figures
            best = _centred_span(p, others | (set(extent) - same), below, extent, n_cols, after)
            if best:
                p.first_col, p.last_col = best


def _centred_span(
    p: CellPiece,
    taken: set[int],
    below: set[int],
    extent: dict[int, tuple[float, float]],
    n_cols: int,
    after: Sequence[CellPiece] = (),
) -> tuple[int, int] | None:
    """The run of columns round p's own, free on p's line and filled below, that p is centred over.

    Headings nest: the run cuts no sub-heading of the next line (`after`, placed already) in two.
    A heading no wider than its column must have sub-headings under both ends of the run on the
    next line, and be centred over the run rather than over its column, or group two sub-headings
    or more (`Mar` over `Male Female`; `2017` centred over `Oct Nov Dec` is centred over `Nov` too).
    Of concentric runs the best centred wins, the wider when they are about as well centred
    (`Thresholds` over `RI Good Outs.` is centred over `Good` alone too).
    """
    em = p.words[0].size
    own = p.first_col
    mid = (p.x0 + p.x1) / 2
    narrow = p.last_col == own and (own not in extent or p.x1 - p.x0 <= extent[own][1] - extent[own][0] + 0.5 * em)
    if narrow and own not in extent:
        return None
    own_error = abs(mid - (extent[own][0] + extent[own][1]) / 2) if narrow else float("inf")
    best: tuple[int, int] | None = None
    best_error = float("inf")
    for a in range(p.first_col, -1, -1):
        if a < p.first_col and (a in taken or a not in extent):
            break
        for b in range(p.last_col, n_cols):
            if b > p.last_col and (b in taken or b not in extent):
                break
            if (a, b) == (p.first_col, p.last_col) or not all(c in below for c in range(a, b + 1)):
                continue
            if a not in extent or b not in extent:
                continue
            left, right = extent[a][0], extent[b][1]
            error = abs(mid - (left + right) / 2)
            if error > 0.03 * (right - left) + 0.5 * em:
                continue
            if narrow and not (_sub_headed(a, b, after) and (error < own_error - 0.5 * em or _grouping(a, b, after))):
                continue
            if any(q.first_col < a <= q.last_col or q.first_col <= b < q.last_col for q in after):
                continue
            if (
                best is None
                or error < best_error - 0.25 * em
                or (error <= best_error + 0.25 * em and b - a > best[1] - best[0])
            ):
                best, best_error = (a, b), min(error, best_error)
    return best


def _sub_headed(a: int, b: int, line: Sequence[CellPiece]) -> bool:
    """Does the line hold a piece under each end of the run a..b, none of them reaching outside?"""
    inside = [q for q in line if q.last_col >= a and q.first_col <= b]
    filled = {c for q in inside for c in range(q.first_col, q.last_col + 1)}
    return all(a <= q.first_col and q.last_col <= b for q in inside) and {a, b} <= filled


def _grouping(a: int, b: int, line: Sequence[CellPiece]) -> bool:
    """Are there two headings or more on the line under the run a..b (it groups them)?"""
    return sum(1 for q in line if a <= q.first_col and q.last_col <= b) >= 2


def _row_spans(row: Row, n_cols: int, section: bool = False, header: bool = False) -> list[tuple[int, int]]:
    """Column ranges of the row's cells: spanning pieces merged; a section or title row (a lone
    label across several columns, or marked as one by `section`) is one cell across the table, as
    a ruled table prints it.

    In the header (rows above the first figure) a heading keeps its own columns, alone on its row
    or not (`2022-23` over its quarters, not over the Target column beside them; a lone line from
    the first column is the table's title), and the lines of a heading wrapped over several
    columns are one cell over all the columns any of them crosses.
    """
    pieces = row.pieces()
    lone = len(row.lines) == 1 and len(pieces) == 1
    if header and not (lone and pieces[0].first_col == 0):
        return _header_spans(pieces, n_cols)
    if lone and (section or pieces[0].last_col > pieces[0].first_col):
        first = pieces[0].first_col
        return [(0, n_cols - 1)] if first == 0 else [(0, first - 1), (first, n_cols - 1)]
    owner = list(range(n_cols))
    claimed: set[int] = set()
    # Widest first: a merged cell's second line inside its columns is part of it, not a rival.
    for piece in sorted(pieces, key=lambda p: (p.first_col - p.last_col, p.first_col)):
        cols = set(range(piece.first_col, piece.last_col + 1))
        inside = [q for q in pieces if q is not piece and cols & set(range(q.first_col, q.last_col + 1))]
        if (
            piece.last_col > piece.first_col
            and not cols & claimed
            and all(
                q.last_col - q.first_col < piece.last_col - piece.first_col
                and cols.issuperset(range(q.first_col, q.last_col + 1))
                for q in inside
            )
        ):
            for c in cols:
                owner[c] = piece.first_col
            claimed |= cols
    return _spans_of(owner)


def _header_spans(pieces: list[CellPiece], n_cols: int) -> list[tuple[int, int]]:
    """A header row's cells: pieces whose columns overlap, on one line or several, are one cell."""
    owner = list(range(n_cols))
    groups: list[tuple[int, int]] = []
    for piece in sorted(pieces, key=lambda p: p.first_col):
        if groups and piece.first_col <= groups[-1][1]:
            groups[-1] = (groups[-1][0], max(groups[-1][1], piece.last_col))
        else:
            groups.append((piece.first_col, piece.last_col))
    for first, last in groups:
        for c in range(first, last + 1):
            owner[c] = first
    return _spans_of(owner)


def _spans_of(owner: list[int]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for c, o in enumerate(owner):
        if spans and o == spans[-1][0]:
            spans[-1] = (spans[-1][0], c)
        else:
            spans.append((c, c))
    return spans


def find_text_tables(
    chars: Sequence[dict[str, Any]], settings: Mapping[str, Any] | TextSettings | None = None,
    bands: Sequence[BBox] = (),
) -> list[TextTable]:
    """Every table the page's text alignment shows, as cell rectangles (in the chars' coordinates).

    settings: the engine's knobs, extractors.settings.TextSettings or a dict of overrides of its defaults.
    bands: shaded rectangles of the page (row or title backgrounds), a hint that a line belongs to
    the table it heads.
    """
    settings = TextSettings.resolve(settings)
    lines = group_lines(chars, settings.word_gap)
    out = []
    seen = _SEPARATORS_SEEN.set({})  # the page's lines live until the end of the call, and the answers with them
    try:
        for block in find_blocks(lines, settings, bands):
            table = build_table(block, settings, bands)
            if table is not None:
                out.append(table)
    finally:
        _SEPARATORS_SEEN.reset(seen)
    return out
