"""Random ``improvement`` reports: improvement-plan scorecards.

``Thresholds`` merged over ``RI`` / ``Good`` / ``Outs.``, ``Q1`` over ``15/16`` (separate cells),
full-width section rows, blank and ``N/A`` cells and a wrapping ``Exception Commentary`` column.
"""

from __future__ import annotations

import random

from samples.cells import _fmt, _number, _value_of
from samples.drawing import _ACTIVITIES, _MONTHS, _TEAMS, _TIMESCALES, _series, _unique
from samples.model import HIGHER, LOWER, Measure, Period, ReportModel, _quarter_dates

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


def _bands_up(rng: random.Random) -> tuple[str, str, str]:
    ri, good, outs = rng.choice([(60, 70, 80), (70, 81, 91), (75, 85, 95), (65, 75, 85), (50, 65, 80)])
    return f"{ri}-{good - 1}", f"{good}-{outs - 1}", f"{outs}-100"


def _bands_down(rng: random.Random, below: bool) -> tuple[tuple[str, str, str], float]:
    """Lower-is-better bands (RI highest) and a plausible centre for the figures."""
    lo, good, ri, top = rng.choice([(0, 11, 21, 25), (5, 10, 15, 20), (0, 16, 21, 30), (0, 20, 25, 30)])
    outs = f"Below {good}" if below else f"{lo}-{good - 1}"
    return (f"{ri}-{top}", f"{good}-{ri - 1}", outs), rng.uniform(lo + (good - lo) / 2, top)


def _improvement(rng: random.Random, seed: int, org: str, page: str, n: int) -> ReportModel:
    """An improvement scorecard of ``n`` numbered measures in sections, over five to eight quarters."""
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
