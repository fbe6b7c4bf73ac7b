"""A grammar of measures-by-periods tables for tests (issue 12): draw a header structure, render it as
a ruled PDF, a borderless PDF or a Word table, and know the exact tidy truth of every body cell.

A drawn table (`DrawnTable`) has:

* 1-3 header rows over the value columns, with spans. Period headings come in the forms reports use:
  financial years (`2019/20`, `2019-20`, `2019–20`), US federal fiscal years (`FY 2011`), calendar
  years (`2014`), quarters (`Q3 2024/25`, `Quarter 3 2024/25`, `Jan – Mar 24`, or `Qtr1` / `Q1`
  under `2018/19`), months (`Dec-24`, `Sept 20`, `December 2024`, or `Apr` under `2018/19` or
  `2024`), rolling years (`12m to Dec 24`, `12 mths to Dec 23`) and dates (`31/03/2025`,
  `30-Nov-24`, `31.3.24`). Breakdown headings (`Total`, `Male`, `North`, `Actual`, `% Chg`, ...)
  sit under or over period headings;
* the period axis across (periods in the column headings, measures down the side) or down
  (transposed: periods in the stub column, measures as column headings, breakdowns under them);
* across: a measure label column, optionally a code column (`KPI 12`) before it or a unit column
  (`%`, `No.`, `£`) after it, optional section rows (one title spanning the table), and optional
  role columns at the right: `Target` (a figure) and `Commentary` (a sentence);
* body cells: `1,234`, `12.5`, `45%`, `-3.2`, `£1,200`, and at a small rate blanks and statuses
  (`N/A`, `n/a`, `-`, `TBD`, `n/k`). Every body row states at least one figure (a row of blanks
  would look like a section row).

Truth conventions (what a reader must produce for each body cell; texts compared whitespace-normalised):

* `measure_label`: the measure's text as printed, its wrapped lines joined by single spaces. Across,
  the label column's text (a code column and a unit column are not part of it); down, the text of
  the measure's column heading.
* `breakdown`: the non-period header texts over the cell, top to bottom, joined by ' / '
  (`North / Male`); '' when there is none.
* `period_label`: the period heading texts over (across) or beside (down, left to right) the cell,
  as printed, joined by one space; a quarter or month under its year is named first, as the
  contract writes it: `2019/20`, `Qtr1 2017/18`, `Jan 2024`, `12m to Dec 24`. Breakdown texts
  between them are skipped (`2018/19` over `Actual` over `Qtr1` gives `Qtr1 2018/19`).
* `period_start` / `period_end` (as normalise/periods.py documents them): financial years run
  1 April - 31 March; `FY 2011` is the US federal fiscal year 1 Oct 2010 - 30 Sep 2011; `2014` is
  the calendar year; `Qtr1` / `Q1` under a financial year is April-June of it; `Q3 2024/25` and
  `Quarter 3 2024/25` are October-December 2024; `Jan – Mar 24` is those whole months; a month
  under `2018/19` falls in that financial year (`Jan` is January 2019), under `2024` in that
  calendar year; `12m to Dec 24` is January-December 2024; a date is a point in time (start = end).
* `value` / `status`: a figure is `reported` with its number (`£1,200` -> 1200.0, `45%` -> 45.0,
  `-3.2` -> -3.2); blank and `-` are `missing`, `N/A` / `n/a` `not_applicable`, `TBD`
  `to_be_determined`, `n/k` `not_available`, all with value None.
* `section`: the title of the last section row above the measure ('' when none; always '' down).
* measures truth (across only): per measure its section, and when the table has them, the Target
  column's text and value (`95%` -> 95.0) and the Commentary column's sentence. Target and
  commentary cells are never observations.

Printed texts never read as something else: measure labels, breakdowns, section titles and titles
hold no digits, month names or status words; every value column has exactly one period.

Usage: ``python -m samples.grammar OUT [--count N] [--seed S]`` writes, per seed, a ruled and a
borderless PDF, a Word file and ``OUT/truth_SSS.csv``.
"""

from __future__ import annotations

import argparse
import calendar
import csv
import io
import random
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas
from reportlab.platypus import Table, TableStyle

FONT, BOLD = "Helvetica", "Helvetica-Bold"
SIZE, LEADING = 7.5, 9.0
HPAD, VPAD = 6.0, 3.0
MARGIN = 36.0
TITLE_SIZE = 11.0
TITLE_H = 30.0  # title line and the gap under it
PAGE_W, PAGE_H = landscape(A4)
USABLE_W = PAGE_W - 2 * MARGIN
USABLE_H = PAGE_H - 2 * MARGIN - TITLE_H
MAX_VALUE_COLUMNS = 10
DARK, PALE, GREY = "#1F3B5A", "#DCE6F1", "#EDEDED"

# ---------------------------------------------------------------------------------------------
# Words
# ---------------------------------------------------------------------------------------------

MONTH_ABBR = tuple(calendar.month_abbr)[1:]
MONTH_NAME = tuple(calendar.month_name)[1:]

# How a measure label starts, by the kind of figure the measure reports.
LEADS = {"int": ("Number of", "Volume of"), "pct": ("Percentage of", "Proportion of", "Share of"),
         "money": ("Total value of", "Average cost of"), "dec": ("Average days for", "Mean score for"),
         "change": ("Change in",)}
NOUNS = ("widgets", "cases", "requests", "complaints", "applications", "enquiries", "orders", "claims",
         "invoices", "permits", "licences", "inspections", "repairs", "visits", "referrals", "bookings",
         "calls", "parcels", "tickets", "renewals")
VERBS = ("processed", "closed", "resolved", "received", "completed", "approved", "issued", "answered",
         "reviewed", "paid", "logged", "handled", "cleared", "settled")
QUALIFIERS = ("on time", "within timescale", "by the central team", "after first contact", "at the first attempt",
              "without escalation", "by partner organisations", "in the agreed timescale",
              "including those carried over from earlier rounds", "for residents of the district",
              "through the online service", "by the local office")
