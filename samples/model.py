"""The model of a grid-style sample report: what ``random_report`` draws and the writers render.

A ``ReportModel`` holds everything needed to print one report and to know what the pipeline should
read from it: its period columns (``Period``), measure rows (``Measure``) and, in target-setting
tables, the figures (``Figure``) and comparator figures (``Comparator``) each cell states.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

HIGHER = "higher_is_better"
LOWER = "lower_is_better"


@dataclass
class Period:
    """One period column: its two header texts and the quarter it stands for."""

    top: str
    bottom: str
    label: str
    start: date
    end: date


@dataclass
class Figure:
    """One figure a target-setting value cell states (``Excluding siblings 97.0% Amber``)."""

    breakdown: str
    value: float | None  # None for ``Awaiting figures``
    unit: str
    period: Period
    status: str = "reported"
    numerator: int | None = None
    denominator: int | None = None
    rag: str = ""


@dataclass
class Comparator:
    """One comparator figure in a benchmark cell (``10.0% England average 2015/16``)."""

    comparator: str
    period_label: str
    value: float
    unit: str


@dataclass
class Measure:
    """One measure row as printed, with what the truth needs to know about it."""

    label: str  # the label the truth expects (a sub-measure carries its parent's text)
    printed_label: str  # what the Measure cell shows
    section: str
    unit: str
    polarity: str  # higher_is_better | lower_is_better | ""
    values: list[str]  # cell text per period; "" is a blank cell
    new_measure_span: int = 0  # leading periods covered by one merged "New contract measure" cell
    new_measure_text: str = ""
    number: str = ""
    frequency: str = ""
    polarity_text: str = ""
    target_text: str = ""
    tolerance_text: str = ""
    benchmark: str = ""
    position_text: str = ""
    trend_text: str = ""
    thresholds: tuple[str, str, str] = ("", "", "")
    commentary: str = ""
    # target-setting rows: the printed cells and the figures / comparators they state
    latest_text: str = ""
    prior_target: str = ""
    bands_text: str = ""
    benchmark_text: str = ""
    rationale: str = ""
    figures: list[Figure] = field(default_factory=list)
    comparators: list[Comparator] = field(default_factory=list)


@dataclass
class ReportModel:
    """Everything needed to render one report and to know what it should yield."""

    style: str  # "contract" | "improvement" | "target"
    title: str
    organisation: str
    seed: int = 0
    page_size: str = "A4"  # "A4" | "Letter", always landscape
    periods: list[Period] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # lines under the title
    footnotes: list[str] = field(default_factory=list)  # paragraphs under the table
    benchmark_column: bool = False
    subtitles: list[str] = field(default_factory=list)  # bold lines under the title
    intro: list[str] = field(default_factory=list)  # plain paragraphs before the table
    headers: list[str] = field(default_factory=list)  # target style: the one header row as printed
    split_rows: bool = False  # target style: a row may break over a PDF page
    header_fill: str = ""

    @property
    def sections(self) -> list[str]:
        """Group / section texts in table order."""
        return list(dict.fromkeys(m.section for m in self.measures))


def _quarter_dates(fy: int, q: int) -> tuple[date, date]:
    """Bounds of quarter ``q`` of the UK financial year starting April ``fy``."""
    m0 = 3 + 3 * (q - 1)  # months after January of fy; Qtr1 starts in April
    start = date(fy + m0 // 12, m0 % 12 + 1, 1)
    m1 = m0 + 3
    return start, date(fy + m1 // 12, m1 % 12 + 1, 1) - timedelta(days=1)
