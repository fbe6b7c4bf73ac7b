"""Generate measure long-lists (seed 003's style) and audit judgement reports (seed 004's second half),
with their exact truth.

Every label, figure and name comes from this module's word lists and a seed, so the pipeline is
measured on documents it has never seen.

* **Long-lists** (Word ``.docx``): a title, context prose and bullets, then per outcome a small
  table (``Ultimate Outcome`` | name, ``Objectives`` | dash-led objectives) over a two-sided table:
  activity and quality measures on the left, impact measures on the right, each side a
  ``Measure | Existing | Target | DoT`` group under a group heading (merged or not) whose flags are
  ``Y``, ``N``, ``Variant``, ``?``, ``n/a`` or blank. Sides are ragged (a row may have a measure on
  one side only) and some outcomes have no impact measures at all (an empty right-hand side).
  Other header wordings (``Indicator``, ``Existing measure``, ``Direction of travel``), flag column
  orders, outcomes and measures vary with the seed. A long-list names measures; it reports no figures.
* **Audit reports** (PDF ruled, PDF borderless, Word): under one or two headings, one small table per
  audit stream: a title row (the stream), a period header either on two lines (``Q1`` over
  ``(May 15)``) or on one (``Q4 (Mar 16)``), rows ``Outstanding`` / ``Good`` / ``Requires
  Improvement`` / ``Inadequate`` (best or worst first), cells like ``8% (2)``, ``4%(2)`` or ``0%``,
  and a Trend column of arrows (``↑``, ``↓``, ``=``).

Truth (the conventions of the shared samples, ``../shared/samples/README.md``): a long-list measure's
section is ``Outcome / Activity and quality measures`` or ``Outcome / Impact measures``, and its
definition keeps the flags and the outcome's objectives. An audit cell is an observation: measure =
the heading the tables sit under, breakdown ``Stream / Judgement``, period = the financial-year
quarter the month in the header falls in (``(May 15)`` is April-June 2015), value the percent and
numerator the count in brackets; the arrows are the measure's trend (``Measure.trend_text``), never
figures.

Usage: ``python -m samples.layouts OUT [--count N] [--seed S]`` writes, per seed, ``longlist_SSS.docx``,
``audit_SSS_ruled.pdf``, ``audit_SSS_borderless.pdf`` and ``audit_SSS.docx``, and ``OUT/truth/*.csv``.
"""

from __future__ import annotations

import argparse
import calendar
import csv
import random
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Table, TableStyle

ACTIVITY = "Activity and quality measures"
IMPACT = "Impact measures"

ORGS = ("Kingsbrook Children's Services", "Ashvale Family Trust", "Marlow Vale Council Children's Services",
        "Hollinbridge Children's Partnership", "Stonecross Borough Council")

# --- long-lists -------------------------------------------------------------------------------

LIST_TITLES = ("Outcome Measures – Draft long list", "Proposed Performance Framework – Long list of measures",
               "Activity and Outcome Measures – Working draft", "Measures Long List for Consultation")
LIST_CONTEXT = (
    "This paper sets out the measures proposed for the new performance framework, grouped by the outcomes "
    "agreed with partners in the children's plan.",
    "Some measures are already reported each month; others would need new recording before they could be "
    "collected reliably, and these are marked as such.",
    "The list is deliberately broad. A smaller set of headline measures will be chosen from it once the "
    "partnership board has commented.",
    "Where a measure could carry a target, or an agreed direction of travel, this is shown beside it.",
)
LIST_BULLETS = ("whether the measure is reported today", "whether a target could be set for it",
                "whether a direction of travel could be agreed instead of a target")
OUTCOMES = ("Grow up in stable and loving homes", "Are healthy and resilient", "Achieve well in learning and work",
            "Are protected from exploitation", "Have a voice in decisions about their lives",
            "Are ready for adulthood and independence")
