"""Nothing silently lost: every figure cell ends in a row (or is counted), every file a folder holds is
read or recorded with the reason it was not."""

from __future__ import annotations

import csv
import dataclasses
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from scorecards.expectations.suite import DOCUMENTS_SUITE_PATH, build_documents_suite, load_suite
from scorecards.expectations.validate import quarantine_failures
from scorecards.extractors.model import Cell, ExtractedDocument, Table
from scorecards.flows.cli import main
from scorecards.flows.discover import discover
from scorecards.flows.pipeline import ingest_files
from scorecards.flows.steps import DIRECT_STEPS, extract_step, normalise_step
from scorecards.normalise.accounting import account, finish_accounting, is_figure_cell
from scorecards.normalise.frames import to_frames
from scorecards.normalise.records import Lineage, NormalisedDocument, Observation, QuarantineRow
from scorecards.warehouse import open_warehouse


@pytest.mark.parametrize(("text", "figure"), [
    ("11.0%", True), ("1,110", True), ("88.7% (893/1007)", True), ("140 days", True), ("60-69", True),
    ("Inc UASC 55 Exc UASC 60", True), ("N/A", True), ("TBD*", True), ("-", True),
    ("New contract measure for 2019/20", True),
    ("", False), ("   ", False), ("2018", False), ("Qtr1 2018/19", False), ("Dec-24", False), ("2018-19", False),
    ("15/16", False), ("Target 18/19", False), ("Sec 47", False), ("Measure", False),
    ("– Help children live in safe and supportive families and communities", False),
])
def test_what_counts_as_a_figure_cell(text: str, figure: bool) -> None:
    assert is_figure_cell(text) is figure


def _doc(rows: list[list[str]]) -> ExtractedDocument:
    grid = [[Cell(text, r, c) for c, text in enumerate(row)] for r, row in enumerate(rows)]
    return ExtractedDocument("hand.pdf", "sha", "pdf", 1, [Table(grid, 1, "hand")])


def _observation(where: Lineage, text: str) -> Observation:
    return Observation("Referrals", "", "Qtr1 2018/19", "quarter", None, None, 55.0, "percent", None, None,
                       "reported", "", text, where)


def test_a_cell_no_row_cites_is_reported_with_its_place() -> None:
    doc = _doc([
        ["Measure", "Qtr1 2018/19", "Qtr2 2018/19", "2018", "Target"],
        ["Referrals", "55%", "N/A", "", "60%"],
        ["Re-referrals", "21%", "", "", ""],
    ])
    merged = doc.tables[0].grid[2][1]
    merged.col_span = 2
    doc.tables[0].grid[2][2] = merged  # `21%` covers two columns: one cell, cited from either position
    out = NormalisedDocument()
    out.observations.append(_observation(Lineage(1, 1, 1, 1), "55%"))
    out.quarantine.append(QuarantineRow("Referrals", "", "Qtr2 2018/19", "N/A", "test", Lineage(1, 1, 1, 2)))
    out.observations.append(_observation(Lineage(1, 1, 2, 2), "21%"))

    found = account(doc, out)
    assert found.figure_cells == 4  # 55%, N/A, 60%, 21%: not the headings, the bare year or the blanks
    assert [(u.table_index, u.row, u.col, u.text) for u in found.uncited] == [(1, 1, 4, "60%")]
    assert str(found.uncited[0]) == "table 1 row 1 col 4: '60%'"

    out.cite(Lineage(1, 1, 1, 4))  # the target column read into the measure
    out.observations.append(_observation(Lineage(1, 9, 9, 9), "x"))  # a place outside the table: ignored
    assert finish_accounting(doc, out).uncited == [] and (out.figure_cells, out.uncited_cells) == (4, 0)


def test_every_figure_of_a_grid_report_is_cited(reports: dict[str, Path]) -> None:
    for name in ("contract.pdf", "contract.docx"):
        doc = extract_step(reports[name], "sha")
        tidy = normalise_step(doc)
        assert tidy.uncited_cells == 0, account(doc, tidy).uncited
        assert tidy.figure_cells >= len({(o.lineage.row_index, o.lineage.col_index) for o in tidy.observations})

        # A reader that drops one figure: the count names the cell.
        lost = next(o for o in tidy.observations if o.status == "reported")
        tidy.observations.remove(lost)
        tidy.observations = [o for o in tidy.observations if o.lineage != lost.lineage]
        where = (lost.lineage.table_index, lost.lineage.row_index, lost.lineage.col_index, lost.raw_text)
        assert [(u.table_index, u.row, u.col, u.text) for u in account(doc, tidy).uncited] == [where]


def _cards(folder: Path) -> Path:
    from samples.cards import random_card_report, write_docx

    return write_docx(random_card_report(5, ruled=True), folder / "cards.docx")


def _long_list(folder: Path) -> Path:
    from samples.layouts import random_long_list, write_long_list

    return write_long_list(random_long_list(3), folder / "longlist.docx")


def _audit(folder: Path) -> Path:
    from samples.layouts import random_audit_report, write_audit

    return write_audit(random_audit_report(4), folder / "audit.docx", "docx")


@pytest.mark.parametrize("make", [_cards, _long_list, _audit], ids=["cards", "long-list", "audit"])
def test_the_specialised_readers_cite_what_they_read(tmp_path: Path, make: Callable[[Path], Path]) -> None:
    doc = extract_step(make(tmp_path), "sha")
    tidy = normalise_step(doc)
    assert tidy.figure_cells > 0
    assert tidy.uncited_cells == 0, account(doc, tidy).uncited


