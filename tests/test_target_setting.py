"""Target-setting tables the pipeline has never seen: several figures per cell, targets, bands, comparators."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import docx
import pytest
from scorecards.extractors import extract
from scorecards.normalise.document import normalise_document
from scorecards.normalise.records import NormalisedDocument

from samples.generate import random_report
from samples.model import ReportModel
from samples.pdf_render import write_pdf
from samples.truth import expected_benchmarks, expected_measures, expected_observations
from samples.word_render import write_docx


def _norm(text: object) -> str:
    return " ".join(str(text).split())


def _read(path: Path) -> NormalisedDocument:
    return normalise_document(extract(path, "sha"))


def assert_matches_truth(model: ReportModel, tidy: NormalisedDocument) -> None:
    want = {(_norm(r["measure_label"]), r["breakdown"], r["period_label"]): r for r in expected_observations(model)}
    got = {(_norm(o.measure_label), o.breakdown, o.period_label): o for o in tidy.observations}
    assert got.keys() == want.keys()
    for key, row in want.items():
        obs = got[key]
        assert (obs.status, obs.value, obs.unit, obs.reported_rag) == (
            row["status"], row["value"], row["unit"] or "", row["reported_rag"] or ""), key
        assert (obs.numerator, obs.denominator) == (row["numerator"], row["denominator"]), key
        assert str(obs.period_start) == str(row["period_start"]), key
    measures = {_norm(m.measure_label): m for m in tidy.measures}
    for row in expected_measures(model):
        measure = measures[_norm(row["measure_label"])]
        assert (measure.polarity, measure.target_value, _norm(measure.threshold_text)) == (
            row["polarity"], row["target_value"], _norm(row["threshold_text"])), row["measure_label"]
    assert Counter(
        (_norm(b.measure_label), b.comparator, b.period_label, b.value, b.unit) for b in tidy.benchmarks
    ) == Counter(
        (_norm(r["measure_label"]), r["comparator"], r["period_label"], r["value"], r["unit"])
        for r in expected_benchmarks(model)
    )
    assert tidy.quarantine == []


# Seed 5 splits a row over the page break; 16 moves a row starting with `%` whole; 19 has a
# first data row whose cells name their own periods.
@pytest.mark.parametrize("seed", [1, 5, 16, 19])
@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_generated_target_setting_tables_read_back(tmp_path: Path, seed: int, fmt: str) -> None:
    model = random_report(seed, "target")
    path = (write_pdf if fmt == "pdf" else write_docx)(model, tmp_path / f"t.{fmt}")
    tidy = _read(path)
    assert [t.layout for t in tidy.tables] == ["target_setting"]
    assert_matches_truth(model, tidy)


def test_pdf_and_docx_of_the_same_report_give_the_same_rows(tmp_path: Path) -> None:
    model = random_report(5, "target")
    rows = []
    for fmt, writer in (("pdf", write_pdf), ("docx", write_docx)):
        tidy = _read(writer(model, tmp_path / f"t.{fmt}"))
        rows.append(sorted((_norm(o.measure_label), o.breakdown, o.period_label, o.value) for o in tidy.observations))
    assert rows[0] == rows[1]


def _target_table(path: Path, result: str) -> Path:
    document = docx.Document()
    table = document.add_table(rows=2, cols=6)
    header = ["Performance Indicator", "Latest Result (Mar 19)", "Target 18/19", "Target 2019/20",
              "RAG Bandings", "Rationale for Target"]
    row = ["Visits completed on time", result, "90% and above", "92% and above",
           "Red below 80% Amber 80% to 92% Green 92% and above", "Raised to match neighbours."]
    for cells, texts in zip(table.rows, (header, row), strict=True):
        for cell, text in zip(cells.cells, texts, strict=True):
            cell.text = text
    document.save(path)
    return path


def test_numerator_and_denominator_that_disagree_are_quarantined(tmp_path: Path) -> None:
    tidy = _read(_target_table(tmp_path / "t.docx", "Inc UASC 88.7% (893/2000) Exc UASC 90.1% (901/1000)"))
    assert [(o.breakdown, o.value, o.numerator, o.denominator) for o in tidy.observations] == [
        ("Exc UASC", 90.1, 901.0, 1000.0)]
    [held] = tidy.quarantine
    assert held.breakdown == "Inc UASC" and "disagree" in held.reason and "893/2000" in held.reason


def test_both_targets_are_kept_with_their_years_and_bands_become_numbers(tmp_path: Path) -> None:
    tidy = _read(_target_table(tmp_path / "t.docx", "91.0% Green"))
    assert [(t.financial_year, t.target_value, t.is_current) for t in tidy.targets] == [
        ("18/19", 90.0, False), ("2019/20", 92.0, True)]
    assert tidy.measures[0].target_value == 92.0 and tidy.measures[0].polarity == "higher_is_better"
    assert [(b.band, b.lower, b.upper, b.upper_inclusive) for b in tidy.bands] == [
        ("Red", None, 80.0, False), ("Amber", 80.0, 92.0, True), ("Green", 92.0, None, True)]
    assert [(c.kind, c.text) for c in tidy.commentary] == [("rationale", "Raised to match neighbours.")]
    [obs] = tidy.observations
    assert (obs.period_label, str(obs.period_start), str(obs.period_end)) == ("Mar 19", "2019-03-01", "2019-03-31")
