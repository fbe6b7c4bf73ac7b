"""Measure long-lists and audit judgement tables, on documents samples/layouts.py generates with their
exact truth (Word, and PDF ruled and borderless); the report period."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import docx
import pytest
from scorecards.extractors import extract
from scorecards.normalise.document import normalise_document, report_period
from scorecards.normalise.longlist import find_sides
from scorecards.normalise.records import NormalisedDocument

from samples.layouts import (
    ACTIVITY,
    IMPACT,
    AuditReport,
    LongList,
    audit_rows,
    expected_audit_measures,
    expected_audit_observations,
    expected_definitions,
    expected_list_measures,
    random_audit_report,
    random_long_list,
    write_audit,
    write_long_list,
)


def _table(document: docx.document.Document, rows: list[list[str]]) -> docx.table.Table:
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for cells, texts in zip(table.rows, rows, strict=True):
        for cell, text in zip(cells.cells, texts, strict=True):
            cell.text = text
    return table


def _read(path: Path) -> NormalisedDocument:
    return normalise_document(extract(path, "sha"))


# Compared as multisets of tuples: every expected row once, nothing else (order is not the point).


def _list_measures(tidy: NormalisedDocument) -> Counter[tuple[object, ...]]:
    return Counter((m.measure_label, m.section) for m in tidy.measures)


def _definitions(tidy: NormalisedDocument) -> Counter[tuple[object, ...]]:
    return Counter((d.measure_label, d.section, d.outcome, d.objectives, d.existing_flag, d.target_flag, d.dot_flag)
                   for d in tidy.definitions)


def _expected_list(report: LongList) -> tuple[Counter[tuple[object, ...]], Counter[tuple[object, ...]]]:
    measures = Counter((r["measure_label"], r["section"]) for r in expected_list_measures(report))
    definitions = Counter((r["measure_label"], r["section"], r["outcome"], r["objectives"], r["existing_flag"],
                           r["target_flag"], r["dot_flag"]) for r in expected_definitions(report))
    return measures, definitions


def _observations(tidy: NormalisedDocument) -> Counter[tuple[object, ...]]:
    return Counter((o.measure_label, o.breakdown, o.period_label, o.period_type, str(o.period_start),
                    str(o.period_end), o.value, o.unit, o.numerator, o.denominator, o.status, o.raw_text, o.section)
                   for o in tidy.observations)


def _expected_observations(report: AuditReport) -> Counter[tuple[object, ...]]:
    return Counter((r["measure_label"], r["breakdown"], r["period_label"], r["period_type"], r["period_start"],
                    r["period_end"], float(r["value"]), r["unit"],  # type: ignore[arg-type]
                    None if r["numerator"] is None else float(r["numerator"]),  # type: ignore[arg-type]
                    r["denominator"], r["status"], r["raw_text"], r["section"])
                   for r in expected_audit_observations(report))


def _audit_measures(tidy: NormalisedDocument) -> Counter[tuple[object, ...]]:
    return Counter((m.measure_label, m.section, m.trend_text) for m in tidy.measures)


def _expected_audit_measures(report: AuditReport) -> Counter[tuple[object, ...]]:
    return Counter((r["measure_label"], r["section"], r["trend_text"]) for r in expected_audit_measures(report))


# ---------------------------------------------------------------------------------------------
# Measure long-lists
# ---------------------------------------------------------------------------------------------


def test_long_list_with_an_empty_right_hand_side(tmp_path: Path) -> None:
    report = random_long_list(2, empty_right=True)
    empty = [o for o in report.outcomes if not o.impact]
    assert empty, "the generator must give this list an outcome without impact measures"
    tidy = _read(write_long_list(report, tmp_path / report.name))

    assert [t.layout for t in tidy.tables] == ["outcome_block", "measure_long_list"] * len(report.outcomes)
    measures, definitions = _expected_list(report)
    assert _list_measures(tidy) == measures
    assert _definitions(tidy) == definitions
    # The outcome with an empty right-hand side gives its activity measures and nothing under impact.
    sections = {m.section for m in tidy.measures}
    assert f"{empty[0].name} / {ACTIVITY}" in sections and f"{empty[0].name} / {IMPACT}" not in sections
    assert {d.objectives for d in tidy.definitions if d.outcome == empty[0].name} == {" ".join(empty[0].objectives)}
    assert tidy.observations == [] and tidy.quarantine == []


def test_a_flag_header_that_names_a_measure_is_a_flag_column(tmp_path: Path) -> None:
    """`Existing measure` contains `measure`: it is the side's Existing flag, not a third side's label."""
    report = random_long_list(5)
    report.label_header = "Indicator"
    report.flag_headers = [("existing_flag", "Existing measure"), ("dot_flag", "Direction of travel"),
                           ("target_flag", "Targeted")]
    path = write_long_list(report, tmp_path / report.name)
    tables = extract(path, "sha").tables
    found = find_sides(tables[1])
    assert found is not None
    header_rows, sides = found
    assert header_rows == 2
    assert [(s.name, s.label_col, s.flag_cols) for s in sides] == [
        (ACTIVITY, 0, {"existing_flag": 1, "dot_flag": 2, "target_flag": 3}),
        (IMPACT, 4, {"existing_flag": 5, "dot_flag": 6, "target_flag": 7}),
    ]
    measures, definitions = _expected_list(report)
    tidy = normalise_document(extract(path, "sha"))
    assert _list_measures(tidy) == measures and _definitions(tidy) == definitions


# ---------------------------------------------------------------------------------------------
# Audit judgement tables
# ---------------------------------------------------------------------------------------------


def test_audit_tables_with_one_and_two_line_headers(tmp_path: Path) -> None:
    report = random_audit_report(4, header_lines=(2, 1))
    two, one = report.groups
    tidy = _read(write_audit(report, tmp_path / report.name("docx"), "docx"))

    assert {t.layout for t in tidy.tables} == {"audit_judgements"}
    assert len(tidy.tables) == len(two.streams) + len(one.streams)
    assert {o.measure_label for o in tidy.observations} == {two.heading, one.heading}
    assert _observations(tidy) == _expected_observations(report)
    # `Q1` over `(May 15)` reads as one period, `Q1 (May 15)`, the financial-year quarter of that month.
    got = {(o.breakdown, o.period_label): o for o in tidy.observations}
    for group in (two, one):
        stream, period = group.streams[0], group.periods[-1]
        grade = report.grades[0]
        percent, count, _text = stream.cells[next(g for g in stream.cells if g.lower() == grade.lower())][-1]
        row = got[(f"{stream.name} / {grade}", period.label)]
        assert (row.value, row.numerator, row.period_start, row.period_end) == (
            percent, None if count is None else float(count), period.start, period.end)
    # The arrows are the trend of each stream's grade, never figures.
    assert _audit_measures(tidy) == _expected_audit_measures(report)
    assert all(o.value is not None and o.raw_text not in report.marks.values() for o in tidy.observations)
    assert tidy.quarantine == []


def test_two_streams_read_as_one_table(tmp_path: Path) -> None:
    """Stream tables printed close together without lines can come out of extraction as one table: the
    second stream's title row and its own copy of the header are read as such, not as judgement rows."""
    report = random_audit_report(23, header_lines=(2,))
    group = report.groups[0]
    rows = [row for stream in group.streams[:2] for row in audit_rows(report, group, stream)]
    second = len(rows) // 2

    def write(name: str, grid: list[list[str]]) -> Path:
        document = docx.Document()
        document.add_paragraph(group.heading)
        table = _table(document, grid)
        for r in (0, second):  # each stream's title merged across its row, as extraction gives it
            table.cell(r, 0).merge(table.cell(r, len(grid[0]) - 1)).text = grid[r][0]
        document.save(tmp_path / name)
        return tmp_path / name

    tidy = _read(write("joined.docx", rows))
    assert [t.layout for t in tidy.tables] == ["audit_judgements"]
    report.groups[0].streams = group.streams[:2]
    assert _observations(tidy) == _expected_observations(report)
    assert _audit_measures(tidy) == _expected_audit_measures(report)
    assert tidy.quarantine == []

    # Without a header of its own (a sub-heading straight over its grades) the table's header stands.
    tidy = _read(write("subheading.docx", rows[:second + 1] + rows[second + 3:]))
    assert _observations(tidy) == _expected_observations(report) and tidy.quarantine == []

    # A second stream whose own header names other quarters is read under its own quarters...
    rows[second + 2][1] = "(Jan 13)"
    tidy = _read(write("own_quarters.docx", rows))
    second_stream = [o for o in tidy.observations if o.breakdown.startswith(group.streams[1].name + " / ")]
    assert second_stream and tidy.quarantine == []
    assert {o.period_end.year for o in second_stream if o.lineage.col_index == 1} <= {2012, 2013}  # type: ignore[union-attr]
    # ...and one whose header names no periods is not read under the first one's: quarantined, not lost.
    rows[second + 2][1] = "(not known)"
    tidy = _read(write("misfit.docx", rows))
    assert {o.breakdown.split(" / ")[0] for o in tidy.observations} == {group.streams[0].name}
    assert tidy.quarantine and all("its own period header" in q.reason for q in tidy.quarantine)
    assert {q.breakdown.split(" / ")[0] for q in tidy.quarantine} == {group.streams[1].name}


