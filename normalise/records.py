"""The tidy rows the normaliser produces; field names are the warehouse's column names."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from functools import cache
from typing import Any


@dataclass
class Lineage:
    """Where a row came from: enough for a reviewer to find the cell in the file."""

    page: int
    table_index: int
    row_index: int
    col_index: int
    bbox: tuple[float, float, float, float] | None = None
    engine: str = ""


@dataclass
class Observation:
    measure_label: str
    breakdown: str
    period_label: str
    period_type: str
    period_start: date | None
    period_end: date | None
    value: float | None
    unit: str
    numerator: float | None
    denominator: float | None
    status: str
    reported_rag: str
    raw_text: str
    lineage: Lineage
    section: str = ""
    footnote: str = ""
    repairs: str = ""  # OCR only: each repair made to the cell's OCR text, `'5570' -> '55%': ...`


@dataclass
class Measure:
    measure_label: str
    section: str = ""
    polarity: str = ""
    frequency: str = ""
    target_text: str = ""
    target_value: float | None = None
    tolerance_text: str = ""
    tolerance_low: float | None = None
    tolerance_high: float | None = None
    threshold_text: str = ""
    position_text: str = ""
    trend_text: str = ""
    page: int = 0
    table_index: int = 0
    row_index: int = 0


@dataclass
class QuarantineRow:
    measure_label: str
    breakdown: str
    period_label: str
    raw_text: str
    reason: str
    lineage: Lineage
    crop_png: bytes | None = field(default=None, repr=False)  # OCR only: the cell's picture, for a reviewer


@dataclass
class Commentary:
    measure_label: str
    kind: str  # commentary, rationale, footnote
    text: str
    page: int


@dataclass
class BenchmarkRow:
    """A comparator's figure printed beside a measure (`10.0% England average 2015/16`)."""

    measure_label: str
    comparator: str
    period_label: str
    period_start: date | None
    period_end: date | None
    value: float
    unit: str
    raw_text: str
    page: int


@dataclass
class TargetRow:
    """Every target column of a measure, with the financial year its header names."""

    measure_label: str
    financial_year: str
    target_text: str
    target_value: float | None
    is_current: bool
    page: int


@dataclass
class BandRow:
    """One machine-readable RAG or grade band of a measure."""

    measure_label: str
    band: str
    lower: float | None
    upper: float | None
    lower_inclusive: bool
    upper_inclusive: bool
    page: int


@dataclass
class MeasureDefinition:
    """A measure named in a long-list, with the flags printed beside it (`Y`, `N`, `Variant`, `?`, `n/a`)."""

    measure_label: str
    section: str
    outcome: str
    objectives: str
    existing_flag: str
    target_flag: str
    dot_flag: str
    page: int


@dataclass
class TableReport:
    """What the normaliser decided about one extracted table, for the documents view and inspect."""

    table_index: int
    page: int
    engine: str
    layout: str  # quarterly_grid, unknown, ...
    reason: str
    header_rows: int = 0
    quality: float = 0.0


@dataclass
class NormalisedDocument:
    title: str = ""
    organisation: str = ""
    report_period_label: str = ""
    report_period_start: date | None = None
    report_period_end: date | None = None
    observations: list[Observation] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    quarantine: list[QuarantineRow] = field(default_factory=list)
    commentary: list[Commentary] = field(default_factory=list)
    benchmarks: list[BenchmarkRow] = field(default_factory=list)
    targets: list[TargetRow] = field(default_factory=list)
    bands: list[BandRow] = field(default_factory=list)
    definitions: list[MeasureDefinition] = field(default_factory=list)
    tables: list[TableReport] = field(default_factory=list)
    # Cells read into measures, targets, benchmarks or commentary, as (table_index, row_index,
    # col_index): observations and quarantine rows cite their cell through their lineage already.
    # The zero-loss count (normalise.accounting) reads both.
    cited: set[tuple[int, int, int]] = field(default_factory=set)
    # The zero-loss count (normalise.accounting.finish_accounting): figure-bearing cells of the
    # document's tables, and those no row cites (0 when nothing was lost).
    figure_cells: int = 0
    uncited_cells: int = 0

    def cite(self, where: Lineage) -> None:
        """Record that a cell's text went into a measure, target, benchmark or commentary row."""
        if where.table_index:
            self.cited.add((where.table_index, where.row_index, where.col_index))


def flat(record: Any) -> dict[str, Any]:
    """A record with its lineage spread into plain columns, as the warehouse stores it.

    Field by field rather than dataclasses.asdict, which deep-copies every value: a document's
    rows are flattened once each, and asdict was most of the time it took to make their frames."""
    row = {name: getattr(record, name) for name in _field_names(type(record))}
    lineage = row.pop("lineage", None)
    if lineage is not None:
        row |= {name: getattr(lineage, name) for name in _field_names(type(lineage))}
        bbox = row.pop("bbox")
        row |= dict(zip(("bbox_x0", "bbox_top", "bbox_x1", "bbox_bottom"), bbox or (None,) * 4, strict=True))
    return row


@cache
def _field_names(kind: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(kind))
