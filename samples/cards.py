"""Generate monthly indicator-card reports (seed 002's style) as PDF, with their exact truth.

Every label, figure and name comes from this module's word lists and a seed, so the pipeline is
measured on cards it has never seen: other titles, figures, column periods, fonts, card order,
page breaks, with or without ruling lines. A report holds:

* a title block naming the month (`March 1st- 31st 2019`);
* optionally an index of indicators (`KPI 1 | % of ...`), which gives measures, not figures;
* optionally a rates table: the report month (`Mar-19`) and the latest published year beside
  comparator columns (`SN`, `National`, `WM`), `(Rolling 12M)` marks, and a footnote mark whose
  footnote moves a row's figures to an earlier year (`* Mar-17 figures`);
* cards: a shaded header (`Performance` / `Indicator N`, title, `Good = High/Increasing`,
  `Target 18/19`, `Tolerance`), a count block under `Prev. 12 months average` (or `cumulative`,
  `Prev. YTD`) and the month: count rows and a `%` row, counts only, or a `%` row only; a
  commentary; comparator lines (`National Average (2017) 31%`).

Usage: ``python -m samples.cards OUT [--count N] [--seed S] [--ruled]``.
"""

from __future__ import annotations

import argparse
import calendar
import csv
import random
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

FONTS = (("Helvetica", "Helvetica-Bold"), ("Times-Roman", "Times-Bold"))
ORGS = ("Northfield Children's Trust", "Eastmoor Children's Services", "Riverside Children's Trust",
        "Westhaven Council Children's Services", "Southdale Family Services")
TOPICS = (
    ("referrals with a decision within {n} hours", (24, 48, 72)),
    ("assessments completed within {n} working days", (35, 40, 45)),
    ("Initial Child Protection Conferences held within {n} working days", (15, 20)),
    ("children visited within {n} working days of allocation", (5, 10)),
    ("strategy discussions held within {n} days of the contact", (1, 2, 3)),
    ("children in care with an up to date health assessment", (0,)),
    ("care leavers in suitable accommodation", (0,)),
    ("children subject to a plan for a second time within {n} years", (2, 3)),
    ("reviews of children in care held within timescale", (0,)),
    ("children missing from care offered a return interview within {n} hours", (72,)),
    ("social work posts filled by permanent staff", (0,)),
    ("audited cases judged good or better", (0,)),
)
COUNT_TOPICS = ("Number of contacts received", "Number of early help assessments opened",
                "Average caseload of qualified social workers", "Number of children in care")
RATE_EVENTS = ("Referrals", "Assessments completed", "Children subject to S47 enquiries",
               "Children subject of an ICPC")
RATE_SNAPSHOTS = ("Children in Need", "Children with a CP Plan", "Children in Care")
COMPARATORS = ("SN", "National", "WM")
LINE_COMPARATORS = ("National Average", "Statistical Neighbours Average", "Regional average")
PROSE = ("Performance remains within tolerance this month.", "The service continues to monitor this closely.",
         "Weekly dip sampling of decision making is undertaken by the Head of Service.",
         "Seasonal variation is expected during the school holidays.",
         "A recovery plan is in place and progress is reviewed monthly.")


@dataclass
class CountRow:
    label: str
    values: list[int | None]


@dataclass
class CardModel:
    number: int
    title: str
    polarity: str  # higher_is_better | lower_is_better
    target: int
    tolerance: tuple[int, int]
    unit: str  # percent | count
    columns: list[str]  # printed column headings, first may wrap at "\n"
    period_kinds: list[str]  # prev12 | prevytd | month | month_ytd
    counts: list[CountRow] = field(default_factory=list)  # numerator first, then denominator (+ complement)
    percent: list[float | None] | None = None  # the % row, None when the card has none
    percent_label: str = "%"
    complement: bool = False
    comparators: list[tuple[str, str, float]] = field(default_factory=list)  # (name, year or "", value)
    commentary: str = ""
    headed: bool = True  # False: a heading line over the count block, no shaded header


@dataclass
class RatesModel:
    month_col: str
    year_col: str
    footnote_year: str
    rows: list[tuple[str, list[tuple[int, bool]]]]  # label, per column (value, marked)
    rolling: set[str]


@dataclass
class CardReport:
    seed: int
    org: str
    month: date  # first day of the report month
    fy: str  # `18/19`
    fonts: tuple[str, str]
    cards: list[CardModel]
    rates: RatesModel | None
    index: bool
    ruled: bool = False

    @property
    def name(self) -> str:
        return f"cards_{self.seed:03d}{'_ruled' if self.ruled else ''}.pdf"

    @property
    def docx_name(self) -> str:
        return f"cards_{self.seed:03d}.docx"