OBJECTIVES = (
    "Reduce the time children wait for a permanent home", "Support families to stay together safely",
    "Improve emotional wellbeing in adolescence", "Increase school attendance for children in care",
    "Strengthen the voice of young people in their plans", "Help care leavers into settled housing and work",
    "Respond earlier when children go missing", "Widen the range of local foster homes",
)
ACTIVITY_MEASURES = (
    "% of return home conversations offered within {n} hours", "% of family network meetings held before care",
    "Number of early help plans closed with needs met", "% of supervision sessions recorded within {n} days",
    "% of pathway plans reviewed within {n} months", "Average caseload per qualified practitioner",
    "Number of foster households approved in the year", "% of health passports issued to care leavers",
    "% of child in need plans reviewed within {n} weeks", "% of personal education plans rated good or better",
    "Number of young people supported by the edge of care team",
    "% of stability meetings held within {n} days of a disruption",
    "% of disabled children's assessments completed within {n} weeks",
    "% of private fostering notifications visited within {n} days",
    "Number of practice observations by senior leaders", "% of missing episodes debriefed within {n} hours",
    "% of homeless 16-17 year olds jointly assessed with housing",
    "% of adoption matches approved within {n} months of the order",
    "Number of staff completing systemic practice training",
    "% of care reviews where the young person's views were recorded",
)
IMPACT_MEASURES = (
    "Rate of children entering care per 10,000 aged 0-17", "% of care leavers aged {n} in education or work",
    "Number of young people re-referred within {n} months of closure",
    "% of children with three or more homes in a year", "% of young carers reporting improved wellbeing",
    "Average days from entering care to moving in with adopters",
    "% of children returning home who come back into care within {n} months",
    "Number of first time entrants to the youth justice system",
    "% of families who say the help made a difference", "Rate of fixed-term exclusions among children in care",
    "% of 19-21 year old care leavers in settled housing", "Number of children living more than {n} miles from home",
)
NUMBERS = (2, 3, 5, 6, 10, 12, 18, 20)
FLAGS = ("Y", "N", "Variant", "?", "n/a")
FLAG_WEIGHTS = (50, 10, 6, 25, 9)
LABEL_HEADERS = ("Measure", "Indicator")
FLAG_HEADERS = {"existing_flag": ("Existing", "Existing measure"), "target_flag": ("Target", "Targeted"),
                "dot_flag": ("DoT", "Direction of travel")}

# --- audit reports ------------------------------------------------------------------------------

AUDIT_TITLES = ("Quality Assurance Report", "Practice Quality Report to the Improvement Board",
                "Quarterly Audit Summary", "Learning from Audit - Quarterly Report")
AUDIT_HEADINGS = ("Case Audit Outcomes", "Practice Audit Grades", "Quality Assurance - Audit Findings by Service",
                  "Thematic Audit Results", "Quality of Practice - Grades from Moderated Audits")
STREAMS = ("Early Help Hub", "Assessment Team North", "Assessment Team South", "Children in Care",
           "Leaving Care Service", "Disabled Children's Team", "Fostering Service", "Court and Permanence",
           "Youth Support", "Multi-Agency Hub", "Targeted Family Support", "All Teams")
GRADES = ("Outstanding", "Good", "Requires Improvement", "Inadequate")  # best first
ARROWS = {"up": "↑", "down": "↓", "same": "="}
WORDS = {"up": "Up", "down": "Down", "same": "Same"}  # printed when no installed font has the arrows

