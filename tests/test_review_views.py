"""The views the data-quality review reads: cells, tables, validations, rag_checks, revisions, latest_observations."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from scorecards.flows.cli import main
from scorecards.flows.pipeline import ingest_files
from scorecards.warehouse import EXPORT_VIEWS, open_warehouse

from samples.cells import _number, _position, _value_of
from samples.follow_up import follow_up
from samples.generate import random_report
from samples.pdf_render import write_pdf

BUNDLED = Path(__file__).resolve().parents[1] / "samples" / "reports"
NEW_VIEW_COLUMNS = {
    "cells": ["source_file", "source_sha256", "table_index", "page", "row_index", "col_index", "row_span",
              "col_span", "text", "bbox_x0", "bbox_top", "bbox_x1", "bbox_bottom", "engine"],
    "tables": ["source_file", "source_sha256", "table_index", "page", "engine", "layout", "reason", "header_rows",
               "quality"],
    "validations": ["run_id", "run_started_at", "source_file", "source_sha256", "suite", "expectation", "success",
                    "element_count", "unexpected_count", "validated_at", "expectation_type"],
    "rag_checks": ["source_file", "source_sha256", "page", "table_index", "row_index", "col_index", "measure_label",
                   "breakdown", "period_label", "value", "unit", "reported_rag", "position_text", "recomputed_rag",
                   "basis", "agrees", "stated_rag"],
    "revisions": ["organisation", "measure_label", "measure_id", "breakdown", "period_type", "period_start",
                  "period_end", "period_label", "source_file", "source_sha256", "page", "value", "status",
                  "report_period_end", "loaded_at", "revision", "is_latest"],
    "latest_observations": [
        "source_file", "source_sha256", "organisation", "measure_label", "measure_id", "breakdown", "period_label",
        "period_type", "period_start", "period_end", "value", "unit", "numerator", "denominator", "status",
        "reported_rag", "raw_text", "page", "corrected", "report_period_end"],
    "corrections": ["correction_id", "source_file", "source_sha256", "table_index", "row_index", "col_index",
                    "breakdown", "action", "old_value", "new_value", "new_status", "who", "at", "why", "state",
                    "state_reason", "target"],
}


def test_cells_hold_every_grid_position_once_and_meet_the_lineage(
    reports: dict[str, Path], warehouse_file: str
) -> None:
    ingest_files([reports["contract.pdf"], reports["improvement.docx"]], warehouse_file)
    with open_warehouse(warehouse_file, read_only=True) as wh:
        tables = wh.query("SELECT * FROM tables ORDER BY source_file, table_index")
        cells = wh.query("SELECT * FROM cells")
        observations = wh.query(
            "SELECT source_file, table_index, row_index, col_index, raw_text FROM observation_facts")
    assert tables.table_index.min() == 1 and set(tables.layout) == {"quarterly_grid"}
    for (source_file, table_index), grid in cells.groupby(["source_file", "table_index"]):
        covered = [(r, c) for cell in grid.itertuples() for r in range(cell.row_index, cell.row_index + cell.row_span)
                   for c in range(cell.col_index, cell.col_index + cell.col_span)]
        rows, cols = max(r for r, _ in covered) + 1, max(c for _, c in covered) + 1
        assert sorted(covered) == [(r, c) for r in range(rows) for c in range(cols)], (source_file, table_index)
        assert (grid.col_span > 1).any() and (grid.row_span > 1).any()  # the year header, the group column
    # every figure's lineage lands on the cell it was read from (a merged cell covers several positions)
    merged = observations.merge(cells, on=["source_file", "table_index"], suffixes=("", "_cell"))
    hit = merged[(merged.row_index >= merged.row_index_cell)
                 & (merged.row_index < merged.row_index_cell + merged.row_span)
                 & (merged.col_index >= merged.col_index_cell)
                 & (merged.col_index < merged.col_index_cell + merged.col_span)]
    assert len(hit) == len(observations)
    assert (hit.raw_text == hit.text).all()
    assert cells[cells.source_file == "contract.pdf"].bbox_x0.notna().all()


def test_validations_are_kept_per_run_and_summarised_in_status(
    tmp_path: Path, warehouse_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "quarterly.pdf"
    write_pdf(random_report(31, "contract", n_measures=5), path)
    first = ingest_files([path], warehouse_file)
    write_pdf(random_report(32, "contract", n_measures=5), path)  # changed bytes: the document is replaced
    second = ingest_files([path], warehouse_file)
    with open_warehouse(warehouse_file, read_only=True) as wh:
        validations = wh.query("SELECT v.*, r.mode FROM validations v JOIN runs r USING (run_id)")
        assert wh.query("SELECT count(*) AS n FROM documents").n[0] == 1
    assert validations.run_id.value_counts().to_dict() == {first.run_id: 8, second.run_id: 8}
    assert validations.success.all() and (validations.element_count > 0).all()
    assert validations.source_sha256.nunique() == 2  # history: the first bytes' results were not deleted
    assert main(["status", "--warehouse", warehouse_file]) == 0
    out = capsys.readouterr().out
    assert "pass rate" in out and second.run_id[:8] in out and "100.0" in out


@pytest.fixture(scope="module")
def two_quarters(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object, object]:
    base = random_report(3, "contract", n_measures=6)
    later = follow_up(base)
    assert later is not None
    folder = tmp_path_factory.mktemp("quarters")
    write_pdf(base, folder / "q3.pdf")
    write_pdf(later, folder / "q4.pdf")
    location = str(folder / "w.duckdb")
    ingest_files([folder], location)
    return Path(location), base, later


def test_a_revision_across_two_reports(two_quarters: tuple) -> None:
    location, base, later = two_quarters
    changed = [(m.label, j, a, b) for m, n in zip(base.measures, later.measures, strict=True)
               for j, (a, b) in enumerate(zip(m.values, n.values[:-1], strict=False)) if a != b]
    assert len(changed) == 1  # the generator revises exactly one earlier figure
    label, j, old, new = changed[0]
    with open_warehouse(location, read_only=True) as wh:
        revisions = wh.query("SELECT * FROM revisions ORDER BY revision")
        latest = wh.query("SELECT * FROM latest_observations")
        keys = wh.query("SELECT count(DISTINCT (measure_label, breakdown, period_start)) AS n FROM observations").n[0]
    assert revisions.measure_label.tolist() == [label, label]
    assert revisions.period_label.nunique() == 1 and revisions.period_label[0] == base.periods[j].label
    assert revisions.source_file.tolist() == ["q3.pdf", "q4.pdf"]
    assert revisions.value.tolist() == [_value_of(old), _value_of(new)]
    assert revisions.revision.tolist() == [1, 2] and revisions.is_latest.tolist() == [False, True]
    assert revisions.report_period_end[0] <= revisions.report_period_end[1]
    # the most recent report wins every figure it gives, the revised one included
    assert len(latest) == keys and set(latest.source_file) == {"q4.pdf"}
    revised = latest[(latest.measure_label == label) & (latest.period_label == base.periods[j].label)]
    assert revised.value.tolist() == [_value_of(new)]


def test_rag_checks_flag_a_misprinted_position(two_quarters: tuple) -> None:
    location, _, later = two_quarters
    verdicts = ("Better than target", "In Tolerance", "Outside Tolerance")
    wrong = [m for m in later.measures if m.position_text in verdicts and m.position_text != _position(
        m.values, m.polarity, _number(m.target_text), _number(m.tolerance_text))]
    assert len(wrong) == 1
    with open_warehouse(location, read_only=True) as wh:
        checks = wh.query("SELECT * FROM rag_checks")
    assert checks.agrees.notna().all() and (checks.basis == "target and tolerance").all()
    disagreements = checks[~checks.agrees.astype(bool)]
    assert disagreements.source_file.tolist() == ["q4.pdf"]
    row = disagreements.iloc[0]
    assert row.measure_label == wrong[0].label and row.position_text == wrong[0].position_text
    assert row.stated_rag != row.recomputed_rag and row.reported_rag == ""
    # the position judges the latest figure only: one check per measure with a RAG-like position, per report
    assert not checks.duplicated(["source_file", "measure_label"]).any()


def test_the_bundled_samples_give_the_review_its_cases(tmp_path: Path) -> None:
    location = str(tmp_path / "w.duckdb")
    ingest_files([BUNDLED], location)
    with open_warehouse(location, read_only=True) as wh:
        disagreements = wh.query("SELECT * FROM rag_checks WHERE NOT agrees")
        revisions = wh.query("SELECT * FROM revisions")
        held = wh.con.execute("SELECT source_file, crop_png FROM quarantine_detail ORDER BY source_file").fetchall()
        wh.export(tmp_path / "export", formats=("csv",))
    assert len(disagreements) >= 1 and len(revisions) >= 2
    assert [name for name, _ in held] == ["contract_000_next.docx", "contract_000_next.pdf"]
    assert held[0][1] is None  # Word: the site draws the table around the cell from `cells`
    assert bytes(held[1][1]).startswith(b"\x89PNG")
    for view, columns in NEW_VIEW_COLUMNS.items():
        assert view in EXPORT_VIEWS
        with (tmp_path / "export" / f"{view}.csv").open(newline="", encoding="utf-8") as handle:
            assert next(csv.reader(handle)) == columns, view
    with (BUNDLED / "truth" / "quarantine.csv").open(newline="", encoding="utf-8") as handle:
        truth = {(r["source_file"], r["raw_text"]) for r in csv.DictReader(handle)}
    assert truth == {(name, "#DIV/0!") for name, _ in held}