def _mon(day: date) -> str:
    return f"{calendar.month_abbr[day.month]}-{day.year % 100:02d}"


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _month_end(day: date) -> date:
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def _fy_start(day: date) -> date:
    return date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def random_card_report(seed: int, ruled: bool = False, n_cards: int | None = None) -> CardReport:
    rng = random.Random(seed)
    month = date(rng.randint(2016, 2022), rng.choice((2, 3, 5, 6, 7, 8, 9, 10, 11, 12)), 1)
    fy_first = _fy_start(month).year
    fy = f"{fy_first % 100:02d}/{(fy_first + 1) % 100:02d}"
    n_cards = n_cards or rng.randint(4, 7)
    topics = rng.sample(TOPICS, k=min(n_cards, len(TOPICS)))
    cards: list[CardModel] = []
    for number, (pattern, choices) in enumerate(topics, start=1):
        title = "% of " + pattern.format(n=rng.choice(choices))
        cards.append(_percent_card(rng, number, title, month))
    # One card of counts only (several rows or one), somewhere in the report.
    counts_card = _count_card(rng, len(cards) + 1, rng.choice(COUNT_TOPICS), month)
    cards.insert(rng.randint(0, len(cards)), counts_card)
    for number, card in enumerate(cards, start=1):
        card.number = number
    if rng.random() < 0.5:
        cards[0].headed = False  # a heading line over the counts, no shaded header (seed 002's first card)
        cards[0].comparators = []
    rates = _rates(rng, month) if rng.random() < 0.8 else None
    return CardReport(seed, rng.choice(ORGS), month, fy, rng.choice(FONTS), cards, rates, rng.random() < 0.6, ruled)


def _columns(rng: random.Random, month: date, ytd: bool) -> tuple[list[str], list[str]]:
    if ytd:
        return ["Prev. YTD", _mon(month)], ["prevytd", "month_ytd"]
    word = rng.choice(("average", "cumulative"))
    return [f"Prev. 12 months\n{word}", _mon(month)], ["prev12", "month"]


def _percent_card(rng: random.Random, number: int, title: str, month: date) -> CardModel:
    polarity = rng.choice(("higher_is_better", "lower_is_better"))
    target = rng.randint(60, 95) if polarity == "higher_is_better" else rng.randint(5, 30)
    tolerance = (target - rng.randint(2, 8), min(100, target + rng.randint(2, 8)))
    ytd = month.month >= 5 and rng.random() < 0.25
    columns, kinds = _columns(rng, month, ytd)
    shape = rng.choice(("pair", "pair", "pair_complement", "percent_only"))
    denominators = [rng.randint(120, 15000) for _ in columns]
    numerators = [round(d * rng.uniform(0.05, 0.97)) for d in denominators]
    percent = [round(100 * n / d) for n, d in zip(numerators, denominators, strict=True)]
    card = CardModel(number, title, polarity, target, tolerance, "percent", columns, kinds, percent=percent)
    suffix = " (YTD)" if ytd else ""
    if shape != "percent_only":
        noun = title[5:].split(" within")[0].split(" held")[0]
        card.counts = [CountRow(f"No. {noun}{suffix}", list(numerators)),
                       CountRow(f"Total{suffix}" if rng.random() < 0.5 else f"Total number{suffix}",
                                list(denominators))]
        if shape == "pair_complement":
            card.counts.insert(1, CountRow(f"No. outside{suffix}", [d - n for n, d in
                                                                   zip(numerators, denominators, strict=True)]))
            card.complement = True
        card.percent_label = rng.choice(("%", f"% {noun}"[:60], "Percentage"))
        if card.percent_label == "Percentage":
            card.percent_label = "%"
    card.comparators = _line_comparators(rng, "percent", target)
    card.commentary = " ".join(rng.sample(PROSE, k=2))
    return card


def _count_card(rng: random.Random, number: int, title: str, month: date) -> CardModel:
    columns, kinds = _columns(rng, month, False)
    rows = rng.choice((1, 1, 3))
    if rows == 1:
        counts = [CountRow(rng.choice(("No of contacts", "Total", "Count")), [rng.randint(10, 3000) for _ in columns])]
    else:
        counts = [CountRow(f"{team} team", [rng.randint(10, 900) for _ in columns])
                  for team in rng.sample(("North", "South", "East", "West", "Central"), k=rows)]
        counts[-1].values[0] = None  # a blank cell: missing
    target = rng.randint(20, 900)
    card = CardModel(number, title, "lower_is_better", target, (target - 10, target + 10), "count", columns, kinds,
                     counts=counts)
    card.commentary = rng.choice(PROSE)
    return card


