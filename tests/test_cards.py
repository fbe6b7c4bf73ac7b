"""Indicator cards and rates tables (seed 002's monthly report) on reports generated here, never seen before."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from scorecards.extractors import extract
from scorecards.normalise.document import normalise_document
from scorecards.normalise.periods import parse_period, relative_period
from scorecards.normalise.records import NormalisedDocument

from samples.cards import (
    CardReport,
    expected_benchmarks,
    expected_measures,
    expected_observations,
    random_card_report,
    write_docx,
    write_pdf,
)


def _read(report: CardReport, tmp_path: Path) -> NormalisedDocument:
    path = write_pdf(report, tmp_path / report.name)
    return normalise_document(extract(path, "sha"))


def _observations(tidy: NormalisedDocument) -> dict[tuple[str, str, str, str], tuple[object, ...]]:
    return {
        (o.measure_label, o.breakdown, str(o.period_start), str(o.period_end)):
            (o.value, o.numerator, o.denominator, o.status, o.period_type)
        for o in tidy.observations
    }


def _expected(report: CardReport) -> dict[tuple[str, str, str, str], tuple[object, ...]]:
    return {
        (r["measure_label"], r["breakdown"], r["period_start"], r["period_end"]):
            (None if r["value"] is None else float(r["value"]),
             None if r["numerator"] is None else float(r["numerator"]),
             None if r["denominator"] is None else float(r["denominator"]), r["status"], r["period_type"])
        for r in expected_observations(report)
    }


@pytest.mark.parametrize(("seed", "ruled"), [(0, False), (3, False), (5, True), (7, False)])
def test_generated_card_reports_read_exactly(seed: int, ruled: bool, tmp_path: Path) -> None:
    report = random_card_report(seed, ruled)
    tidy = _read(report, tmp_path)
    assert _observations(tidy) == _expected(report)
    assert not tidy.quarantine
    measures = {m.measure_label: m for m in tidy.measures}
    for want in expected_measures(report):
        got = measures[want["measure_label"]]
        assert (got.section, got.polarity, got.target_value) == (
            want["section"], want["polarity"], want["target_value"])
        if "tolerance_low" in want:
            assert (got.tolerance_low, got.tolerance_high) == (want["tolerance_low"], want["tolerance_high"])
    benchmarks = {(b.measure_label, b.comparator, b.value) for b in tidy.benchmarks}
    assert {(b["measure_label"], b["comparator"], b["value"]) for b in expected_benchmarks(report)} <= benchmarks
    assert "kpi_card" in {t.layout for t in tidy.tables}


@pytest.mark.parametrize("seed", [1, 4])
def test_generated_card_reports_in_word_read_exactly(seed: int, tmp_path: Path) -> None:
    """Word has no positions: cards are small tables, comparators tabbed lines; columns stand in for x."""
    report = random_card_report(seed)
    tidy = normalise_document(extract(write_docx(report, tmp_path / report.docx_name), "sha"))
    assert _observations(tidy) == _expected(report)
    assert not tidy.quarantine
    sections = {m.measure_label: m.section for m in tidy.measures}
    assert all(sections[m["measure_label"]] == m["section"] for m in expected_measures(report))
    benchmarks = {(b.measure_label, b.comparator, b.value) for b in tidy.benchmarks}
    assert {(b["measure_label"], b["comparator"], b["value"]) for b in expected_benchmarks(report)} <= benchmarks


def test_card_with_count_rows_gives_numerator_and_denominator(tmp_path: Path) -> None:
    report = random_card_report(11)
    card = next(c for c in report.cards if c.percent is not None and c.counts)
    tidy = _read(report, tmp_path)
    rows = [o for o in tidy.observations if o.measure_label == card.title]
    assert [(o.value, o.numerator, o.denominator) for o in rows] == [
        (float(p), float(n), float(d))  # type: ignore[arg-type]
        for p, n, d in zip(card.percent, card.counts[0].values, card.counts[-1].values, strict=True)
    ]
    assert rows[0].period_type in ("rolling_12_months", "year_to_date")
    commentary = [c.text for c in tidy.commentary if c.measure_label == card.title]
    assert commentary and card.commentary.split(".")[0] in commentary[0]


def test_card_without_count_rows_gives_the_percentages_alone(tmp_path: Path) -> None:
    report = random_card_report(11)
    card = next(c for c in report.cards if c.percent is not None)
    card.counts = []
    tidy = _read(report, tmp_path)
    rows = [o for o in tidy.observations if o.measure_label == card.title]
    assert [o.value for o in rows] == [float(p) for p in card.percent]  # type: ignore[union-attr]
    assert all(o.numerator is None and o.denominator is None and o.breakdown == "" for o in rows)


def test_rates_table_footnote_moves_marked_figures_to_its_period(tmp_path: Path) -> None:
    report = random_card_report(2)
    assert report.rates is not None
    tidy = _read(report, tmp_path)
    label, values = next((label, values) for label, values in report.rates.rows if values[1][1])
    year = report.rates.footnote_year  # `Mar-17`: the footnote's period
    moved = [o for o in tidy.observations if o.measure_label == label and o.period_label == year]
    assert [o.value for o in moved] == [float(values[1][0])]
    assert moved[0].period_type == "point_in_time" and moved[0].period_end.month == 3  # type: ignore[union-attr]
    comparators = {b.comparator for b in tidy.benchmarks if b.measure_label == label}
    assert comparators == {"SN", "National", "WM"}
    assert not [o for o in tidy.observations if o.measure_label == label and o.breakdown]
    assert "rates_table" in {t.layout for t in tidy.tables}


def test_relative_periods_resolve_against_the_report_month() -> None:
    month = parse_period("October 1st- 31st 2018")
    twelve = relative_period("Prev. 12 months average", month)
    assert twelve is not None and (twelve.type, twelve.start, twelve.end) == (
        "rolling_12_months", date(2017, 10, 1), date(2018, 9, 30))
    ytd = relative_period("Prev. YTD", month)
    assert ytd is not None and (ytd.type, ytd.start, ytd.end) == ("year_to_date", date(2018, 4, 1), date(2018, 9, 30))
    three = relative_period("Oct-18 (3 Year Average)", month)
    assert three is not None and (three.start, three.end) == (date(2015, 11, 1), date(2018, 10, 31))
    fy = parse_period("Apr 2017 - Mar 2018")
    assert fy is not None and fy.type == "financial_year"
    assert relative_period("Prev. 12 months", None) is None  # no report month: not guessed
