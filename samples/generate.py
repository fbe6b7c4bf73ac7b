"""Generate synthetic grid-style scorecard reports (PDF and Word) together with their exact tidy truth.

Three styles, every label, figure and name drawn from this module's own word lists so that the
pipeline is measured on reports it has never seen:

* ``contract``: a quarterly contract KPI grid. A ``Measure Type`` group cell merged down its rows,
  a financial year (``2018/19``) merged over ``Qtr1``..``Qtr4``, ``New contract measure for ...``
  merged over the first year's quarters, ``TBD*`` / ``n/a**`` targets, sub-measure rows
  (``b) >18 months``) and footnotes.
* ``improvement``: an improvement-plan scorecard. ``Thresholds`` merged over ``RI`` / ``Good`` /
  ``Outs.``, ``Q1`` over ``15/16`` (separate cells), full-width section rows, blank and ``N/A``
  cells and a wrapping ``Exception Commentary`` column.
* ``target``: a target-setting table. Title paragraphs and an introduction, then one wide table
  (``Performance Indicator`` | ``Latest Result (Dec 17)`` | ``Target 17/18`` | ``Latest England or
  Statistical Neighbour Result`` | ``Target 2018/19`` | ``RAG Bandings`` | ``Rationale for Target``)
  whose cells pack several figures (``All children 97.2% Green Excluding siblings 95.0% Amber``,
  ``In county 88.7% (893/1007)``, ``89.9% Nov 17 Amber``, ``Awaiting figures``), comparator text
  and prose. The PDF repeats the header row on every page and, in some seeds, lets a row split
  over the page break.

A folder (``generate_folder``) also holds, by default, the next quarter's report of one contract grid
(``<name>_next``): a revised figure, a mis-printed Position and a ``#DIV/0!`` cell, for the review.
The bundled samples are ``python -m samples.generate samples/reports --count 4 --seed 2019 --measures 16``.

Usage: ``python -m samples.generate OUT [--count N] [--seed S] [--measures M] [--styles S,S] [--no-follow-ups]``.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape, letter
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas
from reportlab.platypus import Table, TableStyle

STYLES = ("contract", "improvement", "target")
FOLDER_STYLES = ("contract", "improvement")  # what generate_folder alternates unless asked for more

OBSERVATION_FIELDS = (
    "measure_label", "breakdown", "period_label", "period_type", "period_start", "period_end",
    "value", "unit", "status", "raw_text", "section",
)
# written to truth/observations.csv when a folder holds target-setting reports
FULL_OBSERVATION_FIELDS = (*OBSERVATION_FIELDS, "numerator", "denominator", "reported_rag")
BENCHMARK_FIELDS = ("measure_label", "comparator", "period_label", "value", "unit")
QUARANTINE_FIELDS = ("measure_label", "breakdown", "period_label", "raw_text")
MEASURE_FIELDS = (
    "measure_label", "section", "polarity", "frequency", "target_text", "target_value",
    "tolerance_text", "tolerance_low", "tolerance_high", "threshold_text", "position_text", "trend_text",
)

HIGHER = "higher_is_better"
LOWER = "lower_is_better"

# ---------------------------------------------------------------------------------------------
# Model
# ---------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------
# Word lists (invented; none taken from the seed reports)
# ---------------------------------------------------------------------------------------------

_PLACES = [
    "Ashcombe", "Brackenford", "Caldermere", "Dunhollow", "Eastwick Vale", "Fernleigh", "Greyhaven",
    "Hartsmoor", "Kingsbridge Vale", "Lowerby", "Marlow Fen", "Northcote Downs", "Oakhurst", "Redmarsh",
    "Stonebury", "Thornvale", "Westerholme", "Wyecliffe", "Elderbrook", "Pennington Cross",
]
_ORG_KINDS = [
    "Children's Trust", "Children's Services", "County Council Children's Services", "Borough Council",
    "Council Children and Families Directorate", "Children and Young People's Partnership",
]
_GROUPS = [
    "Core Contract Measures", "Contractual Performance Indicators", "Partnership Outcome Measures",
    "Quality and Practice Indicators", "Local Priority Indicators", "Statutory Return Measures",
    "Workforce Indicators", "Commissioning Outcome Measures",
]
_SECTIONS = [
    "We keep the child at the centre of everything we do",
    "We listen carefully and record what children tell us",
    "We plan well and review plans on time",
    "We check our practice and learn from it",
    "We act quickly when children are at risk",
    "We help families find their own solutions",
    "We support children in care to thrive",
    "We prepare young people well for adult life",
    "We work alongside partners to keep children safe",
    "We develop and support a stable workforce",
]
_ACTIVITIES = [
    ("Single assessments", "completed"), ("Early help assessments", "completed"),
    ("Initial health assessments for children entering care", "completed"),
    ("Review health assessments for children in care", "completed"),
    ("Return home interviews", "offered"), ("Child protection visits", "carried out"),
    ("Statutory visits to children in care", "carried out"), ("Pathway plan reviews", "completed"),
    ("Personal education plan reviews", "held"), ("Strategy discussions", "held"),
    ("Core group meetings", "held"), ("Reviews of children in care", "held"),
    ("Private fostering visits", "completed"), ("Section 47 enquiries", "completed"),
    ("Contact decisions at the front door", "made"), ("Visits to children in need", "completed"),
    ("Foster carer annual reviews", "completed"), ("Care plan reviews", "held"),
    ("Missing episode debriefs", "offered"), ("Family group conferences", "convened"),
]
_TIMESCALES = [
    "within timescale", "within 45 working days", "within 20 working days", "within 10 working days",
    "within statutory timescales", "within 72 hours", "within 24 hours", "within the agreed timescale",
    "within 15 working days", "within 6 weeks", "within 5 working days", "within 28 days",
]
_COHORTS = [
    "children in care", "care leavers aged 17-21", "children subject to a child protection plan",
    "children in need", "young people open to the youth offending service", "children placed in foster care",
    "disabled children open to the service", "unaccompanied asylum-seeking children",
    "children in residential placements", "children on a child in need plan",
]
_OUTCOMES_UP = [
    "with an up to date care plan", "seen alone at their most recent visit", "in suitable accommodation",
    "in education, employment or training", "with an allocated qualified social worker",
    "whose views are recorded in their plan", "with a completed health assessment",
    "with dental checks up to date", "with an up to date chronology", "who took part in their review",
    "with a permanence plan agreed by the second review", "with an up to date personal education plan",
]
_OUTCOMES_DOWN = [
    "placed more than 20 miles from home", "with three or more placements in the last 12 months",
    "with a change of social worker in the quarter", "reported missing in the quarter",
    "re-referred within 12 months of closure", "subject to a plan for a second or subsequent time",
    "waiting more than 8 weeks for an assessment", "excluded from school during the term",
]
_CLAUSES = [
    "where the plan has been in place for at least three months",
    "as recorded at the most recent review",
    "for all children open at the end of the quarter",
    "measured at the point of case closure",
    "including children placed out of area",
]
_MISC_PERCENT = [
    ("Case file audits rated good or better", HIGHER),
    ("Front line practitioners supervised within the month", HIGHER),
    ("Social worker posts filled by agency staff", LOWER),
    ("Complaints responded to within 10 working days", HIGHER),
    ("Subject access requests completed within one calendar month", HIGHER),
    ("Annual turnover of qualified social workers", LOWER),
    ("Families reporting improved outcomes at case closure", HIGHER),
    ("Foster carer enquiries converted to a full assessment", HIGHER),
    ("Contacts progressing to a referral", ""),
]
_COUNTS = [
    "Number of contacts received by the front door", "Number of referrals accepted for assessment",
    "Number of children in care at quarter end", "Number of children subject to a child protection plan",
    "Number of open early help episodes", "Number of young people supported by the edge of care team",
    "Number of approved foster households", "Number of care leavers in staying put arrangements",
    "Number of children awaiting an adoptive placement", "Number of open child in need cases",
]
_DAYS = [
    "Average duration of care proceedings (days)", "Average time from referral to assessment outcome (days)",
    "Average time in days from entering care to an adoption match",
    "Average length of an early help episode (days)",
    "Median days from strategy discussion to initial conference",
    "Average length of a child protection plan at closure (days)",
]
_RATES = [
    ("Rate of referrals to children's social care (per 10,000)", "rate_per_10000"),
    ("Rate of children in care (per 10,000 children)", "rate_per_10000"),
    ("Rate of child protection plans (per 10,000)", "rate_per_10000"),
    ("Rate of children in need (per 10,000 under 18s)", "rate_per_10000"),
    ("Rate of first time entrants to the youth justice system (per 100,000)", "rate_per_100000"),
    ("Rate of hospital admissions for self-harm aged 10-24 (per 100,000)", "rate_per_100000"),
    ("Rate of custodial sentences for young people (per 100,000)", "rate_per_100000"),
]
# (parent text before "a)", sub-labels, polarity of the block)
_SUB_BLOCKS = [
    ("Percentage of child in need cases open for", ["a) >9 months", "b) >18 months", "c) > 3 years"], LOWER),
    ("Percentage of children in care placed", ["a) within 10 miles", "b) 10-20 miles", "c) >20 miles"], ""),
    ("Percentage of care proceedings concluded within", ["a) 26 weeks", "b) 40 weeks", "c) 52 weeks"],
     HIGHER),
    ("Percentage of early help episodes lasting", ["a) <3 months", "b) 3-6 months", "c) >6 months"], ""),
    ("Proportion of child protection plans open for", ["a) 0-3 months", "b) 3-12 months", "c) >1 year"], ""),
]
_AUDIT_ASPECTS = [
    "Management oversight evident at key decision points", "Child's lived experience clearly described",
    "Plan is specific, measurable and time-bound", "Family history considered in the assessment",
    "Chronology up to date and used in analysis", "Voice of the child recorded and acted on",
    "Risk and protective factors clearly analysed", "Supervision records show reflective discussion",
    "Contingency plan in place and understood by the family", "Partner agencies contributed to the plan",
    "Direct work with the child evident on file", "Decision to step down or close is well evidenced",
    "Life story work started within timescale", "Health needs addressed in the care plan",
    "Education needs reflected in the personal education plan",
    "Needs of brothers and sisters considered together",
]
_TEAMS = [
    "Front Door", "Assessment", "Child in Need", "Child Protection", "Children in Care", "Care Leavers",
    "Disabled Children", "Family Support", "Edge of Care",
]
_IMPROVEMENT_DOWN_PERCENT = [
    "Percentage of referrals that are repeat referrals within 12 months",
    "Percentage of children becoming subject to a plan for a second time",
    "Percentage of children in care with three or more placements in the year",
    "Percentage of assessments ending in no further action",
    "Percentage of cases transferred more than once in six months",
]
_IMPROVEMENT_DOWN_COUNT = [
    "Number of children on a child protection plan for more than 18 months",
    "Number of children waiting more than 6 months for a permanence decision",
    "Number of unallocated cases at quarter end",
    "Number of children missing from care for more than 24 hours",
    "Number of overdue statutory visits at quarter end",
]
_COMMENTARY = [
    "Performance dipped this quarter because of staff absence in the {team} service.",
    "A small cohort of {n} cases means that one late visit moves the figure by several points.",
    "The service manager now reviews every overdue case weekly and we expect recovery next quarter.",
    "Data cleansing in {month} removed duplicate records, which explains part of the change.",
    "Two new team managers started in {month} and practice standards are being embedded.",
    "The audit sample was smaller than usual ({n} files) so this result should be read with caution.",
    "A practice workshop on recording children's views will run in {month}.",
    "This is the strongest result since the measure was introduced.",
    "Performance stays within the good band despite higher demand at the front door.",
    "Partners have agreed a joint action plan, which the improvement board will monitor monthly.",
    "Figures for the latest quarter are provisional and will be refreshed after the statutory return.",
    "The {team} team carried {n} vacancies for most of the quarter, covered in part by agency staff.",
    "Dip sampling of a further {n} cases found a similar picture, so the finding is considered reliable.",
]
_MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
]

# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------


def _quarter_dates(fy: int, q: int) -> tuple[date, date]:
    """Bounds of quarter ``q`` of the UK financial year starting April ``fy``."""
    m0 = 3 + 3 * (q - 1)  # months after January of fy; Qtr1 starts in April
    start = date(fy + m0 // 12, m0 % 12 + 1, 1)
    m1 = m0 + 3
    return start, date(fy + m1 // 12, m1 % 12 + 1, 1) - timedelta(days=1)


def _number(text: str) -> float | None:
    """First figure in a cell (``1,110`` -> 1110.0, ``140 days`` -> 140.0); None if there is none."""
    match = re.search(r"-?\d[\d,]*(?:\.\d+)?", text)
    return float(match.group().replace(",", "")) if match else None


def _fmt(value: float, unit: str, decimals: int) -> str:
    if unit == "percent":
        return f"{value:.{decimals}f}%"
    return f"{value:,.{decimals}f}"


def _unique(used: set[str], make: Callable[[], str]) -> str:
    """Draw labels from ``make`` until one is new to this report."""
    label = make()
    for _ in range(50):
        if label not in used:
            break
        label = make()
    if label in used:  # word lists exhausted: keep the report valid rather than repeat a label
        label = f"{label} ({len(used) + 1})"
    used.add(label)
    return label


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _position(values: list[str], polarity: str, target: float | None, tolerance: float | None) -> str:
    """The report's own verdict, from the latest printed figure."""
    nums = [v for v in (_value_of(t) for t in values) if v is not None]
    if not nums or target is None or tolerance is None:
        return "TBD*"
    last = -nums[-1] if polarity == LOWER else nums[-1]
    if polarity == LOWER:
        target, tolerance = -target, -tolerance
    if last >= target:
        return "Better than target"
    return "In Tolerance" if last >= tolerance else "Outside Tolerance"


