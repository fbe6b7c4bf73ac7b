"""Reporting periods as printed (`Qtr1` under `2018/19`, `Q3 16/17`, `Oct-18`) to typed date ranges.

UK public-sector financial years run 1 April to 31 March; `Qtr1 2018/19` is April-June 2018.

The grammar, in the order `parse_period` tries it (the first reading wins):
- stated days: `October 1st- 31st 2018`, `7 to 18 November 2022`, `7/10/2017 Through 7/16/2017`;
- a week ending a day: `W/E 02/24/17`, `Week Ending February 24, 2017` (the seven days to it);
- months to a month: `12m to Dec 24`, `12 months to December 2024`, `quarter ended 31 December 2024`;
- months from one to another: `Jul 2015-Jun 2016`, `Jan – Mar 24`, `Oct - Dec 2024`;
- quarters: `Q3 2024/25`, `Quarter 3 2024/25`, `2018/19 Qtr1` (financial), `Q1 (May 15)`, `Q4 2025` (calendar);
- one day: `31.3.24`, `01/04/24`, `30-Nov-24`, `30 November 2024`, `as at 31 December 2024`;
- a month: `November 2024-25` (the month of that financial year), `Dec-24`, `Sept 20`, `Mar- 25`;
- financial years: `2019/20`, `2013–14`, `20-21`, `DLHS-4 (2012-13)`; several: `2025-26 to 2034-35`;
- US federal fiscal years: `FY 2011` (1 October 2010 to 30 September 2011; no contract type fits);
- calendar years: `2013–2022` (several), `2014` (one); no contract type fits either.

Numeric days are read day-first (UK) unless a number shows otherwise: in `02/24/17` the 24 can only
be a day, so that date (and every date of the same range) is read month-first.

Headings relative to the report's own period (`Latest`, `Year Ago`, `Week to Date 2016`, `YTD`)
are `is_relative_heading`; `resolve_relative` dates them against an anchor period, and
`parse_period` does so only when it is given one.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from itertools import pairwise
from typing import NamedTuple

MONTHS = {name: i for i, name in enumerate(calendar.month_abbr) if name} | {
    name: i for i, name in enumerate(calendar.month_name) if name
} | {"Sept": 9}

_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_FY = re.compile(r"(?<![\d/])(?:FY\s*)?((?:19|20)?\d{2})\s*[/\-–]\s*((?:19|20)?\d{2})(?![\d/])", re.I)
_QUARTER = re.compile(r"\b(?:Qtr|Q|Quarter)\s*\.?\s*([1-4])\b", re.I)
_MONTH = re.compile(
    r"\b(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?[\s\-'’/]*((?:19|20)?\d{2})\b", re.I
)
# A year not followed by another (`2021-21` is a misprint, not the year 2021) and not part of a figure.
_NOT_MORE = r"(?![\d%]|\.\d|\s*[/\-–—]\s*\d)"
_BARE_YEAR = re.compile(r"(?<![\d/.,\-–£$])((?:19|20)\d{2})" + _NOT_MORE)
_YEAR_SPAN = re.compile(
    r"(?<![\d/.,£$])((?:19|20)\d{2})\s*(?:[-–—]|to)\s*((?:19|20)\d{2})" + _NOT_MORE, re.I
)
_US_FY = re.compile(r"\bFY\s*((?:19|20)\d{2})" + _NOT_MORE, re.I)


@dataclass(frozen=True)
class Period:
    label: str
    type: str  # month, quarter, financial_year, rolling_12_months, year_to_date, point_in_time, or ""
    start: date | None
    end: date | None


def _year(text: str) -> int:
    value = int(text)
    return value + 2000 if value < 100 else value


def financial_year(text: str) -> tuple[int, str] | None:
    """(starting calendar year, the FY text as printed) for `2018/19`, `18/19`, `2018-2019`."""
    for match in _FY.finditer(text):
        first, second = _year(match.group(1)), _year(match.group(2))
        if second == first + 1:
            return first, match.group(0).strip()
    return None


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def quarter_dates(fy_start: int, quarter: int) -> tuple[date, date]:
    first_month = 4 + 3 * (quarter - 1)
    year = fy_start + (first_month - 1) // 12
    month = (first_month - 1) % 12 + 1
    return date(year, month, 1), month_end(year, month + 2)


def _month_number(name: str) -> int | None:
    return MONTHS.get(name.title()) or MONTHS.get(name.title()[:3])


def months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


def add_months(day: date, months: int) -> date:
    """The first of the month `months` after (or before) the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def fy_start_of(day: date) -> date:
    return date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def is_whole_months(start: date, end: date) -> bool:
    return start.day == 1 and end == month_end(end.year, end.month) and end >= start