def test_the_committed_documents_suite_is_the_one_the_code_builds() -> None:
    committed = json.loads(DOCUMENTS_SUITE_PATH.read_text())
    assert committed["expectations"] == build_documents_suite().to_json_dict()["expectations"]
    assert len(load_suite(DOCUMENTS_SUITE_PATH).expectations) == 1


def test_a_document_with_uncited_cells_fails_validation_and_nothing_moves(reports: dict[str, Path]) -> None:
    path = reports["contract.docx"]
    doc = extract_step(path, "sha")
    tidy = normalise_step(doc)
    clean = quarantine_failures(to_frames(doc, tidy, path))["validation_facts"]
    assert clean[clean.suite == "documents"].success.tolist() == [True]

    frames = to_frames(doc, dataclasses.replace(tidy, uncited_cells=2), path)
    checked = quarantine_failures(frames)
    results = checked["validation_facts"]
    failed = results[~results.success]
    assert failed[["suite", "source_file", "unexpected_count"]].values.tolist() == [["documents", "contract.docx", 1]]
    assert "uncited_cells = 0" in failed.expectation.iloc[0]
    assert len(checked["observation_facts"]) == len(frames["observation_facts"])  # a count moves no row
    assert (results[results.suite == "observations"].success).all()


def test_counts_reach_the_documents_view_the_export_and_the_validations(
    reports: dict[str, Path], tmp_path: Path, warehouse_file: str
) -> None:
    def lossy(doc: ExtractedDocument) -> NormalisedDocument:
        """A reader that drops the first figure of contract.docx."""
        tidy = normalise_step(doc)
        if doc.source_file == "contract.docx":
            lost = next(o for o in tidy.observations if o.status == "reported")
            tidy.observations = [o for o in tidy.observations if o.lineage != lost.lineage]
            finish_accounting(doc, tidy)
        return tidy

    ingest_files([reports["contract.pdf"], reports["contract.docx"]], warehouse_file,
                 steps={**DIRECT_STEPS, "normalise": lossy})
    with open_warehouse(warehouse_file, read_only=True) as wh:
        documents = wh.query("SELECT * FROM documents ORDER BY source_file")
        failing = wh.query("SELECT source_file, suite FROM validations WHERE NOT success")
    assert list(documents.columns[-3:]) == ["figure_cells", "uncited_cells", "page_sources"]
    counts = {r.source_file: (r.figure_cells, r.uncited_cells) for r in documents.itertuples()}
    assert counts["contract.pdf"][0] == counts["contract.docx"][0] > 0  # the same report in two formats
    assert counts["contract.pdf"][1] == 0 and counts["contract.docx"][1] == 1
    assert [tuple(r) for r in failing.values] == [("contract.docx", "documents")]

    assert main(["export", "--warehouse", warehouse_file, "--out", str(tmp_path / "out")]) == 0
    with (tmp_path / "out" / "documents.csv").open(newline="", encoding="utf-8") as handle:
        rows = {r["source_file"]: r for r in csv.DictReader(handle)}
    assert rows["contract.docx"]["uncited_cells"] == "1" and rows["contract.pdf"]["uncited_cells"] == "0"
    assert int(rows["contract.pdf"]["figure_cells"]) == counts["contract.pdf"][0]


def test_a_folder_records_what_it_does_not_read(
    tmp_path: Path, reports: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(reports["contract.docx"], inbox / "contract.docx")
    (inbox / "table.xlsx").write_bytes(b"PK\x03\x04 not really a spreadsheet")
    os.symlink(tmp_path / "gone.pdf", inbox / "broken.pdf")
    os.symlink(inbox / "loop.pdf", inbox / "loop.pdf")
    for junk in (".DS_Store", "Thumbs.db", "~$contract.docx", ".hidden.pdf"):  # passed over without a word
        (inbox / junk).write_bytes(b"junk")
    location = str(tmp_path / "w.duckdb")

    assert main(["ingest", str(inbox), "--warehouse", location, "--quiet", "--no-prefect"]) == 0
    captured = capsys.readouterr()
    assert "not read" in captured.out  # the summary line's column
    with open_warehouse(location, read_only=True) as wh:
        failures = dict(wh.query("SELECT source_file, reason FROM failures").values.tolist())
        loaded = wh.query("SELECT source_file FROM documents").source_file.tolist()
        run = wh.query("SELECT files_seen, loaded, failed FROM runs").iloc[0].tolist()
    assert loaded == ["contract.docx"] and run == [1, 1, 0]
    assert sorted(failures) == ["broken.pdf", "loop.pdf", "table.xlsx"]
    assert failures["table.xlsx"] == "table.xlsx: unsupported file type '.xlsx'"
    assert failures["broken.pdf"].startswith("broken.pdf: broken link (points to ") and "gone.pdf" in failures[
        "broken.pdf"]
    assert failures["loop.pdf"].startswith("loop.pdf: link loops")

    summary = ingest_files([inbox], location)  # again: the report is unchanged, the three are said again
    assert summary.totals["not read"] == 3 and summary.totals["unchanged"] == 1
    assert sorted(o.reason.split(":")[0] for o in summary.outcomes if o.status == "not_read") == [
        "broken.pdf", "loop.pdf", "table.xlsx"]


def test_links_to_folders_are_not_followed_but_said(tmp_path: Path) -> None:
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "a.pdf").write_bytes(b"%PDF")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    os.symlink(tmp_path / "other", inbox / "elsewhere")
    os.symlink(inbox, inbox / "up")
    passed_over: dict[Path, str] = {}
    assert discover([inbox], passed_over) == []
    assert sorted(passed_over.values()) == [
        "elsewhere: link to a folder, not followed (name the folder itself to ingest it)",
        "up: link to a folder, not followed (name the folder itself to ingest it)",
    ]