BREAKDOWN_SETS = (("Total", "Rural", "Urban"), ("Male", "Female"), ("North", "South", "East", "West"),
                  ("Actual", "Forecast"), ("Level", "% Chg"))
SECTIONS = ("Finance", "Workforce", "Customer service", "Operations", "Quality and safety", "Housing",
            "Transport", "Waste and recycling", "Planning", "Libraries and leisure")
TITLES = ("Performance summary", "Service measures", "Key performance indicators", "Corporate scorecard",
          "Operational dashboard", "Summary of results", "Service delivery measures")
COMMENTS = ("Performance improved following the new triage process.", "Demand remained high across the service.",
            "Figures are provisional and subject to validation.",
            "A recovery plan is in place with weekly monitoring.", "Staffing pressures affected throughput.",
            "Seasonal demand is expected to ease.", "New reporting arrangements are being introduced.",
            "Performance is in line with the agreed plan.", "Backlog reduced after additional resources were added.",
            "The team continues to review the process with partners.")
LABEL_HEADERS = ("Measure", "Indicator", "Performance measure", "Description", "")
CODE_HEADERS = ("Ref", "Code", "No.")
CODE_PREFIXES = ("KPI", "PI", "M", "SM")
STATUS_TEXTS = (("", "missing"), ("-", "missing"), ("N/A", "not_applicable"), ("n/a", "not_applicable"),
                ("TBD", "to_be_determined"), ("n/k", "not_available"))
VALUE_KINDS = ("int", "dec", "pct", "change", "money")
UNITS = {"int": "No.", "dec": "Days", "pct": "%", "change": "% pt", "money": "£"}

_NOT_PLAIN = re.compile(
    r"\d|\b(?:" + "|".join(MONTH_ABBR + MONTH_NAME) + r"|Sept|Q[1-4]|Qtr|FY|n/?a|tbd|tbc|n/k|nya|due|pending|"
    r"awaiting|red|amber|green)\b",
    re.I,
)


def plain(text: str) -> bool:
    """True for a text that cannot be read as a figure, a period or a status (labels, breakdowns, titles)."""
    return bool(text.strip()) and not _NOT_PLAIN.search(text)


# ---------------------------------------------------------------------------------------------
# Choices: the same generator runs on random.Random and on Hypothesis' draw
# ---------------------------------------------------------------------------------------------


class Chooser(Protocol):
    def integer(self, lo: int, hi: int) -> int: ...

    def choice(self, seq: Sequence[Any]) -> Any: ...

    def chance(self, percent: int) -> bool: ...


class RandomChooser:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def integer(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)

    def choice(self, seq: Sequence[Any]) -> Any:
        return seq[self.rng.randrange(len(seq))]

    def chance(self, percent: int) -> bool:
        return self.rng.randrange(100) < percent


class DrawChooser:
    """Hypothesis' `draw`: every choice shrinks towards the first option, the low end and `False`."""

    def __init__(self, draw: Callable[[Any], Any]) -> None:
        from hypothesis import strategies as st

        self.draw, self.st = draw, st

    def integer(self, lo: int, hi: int) -> int:
        return self.draw(self.st.integers(lo, hi))

    def choice(self, seq: Sequence[Any]) -> Any:
        return seq[self.draw(self.st.integers(0, len(seq) - 1))]

    def chance(self, percent: int) -> bool:
        return self.draw(self.st.integers(0, 99)) >= 100 - percent