def _trend(values: list[str], polarity: str) -> str:
    """Six-month trend from the last three printed figures."""
    nums = [v for v in (_value_of(t) for t in values) if v is not None]
    if len(nums) < 3:
        return "Stable"
    a, b, c = nums[-3:]
    step = max(2.0, 0.05 * abs(c))
    d1, d2 = b - a, c - b
    if abs(d1) >= step and abs(d2) >= step and d1 * d2 < 0:
        return "Volatile"
    overall = c - a
    if abs(overall) < step:
        return "Stable"
    better = overall < 0 if polarity == LOWER else overall > 0
    return "Improving" if better else "Declining"


def _value_of(text: str) -> float | None:
    """The figure a value cell stands for, or None when it is not a figure."""
    text = text.strip()
    if not text or text.upper() == "N/A" or _is_error(text):
        return None
    return float(text.rstrip("%").replace(",", ""))


def _is_error(text: str) -> bool:
    """A spreadsheet error printed as it was (``#DIV/0!``): the pipeline must quarantine it, not read it."""
    return text.strip().startswith("#")


# ---------------------------------------------------------------------------------------------
# Random reports
# ---------------------------------------------------------------------------------------------


def random_report(seed: int, style: str = "contract", n_measures: int | None = None) -> ReportModel:
    """A random report of ``style`` with ``n_measures`` measure rows, the same for the same seed.

    ``n_measures`` defaults to 12, or 14 for ``target`` (enough for the table to take two pages).
    """
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}; expected one of {STYLES}")
    rng = random.Random(f"{style}:{seed}")  # str seeds are stable across runs and Python versions
    if n_measures is None:
        n_measures = 14 if style == "target" else 12
    n_measures = max(1, int(n_measures))
    org = f"{rng.choice(_PLACES)} {rng.choice(_ORG_KINDS)}"
    page = rng.choice(["A4", "A4", "Letter"])
    if style == "contract":
        return _contract(rng, seed, org, page, n_measures)
    if style == "target":
        return _target(rng, seed, org, page, n_measures)
    return _improvement(rng, seed, org, page, n_measures)


def _series(rng: random.Random, n: int, centre: float, sd: float, lo: float, hi: float,
            decimals: int) -> list[float]:
    out, level = [], centre
    for _ in range(n):
        level += rng.gauss(0, sd * 0.5)
        out.append(round(min(hi, max(lo, level + rng.gauss(0, sd))), decimals))
    return out


def _contract_measure(rng: random.Random, used: set[str], n_periods: int) -> Measure:
    """One contract measure with its label, unit, targets and figures."""
    kind = rng.choices(["percent", "count", "days", "rate"], weights=[66, 10, 10, 14])[0]
    polarity = HIGHER
    decimals = 0
    if kind == "percent":
        form = rng.random()
        if form < 0.35:
            # one label per activity, so two rows never differ only by their timescale
            act, verb = rng.choice([a for a in _ACTIVITIES if f"stem:{a[0]}" not in used] or _ACTIVITIES)
            used.add(f"stem:{act}")
            label = _unique(used, lambda: f"{act} {verb} {rng.choice(_TIMESCALES)}")
        elif form < 0.85:
            down = rng.random() < 0.25
            outcomes = _OUTCOMES_DOWN if down else _OUTCOMES_UP
            polarity = LOWER if down else HIGHER

            def make() -> str:
                cohort, outcome = rng.choice(_COHORTS), rng.choice(outcomes)
                text = rng.choice([f"Percentage of {cohort} {outcome}", f"{_cap(cohort)} {outcome}",
                                   f"Proportion of {cohort} {outcome}"])
                if rng.random() < 0.2:
                    text += f", {rng.choice(_CLAUSES)}"
                return text

            label = _unique(used, make)
        else:
            label = _unique(used, lambda: rng.choice(_MISC_PERCENT)[0])
            polarity = dict(_MISC_PERCENT).get(label, HIGHER)
        unit = "percent"
        if polarity == LOWER:
            target = rng.choice([5, 8, 10, 12, 15, 18, 20, 22, 25])
            tol = target + rng.choice([2, 3, 5])
            nums = _series(rng, n_periods, target + rng.uniform(-4, 5), 2.5, 0, 100, 0)
        else:
            target = rng.choice(range(60, 100, 5))
            tol = target - rng.choice([3, 5, 5, 10])
            nums = _series(rng, n_periods, target + rng.uniform(-8, 5), 4, 0, 100, 0)
        target_text, tol_text = f"{target}%", f"{tol}%"
    elif kind == "count":
        label = _unique(used, lambda: rng.choice(_COUNTS))
        unit = "count"
        level = rng.choice([rng.randint(20, 150), rng.randint(150, 900), rng.randint(900, 3000)])
        polarity = rng.choices([HIGHER, LOWER, ""], weights=[45, 40, 15])[0]
        nums = _series(rng, n_periods, level, level * 0.06, 0, 1e9, 0)
        target = int(round(level, -1 if level < 1000 else -2))
        tol = round(target * (0.9 if polarity == HIGHER else 1.1))
        target_text, tol_text = f"{target:,}", f"{tol:,}"
    elif kind == "days":
        label = _unique(used, lambda: rng.choice(_DAYS))
        unit = "days"
        polarity = LOWER
        level = rng.randint(25, 450)
        nums = _series(rng, n_periods, level, level * 0.1, 1, 1e9, 0)
        target = int(round(level * 0.9, -1)) or 10
        tol = target + max(5, round(target * 0.25))
        suffix = " days" if rng.random() < 0.6 else ""
        target_text, tol_text = f"{target}{suffix}", f"{tol}{suffix}"
    else:
        label = _unique(used, lambda: rng.choice(_RATES)[0])
        unit = "rate_per_100000" if "100,000" in label else "rate_per_10000"
        polarity = rng.choices([LOWER, HIGHER, ""], weights=[75, 10, 15])[0]
        level = rng.randint(25, 650) if unit == "rate_per_10000" else rng.randint(120, 900)
        decimals = rng.choice([0, 1])
        nums = _series(rng, n_periods, level, level * 0.06, 0, 1e9, decimals)
        target = round(level * 0.95)
        tol = round(target * (0.9 if polarity == HIGHER else 1.1))
        target_text, tol_text = f"{target}", f"{tol}"
    if unit == "percent" and rng.random() < 0.18:
        # some reports switch to one decimal place part-way through the series
        decimals_from = rng.randint(1, n_periods - 1) if n_periods > 1 else 0
        values = [_fmt(min(100.0, max(0.0, v + rng.choice([0.0, 0.0, -0.3, 0.4]))), unit, 1)
                  if i >= decimals_from else _fmt(v, unit, 0) for i, v in enumerate(nums)]
    else:
        values = [_fmt(v, unit, decimals) for v in nums]
    m = Measure(label=label, printed_label=label, section="", unit=unit, polarity=polarity, values=values,
                frequency="Quarterly", target_text=target_text, tolerance_text=tol_text,
                benchmark=rng.choice(["Yes", "No"]))
    if not polarity:
        m.target_text = m.tolerance_text = "n/a**"
    return m


