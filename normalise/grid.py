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

from scorecards.extractors.model import Cell, Table
from scorecards.extractors.stitch import same_row
from scorecards.normalise.cells import ParseError, parse_benchmark_cell, parse_cell, parse_value_cell
from scorecards.normalise.ocr_repair import OcrReading, OcrTableContext, label_problem, ocr_table_context, read_ocr_row
from scorecards.normalise.periods import Period, financial_year, looks_like_period, month_in_year, parse_period
from scorecards.normalise.records import (
    BandRow,
    BenchmarkRow,
    Commentary,
    Lineage,
    Measure,
    NormalisedDocument,
    Observation,
    QuarantineRow,
    TargetRow,
)
from scorecards.normalise.targets import (
    band_of,
    grade_rank,
    parse_bandings,
    parse_polarity,
    parse_target,
    polarity_from_bands,
    polarity_from_target,
    tolerance_bounds,
)
from scorecards.normalise.targets import target_unit as target_unit_of
from scorecards.normalise.values import unit_from_label
from scorecards.normalise.vocab import squash, vocabulary

MAX_HEADER_ROWS = 6
# `b) 3-6 months` under `Percentage of episodes lasting a) <3 months` (both readers use these).
SUB_MEASURE = re.compile(r"^\(?([a-z])\)\s*\S")
FIRST_SUB_MEASURE = re.compile(r"^(.*?\S)\s+\(?a\)\s*\S")


@dataclass
class GridLayout:
    header_rows: int
    period_columns: dict[int, Period]
    roles: dict[int, str]  # column -> role name from the vocabulary
    band_names: dict[int, str] = field(default_factory=dict)  # threshold sub-column -> band name
    title_rows: set[int] = field(default_factory=set)
    headers: dict[int, str] = field(default_factory=dict)  # column -> its header stack as one text


