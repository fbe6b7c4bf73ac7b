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

from extractors.model import Table, TextLine
from normalise.cards import comparator_name
from normalise.cells import ParseError, parse_value_cell
from normalise.periods import Period, add_months, month_end, parse_period
from normalise.records import BenchmarkRow, Lineage, Measure, NormalisedDocument, Observation, QuarantineRow
from normalise.values import unit_from_label
from normalise.vocab import vocabulary

_ROLLING = re.compile(r"rolling\s*12", re.I)
MAX_HEADER_ROWS = 4


def _is_comparator_heading(text: str) -> bool:
    text = " ".join(text.split())
    return bool(text) and len(text.split()) <= 4 and comparator_name(text) is not None


def _has_figure(table: Table, r: int) -> bool:
    from normalise.values import parse_cell

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
    kinds: list[tuple[str, str, Period | None]] = [("label", "", None)]
    last_period: Period | None = None
    for stack in stacks[1:]:
        name = next((" ".join(t.split()) for t in stack if _is_comparator_heading(t)), None)
        period = _stack_period(stack)
        if name is not None:
            kinds.append(("comparator", name, period or last_period))
        else:
            kinds.append(("period", "", period))
            last_period = period or last_period
    for r in range(rows, table.n_rows):
        label_cell = table.grid[r][0]
        label = " ".join(label_cell.text.split())
        if not label:
            continue
        out.measures.append(Measure(label, corner, frequency=frequency, page=label_cell.page, table_index=index,
                                    row_index=r))
        for c in range(1, table.n_cols):
            cell = table.grid[r][c]
            if cell.col != c:
                continue
            kind, name, month = kinds[c]
            where = Lineage(cell.page, index, r, c, cell.bbox, table.engine)
            text = " ".join(cell.text.split())
            if not text:
                if kind == "period" and month is not None:
                    period = figure_period(month, label, "")
                    out.observations.append(Observation(
                        label, "", period.label, period.type, period.start, period.end, None, unit, None, None,
                        "missing", "", "", where, section=corner))
                continue
            try:
                parts = parse_value_cell(text)
            except ParseError as exc:
                out.quarantine.append(QuarantineRow(label, name, month.label if month else "", text, str(exc), where))
                continue
            if len(parts) != 1 or month is None:
                why = "several figures in one cell" if len(parts) != 1 else f"no period over column {c + 1}"
                out.quarantine.append(QuarantineRow(label, name, "", text, f"rates table {index}: {why}", where))
                continue
            part = parts[0]
            moved = footnotes.get(part.value.footnote) if part.value.footnote else None
            period = figure_period(moved or month, label, part.note)
            value = part.value
            if kind == "comparator":
                if value.value is not None:
                    out.benchmarks.append(BenchmarkRow(
                        label, name, period.label, period.start, period.end, value.value, value.unit or unit, text,
                        cell.page))
                continue
            out.observations.append(Observation(
                label, "", period.label, period.type, period.start, period.end, value.value, value.unit or unit,
                value.numerator, value.denominator, value.status or "", value.reported_rag, text, where,
                section=corner, footnote=value.footnote,
            ))
