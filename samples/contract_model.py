"""Random ``contract`` reports: quarterly contract KPI grids.

A ``Measure Type`` group cell merged down its rows, a financial year (``2018/19``) merged over
``Qtr1``..``Qtr4``, ``New contract measure for ...`` merged over the first year's quarters,
``TBD*`` / ``n/a**`` targets, sub-measure rows (``b) >18 months``) and footnotes.
"""

from __future__ import annotations

import random

from samples.cells import _fmt, _number, _position, _trend
from samples.drawing import _ACTIVITIES, _COHORTS, _OUTCOMES_DOWN, _OUTCOMES_UP, _TIMESCALES, _cap, _series, _unique
from samples.model import HIGHER, LOWER, Measure, Period, ReportModel, _quarter_dates

_GROUPS = [
    "Core Contract Measures", "Contractual Performance Indicators", "Partnership Outcome Measures",
    "Quality and Practice Indicators", "Local Priority Indicators", "Statutory Return Measures",
    "Workforce Indicators", "Commissioning Outcome Measures",
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
    """A contract grid of ``n`` measure rows over a financial year and one to four quarters of the next."""
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