def span_type(start: date, end: date) -> str:
    """The contract's type for a stated stretch of days: whatever whole unit it is, else none."""
    if start == end:
        return "point_in_time"
    if not is_whole_months(start, end):
        return ""
    span = months_between(start, end)
    if span == 1:
        return "month"
    if span == 3 and start.month % 3 == 1:  # calendar quarters are also financial-year quarters
        return "quarter"
    if span == 12:
        return "financial_year" if start.month == 4 else "rolling_12_months"
    return ""


# --- days ------------------------------------------------------------------------------------------

_ORDINAL = r"(?:st|nd|rd|th)?"
_DATE_FORMS = [
    # `2024-03-31`
    ("iso", re.compile(r"(?<![\d./\-])((?:19|20)\d{2})-(\d{1,2})-(\d{1,2})(?![\d./\-]|\s*[/\-–]\s*\d)")),
    # `31.3.24`, `01/04/24`, `02/24/17`, `7/16/2017`: one separator throughout
    ("numeric", re.compile(r"(?<![\d./\-])(\d{1,2})([./\-])(\d{1,2})\2((?:19|20)?\d{2})(?![\d%]|[./\-]\d)")),
    # `30-Nov-24`, `30 November 2024`, `1st April 2024`
    ("dmy", re.compile(r"(?<![\d.])(\d{1,2})" + _ORDINAL + r"[\s\-]+(" + _MONTH_NAMES + r")\.?,?[\s\-'’]+"
                       r"((?:19|20)?\d{2})" + _NOT_MORE, re.I)),
    # `February 24, 2017`, `Feb 24 2017`: a four-figure year, else `Dec 24` is a month
    ("mdy", re.compile(r"\b(" + _MONTH_NAMES + r")\.?\s+(\d{1,2})" + _ORDINAL + r",?\s+((?:19|20)\d{2})"
                       + _NOT_MORE, re.I)),
]
_RANGE_JOIN = re.compile(r"\s*(?:-|–|—|to|through|thru|until|till)\s*", re.I)
_WEEK_ENDING = re.compile(r"(?:\bW/E|\bW\.E\.?|\bweek\s+end(?:ing|ed))[\s:.\-]*$", re.I)


class _DateHit(NamedTuple):
    start: int
    end: int
    numeric: bool  # numeric: (a, b) may be day-month or month-day; else (day, month)
    a: int
    b: int
    year: int


def _date_hits(text: str) -> list[_DateHit]:
    """Every printed day in the text, in order, none overlapping (the earlier, longer reading wins)."""
    hits: list[_DateHit] = []
    for kind, pattern in _DATE_FORMS:
        for m in pattern.finditer(text):
            if kind == "iso":
                hit = _DateHit(m.start(), m.end(), False, int(m.group(3)), int(m.group(2)), int(m.group(1)))
            elif kind == "numeric":
                hit = _DateHit(m.start(), m.end(), True, int(m.group(1)), int(m.group(3)), _year(m.group(4)))
            elif kind == "dmy":
                hit = _DateHit(m.start(), m.end(), False, int(m.group(1)), _month_number(m.group(2)) or 0,
                               _year(m.group(3)))
            else:
                hit = _DateHit(m.start(), m.end(), False, int(m.group(2)), _month_number(m.group(1)) or 0,
                               _year(m.group(3)))
            if not any(h.start < hit.end and hit.start < h.end for h in hits):
                hits.append(hit)
    return sorted(hits)


def _month_first(hits: list[_DateHit]) -> bool | None:
    """Whether numeric days are month-first: only when a number above 12 says so; None if they disagree."""
    day_first = any(h.numeric and h.a > 12 >= h.b for h in hits)
    month_first = any(h.numeric and h.b > 12 >= h.a for h in hits)
    if day_first and month_first:
        return None
    return month_first


