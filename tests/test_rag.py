"""RAG recomputation on its own: bands with inclusive and exclusive bounds, both polarities, target and tolerance."""

from __future__ import annotations

import pytest
from scorecards.normalise.rag import (
    BASIS_BANDS,
    BASIS_TARGET,
    agrees,
    rag_from_position,
    recompute_rag,
)
from scorecards.normalise.targets import Band, parse_bandings

# `Red below 90% Amber 90% to 98% Green 98% and above`: higher is better; 90 is Amber (Red's upper
# bound is exclusive), 98 sits in both Amber and Green and is Green (the better band wins).
HIGHER_BANDS = [
    Band("Red", None, 90.0, high_inclusive=False),
    Band("Amber", 90.0, 98.0),
    Band("Green", 98.0, None),
]
# `Red above 25 days Amber 20 to 25 days Green below 20 days`: lower is better, every edge exclusive
# on the Red and Green sides, so 25 is Amber and 20 is Amber.
LOWER_BANDS = [
    Band("Red", 25.0, None, low_inclusive=False),
    Band("Amber", 20.0, 25.0),
    Band("Green", None, 20.0, high_inclusive=False),
]


@pytest.mark.parametrize(("value", "rag"), [
    (89.99, "Red"), (90.0, "Amber"), (95.0, "Amber"), (97.99, "Amber"), (98.0, "Green"), (100.0, "Green"),
])
def test_higher_is_better_bands_with_an_exclusive_red_bound(value: float, rag: str) -> None:
    assert recompute_rag(value, HIGHER_BANDS, polarity="higher_is_better") == (rag, BASIS_BANDS)


@pytest.mark.parametrize(("value", "rag"), [
    (19.5, "Green"), (20.0, "Amber"), (22.0, "Amber"), (25.0, "Amber"), (25.01, "Red"), (40.0, "Red"),
])
def test_lower_is_better_bands_with_exclusive_green_and_red_bounds(value: float, rag: str) -> None:
    assert recompute_rag(value, LOWER_BANDS, polarity="lower_is_better") == (rag, BASIS_BANDS)


def test_an_exclusive_bound_on_both_sides_leaves_a_gap_that_falls_back_to_the_target() -> None:
    gap = [Band("Amber", 80.0, 90.0, high_inclusive=False), Band("Green", 90.0, None, low_inclusive=False)]
    assert recompute_rag(91.0, gap) == ("Green", BASIS_BANDS)
    assert recompute_rag(90.0, gap) == ("", "")  # in no band, and no target to fall back on
    assert recompute_rag(90.0, gap, target=90.0, tolerance_low=80.0, polarity="higher_is_better") == (
        "Green", BASIS_TARGET)


def test_bands_parsed_from_printed_bandings_recompute_as_printed() -> None:
    bands = parse_bandings("Red above 18% Amber 12% to 18% Green 12% and below")
    assert [recompute_rag(v, bands).rag for v in (11.0, 12.0, 15.0, 18.0, 18.5)] == [
        "Green", "Green", "Amber", "Amber", "Red"]


def test_grade_bands_are_not_rag() -> None:
    grades = [Band("RI", 60.0, 69.0), Band("Good", 70.0, 79.0), Band("Outs.", 80.0, 100.0)]
    assert recompute_rag(75.0, grades, polarity="higher_is_better") == ("", "")


@pytest.mark.parametrize(("value", "rag"), [(90.0, "Green"), (95.0, "Green"), (85.0, "Amber"), (84.9, "Red")])
def test_target_and_tolerance_higher_is_better(value: float, rag: str) -> None:
    check = recompute_rag(value, target=90.0, tolerance_low=85.0, polarity="higher_is_better")
    assert check == (rag, BASIS_TARGET)


@pytest.mark.parametrize(("value", "rag"), [(120.0, "Green"), (100.0, "Green"), (150.0, "Amber"), (151.0, "Red")])
def test_target_and_tolerance_lower_is_better(value: float, rag: str) -> None:
    check = recompute_rag(value, target=120.0, tolerance_high=150.0, polarity="lower_is_better")
    assert check == (rag, BASIS_TARGET)


def test_what_cannot_be_recomputed_is_not_guessed() -> None:
    assert recompute_rag(None, HIGHER_BANDS) == ("", "")
    assert recompute_rag(80.0, target=90.0, tolerance_low=85.0, polarity="") == ("", "")
    assert recompute_rag(80.0, target=90.0, polarity="higher_is_better") == ("", "")  # no tolerance
    assert recompute_rag(80.0, target=None, tolerance_low=85.0, polarity="higher_is_better") == ("", "")


@pytest.mark.parametrize(("text", "rag"), [
    ("Better than target", "Green"), ("In Tolerance", "Amber"), ("Outside Tolerance", "Red"),
    ("Amber", "Amber"), ("GREEN", "Green"), ("TBD*", ""), ("No Target**", ""), ("Red/Amber", ""), ("", ""),
])
def test_position_text_as_a_rag(text: str, rag: str) -> None:
    assert rag_from_position(text) == rag


def test_agreement_is_unknown_when_a_side_is_missing() -> None:
    assert agrees("Amber", "Amber") is True
    assert agrees("Green", "Amber") is False
    assert agrees("", "Amber") is None and agrees("Red", "") is None
