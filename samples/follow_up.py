"""Follow-up reports: the same organisation's contract grid one quarter later, with a revised figure,
a mis-printed Position and a spreadsheet error, as real next-quarter reports have them.
"""

from __future__ import annotations

import copy
import random

from samples.cells import _fmt, _number, _position, _trend, _value_of
from samples.model import Period, ReportModel, _quarter_dates

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