def _day(hit: _DateHit, month_first: bool) -> date | None:
    day, month = (hit.b, hit.a) if hit.numeric and month_first else (hit.a, hit.b)
    try:
        return date(hit.year, month, day)
    except ValueError:
        return None


def _stated_days(text: str) -> Period | None:
    """`7/10/2017 Through 7/16/2017`, `1 April 2024 to 31 March 2025`; `W/E 02/24/17`."""
    hits = _date_hits(text)
    for first, second in pairwise(hits):
        if not _RANGE_JOIN.fullmatch(text[first.end:second.start]):
            continue
        order = _month_first([first, second])
        if order is None:
            continue
        start, end = _day(first, order), _day(second, order)
        if start is not None and end is not None and start <= end:
            return Period(text[first.start:second.end], span_type(start, end), start, end)
    for hit in hits:
        lead = _WEEK_ENDING.search(text[:hit.start])
        if lead is None:
            continue
        order = _month_first([hit])
        end = _day(hit, bool(order))
        if order is not None and end is not None:
            return Period(text[lead.start():hit.end], "", end - timedelta(days=6), end)
    return None


def _one_day(text: str) -> Period | None:
    """`31.3.24`, `30-Nov-24`, `as at 31 December 2024`: the first day printed."""
    for hit in _date_hits(text):
        order = _month_first([hit])
        day = _day(hit, bool(order)) if order is not None else None
        if day is not None:
            return Period(text[hit.start:hit.end], "point_in_time", day, day)
    return None


_DAY_RANGE = re.compile(
    r"\b(" + _MONTH_NAMES + r")\.?\s+(\d{1,2})" + _ORDINAL + r"\s*[-–]\s*"
    r"(\d{1,2})" + _ORDINAL + r",?\s+((?:19|20)\d{2})\b",
    re.I,
)
_DAYS_OF_MONTH = re.compile(  # `7 to 18 November 2022`
    r"(?<![\d.])(\d{1,2})" + _ORDINAL + r"\s*(?:[-–]|to)\s*(\d{1,2})" + _ORDINAL + r"\s+(" + _MONTH_NAMES
    + r")\.?,?\s+((?:19|20)\d{2})\b",
    re.I,
)


def _day_range(text: str) -> Period | None:
    """`October 1st- 31st 2018`: a stated stretch of days, a month when it covers the whole month."""
    match = _DAY_RANGE.search(text)
    if match:
        month, first, last = _month_number(match.group(1)), match.group(2), match.group(3)
    elif match := _DAYS_OF_MONTH.search(text):
        month, first, last = _month_number(match.group(3)), match.group(1), match.group(2)
    else:
        return None
    year = int(match.group(4))
    try:
        start, end = date(year, month, int(first)), date(year, month, int(last))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if end < start:
        return None
    return Period(match.group(0), span_type(start, end), start, end)


# --- months ----------------------------------------------------------------------------------------

_MONTH_RANGE = re.compile(  # the first year may be left to the second: `Jan – Mar 24`
    r"\b(" + _MONTH_NAMES + r")\.?(?:[\s\-'’/]*((?:19|20)?\d{2}))?\s*(?:[-–—]|to)\s*"
    r"(" + _MONTH_NAMES + r")\.?[\s\-'’/]*((?:19|20)?\d{2})\b(?![/\-–]\d)",  # not `Apr-Mar 2018/19`
    re.I,
)
_N_MONTHS_TO = re.compile(  # `12m to Dec 24`, `Rolling 12 months to 31 December 2024`, `Quarter to Sep 24`
    r"\b(?:rolling\s+)?(?:(\d{1,2})\s*(?:m|mths?|months?)|(month|quarter|qtr|year))\s+(?:to|ending|ended|up\s+to)\s+"
    r"(?:\d{1,2}" + _ORDINAL + r"\s+)?(" + _MONTH_NAMES + r")\.?[\s\-'’/]*((?:19|20)?\d{2})\b",
    re.I,
)


