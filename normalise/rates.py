"""Rates tables: a measure per row, columns mixing the report's own periods and comparators.

    Rate per 10000 | Oct-18            | Birmingham Mar-18 | SN  | National | WM
    Referrals      | 514 (Rolling 12M) | 605               | 685 | 553      | 649
    Children in Care | 66              | 64*               | 74* | 62*      | 75*      * Mar-17 figures

Period columns give observations; comparator columns (names in vocabulary.toml) give benchmarks
for the period of the nearest period column to their left. What a column date means depends on
the figure: `(Rolling 12M)` is the twelve months to it; a rate of children in a state (in need,
in care: vocabulary `snapshot_measures`) is a count on that date; a rate of events under a March
column is that financial year. A footnote mark whose footnote names a period (`* Mar-17
figures`) moves the marked figure to that period.
"""

from __future__ import annotations

import re
from datetime import date

from scorecards.extractors.model import Table, TextLine
from scorecards.normalise.cards import comparator_name
from scorecards.normalise.cells import ParseError, parse_cell, parse_value_cell
from scorecards.normalise.periods import Period, add_months, month_end, parse_period
from scorecards.normalise.records import BenchmarkRow, Lineage, Measure, NormalisedDocument, Observation, QuarantineRow
from scorecards.normalise.rows import Row, RowPiece
from scorecards.normalise.values import unit_from_label
from scorecards.normalise.vocab import vocabulary

_ROLLING = re.compile(r"rolling\s*12", re.I)
MAX_HEADER_ROWS = 4


def _is_comparator_heading(text: str) -> bool:
    text = " ".join(text.split())
    return bool(text) and len(text.split()) <= 4 and comparator_name(text) is not None


def _has_figure(table: Table, r: int) -> bool:
    return any(parse_cell(c.text).value is not None for c in table.distinct_cells(r)[1:] if c.col > 0)


def header_rows(table: Table) -> int:
    for r in range(min(table.n_rows, MAX_HEADER_ROWS + 1)):
        if table.grid[r][0].text.strip() and _has_figure(table, r):
            return r
    return 0


def is_rates_table(table: Table) -> bool:
    """Comparator names heading two or more columns, beside at least one column headed by a period."""
    rows = header_rows(table)
    if rows == 0 or table.n_cols < 3:
        return False
    stacks = _stacks(table, rows)
    comparators = sum(1 for stack in stacks[1:] if any(_is_comparator_heading(t) for t in stack))
    periods = sum(1 for stack in stacks[1:] if _stack_period(stack) is not None)
    return comparators >= 2 and periods >= 1


def _stacks(table: Table, rows: int) -> list[list[str]]:
    return [
        [table.grid[r][c].text for r in range(rows) if table.grid[r][c].text.strip() and
         (table.grid[r][c].col == c or c == 0)]
        for c in range(table.n_cols)
    ]


def _stack_period(stack: list[str]) -> Period | None:
    for text in reversed(stack):
        period = parse_period(text)
        if period is not None and period.type == "month":
            return period
    return None


def footnote_periods(lines: list[TextLine]) -> dict[str, Period]:
    """`* Mar-17 figures` -> {'*': Mar-17}: footnotes that move marked figures to another period."""
    found: dict[str, Period] = {}
    for line in lines:
        match = re.match(r"^(\*+|†+)\s*(.+)$", line.text.strip())
        if match and len(match.group(2).split()) <= 6:
            period = parse_period(match.group(2))
            if period is not None and period.type == "month":
                found[match.group(1)] = period
    return found


def _is_snapshot(label: str) -> bool:
    lowered = " ".join(label.lower().split())
    return any(lowered == p or lowered.startswith(p + " ") for p in vocabulary()["snapshot_measures"]["phrases"])