def _sub_block(rng: random.Random, used: set[str], n_periods: int, rows: int) -> list[Measure]:
    """A parent measure ``... a) x`` followed by rows printed as only ``b) y``, ``c) z``."""
    options = [b for b in _SUB_BLOCKS if f"{b[0]} {b[1][0]}" not in used]
    prefix, subs, polarity = rng.choice(options or _SUB_BLOCKS)
    out = []
    level = rng.uniform(30, 70)
    for sub in subs[:rows]:
        label = f"{prefix} {sub}"
        used.add(label)
        nums = _series(rng, n_periods, level, 3, 0, 100, 0)
        level = max(3.0, level * rng.uniform(0.45, 0.8))
        target = int(round(nums[0] / 5.0) * 5) or 5
        tol = target + 5 if polarity == LOWER else max(0, target - 5)
        m = Measure(label=label, printed_label=label if not out else sub, section="", unit="percent",
                    polarity=polarity, values=[_fmt(v, "percent", 0) for v in nums], frequency="Quarterly",
                    target_text=f"{target}%", tolerance_text=f"{tol}%", benchmark=rng.choice(["Yes", "No"]))
        if not polarity or (not out and rng.random() < 0.4):
            m.target_text = m.tolerance_text = "n/a**"
        out.append(m)
    return out