def _month_range(text: str) -> Period | None:
    """`Jul 2015-Jun 2016`, `Apr 2017 - Mar 2018`, `Oct - Dec 2024`: whole months from one to the other.

    Twelve months from April are a financial year, any other twelve a rolling year, three from a
    calendar quarter's first month a quarter; other stretches keep no type (their dates say what
    they are). With one year printed, it is the last month's, and the first month the one before.
    """
    match = _MONTH_RANGE.search(text)
    if not match:
        return None
    first, last = _month_number(match.group(1)), _month_number(match.group(3))
    if first is None or last is None:
        return None
    end = month_end(_year(match.group(4)), last)
    first_year = _year(match.group(2)) if match.group(2) else end.year - (first > last)
    start = date(first_year, first, 1)
    if end <= start:
        return None
    return Period(match.group(0), span_type(start, end), start, end)


def _months_to(text: str) -> Period | None:
    """`12 mths to Dec 23`: the N whole months ending that month.

    `Quarter to Sep 24` and `quarter ended 31 December 2024` are the three months to it, `Year to
    Mar 25` the twelve. Twelve months are a rolling year, or the financial year when they end in March.
    """
    match = _N_MONTHS_TO.search(text)
    if not match:
        return None
    unit = (match.group(2) or "").lower()[:1]
    count = int(match.group(1)) if match.group(1) else {"m": 1, "q": 3, "y": 12}[unit]
    month = _month_number(match.group(3))
    if not 1 <= count <= 60 or month is None:
        return None
    end = month_end(_year(match.group(4)), month)
    start = add_months(end, 1 - count)
    return Period(match.group(0), span_type(start, end), start, end)


def _quarter(text: str) -> Period | None:
    """`Q3 2024/25` (financial), `Q1 (May 15)` (the quarter that month falls in), `Q4 2025` (calendar)."""
    quarter = _QUARTER.search(text)
    if not quarter:
        return None
    number = int(quarter.group(1))
    fy = financial_year(text)
    if fy:
        start, end = quarter_dates(fy[0], number)
        return Period(f"{quarter.group(0).strip()} {fy[1]}", "quarter", start, end)
    month = _MONTH.search(text, quarter.end())
    if month and re.fullmatch(r"[\s(]*", text[quarter.end():month.start()]):
        # `Q1 (May 15)`: the financial-year quarter that month falls in, labelled as printed.
        month_number = _month_number(month.group(1))
        if month_number:
            year = _year(month.group(2))
            start, end = quarter_dates(year if month_number >= 4 else year - 1, number)
            label = text[quarter.start():month.end()] + (")" if text[month.end():].startswith(")") else "")
            return Period(label, "quarter", start, end)
    year_match = _BARE_YEAR.search(text)
    if year_match:
        # A quarter of a calendar year is read as printed: the year's Nth three months.
        year = int(year_match.group(1))
        start = date(year, 3 * number - 2, 1)
        label = f"{quarter.group(0).strip()} {year_match.group(1)}"
        return Period(label, "quarter", start, month_end(year, 3 * number))
    return None


def _month_of_fy(text: str) -> Period | None:
    """`November 2024-25`: a month named by its financial year (April-December the first year)."""
    fy_match = _FY.search(text)
    month = _MONTH.search(text)
    if not fy_match or not month or month.start(2) != fy_match.start(1):
        return None
    if len(re.findall(r"\b(?:" + _MONTH_NAMES + r")\b", text, re.I)) > 1:
        return None  # `Apr-Mar 2018/19` names the whole financial year
    fy = financial_year(fy_match.group(0))
    number = _month_number(month.group(1))
    if fy is None or number is None:
        return None
    year = fy[0] if number >= 4 else fy[0] + 1
    return Period(text[month.start():fy_match.end()], "month", date(year, number, 1), month_end(year, number))


def _month(text: str) -> Period | None:
    """`Dec-24`, `Sept 20`, `December 2024`; not beside a financial year (the year then wins)."""
    month = _MONTH.search(text)
    if not month or financial_year(text):
        return None
    number = _month_number(month.group(1))
    if not number:
        return None
    year = _year(month.group(2))
    return Period(month.group(0).strip(), "month", date(year, number, 1), month_end(year, number))


# --- years -----------------------------------------------------------------------------------------