def figure_period(month: Period, label: str, note: str) -> Period:
    """What a rate under a month column covers (see the module docstring)."""
    assert month.start is not None and month.end is not None
    if _ROLLING.search(note):
        return Period(month.label, "rolling_12_months", add_months(month.start, -11), month.end)
    if _is_snapshot(label):
        return Period(month.label, "point_in_time", month.end, month.end)
    if month.start.month == 3:
        return Period(month.label, "financial_year", date(month.start.year - 1, 4, 1), month.end)
    start = add_months(month.start, -11)
    return Period(month.label, "rolling_12_months", start, month_end(month.end.year, month.end.month))


def read_rates_table(table: Table, index: int, lines: list[TextLine], frequency: str,
                     out: NormalisedDocument) -> None:
    rows = header_rows(table)
    stacks = _stacks(table, rows)
    corner = " ".join(" ".join(stacks[0]).split())
    unit = unit_from_label(corner)
    footnotes = footnote_periods(lines)
    kinds = [("label", "", None), *_kinds(stacks[1:])]
    for r in range(rows, table.n_rows):
        label_cell = table.grid[r][0]
        label = " ".join(label_cell.text.split())
        if not label:
            continue
        out.measures.append(Measure(label, corner, frequency=frequency, page=label_cell.page, table_index=index,
                                    row_index=r))
        out.cite(Lineage(label_cell.page, index, r, 0, label_cell.bbox, table.engine))
        for c in range(1, table.n_cols):
            cell = table.grid[r][c]
            if cell.col != c:
                continue
            kind, name, month = kinds[c]
            where = Lineage(cell.page, index, r, c, cell.bbox, table.engine)
            rate_record(label, corner, unit, kind, name, month, cell.text, where, footnotes, out)


def rate_record(label: str, corner: str, unit: str, kind: str, name: str, month: Period | None, text: str,
                where: Lineage, footnotes: dict[str, Period], out: NormalisedDocument) -> None:
    """One cell of a rates table: an observation (period column) or a benchmark (comparator column)."""
    text = " ".join(text.split())
    if not text:
        if kind == "period" and month is not None:
            period = figure_period(month, label, "")
            out.observations.append(Observation(
                label, "", period.label, period.type, period.start, period.end, None, unit, None, None,
                "missing", "", "", where, section=corner))
        return
    try:
        parts = parse_value_cell(text)
    except ParseError as exc:
        out.quarantine.append(QuarantineRow(label, name, month.label if month else "", text, str(exc), where))
        return
    if len(parts) != 1 or month is None or kind not in ("period", "comparator"):
        why = "several figures in one cell" if len(parts) != 1 else "no period or comparator heads its column"
        out.quarantine.append(QuarantineRow(label, name, "", text, f"rates table: {why}", where))
        return
    part = parts[0]
    moved = footnotes.get(part.value.footnote) if part.value.footnote else None
    period = figure_period(moved or month, label, part.note)
    value = part.value
    if kind == "comparator":
        if value.value is not None:
            out.benchmarks.append(BenchmarkRow(
                label, name, period.label, period.start, period.end, value.value, value.unit or unit, text,
                where.page))
            out.cite(where)
        return
    out.observations.append(Observation(
        label, "", period.label, period.type, period.start, period.end, value.value, value.unit or unit,
        value.numerator, value.denominator, value.status or "", value.reported_rag, text, where,
        section=corner, footnote=value.footnote,
    ))


# --- the same table printed without rules, read from the document's rows (normalise.rows) -------------

COLUMN_GAP = 12.0  # points: figure ranges closer than a quarter of this share a column


def _comparator_row(row: Row) -> bool:
    return sum(1 for p in row.pieces if _is_comparator_heading(p.text)) >= 2 and not row.figures


def read_rates_rows(rows: list[Row], lines: list[TextLine], frequency: str, out: NormalisedDocument) -> None:
    """Every rates table in the row stream; rows read are marked consumed (owner `rates table`)."""
    i = 0
    while i < len(rows):
        if rows[i].consumed or not _comparator_row(rows[i]):
            i += 1
            continue
        i = _read_one(rows, i, lines, frequency, out)


