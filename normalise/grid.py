"""Read a quarterly KPI grid: one row per measure, period columns under a (possibly two-level) header.

The reading is driven by the table's own structure, never by a report's labels:
- header rows are the leading rows down to the last one that names periods;
- each column's header stack (texts of the header cells above it, merged cells included) gives
  its role from the vocabulary (`Target`, `Polarity`, ...) or, failing that, a period;
- a row with one cell across the table is a section; a group column merged down gives the
  section of the rows it covers; `b) ...` rows take their parent's label.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from extractors.model import Cell, Table
from extractors.stitch import same_row
from normalise.periods import Period, looks_like_period, parse_period
from normalise.records import (
    Commentary,
    Lineage,
    Measure,
    NormalisedDocument,
    Observation,
    QuarantineRow,
)
from normalise.targets import (
    Band,
    parse_band,
    parse_polarity,
    parse_target,
    polarity_from_bands,
    tolerance_bounds,
)
from normalise.values import parse_cell, unit_from_label
from normalise.vocab import squash, vocabulary

MAX_HEADER_ROWS = 6
_SUB_MEASURE = re.compile(r"^\(?([a-z])\)\s*\S")
_FIRST_SUB_MEASURE = re.compile(r"^(.*?\S)\s+\(?a\)\s*\S")


@dataclass
class GridLayout:
    header_rows: int
    period_columns: dict[int, Period]
    roles: dict[int, str]  # column -> role name from the vocabulary
    band_names: dict[int, str] = field(default_factory=dict)  # threshold sub-column -> band name
    title_rows: set[int] = field(default_factory=set)


def _is_full_width(table: Table, row: int) -> bool:
    cells = table.distinct_cells(row)
    return len(cells) == 1 or (len([c for c in cells if c.text]) == 1 and cells[0].col_span >= table.n_cols // 2)


def role_of(text: str) -> str | None:
    """Column role for one header text: exact vocabulary match first, then the longest contained phrase."""
    key = squash(text)
    if not key:
        return None
    best: tuple[int, str] | None = None
    for role, phrases in vocabulary()["column_roles"].items():
        for phrase in phrases:
            score = 2 * len(phrase) if key == phrase else len(phrase) if len(phrase) >= 4 and phrase in key else 0
            if score and (best is None or score > best[0]):
                best = (score, role)
    return best[1] if best else None


def header_stack(table: Table, col: int, rows: range, skip: set[int]) -> list[Cell]:
    stack: list[Cell] = []
    for r in rows:
        cell = table.grid[r][col]
        if r not in skip and cell.text and (not stack or stack[-1] is not cell):
            stack.append(cell)
    return stack


def find_layout(table: Table) -> GridLayout | None:
    """The grid's header and column roles, or None when no header row names periods."""
    last_period_row = -1
    for r in range(min(MAX_HEADER_ROWS, table.n_rows - 1)):
        figures = [c for c in table.distinct_cells(r) if c.text and parse_cell(c.text).value is not None]
        if len(figures) >= 2 and not all(looks_like_period(c.text) for c in figures):
            break  # the first row of figures: the header is above it
        period_cells = [c for c in table.distinct_cells(r) if c.text and looks_like_period(c.text)]
        if len(period_cells) >= 2:
            last_period_row = r
    if last_period_row < 0:
        return None
    header_rows = last_period_row + 1
    # A header cell merged down past the period row (`Measure` over two rows) ends the header with it.
    title_rows = {r for r in range(header_rows) if _is_full_width(table, r)}
    periods: dict[int, Period] = {}
    roles: dict[int, str] = {}
    bands: dict[int, str] = {}
    for col in range(table.n_cols):
        stack = header_stack(table, col, range(header_rows), title_rows)
        role = None
        for depth, cell in enumerate(reversed(stack)):
            role = role_of(cell.text)
            if role:
                if role == "thresholds" and depth > 0:
                    bands[col] = stack[-1].text
                break
        if role:
            roles[col] = role
            continue
        period = parse_period(" ".join(cell.text for cell in stack))
        if period is not None:
            periods[col] = period
    if len(periods) < 2:
        return None
    if "label" not in roles.values():
        text_cols = [c for c in range(table.n_cols) if c not in periods and c not in roles]
        if text_cols:
            roles[max(text_cols, key=lambda c: _mean_length(table, c, header_rows))] = "label"
    return GridLayout(header_rows, periods, roles, bands, title_rows)


def _mean_length(table: Table, col: int, start: int) -> float:
    texts = [table.grid[r][col].text for r in range(start, table.n_rows)]
    return sum(map(len, texts)) / max(1, len(texts))


def _column(layout: GridLayout, role: str) -> int | None:
    return next((c for c, r in sorted(layout.roles.items()) if r == role), None)


def _row_unit(cells: list[str]) -> str:
    """The unit most of a row's figures carry: a bare `55` among `54%` cells is a percentage."""
    units = [parse_cell(text).unit for text in cells]
    percent = sum(1 for u in units if u == "percent")
    return "percent" if percent and percent >= len([u for u in units if u]) / 2 else ""


