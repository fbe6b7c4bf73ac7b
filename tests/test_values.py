"""The value-cell grammar: figures, units, footnote marks and status phrases."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scorecards.normalise.cells import parse_cell
from scorecards.normalise.values import strip_footnote


@pytest.mark.parametrize(
    ("text", "status", "value", "unit"),
    [
        ("11.0%", "reported", 11.0, "percent"),
        ("89%", "reported", 89.0, "percent"),
        ("100 %", "reported", 100.0, "percent"),  # a wrapped cell
        ("1,110", "reported", 1110.0, ""),
        ("140 days", "reported", 140.0, "days"),
        ("TBD*", "to_be_determined", None, ""),
        ("n/a**", "not_applicable", None, ""),
        ("N/A", "not_applicable", None, ""),
        ("Awaiting figures", "awaiting", None, ""),
        ("", "missing", None, ""),
        ("   ", "missing", None, ""),
        ("New contract measure for 2019/20", "new_measure", None, ""),
        ("64*", "reported", 64.0, ""),
    ],
)
def test_cells(text: str, status: str, value: float | None, unit: str) -> None:
    parsed = parse_cell(text)
    assert (parsed.status, parsed.value, parsed.unit) == (status, value, unit)


def test_footnote_marks_are_kept_apart() -> None:
    assert strip_footnote("TBD*") == ("TBD", "*")
    assert strip_footnote("No Target**") == ("No Target", "**")
    assert parse_cell("n/a***").footnote == "***"


def test_numerator_denominator_and_count() -> None:
    parsed = parse_cell("88.7% (893/1007)")
    assert (parsed.value, parsed.numerator, parsed.denominator) == (88.7, 893.0, 1007.0)
    assert (parse_cell("8% (2)").value, parse_cell("8% (2)").numerator) == (8.0, 2.0)


def test_rag_word_after_a_figure() -> None:
    assert parse_cell("15.6 Amber").reported_rag == "Amber"


def test_prose_is_not_a_figure() -> None:
    parsed = parse_cell("see note below")
    assert parsed.status is None and "see note below" in parsed.reason


@given(st.integers(min_value=0, max_value=10_000_000), st.sampled_from(["", "%", " %", " days"]))
def test_any_integer_reads_back_with_thousands_separators(number: int, suffix: str) -> None:
    parsed = parse_cell(f"{number:,}{suffix}")
    assert parsed.status == "reported"
    assert parsed.value == number


@given(st.decimals(min_value=0, max_value=100, places=1, allow_nan=False), st.sampled_from(["", "*", "**"]))
def test_any_percentage_reads_back(number: Decimal, marks: str) -> None:
    parsed = parse_cell(f"{number}%{marks}")
    assert parsed.value == pytest.approx(float(number))
    assert parsed.unit == "percent"
    assert parsed.footnote == marks