def _financial_year(text: str) -> Period | None:
    fy = financial_year(text)
    if fy is None:
        return None
    return Period(fy[1], "financial_year", date(fy[0], 4, 1), date(fy[0] + 1, 3, 31))


_FY_RANGE = re.compile(_FY.pattern + r"\s*(?:[-–—]|to)\s*" + _FY.pattern.replace("(?:FY\\s*)?", ""), re.I)


def _financial_years(text: str) -> Period | None:
    """`2025-26 TO 2034-35`: the first of those financial years to the last (no contract type fits)."""
    for match in _FY_RANGE.finditer(text):
        first, first_end, last, last_end = (_year(match.group(i)) for i in range(1, 5))
        if first_end == first + 1 and last_end == last + 1 and last > first:
            return Period(match.group(0), "", date(first, 4, 1), date(last_end, 3, 31))
    return None


def _us_fiscal_year(text: str) -> Period | None:
    """`FY 2011`: a single year after FY is a US federal fiscal year, October to September."""
    match = _US_FY.search(text)
    if not match:
        return None
    year = int(match.group(1))
    return Period(match.group(0), "", date(year - 1, 10, 1), date(year, 9, 30))


def _calendar_years(text: str) -> Period | None:
    """`2013–2022`: the first of January of one year to the last of December of the other."""
    match = _YEAR_SPAN.search(text)
    if not match or int(match.group(2)) <= int(match.group(1)):
        return None
    return Period(match.group(0), "", date(int(match.group(1)), 1, 1), date(int(match.group(2)), 12, 31))


def _calendar_year(text: str) -> Period | None:
    match = _BARE_YEAR.search(text)
    if not match:
        return None
    year = int(match.group(1))
    return Period(match.group(1), "", date(year, 1, 1), date(year, 12, 31))


# Tried in order, the first reading wins (see the module docstring). The last three name whole years
# and are weak evidence that a header is a period heading: `looks_like_period` wants little beside them.
_READERS = [_stated_days, _day_range, _months_to, _month_range, _quarter, _one_day, _month_of_fy, _month,
            _financial_years, _financial_year, _us_fiscal_year, _calendar_years, _calendar_year]
_YEAR_READERS = {_us_fiscal_year, _calendar_years, _calendar_year}


# --- relative headings -----------------------------------------------------------------------------

_PREVIOUS = re.compile(r"^(?:prev(?:ious)?\.?|last|preceding)\s+(.*)$", re.I)  # `Prev. 12 months ...`
_N_MONTHS = re.compile(r"\b(\d{1,2})\s*(?:months?|m)\b", re.I)
_N_YEAR_AVERAGE = re.compile(r"\((\d)\s*years?\s+average\)", re.I)
_YTD = re.compile(r"\b(?:YTD|year to date)\b", re.I)

_UNIT = r"(?:week|wk|month|mth|quarter|qtr|year|yr|period)s?"
_MONTHS_WORD = r"(?:m|mths?|months?)"
_RELATIVE_CORE = (
    r"(?P<legacy>(?:prev(?:ious)?\.?|last|prior|preceding)\s+(?:\d{1,2}\s*" + _MONTHS_WORD
    + r"|ytd|year\s+to\s+date)(?:\s+(?:average|avg\.?|cumulative|rolling|total))?)"
    r"|(?P<latest>latest|current)(?:\s+(?P<latest_unit>" + _UNIT + r"))?"
    r"|(?P<this>this)\s+(?P<this_unit>" + _UNIT + r")"
    r"|(?P<previous>prev(?:ious)?\.?|last|prior|preceding)(?:\s+(?P<previous_unit>" + _UNIT + r"))?"
    r"|(?P<ago>(?:a\s+)?year\s+ago|same\s+(?P<ago_unit>" + _UNIT + r")\s+last\s+year)"
    r"|(?P<to_date>week|month|quarter|year)\s+to\s+date|(?P<td>[wmqy])td"
    r"|(?P<days>\d{1,3})[\s\-]*(?P<day_unit>days?|weeks?|wks?)"
    r"|(?:rolling\s+(?P<rolling>\d{1,2})\s*" + _MONTHS_WORD + r"|(?P<rolling_after>\d{1,2})\s*" + _MONTHS_WORD
    + r"\s+rolling|r(?P<rolling_short>\d{1,2})m)"
)
_RELATIVE = re.compile(
    r"(?:(?P<year_before>(?:19|20)\d{2})\s+)?(?:" + _RELATIVE_CORE + r")(?:\s+(?P<year_after>(?:19|20)\d{2}))?",
    re.I,
)