# ---------------------------------------------------------------------------------------------
# Generated documents against their truth, exactly
# ---------------------------------------------------------------------------------------------

# Borderless variants the pipeline does not read yet (found by these generated reports). Strict: when one
# is fixed the case passes, and this mark must go.
BORDERLESS_GAPS = {
    "judgement": "a stream title run into the one-line header (`Targeted Family Support Judgement`): the text "
                 "engine cuts a column boundary through it (`Suppor J | t Q3 (Oct 16)`), so the table is not read "
                 "as an audit table and its figures are quarantined (none lost)",
}


@pytest.mark.parametrize("seed", [0, 3, 11])
def test_generated_long_lists_read_exactly(seed: int, tmp_path: Path) -> None:
    report = random_long_list(seed)
    tidy = _read(write_long_list(report, tmp_path / report.name))
    measures, definitions = _expected_list(report)
    assert _list_measures(tidy) == measures
    assert _definitions(tidy) == definitions
    assert tidy.observations == [] and tidy.quarantine == []


@pytest.mark.parametrize(("seed", "form"), [
    (0, "ruled"),  # two headings, a 2-line and a 1-line header, seven tables over two pages
    (13, "ruled"),
    (1, "borderless"),  # shaded titles, 1-line header
    (11, "borderless"),  # shaded titles, 2-line headers, two headings
    (25, "borderless"),  # shaded titles, both header forms
    (0, "docx"),
    (12, "docx"),
    (0, "borderless"),  # no band behind the stream titles: each title is the line just above its table
    pytest.param(12, "borderless", marks=pytest.mark.xfail(strict=True, reason=BORDERLESS_GAPS["judgement"])),
    (29, "borderless"),  # a new heading between stacked tables read through as rows: heading, stream, own quarters
])
def test_generated_audit_reports_read_exactly(seed: int, form: str, tmp_path: Path) -> None:
    report = random_audit_report(seed)
    tidy = _read(write_audit(report, tmp_path / report.name(form), form))
    assert _observations(tidy) == _expected_observations(report)
    assert _audit_measures(tidy) == _expected_audit_measures(report)
    assert tidy.quarantine == []
    assert {t.layout for t in tidy.tables} == {"audit_judgements"}


def test_the_borderless_seeds_are_the_variants_named() -> None:
    """The seeds above stand for variants: fail loudly if the generator moves them."""
    variant = {s: (random_audit_report(s).shaded, random_audit_report(s).judgement_header,
                   [g.two_line for g in random_audit_report(s).groups]) for s in (0, 1, 11, 12, 25, 29)}
    assert variant == {0: (False, "", [True, False]), 1: (True, "", [False]), 11: (True, "", [True, True]),
                       12: (True, "Judgement", [False, False]), 25: (True, "", [False, True]),
                       29: (True, "", [False, False])}


# ---------------------------------------------------------------------------------------------
# Report period
# ---------------------------------------------------------------------------------------------


def test_report_period_from_the_opening_lines(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Monthly Performance Report")
    document.add_paragraph("October 1st- 31st 2018")
    _table(document, [["Measure", "Oct-18", "Sep-18"], ["Visits on time", "91%", "90%"]])
    document.save(tmp_path / "monthly.docx")
    period = report_period(extract(tmp_path / "monthly.docx", "sha"))
    assert period is not None
    assert (period.type, str(period.start), str(period.end)) == ("month", "2018-10-01", "2018-10-31")
