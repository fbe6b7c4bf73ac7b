"""Periods as printed to typed UK financial-year date ranges."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scorecards.normalise.periods import (
    Period,
    add_months,
    is_relative_heading,
    looks_like_period,
    month_end,
    parse_period,
    quarter_dates,
    resolve_relative,
)


@pytest.mark.parametrize(
    ("text", "label", "kind", "start", "end"),
    [
        ("Qtr1 2018/19", "Qtr1 2018/19", "quarter", date(2018, 4, 1), date(2018, 6, 30)),
        ("2018/19 Qtr4", "Qtr4 2018/19", "quarter", date(2019, 1, 1), date(2019, 3, 31)),
        ("Q1 15/16", "Q1 15/16", "quarter", date(2015, 4, 1), date(2015, 6, 30)),
        ("Q3 2016-17", "Q3 2016-17", "quarter", date(2016, 10, 1), date(2016, 12, 31)),
        ("Oct-18", "Oct-18", "month", date(2018, 10, 1), date(2018, 10, 31)),
        ("Feb 2016", "Feb 2016", "month", date(2016, 2, 1), date(2016, 2, 29)),
        ("2019/20", "2019/20", "financial_year", date(2019, 4, 1), date(2020, 3, 31)),
    ],
)
def test_periods(text: str, label: str, kind: str, start: date, end: date) -> None:
    period = parse_period(text)
    assert period is not None
    assert (period.label, period.type, period.start, period.end) == (label, kind, start, end)


@pytest.mark.parametrize("text", ["60-69", "80-100", "Measure", "893/1007", "12%"])
def test_not_periods(text: str) -> None:
    assert not looks_like_period(text)


@given(st.integers(min_value=2000, max_value=2098), st.integers(min_value=1, max_value=4), st.booleans())
def test_every_quarter_lies_inside_its_financial_year(year: int, quarter: int, short: bool) -> None:
    fy = f"{year % 100:02d}/{(year + 1) % 100:02d}" if short else f"{year}/{(year + 1) % 100:02d}"
    period = parse_period(f"Q{quarter} {fy}")
    assert period is not None and period.start and period.end
    assert date(year, 4, 1) <= period.start < period.end <= date(year + 1, 3, 31)
    assert (period.end - period.start).days in range(89, 92)


# ---------------------------------------------------------------------------------------------
# The broad grammar: every printed form of a period, and headings that are no period
# ---------------------------------------------------------------------------------------------

D = date
CASES = [
    # years and financial years (UK: April to March)
    ("2013–14", "financial_year", D(2013, 4, 1), D(2014, 3, 31)),
    ("2013-14", "financial_year", D(2013, 4, 1), D(2014, 3, 31)),
    ("2020-21", "financial_year", D(2020, 4, 1), D(2021, 3, 31)),
    ("20-21", "financial_year", D(2020, 4, 1), D(2021, 3, 31)),
    ("2019/20", "financial_year", D(2019, 4, 1), D(2020, 3, 31)),
    ("DLHS-4 (2012-13)", "financial_year", D(2012, 4, 1), D(2013, 3, 31)),
    ("Phase 9 2023–24", "financial_year", D(2023, 4, 1), D(2024, 3, 31)),
    ("2025-26 Year 1", "financial_year", D(2025, 4, 1), D(2026, 3, 31)),
    ("2025-26 TO 2034-35", "", D(2025, 4, 1), D(2035, 3, 31)),
    # US federal fiscal years and calendar years: no contract type fits
    ("FY 2011", "", D(2010, 10, 1), D(2011, 9, 30)),
    ("FY2011", "", D(2010, 10, 1), D(2011, 9, 30)),
    ("2014", "", D(2014, 1, 1), D(2014, 12, 31)),
    ("2013–2022", "", D(2013, 1, 1), D(2022, 12, 31)),
    ("Totals 2013–2017", "", D(2013, 1, 1), D(2017, 12, 31)),
    ("2013– 2017", "", D(2013, 1, 1), D(2017, 12, 31)),  # a header stack `2013–` over `2017`
    # quarters
    ("Q3 2024/25", "quarter", D(2024, 10, 1), D(2024, 12, 31)),
    ("Quarter 3 2024/25", "quarter", D(2024, 10, 1), D(2024, 12, 31)),
    ("Quarter 3, 2024/25", "quarter", D(2024, 10, 1), D(2024, 12, 31)),
    ("2017/18 Qtr1", "quarter", D(2017, 4, 1), D(2017, 6, 30)),
    ("Jan – Mar 24", "quarter", D(2024, 1, 1), D(2024, 3, 31)),
    ("Jan 24 – Mar 24", "quarter", D(2024, 1, 1), D(2024, 3, 31)),
    ("Apr 24 – Jun 24", "quarter", D(2024, 4, 1), D(2024, 6, 30)),
    ("Oct - Dec 2024", "quarter", D(2024, 10, 1), D(2024, 12, 31)),
    ("Quarter to Sep 24", "quarter", D(2024, 7, 1), D(2024, 9, 30)),
    ("Q4 2025", "quarter", D(2025, 10, 1), D(2025, 12, 31)),  # with a calendar year: its fourth quarter
    ("Q1 (May 15)", "quarter", D(2015, 4, 1), D(2015, 6, 30)),
    # months
    ("Dec-24", "month", D(2024, 12, 1), D(2024, 12, 31)),
    ("Dec -24", "month", D(2024, 12, 1), D(2024, 12, 31)),
    ("Sept 20", "month", D(2020, 9, 1), D(2020, 9, 30)),
    ("December 2024", "month", D(2024, 12, 1), D(2024, 12, 31)),
    ("Mar-25", "month", D(2025, 3, 1), D(2025, 3, 31)),
    ("Mar- 25", "month", D(2025, 3, 1), D(2025, 3, 31)),
    ("November 2024-25", "month", D(2024, 11, 1), D(2024, 11, 30)),
    ("February 2024-25", "month", D(2025, 2, 1), D(2025, 2, 28)),
    ("Latest Result (Dec 17)", "month", D(2017, 12, 1), D(2017, 12, 31)),
    # rolling years and other whole months to a month
    ("12m to Dec 24", "rolling_12_months", D(2024, 1, 1), D(2024, 12, 31)),
    ("12 mths to Dec 23", "rolling_12_months", D(2023, 1, 1), D(2023, 12, 31)),
    ("12 months to December 2024", "rolling_12_months", D(2024, 1, 1), D(2024, 12, 31)),
    ("Rolling 12 months to Dec-24", "rolling_12_months", D(2024, 1, 1), D(2024, 12, 31)),
    ("12 months to March 2025", "financial_year", D(2024, 4, 1), D(2025, 3, 31)),
    ("Year ended 31 March 2024", "financial_year", D(2023, 4, 1), D(2024, 3, 31)),
    ("Jul 2015-Jun 2016", "rolling_12_months", D(2015, 7, 1), D(2016, 6, 30)),
    ("Nov - Jan 25", "", D(2024, 11, 1), D(2025, 1, 31)),
    # days
    ("31.3.24", "point_in_time", D(2024, 3, 31), D(2024, 3, 31)),
    ("31.3.24 Actual", "point_in_time", D(2024, 3, 31), D(2024, 3, 31)),
    ("01/04/24", "point_in_time", D(2024, 4, 1), D(2024, 4, 1)),
    ("Opening Balance 01/04/24", "point_in_time", D(2024, 4, 1), D(2024, 4, 1)),
    ("31/03/25", "point_in_time", D(2025, 3, 31), D(2025, 3, 31)),
    ("30-Nov-24", "point_in_time", D(2024, 11, 30), D(2024, 11, 30)),
    ("31-Mar-24", "point_in_time", D(2024, 3, 31), D(2024, 3, 31)),
    ("30 November 2024", "point_in_time", D(2024, 11, 30), D(2024, 11, 30)),
    ("as at 31 December 2024", "point_in_time", D(2024, 12, 31), D(2024, 12, 31)),
    ("Reserve Balance as at 1st April 2024*", "point_in_time", D(2024, 4, 1), D(2024, 4, 1)),
    ("Fri, Feb 24, 2017", "point_in_time", D(2017, 2, 24), D(2017, 2, 24)),
    ("2024-03-31", "point_in_time", D(2024, 3, 31), D(2024, 3, 31)),
    ("Interest Rate View 11.11.24", "point_in_time", D(2024, 11, 11), D(2024, 11, 11)),
    # stated stretches of days, weeks ending a day
    ("7/10/2017 Through 7/16/2017", "", D(2017, 7, 10), D(2017, 7, 16)),  # 16 > 12: both month-first
    ("1 April 2024 to 31 March 2025", "financial_year", D(2024, 4, 1), D(2025, 3, 31)),
    ("7 to 18 November 2022", "", D(2022, 11, 7), D(2022, 11, 18)),
    ("October 1st- 31st 2018", "month", D(2018, 10, 1), D(2018, 10, 31)),
    ("W/E 02/24/17", "", D(2017, 2, 18), D(2017, 2, 24)),
    ("W/E 24/02/17", "", D(2017, 2, 18), D(2017, 2, 24)),
    ("Week Ending February 24, 2017", "", D(2017, 2, 18), D(2017, 2, 24)),
]


@pytest.mark.parametrize(("text", "kind", "start", "end"), CASES)
def test_printed_forms(text: str, kind: str, start: date, end: date) -> None:
    period = parse_period(text)
    assert period is not None
    assert (period.type, period.start, period.end) == (kind, start, end)


@pytest.mark.parametrize(("text", "label"), [
    ("W/E 02/24/17", "W/E 02/24/17"), ("DLHS-4 (2012-13)", "2012-13"), ("Totals 2013–2017", "2013–2017"),
    ("Opening Balance 01/04/24", "01/04/24"), ("Mar- 25", "Mar- 25"), ("12m to Dec 24", "12m to Dec 24"),
    ("Quarter 3 2024/25", "Quarter 3 2024/25"), ("FY 2011", "FY 2011"), ("Q1 (May 15)", "Q1 (May 15)"),
])
def test_labels_are_the_period_as_printed(text: str, label: str) -> None:
    period = parse_period(text)
    assert period is not None and period.label == label


NOT_PERIODS = [
    "TOTAL", "RURAL", "% Chg", "Iowa", "Non-UASC", "Target", "No fixed date", "Aged 25 and over", "Aged 21 to 22",
    "Under 18", "ROW REF", "£m", "£000s", "Year 1", "5", "28", "Children (6-59 months) having anaemia",
    "Blood Sugar Level >160 mg/dl", "Rate per 100,000 (aged 10-17)", "Phase 9", "1,800", "128.47", "Quarter 3",
    # misprint: `2021-21` is no financial year and not the year 2021 either; it is left unread, not guessed
    "2021-21",
]


@pytest.mark.parametrize("text", NOT_PERIODS)
def test_headings_that_are_no_period(text: str) -> None:
    assert parse_period(text) is None


@pytest.mark.parametrize("text", [t for t in NOT_PERIODS if t != "Quarter 3"] + [
    "Code of Practice 2021 Edition", "Local Government Act 2003", "Latest", "Year to Date", "2017 2016 % Chg",
])
def test_not_period_headings(text: str) -> None:
    """A bare year needs almost nothing beside it to head a period column; relative headings need a date."""
    assert not looks_like_period(text)


@pytest.mark.parametrize("text", ["2017", "Totals 2013–2017", "FY 2011", "31.3.24 Actual", "Jan – Mar 24",
                                  "12 mths to Dec 23", "W/E 02/24/17", "Quarter 3"])
def test_period_headings(text: str) -> None:
    assert looks_like_period(text)


# ---------------------------------------------------------------------------------------------
# Relative headings
# ---------------------------------------------------------------------------------------------

WEEK = Period("7/10/2017 Through 7/16/2017", "", D(2017, 7, 10), D(2017, 7, 16))
QUARTER = Period("Q3 2024/25", "quarter", D(2024, 10, 1), D(2024, 12, 31))
MONTH = Period("Dec-24", "month", D(2024, 12, 1), D(2024, 12, 31))
DAY = Period("31 December 2024", "point_in_time", D(2024, 12, 31), D(2024, 12, 31))


@pytest.mark.parametrize(("text", "anchor", "kind", "start", "end"), [
    ("Latest", QUARTER, "quarter", D(2024, 10, 1), D(2024, 12, 31)),
    ("Current", MONTH, "month", D(2024, 12, 1), D(2024, 12, 31)),
    ("Previous", QUARTER, "quarter", D(2024, 7, 1), D(2024, 9, 30)),
    ("Previous", MONTH, "month", D(2024, 11, 1), D(2024, 11, 30)),
    ("Previous", WEEK, "", D(2017, 7, 3), D(2017, 7, 9)),
    ("Last Week", WEEK, "", D(2017, 7, 3), D(2017, 7, 9)),
    ("Year Ago", WEEK, "", D(2016, 7, 10), D(2016, 7, 16)),
    ("Year Ago", QUARTER, "quarter", D(2023, 10, 1), D(2023, 12, 31)),
    ("Week to Date", WEEK, "", D(2017, 7, 10), D(2017, 7, 16)),
    ("Week to Date 2017", WEEK, "", D(2017, 7, 10), D(2017, 7, 16)),
    ("Week to Date 2016", WEEK, "", D(2016, 7, 10), D(2016, 7, 16)),
    ("28 Day", WEEK, "", D(2017, 6, 19), D(2017, 7, 16)),
    ("28 Day 2016", WEEK, "", D(2016, 6, 19), D(2016, 7, 16)),
    ("Year to Date*", WEEK, "year_to_date", D(2017, 1, 1), D(2017, 7, 16)),  # a week: the calendar year
    ("Year to Date* 2016", WEEK, "year_to_date", D(2016, 1, 1), D(2016, 7, 16)),
    ("YTD", QUARTER, "year_to_date", D(2024, 4, 1), D(2024, 12, 31)),  # whole months: the financial year
    ("Year to Date", DAY, "year_to_date", D(2024, 4, 1), D(2024, 12, 31)),  # `as at` a day: UK too
    ("Rolling 12M", MONTH, "rolling_12_months", D(2024, 1, 1), D(2024, 12, 31)),
    ("Rolling 12 months", QUARTER, "rolling_12_months", D(2024, 1, 1), D(2024, 12, 31)),
    ("Prev. 12 months", MONTH, "rolling_12_months", D(2023, 12, 1), D(2024, 11, 30)),  # relative_period's rule
    ("Prev. YTD", MONTH, "year_to_date", D(2024, 4, 1), D(2024, 11, 30)),
    ("Previous Quarter", MONTH, "quarter", D(2024, 7, 1), D(2024, 9, 30)),
    ("Last Year", QUARTER, "financial_year", D(2023, 4, 1), D(2024, 3, 31)),
])
def test_relative_headings_resolve_against_the_report_period(text: str, anchor: Period, kind: str, start: date,
                                                             end: date) -> None:
    assert is_relative_heading(text)
    period = resolve_relative(text, anchor)
    assert period is not None
    assert (period.label, period.type, period.start, period.end) == (text, kind, start, end)
    assert parse_period(text, anchor) == period


@pytest.mark.parametrize(("text", "kind"), [
    ("Latest", ""), ("Previous", ""), ("Year Ago", ""), ("Week to Date 2016", ""), ("YTD", "year_to_date"),
    ("Rolling 12M", "rolling_12_months"), ("Prev. 12 months average", "rolling_12_months"),
])
def test_relative_headings_without_a_report_date_keep_their_label_and_no_dates(text: str, kind: str) -> None:
    assert resolve_relative(text, None) == Period(text, kind, None, None)
    assert parse_period(text) is None  # `Week to Date 2016` is not the calendar year 2016


@pytest.mark.parametrize("text", ["% Chg", "Current Target", "This", "2 Year", "Target", "Dec-24", "Q3 2024/25",
                                  "Latest Result (Dec 17)", "Year 1"])
def test_not_relative_headings(text: str) -> None:
    assert not is_relative_heading(text)
    assert resolve_relative(text, QUARTER) is None


def test_a_year_given_to_resolve_by_overrides_the_rule() -> None:
    period = resolve_relative("YTD", WEEK, year_start_month=4)
    assert period is not None and (period.start, period.end) == (D(2017, 4, 1), D(2017, 7, 16))


# ---------------------------------------------------------------------------------------------
# Properties: one period, every printed form, the same dates
# ---------------------------------------------------------------------------------------------

ABBR = [calendar.month_abbr[m] for m in range(13)]
NAME = [calendar.month_name[m] for m in range(13)]


def _same_dates(forms: list[str], start: date, end: date) -> None:
    for text in forms:
        period = parse_period(text)
        assert period is not None, text
        assert (period.start, period.end) == (start, end), text


@given(st.integers(2000, 2098), st.integers(1, 12))
def test_every_form_of_a_month(year: int, month: int) -> None:
    yy = f"{year % 100:02d}"
    fy = year if month >= 4 else year - 1
    forms = [f"{ABBR[month]}-{yy}", f"{ABBR[month]} -{yy}", f"{ABBR[month]}- {yy}", f"{ABBR[month]} {year}",
             f"{NAME[month]} {year}", f"{ABBR[month]}'{yy}", f"{NAME[month].upper()} {yy}",
             f"{NAME[month]} {fy}-{(fy + 1) % 100:02d}",
             f"Month ending {month_end(year, month).day} {NAME[month]} {year}"]
    if month == 9:
        forms.append(f"Sept {yy}")
    _same_dates(forms, date(year, month, 1), month_end(year, month))


@given(st.integers(2000, 2097), st.integers(1, 4))
def test_every_form_of_a_quarter(fy: int, quarter: int) -> None:
    start, end = quarter_dates(fy, quarter)
    long, short = f"{fy}/{(fy + 1) % 100:02d}", f"{fy % 100:02d}-{(fy + 1) % 100:02d}"
    first, last = start.month, end.month
    yy = f"{end.year % 100:02d}"
    forms = [f"Q{quarter} {long}", f"Qtr{quarter} {short}", f"Quarter {quarter} {long}", f"{long} Qtr{quarter}",
             f"Quarter {quarter}, {long}", f"{ABBR[first]} – {ABBR[last]} {yy}",
             f"{ABBR[first]} {yy} – {ABBR[last]} {yy}",
             f"{ABBR[first]} - {ABBR[last]} {end.year}", f"{NAME[first]} {start.year} to {NAME[last]} {end.year}",
             f"Quarter to {ABBR[last]} {yy}", f"Quarter ended {end.day} {NAME[last]} {end.year}",
             f"Q{(first - 1) // 3 + 1} {end.year}"]
    _same_dates(forms, start, end)
    assert {parse_period(text).type for text in forms} == {"quarter"}  # type: ignore[union-attr]


@given(st.integers(2000, 2097))
def test_every_form_of_a_financial_year(fy: int) -> None:
    nxt = fy + 1
    forms = [
        f"{fy}/{nxt % 100:02d}", f"{fy}-{nxt % 100:02d}", f"{fy}–{nxt % 100:02d}", f"{fy % 100:02d}-{nxt % 100:02d}",
        f"{fy % 100:02d}/{nxt % 100:02d}", f"FY {fy}/{nxt % 100:02d}", f"{fy}-{nxt}", f"Apr {fy} - Mar {nxt}",
        f"12 months to March {nxt}", f"1 April {fy} to 31 March {nxt}", f"Year ended 31 March {nxt}",
    ]
    _same_dates(forms, date(fy, 4, 1), date(nxt, 3, 31))
    assert {parse_period(text).type for text in forms} == {"financial_year"}  # type: ignore[union-attr]


days = st.dates(date(2000, 1, 1), date(2098, 12, 31))


@given(days)
def test_every_form_of_a_day(day: date) -> None:
    yy = f"{day.year % 100:02d}"
    forms = [f"{day.day:02d}/{day.month:02d}/{yy}", f"{day.day}/{day.month}/{day.year}", f"{day.day}.{day.month}.{yy}",
             f"{day.day:02d}-{ABBR[day.month]}-{yy}", f"{day.day} {NAME[day.month]} {day.year}",
             f"{NAME[day.month]} {day.day}, {day.year}", f"as at {day.day} {NAME[day.month]} {day.year}",
             f"{day.isoformat()}", f"Opening Balance {day.day:02d}/{day.month:02d}/{yy}"]
    if day.day > 12:  # month-first only where the day shows it
        forms.append(f"{day.month:02d}/{day.day:02d}/{yy}")
    _same_dates(forms, day, day)
    assert {parse_period(text).type for text in forms} == {"point_in_time"}  # type: ignore[union-attr]


@given(days)
def test_every_form_of_a_week_ending(day: date) -> None:
    yy = f"{day.year % 100:02d}"
    forms = [f"W/E {day.day:02d}/{day.month:02d}/{yy}", f"Week Ending {NAME[day.month]} {day.day}, {day.year}",
             f"w/e {day.day} {ABBR[day.month]} {day.year}", f"Week ended {day.day:02d}-{ABBR[day.month]}-{yy}"]
    if day.day > 12:
        forms.append(f"W/E {day.month:02d}/{day.day:02d}/{yy}")
    _same_dates(forms, day - timedelta(days=6), day)


@given(st.dates(date(2000, 1, 1), date(2097, 12, 31)), st.integers(0, 400))
def test_every_form_of_a_stretch_of_days(start: date, length: int) -> None:
    end = start + timedelta(days=length)
    forms = [f"{start.day} {NAME[start.month]} {start.year} to {end.day} {NAME[end.month]} {end.year}",
             f"{start.day:02d}/{start.month:02d}/{start.year} - {end.day:02d}/{end.month:02d}/{end.year}",
             f"{NAME[start.month]} {start.day}, {start.year} Through {NAME[end.month]} {end.day}, {end.year}"]
    if start.day > 12 or end.day > 12:  # month-first is read when one of the days shows it
        forms.append(f"{start.month}/{start.day}/{start.year} Through {end.month}/{end.day}/{end.year}")
    _same_dates(forms, start, end)


@given(st.integers(2000, 2098), st.integers(1, 12))
def test_every_form_of_a_rolling_year(year: int, month: int) -> None:
    yy = f"{year % 100:02d}"
    forms = [f"12m to {ABBR[month]} {yy}", f"12 mths to {ABBR[month]} {yy}", f"12 months to {NAME[month]} {year}",
             f"Rolling 12 months to {ABBR[month]}-{yy}"]
    _same_dates(forms, add_months(date(year, month, 1), -11), month_end(year, month))


@given(st.integers(1990, 2085), st.integers(0, 9))
def test_every_form_of_whole_years(first: int, more: int) -> None:
    _same_dates([f"{first}", f"Total {first}"], date(first, 1, 1), date(first, 12, 31))
    _same_dates([f"FY {first}", f"FY{first}"], date(first - 1, 10, 1), date(first, 9, 30))
    last = first + 2 + more
    _same_dates([f"{first}–{last}", f"{first}-{last}", f"Totals {first}– {last}"], date(first, 1, 1),
                date(last, 12, 31))


@given(st.integers(0, 99), st.integers(0, 99))
def test_ages_counts_and_figures_are_no_period(a: int, b: int) -> None:
    for text in (f"{a}", f"Aged {a} to {b}", f"Under {a}", f"{a}%", f"{a}.{b}", f"Rate per 100,000 (aged {a}-{b})"
                 if b != (a + 1) % 100 else f"{a}"):
        assert parse_period(text) is None, text


@given(days, st.sampled_from(["Latest", "Current", "Previous", "Year Ago", "Week to Date", "28 Day", "YTD",
                              "Rolling 12M", "Last Week"]), st.integers(2000, 2030))
def test_a_relative_heading_with_a_year_is_the_same_span_in_that_year(end: date, heading: str, year: int) -> None:
    anchor = Period("W/E", "", end - timedelta(days=6), end)
    here, there = resolve_relative(heading, anchor), resolve_relative(f"{heading} {year}", anchor)
    assert here is not None and there is not None and here.start and here.end and there.start and there.end
    assert there.end.year == year and there.label == f"{heading} {year}"
    assert (there.end - there.start) - (here.end - here.start) in (timedelta(0), timedelta(days=1), timedelta(days=-1))