def _line_comparators(rng: random.Random, unit: str, centre: int) -> list[tuple[str, str, float]]:
    names = rng.sample(LINE_COMPARATORS, k=rng.randint(0, 2))
    return [(name, rng.choice(("", "2017", "2018")), float(max(1, min(99, centre + rng.randint(-9, 9)))))
            for name in names]


def _rates(rng: random.Random, month: date) -> RatesModel:
    last_march = date(month.year if month.month > 3 else month.year - 1, 3, 1)
    rows: list[tuple[str, list[tuple[int, bool]]]] = []
    labels = rng.sample(RATE_EVENTS, k=2) + rng.sample(RATE_SNAPSHOTS, k=2)
    marked = rng.choice(labels[2:])
    rolling = {label for label in labels[:2] if rng.random() < 0.7}
    for label in labels:
        centre = rng.randint(40, 700)
        values = [(max(1, centre + rng.randint(-40, 40)), False)]
        values += [(max(1, centre + rng.randint(-60, 60)), label == marked) for _ in range(1 + len(COMPARATORS))]
        rows.append((label, values))
    return RatesModel(_mon(month), _mon(last_march), _mon(date(last_march.year - 1, 3, 1)), rows, rolling)


# ---------------------------------------------------------------------------------------------
# Truth
# ---------------------------------------------------------------------------------------------


def _period(kind: str, month: date, label: str) -> dict[str, object]:
    prev = _add_months(month, -1)
    if kind == "prev12":
        start, end, ptype = _add_months(prev, -11), _month_end(prev), "rolling_12_months"
    elif kind == "prevytd":
        start, end, ptype = _fy_start(prev), _month_end(prev), "year_to_date"
    elif kind == "month_ytd":
        start, end, ptype = _fy_start(month), _month_end(month), "year_to_date"
    else:
        start, end, ptype = month, _month_end(month), "month"
    return {"period_label": " ".join(label.split()), "period_type": ptype, "period_start": start.isoformat(),
            "period_end": end.isoformat()}


def expected_observations(report: CardReport) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for card in report.cards:
        section = f"Performance Indicator {card.number}" if card.headed else ""
        periods = [_period(k, report.month, c) for k, c in zip(card.period_kinds, card.columns, strict=True)]
        if card.percent is not None:
            top = card.counts[0] if card.counts else None
            bottom = card.counts[-1] if card.counts else None
            for c, period in enumerate(periods):
                rows.append({"measure_label": card.title, "breakdown": "", **period, "value": card.percent[c],
                             "unit": "percent", "numerator": top.values[c] if top else None,
                             "denominator": bottom.values[c] if bottom else None, "status": "reported",
                             "section": section})
            continue
        several = len(card.counts) > 1
        for row in card.counts:
            for c, period in enumerate(periods):
                value = row.values[c]
                rows.append({"measure_label": card.title, "breakdown": row.label if several else "", **period,
                             "value": value, "unit": "count", "numerator": None, "denominator": None,
                             "status": "reported" if value is not None else "missing", "section": section})
    if report.rates is not None:
        rows += _rates_observations(report.rates)
    return rows


def _rate_period(label: str, col: str, rolling: bool) -> dict[str, object]:
    month = date(2000 + int(col[-2:]), list(calendar.month_abbr).index(col[:3]), 1)
    if rolling:
        start, end, kind = _add_months(month, -11), _month_end(month), "rolling_12_months"
    elif label in RATE_SNAPSHOTS:
        start, end, kind = _month_end(month), _month_end(month), "point_in_time"
    elif month.month == 3:
        start, end, kind = date(month.year - 1, 4, 1), _month_end(month), "financial_year"
    else:
        start, end, kind = _add_months(month, -11), _month_end(month), "rolling_12_months"
    return {"period_label": col, "period_type": kind, "period_start": start.isoformat(),
            "period_end": end.isoformat()}