def _contract(rng: random.Random, seed: int, org: str, page: str, n: int) -> ReportModel:
    fy1 = rng.randint(2012, 2022)
    n2 = rng.choice([1, 2, 3, 3, 4])
    years = [(fy1, 4), (fy1 + 1, n2)]
    periods = []
    for fy, count in years:
        top = f"{fy}/{(fy + 1) % 100:02d}"
        for q in range(1, count + 1):
            start, end = _quarter_dates(fy, q)
            periods.append(Period(top, f"Qtr{q}", f"Qtr{q} {top}", start, end))
    n_p = len(periods)
    second = periods[-1].top

    used: set[str] = set()
    items: list[list[Measure]] = []
    remaining = n
    block_at = rng.randint(0, max(0, n - 3)) if n >= 6 and rng.random() < 0.65 else -1
    while remaining > 0:
        if block_at >= 0 and n - remaining >= block_at:
            rows = min(remaining, rng.choice([2, 3]))
            items.append(_sub_block(rng, used, n_p, rows))
            block_at = -1
        else:
            items.append([_contract_measure(rng, used, n_p)])
        remaining -= len(items[-1])

    n_groups = min(rng.choice([1, 2, 2, 3]), len(items), max(1, n // 3))
    groups = rng.sample(_GROUPS, n_groups)
    cuts = sorted(rng.sample(range(1, len(items)), n_groups - 1)) if n_groups > 1 else []
    bounds = [0, *cuts, len(items)]
    measures: list[Measure] = []
    for g, name in enumerate(groups):
        for item in items[bounds[g]:bounds[g + 1]]:
            for m in item:
                m.section = name
                measures.append(m)

    # measures new this year: one merged cell over the whole first year
    singles = [m for m in measures if m.printed_label == m.label]
    new_count = min(rng.randint(1, 3), max(1, len(measures) // 4)) if len(measures) >= 2 else 0
    for m in rng.sample(singles, min(new_count, len(singles))):
        m.new_measure_span = 4
        m.new_measure_text = f"New contract measure for {second}"
        m.values[:4] = [""] * 4
        if rng.random() < 0.6 and m.target_text != "n/a**":
            m.target_text = m.tolerance_text = "TBD*"
    with_target = [m for m in measures if m.target_text != "n/a**"]
    if not any(m.target_text == "TBD*" for m in measures) and len(measures) >= 3 and with_target:
        rng.choice(with_target).target_text = "TBD*"
    for m in measures:
        if m.target_text == "TBD*":
            m.tolerance_text = "TBD*"
    targeted = [m for m in measures if m.target_text != "TBD*"]
    if not any(m.target_text == "n/a**" for m in measures) and len(measures) >= 4 and targeted \
            and rng.random() < 0.7:
        rng.choice(targeted).target_text = "n/a**"
    for m in measures:
        if m.target_text == "n/a**":
            m.tolerance_text = "n/a**"
            m.polarity = ""  # reported for note only, as the footnote says
        m.polarity_text = {HIGHER: "Bigger is better", LOWER: "Smaller is better"}.get(m.polarity, "")

    # exactly one or two blank value cells, optionally one N/A
    cells = [(i, j) for i, m in enumerate(measures) if n_p - m.new_measure_span >= 3
             for j in range(m.new_measure_span, n_p)]
    n_blank, n_na = rng.choice([1, 2]), int(rng.random() < 0.5)
    for k, (i, j) in enumerate(rng.sample(cells, min(len(cells), n_blank + n_na))):
        measures[i].values[j] = "" if k < n_blank else "N/A"

    for m in measures:
        if m.target_text == "n/a**":
            m.position_text = "No Target**"
        else:
            target, tolerance = _number(m.target_text), _number(m.tolerance_text)
            m.position_text = _position(m.values, m.polarity, target, tolerance)
        m.trend_text = _trend(m.values, m.polarity)

    title = rng.choice([
        f"{org} Key Performance Indicators",
        f"{org} - Contract Key Performance Indicators {second}",
        f"Quarterly Contract Performance Report: {org}",
        f"{org}: Contract Performance Scorecard, Qtr{n2} {second}",
    ])
    footnotes = [
        "* To be determined. A target and tolerance will be agreed once the measure has three quarters"
        " of data.",
        "** not applicable. This measure is reported for information and carries no target.",
    ]
    if rng.random() < 0.5:
        footnotes = ["  ".join(footnotes)]
    return ReportModel(style="contract", title=title, organisation=org, seed=seed, page_size=page,
                       periods=periods, measures=measures, footnotes=footnotes,
                       benchmark_column=rng.random() < 0.7)


def _bands_up(rng: random.Random) -> tuple[str, str, str]:
    ri, good, outs = rng.choice([(60, 70, 80), (70, 81, 91), (75, 85, 95), (65, 75, 85), (50, 65, 80)])
    return f"{ri}-{good - 1}", f"{good}-{outs - 1}", f"{outs}-100"


def _bands_down(rng: random.Random, below: bool) -> tuple[tuple[str, str, str], float]:
    """Lower-is-better bands (RI highest) and a plausible centre for the figures."""
    lo, good, ri, top = rng.choice([(0, 11, 21, 25), (5, 10, 15, 20), (0, 16, 21, 30), (0, 20, 25, 30)])
    outs = f"Below {good}" if below else f"{lo}-{good - 1}"
    return (f"{ri}-{top}", f"{good}-{ri - 1}", outs), rng.uniform(lo + (good - lo) / 2, top)


def _improvement(rng: random.Random, seed: int, org: str, page: str, n: int) -> ReportModel:
    nq = rng.randint(5, 8)
    fy, q = rng.randint(2012, 2022), rng.randint(1, 4)
    periods = []
    for _ in range(nq):
        top = f"{fy % 100:02d}/{(fy + 1) % 100:02d}"
        start, end = _quarter_dates(fy, q)
        periods.append(Period(f"Q{q}", top, f"Q{q} {top}", start, end))
        fy, q = (fy + 1, 1) if q == 4 else (fy, q + 1)
    last = periods[-1]
    last_fy = last.start.year if last.start.month >= 4 else last.start.year - 1

    n_sections = min(rng.choice([2, 3, 3, 4]), n)
    sections = rng.sample(_SECTIONS, n_sections)
    cuts = sorted(rng.sample(range(1, n), n_sections - 1)) if n_sections > 1 else []
    bounds = [0, *cuts, n]
    used: set[str] = set()
    used_aspects: set[str] = set()
    measures: list[Measure] = []
    number = 0
    below_used = False
    for s, section in enumerate(sections):
        for _ in range(bounds[s + 1] - bounds[s]):
            number += 1 if rng.random() > 0.15 else rng.randint(2, 5)
            kind = rng.choices(["audit", "process", "down_pct", "down_count"], weights=[62, 14, 12, 12])[0]
            if kind == "audit":
                # one team per aspect, so no two labels in a report differ only by their team
                aspects = [a for a in _AUDIT_ASPECTS if a not in used_aspects] or _AUDIT_ASPECTS
                aspect, team = rng.choice(aspects), rng.choice(_TEAMS)
                used_aspects.add(aspect)
                label = _unique(used, lambda a=aspect, t=team: rng.choice([a, f"{a} - {t}", f"{a} ({t})"]))
            elif kind == "process":
                act, verb = rng.choice(_ACTIVITIES)
                stem = f"Percentage of {act.lower()} {verb}"
                label = _unique(used, lambda stem=stem: f"{stem} {rng.choice(_TIMESCALES)}")
            elif kind == "down_pct":
                label = _unique(used, lambda: rng.choice(_IMPROVEMENT_DOWN_PERCENT))
            else:
                label = _unique(used, lambda: rng.choice(_IMPROVEMENT_DOWN_COUNT))
            if kind in ("audit", "process"):
                bands, polarity, unit = _bands_up(rng), HIGHER, "percent"
                nums = _series(rng, nq, rng.uniform(55, 95), 9, 0, 100, 0)
            else:
                below = kind == "down_pct" and not below_used and rng.random() < 0.7
                below_used = below_used or below
                (bands, centre), polarity = _bands_down(rng, below), LOWER
                unit = "percent" if kind == "down_pct" else "count"
                nums = _series(rng, nq, centre, max(1.5, centre * 0.15), 0, 100, 0)
            values = [_fmt(v, unit, 0) for v in nums]
            if rng.random() < 0.25:  # measure introduced part-way: early quarters left blank
                late = rng.randint(1, min(4, nq - 2))
                values[:late] = [""] * late
            if rng.random() < 0.12:
                for j in rng.sample(range(nq), rng.randint(1, 3)):
                    values[j] = "N/A"
            for j in range(nq):
                if values[j] and rng.random() < 0.03:
                    values[j] = ""
            measures.append(Measure(label=label, printed_label=label, section=section, unit=unit,
                                    polarity=polarity, values=values, number=str(number), thresholds=bands))
    flat = [(i, j) for i, m in enumerate(measures) for j, v in enumerate(m.values) if v not in ("", "N/A")]
    if not any(v == "" for m in measures for v in m.values) and flat:
        i, j = rng.choice(flat)
        measures[i].values[j] = ""
    if not any(v == "N/A" for m in measures for v in m.values) and len(flat) > 1:
        i, j = rng.choice([c for c in flat if measures[c[0]].values[c[1]] != ""])
        measures[i].values[j] = "N/A"

    for m in measures:
        latest = [v for v in (_value_of(t) for t in m.values) if v is not None]
        weak = bool(latest) and m.polarity == HIGHER and latest[-1] < (_number(m.thresholds[1]) or 0)
        if weak or rng.random() < 0.25:
            month = _MONTHS[(last.end.month + rng.randint(0, 3)) % 12]
            sentences = rng.sample(_COMMENTARY, rng.randint(1, 4))
            m.commentary = " ".join(s.format(team=rng.choice(_TEAMS), n=rng.randint(4, 40), month=month)
                                    for s in sentences)

    stamp = f"Q{last.top[1]} {last_fy}-{(last_fy + 1) % 100:02d}"
    title = rng.choice([
        f"{org} Improvement Plan Scorecard - {stamp}",
        f"Practice Improvement Programme: Quarterly Performance Scorecard - {stamp}",
        f"{org} Quarterly Practice Improvement Scorecard {stamp}",
    ])
    notes = [rng.choice([
        "Thresholds: RI = Requires Improvement, Outs. = Outstanding.",
        "Measures based on case audits are reported for the quarter in which the audit took place.",
        "Blank cells mean the measure was not collected in that quarter.",
    ])]
    return ReportModel(style="improvement", title=title, organisation=org, seed=seed, page_size=page,
                       periods=periods, measures=measures, notes=notes)


# ---------------------------------------------------------------------------------------------
# Target-setting tables
# ---------------------------------------------------------------------------------------------

# Breakdown pairs printed before the figures of a value cell. No digits, months, RAG words or
# status words (``Due``, ``Pending``), which a cell grammar would read as something else.
_BREAKDOWN_PAIRS = [
    ("Inc UASC", "Exc UASC"), ("All children", "Excluding siblings"), ("Inc respite", "Exc respite"),
    ("In county", "Out of county"), ("All cases", "Exc disabled children"), ("Boys", "Girls"),
    ("Inc short breaks", "Exc short breaks"), ("All placements", "Exc kinship placements"),
    ("Inc remands", "Exc remands"), ("All teams", "Locality teams only"),
]
_CASELOAD_PAIRS = [
    ("Inc agency staff", "Exc agency staff"), ("All teams", "Locality teams only"),
    ("Qualified workers", "Newly qualified workers"),
]
_TARGET_UP_EXTRA = [
    "Care leavers we are in contact with", "Children in care attending a good or outstanding school",
    "Looked after children with a stable school placement all year",
    "Young people leaving care with a completed health passport",
    "Children in care whose placement matches their assessed needs",
    "Eligible young people with a pathway plan reviewed in the last six months",
    "Children adopted or made subject to a special guardianship order on leaving care",
    "Social work posts filled by permanent qualified staff",
    "Children in care attending their review or sending their views",
]
_TARGET_DOWN_EXTRA = [
    "Children in care with two or more school moves in the year",
    "Children in care reported missing more than twice in the quarter",
    "Care leavers aged 19-21 not in education, employment or training",
    "Placement stability: children in care with three or more moves in the last 12 months",
    "Children in care placed in residential homes outside the county",
    "Social work posts covered by agency workers",
]
_TARGET_DAYS = [
    "Average number of days from entering care to moving in with an adoptive family",
    "Average number of days between a placement order and the match with adopters",
    "Average number of days from referral to a decision at the permanence panel",
    "Average time in days from a strategy discussion to the initial conference",
    "Average number of days between the care plan being agreed and a final hearing",
    "Average time in days from a first approach to approval as a foster carer",
]
_TARGET_CASELOADS = [
    "Average caseload of social workers in the {team} teams",
    "Average caseload of independent reviewing officers",
    "Average caseload of personal advisers for care leavers",
    "Average caseload of child protection conference chairs",
    "Average number of children held by supervising social workers in the {team} service",
]
_COMPARATORS_FY = [
    "England average", "England", "Stat. Neighbour average", "Stat. Neighbours", "Statistical Neighbours",
    "Statistical Neighbour average", "National average", "Regional average", "Shire Counties average",
]
_COMPARATORS_QTR = [
    "North West Benchmarking", "Eastern Region Benchmarking", "West Midlands Benchmarking",
    "South West Benchmarking", "Yorkshire and Humber Benchmarking", "North East Benchmarking",
    "Regional Benchmarking Club",
]
_BOARDS = [
    "Corporate Parenting Board", "Children's Services Leadership Team", "Performance and Quality Assurance Group",
    "Improvement Board", "Care Leavers Partnership Board", "Divisional Leadership Team",
]
_OTHER_SCORECARDS = [
    "front door", "early help", "fostering", "care leavers", "adoption", "child protection",
]
_RATIONALE_SAME = [
    "Target and bandings carried forward unchanged from {this}.",
    "We propose to keep the current target and bandings, which remain appropriate for {next}.",
    "The target stays where it is; the {board} asked for it to be looked at again at mid-year.",
    "No change proposed: the target already compares well with the {cmp} figure and remains a stretch.",
]
_RATIONALE_CHANGED = [
    "Target moved by {d} so that it keeps pace with the {cmp} figure.",
    "Target moved by {d} to reflect the capacity of the health provider, which carries out"
    " the assessments on our behalf.",
    "The Amber band now spans {w} because a handful of late cases moves this figure sharply in a"
    " small cohort.",
    "Target adjusted by {d} after the {board} reviewed a full year of performance.",
]
_RATIONALE_NEW = [
    "A new indicator for {next}. The target matches the one used for the similar measure in the"
    " {other} scorecard.",
    "This measure is new for {next}; the target has been set from the first six months of figures.",
]
_RATIONALE_NA = [
    "No target is proposed for {next}: the indicator is monitored for information only, and the"
    " bandings are kept so that a sharp change is flagged.",
]
_RATIONALE_EXTRA = [
    "Partners have agreed to report on this jointly through the {board}.",
    "Figures are checked monthly with team managers, so late recording has little effect on the result.",
    "There is no published comparator, so the proposal draws on feedback from young people and carers.",
    "The cohort is small and one or two cases can move the figure by several points.",
]
_RATIONALE_TIMESCALE = "This is a statutory timescale that applies to every local authority."
_RATIONALE_AWAITING = [
    "Figures are not yet available because this measure will be reported from the new case management"
    " system from {month}. A target will be proposed to the {board} once a baseline exists.",
    "The target and bandings are still to be agreed: this is a new measure for {next} and no baseline"
    " figure can be produced until the recording form changes in {month}.",
]
_AWAITING_LABELS = [
    "% of education, health and care plans for children in care issued within 20 weeks",
    "% of children in care with a completed mental health screening on entry",
    "% of care leavers with a named health contact",
    "% of children in care with a life story book started by their second review",
]
_TARGET_TITLES = [
    "{org} Corporate Parenting Performance Report", "{org} Children in Care Scorecard",
    "{org}: Children in Care and Care Leavers Indicators", "Looked After Children Performance Report - {org}",
]
_TARGET_SUBTITLES = [
    "{next} Target Setting", "Proposed Targets and RAG Bandings for {next}", "Target Setting Proposals {next}",
]
_TARGET_EXTRA_SUBTITLES = ["DRAFT", "For consultation", "Prepared by the Performance and Intelligence Team"]
_TARGET_INTROS = [
    "Unless stated otherwise, the proposed targets and RAG bandings below were agreed by the {board}"
    " on {day} {month} {year}.",
    "The table sets out each indicator's latest result, the target for {this} and the target proposed"
    " for {next}, with the reasons for any change.",
    "Each indicator is given a RAG rating against agreed bandings. Indicators that are new for {next}"
    " show N/A in the current target column.",
]
_HEADER_FILLS = ["#1F3B5A", "#2E5E4E", "#5B2C6F", "#7A1F1F", "#1D4F7A"]
_MONTH_ABBR = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _month_period(year: int, month: int, sept: bool = False) -> Period:
    """The period of a month as a header prints it (``Dec 17``, ``Sept 18``)."""
    name = "Sept" if sept and month == 9 else _MONTH_ABBR[month - 1]
    label = f"{name} {year % 100:02d}"
    nxt = date(year + month // 12, month % 12 + 1, 1)
    return Period(label, "", label, date(year, month, 1), nxt - timedelta(days=1))


def _fy_short(fy: int) -> str:
    return f"{fy % 100:02d}/{(fy + 1) % 100:02d}"


def _fy_long(fy: int) -> str:
    return f"{fy}/{(fy + 1) % 100:02d}"


def _trim(value: float) -> str:
    return f"{value:g}"


def _rag(value: float, polarity: str, target: float, red: float) -> str:
    """RAG of a figure against bands with Green at ``target`` and Red beyond ``red``."""
    if polarity == HIGHER:
        return "Green" if value >= target else "Amber" if value >= red else "Red"
    return "Green" if value <= target else "Amber" if value <= red else "Red"


def _bands_text(rng: random.Random, kind: str, target: float, red: float) -> str:
    t, r = _trim(target), _trim(red)
    if kind == "pct_up":
        if target == 100:
            return f"Red below {r}% Amber from {r}%-100% Green 100%"
        return rng.choice([
            f"Red below {r}% Amber {r}% to {t}% Green {t}% and above",
            f"Red below {r}% Amber from {r}% to {t}% Green {t}% and above",
            f"Red below {r}% Amber from {r}%-{t}% Green {t}% and above",
            f"Red below {r}% Amber from {r}% - {t}% Green {t}% and above",
        ])
    if kind == "pct_down":
        return rng.choice([
            f"Red above {r}% Amber {t}% to {r}% Green {t}% and below",
            f"Red above {r}% Amber from {t}% to {r}% Green {t}% and below",
        ])
    if kind == "days":
        return f"Red above {r} days Amber {t} to {r} days Green {t} days and below"
    return rng.choice([
        f"Red above {r} cases Amber {t} to {r} cases Green {t} cases and below",
        f"Red above {r} cases Amber {_trim(target + 1)} to {r} cases Green {t} and below",
    ])


def _comparators(rng: random.Random, kind: str, centre: float, this_fy: int, quarter: int) -> tuple[str, list]:
    """A benchmark cell and the comparator figures it states; ``Local Measure`` for about half."""
    local = rng.random() < (0.7 if kind == "caseload" else 0.4)
    if local:
        text = rng.choice(["Local Measure", "Local Measure", "Local Measure",
                           "Local Measure - no published comparator"])
        return text, []
    n = rng.choice([1, 2, 2, 3])
    names = rng.sample(_COMPARATORS_FY, min(n, 2))
    if n == 3 or (n == 2 and rng.random() < 0.3):
        names = [*names[: n - 1], rng.choice(_COMPARATORS_QTR)]
    national_fy = this_fy - rng.choice([1, 1, 2])
    found: list[Comparator] = []
    pieces: list[str] = []
    for k, name in enumerate(names):
        if name in _COMPARATORS_QTR:
            period = f"Qtr{rng.randint(1, max(1, quarter - 1))} {_fy_long(this_fy)}"
        else:
            period = _fy_long(national_fy)
        if kind == "days":
            value = float(round(centre * rng.uniform(0.85, 1.3)))
            figure = f"{value:g} days"
            unit = "days"
        else:
            spread = 3.0 if kind == "caseload" else min(9.0, max(2.0, 0.4 * centre))
            value = round(min(99.5, max(0.5, centre + rng.uniform(-spread, spread))), 1)
            unit = "count" if kind == "caseload" else "percent"
            # a second comparator sometimes drops the % sign, as real cells do
            sign = "%" if unit == "percent" and (k == 0 or rng.random() < 0.6) else ""
            figure = f"{value:.1f}{sign}"
        pieces.append(f"{figure} {name} {period}")
        found.append(Comparator(name, period, value, unit))
    return " ".join(pieces), found


def _target_label(rng: random.Random, used: set[str], kind: str) -> str:
    if kind in ("pct_up", "ratio", "own_month"):
        def make() -> str:
            form = rng.random()
            if form < 0.4:
                return f"% of {rng.choice(_COHORTS)} {rng.choice(_OUTCOMES_UP)}"
            if form < 0.7:
                act, verb = rng.choice(_ACTIVITIES)
                return f"% of {act.lower()} {verb} {rng.choice(_TIMESCALES)}"
            return rng.choice(_TARGET_UP_EXTRA)
        return _unique(used, make)
    if kind == "pct_down":
        return _unique(used, lambda: rng.choice([
            f"% of {rng.choice(_COHORTS)} {rng.choice(_OUTCOMES_DOWN)}", rng.choice(_TARGET_DOWN_EXTRA)]))
    if kind == "days":
        return _unique(used, lambda: rng.choice(_TARGET_DAYS))
    if kind == "caseload":
        return _unique(used, lambda: rng.choice(_TARGET_CASELOADS).format(team=rng.choice(_TEAMS)))
    return _unique(used, lambda: rng.choice(_AWAITING_LABELS))


def _target_measure(rng: random.Random, used: set[str], kind: str, ctx: dict) -> Measure:
    """One target-setting row: label, latest-result cell, both targets, bands, comparators, rationale."""
    month: Period = ctx["month"]
    label = _target_label(rng, used, kind)
    fmt = {"this": ctx["this"], "next": ctx["next"], "board": ctx["board"], "month": ctx["later"]}
    if kind == "awaiting":
        m = Measure(label=label, printed_label=label, section="", unit="", polarity="", values=[])
        m.latest_text = "Awaiting figures"
        m.figures = [Figure("", None, "", month, status="awaiting")]
        m.benchmark_text = "Local Measure"
        m.rationale = rng.choice(_RATIONALE_AWAITING).format(**fmt)
        return m

    polarity = HIGHER if kind in ("pct_up", "ratio", "own_month") else LOWER
    band_kind = "pct_up" if polarity == HIGHER else kind
    unit = {"days": "days", "caseload": "count"}.get(kind, "percent")
    if band_kind == "pct_up":
        target = float(rng.choice([75, 80, 85, 85, 90, 90, 92, 95, 95, 98, 100]))
        width = float(rng.choice([5, 8, 10, 10, 15]))
        red = target - width
        step = rng.choice([2, 3, 5])
        centre = min(99.0, target + rng.uniform(-width * 1.1, 3))
    elif band_kind == "pct_down":
        target = float(rng.choice([5, 8, 10, 10, 12, 15, 20]))
        width = float(rng.choice([3, 3, 5]))
        red = target + width
        step = rng.choice([1, 2])
        centre = target + rng.uniform(-3, width * 1.3)
    elif band_kind == "days":
        target = float(rng.choice([90, 121, 150, 200, 245, 300, 426, 480]))
        width = float(round(target * rng.uniform(0.15, 0.3)))
        red = target + width
        step = round(target * 0.05) or 5
        centre = target * rng.uniform(0.8, 1.2)
    else:
        target = float(rng.choice([12, 15, 16, 18, 20, 22, 25, 60, 70]))
        width = float(rng.choice([2, 3]) if target < 40 else 10)
        red = target + width
        step = 1 if target < 40 else 5
        centre = target + rng.uniform(-3, width * 1.2) if target < 40 else target + rng.uniform(-15, 12)

    # this year's target: the same (mostly), moved, or N/A for a measure new next year
    roll = rng.random()
    changed = new = False
    this_target = target
    if kind != "caseload" and roll < 0.12:
        new = True
    elif roll < 0.32:
        changed = True
        this_target = target - step if polarity == HIGHER or rng.random() < 0.3 else target + step
        this_target = min(this_target, 100.0) if unit == "percent" else this_target
    this_red = this_target - width if polarity == HIGHER else this_target + width

    def target_text(value: float, next_year: bool) -> str:
        v = _trim(value)
        if unit == "percent":
            if next_year and rng.random() < 0.14:
                return rng.choice([f"{v}%", f"{value:.1f}%"])
            return f"{v}% and above" if polarity == HIGHER else f"{v}% and below"
        if unit == "days":
            return f"{v} days and below"
        if next_year:
            return rng.choice([f"{v} cases and below", f"{v} cases and below", f"{v} cases"])
        return rng.choice([f"{v} and below", f"{value:.1f} and below", f"{v} cases and below"])

    m = Measure(label=label, printed_label=label, section="", unit=unit, polarity=polarity, values=[])
    m.target_text = target_text(target, True)
    if not new and not changed and unit != "count" and rng.random() < 0.05:
        m.target_text = "N/A"  # kept for information, bands still flag a change
    m.prior_target = "N/A" if new else target_text(this_target, False)
    m.bands_text = _bands_text(rng, band_kind, target, red)
    rag_target, rag_red = (target, red) if new else (this_target, this_red)

    def figure(breakdown: str, period: Period, with_rag: bool = True, ratio: bool = False) -> str:
        lo, hi = (0.0, 100.0) if unit == "percent" else (1.0, 1e6)
        value = round(min(hi, max(lo, centre + rng.gauss(0, max(1.0, width * 0.35)))), 1)
        numerator = denominator = None
        if ratio:
            denominator = rng.randint(40, 1500)
            numerator = round(denominator * value / 100)
            value = round(100 * numerator / denominator, 1)
        if unit == "percent":
            shown = f"{value:.0f}%" if (value == int(value) or rng.random() < 0.08) and not ratio else f"{value:.1f}%"
            value = float(shown.rstrip("%"))
        else:
            shown = f"{value:.1f}"
        rag = _rag(value, polarity, rag_target, rag_red) if with_rag else ""
        m.figures.append(Figure(breakdown, value, unit, period, numerator=numerator, denominator=denominator,
                                rag=rag))
        own = period.label if period is not month else ""
        parts = [breakdown, shown, f"({numerator}/{denominator})" if ratio else "", own, rag]
        return " ".join(p for p in parts if p)

    pairs = _CASELOAD_PAIRS if kind == "caseload" else _BREAKDOWN_PAIRS
    pair = ctx["pair"] if kind != "caseload" and rng.random() < 0.75 else rng.choice(pairs)
    if kind == "ratio":
        names = [rng.choice(pair)] if rng.random() < 0.8 else [""]
        if rng.random() < 0.2:
            names = list(pair)
        m.latest_text = " ".join(figure(b, month, with_rag=rng.random() < 0.3, ratio=True) for b in names)
    elif kind == "own_month":
        back = rng.choice([0, 1, 1, 2, 3])
        y, mo = month.start.year, month.start.month - back
        if mo < 1:
            y, mo = y - 1, mo + 12
        m.latest_text = figure("", _month_period(y, mo, sept=month.label.startswith("Sept")))
    else:
        form = rng.random()
        if kind == "caseload":
            names = [""] if form < 0.6 else list(pair)
        elif kind == "days":
            names = [pair[0]] if form < 0.5 else [""] if form < 0.7 else list(pair)
        else:
            names = list(pair) if form < 0.6 else [rng.choice(pair)] if form < 0.8 else [""]
        m.latest_text = " ".join(figure(b, month) for b in names)

    m.benchmark_text, m.comparators = _comparators(rng, kind, centre, ctx["this_fy"], ctx["quarter"])
    cmp = m.comparators[0].comparator if m.comparators else rng.choice(_COMPARATORS_FY)
    def amount(value: float) -> str:
        word = {"percent": "point", "days": "day", "count": "case"}[unit]
        return f"{_trim(value)} {word}{'' if value == 1 else 's'}"

    words = fmt | {"cmp": cmp, "d": amount(abs(target - this_target)), "w": amount(width),
                   "other": rng.choice(_OTHER_SCORECARDS)}
    if m.target_text == "N/A":
        pool = _RATIONALE_NA
    elif new:
        pool = _RATIONALE_NEW
    elif changed:
        pool = _RATIONALE_CHANGED
    else:
        pool = _RATIONALE_SAME
    sentences = [rng.choice(pool)]
    if rng.random() < 0.45:
        extra = [x for x in _RATIONALE_EXTRA if not (m.comparators and "no published comparator" in x)]
        extra += [_RATIONALE_TIMESCALE] if " within " in label else []
        sentences.append(rng.choice(extra))
    m.rationale = " ".join(s.format(**words) for s in sentences)
    return m


def _target(rng: random.Random, seed: int, org: str, page: str, n: int) -> ReportModel:
    year = rng.randint(2014, 2023)
    mon = rng.choice([9, 10, 11, 11, 12, 12, 1, 1, 2, 3])
    month = _month_period(year, mon, sept=rng.random() < 0.4)
    this_fy = year if mon >= 4 else year - 1
    quarter = (mon - 4) % 12 // 3 + 1
    this_short = rng.choice([_fy_short(this_fy), _fy_short(this_fy), _fy_long(this_fy)])
    nxt = _fy_long(this_fy + 1)
    board = rng.choice(_BOARDS)
    later = _MONTHS[(mon + rng.randint(1, 4)) % 12]
    ctx = {"month": month, "this_fy": this_fy, "quarter": quarter, "pair": rng.choice(_BREAKDOWN_PAIRS),
           "this": _fy_long(this_fy), "next": nxt, "board": board, "later": later}

    required = ["pct_up", "ratio", "days", "awaiting", "pct_down", "caseload", "own_month"]
    if n <= len(required):
        kinds = required[:n]
    else:
        extra = rng.choices(["pct_up", "pct_down", "days", "caseload", "ratio", "own_month"],
                            weights=[60, 12, 6, 6, 8, 8], k=n - len(required))
        kinds = required + extra
    rng.shuffle(kinds)

    used: set[str] = set()
    measures = [_target_measure(rng, used, kind, ctx) for kind in kinds]

    title = rng.choice(_TARGET_TITLES).format(org=org)
    subtitles = [rng.choice(_TARGET_SUBTITLES).format(next=nxt)]
    if rng.random() < 0.5:
        subtitles.append(rng.choice(_TARGET_EXTRA_SUBTITLES))
    agreed = date(year if mon < 12 else year + 1, mon % 12 + 1, rng.randint(1, 28))
    intro_words = {"board": board, "day": agreed.day, "month": _MONTHS[agreed.month - 1], "year": agreed.year,
                   "this": _fy_long(this_fy), "next": nxt}
    intro = [" ".join(s.format(**intro_words) for s in rng.sample(_TARGET_INTROS, rng.choice([1, 2])))]
    headers = ["Performance Indicator", f"Latest Result ({month.label})", f"Target {this_short}",
               "Latest England or Statistical Neighbour Result", f"Target {nxt}", "RAG Bandings",
               "Rationale for Target"]
    return ReportModel(style="target", title=title, organisation=org, seed=seed, page_size=page,
                       periods=[month], measures=measures, subtitles=subtitles, intro=intro, headers=headers,
                       split_rows=rng.random() < 0.75, header_fill=rng.choice(_HEADER_FILLS))


# ---------------------------------------------------------------------------------------------
# Truth
# ---------------------------------------------------------------------------------------------


def expected_observations(model: ReportModel) -> list[dict[str, object]]:
    """One row per measure x period column (per figure in a target-setting table), as the pipeline should
    produce it. Every row carries numerator, denominator and reported_rag (empty outside target tables)."""
    if model.style == "target":
        return _target_observations(model)
    rows: list[dict[str, object]] = []
    for m in model.measures:
        for j, p in enumerate(model.periods):
            raw = m.new_measure_text if j < m.new_measure_span else m.values[j]
            value = None
            if j >= m.new_measure_span and _is_error(raw):
                continue  # quarantined: see expected_quarantine
            if j < m.new_measure_span:
                status = "new_measure"
            elif raw.strip() == "":
                status = "missing"
            elif raw.strip().upper() == "N/A":
                status = "not_applicable"
            else:
                status, value = "reported", _value_of(raw)
            rows.append({
                "measure_label": m.label, "breakdown": "", "period_label": p.label, "period_type": "quarter",
                "period_start": p.start.isoformat(), "period_end": p.end.isoformat(), "value": value,
                "unit": m.unit if status == "reported" else "", "status": status, "raw_text": raw,
                "section": m.section, "numerator": None, "denominator": None, "reported_rag": "",
            })
    return rows


def expected_quarantine(model: ReportModel) -> list[dict[str, object]]:
    """Cells the pipeline must quarantine rather than read: spreadsheet errors printed as they were."""
    if model.style == "target":
        return []
    return [
        {"measure_label": m.label, "breakdown": "", "period_label": p.label, "raw_text": m.values[j]}
        for m in model.measures for j, p in enumerate(model.periods)
        if j >= m.new_measure_span and _is_error(m.values[j])
    ]


def _target_observations(model: ReportModel) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for m in model.measures:
        for f in m.figures:
            reported = f.status == "reported"
            rows.append({
                "measure_label": m.label, "breakdown": f.breakdown, "period_label": f.period.label,
                "period_type": "month", "period_start": f.period.start.isoformat(),
                "period_end": f.period.end.isoformat(), "value": f.value, "unit": f.unit if reported else "",
                "status": f.status, "raw_text": m.latest_text, "section": m.section,
                "numerator": None if f.numerator is None else float(f.numerator),
                "denominator": None if f.denominator is None else float(f.denominator), "reported_rag": f.rag,
            })
    return rows


def expected_benchmarks(model: ReportModel) -> list[dict[str, object]]:
    """One row per comparator figure in a target-setting table's benchmark column (``Local Measure``: none)."""
    return [
        {"measure_label": m.label, "comparator": c.comparator, "period_label": c.period_label, "value": c.value,
         "unit": c.unit}
        for m in model.measures for c in m.comparators
    ]


def expected_measures(model: ReportModel) -> list[dict[str, object]]:
    """One row per measure, as the pipeline should produce it."""
    if model.style == "target":
        return [{
            "measure_label": m.label, "section": "", "polarity": m.polarity, "frequency": "",
            "target_text": m.target_text, "target_value": _number(m.target_text), "tolerance_text": "",
            "tolerance_low": None, "tolerance_high": None, "threshold_text": m.bands_text, "position_text": "",
            "trend_text": "",
        } for m in model.measures]
    rows: list[dict[str, object]] = []
    for m in model.measures:
        tol = _number(m.tolerance_text)
        threshold = ""
        if any(m.thresholds):
            threshold = f"RI {m.thresholds[0]}; Good {m.thresholds[1]}; Outs. {m.thresholds[2]}"
        rows.append({
            "measure_label": m.label, "section": m.section, "polarity": m.polarity, "frequency": m.frequency,
            "target_text": m.target_text, "target_value": _number(m.target_text),
            "tolerance_text": m.tolerance_text,
            "tolerance_low": tol if m.polarity == HIGHER else None,
            "tolerance_high": tol if m.polarity == LOWER else None,
            "threshold_text": threshold, "position_text": m.position_text, "trend_text": m.trend_text,
        })
    return rows


# ---------------------------------------------------------------------------------------------
# The printed grid, shared by the PDF and Word writers
# ---------------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------------------------

_PAGES = {"A4": landscape(A4), "Letter": landscape(letter)}


def write_pdf(model: ReportModel, path: Path, ruled: bool = True) -> Path:
    """Render ``model`` as a landscape PDF; ``ruled=False`` draws no lines or fills at all."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if model.style == "target":
        return _write_target_pdf(model, path, ruled)
    page_w, page_h = _PAGES.get(model.page_size, _PAGES["A4"])
    grid = _grid(model)
    _layout(grid, page_w - 2 * MARGIN)
    covered = _covered(grid)
    n_rows = len(grid.rows)

    text: dict[tuple[int, int], list[str]] = {}
    for r, row in enumerate(grid.rows):
        for c, cell in enumerate(row):
            span = covered.get((r, c))
            if span and (span[0], span[1]) != (r, c):
                continue
            c1 = span[3] if span else c
            width = sum(grid.widths[c:c1 + 1]) - 2 * HPAD
            text[(r, c)] = _wrap(cell, _font(grid, r, c), SIZE, width) if cell else [""]

    base = []
    for r in range(n_rows):
        h = LEADING + 2 * VPAD
        for c in range(len(grid.rows[r])):
            span = covered.get((r, c))
            if (r, c) in text and not (span and span[2] > span[0]):
                h = max(h, len(text[(r, c)]) * LEADING + 2 * VPAD)
        base.append(h)

    def chunk_heights(rows: list[int]) -> list[float]:
        heights = [base[r] for r in rows]
        where = {r: k for k, r in enumerate(rows)}
        for r0, c0, r1, _c1 in grid.spans:
            if r1 > r0 and r0 in where:
                inside = [where[r] for r in range(r0, r1 + 1) if r in where]
                need = len(text[(r0, c0)]) * LEADING + 2 * VPAD
                have = sum(heights[k] for k in inside)
                if need > have:
                    heights[inside[-1]] += need - have
        return heights

    header = list(range(grid.header_rows))
    title_h = 13 + 8 + len(model.notes) * 10
    top_first = page_h - MARGIN - title_h
    chunks: list[list[int]] = []
    start = grid.header_rows
    while start < n_rows:
        room = (top_first if not chunks else page_h - MARGIN) - MARGIN
        end = start + 1
        while end < n_rows and sum(chunk_heights(header + list(range(start, end + 1)))) <= room:
            end += 1
        # a section row never ends a page on its own
        if end < n_rows and end - start > 1 and grid.kinds[end - 1] == "section":
            end -= 1
        chunks.append(header + list(range(start, end)))
        start = end

    pdf = canvas.Canvas(str(path), pagesize=(page_w, page_h), invariant=1)
    pdf.setTitle(model.title)
    pdf.setAuthor(model.organisation)
    pdf.setCreator("samples.generate")
    ink = colors.HexColor(NAVY) if ruled else colors.black
    y = page_h - MARGIN
    pdf.setFont(BOLD, 13)
    pdf.setFillColor(ink)
    pdf.drawString(MARGIN, y - 13, model.title)
    pdf.setFillColor(colors.black)
    pdf.setFont(ITALIC, 7.5)
    for k, note in enumerate(model.notes):
        pdf.drawString(MARGIN, y - 13 - 8 - 10 * (k + 1) + 3, note)
    y = top_first
    for k, rows in enumerate(chunks):
        if k:
            pdf.showPage()
            y = page_h - MARGIN
        heights = chunk_heights(rows)
        table = _pdf_table(grid, rows, heights, text, covered, ruled)
        table.wrapOn(pdf, page_w, page_h)
        table.drawOn(pdf, MARGIN, y - sum(heights))
        y -= sum(heights)

    lines = [line for note in model.footnotes for line in _wrap(note, FONT, 6.5, sum(grid.widths))]
    if lines:
        if y - 8 - 8 * len(lines) < MARGIN:
            pdf.showPage()
            y = page_h - MARGIN
        pdf.setFont(FONT, 6.5)
        for k, line in enumerate(lines):
            pdf.drawString(MARGIN, y - 10 - 8 * k, line)
    pdf.showPage()
    pdf.save()
    return path


def _pdf_table(grid: _Grid, rows: list[int], heights: list[float], text: dict[tuple[int, int], list[str]],
               covered: dict, ruled: bool) -> Table:
    """One page's share of the grid as a reportlab table (header rows included)."""
    where = {r: k for k, r in enumerate(rows)}
    data = []
    for r in rows:
        data.append(["\n".join(text[(r, c)]) if (r, c) in text else "" for c in range(len(grid.rows[r]))])
    style: list[tuple] = [
        ("FONT", (0, 0), (-1, -1), FONT, SIZE, LEADING),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), HPAD), ("RIGHTPADDING", (0, 0), (-1, -1), HPAD),
        ("TOPPADDING", (0, 0), (-1, -1), VPAD), ("BOTTOMPADDING", (0, 0), (-1, -1), VPAD),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
    ]
    for c in grid.left:
        style.append(("ALIGN", (c, 0), (c, -1), "LEFT"))
    for r0, c0, r1, c1 in grid.spans:
        inside = [where[r] for r in range(r0, r1 + 1) if r in where]
        if not inside:
            continue
        if len(inside) > 1 or c1 > c0:
            style.append(("SPAN", (c0, inside[0]), (c1, inside[-1])))
        if r0 not in where:  # continuation of a merged cell from the previous page: shown empty
            data[inside[0]][c0] = ""
    for k, r in enumerate(rows):
        if grid.kinds[r] in ("header", "section"):
            style.append(("FONT", (0, k), (-1, k), BOLD, SIZE, LEADING))
        if grid.kinds[r] == "section":
            style.append(("ALIGN", (0, k), (-1, k), "LEFT"))
        if ruled and grid.kinds[r] == "section":
            style.append(("BACKGROUND", (0, k), (-1, k), colors.HexColor(GREY)))
    for r, c in grid.shaded:
        if r in where:
            style.append(("FONT", (c, where[r]), (c, where[r]), ITALIC, SIZE, LEADING))
            if ruled:
                style.append(("BACKGROUND", (c, where[r]), (c, where[r]), colors.HexColor(SHADE)))
    n_head = grid.header_rows
    if ruled:
        style.append(("BACKGROUND", (0, 0), (-1, n_head - 1), colors.HexColor(grid.header_fill)))
        style.append(("TEXTCOLOR", (0, 0), (-1, n_head - 1), colors.HexColor(grid.header_ink)))
        style.append(("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#404040")))
    return Table(data, colWidths=grid.widths, rowHeights=heights, style=TableStyle(style), hAlign="LEFT")


TSIZE, TLEADING = 7.5, 9.0  # target-setting tables print a little larger


def _split_at(cells: list[list[str]], most: int) -> int:
    """How many lines of a row to keep before a page break, or 0 when it should move whole.

    As in real exports the remainder continues under the repeated header; it is only cut where
    every cell that carries on does so mid-sentence (a lower-case word), and some cell ends above
    the break, so the remainder is recognisably a fragment of the row before it.
    """
    tallest = max(len(c) for c in cells)
    for k in range(min(most, tallest - 1), 0, -1):
        rest = [c[k:] for c in cells if c[k:]]
        kept = [c[:k] for c in cells if c[:k]]
        if rest and len(rest) < len(kept) and all(c[0][:1].islower() for c in rest):
            return k
    return 0


def _write_target_pdf(model: ReportModel, path: Path, ruled: bool) -> Path:
    """A target-setting table: title block, then one table over as many pages as it needs, its header
    row repeated on each page; a row may split over the break when ``model.split_rows``."""
    page_w, page_h = _PAGES.get(model.page_size, _PAGES["A4"])
    grid = _grid(model)
    total = page_w - 2 * MARGIN
    _layout(grid, total)
    cells = [[_wrap(text, _font(grid, r, c), TSIZE, grid.widths[c] - 2 * HPAD) if text else []
              for c, text in enumerate(row)] for r, row in enumerate(grid.rows)]

    def height(row: list[list[str]]) -> float:
        return max(1, *(len(c) for c in row)) * TLEADING + 2 * VPAD

    head = cells[0]
    head_h = height(head)
    block: list[tuple[str, float, str]] = [(BOLD, 14.0, model.title)]
    block += [(BOLD, 10.0, line) for line in model.subtitles]
    for para in model.intro:
        block += [(FONT, 8.0, line) for line in _wrap(para, FONT, 8.0, total)]
    top_first = page_h - MARGIN - sum(size * 1.35 for _, size, _ in block) - 10

    pages: list[list[list[list[str]]]] = []
    current: list[list[list[str]]] = []
    room = top_first - MARGIN - head_h
    queue = cells[1:]
    i = 0
    while i < len(queue):
        row = queue[i]
        if height(row) <= room + 1e-6 or not current:
            current.append(row)
            room -= height(row)
            i += 1
            continue
        if model.split_rows:
            k = _split_at(row, int((room - 2 * VPAD) // TLEADING))
            if k:
                current.append([c[:k] for c in row])
                queue[i] = [c[k:] for c in row]
        pages.append(current)
        current = []
        room = page_h - 2 * MARGIN - head_h
    pages.append(current)

    pdf = canvas.Canvas(str(path), pagesize=(page_w, page_h), invariant=1)
    pdf.setTitle(model.title)
    pdf.setAuthor(model.organisation)
    pdf.setCreator("samples.generate")
    fill = grid.header_fill if ruled else "#000000"
    y = page_h - MARGIN
    for k, (font, size, line) in enumerate(block):
        y -= size * 1.35
        pdf.setFont(font, size)
        pdf.setFillColor(colors.HexColor(fill) if k == 0 else colors.black)
        pdf.drawString(MARGIN, y, line)
    y = top_first
    for k, rows in enumerate(pages):
        if k:
            pdf.showPage()
            y = page_h - MARGIN
        data = [["\n".join(c) for c in row] for row in [head, *rows]]
        heights = [height(row) for row in [head, *rows]]
        style: list[tuple] = [
            ("FONT", (0, 0), (-1, -1), FONT, TSIZE, TLEADING),
            ("FONT", (0, 0), (-1, 0), BOLD, TSIZE, TLEADING),
            ("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (0, 0), (-1, -1), "LEFT"),
            ("LEFTPADDING", (0, 0), (-1, -1), HPAD), ("RIGHTPADDING", (0, 0), (-1, -1), HPAD),
            ("TOPPADDING", (0, 0), (-1, -1), VPAD), ("BOTTOMPADDING", (0, 0), (-1, -1), VPAD),
        ]
        if ruled:
            style += [("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(grid.header_fill)),
                      ("TEXTCOLOR", (0, 0), (-1, 0), colors.HexColor(grid.header_ink)),
                      ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#404040"))]
        table = Table(data, colWidths=grid.widths, rowHeights=heights, style=TableStyle(style), hAlign="LEFT")
        table.wrapOn(pdf, page_w, page_h)
        table.drawOn(pdf, MARGIN, y - sum(heights))
    pdf.showPage()
    pdf.save()
    return path


# ---------------------------------------------------------------------------------------------
# Word
# ---------------------------------------------------------------------------------------------


def write_docx(model: ReportModel, path: Path) -> Path:
    """Render ``model`` as a landscape Word document with real merged cells (gridSpan / vMerge)."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor
    from docx.table import _Cell

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    page_w, page_h = _PAGES.get(model.page_size, _PAGES["A4"])
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Pt(page_w), Pt(page_h)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Pt(36))
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(8)
    normal.paragraph_format.space_after = Pt(0)

    doc.add_heading(model.title, level=1)
    for line in model.subtitles:
        doc.add_paragraph().add_run(line).bold = True
    for note in model.notes:
        doc.add_paragraph(note).runs[0].italic = True
    for para in model.intro:
        doc.add_paragraph(para)

    grid = _grid(model)
    usable = page_w - 72
    _layout(grid, usable)
    scale = min(1.0, usable / sum(grid.widths))
    widths = [Pt(w * scale) for w in grid.widths]

    def shade(cell: _Cell, fill: str) -> None:
        shd = OxmlElement("w:shd")
        shd.set(qn("w:val"), "clear")
        shd.set(qn("w:color"), "auto")
        shd.set(qn("w:fill"), fill)
        cell._tc.get_or_add_tcPr().append(shd)

    table = doc.add_table(rows=len(grid.rows), cols=len(grid.rows[0]))
    table.style = "Table Grid"
    table.autofit = False
    for c, col in enumerate(table.columns):
        col.width = widths[c]
    # cells fetched once before merging: table.cell() rescans the whole table on every call
    cells = [list(row.cells) for row in table.rows]
    for r, row in enumerate(table.rows):
        kind = grid.kinds[r]
        if kind == "header":
            trPr = row._tr.get_or_add_trPr()
            repeat = OxmlElement("w:tblHeader")
            repeat.set(qn("w:val"), "true")
            trPr.append(repeat)
        for c, cell in enumerate(cells[r]):
            cell.width = widths[c]
            text = grid.rows[r][c]
            if text:
                run = cell.paragraphs[0].add_run(text)
                if kind in ("header", "section"):
                    run.bold = True
                if (r, c) in grid.shaded:
                    run.italic = True
                if kind == "header":
                    run.font.color.rgb = RGBColor.from_string(grid.header_ink.lstrip("#"))
            if kind == "header":
                shade(cell, grid.header_fill.lstrip("#"))
            elif kind == "section":
                shade(cell, GREY.lstrip("#"))
            elif (r, c) in grid.shaded:
                shade(cell, SHADE.lstrip("#"))
    for r0, c0, r1, c1 in grid.spans:
        cells[r0][c0].merge(cells[r1][c1])

    for note in model.footnotes:
        doc.add_paragraph(note).runs[0].font.size = Pt(7)

    props = doc.core_properties
    stamp = datetime.combine(model.periods[-1].end + timedelta(days=20), datetime.min.time(), UTC)
    props.title, props.author, props.last_modified_by = model.title, model.organisation, model.organisation
    props.created = props.modified = stamp.replace(tzinfo=None)
    props.revision = 1

    # python-docx stamps zip entries with the wall clock; rewrite them so equal seeds give equal bytes
    buffer = io.BytesIO()
    doc.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, src.read(info.filename))
    return path


# ---------------------------------------------------------------------------------------------
# Follow-up reports: the same organisation's grid one quarter later
# ---------------------------------------------------------------------------------------------

_VERDICTS = ("Better than target", "In Tolerance", "Outside Tolerance")


def _decimals(text: str) -> int:
    figure = text.strip().rstrip("%").replace(",", "")
    return len(figure.split(".")[1]) if "." in figure else 0


def follow_up(model: ReportModel) -> ReportModel | None:
    """The next quarter's report of a contract grid, as organisations publish them, or None if it cannot be made.

    Every measure gains the new quarter's figure; as happens when data are cleansed after a quarter
    closes, one figure of the previous quarter is printed revised; one measure's Position is printed
    with the wrong verdict for its latest figure (reports are coloured by hand and do get it wrong);
    and one new figure is a spreadsheet error printed as it was (``#DIV/0!``). The truth of the
    follow-up describes what it prints, so the revision and the mis-coloured Position are in it as such.
    Needs a contract report whose last financial year is not complete (the grid then grows by one column).
    """
    import copy

    if model.style != "contract" or not model.periods or model.periods[-1].bottom == "Qtr4":
        return None
    rng = random.Random(f"follow-up:{model.seed}")
    nxt = copy.deepcopy(model)
    last = nxt.periods[-1]
    quarter = int(last.bottom.removeprefix("Qtr")) + 1
    fy = last.start.year if last.start.month >= 4 else last.start.year - 1
    start, end = _quarter_dates(fy, quarter)
    nxt.periods.append(Period(last.top, f"Qtr{quarter}", f"Qtr{quarter} {last.top}", start, end))
    nxt.title = nxt.title.replace(f"Qtr{quarter - 1} {last.top}", f"Qtr{quarter} {last.top}")
    for m in nxt.measures:
        previous = [t for t in m.values if _value_of(t) is not None]
        if not previous:
            m.values.append("")
            continue
        level = _value_of(previous[-1]) or 0.0
        step = rng.gauss(0, 2.5 if m.unit == "percent" else max(1.0, abs(level) * 0.05))
        figure = max(0.0, level + step)
        m.values.append(_fmt(min(100.0, figure) if m.unit == "percent" else figure, m.unit, _decimals(previous[-1])))

    # One figure of the previous quarter, revised (a measure that keeps a target, so its row is plain).
    j = len(nxt.periods) - 2
    revisable = [m for m in nxt.measures if _value_of(m.values[j]) is not None and m.printed_label == m.label]
    revised = rng.choice(revisable) if revisable else None
    if revised is not None:
        old = _value_of(revised.values[j]) or 0.0
        delta = rng.choice([-3, -2, 2, 3]) if revised.unit == "percent" else max(2.0, round(abs(old) * 0.04))
        new = min(100.0, max(0.0, old + delta)) if revised.unit == "percent" else old + delta
        if new == old:
            new = old - abs(delta)
        revised.values[j] = _fmt(new, revised.unit, _decimals(revised.values[j]))

    # One new-quarter figure lost to a spreadsheet error.
    broken_candidates = [m for m in nxt.measures if m is not revised and m.unit == "percent"
                         and _value_of(m.values[-1]) is not None and m.target_text not in ("TBD*", "n/a**")]
    broken = rng.choice(broken_candidates) if broken_candidates else None
    if broken is not None:
        broken.values[-1] = "#DIV/0!"

    for m in nxt.measures:
        if m.target_text not in ("TBD*", "n/a**"):
            m.position_text = _position(m.values, m.polarity, _number(m.target_text), _number(m.tolerance_text))
        m.trend_text = _trend(m.values, m.polarity)

    # One Position printed wrong: a verdict other than the one its latest figure earns.
    judged = [m for m in nxt.measures if m.position_text in _VERDICTS and m is not broken]
    if judged:
        wrong = rng.choice(judged)
        wrong.position_text = rng.choice([v for v in _VERDICTS if v != wrong.position_text])
    return nxt


# ---------------------------------------------------------------------------------------------
# Folders and CLI
# ---------------------------------------------------------------------------------------------


def generate_folder(out: Path, count: int = 4, seed: int = 0, formats: tuple[str, ...] = ("pdf", "docx"),
                    n_measures: int = 12, styles: tuple[str, ...] = FOLDER_STYLES,
                    follow_ups: bool = True) -> list[Path]:
    """Write ``count`` reports (``styles`` alternating) and ``truth/observations.csv`` / ``truth/measures.csv``.

    With ``follow_ups``, the first contract report whose last year is incomplete also gets its
    next quarter's report (``<name>_next``, see ``follow_up``): a revised figure across two reports,
    a Position that disagrees with its figure, and a quarantined cell, listed in ``truth/quarantine.csv``.

    Formats: ``pdf``, ``docx`` and ``pdf_unruled`` (written as ``<name>_unruled.pdf``). ``styles``
    defaults to contract and improvement; pass ``STYLES`` to alternate all three. When a target-setting
    style is among them, observations.csv also carries numerator, denominator and reported_rag, and
    ``truth/benchmarks.csv`` lists the comparator figures. Returns the document paths, in order.
    """
    unknown = [s for s in styles if s not in STYLES]
    if unknown or not styles:
        raise ValueError(f"unknown styles {unknown!r}; expected some of {STYLES}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    observations: list[dict[str, object]] = []
    measures: list[dict[str, object]] = []
    benchmarks: list[dict[str, object]] = []
    quarantine: list[dict[str, object]] = []
    models: list[tuple[str, ReportModel]] = []
    for i in range(count):
        style = styles[i % len(styles)]
        models.append((f"{style}_{i:03d}", random_report(seed + i, style, n_measures)))
    if follow_ups:
        later = next(((f"{name}_next", m) for name, m in models if follow_up(m) is not None), None)
        if later is not None:
            models.append((later[0], follow_up(later[1])))  # type: ignore[arg-type]
    for base, model in models:
        obs, meas, bench = expected_observations(model), expected_measures(model), expected_benchmarks(model)
        held = expected_quarantine(model)
        for fmt in formats:
            name = base
            if fmt == "pdf":
                doc = write_pdf(model, out / f"{name}.pdf")
            elif fmt == "pdf_unruled":
                doc = write_pdf(model, out / f"{name}_unruled.pdf", ruled=False)
            elif fmt == "docx":
                doc = write_docx(model, out / f"{name}.docx")
            else:
                raise ValueError(f"unknown format {fmt!r}")
            written.append(doc)
            observations += [{"source_file": doc.name, **row} for row in obs]
            measures += [{"source_file": doc.name, **row} for row in meas]
            benchmarks += [{"source_file": doc.name, **row} for row in bench]
            quarantine += [{"source_file": doc.name, **row} for row in held]
    truth = out / "truth"
    truth.mkdir(exist_ok=True)
    targets = "target" in styles
    files = [("observations.csv", FULL_OBSERVATION_FIELDS if targets else OBSERVATION_FIELDS, observations),
             ("measures.csv", MEASURE_FIELDS, measures)]
    if targets:
        files.append(("benchmarks.csv", BENCHMARK_FIELDS, benchmarks))
    if quarantine:
        files.append(("quarantine.csv", QUARANTINE_FIELDS, quarantine))
    for name, fields, rows in files:
        with open(truth / name, "w", newline="", encoding="utf-8") as handle:
            # without target tables the file keeps its original columns (numerator etc. are left out)
            writer = csv.DictWriter(handle, fieldnames=["source_file", *fields], extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
    return written


def main(argv: list[str] | None = None) -> None:
    """Command line: ``python -m samples.generate OUT [--count N] [--seed S] [--measures M] [--styles S,S]``."""
    parser = argparse.ArgumentParser(prog="python -m samples.generate", description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--measures", type=int, default=12)
    parser.add_argument("--formats", default="pdf,docx", help="comma-separated: pdf, docx, pdf_unruled")
    parser.add_argument("--styles", default=",".join(FOLDER_STYLES),
                        help=f"comma-separated styles to alternate, from {', '.join(STYLES)}")
    parser.add_argument("--no-follow-ups", dest="follow_ups", action="store_false",
                        help="no next-quarter report of a contract grid")
    args = parser.parse_args(argv)
    paths = generate_folder(args.out, args.count, args.seed, tuple(args.formats.split(",")), args.measures,
                            tuple(args.styles.split(",")), args.follow_ups)
    print(f"wrote {len(paths)} documents and truth/ to {args.out}")


if __name__ == "__main__":
    main()