def _is_full_width(table: Table, row: int) -> bool:
    cells = table.distinct_cells(row)
    return len(cells) == 1 or (len([c for c in cells if c.text]) == 1 and cells[0].col_span >= table.n_cols // 2)


def role_of(text: str, exact: bool = False) -> str | None:
    """Column role for one header text: exact vocabulary match first, then (unless `exact`) the
    longest contained phrase."""
    key = squash(text)
    if not key:
        return None
    best: tuple[int, str] | None = None
    for role, phrases in vocabulary()["column_roles"].items():
        for phrase in phrases:
            contained = not exact and len(phrase) >= 4 and phrase in key
            score = 2 * len(phrase) if key == phrase else len(phrase) if contained else 0
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


def _states_figures(text: str) -> bool:
    """A cell reporting a figure. Not a bare year (`2018` as a column heading), and not words ending
    in a number (`Strategy Meetings and Sec 47`, a title), which need a unit or RAG to count."""
    if re.fullmatch(r"(19|20)\d\d", text.strip()):
        return False
    try:
        parts = parse_value_cell(text)
    except ParseError:
        return False
    return any(
        p.value.status == "reported" and (not p.breakdown or p.value.unit or p.value.reported_rag) for p in parts
    )


def find_layout(table: Table) -> GridLayout | None:
    """The grid's header and column roles, or None when no header row names periods."""
    last_period_row = -1
    for r in range(min(MAX_HEADER_ROWS, table.n_rows - 1)):
        if any(_states_figures(c.text) for c in table.distinct_cells(r) if c.text):
            break  # the first row of figures (`86% Dec 17 Amber` too): the header is above it
        period_cells = [c for c in table.distinct_cells(r) if c.text and looks_like_period(c.text)]
        if len(period_cells) >= 2:
            last_period_row = r
    if last_period_row < 0:
        return None
    header_rows = last_period_row + 1
    # Sub-headings under the period row (`Mar | Apr` under `2011/12 | 2012/13`, with `Code |
    # Description` beside them) are header too: rows of several headings and no figure.
    while header_rows < min(MAX_HEADER_ROWS, table.n_rows - 1):
        texts = [c.text for c in table.distinct_cells(header_rows) if c.text.strip()]
        if len(texts) < 2 or any(_states_figures(t) for t in texts):
            break
        header_rows += 1
    # A header cell merged down past the period row (`Measure` over two rows) ends the header with it.
    title_rows = {r for r in range(header_rows) if _is_full_width(table, r)}
    periods: dict[int, Period] = {}
    roles: dict[int, str] = {}
    bands: dict[int, str] = {}
    headers: dict[int, str] = {}
    for col in range(table.n_cols):
        stack = header_stack(table, col, range(header_rows), title_rows)
        headers[col] = " ".join(cell.text for cell in stack)
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
        # A month under its year (`2011/12` over `Mar`) is that month, read bottom up as the general
        # reader reads it; anything else is read top down (`2018/19` over `Qtr1`).
        bottom_up = " ".join(cell.text for cell in reversed(stack))
        period = month_in_year(bottom_up) if len(stack) > 1 else None
        period = period or parse_period(" ".join(cell.text for cell in stack))
        if period is not None:
            periods[col] = period
    # One period column is enough when the table names its measure column (a target-setting table
    # with `Latest Result (Dec 17)`); a bare table needs two before its header is trusted as periods.
    if len(periods) < (1 if "label" in roles.values() else 2):
        return None
    if "label" not in roles.values():
        text_cols = [c for c in range(table.n_cols) if c not in periods and c not in roles]
        # The stub stands left of the figures; a long text to their right is a comment on them.
        text_cols = [c for c in text_cols if c < min(periods)] or text_cols
        if text_cols:
            roles[max(text_cols, key=lambda c: _mean_length(table, c, header_rows))] = "label"
    return GridLayout(header_rows, periods, roles, bands, title_rows, headers)


def _mean_length(table: Table, col: int, start: int) -> float:
    texts = [table.grid[r][col].text for r in range(start, table.n_rows)]
    return sum(map(len, texts)) / max(1, len(texts))


def _column(layout: GridLayout, role: str) -> int | None:
    return next((c for c, r in sorted(layout.roles.items()) if r == role), None)


def _columns(layout: GridLayout, role: str) -> list[int]:
    return [c for c, r in sorted(layout.roles.items()) if r == role]


def layout_name(layout: GridLayout) -> str:
    return "quarterly_grid" if len(layout.period_columns) >= 2 else "target_setting"


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
        self._ocr: OcrTableContext | None = None

    def lineage(self, cell: Cell, row: int, col: int) -> Lineage:
        return Lineage(cell.page, self.table_index, row, col, cell.bbox, self.table.engine)

    def cite(self, row: int, *cols: int | None) -> None:
        """The cells of `row` under `cols` went into a measure, target, band, benchmark or commentary row."""
        for col in cols:
            if col is not None:
                self.out.cite(self.lineage(self.table.grid[row][col], row, col))

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
                    self.cite(r, nonempty[0].col)
                    continue
                if nonempty[0].col_span > 1 or label_col is None or nonempty[0].col != label_col:
                    section = text  # the section of the measures under it
                    self.cite(r, nonempty[0].col)
                    continue
            label = row[label_col].text if label_col is not None else ""
            if SUB_MEASURE.match(label) and not label.startswith("a)") and parent_prefix:
                label = f"{parent_prefix} {label}"
            elif match := FIRST_SUB_MEASURE.match(label):
                parent_prefix = match.group(1)
            else:
                parent_prefix = ""
            if group_col is not None and row[group_col].text:
                # A group column merged down may restart empty on a continuation page: carry it on.
                group = row[group_col].text
            # The measure's number (`No`, `Ref`) names the measure: it is read with its label.
            self.cite(r, *_columns(layout, "number"))
            self.read_row(r, label, group or section, layout)

    def read_row(self, r: int, label: str, section: str, layout: GridLayout) -> None:
        row = self.table.grid[r]

        def text(role: str) -> str:
            col = _column(layout, role)
            return row[col].text if col is not None else ""

        measure = self.measure(r, label, section, layout, text)
        label_unit = unit_from_label(label)
        ocr = self.ocr_readings(r, label, measure.target_text, layout)  # empty unless the table was OCR'd
        row_unit = _row_unit([ocr[c].text if c in ocr else row[c].text for c in layout.period_columns])
        target_unit = target_unit_of(measure.target_text)
        for col, period in sorted(layout.period_columns.items()):
            cell = row[col]
            where = self.lineage(cell, r, col)
            cell_text, crop = (ocr[col].text, cell.crop_png) if col in ocr else (cell.text, None)
            if not label:
                if cell_text:
                    self.out.quarantine.append(
                        QuarantineRow("", "", period.label, cell_text, "value with no measure label", where, crop)
                    )
                continue
            if col in ocr and ocr[col].problem:
                self.out.quarantine.append(QuarantineRow(label, "", period.label, cell_text, ocr[col].problem,
                                                         where, crop))
                continue
            try:
                parts = parse_value_cell(cell_text)
            except ParseError as exc:
                self.out.quarantine.append(QuarantineRow(label, "", period.label, cell_text, str(exc), where, crop))
                continue
            for part in parts:
                own = parse_period(part.period_text) if part.period_text else None
                when = own or period
                value = part.value
                problem = ratio_problem(value.value, value.unit or row_unit, value.numerator, value.denominator)
                if problem:
                    self.out.quarantine.append(
                        QuarantineRow(label, part.breakdown, when.label, cell_text, problem, where, crop)
                    )
                    continue
                unit = value.unit or label_unit or row_unit or target_unit or "count"
                self.out.observations.append(
                    Observation(
                        measure_label=label, breakdown=part.breakdown, period_label=when.label,
                        period_type=when.type, period_start=when.start, period_end=when.end, value=value.value,
                        unit=unit if value.status == "reported" else "", numerator=value.numerator,
                        denominator=value.denominator, status=value.status, reported_rag=value.reported_rag,
                        raw_text=cell_text, lineage=where, section=section, footnote=value.footnote,
                        repairs="; ".join(ocr[col].repairs) if col in ocr else "",
                    )
                )
        page = row[0].page
        for role, kind in (("commentary", "commentary"), ("rationale", "rationale")):
            if text(role) and label:
                self.out.commentary.append(Commentary(label, kind, text(role), page))
                self.cite(r, _column(layout, role))
        measure_unit = next((o.unit for o in reversed(self.out.observations)
                             if o.measure_label == label and o.unit), "") or target_unit or label_unit
        for col in _columns(layout, "benchmark"):
            found_in_cell = parse_benchmark_cell(row[col].text) if label else []
            # A comparator printed bare (`11.2 Stat. Neighbour average`) shares the unit of its neighbours
            # in the cell, else of the measure's own figures.
            cell_unit = next((b.unit for b in found_in_cell if b.unit), "")
            for found in found_in_cell:
                when = parse_period(found.period_text) if found.period_text else None
                self.out.benchmarks.append(BenchmarkRow(
                    label, found.comparator, when.label if when else found.period_text,
                    when.start if when else None, when.end if when else None,
                    found.value, found.unit or cell_unit or measure_unit, found.raw_text, page,
                ))
            if found_in_cell:
                self.cite(r, col)

    def ocr_readings(self, r: int, label: str, target_text: str, layout: GridLayout) -> dict[int, OcrReading]:
        """OCR'd tables only: each value cell's text repaired in its row's context, and whether to trust it."""
        row = self.table.grid[r]
        cols = sorted(layout.period_columns)
        if not cols or row[cols[0]].confidence is None:
            return {}
        if self._ocr is None:
            self._ocr = ocr_table_context(self.table, layout.header_rows, layout.title_rows,
                                          layout.period_columns, list(layout.roles),
                                          (self.out.report_period_start, self.out.report_period_end))
        context = self._ocr
        readings = read_ocr_row([row[c] for c in cols], label, target_text, [context.percent_share[c] for c in cols])
        label_col = _column(layout, "label")
        unsure = label_problem(label, row[label_col].confidence) if label_col is not None else ""
        for col, reason in context.unread.items():
            if row[col].text and label:  # figures under a header that was not read: kept, not trusted
                where = self.lineage(row[col], r, col)
                self.out.quarantine.append(
                    QuarantineRow(label, "", "", row[col].text, reason, where, row[col].crop_png)
                )
        return {
            col: OcrReading(reading.text, reading.repairs, reading.problem or context.doubtful.get(col, "") or unsure)
            for col, reading in zip(cols, readings, strict=True)
        }

    def measure(self, r: int, label: str, section: str, layout: GridLayout, text: Callable[[str], str]) -> Measure:
        row = self.table.grid[r]
        page = row[0].page
        if layout.band_names:
            named = sorted(layout.band_names.items(), key=lambda item: grade_rank(item[1]))
            bands = [b for b in (band_of(name, row[col].text) for col, name in named) if b is not None]
            threshold_text = "; ".join(f"{name} {row[col].text}" for col, name in sorted(layout.band_names.items()))
        else:
            threshold_text = text("thresholds")
            bands = parse_bandings(threshold_text)
        targets = self.targets(row, layout)
        current = next((t for t in targets if t.is_current), None)
        target_text = current.target_text if current else ""
        target = current.target_value if current else None
        polarity = (
            parse_polarity(text("polarity")) or polarity_from_target(target_text) or polarity_from_bands(bands)
        )
        tolerance_text = text("tolerance")
        low, high = tolerance_bounds(tolerance_text, target, polarity)
        measure = Measure(
            measure_label=label, section=section, polarity=polarity, frequency=text("frequency"),
            target_text=target_text, target_value=target, tolerance_text=tolerance_text,
            tolerance_low=low, tolerance_high=high, threshold_text=threshold_text,
            position_text=text("position"), trend_text=text("trend"),
            page=page, table_index=self.table_index, row_index=r,
        )
        if label:
            self.out.measures.append(measure)
            # The cells this measure, its targets and its bands were read from (the group cell gives its section).
            bands_cols = list(layout.band_names) or [_column(layout, "thresholds")]
            self.cite(r, _column(layout, "label"), _column(layout, "group"), *_columns(layout, "target"),
                      *bands_cols, *(_column(layout, role) for role in
                                     ("polarity", "frequency", "tolerance", "position", "trend")))
            self.out.targets += [TargetRow(label, t.financial_year, t.target_text, t.target_value, t.is_current, page)
                                 for t in targets]
            self.out.bands += [
                BandRow(label, b.name, b.low, b.high, b.low_inclusive, b.high_inclusive, page) for b in bands
            ]
        return measure

    def targets(self, row: list[Cell], layout: GridLayout) -> list[TargetRow]:
        """Every target column; "the" target is the one whose header names the latest financial year."""
        columns = _columns(layout, "target")
        found = []
        for col in columns:
            fy = financial_year(layout.headers.get(col, ""))
            found.append((fy[0] if fy else -1, fy[1] if fy else "", row[col].text))
        latest = max((year for year, _, _ in found), default=-1)
        return [
            TargetRow("", fy_text, target_text, parse_target(target_text), year == latest, row[0].page)
            for year, fy_text, target_text in found
        ]


def ratio_problem(value: float | None, unit: str, numerator: float | None, denominator: float | None) -> str:
    """A reason when `88.7% (893/1007)` does not add up: the printed percentage must match within rounding."""
    if value is None or numerator is None or denominator is None or unit != "percent":
        return ""
    if denominator == 0:
        return f"denominator is zero in {value}% ({numerator:g}/{denominator:g})"
    decimals = len(repr(value).split(".")[1].rstrip("0")) if "." in repr(value) else 0
    if abs(100 * numerator / denominator - value) > 0.5 * 10 ** -decimals + 1e-9:
        share = 100 * numerator / denominator
        return f"numerator/denominator disagree: {numerator:g}/{denominator:g} is {share:.2f}%, not {value:g}%"
    return ""
