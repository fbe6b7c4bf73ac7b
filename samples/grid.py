"""The printed grid of a report, shared by the PDF and Word writers: its cells, merges and
header rows per style, the column widths, word wrapping, fonts, colours and page sizes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reportlab.lib.pagesizes import A4, landscape, letter
from reportlab.pdfbase.pdfmetrics import stringWidth

from samples.model import ReportModel

FONT, BOLD, ITALIC = "Helvetica", "Helvetica-Bold", "Helvetica-Oblique"
SIZE, LEADING = 7.0, 8.4
HPAD, VPAD = 3.0, 2.0
MARGIN = 30.0
NAVY, PALE, GREY, SHADE = "#1F3B5A", "#DCE6F1", "#EDEDED", "#E4E4E4"


@dataclass
class _Grid:
    rows: list[list[str]]
    spans: list[tuple[int, int, int, int]]  # (row0, col0, row1, col1), inclusive
    header_rows: int
    kinds: list[str]  # per row: header | section | body
    flex: dict[int, float]  # columns that share the width left over, by weight
    left: set[int]  # left-aligned columns
    shaded: set[tuple[int, int]]  # new-measure cells
    header_fill: str
    header_ink: str
    widths: list[float] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)  # fixed share of the width per column, when set


def _grid(model: ReportModel) -> _Grid:
    if model.style == "contract":
        return _contract_grid(model)
    if model.style == "target":
        return _target_grid(model)
    return _improvement_grid(model)


_TARGET_WEIGHTS = [0.175, 0.12, 0.08, 0.155, 0.085, 0.145, 0.24]


def _target_grid(model: ReportModel) -> _Grid:
    rows = [list(model.headers)]
    for m in model.measures:
        rows.append([m.printed_label, m.latest_text, m.prior_target, m.benchmark_text, m.target_text,
                     m.bands_text, m.rationale])
    kinds = ["header"] + ["body"] * len(model.measures)
    return _Grid(rows, [], 1, kinds, {}, set(range(7)), set(), model.header_fill or NAVY, "#FFFFFF",
                 weights=list(_TARGET_WEIGHTS))


def _contract_grid(model: ReportModel) -> _Grid:
    lead = ["Measure Type", "Measure", "Reporting Frequency", "Polarity", "Target", "Tolerance"]
    if model.benchmark_column:
        lead.append("Benchmarking data available")
    tail = ["Position", "6 month Trend"]
    p0, n_p = len(lead), len(model.periods)
    top = lead + [""] * n_p + tail
    spans = [(0, c, 1, c) for c in range(len(lead))]
    spans += [(0, p0 + n_p + k, 1, p0 + n_p + k) for k in range(len(tail))]
    for j, p in enumerate(model.periods):
        if j == 0 or model.periods[j - 1].top != p.top:
            top[p0 + j] = p.top
            width = sum(1 for q in model.periods if q.top == p.top)
            if width > 1:
                spans.append((0, p0 + j, 0, p0 + j + width - 1))
    rows = [top, [""] * len(lead) + [p.bottom for p in model.periods] + [""] * len(tail)]
    kinds = ["header", "header"]
    shaded: set[tuple[int, int]] = set()
    for i, m in enumerate(model.measures):
        r = len(rows)
        first = i == 0 or model.measures[i - 1].section != m.section
        fields = [m.section if first else "", m.printed_label, m.frequency, m.polarity_text, m.target_text,
                  m.tolerance_text]
        if model.benchmark_column:
            fields.append(m.benchmark)
        values = list(m.values)
        if m.new_measure_span:
            values[: m.new_measure_span] = [m.new_measure_text] + [""] * (m.new_measure_span - 1)
            spans.append((r, p0, r, p0 + m.new_measure_span - 1))
            shaded.add((r, p0))
        rows.append(fields + values + [m.position_text, m.trend_text])
        kinds.append("body")
        if first:
            end = r + sum(1 for x in model.measures[i:] if x.section == m.section) - 1
            if end > r:
                spans.append((r, 0, end, 0))
    return _Grid(rows, spans, 2, kinds, {1: 1.0}, {0, 1}, shaded, NAVY, "#FFFFFF")


def _improvement_grid(model: ReportModel) -> _Grid:
    n_p = len(model.periods)
    last = 5 + n_p
    rows = [
        ["No", "Measure", "Thresholds", "", ""] + [p.top for p in model.periods] + ["Exception Commentary"],
        ["", "", "RI", "Good", "Outs."] + [p.bottom for p in model.periods] + [""],
    ]
    spans = [(0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 0, 4), (0, last, 1, last)]
    kinds = ["header", "header"]
    for i, m in enumerate(model.measures):
        if i == 0 or model.measures[i - 1].section != m.section:
            spans.append((len(rows), 0, len(rows), last))
            rows.append([m.section] + [""] * last)
            kinds.append("section")
        rows.append([m.number, m.printed_label, *m.thresholds, *m.values, m.commentary])
        kinds.append("body")
    return _Grid(rows, spans, 2, kinds, {1: 0.48, last: 0.52}, {0, 1, last}, set(), PALE, "#000000")


def _font(grid: _Grid, r: int, c: int) -> str:
    if grid.kinds[r] in ("header", "section"):
        return BOLD
    return ITALIC if (r, c) in grid.shaded else FONT


def _covered(grid: _Grid) -> dict[tuple[int, int], tuple[int, int, int, int]]:
    """Every cell inside a span, mapped to that span."""
    out = {}
    for span in grid.spans:
        r0, c0, r1, c1 = span
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                out[(r, c)] = span
    return out


def _layout(grid: _Grid, total: float) -> None:
    """Column widths: fixed columns as wide as their longest word, flexible ones share the rest."""
    if grid.weights:
        grid.widths = [total * w / sum(grid.weights) for w in grid.weights]
        return
    covered = _covered(grid)
    n_cols = len(grid.rows[0])
    minimum = [18.0] * n_cols
    for r, row in enumerate(grid.rows):
        for c, text in enumerate(row):
            span = covered.get((r, c))
            if not text or (span and span[1] != span[3]) or grid.kinds[r] == "section":
                continue
            font = _font(grid, r, c)
            widest = max(stringWidth(w, font, SIZE) for w in text.split())
            if c not in grid.flex and grid.kinds[r] == "body":
                # short phrases ("Bigger is better") may wrap as in narrow real columns; a figure may not
                widest = max(widest, min(stringWidth(text, font, SIZE), 44.0))
            minimum[c] = max(minimum[c], widest + 2 * HPAD)
    fixed = sum(w for c, w in enumerate(minimum) if c not in grid.flex)
    spare = max(total - fixed, 0.0)
    weight = sum(grid.flex.values())
    widths = list(minimum)
    for c, share in grid.flex.items():
        widths[c] = max(minimum[c], spare * share / weight)
    grid.widths = widths


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy word wrap; a word wider than the cell is broken, as word processors do."""
    lines: list[str] = []
    for para in text.split("\n"):
        current = ""
        for word in para.split():
            candidate = f"{current} {word}" if current else word
            if stringWidth(candidate, font, size) <= width:
                current = candidate
                continue
            if current:
                lines.append(current)
            while len(word) > 1 and stringWidth(word, font, size) > width:
                k = len(word) - 1
                while k > 1 and stringWidth(word[:k], font, size) > width:
                    k -= 1
                lines.append(word[:k])
                word = word[k:]
            current = word
        lines.append(current)
    return lines or [""]


_PAGES = {"A4": landscape(A4), "Letter": landscape(letter)}