def _rates_observations(rates: RatesModel) -> list[dict[str, object]]:
    rows = []
    for label, values in rates.rows:
        for c, (value, marked) in enumerate(values[:2]):
            col = rates.month_col if c == 0 else (rates.footnote_year if marked else rates.year_col)
            rows.append({"measure_label": label, "breakdown": "",
                         **_rate_period(label, col, c == 0 and label in rates.rolling), "value": value,
                         "unit": "rate_per_10000", "numerator": None, "denominator": None, "status": "reported",
                         "section": "Rate per 10000"})
    return rows


def expected_benchmarks(report: CardReport) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for card in report.cards:
        for name, _year, value in card.comparators:
            rows.append({"measure_label": card.title, "comparator": name, "value": value})
    if report.rates is not None:
        for label, values in report.rates.rows:
            for name, (value, _marked) in zip(COMPARATORS, values[2:], strict=True):
                rows.append({"measure_label": label, "comparator": name, "value": value})
    return rows


def expected_measures(report: CardReport) -> list[dict[str, object]]:
    rows = []
    for card in report.cards:
        if not card.headed:
            rows.append({"measure_label": card.title, "section": "", "polarity": "", "target_value": None})
            continue
        unit = "%" if card.unit == "percent" else ""
        low, high = card.tolerance
        rows.append({"measure_label": card.title, "section": f"Performance Indicator {card.number}",
                     "polarity": card.polarity, "target_value": card.target,
                     "target_text": f"{card.target}{unit}", "tolerance_low": low, "tolerance_high": high})
    return rows


# ---------------------------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------------------------