@lru_cache(maxsize=1 << 14)  # asked of every heading, which a report repeats on every page and row
def _relative_match(text: str) -> re.Match[str] | None:
    # Footnote marks (`Year to Date*`) say nothing about the period.
    return _RELATIVE.fullmatch(" ".join(re.sub(r"[*†‡]+", " ", text).split()))


def is_relative_heading(text: str) -> bool:
    """A heading that names a period only relative to the report's own (`Latest`, `Year Ago`, `YTD`,
    `Week to Date 2016`, `Rolling 12M`, `Prev. 12 months average`): the whole heading, nothing else."""
    return _relative_match(text) is not None


def is_year_to_date(text: str) -> bool:
    """`Prev. YTD`, `In Time (YTD)`: the text speaks of the year to date."""
    return bool(_YTD.search(text))


def is_relative(text: str) -> bool:
    """A heading relative to the report month (`Prev. 12 months`, `Prev. YTD`), or its first line."""
    return bool(_PREVIOUS.match(" ".join(text.split()) + " ")) or is_year_to_date(text)


def relative_period(text: str, report_month: Period | None) -> Period | None:
    """Periods printed relative to the report's month, resolved against it.

    `Prev. 12 months average` (or `cumulative`, `rolling`): the twelve months ending the month
    before the report month. `Prev. YTD`: the financial year to the end of the month before.
    `Oct-18 (3 Year Average)`: the three years ending that month (no period type fits).
    """
    label = " ".join(text.split())
    if not label:
        return None
    average = _N_YEAR_AVERAGE.search(label)
    if average:
        month = parse_period(label[: average.start()])
        if month is None or month.type != "month" or month.end is None:
            return None
        start = add_months(month.end, -12 * int(average.group(1)) + 1)
        return Period(label, "", start, month.end)
    previous = _PREVIOUS.match(label)
    if not previous or report_month is None or report_month.start is None:
        return None
    last = add_months(report_month.start, -1)
    end = month_end(last.year, last.month)
    if _YTD.search(previous.group(1)):
        start = fy_start_of(last)
        return Period(label, "year_to_date", start, end)
    months = _N_MONTHS.search(previous.group(1))
    if months:
        count = int(months.group(1))
        kind = "rolling_12_months" if count == 12 else ""
        return Period(label, kind, add_months(last, -(count - 1)), end)
    return None


def _move_day(day: date, months: int) -> date:
    """The same day `months` later (or earlier), the month's last day where it has no such day."""
    first = add_months(day, months)
    return first.replace(day=min(day.day, calendar.monthrange(first.year, first.month)[1]))


def _shift_span(start: date, end: date, months: int = 0, days: int = 0) -> tuple[date, date]:
    """A span moved by months (a whole-month span stays whole months, ending at a month's end) or days."""
    if months and is_whole_months(start, end):
        last = add_months(end, months)
        return add_months(start, months), month_end(last.year, last.month)
    if months:
        return _move_day(start, months), _move_day(end, months)
    return start + timedelta(days=days), end + timedelta(days=days)


def _year_start(end: date, month: int) -> date:
    return date(end.year if end.month >= month else end.year - 1, month, 1)


def _unit_span(unit: str, anchor: Period, year_month: int) -> tuple[date, date]:
    """The span of one `unit` (week, month, quarter, year, or the anchor's `period`) ending with the anchor."""
    assert anchor.start is not None and anchor.end is not None
    end, key = anchor.end, unit.lower()[:2]
    if key in ("we", "wk"):
        return end - timedelta(days=6), end
    if key in ("mo", "mt"):
        return date(end.year, end.month, 1), month_end(end.year, end.month)
    if key in ("qu", "qt"):
        first = (end.month - 1) // 3 * 3 + 1
        return date(end.year, first, 1), month_end(end.year, first + 2)
    if key in ("ye", "yr"):
        start = _year_start(end, year_month)
        return start, add_months(start, 12) - timedelta(days=1)
    return anchor.start, anchor.end


