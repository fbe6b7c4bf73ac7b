"""Periods as printed to typed UK financial-year date ranges."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from normalise.periods import looks_like_period, parse_period


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