def wrap_words(text: str, font: str, size: float, width: float) -> list[str]:
    """Words of `text` in lines no wider than `width` points in that font (one empty line for none)."""
    lines: list[str] = []
    for word in text.split():
        if lines and stringWidth(f"{lines[-1]} {word}", font, size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


class _Pen:
    """A top-down cursor over reportlab's bottom-up canvas, breaking pages as it goes."""

    def __init__(self, path: Path, fonts: tuple[str, str]) -> None:
        self.pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
        self.width, self.height = A4
        self.font, self.bold = fonts
        self.y = 60.0

    def need(self, height: float) -> None:
        if self.y + height > self.height - 50:
            self.pdf.showPage()
            self.y = 60.0

    def text(self, x: float, text: str, size: float = 9, bold: bool = False, right: bool = False,
             centre: bool = False, dy: float = 0.0) -> None:
        self.pdf.setFont(self.bold if bold else self.font, size)
        y = self.height - (self.y + dy)
        if right:
            self.pdf.drawRightString(x, y, text)
        elif centre:
            self.pdf.drawCentredString(x, y, text)
        else:
            self.pdf.drawString(x, y, text)

    def rule(self, x0: float, top: float, x1: float, bottom: float) -> None:
        self.pdf.rect(x0, self.height - bottom, x1 - x0, bottom - top, stroke=1, fill=0)

    def line(self, x0: float, top: float, x1: float, bottom: float) -> None:
        self.pdf.line(x0, self.height - top, x1, self.height - bottom)

    def shade(self, x0: float, top: float, x1: float, bottom: float) -> None:
        self.pdf.setFillGray(0.85)
        self.pdf.rect(x0, self.height - bottom, x1 - x0, bottom - top, stroke=0, fill=1)
        self.pdf.setFillGray(0)


LABEL_X, COL_X = 75.0, (330.0, 430.0)  # count block: label left edge, value column centres
LINE = 12.0


def write_card_report(path: Path, seed: int, ruled: bool = False) -> Path:
    """Write the report of `seed` to `path` (a PDF); returns the path."""
    report = random_card_report(seed, ruled)
    return write_pdf(report, path)


def write_pdf(report: CardReport, path: Path) -> Path:
    pen = _Pen(path, report.fonts)
    last = calendar.monthrange(report.month.year, report.month.month)[1]
    suffix = "st" if last == 31 else "th"
    for line, size in (("Report to the Operational Commissioning Group", 12),
                       (f"Contract Key Performance Indicators of {report.org}", 12),
                       (f"{calendar.month_name[report.month.month]} 1st- {last}{suffix} {report.month.year}", 11)):
        pen.text(60, line, size, bold=True)
        pen.y += 18
    pen.y += 8
    if report.index:
        pen.text(60, "No.", bold=True)
        pen.text(110, "Indicator", bold=True)
        pen.y += LINE
        for card in report.cards:
            if card.headed:
                pen.text(60, f"KPI {card.number}")
                pen.text(110, card.title)
                pen.y += LINE
        pen.y += 12
    pen.text(60, "The performance information relates to the reporting month below.")
    pen.y += 24
    if report.rates is not None:
        _write_rates(pen, report.rates, report.org.split()[0])
    for card in report.cards:
        _write_card(pen, card, report)
    pen.pdf.save()
    return path


def _write_rates(pen: _Pen, rates: RatesModel, org: str) -> None:
    xs = (60.0, 230.0, 300.0, 360.0, 420.0, 480.0)  # label, month, year, SN, National, WM (centres after 0)
    pen.need(LINE * (len(rates.rows) + 5))
    pen.text(390, "Latest published statistics", 8, bold=True, centre=True)
    pen.y += LINE
    for x, text in zip(xs[2:], (org, *COMPARATORS), strict=True):
        pen.text(x, text, 8, bold=True, centre=True)
    pen.y += LINE
    pen.text(xs[0], "Rate per 10000", 8, bold=True)
    pen.text(xs[1], rates.month_col, 8, bold=True, centre=True)
    pen.text(xs[2], rates.year_col, 8, bold=True, centre=True)
    pen.y += LINE
    for label, values in rates.rows:
        pen.text(xs[0], label, 8)
        for c, (value, marked) in enumerate(values):
            text = f"{value}{'*' if marked else ''}"
            if c == 0 and label in rates.rolling:
                text = f"{value} (Rolling 12M)"
            pen.text(xs[c + 1], text, 8, centre=True)
        pen.y += LINE
    pen.y += 4
    pen.text(60, f"* {rates.footnote_year} figures", 7)
    pen.y += 30


def _figure(value: float | int | None, unit: str) -> str:
    if value is None:
        return ""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return f"{text}%" if unit == "percent" else text


def _write_card(pen: _Pen, card: CardModel, report: CardReport) -> None:
    title_lines = wrap_words(card.title, pen.bold, 9, 220)
    body = len(card.counts) + (1 if card.percent is not None else 0) + 2
    pen.need(LINE * (len(title_lines) + body + 10))
    if card.headed:
        top = pen.y - 10
        rows = max(2, len(title_lines) + 1)
        pen.shade(55, top, 540, top + rows * LINE + 4)
        if report.ruled:  # a ruled header: a box, column walls and a line under the headings
            bottom = top + rows * LINE + 4
            pen.rule(55, top, 540, bottom)
            for x in (145, 380, 460):
                pen.line(x, top, x, bottom)
            pen.line(55, top + LINE + 1, 540, top + LINE + 1)
        pen.text(60, "Performance", bold=True)
        pen.text(60, f"Indicator {card.number}", bold=True, dy=LINE)
        for k, line in enumerate(title_lines):
            pen.text(150, line, bold=True, dy=k * LINE)
        good = "Good = High/Increasing" if card.polarity == "higher_is_better" else "Good = Low/Decreasing"
        pen.text(150, good, dy=len(title_lines) * LINE)
        unit = "%" if card.unit == "percent" else ""
        pen.text(385, f"Target {report.fy}", bold=True)
        pen.text(385, f"{card.target}{unit}", dy=LINE)
        pen.text(465, "Tolerance", bold=True)
        pen.text(465, f"{card.tolerance[0]}-{card.tolerance[1]}{unit}", dy=LINE)
        pen.y += rows * LINE + 16
    else:
        pen.text(60, card.title, 10, bold=True)
        pen.y += LINE + 8
    head_top = pen.y - 10
    wrapped = max(len(c.split("\n")) for c in card.columns)
    for x, column in zip(COL_X, card.columns, strict=False):
        for k, part in enumerate(column.split("\n")):
            pen.text(x, part, 8.5, bold=True, centre=True, dy=k * LINE)
    pen.y += wrapped * LINE
    row_tops = [head_top, pen.y - 9]  # the heading's bottom rule, then one under each row
    rows: list[tuple[str, list[str]]] = [(r.label, [_figure(v, "count") for v in r.values]) for r in card.counts]
    if card.percent is not None:
        rows.append((card.percent_label, [_figure(v, "percent") for v in card.percent]))
    for label, values in rows:
        # Long labels wrap under themselves; the figures stay on the first line (as seed 002 prints them).
        for k, line in enumerate(wrap_words(label, pen.font, 8.5, 200)):
            pen.text(LABEL_X, line, 8.5)
            if k == 0:
                for x, value in zip(COL_X, values, strict=False):
                    pen.text(x, value, 8.5, centre=True)
            pen.y += LINE
        row_tops.append(pen.y - 9)
    if report.ruled:  # a ruled grid: every row and column walled
        left, right = LABEL_X - 5, 480
        pen.rule(left, head_top, right, row_tops[-1])
        for x in (280, 380):
            pen.line(x, head_top, x, row_tops[-1])
        for y in row_tops[1:-1]:
            pen.line(left, y, right, y)
    pen.y += 8
    pen.text(60, "Commentary", bold=True)
    pen.y += LINE
    for line in wrap_words(card.commentary, pen.font, 9, 470):
        pen.text(60, line)
        pen.y += LINE
    pen.y += 6
    for name, year, value in card.comparators:
        shown = f"{name} ({year})" if year else name
        pen.text(170, shown, 9)
        pen.text(400, _figure(value, card.unit), 9, right=True)
        pen.y += LINE
    pen.y += 24


# ---------------------------------------------------------------------------------------------
# Word
# ---------------------------------------------------------------------------------------------


def write_docx(report: CardReport, path: Path) -> Path:
    """The same report as a Word document: cards as small tables, comparators as tabbed lines."""
    import docx

    document = docx.Document()
    last = calendar.monthrange(report.month.year, report.month.month)[1]
    suffix = "st" if last == 31 else "th"
    for line in ("Report to the Operational Commissioning Group",
                 f"Contract Key Performance Indicators of {report.org}",
                 f"{calendar.month_name[report.month.month]} 1st- {last}{suffix} {report.month.year}"):
        document.add_paragraph(line)
    if report.index:
        rows = [["No.", "Indicator"]] + [[f"KPI {c.number}", c.title] for c in report.cards if c.headed]
        _docx_table(document, rows)
    document.add_paragraph("The performance information relates to the reporting month below.")
    if report.rates is not None:
        rates = report.rates
        grid = [["", "", "Latest published statistics", "", "", ""],
                ["", "", report.org.split()[0], *COMPARATORS],
                ["Rate per 10000", rates.month_col, rates.year_col, "", "", ""]]
        for label, values in rates.rows:
            cells = [f"{v}{'*' if marked else ''}" for v, marked in values]
            if label in rates.rolling:
                cells[0] = f"{values[0][0]} (Rolling 12M)"
            grid.append([label, *cells])
        table = _docx_table(document, grid)
        table.cell(0, 2).merge(table.cell(0, 5))
        document.add_paragraph(f"* {rates.footnote_year} figures")
    for card in report.cards:
        unit = "%" if card.unit == "percent" else ""
        if card.headed:
            good = "Good = High/Increasing" if card.polarity == "higher_is_better" else "Good = Low/Decreasing"
            _docx_table(document, [["Performance", card.title, f"Target {report.fy}", "Tolerance"],
                                   [f"Indicator {card.number}", good, f"{card.target}{unit}",
                                    f"{card.tolerance[0]}-{card.tolerance[1]}{unit}"]])
        else:
            document.add_paragraph(card.title)
        grid = [["", *(" ".join(c.split("\n")) for c in card.columns)]]
        grid += [[r.label, *(_figure(v, "count") for v in r.values)] for r in card.counts]
        if card.percent is not None:
            grid.append([card.percent_label, *(_figure(v, "percent") for v in card.percent)])
        _docx_table(document, grid)
        document.add_paragraph("Commentary")
        document.add_paragraph(card.commentary)
        for name, year, value in card.comparators:
            shown = f"{name} ({year})" if year else name
            document.add_paragraph(f"{shown}\t{_figure(value, card.unit)}")
    document.save(str(path))
    return path


def _docx_table(document: object, grid: list[list[str]]) -> object:
    table = document.add_table(rows=len(grid), cols=len(grid[0]))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    for r, row in enumerate(grid):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    return table


def write_truth(reports: list[CardReport], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    tables = {"observations": expected_observations, "measures": expected_measures,
              "benchmarks": expected_benchmarks}
    for name, make in tables.items():
        rows = [{"source_file": r.name, **row} for r in reports for row in make(r)]
        keys: list[str] = []
        for row in rows:
            keys += [k for k in row if k not in keys]
        with (out / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=keys)
            writer.writeheader()
            writer.writerows({k: ("" if v is None else v) for k, v in row.items()} for row in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--ruled", action="store_true")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    reports = [random_card_report(args.seed + i, args.ruled) for i in range(args.count)]
    for report in reports:
        write_pdf(report, args.out / report.name)
    write_truth(reports, args.out / "truth")
    print(f"wrote {len(reports)} card reports to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