# TrueType fonts with the arrows (the PDF's standard Type 1 fonts have none that text extraction reads
# back as arrows). Tried in order; the first pair found on this machine is registered.
_FONT_FILES = (
    ("LiberationSans", "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
     "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf"),
    ("LiberationSans", "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
     "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"),
    ("DejaVuSans", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
     "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
)


@cache
def arrow_fonts() -> tuple[tuple[str, str], ...]:
    """(regular, bold) font names registered with reportlab that can print ``↑`` and ``↓``."""
    found: dict[str, tuple[str, str]] = {}
    for name, regular, bold in _FONT_FILES:
        if name in found or not (Path(regular).is_file() and Path(bold).is_file()):
            continue
        pdfmetrics.registerFont(TTFont(name, regular))
        pdfmetrics.registerFont(TTFont(f"{name}-Bold", bold))
        found[name] = (name, f"{name}-Bold")
    return tuple(found.values())


# ---------------------------------------------------------------------------------------------
# Models
# ---------------------------------------------------------------------------------------------


@dataclass
class ListMeasure:
    label: str
    flags: dict[str, str]  # existing_flag / target_flag / dot_flag -> printed flag ("" when blank)


@dataclass
class Outcome:
    name: str
    objectives: list[str]
    activity: list[ListMeasure]
    impact: list[ListMeasure]
    rows: list[tuple[int | None, int | None]]  # per table row: (activity index, impact index), None = blank side


@dataclass
class LongList:
    seed: int
    org: str
    title: str
    context: list[str]
    outcomes: list[Outcome]
    outcome_word: str  # `Ultimate Outcome` or `Outcome`
    objectives_word: str
    label_header: str
    flag_headers: list[tuple[str, str]]  # (flag kind, printed header) in column order
    merged_groups: bool  # the side headings merged over their four columns, or in the first cell only

    @property
    def name(self) -> str:
        return f"longlist_{self.seed:03d}.docx"


@dataclass
class AuditPeriod:
    quarter: int  # financial-year quarter, 1 = April-June
    month: date  # the month the header names
    month_text: str  # `May 15`, `Sept 16`

    @property
    def label(self) -> str:
        return f"Q{self.quarter} ({self.month_text})"

    @property
    def start(self) -> date:
        first = self.month.month - (self.month.month - 1) % 3
        return date(self.month.year, first, 1)

    @property
    def end(self) -> date:
        last = self.start.month + 2
        return date(self.month.year, last, calendar.monthrange(self.month.year, last)[1])


@dataclass
class AuditStream:
    name: str
    cells: dict[str, list[tuple[float, int | None, str]]]  # grade -> per period (percent, count, printed)
    trends: dict[str, str]  # grade -> up / down / same


@dataclass
class AuditGroup:
    heading: str
    periods: list[AuditPeriod]
    two_line: bool  # `Q1` over `(May 15)`, else `Q1 (May 15)` on one line
    streams: list[AuditStream]
    trend_header: str


@dataclass
class AuditReport:
    seed: int
    org: str
    title: str
    groups: list[AuditGroup]
    grades: list[str]  # printed grade labels, in row order
    marks: dict[str, str]  # up / down / same -> printed trend mark
    fonts: tuple[str, str]
    centred: bool
    intro: str = ""
    judgement_header: str = ""  # the header over the grade column (usually blank)
    shaded: bool = True  # the stream's title row on a filled band (kept by a print without lines)

    def name(self, form: str) -> str:
        """File name for one form: `ruled`, `borderless` (PDFs) or `docx`."""
        return f"audit_{self.seed:03d}.docx" if form == "docx" else f"audit_{self.seed:03d}_{form}.pdf"


# ---------------------------------------------------------------------------------------------
# Random models
# ---------------------------------------------------------------------------------------------


def _measure_labels(rng: random.Random, pool: tuple[str, ...], k: int, taken: set[str]) -> list[str]:
    labels: list[str] = []
    for pattern in rng.sample(pool, k=min(k, len(pool))):
        label = pattern.format(n=rng.choice(NUMBERS))
        if label not in taken:  # one measure, one row: a label repeated within a report is another test
            taken.add(label)
            labels.append(label)
    return labels


def _flags(rng: random.Random) -> dict[str, str]:
    existing = rng.choices(FLAGS, weights=FLAG_WEIGHTS)[0]
    target = rng.choice(("Y", "Y", "?", "N", "n/a"))
    # A measure with a target needs no direction of travel; one without may have one, or not yet.
    dot = "n/a" if target == "Y" else rng.choice(("?", "?", "Y", "N"))
    flags = {"existing_flag": existing, "target_flag": target, "dot_flag": dot}
    if rng.random() < 0.06:  # an unfinished row: the later flags left blank
        flags["target_flag"] = flags["dot_flag"] = ""
    return flags


def _ragged_rows(rng: random.Random, n_left: int, n_right: int) -> list[tuple[int | None, int | None]]:
    """Pair the two sides row by row, as long-lists print them: mostly side by side, with gaps on either side."""
    rows: list[tuple[int | None, int | None]] = []
    left = right = 0
    while left < n_left or right < n_right:
        roll = rng.random()
        take_left = left < n_left and (right >= n_right or roll < 0.85)
        take_right = right < n_right and (left >= n_left or roll > 0.25)
        rows.append((left if take_left else None, right if take_right else None))
        left += take_left
        right += take_right
    return rows


def random_long_list(seed: int, empty_right: bool | None = None) -> LongList:
    """A long-list; ``empty_right`` forces (True) or forbids (False) an outcome with no impact measures."""
    rng = random.Random(seed)
    taken: set[str] = set()
    outcomes: list[Outcome] = []
    names = rng.sample(OUTCOMES, k=rng.randint(2, 4))
    blank = rng.randrange(len(names)) if (empty_right if empty_right is not None else rng.random() < 0.5) else -1
    for k, name in enumerate(names):
        activity = [ListMeasure(label, _flags(rng))
                    for label in _measure_labels(rng, ACTIVITY_MEASURES, rng.randint(3, 8), taken)]
        impact = [] if k == blank else [ListMeasure(label, _flags(rng))
                                        for label in _measure_labels(rng, IMPACT_MEASURES, rng.randint(1, 4), taken)]
        objectives = [f"– {text}" for text in rng.sample(OBJECTIVES, k=rng.randint(1, 3))]
        outcomes.append(Outcome(name, objectives, activity, impact, _ragged_rows(rng, len(activity), len(impact))))
    kinds = ["existing_flag", "target_flag", "dot_flag"]
    if rng.random() < 0.3:
        kinds[1], kinds[2] = kinds[2], kinds[1]
    headers = [(kind, rng.choice(FLAG_HEADERS[kind])) for kind in kinds]
    context = rng.sample(LIST_CONTEXT, k=rng.randint(1, 3))
    return LongList(seed, rng.choice(ORGS), rng.choice(LIST_TITLES), context, outcomes,
                    rng.choice(("Ultimate Outcome", "Ultimate Outcome", "Outcome")),
                    rng.choice(("Objectives", "Objectives", "Objective")), rng.choice(LABEL_HEADERS), headers,
                    rng.random() < 0.7)


def _month_text(rng: random.Random, month: date) -> str:
    abbr = calendar.month_abbr[month.month]
    if month.month == 9 and rng.random() < 0.5:
        abbr = "Sept"  # as often printed
    return f"{abbr} {month.year % 100:02d}"


def _periods(rng: random.Random, n: int) -> list[AuditPeriod]:
    """n consecutive financial-year quarters, each named by one month inside it."""
    year, quarter = rng.randint(2014, 2021), rng.randint(1, 4)
    periods: list[AuditPeriod] = []
    offset = rng.randint(0, 2)  # which month of each quarter the audits report (the same all year)
    for _ in range(n):
        first = 3 * quarter + 1 if quarter < 4 else 1  # Q1 April, Q2 July, Q3 October, Q4 January
        calendar_year = year + 1 if quarter == 4 else year
        month = date(calendar_year, first + (offset if rng.random() < 0.8 else rng.randint(0, 2)), 1)
        periods.append(AuditPeriod(quarter, month, _month_text(rng, month)))
        quarter = quarter % 4 + 1
        year += quarter == 1
    return periods


def _split(rng: random.Random, total: int) -> list[int]:
    """Audited cases per grade (best first): mostly Good and Requires Improvement, few at either end."""
    weights = [rng.uniform(0, 0.15), rng.uniform(0.2, 0.6), rng.uniform(0.2, 0.6), rng.uniform(0, 0.2)]
    counts = [int(total * w / sum(weights)) for w in weights]
    counts[rng.choice((1, 2))] += total - sum(counts)
    return counts


def _stream(rng: random.Random, name: str, n_periods: int, counted: bool, zero_bare: bool) -> AuditStream:
    columns: list[list[tuple[float, int | None, str]]] = []  # per period, per grade (best first)
    tight = rng.random() < 0.4  # `4%(2)` rather than `4% (2)`
    for _ in range(n_periods):
        total = rng.randint(6, 60)
        counts = _split(rng, total)
        column: list[tuple[float, int | None, str]] = []
        for count in counts:
            share = 100 * count / total
            percent = round(share, 1) if share < 1 or (not counted and rng.random() < 0.15) else float(round(share))
            shown = f"{percent:g}%"
            if counted and not (count == 0 and zero_bare):
                column.append((percent, count, f"{shown}{'' if tight else ' '}({count})"))
            else:
                column.append((percent, None, shown))
        columns.append(column)
    cells = {grade: [col[g] for col in columns] for g, grade in enumerate(GRADES)}
    trends: dict[str, str] = {}
    for grade, values in cells.items():
        last, before = values[-1][0], values[-2][0]
        trends[grade] = "up" if last > before else "down" if last < before else "same"
    return AuditStream(name, cells, trends)


def random_audit_report(seed: int, header_lines: tuple[int, ...] | None = None,
                        shaded: bool | None = None) -> AuditReport:
    """An audit report; ``header_lines`` forces one group per entry with a 1- or 2-line period header,
    ``shaded`` forces (or forbids) a filled band behind each stream's title row."""
    rng = random.Random(seed)
    n_groups = len(header_lines) if header_lines else rng.choice((1, 2, 2))
    headings = rng.sample(AUDIT_HEADINGS, k=n_groups)
    streams = rng.sample(STREAMS, k=len(STREAMS))
    groups: list[AuditGroup] = []
    for k, heading in enumerate(headings):
        two_line = header_lines[k] == 2 if header_lines else rng.random() < 0.5
        periods = _periods(rng, rng.randint(3, 7))
        counted = rng.random() < 0.6
        zero_bare = rng.random() < 0.7
        members = [streams.pop() for _ in range(rng.randint(2, 4))]
        groups.append(AuditGroup(heading, periods, two_line,
                                 [_stream(rng, name, len(periods), counted, zero_bare) for name in members],
                                 rng.choice(("Trend", "Trend", "DoT"))))
    grades = [rng.choice((g, g.capitalize())) if " " in g else g for g in GRADES]
    if rng.random() < 0.3:
        grades.reverse()
    intro = rng.choice(("", "", "The tables below give the grades awarded in case audits completed each quarter, "
                                "with the number of cases in brackets where it is known."))
    org, title, centred = rng.choice(ORGS), rng.choice(AUDIT_TITLES), rng.random() < 0.5
    judgement_header = rng.choice(("", "", "", "Judgement"))
    shaded_draw = rng.random() < 0.5
    # Fonts last, and one draw whatever this machine has installed: a seed is the same report everywhere
    # but for the typeface (and, with no arrow font at all, trend words instead of arrows).
    fonts, font_draw = arrow_fonts(), rng.random()
    return AuditReport(seed, org, title, groups, grades, ARROWS if fonts else WORDS,
                       fonts[int(font_draw * len(fonts))] if fonts else ("Helvetica", "Helvetica-Bold"), centred,
                       intro, judgement_header, shaded_draw if shaded is None else shaded)


def _grade_key(printed: str) -> str:
    return next(g for g in GRADES if g.lower() == printed.lower())


# ---------------------------------------------------------------------------------------------
# Truth
# ---------------------------------------------------------------------------------------------


def _sides(outcome: Outcome) -> list[tuple[str, list[ListMeasure]]]:
    return [(ACTIVITY, outcome.activity), (IMPACT, outcome.impact)]


def expected_list_measures(report: LongList) -> list[dict[str, object]]:
    """One `measures` row per measure: section `Outcome / Activity and quality measures` or `/ Impact measures`."""
    return [{"measure_label": m.label, "section": f"{outcome.name} / {side}"}
            for outcome in report.outcomes for side, measures in _sides(outcome) for m in measures]


def expected_definitions(report: LongList) -> list[dict[str, object]]:
    """One `measure_definitions` row per measure: the outcome, its objectives (one line) and the flags."""
    return [{"measure_label": m.label, "section": f"{outcome.name} / {side}", "outcome": outcome.name,
             "objectives": " ".join(outcome.objectives), **m.flags}
            for outcome in report.outcomes for side, measures in _sides(outcome) for m in measures]


def expected_audit_observations(report: AuditReport) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for group in report.groups:
        for stream in group.streams:
            for printed in report.grades:
                for period, (percent, count, text) in zip(group.periods, stream.cells[_grade_key(printed)],
                                                          strict=True):
                    rows.append({"measure_label": group.heading, "breakdown": f"{stream.name} / {printed}",
                                 "period_label": period.label, "period_type": "quarter",
                                 "period_start": period.start.isoformat(), "period_end": period.end.isoformat(),
                                 "value": percent, "unit": "percent", "numerator": count, "denominator": None,
                                 "status": "reported", "raw_text": text, "section": group.heading})
    return rows


def expected_audit_measures(report: AuditReport) -> list[dict[str, object]]:
    """One `measures` row per stream and grade: the heading as measure, `Stream / Judgement`, the trend mark."""
    return [{"measure_label": group.heading, "section": f"{stream.name} / {printed}",
             "trend_text": report.marks[stream.trends[_grade_key(printed)]]}
            for group in report.groups for stream in group.streams for printed in report.grades]


# ---------------------------------------------------------------------------------------------
# Word
# ---------------------------------------------------------------------------------------------


def write_long_list(report: LongList, path: Path) -> Path:
    """Render a long-list as a Word document: real merged cells, one outcome table and one list per outcome."""
    import docx
    from docx.shared import Pt

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = docx.Document()
    doc.styles["Normal"].font.name = "Arial"
    doc.styles["Normal"].font.size = Pt(9)
    doc.add_paragraph(report.org)
    doc.add_heading(report.title, level=1)
    doc.add_heading("Context", level=2)
    for text in report.context:
        doc.add_paragraph(text)
    doc.add_paragraph("Each measure is marked to show:")
    for text in LIST_BULLETS:
        doc.add_paragraph(text, style="List Bullet")
    width = 1 + len(report.flag_headers)
    for k, outcome in enumerate(report.outcomes):
        if k:
            doc.add_page_break()
        block = doc.add_table(rows=2, cols=2)
        block.style = "Table Grid"
        block.cell(0, 0).text, block.cell(0, 1).text = report.outcome_word, outcome.name
        block.cell(1, 0).text = report.objectives_word
        cell = block.cell(1, 1)
        cell.text = outcome.objectives[0]
        for line in outcome.objectives[1:]:
            cell.add_paragraph(line)
        doc.add_paragraph()
        header = [report.label_header, *(text for _kind, text in report.flag_headers)]
        table = doc.add_table(rows=2 + len(outcome.rows), cols=2 * width)
        table.style = "Table Grid"
        for s, (side, _measures) in enumerate(_sides(outcome)):
            if report.merged_groups:
                table.cell(0, s * width).merge(table.cell(0, s * width + width - 1))
            table.cell(0, s * width).text = side
            for c, text in enumerate(header):
                table.cell(1, s * width + c).text = text
        for r, pair in enumerate(outcome.rows, start=2):
            for s, ((_side, measures), index) in enumerate(zip(_sides(outcome), pair, strict=True)):
                if index is None:
                    continue
                measure = measures[index]
                table.cell(r, s * width).text = measure.label
                for c, (kind, _text) in enumerate(report.flag_headers, start=1):
                    table.cell(r, s * width + c).text = measure.flags[kind]
    doc.save(path)
    return path


def audit_rows(report: AuditReport, group: AuditGroup, stream: AuditStream) -> list[list[str]]:
    """The printed grid of one stream table: title row, one or two header rows, a row per grade."""
    n = len(group.periods)
    rows = [[stream.name] + [""] * (n + 1)]
    if group.two_line:
        rows.append([""] + [f"Q{p.quarter}" for p in group.periods] + [""])
        rows.append([report.judgement_header] + [f"({p.month_text})" for p in group.periods] + [group.trend_header])
    else:
        rows.append([report.judgement_header] + [p.label for p in group.periods] + [group.trend_header])
    for printed in report.grades:
        grade = _grade_key(printed)
        rows.append([printed] + [text for _v, _c, text in stream.cells[grade]] + [report.marks[stream.trends[grade]]])
    return rows


def write_audit_docx(report: AuditReport, path: Path) -> Path:
    """Render an audit report as a Word document: a heading paragraph, then one table per stream."""
    import docx

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = docx.Document()
    doc.add_paragraph(report.org)
    doc.add_heading(report.title, level=1)
    if report.intro:
        doc.add_paragraph(report.intro)
    for group in report.groups:
        doc.add_heading(group.heading, level=2)
        for stream in group.streams:
            rows = audit_rows(report, group, stream)
            table = doc.add_table(rows=len(rows), cols=len(rows[0]))
            table.style = "Table Grid"
            table.cell(0, 0).merge(table.cell(0, len(rows[0]) - 1))
            for r, texts in enumerate(rows):
                for c, text in enumerate(texts):
                    if r == 0 and c:
                        break
                    table.cell(r, c).text = text
            doc.add_paragraph()
    doc.save(path)
    return path


# ---------------------------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------------------------

MARGIN = 40.0
SIZE = 9.0


def write_audit_pdf(report: AuditReport, path: Path, ruled: bool = True) -> Path:
    """Render an audit report as a landscape PDF; ``ruled=False`` draws no lines (a shaded title row keeps its fill,
    as a print without gridlines does)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    page_w, page_h = landscape(A4)
    regular, bold = report.fonts
    pdf = canvas.Canvas(str(path), pagesize=(page_w, page_h), invariant=1)
    pdf.setTitle(report.title)
    pdf.setAuthor(report.org)
    y = page_h - MARGIN
    for text, size in ((report.org, 11.0), (report.title, 14.0)):
        pdf.setFont(bold, size)
        pdf.drawString(MARGIN, y - size, text)
        y -= size + 8
    if report.intro:
        pdf.setFont(regular, SIZE)
        pdf.drawString(MARGIN, y - SIZE, report.intro)
        y -= SIZE + 10
    for group in report.groups:
        tables = [_pdf_table(report, group, stream, ruled) for stream in group.streams]
        sizes = [t.wrap(page_w, page_h) for t in tables]
        heading_h = 30.0
        if y - heading_h - sizes[0][1] < MARGIN:  # a heading never ends a page alone
            pdf.showPage()
            y = page_h - MARGIN
        y -= 12
        pdf.setFont(bold, 12)
        pdf.drawString(MARGIN, y - 12, group.heading)
        y -= heading_h - 12
        for table, (width, height) in zip(tables, sizes, strict=True):
            if y - height < MARGIN:
                pdf.showPage()
                y = page_h - MARGIN
            x = (page_w - width) / 2 if report.centred else MARGIN
            table.drawOn(pdf, x, y - height)
            y -= height + 14
    pdf.save()
    return path


def _pdf_table(report: AuditReport, group: AuditGroup, stream: AuditStream, ruled: bool) -> Table:
    regular, bold = report.fonts
    rows = audit_rows(report, group, stream)
    header_rows = 2 if group.two_line else 1
    # Every column as wide as its widest text plus padding: text overflowing its ruled cell is not
    # how these reports print, and it would measure the generator, not the pipeline.
    widths = [max(stringWidth(row[c], bold if r <= header_rows else regular, SIZE) for r, row in enumerate(rows)
                  if r or not c) + 14 for c in range(len(rows[0]))]
    period_w = max(widths[1:-1])
    style = [
        ("FONT", (0, 0), (-1, -1), regular, SIZE),
        ("FONT", (0, 0), (-1, header_rows), bold, SIZE),
        ("SPAN", (0, 0), (-1, 0)),
        ("ALIGN", (1, 1), (-1, -1), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if report.shaded:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DCE6F1")))
    if ruled:
        style.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
    table = Table(rows, colWidths=[max(widths[0], 110.0)] + [max(period_w, 40.0)] * len(group.periods)
                  + [max(widths[-1], 36.0)], rowHeights=14.0)
    table.setStyle(TableStyle(style))
    return table


# ---------------------------------------------------------------------------------------------
# Folder
# ---------------------------------------------------------------------------------------------


def _write_csv(path: Path, rows: list[dict[str, object]]) -> None:
    keys: list[str] = []
    for row in rows:
        keys += [k for k in row if k not in keys]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=keys)
        writer.writeheader()
        writer.writerows({k: ("" if v is None else v) for k, v in row.items()} for row in rows)


AUDIT_FORMS = ("ruled", "borderless", "docx")


def write_audit(report: AuditReport, path: Path, form: str) -> Path:
    """One audit report in one form: `ruled` or `borderless` PDF, or `docx`."""
    if form == "docx":
        return write_audit_docx(report, path)
    return write_audit_pdf(report, path, ruled=form == "ruled")


def write_folder(out: Path, count: int, seed: int) -> list[Path]:
    """Per seed a long-list and an audit report in every form, with truth/*.csv beside them."""
    out.mkdir(parents=True, exist_ok=True)
    made: list[Path] = []
    measures: list[dict[str, object]] = []
    definitions: list[dict[str, object]] = []
    observations: list[dict[str, object]] = []
    for s in range(seed, seed + count):
        lists = random_long_list(s)
        made.append(write_long_list(lists, out / lists.name))
        measures += [{"source_file": lists.name, **row} for row in expected_list_measures(lists)]
        definitions += [{"source_file": lists.name, **row} for row in expected_definitions(lists)]
        audit = random_audit_report(s)
        for form in AUDIT_FORMS:
            name = audit.name(form)
            made.append(write_audit(audit, out / name, form))
            measures += [{"source_file": name, **row} for row in expected_audit_measures(audit)]
            observations += [{"source_file": name, **row} for row in expected_audit_observations(audit)]
    truth = out / "truth"
    truth.mkdir(exist_ok=True)
    _write_csv(truth / "measures.csv", measures)
    _write_csv(truth / "measure_definitions.csv", definitions)
    _write_csv(truth / "observations.csv", observations)
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    made = write_folder(args.out, args.count, args.seed)
    print(f"wrote {len(made)} files to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
