"""Random ``target`` reports: target-setting tables.

Title paragraphs and an introduction, then one wide table (``Performance Indicator`` | ``Latest Result
(Dec 17)`` | ``Target 17/18`` | ``Latest England or Statistical Neighbour Result`` | ``Target 2018/19`` |
``RAG Bandings`` | ``Rationale for Target``) whose cells pack several figures (``All children 97.2% Green
Excluding siblings 95.0% Amber``, ``In county 88.7% (893/1007)``, ``89.9% Nov 17 Amber``, ``Awaiting
figures``), comparator text and prose. The PDF repeats the header row on every page and, in some seeds,
lets a row split over the page break.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from samples.drawing import _ACTIVITIES, _COHORTS, _MONTHS, _OUTCOMES_DOWN, _OUTCOMES_UP, _TEAMS, _TIMESCALES, _unique
from samples.model import HIGHER, LOWER, Comparator, Figure, Measure, Period, ReportModel

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
    """A target-setting table of ``n`` indicators, every kind of row present once ``n`` allows it."""
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
