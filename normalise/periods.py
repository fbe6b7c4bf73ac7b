"""Reporting periods as printed (`Qtr1` under `2018/19`, `Q3 16/17`, `Oct-18`) to typed date ranges.

UK public-sector financial years run 1 April to 31 March; `Qtr1 2018/19` is April-June 2018.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

MONTHS = {name: i for i, name in enumerate(calendar.month_abbr) if name} | {
    name: i for i, name in enumerate(calendar.month_name) if name
} | {"Sept": 9}

_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_FY = re.compile(r"(?<![\d/])(?:FY\s*)?((?:19|20)?\d{2})\s*[/\-–]\s*((?:19|20)?\d{2})(?![\d/])", re.I)
_QUARTER = re.compile(r"\b(?:Qtr|Q|Quarter)\s*\.?\s*([1-4])\b", re.I)
_MONTH = re.compile(
    r"\b(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?[\s\-'’/]*((?:19|20)?\d{2})\b", re.I
)


@dataclass(frozen=True)
class Period:
    label: str
    type: str  # month, quarter, financial_year, rolling_12_months, year_to_date, point_in_time
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


_DAY_RANGE = re.compile(
    r"\b(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?\s+(\d{1,2})(?:st|nd|rd|th)?\s*[-–]\s*"
    r"(\d{1,2})(?:st|nd|rd|th)?,?\s+((?:19|20)\d{2})\b",
    re.I,
)


def _day_range(text: str) -> Period | None:
    """`October 1st- 31st 2018`: a stated stretch of days, a month when it covers the whole month."""
    match = _DAY_RANGE.search(text)
    if not match:
        return None
    month = MONTHS.get(match.group(1).title()) or MONTHS.get(match.group(1).title()[:3])
    year = int(match.group(4))
    try:
        start, end = date(year, month, int(match.group(2))), date(year, month, int(match.group(3)))
    except (TypeError, ValueError):
        return None
    whole = start.day == 1 and end == month_end(year, month)
    return Period(match.group(0), "month" if whole else "point_in_time" if start == end else "", start, end)


_MONTH_RANGE = re.compile(
    r"\b(" + _MONTH_NAMES + r")\.?[\s\-'’/]*((?:19|20)?\d{2})\s*(?:[-–—]|to)\s*"
    r"(" + _MONTH_NAMES + r")\.?[\s\-'’/]*((?:19|20)?\d{2})\b",
    re.I,
)


def _month_number(name: str) -> int | None:
    return MONTHS.get(name.title()) or MONTHS.get(name.title()[:3])


def months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


def _month_range(text: str) -> Period | None:
    """`Jul 2015-Jun 2016`, `Apr 2017 - Mar 2018`: whole months from one to the other.

    Twelve months from April are a financial year, any other twelve a rolling year; other
    stretches keep no type (their dates say what they are).
    """
    match = _MONTH_RANGE.search(text)
    if not match:
        return None
    first, last = _month_number(match.group(1)), _month_number(match.group(3))
    if first is None or last is None:
        return None
    start = date(_year(match.group(2)), first, 1)
    end = month_end(_year(match.group(4)), last)
    if end <= start:
        return None
    span = months_between(start, end)
    kind = "financial_year" if span == 12 and first == 4 else "rolling_12_months" if span == 12 else ""
    return Period(match.group(0), kind, start, end)


def add_months(day: date, months: int) -> date:
    """The first of the month `months` after (or before) the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def fy_start_of(day: date) -> date:
    return date(day.year if day.month >= 4 else day.year - 1, 4, 1)


_PREVIOUS = re.compile(r"^(?:prev(?:ious)?\.?|last|preceding)\s+(.*)$", re.I)  # `Prev. 12 months ...`
_N_MONTHS = re.compile(r"\b(\d{1,2})\s*(?:months?|m)\b", re.I)
_N_YEAR_AVERAGE = re.compile(r"\((\d)\s*years?\s+average\)", re.I)
_YTD = re.compile(r"\b(?:YTD|year to date)\b", re.I)


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


def parse_period(text: str) -> Period | None:
    """A period from one piece of text (a header stack joined by spaces), or None."""
    text = " ".join(text.split())
    if not text:
        return None
    if (stretch := _day_range(text)) is not None:
        return stretch
    if (stretch := _month_range(text)) is not None:
        return stretch
    fy = financial_year(text)
    quarter = _QUARTER.search(text)
    if quarter and fy:
        start, end = quarter_dates(fy[0], int(quarter.group(1)))
        return Period(f"{quarter.group(0).strip()} {fy[1]}", "quarter", start, end)
    month = _MONTH.search(text)
    if quarter and month and not fy:
        # `Q1 (May 15)`: the financial-year quarter that month falls in, labelled as printed.
        number = MONTHS.get(month.group(1).title()[:3]) or MONTHS.get(month.group(1).title())
        if number:
            year = _year(month.group(2))
            start, end = quarter_dates(year if number >= 4 else year - 1, int(quarter.group(1)))
            return Period(text, "quarter", start, end)
    if month and not fy:
        number = MONTHS.get(month.group(1).title(), None)
        if number:
            year = _year(month.group(2))
            return Period(month.group(0).strip(), "month", date(year, number, 1), month_end(year, number))
    if fy and not quarter:
        return Period(fy[1], "financial_year", date(fy[0], 4, 1), date(fy[0] + 1, 3, 31))
    return None


def looks_like_period(text: str) -> bool:
    """True for header words that name a period or a period part (`Qtr1`, `15/16`, `Oct-18`)."""
    text = text.strip()
    if len(text.split()) > 5:  # prose that mentions a year is not a period heading
        return False
    fy = financial_year(text)
    return bool(
        _QUARTER.fullmatch(text) or (fy and fy[1] == text) or _MONTH.fullmatch(text) or parse_period(text)
    )