class GridReader:
    """Turns one table into rows of a NormalisedDocument (appending to it)."""

    def __init__(self, table: Table, table_index: int, out: NormalisedDocument) -> None:
        self.table = table
        self.table_index = table_index
        self.out = out

    def lineage(self, cell: Cell, row: int, col: int) -> Lineage:
        return Lineage(cell.page, self.table_index, row, col, cell.bbox, self.table.engine)

    def read(self, layout: GridLayout) -> None:
        table = self.table
        label_col = _column(layout, "label")
        group_col = _column(layout, "group")
        section = group = ""
        parent_prefix = ""
        for r in range(layout.header_rows, table.n_rows):
            row = table.grid[r]
            texts = [cell.text for cell in row]
            if any(same_row(texts, table.row_texts(h)) for h in range(layout.header_rows)):
                continue  # a header repeated inside the table
            nonempty = [c for c in table.distinct_cells(r) if c.text]
            if not nonempty:
                continue
            if len(nonempty) == 1 and (nonempty[0].col_span > 1 or not any(texts[c] for c in layout.period_columns)):
                text = nonempty[0].text
                if text.startswith(("*", "†")):
                    self.out.commentary.append(Commentary("", "footnote", text, nonempty[0].page))
                    continue
                if nonempty[0].col_span > 1 or label_col is None or nonempty[0].col != label_col:
                    section = text
                    continue
            label = row[label_col].text if label_col is not None else ""
            if _SUB_MEASURE.match(label) and not label.startswith("a)") and parent_prefix:
                label = f"{parent_prefix} {label}"
            elif match := _FIRST_SUB_MEASURE.match(label):
                parent_prefix = match.group(1)
            else:
                parent_prefix = ""
            if group_col is not None and row[group_col].text:
                # A group column merged down may restart empty on a continuation page: carry it on.
                group = row[group_col].text
            self.read_row(r, label, group or section, layout)

    def read_row(self, r: int, label: str, section: str, layout: GridLayout) -> None:
        row = self.table.grid[r]

        def text(role: str) -> str:
            col = _column(layout, role)
            return row[col].text if col is not None else ""

        measure = self.measure(r, label, section, layout, text)
        label_unit = unit_from_label(label)
        row_unit = _row_unit([row[c].text for c in layout.period_columns])
        target_unit = parse_cell(measure.target_text).unit if measure.target_text else ""
        for col, period in sorted(layout.period_columns.items()):
            cell = row[col]
            where = self.lineage(cell, r, col)
            if not label:
                if cell.text:
                    self.out.quarantine.append(
                        QuarantineRow("", "", period.label, cell.text, "value with no measure label", where)
                    )
                continue
            parsed = parse_cell(cell.text)
            if parsed.status is None:
                self.out.quarantine.append(QuarantineRow(label, "", period.label, cell.text, parsed.reason, where))
                continue
            unit = parsed.unit or label_unit or row_unit or target_unit or ("count" if parsed.value is not None else "")
            self.out.observations.append(
                Observation(
                    measure_label=label, breakdown="", period_label=period.label, period_type=period.type,
                    period_start=period.start, period_end=period.end, value=parsed.value,
                    unit=unit if parsed.status == "reported" else "", numerator=parsed.numerator,
                    denominator=parsed.denominator, status=parsed.status, reported_rag=parsed.reported_rag,
                    raw_text=cell.text, lineage=where, section=section, footnote=parsed.footnote,
                )
            )
        comment = text("commentary")
        if comment and label:
            self.out.commentary.append(Commentary(label, "commentary", comment, row[0].page))

    def measure(self, r: int, label: str, section: str, layout: GridLayout, text: Callable[[str], str]) -> Measure:
        bands = [
            Band(name, *(parse_band(self.table.grid[r][col].text) or (None, None)))
            for col, name in sorted(layout.band_names.items())
        ]
        threshold_text = "; ".join(
            f"{name} {self.table.grid[r][col].text}" for col, name in sorted(layout.band_names.items())
        )
        if not layout.band_names:
            threshold_text = text("thresholds")
        polarity = parse_polarity(text("polarity")) or polarity_from_bands(bands)
        target_text = text("target")
        target = parse_target(target_text)
        tolerance_text = text("tolerance")
        low, high = tolerance_bounds(tolerance_text, target, polarity)
        measure = Measure(
            measure_label=label, section=section, polarity=polarity, frequency=text("frequency"),
            target_text=target_text, target_value=target, tolerance_text=tolerance_text,
            tolerance_low=low, tolerance_high=high, threshold_text=threshold_text,
            position_text=text("position"), trend_text=text("trend"),
            page=self.table.grid[r][0].page, table_index=self.table_index, row_index=r,
        )
        if label:
            self.out.measures.append(measure)
        return measure