def _unit_of(match: re.Match[str]) -> str:
    """The unit a `Latest` / `Previous` / `Same ... Last Year` heading names, or `period` (the anchor's)."""
    return (match.group("latest_unit") or match.group("this_unit") or match.group("previous_unit")
            or match.group("ago_unit") or "period")


def _unit_type(unit: str, anchor: Period | None) -> str:
    key = unit.lower()[:2]
    if key in ("mo", "mt"):
        return "month"
    if key in ("qu", "qt"):
        return "quarter"
    return anchor.type if key == "pe" and anchor is not None else ""


def _relative_type(match: re.Match[str], anchor: Period | None) -> str:
    """The type of a relative heading: what can be said of it with or without dates."""
    legacy = match.group("legacy") or ""
    to_date = (match.group("to_date") or match.group("td") or "").lower()[:1]
    if to_date == "y" or _YTD.search(legacy):
        return "year_to_date"
    if to_date or match.group("days"):
        return ""
    count = match.group("rolling") or match.group("rolling_after") or match.group("rolling_short")
    if not count and legacy:
        months = _N_MONTHS.search(legacy)
        count = months.group(1) if months else ""
    if count or legacy:
        return "rolling_12_months" if count and int(count) == 12 else ""
    return _unit_type(_unit_of(match), anchor)


def resolve_relative(text: str, anchor: Period | None, year_start_month: int | None = None) -> Period | None:
    """A relative heading dated against the report's own period (`anchor`), or None if not relative.

    The label stays the heading as printed; with no anchor (or an undated one) the dates are None.
    Rules, all ending at the anchor's end unless said otherwise:
    - `Latest`, `Current` = the anchor itself; with a unit (`Current Month`, `This Week`) that unit's span
      ending at the anchor's end (a calendar month or quarter, a year as below, a week = 7 days);
    - `Previous`, `Last`, `Prior` [unit] = the span of the same length just before that (a month
      before a month, a quarter before a quarter, the seven days before a week);
    - `Year Ago`, `Same Week Last Year` = that span one year earlier;
    - `Week to Date` = the 7 days ending the anchor's end; `28 Day` = 28 days; `4 Weeks` = 28 days;
      `Month to Date`, `Quarter to Date` = from the first of that month or calendar quarter;
    - `Year to Date`, `YTD` = from the start of the year: 1 April (UK financial year) when the anchor
      is whole months or a single day (`as at`), 1 January when it is a week or another stretch of
      days (the weekly reports that print them are calendar-year); `year_start_month` overrides;
    - `Rolling 12M`, `R12M` = the twelve months ending the anchor's end (whole months when it is);
    - `Prev. 12 months average`, `Prev. YTD` are `relative_period`'s, against the anchor's start;
    - a year printed with the heading (`Week to Date 2016`, `Year to Date* 2016`) moves the resolved
      span to end in that year (week 2017-07-10..16 -> `Week to Date 2016` = 2016-07-10..16).
    """
    label = " ".join(text.split())
    match = _relative_match(label)
    if match is None:
        return None
    kind = _relative_type(match, anchor)
    if anchor is None or anchor.start is None or anchor.end is None:
        return Period(label, kind, None, None)
    if match.group("legacy"):
        legacy = relative_period(match.group("legacy"), anchor)
        if legacy is None or legacy.start is None or legacy.end is None:
            return Period(label, kind, None, None)
        start, end = legacy.start, legacy.end
    else:
        start, end = _resolve(match, anchor, year_start_month)
    year = match.group("year_before") or match.group("year_after")
    if year:
        start, end = _shift_span(start, end, months=12 * (int(year) - end.year))
    if not kind and _unit_of(match).lower()[:2] in ("ye", "yr") and span_type(start, end) == "financial_year":
        kind = "financial_year"  # `Last Year` against a UK report: the financial year before
    return Period(label, kind, start, end)


