"""Measure long-lists and audit judgement tables, in Word files the tests build; the report period."""

from __future__ import annotations

from pathlib import Path

import docx

from extractors import extract
from normalise.document import normalise_document, report_period
from normalise.records import NormalisedDocument


def _table(document: docx.document.Document, rows: list[list[str]]) -> docx.table.Table:
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for cells, texts in zip(table.rows, rows, strict=True):
        for cell, text in zip(cells.cells, texts, strict=True):
            cell.text = text
    return table


def _read(path: Path) -> NormalisedDocument:
    return normalise_document(extract(path, "sha"))


def test_long_list_with_an_empty_right_hand_side(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Draft long list of measures")
    _table(document, [["Ultimate Outcome", "Grow up healthy"], ["Objectives", "– Fewer hospital admissions"]])
    sides = _table(document, [
        ["Activity measures", "", "", "", "Impact measures", "", "", ""],
        ["Measure", "Existing", "Target", "DoT", "Measure", "Existing", "Target", "DoT"],
        ["% of health checks on time", "Y", "Y", "n/a", "Rate of admissions", "N", "?", "?"],
        ["Number of dental checks", "Variant", "?", "?", "", "", "", ""],
    ])
    sides.cell(0, 0).merge(sides.cell(0, 3))
    sides.cell(0, 4).merge(sides.cell(0, 7))
    sides.cell(0, 0).text, sides.cell(0, 4).text = "Activity measures", "Impact measures"
    document.save(tmp_path / "list.docx")

    tidy = _read(tmp_path / "list.docx")
    assert [t.layout for t in tidy.tables] == ["outcome_block", "measure_long_list"]
    assert [(m.measure_label, m.section) for m in tidy.measures] == [
        ("% of health checks on time", "Grow up healthy / Activity measures"),
        ("Number of dental checks", "Grow up healthy / Activity measures"),
        ("Rate of admissions", "Grow up healthy / Impact measures"),
    ]
    flags = {d.measure_label: (d.existing_flag, d.target_flag, d.dot_flag) for d in tidy.definitions}
    assert flags == {"% of health checks on time": ("Y", "Y", "n/a"), "Number of dental checks": ("Variant", "?", "?"),
                     "Rate of admissions": ("N", "?", "?")}
    assert {d.objectives for d in tidy.definitions} == {"– Fewer hospital admissions"}
    assert tidy.observations == [] and tidy.quarantine == []


def _audit_table(document: docx.document.Document, stream: str, two_line_header: bool) -> None:
    grades = [["Outstanding", "5%", "8% (2)", "="], ["Good", "40%", "44% (11)", "↑"],
              ["Requires Improvement", "45%", "40% (10)", "↓"], ["Inadequate", "10%", "8% (2)", "="]]
    header = [["", "Q3", "Q4", ""], ["", "(Dec 16)", "(Mar 17)", "Trend"]] if two_line_header else [
        ["", "Q3 (Dec 16)", "Q4 (Mar 17)", "Trend"]]
    table = _table(document, [[stream, "", "", ""], *header, *grades])
    table.cell(0, 0).merge(table.cell(0, 3))
    table.cell(0, 0).text = stream


def test_audit_tables_with_one_and_two_line_headers(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Case File Audit Grades")
    _audit_table(document, "Front Door", two_line_header=True)
    _audit_table(document, "Cared for Children", two_line_header=False)
    document.save(tmp_path / "audit.docx")

    tidy = _read(tmp_path / "audit.docx")
    assert [t.layout for t in tidy.tables] == ["audit_judgements", "audit_judgements"]
    assert {o.measure_label for o in tidy.observations} == {"Case File Audit Grades"}
    got = {(o.breakdown, o.period_label): (o.value, o.numerator, str(o.period_start)) for o in tidy.observations}
    assert got[("Front Door / Outstanding", "Q4 (Mar 17)")] == (8.0, 2.0, "2017-01-01")
    assert got[("Cared for Children / Good", "Q3 (Dec 16)")] == (40.0, None, "2016-10-01")
    assert len(got) == 16
    trends = {m.section: m.trend_text for m in tidy.measures}
    assert trends["Front Door / Good"] == "↑" and trends["Cared for Children / Inadequate"] == "="
    assert all(o.value is not None for o in tidy.observations)  # arrows are trends, never figures


def test_report_period_from_the_opening_lines(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Monthly Performance Report")
    document.add_paragraph("October 1st- 31st 2018")
    _table(document, [["Measure", "Oct-18", "Sep-18"], ["Visits on time", "91%", "90%"]])
    document.save(tmp_path / "monthly.docx")
    period = report_period(extract(tmp_path / "monthly.docx", "sha"))
    assert period is not None
    assert (period.type, str(period.start), str(period.end)) == ("month", "2018-10-01", "2018-10-31")