# ---------------------------------------------------------------------------------------------
# Periods
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Per:
    text: str
    start: date
    end: date


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(year: int, month: int, k: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + k
    return index // 12, index % 12 + 1


def fy_text(year: int, sep: str) -> str:
    return f"{year}{sep}{(year + 1) % 100:02d}"


def fy_dates(year: int) -> tuple[date, date]:
    return date(year, 4, 1), date(year + 1, 3, 31)


def _month_text(year: int, month: int, form: str) -> str:
    if form == "month_hyphen":
        return f"{MONTH_ABBR[month - 1]}-{year % 100:02d}"
    if form == "month_short":
        return f"{'Sept' if month == 9 else MONTH_ABBR[month - 1]} {year % 100:02d}"
    return f"{MONTH_NAME[month - 1]} {year}"


FULL_FORMS = ("fy_slash", "fy_hyphen", "fy_dash", "fy_label", "year", "quarter_q", "quarter_word",
              "quarter_months", "month_hyphen", "month_short", "month_long", "rolling_m", "rolling_mths",
              "date_slash", "date_mon", "date_dots")
FY_SEPS = {"fy_slash": "/", "fy_hyphen": "-", "fy_dash": "–"}


def full_periods(ch: Chooser, n: int) -> list[Per]:
    """`n` consecutive periods of one printed form, oldest first (or, sometimes, newest first)."""
    form = ch.choice(FULL_FORMS)
    out: list[Per] = []
    if form in FY_SEPS or form in ("fy_label", "year"):
        y0 = ch.integer(2008, 2025 - n)
        for i in range(n):
            y = y0 + i
            if form == "year":
                out.append(Per(str(y), date(y, 1, 1), date(y, 12, 31)))
            elif form == "fy_label":  # FY 2011: a US federal fiscal year, 1 Oct 2010 - 30 Sep 2011
                out.append(Per(f"FY {y + 1}", date(y, 10, 1), date(y + 1, 9, 30)))
            else:
                out.append(Per(fy_text(y, FY_SEPS[form]), *fy_dates(y)))
    elif form in ("quarter_q", "quarter_word"):
        fy0, q0 = ch.integer(2012, 2022), ch.integer(1, 4)
        for i in range(n):
            k = q0 - 1 + i
            fy, q = fy0 + k // 4, k % 4 + 1
            y, m = add_months(fy, 4, 3 * (q - 1))
            word = "Q" if form == "quarter_q" else "Quarter "
            out.append(Per(f"{word}{q} {fy_text(fy, '/')}", date(y, m, 1), month_end(*add_months(y, m, 2))))
    elif form == "quarter_months":  # calendar quarters `Jan – Mar 24`
        y0, q0 = ch.integer(2012, 2022), ch.integer(1, 4)
        for i in range(n):
            k = q0 - 1 + i
            y, m = y0 + k // 4, 3 * (k % 4) + 1
            text = f"{MONTH_ABBR[m - 1]} – {MONTH_ABBR[m + 1]} {y % 100:02d}"
            out.append(Per(text, date(y, m, 1), month_end(y, m + 2)))
    elif form.startswith("month"):
        y0, m0 = ch.integer(2012, 2023), ch.integer(1, 12)
        for i in range(n):
            y, m = add_months(y0, m0, i)
            out.append(Per(_month_text(y, m, form), date(y, m, 1), month_end(y, m)))
    elif form.startswith("rolling"):
        y0, m0, step = ch.integer(2012, 2022), ch.integer(1, 12), ch.choice((1, 3))
        for i in range(n):
            y, m = add_months(y0, m0, step * i)
            sy, sm = add_months(y, m, -11)
            lead = "12m to" if form == "rolling_m" else "12 mths to"
            out.append(Per(f"{lead} {MONTH_ABBR[m - 1]} {y % 100:02d}", date(sy, sm, 1), month_end(y, m)))
    else:  # dates: month ends
        y0, m0, step = ch.integer(2012, 2022), ch.integer(1, 12), ch.choice((1, 3))
        for i in range(n):
            y, m = add_months(y0, m0, step * i)
            d = month_end(y, m)
            text = {"date_slash": f"{d:%d/%m/%Y}", "date_mon": f"{d.day}-{MONTH_ABBR[m - 1]}-{y % 100:02d}",
                    "date_dots": f"{d.day}.{d.month}.{y % 100:02d}"}[form]
            out.append(Per(text, d, d))
    if n > 1 and ch.chance(20):
        out.reverse()
    return out


GROUP_FORMS = ("fy_q", "fy_month", "year_month")


def grouped_periods(ch: Chooser, n: int) -> list[tuple[Per, list[Per]]]:
    """`n` consecutive sub-periods (`Qtr1`, `Apr`) under the year they fall in (`2018/19`, `2024`)."""
    form = ch.choice(GROUP_FORMS)
    groups: list[tuple[Per, list[Per]]] = []
    if form == "fy_q":
        sep, word = ch.choice(("/", "-", "–")), ch.choice(("Qtr", "Q"))
        fy0, q0 = ch.integer(2012, 2022), ch.integer(1, 4)
        for i in range(n):
            k = q0 - 1 + i
            fy, q = fy0 + k // 4, k % 4 + 1
            y, m = add_months(fy, 4, 3 * (q - 1))
            sub = Per(f"{word}{q}", date(y, m, 1), month_end(*add_months(y, m, 2)))
            if not groups or groups[-1][0].text != fy_text(fy, sep):
                groups.append((Per(fy_text(fy, sep), *fy_dates(fy)), []))
            groups[-1][1].append(sub)
    else:
        sept = ch.chance(50)
        y0, m0 = ch.integer(2012, 2023), ch.integer(1, 12)
        sep = ch.choice(("/", "-", "–"))
        for i in range(n):
            y, m = add_months(y0, m0, i)
            name = "Sept" if sept and m == 9 else MONTH_ABBR[m - 1]
            sub = Per(name, date(y, m, 1), month_end(y, m))
            if form == "fy_month":
                fy = y if m >= 4 else y - 1
                group = Per(fy_text(fy, sep), *fy_dates(fy))
            else:
                group = Per(str(y), date(y, 1, 1), date(y, 12, 31))
            if not groups or groups[-1][0].text != group.text:
                groups.append((group, []))
            groups[-1][1].append(sub)
    return groups


# ---------------------------------------------------------------------------------------------
# Header trees
# ---------------------------------------------------------------------------------------------


@dataclass(eq=False)
class Node:
    """One header text; the same node over several columns is one merged cell."""

    text: str
    kind: str  # period (a full heading), group (a year over sub-periods), sub, breakdown, measure
    per: Per | None = None
    subs: list[Per] = field(default_factory=list)  # group nodes: the sub-periods under them


ACROSS_PATTERNS = (("P",), ("G", "S"), ("P", "B"), ("B", "P"), ("G", "S", "B"), ("B", "G", "S"), ("B", "P", "B"),
                   ("P", "B", "B"), ("G", "B", "S"))
DOWN_PATTERNS = (("M",), ("M", "B"), ("M", "B", "B"))


def _grow(levels: Sequence[str], make: Callable[[str, list[Node]], list[Node]], above: list[Node]) -> list[list[Node]]:
    """Every column's header stack (top to bottom) under `above`."""
    if not levels:
        return [list(above)]
    stacks: list[list[Node]] = []
    for node in make(levels[0], above):
        stacks += _grow(levels[1:], make, [*above, node])
    return stacks


def _breakdown_sets(ch: Chooser, count: int, most: int) -> list[tuple[str, ...]]:
    """`count` breakdown sets from different families, their sizes multiplying to at most `most`."""
    families = list(range(len(BREAKDOWN_SETS)))
    sets: list[tuple[str, ...]] = []
    room = most
    for k in range(count):
        family = BREAKDOWN_SETS[families.pop(ch.integer(0, len(families) - 1))]
        left = count - k - 1
        top = min(len(family), room // (2 ** left))
        size = ch.integer(2, max(2, top))
        start = ch.integer(0, len(family) - size)
        sets.append(family[start:start + size])
        room //= size
    return sets


def across_header(ch: Chooser, budget: int) -> list[list[Node]]:
    """Value-column stacks of a table whose periods run across."""
    pattern = ch.choice(ACROSS_PATTERNS)
    n_b = pattern.count("B")
    sets = _breakdown_sets(ch, n_b, max(4, budget // 2)) if n_b else []
    product = 1
    for s in sets:
        product *= len(s)
    n = ch.integer(1 if n_b else 2, max(1 if n_b else 2, budget // product))
    full = full_periods(ch, n) if "P" in pattern else []
    groups = grouped_periods(ch, n) if "G" in pattern else []

    def make(level: str, above: list[Node]) -> list[Node]:
        if level == "P":
            return [Node(p.text, "period", p) for p in full]
        if level == "G":
            return [Node(g.text, "group", g, subs) for g, subs in groups]
        if level == "S":
            group = next(node for node in above if node.kind == "group")
            return [Node(p.text, "sub", p) for p in group.subs]
        depth = sum(1 for node in above if node.kind == "breakdown")
        return [Node(text, "breakdown") for text in sets[depth]]

    return _grow(pattern, make, [])


def period_of(stack: Sequence[Node]) -> tuple[str, date, date]:
    # A sub-period under its year is named first, as the contract writes it (`Qtr1 2018/19`).
    texts = [node.text for node in stack if node.kind in ("period", "sub")] + [
        node.text for node in stack if node.kind == "group"]
    last = [node.per for node in stack if node.kind in ("period", "sub")][-1]
    assert last is not None
    return " ".join(texts), last.start, last.end


def breakdown_of(stack: Sequence[Node]) -> str:
    return " / ".join(node.text for node in stack if node.kind == "breakdown")


# ---------------------------------------------------------------------------------------------
# Measures and figures
# ---------------------------------------------------------------------------------------------


def measure_label(ch: Chooser, taken: set[str], kind: str) -> str:
    """A new label for a measure reporting figures of `kind` (`Percentage of claims paid on time`)."""
    for _ in range(50):
        words = [ch.choice(LEADS[kind]), ch.choice(NOUNS), ch.choice(VERBS)]
        for _ in range(ch.choice((0, 0, 0, 1, 1, 2))):
            qualifier = ch.choice(QUALIFIERS)
            if qualifier not in words:
                words.append(qualifier)
        label = " ".join(words)
        if label not in taken:
            taken.add(label)
            return label
    base = f"{ch.choice(LEADS[kind])} {ch.choice(NOUNS)} {ch.choice(VERBS)}"
    label = next(f"{base} {q}" for q in QUALIFIERS if f"{base} {q}" not in taken)
    taken.add(label)
    return label


def figure(ch: Chooser, kind: str, decimals: int) -> tuple[str, float]:
    """A printed figure of one kind and the number it states."""
    if kind in ("int", "money"):
        n = ch.integer(1000, 99999) if ch.chance(70) else ch.integer(0, 999)
        text = f"{n:,}"
        return (f"£{text}" if kind == "money" else text), float(n)
    if kind == "pct":
        if decimals:
            tenths = ch.integer(0, 1000)
            return f"{tenths / 10:.1f}%", tenths / 10
        n = ch.integer(0, 100)
        return f"{n}%", float(n)
    if kind == "change":
        tenths = ch.integer(-999, 999)
        return f"{tenths / 10:.1f}", round(tenths / 10, 1)
    hundredths = ch.integer(0, 99999) if decimals == 2 else ch.integer(0, 9999) * 10
    value = hundredths / 100
    return (f"{value:.2f}" if decimals == 2 else f"{value:.1f}"), value


@dataclass
class Printed:
    """One body cell as printed and what it states."""

    text: str
    value: float | None
    status: str


def one_cell(ch: Chooser, kind: str, decimals: int) -> Printed:
    """A value cell: a figure, or at a small rate a blank or a status."""
    if ch.chance(8):
        text, status = ch.choice(STATUS_TEXTS)
        return Printed(text, None, status)
    text, value = figure(ch, kind, decimals)
    return Printed(text, value, "reported")


def cells_of_row(ch: Chooser, kind: str, decimals: int, n: int) -> list[Printed]:
    """`n` value cells of one measure, never all of them without a figure."""
    out = [one_cell(ch, kind, decimals) for _ in range(n)]
    if all(cell.status != "reported" for cell in out):
        text, value = figure(ch, kind, decimals)
        out[ch.integer(0, n - 1)] = Printed(text, value, "reported")
    return out


# ---------------------------------------------------------------------------------------------
# The drawn table
# ---------------------------------------------------------------------------------------------

Span = tuple[int, int, int, int]  # r0, c0, r1, c1 inclusive


@dataclass(repr=False)
class DrawnTable:
    """A table as printed (a grid of texts with merges) and its truth.

    `truth` has one dict per body value cell: measure_label, breakdown, period_label, period_start,
    period_end, value, status, raw_text, section, and `row`, `col` (its place in `grid`).
    `measures` has one dict per measure: measure_label, section, and target_text / target_value /
    commentary when the table has those columns.
    """

    title: str
    axis: str  # across | down
    grid: list[list[str]]
    spans: list[Span]
    kinds: list[str]  # per row: header | section | body
    header_rows: int
    col_kinds: list[str]  # per column: code | label | unit | period | pgroup | value | target | commentary
    widths: list[float]
    heights: list[float]
    truth: list[dict[str, Any]]
    measures: list[dict[str, Any]]
    fill: str = "pale"  # ruled PDF header: none | pale | dark
    align: str = "RIGHT"  # value columns
    description: str = ""  # the structure in a few words, for failure messages

    @property
    def n_rows(self) -> int:
        return len(self.grid)

    @property
    def n_cols(self) -> int:
        return len(self.grid[0])

    def cell_box(self, row: int, col: int) -> tuple[float, float, float, float]:
        """(x0, top, x1, bottom) of a grid position on its PDF page, origin top-left, in points."""
        x0 = MARGIN + sum(self.widths[:col])
        top = MARGIN + TITLE_H + sum(self.heights[:row])
        return x0, top, x0 + self.widths[col], top + self.heights[row]

    def __repr__(self) -> str:
        return f"DrawnTable({self.description}; {self.title!r}):\n{self.printed()}"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # how Hypothesis shows a failing example
        printer.text(repr(self))

    def printed(self) -> str:
        """The grid as text, one row a line, cells joined by ' | ' (for failure messages)."""
        return "\n".join(" | ".join(" ".join(text.split()) for text in row) for row in self.grid)


def _width(text: str, font: str = FONT) -> float:
    return stringWidth(text, font, SIZE)


def _fit(text: str, font: str, cap: float) -> float:
    """Width a cell wants: the whole text up to `cap` points, never less than its widest word."""
    if not text:
        return 0.0
    return max(min(_width(text, font), cap), max(_width(word, font) for word in text.split()))


def wrap(text: str, font: str, width: float) -> list[str]:
    """Greedy word wrap (no word is ever broken: widths are made to fit the widest word)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if not current or _width(candidate, font) <= width:
            current = candidate
        else:
            lines.append(current)
            current = word
    return [*lines, current] if current else [""]


def covered(spans: list[Span]) -> dict[tuple[int, int], Span]:
    out = {}
    for span in spans:
        r0, c0, r1, c1 = span
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                out[(r, c)] = span
    return out


def _font(kinds: list[str], r: int) -> str:
    return BOLD if kinds[r] in ("header", "section") else FONT


def lines_of(table: DrawnTable) -> dict[tuple[int, int], list[str]]:
    """Each printed cell's wrapped lines, keyed by its top-left grid position."""
    where = covered(table.spans)
    out = {}
    for r, row in enumerate(table.grid):
        for c, text in enumerate(row):
            span = where.get((r, c))
            if span and (span[0], span[1]) != (r, c):
                continue
            c1 = span[3] if span else c
            width = sum(table.widths[c:c1 + 1]) - 2 * HPAD
            out[(r, c)] = wrap(text, _font(table.kinds, r), width) if text else [""]
    return out


def _layout(grid: list[list[str]], spans: list[Span], kinds: list[str], col_kinds: list[str],
            wants: dict[int, float], cell_wants: dict[tuple[int, int], float] | None = None,
            ) -> tuple[list[float], list[float]]:
    """Column widths and row heights. `wants` gives flexible columns (labels, commentary) their width,
    `cell_wants` header cells (measure headings) the width they wrap in (never below their widest word)."""
    cell_wants = cell_wants or {}
    where = covered(spans)
    n_cols = len(grid[0])
    widths = [24.0] * n_cols
    for c in range(n_cols):
        if c in wants:
            widths[c] = wants[c]
            continue
        for r, row in enumerate(grid):
            span = where.get((r, c))
            if not row[c] or (span and span[1] != span[3]) or kinds[r] == "section":
                continue
            cap = cell_wants.get((r, c), 80.0) if kinds[r] == "header" else 400.0
            widths[c] = max(widths[c], _fit(row[c], _font(kinds, r), cap) + 2 * HPAD + 1)
    # A merged header cell wider than its columns widens them, evenly (deepest spans first).
    for r0, c0, _r1, c1 in sorted(spans, key=lambda s: -s[0]):
        if c1 == c0 or kinds[r0] != "header" or not grid[r0][c0]:
            continue
        need = _fit(grid[r0][c0], BOLD, cell_wants.get((r0, c0), 400.0)) + 2 * HPAD + 1
        have = sum(widths[c0:c1 + 1])
        if need > have:
            for c in range(c0, c1 + 1):
                widths[c] += (need - have) / (c1 - c0 + 1)
    heights = [LEADING + 2 * VPAD] * len(grid)
    tall: list[tuple[Span, int]] = []
    for r, row in enumerate(grid):
        for c, text in enumerate(row):
            span = where.get((r, c))
            if span and (span[0], span[1]) != (r, c):
                continue
            c1 = span[3] if span else c
            n_lines = len(wrap(text, _font(kinds, r), sum(widths[c:c1 + 1]) - 2 * HPAD)) if text else 1
            if span and span[2] > span[0]:
                tall.append((span, n_lines))
            else:
                heights[r] = max(heights[r], n_lines * LEADING + 2 * VPAD)
    for (r0, _c0, r1, _c1), n_lines in tall:
        need = n_lines * LEADING + 2 * VPAD
        have = sum(heights[r0:r1 + 1])
        if need > have:
            heights[r1] += need - have
    return widths, heights


def _header_cells(stacks: list[list[Node]], first_col: int) -> tuple[list[list[str]], list[Span]]:
    """Header rows over the value columns: texts and horizontal merges of one node over several columns."""
    depth = len(stacks[0])
    rows = [[""] * len(stacks) for _ in range(depth)]
    spans: list[Span] = []
    for r in range(depth):
        c = 0
        while c < len(stacks):
            node = stacks[c][r]
            end = c
            while end + 1 < len(stacks) and stacks[end + 1][r] is node:
                end += 1
            rows[r][c] = node.text
            if end > c:
                spans.append((r, first_col + c, r, first_col + end))
            c = end + 1
    return rows, spans


def _stub_headers(texts: list[str], depth: int, first_col: int, merged: bool) -> tuple[list[list[str]], list[Span]]:
    """Headers of stub and role columns: in the top row merged down the header, or in the bottom row."""
    rows = [[""] * len(texts) for _ in range(depth)]
    spans: list[Span] = []
    for k, text in enumerate(texts):
        if merged and depth > 1:
            rows[0][k] = text
            spans.append((0, first_col + k, depth - 1, first_col + k))
        else:
            rows[depth - 1][k] = text
    return rows, spans


@dataclass
class _Row:
    """A body row of an across table before layout: a section title or a measure."""

    section: str
    label: str = ""
    code: str = ""
    unit: str = ""
    cells: list[Printed] = field(default_factory=list)
    target: tuple[str, float] | None = None
    comment: str = ""


def _draw_across(ch: Chooser, budget: int) -> DrawnTable:
    stacks = across_header(ch, budget)
    depth = len(stacks[0])
    has_code, has_unit = ch.chance(30), ch.chance(20)
    has_target, has_comment = ch.chance(30), ch.chance(25)
    stub = [*(["code"] if has_code else []), "label", *(["unit"] if has_unit else [])]
    roles = [*(["target"] if has_target else []), *(["commentary"] if has_comment else [])]
    stub_texts = {"code": ch.choice(CODE_HEADERS), "label": ch.choice(LABEL_HEADERS), "unit": "Unit"}
    role_texts = {"target": "Target", "commentary": ch.choice(("Commentary", "Comments"))}

    rows: list[_Row] = []
    taken: set[str] = set()
    n_measures = ch.integer(1, 12)
    sections: list[str] = []
    if n_measures >= 2 and ch.chance(30):
        n_sections = ch.integer(1, min(3, n_measures))
        pool = list(SECTIONS)
        prefix = ch.choice(("", "", "Section: "))
        sections = [prefix + pool.pop(ch.integer(0, len(pool) - 1)) for _ in range(n_sections)]
    cuts = sorted({0, *(ch.integer(1, n_measures - 1) for _ in sections[1:])}) if sections else [0]
    code_prefix, code_start = ch.choice(CODE_PREFIXES), ch.integer(1, 40)
    code_style = ch.choice(("space", "hyphen", "tight"))
    section = ""
    for i in range(n_measures):
        if sections and i in cuts:
            section = sections[cuts.index(i)]
            rows.append(_Row(section))
        kind, decimals = ch.choice(VALUE_KINDS), ch.choice((0, 1, 1, 2))
        label = measure_label(ch, taken, kind)
        number = code_start + i
        code = {"space": f"{code_prefix} {number}", "hyphen": f"{code_prefix}-{number:02d}",
                "tight": f"{code_prefix}{number}"}[code_style]
        target = figure(ch, kind, decimals) if has_target else None
        rows.append(_Row(section, label, code, UNITS[kind],
                         cells_of_row(ch, kind, decimals, len(stacks)), target,
                         _comment(ch) if has_comment else ""))

    merged = ch.chance(60)
    label_width = float(ch.integer(140, 240))
    comment_width = float(ch.integer(110, 170))
    while True:
        grid, spans, kinds, col_kinds = _across_grid(stacks, stub, roles, stub_texts, role_texts, rows, depth, merged)
        wants = {c: label_width for c, k in enumerate(col_kinds) if k == "label"}
        wants |= {c: comment_width for c, k in enumerate(col_kinds) if k == "commentary"}
        widths, heights = _layout(grid, spans, kinds, col_kinds, wants)
        if sum(heights) <= USABLE_H or len([r for r in rows if r.label]) == 1:
            break
        rows.pop()
        if rows and not rows[-1].label:
            rows.pop()
    if sum(widths) > USABLE_W:
        raise _TooWide
    table = DrawnTable(_title(ch), "across", grid, spans, kinds, depth, col_kinds, widths, heights, [], [],
                       ch.choice(("none", "pale", "dark")), ch.choice(("RIGHT", "CENTER")))
    first = len(stub)
    r = depth
    for row in rows:
        if not row.label:
            r += 1
            continue
        for k, (stack, cell) in enumerate(zip(stacks, row.cells, strict=True)):
            period_label, start, end = period_of(stack)
            table.truth.append({
                "measure_label": row.label, "breakdown": breakdown_of(stack), "period_label": period_label,
                "period_start": start, "period_end": end, "value": cell.value, "status": cell.status,
                "raw_text": cell.text, "section": row.section, "row": r, "col": first + k,
            })
        measure: dict[str, Any] = {"measure_label": row.label, "section": row.section}
        if row.target is not None:
            measure["target_text"], measure["target_value"] = row.target
        if has_comment:
            measure["commentary"] = row.comment
        table.measures.append(measure)
        r += 1
    pattern = "/".join(node.kind for node in stacks[0])
    table.description = (f"across, header {pattern}, {len(stacks)} value columns, stub {'+'.join(stub)}"
                         f"{', roles ' + '+'.join(roles) if roles else ''}{', sections' if sections else ''}")
    return table


def _across_grid(stacks: list[list[Node]], stub: list[str], roles: list[str], stub_texts: dict[str, str],
                 role_texts: dict[str, str], rows: list[_Row], depth: int,
                 merged: bool) -> tuple[list[list[str]], list[Span], list[str], list[str]]:
    first = len(stub)
    value_rows, spans = _header_cells(stacks, first)
    stub_rows, stub_spans = _stub_headers([stub_texts[k] for k in stub], depth, 0, merged)
    role_rows, role_spans = _stub_headers([role_texts[k] for k in roles], depth, first + len(stacks), merged)
    grid = [stub_rows[r] + value_rows[r] + role_rows[r] for r in range(depth)]
    spans = spans + stub_spans + role_spans
    kinds = ["header"] * depth
    n_cols = len(grid[0])
    for row in rows:
        if not row.label:
            spans.append((len(grid), 0, len(grid), n_cols - 1))
            grid.append([row.section] + [""] * (n_cols - 1))
            kinds.append("section")
            continue
        texts = {"code": row.code, "label": row.label, "unit": row.unit}
        line = [texts[k] for k in stub] + [cell.text for cell in row.cells]
        if "target" in roles:
            line.append(row.target[0] if row.target else "")
        if "commentary" in roles:
            line.append(row.comment)
        grid.append(line)
        kinds.append("body")
    col_kinds = [*stub, *(["value"] * len(stacks)), *roles]
    return grid, spans, kinds, col_kinds


def _draw_down(ch: Chooser, budget: int) -> DrawnTable:
    pattern = ch.choice(DOWN_PATTERNS)
    n_b = pattern.count("B")
    sets = _breakdown_sets(ch, n_b, 6) if n_b else []
    product = 1
    for s in sets:
        product *= len(s)
    n_measures = ch.integer(1 if n_b else 2, max(1 if n_b else 2, min(7, budget // product)))
    taken: set[str] = set()
    kinds = [(ch.choice(VALUE_KINDS), ch.choice((0, 1, 1, 2))) for _ in range(n_measures)]
    labels = [measure_label(ch, taken, kind) for kind, _ in kinds]
    kinds_of = dict(zip(labels, kinds, strict=True))

    def make(level: str, above: list[Node]) -> list[Node]:
        if level == "M":
            return [Node(label, "measure") for label in labels]
        depth = sum(1 for node in above if node.kind == "breakdown")
        return [Node(text, "breakdown") for text in sets[depth]]

    stacks = _grow(pattern, make, [])
    depth = len(pattern)
    grouped = ch.chance(35)
    n_periods = ch.integer(2, 12)
    periods: list[tuple[Per | None, Per]]
    if grouped:
        periods = [(g, sub) for g, subs in grouped_periods(ch, n_periods) for sub in subs]
        stub = ["pgroup", "period"]
        stub_texts = [ch.choice(("Year", "")), ch.choice(("Period", ""))]
    else:
        periods = [(None, p) for p in full_periods(ch, n_periods)]
        stub, stub_texts = ["period"], [ch.choice(("Period", ""))]
    body = [[one_cell(ch, *kinds_of[stack[0].text]) for stack in stacks] for _ in periods]
    for row in body:  # every period row states a figure
        if all(cell.status != "reported" for cell in row):
            k = ch.integer(0, len(row) - 1)
            text, value = figure(ch, *kinds_of[stacks[k][0].text])
            row[k] = Printed(text, value, "reported")
    merged = ch.chance(60)
    label_width = float(ch.integer(60, 110))
    first = len(stub)
    value_rows, spans = _header_cells(stacks, first)
    stub_rows, stub_spans = _stub_headers(stub_texts, depth, 0, merged)
    header = [stub_rows[r] + value_rows[r] for r in range(depth)]
    header_spans = spans + stub_spans
    # measure headings wrap within the width chosen for them
    wants = {(0, c): label_width for c in range(first, first + len(stacks)) if header[0][c]}
    while True:
        grid = [list(row) for row in header]
        spans = list(header_spans)
        kinds = ["header"] * depth
        for i, ((group, sub), row) in enumerate(zip(periods, body, strict=True)):
            lead = [sub.text]
            if group is not None:
                starts = i == 0 or periods[i - 1][0].text != group.text  # type: ignore[union-attr]
                lead = [group.text if starts else "", sub.text]
                end = i
                while starts and end + 1 < len(periods) and periods[end + 1][0].text == group.text:  # type: ignore[union-attr]
                    end += 1
                if end > i:
                    spans.append((depth + i, 0, depth + end, 0))
            grid.append(lead + [cell.text for cell in row])
            kinds.append("body")
        col_kinds = [*stub, *(["value"] * len(stacks))]
        widths, heights = _layout(grid, spans, kinds, col_kinds, {}, wants)
        if sum(heights) <= USABLE_H or len(periods) <= 2:
            break
        periods.pop()
        body.pop()
    if sum(widths) > USABLE_W:
        raise _TooWide
    table = DrawnTable(_title(ch), "down", grid, spans, kinds, depth, col_kinds, widths, heights, [], [],
                       ch.choice(("none", "pale", "dark")), ch.choice(("RIGHT", "CENTER")))
    for i, ((group, sub), row) in enumerate(zip(periods, body, strict=True)):
        period_label = f"{sub.text} {group.text}" if group is not None else sub.text
        for k, (stack, cell) in enumerate(zip(stacks, row, strict=True)):
            table.truth.append({
                "measure_label": stack[0].text, "breakdown": breakdown_of(stack), "period_label": period_label,
                "period_start": sub.start, "period_end": sub.end, "value": cell.value, "status": cell.status,
                "raw_text": cell.text, "section": "", "row": depth + i, "col": first + k,
            })
    table.measures = [{"measure_label": label, "section": ""} for label in labels]
    table.description = (f"down, header {'/'.join(pattern)}, {len(stacks)} value columns, "
                         f"{'grouped' if grouped else 'full'} periods in the stub")
    return table


def _comment(ch: Chooser) -> str:
    """One or two different sentences."""
    first = ch.integer(0, len(COMMENTS) - 1)
    if not ch.chance(40):
        return COMMENTS[first]
    second = (first + ch.integer(1, len(COMMENTS) - 1)) % len(COMMENTS)
    return f"{COMMENTS[first]} {COMMENTS[second]}"


def _title(ch: Chooser) -> str:
    return ch.choice(TITLES)


class _TooWide(Exception):
    pass


def draw_table(ch: Chooser) -> DrawnTable:
    """One table from any chooser: periods across (mostly) or down, shrunk until it fits an A4 page."""
    across = not ch.chance(25)
    for budget in range(MAX_VALUE_COLUMNS, 0, -1):
        try:
            table = _draw_across(ch, budget) if across else _draw_down(ch, budget)
        except _TooWide:
            continue
        _check(table)
        return table
    raise AssertionError("no table fits the page")  # pragma: no cover - budget 1 always fits


def _check(table: DrawnTable) -> None:
    """The grammar's own promises: texts that cannot be misread, one truth row per cell, unique keys."""
    keys = set()
    for row in table.truth:
        assert plain(row["measure_label"]), row
        assert not row["breakdown"] or all(plain(b) for b in row["breakdown"].split(" / ")), row
        key = (row["measure_label"], row["breakdown"], row["period_label"])
        assert key not in keys, key
        keys.add(key)
        assert table.grid[row["row"]][row["col"]] == row["raw_text"]
    for r, kind in enumerate(table.kinds):
        if kind == "section":
            assert plain(table.grid[r][0])
    assert plain(table.title)


def draw(seed: int) -> DrawnTable:
    """A drawn table from a seed, for loops outside Hypothesis."""
    return draw_table(RandomChooser(random.Random(seed)))


def drawn_tables() -> Any:
    """Hypothesis strategy of drawn tables."""
    from hypothesis import strategies as st

    @st.composite
    def tables(draw_: Callable[[Any], Any]) -> DrawnTable:
        return draw_table(DrawChooser(draw_))

    return tables()


# ---------------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------------


def _as_list(tables: DrawnTable | Sequence[DrawnTable]) -> list[DrawnTable]:
    return [tables] if isinstance(tables, DrawnTable) else list(tables)


def render_pdf(tables: DrawnTable | Sequence[DrawnTable], path: Path, ruled: bool = True) -> Path:
    """One table per landscape A4 page under a title line. Ruled: a full grid; borderless: no lines or
    fills at all, columns separated by whitespace only. Table k is on page k+1, placed as `cell_box` says."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf = canvas.Canvas(str(path), pagesize=(PAGE_W, PAGE_H), invariant=1)
    pdf.setCreator("samples.grammar")
    for k, table in enumerate(_as_list(tables)):
        pdf.setFont(BOLD, TITLE_SIZE)
        pdf.drawString(MARGIN, PAGE_H - MARGIN - TITLE_SIZE, f"Table {k + 1}: {table.title}")
        flowable = _pdf_table(table, ruled)
        flowable.wrapOn(pdf, PAGE_W, PAGE_H)
        flowable.drawOn(pdf, MARGIN, PAGE_H - MARGIN - TITLE_H - sum(table.heights))
        pdf.showPage()
    pdf.save()
    return path


def _pdf_table(table: DrawnTable, ruled: bool) -> Table:
    text = lines_of(table)
    data = [["\n".join(text.get((r, c), [""])) for c in range(table.n_cols)] for r in range(table.n_rows)]
    style: list[tuple] = [
        ("FONT", (0, 0), (-1, -1), FONT, SIZE, LEADING),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), HPAD), ("RIGHTPADDING", (0, 0), (-1, -1), HPAD),
        ("TOPPADDING", (0, 0), (-1, -1), VPAD), ("BOTTOMPADDING", (0, 0), (-1, -1), VPAD),
        ("ALIGN", (0, 0), (-1, -1), "LEFT"),
    ]
    for c, kind in enumerate(table.col_kinds):
        if kind in ("value", "target"):
            style.append(("ALIGN", (c, table.header_rows), (c, -1), table.align))
            style.append(("ALIGN", (c, 0), (c, table.header_rows - 1), "CENTER"))
    for r0, c0, r1, c1 in table.spans:
        style.append(("SPAN", (c0, r0), (c1, r1)))
    h = table.header_rows
    style.append(("FONT", (0, 0), (-1, h - 1), BOLD, SIZE, LEADING))
    for r, kind in enumerate(table.kinds):
        if kind == "section":
            style.append(("FONT", (0, r), (-1, r), BOLD, SIZE, LEADING))
            if ruled:
                style.append(("BACKGROUND", (0, r), (-1, r), colors.HexColor(GREY)))
    if ruled:
        if table.fill != "none":
            style.append(("BACKGROUND", (0, 0), (-1, h - 1), colors.HexColor(PALE if table.fill == "pale" else DARK)))
        if table.fill == "dark":
            style.append(("TEXTCOLOR", (0, 0), (-1, h - 1), colors.white))
        style.append(("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#404040")))
    return Table(data, colWidths=table.widths, rowHeights=table.heights, style=TableStyle(style), hAlign="LEFT")


def render_docx(tables: DrawnTable | Sequence[DrawnTable], path: Path) -> Path:
    """A landscape Word document: per table a title paragraph and the table (`Table Grid`), merged
    header cells and section rows as real merges (gridSpan / vMerge). Table k is Word table k+1."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Pt(PAGE_W), Pt(PAGE_H)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Pt(MARGIN))
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(8)
    normal.paragraph_format.space_after = Pt(0)

    def shade(cell: Any, fill: str) -> None:
        shd = OxmlElement("w:shd")
        shd.set(qn("w:val"), "clear")
        shd.set(qn("w:color"), "auto")
        shd.set(qn("w:fill"), fill.lstrip("#"))
        cell._tc.get_or_add_tcPr().append(shd)

    for k, table in enumerate(_as_list(tables)):
        if k:
            doc.add_page_break()
        doc.add_paragraph().add_run(f"Table {k + 1}: {table.title}").bold = True
        word = doc.add_table(rows=table.n_rows, cols=table.n_cols)
        word.style = "Table Grid"
        word.autofit = False
        scale = min(1.0, USABLE_W / sum(table.widths))
        widths = [Pt(w * scale) for w in table.widths]
        for c, column in enumerate(word.columns):
            column.width = widths[c]
        cells = [list(row.cells) for row in word.rows]
        for r, row in enumerate(table.grid):
            kind = table.kinds[r]
            for c, text in enumerate(row):
                cell = cells[r][c]
                cell.width = widths[c]
                if text:
                    run = cell.paragraphs[0].add_run(text)
                    run.bold = kind in ("header", "section")
                    if kind == "header" and table.fill == "dark":
                        run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
                if kind == "header" and table.fill != "none":
                    shade(cell, PALE if table.fill == "pale" else DARK)
                elif kind == "section":
                    shade(cell, GREY)
        for r0, c0, r1, c1 in table.spans:
            cells[r0][c0].merge(cells[r1][c1])

    buffer = io.BytesIO()
    doc.save(buffer)
    # python-docx stamps zip entries with the wall clock: equal tables give equal bytes without it
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, src.read(info.filename))
    return path


# ---------------------------------------------------------------------------------------------
# Command line: a folder of examples to look at
# ---------------------------------------------------------------------------------------------

TRUTH_FIELDS = ("table", "measure_label", "breakdown", "period_label", "period_start", "period_end", "value",
                "status", "raw_text", "section", "row", "col")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--per-file", type=int, default=1, help="tables per document, one per page")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for seed in range(args.seed, args.seed + args.count):
        tables = [draw(seed * 1000 + k) for k in range(args.per_file)]
        stem = args.out / f"grammar_{seed:03d}"
        render_pdf(tables, stem.with_name(stem.name + "_ruled.pdf"), ruled=True)
        render_pdf(tables, stem.with_name(stem.name + "_borderless.pdf"), ruled=False)
        render_docx(tables, stem.with_suffix(".docx"))
        with stem.with_name(f"truth_{seed:03d}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, TRUTH_FIELDS)
            writer.writeheader()
            for k, table in enumerate(tables, start=1):
                for row in table.truth:
                    writer.writerow({"table": k, **row})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
