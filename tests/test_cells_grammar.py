"""The compound-cell grammar: several figures, breakdowns, ratios, own periods and RAG in one cell."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scorecards.normalise.cells import ParseError, parse_benchmark_cell, parse_value_cell
from scorecards.normalise.grid import ratio_problem


def _parts(text: str) -> list[tuple]:
    return [
        (p.breakdown, p.value.status, p.value.value, p.value.unit, p.value.numerator, p.value.denominator,
         p.value.reported_rag, p.period_text)
        for p in parse_value_cell(text)
    ]


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("Inc UASC 99.1% Green Exc UASC 97.0% Green", [
            ("Inc UASC", "reported", 99.1, "percent", None, None, "Green", ""),
            ("Exc UASC", "reported", 97.0, "percent", None, None, "Green", ""),
        ]),
        ("Inc UASC 88.7% (893/1007)", [("Inc UASC", "reported", 88.7, "percent", 893.0, 1007.0, "", "")]),
        ("89.9% Dec 17 Amber", [("", "reported", 89.9, "percent", None, None, "Amber", "Dec 17")]),
        ("15.6 Amber", [("", "reported", 15.6, "", None, None, "Amber", "")]),
        ("Awaiting figures", [("", "awaiting", None, "", None, None, "", "")]),
        ("Inc UASC 12.6% Exc UASC 23.5", [
            ("Inc UASC", "reported", 12.6, "percent", None, None, "", ""),
            ("Exc UASC", "reported", 23.5, "", None, None, "", ""),
        ]),
        ("8% (2)", [("", "reported", 8.0, "percent", 2.0, None, "", "")]),
        ("Inc UASC 351.3 Green", [("Inc UASC", "reported", 351.3, "", None, None, "Green", "")]),
    ],
)
def test_compound_cells(text: str, parts: list[tuple]) -> None:
    assert _parts(text) == parts


@pytest.mark.parametrize("text", ["see commentary", "Inc UASC", "12% of something else"])
def test_text_left_over_is_an_error_not_a_guess(text: str) -> None:
    with pytest.raises(ParseError):
        parse_value_cell(text)


_words = st.sampled_from(["Inc UASC", "Exc UASC", "All children", "Boys", "Girls", "North team"])
_rag = st.sampled_from(["", "Red", "Amber", "Green"])
_value = st.decimals(min_value=0, max_value=100, places=1)


@given(st.lists(st.tuples(_words, _value, _rag), min_size=1, max_size=4))
def test_any_list_of_breakdown_figures_reads_back(segments: list) -> None:
    text = " ".join(f"{label} {value}% {rag}".strip() for label, value, rag in segments)
    parts = parse_value_cell(text)
    assert [(p.breakdown, p.value.value, p.value.reported_rag) for p in parts] == [
        (label, float(value), rag) for label, value, rag in segments
    ]


@given(st.integers(min_value=1, max_value=5000), st.integers(min_value=1, max_value=5000))
def test_any_consistent_ratio_passes_and_a_wrong_one_fails(a: int, b: int) -> None:
    numerator, denominator = min(a, b), max(a, b)
    shown = round(100 * numerator / denominator, 1)
    parts = parse_value_cell(f"Inc UASC {shown}% ({numerator}/{denominator})")
    assert ratio_problem(parts[0].value.value, "percent", numerator, denominator) == ""
    assert "disagree" in ratio_problem(shown + 5, "percent", numerator, denominator)


def test_benchmark_cell_with_two_comparators() -> None:
    found = parse_benchmark_cell("10.0% England average 2015/16 11.2 Stat. Neighbour average 2015/16")
    assert [(b.comparator, b.value, b.unit, b.period_text) for b in found] == [
        ("England average", 10.0, "percent", "2015/16"),
        ("Stat. Neighbour average", 11.2, "", "2015/16"),
    ]
    days = parse_benchmark_cell("458 days England average 2016/17 431 days South East Benchmarking Qtr2 2017/18")
    assert [(b.comparator, b.value, b.unit, b.period_text) for b in days] == [
        ("England average", 458.0, "days", "2016/17"),
        ("South East Benchmarking", 431.0, "days", "Qtr2 2017/18"),
    ]
    assert days[1].raw_text == "431 days South East Benchmarking Qtr2 2017/18"
    assert parse_benchmark_cell("Local Measure") == []
    assert parse_benchmark_cell("Local Measure National figure is 14.0%") == []
