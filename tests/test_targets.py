"""Targets, tolerances, threshold bands and polarity."""

from __future__ import annotations

import pytest
from scorecards.normalise.targets import (
    Band,
    parse_band,
    parse_bandings,
    parse_polarity,
    parse_target,
    polarity_from_bands,
    polarity_from_target,
    tolerance_bounds,
)


def test_polarity_phrases_come_from_the_vocabulary() -> None:
    assert parse_polarity("Bigger is better") == "higher_is_better"
    assert parse_polarity("Smaller is better") == "lower_is_better"
    assert parse_polarity("") == ""


@pytest.mark.parametrize(("text", "value"), [("90%", 90.0), ("140 days", 140.0), ("TBD*", None), ("n/a**", None)])
def test_targets(text: str, value: float | None) -> None:
    assert parse_target(text) == value


def test_single_tolerance_fills_the_side_away_from_the_target() -> None:
    assert tolerance_bounds("85%", 90.0, "higher_is_better") == (85.0, None)
    assert tolerance_bounds("12%", 9.0, "lower_is_better") == (None, 12.0)
    assert tolerance_bounds("75% - 95%", 90.0, "") == (75.0, 95.0)
    assert tolerance_bounds("TBD*", None, "lower_is_better") == (None, None)


def test_bands_give_polarity() -> None:
    rising = [Band("RI", 60, 69), Band("Good", 70, 79), Band("Outs.", 80, 100)]
    falling = [Band("RI", 21, 25), Band("Good", 11, 20), Band("Outs.", 0, 10)]
    below = [Band("RI", 25, 30), Band("Good", 20, 24), Band("Outs.", *parse_band("Below 20"))]
    assert polarity_from_bands(rising) == "higher_is_better"
    assert polarity_from_bands(falling) == "lower_is_better"
    assert polarity_from_bands(below) == "lower_is_better"
    assert parse_band("80- 100") == (80.0, 100.0)


@pytest.mark.parametrize(
    ("text", "value", "polarity"),
    [
        ("98% and above", 98.0, "higher_is_better"),
        ("10% and below", 10.0, "lower_is_better"),
        ("426 days and below", 426.0, "lower_is_better"),
        ("15 cases and below", 15.0, "lower_is_better"),
        ("70 cases", 70.0, ""),
        ("N/A", None, ""),
        ("Previous target was 13% - for adoption only", None, ""),
    ],
)
def test_target_texts(text: str, value: float | None, polarity: str) -> None:
    assert parse_target(text) == value
    assert polarity_from_target(text) == polarity


@pytest.mark.parametrize(
    ("text", "bands", "polarity"),
    [
        ("Red below 90% Amber 90% to 98% Green 98% and above",
         [Band("Red", None, 90, high_inclusive=False), Band("Amber", 90, 98), Band("Green", 98, None)],
         "higher_is_better"),
        ("Red above 518 days Amber 426 to 518 days Green 426 days and below",
         [Band("Red", 518, None, low_inclusive=False), Band("Amber", 426, 518), Band("Green", None, 426)],
         "lower_is_better"),
        ("Red below 80% Amber from 80%-90% Green 90% and above",
         [Band("Red", None, 80, high_inclusive=False), Band("Amber", 80, 90), Band("Green", 90, None)],
         "higher_is_better"),
        ("Red below 16% Amber from 16% - 26% Green 26% and above",
         [Band("Red", None, 16, high_inclusive=False), Band("Amber", 16, 26), Band("Green", 26, None)],
         "higher_is_better"),
        ("Red below 90% Amber from 90%-100% Green 100%",
         [Band("Red", None, 90, high_inclusive=False), Band("Amber", 90, 100), Band("Green", 100, 100)],
         "higher_is_better"),
    ],
)
def test_rag_bandings(text: str, bands: list[Band], polarity: str) -> None:
    assert parse_bandings(text) == bands
    assert polarity_from_bands(parse_bandings(text)) == polarity
