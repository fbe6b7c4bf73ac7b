"""Targets, tolerances, threshold bands and polarity."""

from __future__ import annotations

import pytest

from normalise.targets import Band, parse_band, parse_polarity, parse_target, polarity_from_bands, tolerance_bounds


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