def _resolve(match: re.Match[str], anchor: Period, year_start_month: int | None) -> tuple[date, date]:
    """The dates of a (non-legacy) relative heading; see `resolve_relative`."""
    assert anchor.start is not None and anchor.end is not None
    end = anchor.end
    year_month = year_start_month or (4 if is_whole_months(anchor.start, end) or anchor.start == end else 1)
    if match.group("latest") or match.group("this") or match.group("previous") or match.group("ago"):
        start, end = _unit_span(_unit_of(match), anchor, year_month)
        if match.group("ago"):
            return _shift_span(start, end, months=-12)
        if match.group("previous") and is_whole_months(start, end):
            return _shift_span(start, end, months=-months_between(start, end))
        if match.group("previous"):
            return _shift_span(start, end, days=-((end - start).days + 1))
        return start, end
    to_date = (match.group("to_date") or match.group("td") or "").lower()[:1]
    if to_date == "w":
        return end - timedelta(days=6), end
    if to_date == "m":
        return date(end.year, end.month, 1), end
    if to_date == "q":
        return date(end.year, (end.month - 1) // 3 * 3 + 1, 1), end
    if to_date == "y":
        return _year_start(end, year_month), end
    if match.group("days"):
        days = int(match.group("days")) * (7 if match.group("day_unit").lower().startswith("w") else 1)
        return end - timedelta(days=days - 1), end
    count = int(match.group("rolling") or match.group("rolling_after") or match.group("rolling_short"))
    if is_whole_months(anchor.start, end):
        return add_months(end, 1 - count), end
    return _move_day(end + timedelta(days=1), -count), end


# --- the grammar -----------------------------------------------------------------------------------


@lru_cache(maxsize=1 << 16)  # a report repeats its headings on every page and row
def _read(text: str) -> tuple[Period, bool] | None:
    """The period and whether it was read as whole years alone (weak evidence of a period heading)."""
    for reader in _READERS:
        period = reader(text)
        if period is not None:
            return period, reader in _YEAR_READERS
    return None


def parse_period(text: str, anchor: Period | None = None) -> Period | None:
    """A period from one piece of text (a header stack joined by spaces), or None.

    A relative heading (`is_relative_heading`) is dated against `anchor`, the report's own period,
    and is None without one: its printed year (`Week to Date 2016`) is not a calendar year.
    """
    text = " ".join(text.split())
    if not text:
        return None
    if is_relative_heading(text):
        return resolve_relative(text, anchor) if anchor is not None and anchor.end is not None else None
    found = _read(text)
    return found[0] if found else None


def looks_like_period(text: str) -> bool:
    """True for header words that name a period or a period part (`Qtr1`, `15/16`, `Oct-18`).

    A bare year (`2017`, `2013–2022`, `FY 2011`) counts only with at most one word beside it
    (`Totals 2013–2017`): prose that mentions a year is not a period heading.
    """
    text = " ".join(text.split())
    if len(text.split()) > 5:  # prose that mentions a year is not a period heading
        return False
    fy = financial_year(text)
    if _QUARTER.fullmatch(text) or (fy and fy[1] == text) or _MONTH.fullmatch(text):
        return True
    found = _read(text)
    if found is None:
        return False
    period, years_only = found
    return not years_only or len(text.replace(period.label, " ", 1).split()) <= 1


_MONTH_THEN_YEAR = re.compile(r"^(?P<month>[A-Za-z]{3,9})\.?\s+(?P<year>.+)$")


def month_in_year(label: str) -> Period | None:
    """A month heading under its year (`Oct 2012` from `2012` over `Oct`, `Jan 2018/19`): that month.

    Under a financial year, January to March fall in its second calendar year.
    """
    match = _MONTH_THEN_YEAR.match(" ".join(label.split()))
    if not match:
        return None
    month = MONTHS.get(match.group("month").title()) or MONTHS.get(match.group("month").title()[:3])
    if month is None:
        return None
    year_text = match.group("year").strip()
    if re.fullmatch(r"(?:19|20)\d\d", year_text):
        year = int(year_text)
    elif (fy := financial_year(year_text)) is not None and fy[1] == year_text:
        year = fy[0] if month >= 4 else fy[0] + 1
    else:
        return None
    return Period(label, "month", date(year, month, 1), month_end(year, month))