def _read_one(rows: list[Row], i: int, lines: list[TextLine], frequency: str, out: NormalisedDocument) -> int:
    page = rows[i].page
    heads = [rows[i]]
    k = i - 1
    while k >= 0 and i - k <= 2 and rows[k].page == page and not rows[k].figures and not rows[k].consumed \
            and len(rows[k].text.split()) <= 12:
        heads.insert(0, rows[k])
        k -= 1
    j = i + 1
    while j < len(rows) and j - i <= 3 and rows[j].page == page and not rows[j].figures:
        heads.append(rows[j])
        j += 1
    data: list[tuple[Row, RowPiece, list[RowPiece]]] = []
    while j < len(rows) and rows[j].page == page and not rows[j].consumed:
        row = rows[j]
        label, figures = row.pieces[0], row.pieces[1:]
        if label.is_figure or not figures or not all(p.is_figure for p in figures):
            break
        data.append((row, label, figures))
        j += 1
    if not data:
        return i + 1
    boundary = min(p.x0 for _, _, figures in data for p in figures)
    columns = _columns([p for _, _, figures in data for p in figures])
    stacks: list[list[str]] = [[] for _ in columns]
    corner: list[str] = []
    for row in heads:
        for piece in row.pieces:
            if piece.centre < boundary:
                corner.append(piece.text)
                continue
            over = [c for c, (x0, x1) in enumerate(columns) if min(x1, piece.x1) - max(x0, piece.x0) > 0]
            if len(over) > 1:
                continue  # a group heading over several columns (`Latest published statistics`)
            c = over[0] if over else min(range(len(columns)),
                                         key=lambda c: abs((columns[c][0] + columns[c][1]) / 2 - piece.centre))
            stacks[c].append(piece.text)
    corner_text = " ".join(corner)
    unit = unit_from_label(corner_text)
    footnotes = footnote_periods(lines)
    kinds = _kinds(stacks)
    for row in [*heads, *(r for r, _, _ in data)]:
        row.consumed, row.owner = True, "rates table"
    for row, label_piece, figures in data:
        label = label_piece.text
        where = label_piece.lineage
        out.measures.append(Measure(label, corner_text, frequency=frequency, page=row.page,
                                    table_index=where.table_index, row_index=where.row_index))
        out.cite(where)
        placed: dict[int, RowPiece] = {}
        for piece in figures:
            placed.setdefault(_column_of(columns, piece), piece)
        for c, (kind, name, month) in enumerate(kinds):
            piece = placed.get(c)
            where = piece.lineage if piece else Lineage(row.page, label_piece.lineage.table_index,
                                                        label_piece.lineage.row_index, c + 1, None, "text-line")
            rate_record(label, corner_text, unit, kind, name, month, piece.text if piece else "", where, footnotes,
                        out)
    return j


def _columns(figures: list[RowPiece]) -> list[tuple[float, float]]:
    """Figure columns: pieces whose x-ranges overlap (or nearly touch) share one, whatever their alignment."""
    spans: list[list[float]] = []
    for piece in sorted(figures, key=lambda p: p.x0):
        if spans and piece.x0 <= spans[-1][1] + COLUMN_GAP / 4:
            spans[-1][1] = max(spans[-1][1], piece.x1)
        else:
            spans.append([piece.x0, piece.x1])
    return [(a, b) for a, b in spans]


def _column_of(columns: list[tuple[float, float]], piece: RowPiece) -> int:
    inside = [c for c, (x0, x1) in enumerate(columns) if x0 <= piece.centre <= x1]
    if inside:
        return inside[0]
    return min(range(len(columns)), key=lambda c: abs((columns[c][0] + columns[c][1]) / 2 - piece.centre))


def _kinds(stacks: list[list[str]]) -> list[tuple[str, str, Period | None]]:
    kinds: list[tuple[str, str, Period | None]] = []
    last_period: Period | None = None
    for stack in stacks:
        name = next((" ".join(t.split()) for t in stack if _is_comparator_heading(t)), None)
        period = _stack_period(stack)
        if name is not None:
            kinds.append(("comparator", name, period or last_period))
        elif period is not None:
            kinds.append(("period", "", period))
            last_period = period
        else:
            kinds.append(("unknown", "", None))
    return kinds
