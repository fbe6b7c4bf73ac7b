"""Grid reports the pipeline has never seen (generated with other labels and figures) read back exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
from scorecards.extractors import ExtractedDocument, extract
from scorecards.normalise.document import normalise_document
from scorecards.normalise.records import NormalisedDocument

from samples.generate import random_report
from samples.model import ReportModel
from samples.pdf_render import write_pdf
from samples.truth import expected_measures, expected_observations
from samples.word_render import write_docx


def _key(label: str, period: str) -> tuple[str, str]:
    return " ".join(label.split()), period


def read(path: Path) -> tuple[ExtractedDocument, NormalisedDocument]:
    doc = extract(path, "sha")
    return doc, normalise_document(doc)


def assert_same_rows(model: ReportModel, tidy: NormalisedDocument) -> None:
    got = {_key(o.measure_label, o.period_label): o for o in tidy.observations}
    want = expected_observations(model)
    assert len(tidy.observations) == len(want)
    for row in want:
        obs = got[_key(str(row["measure_label"]), str(row["period_label"]))]
        assert obs.status == row["status"], (row, obs)
        assert obs.value == row["value"], (row, obs)
        assert str(obs.period_start) == str(row["period_start"])
        assert str(obs.period_end) == str(row["period_end"])
    assert tidy.quarantine == []


def assert_same_measures(model: ReportModel, tidy: NormalisedDocument) -> None:
    got = {" ".join(m.measure_label.split()): m for m in tidy.measures}
    for row in expected_measures(model):
        measure = got[" ".join(str(row["measure_label"]).split())]
        assert measure.section == row["section"]
        assert measure.polarity == row["polarity"]
        assert measure.target_value == row["target_value"]
        assert (measure.tolerance_low, measure.tolerance_high) == (row["tolerance_low"], row["tolerance_high"])


@pytest.mark.parametrize("style", ["contract", "improvement"])
@pytest.mark.parametrize("fmt", ["pdf", "docx"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_reports_read_back(tmp_path: Path, style: str, fmt: str, seed: int) -> None:
    model = random_report(seed, style, n_measures=9)
    path = (write_pdf if fmt == "pdf" else write_docx)(model, tmp_path / f"r.{fmt}")
    _doc, tidy = read(path)
    assert [t.layout for t in tidy.tables] == ["quarterly_grid"]
    assert_same_rows(model, tidy)
    assert_same_measures(model, tidy)


def test_a_table_broken_over_pages_with_its_header_repeated_is_one_table(tmp_path: Path) -> None:
    model = random_report(7, "contract", n_measures=40)
    doc, tidy = read(write_pdf(model, tmp_path / "long.pdf"))
    assert doc.pages >= 2
    assert len(doc.tables) == 1 and doc.tables[0].pages == list(range(1, doc.pages + 1))
    assert_same_rows(model, tidy)


def test_every_figure_keeps_its_lineage(tmp_path: Path) -> None:
    model = random_report(4, "contract", n_measures=6)
    doc, tidy = read(write_pdf(model, tmp_path / "r.pdf"))
    for obs in tidy.observations:
        x0, top, x1, bottom = obs.lineage.bbox
        assert x0 < x1 and top < bottom
        assert obs.lineage.page == 1 and obs.lineage.engine in {"pdfplumber", "camelot-lattice"}
        cell = doc.tables[0].grid[obs.lineage.row_index][obs.lineage.col_index]
        assert cell.text == obs.raw_text


def test_merged_word_cells_cover_every_position(tmp_path: Path) -> None:
    model = random_report(5, "contract", n_measures=8)
    doc, _ = read(write_docx(model, tmp_path / "r.docx"))
    grid = doc.tables[0].grid
    group_cell = grid[2][0]
    assert group_cell.row_span > 1 and grid[3][0] is group_cell
    year_cells = [c for c in doc.tables[0].distinct_cells(0) if c.col_span > 1]
    assert year_cells, "the financial-year header spans its quarters"


def test_footnotes_are_kept_as_commentary(tmp_path: Path) -> None:
    model = random_report(6, "contract", n_measures=8)
    _, tidy = read(write_pdf(model, tmp_path / "r.pdf"))
    footnotes = [c.text for c in tidy.commentary if c.kind == "footnote"]
    assert footnotes and all(text.startswith("*") for text in footnotes)
