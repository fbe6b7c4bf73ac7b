"""The general reader: any table of measures by periods, read from its structure.

Grids are built here cell by cell (pure tests of normalise.general), and printed as real PDFs for
the two failures the issue names: a ruled grid with a `Measure | Target | Qtr1 2019/20 ...`
header that was taken for a long-list, and a borderless print whose quarter columns run together.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas
from scorecards.extractors import extract
from scorecards.extractors.model import Cell, Table
from scorecards.normalise.document import normalise_document
from scorecards.normalise.general import Context, read_general, split_heading, split_path
from scorecards.normalise.periods import parse_period
from scorecards.normalise.records import NormalisedDocument


def grid(rows: list[list[str]], spans: dict[tuple[int, int], int] | None = None, engine: str = "pdfplumber") -> Table:
    """A table from rows of texts; `spans` gives (row, col) -> columns a cell spans to its right."""
    spans = spans or {}
    cells: list[list[Cell]] = []
    for r, texts in enumerate(rows):
        line: list[Cell] = []
        c = 0
        while c < len(texts):
            width = spans.get((r, c), 1)
            cell = Cell(texts[c], r, c, col_span=width)
            line.extend([cell] * width)
            c += width
        cells.append(line)
    return Table(cells, page=1, engine=engine)


def read(table: Table, context: Context | None = None) -> NormalisedDocument:
    out = NormalisedDocument()
    read_general(table, 1, context or Context(), out)
    return out


def found(out: NormalisedDocument) -> dict[tuple[str, str, str], float | None]:
    return {(o.measure_label, o.breakdown, o.period_label): o.value for o in out.observations}


def test_two_level_header_with_spanning_years_and_breakdowns() -> None:
    table = grid([
        ["Indicator", "2017/18", "", "2018/19", ""],
        ["", "Qtr1", "Qtr2", "Qtr1", "Qtr2"],
        ["Visits on time", "60%", "61%", "59%", "n/a"],
    ], spans={(0, 1): 2, (0, 3): 2})
    out = read(table)
    got = found(out)
    assert got[("Visits on time", "", "Qtr1 2017/18")] == 60.0
    assert got[("Visits on time", "", "Qtr2 2018/19")] is None
    first = next(o for o in out.observations if o.period_label == "Qtr1 2018/19")
    assert (first.period_start, first.period_end) == (date(2018, 4, 1), date(2018, 6, 30))
    assert next(o for o in out.observations if o.raw_text == "n/a").status == "not_applicable"


def test_centred_group_heading_covers_its_block() -> None:
    # Printed without rules, `28 Day` sits over the middle of its three columns.
    table = grid([
        ["", "Week to Date", "", "", "", "28 Day", ""],
        ["", "2017", "2016", "% Chg", "2017", "2016", "% Chg"],
        ["Robbery", "16", "25", "-36.0", "85", "100", "-15.0"],
    ], engine="text")
    out = read(table, Context(report=parse_period("7/10/2017 Through 7/16/2017")))
    got = found(out)
    assert got[("Robbery", "", "Week to Date 2016")] == 25.0
    assert got[("Robbery", "% Chg", "28 Day")] == -15.0
    last_year = next(o for o in out.observations if o.period_label == "Week to Date 2016")
    assert (last_year.period_start, last_year.period_end) == (date(2016, 7, 10), date(2016, 7, 16))


def test_run_together_cells_are_split_at_their_headings() -> None:
    table = grid([
        ["", "2017", "2016 % Chg"],
        ["Murder", "0", "0 ***.*"],
        ["Rape", "1", "3 -66.7"],
        ["TOTAL", "1,133", "1,270-10.79"],
    ], engine="text")
    undated = read(table)
    assert found(undated)[("Rape", "", "2016")] == 3.0
    # `% Chg` names no period: without the report's period it is quarantined, not guessed.
    assert ("Rape", "% Chg", "-66.7", "no period for this figure") in {
        (q.measure_label, q.breakdown, q.raw_text, q.reason) for q in undated.quarantine}
    out = read(table, Context(report=parse_period("2017")))
    got = found(out)
    assert got[("TOTAL", "", "2016")] == 1270.0
    assert got[("TOTAL", "% Chg", "2017")] == -10.79
    assert next(o for o in out.observations if o.raw_text == "***.*").status == "not_available"


def test_split_heading_prefers_pieces_printed_alone_in_the_row() -> None:
    assert split_heading("2016 % Chg", 2, ["2017", "2016 % Chg", "2016", "% Chg"]) == ["2016", "% Chg"]
    assert split_heading("TOTAL RURAL", 2, ["TOTAL", "RURAL", "TOTAL RURAL"]) == ["TOTAL", "RURAL"]


def test_paths_split_into_period_and_breakdown() -> None:
    assert split_path(["DLHS-4 (2012-13)", "RURAL"]) == ("DLHS-4 (2012-13)", "RURAL")
    assert split_path(["2018/19", "Actual", "Qtr1"]) == ("Qtr1 2018/19", "Actual")
    assert split_path(["Iowa", "Non-UASC"]) == ("", "Iowa / Non-UASC")


def test_sections_wrapped_labels_and_a_label_printed_below_its_figures() -> None:
    table = grid([
        ["Reserve", "Balance 01/04/24", "Balance 31/03/25"],
        ["Earmarked Reserves", "", ""],
        ["Vehicle, Plant &", "", ""],
        ["Equipment", "-22.6", "-21.1"],
        ["", "103.4", "132.9"],
        ["DSG Adjustment Account", "", ""],
    ])
    out = read(table)
    got = found(out)
    assert got[("Vehicle, Plant & Equipment", "", "Balance 01/04/24")] == -22.6
    dsg = [o for o in out.observations if o.measure_label == "DSG Adjustment Account"]
    assert sorted(o.value for o in dsg) == [103.4, 132.9]
    assert {o.section for o in out.observations} == {"Earmarked Reserves"}


def test_periods_down_the_side() -> None:
    table = grid([
        ["Year", "Period", "Calls answered", "Calls abandoned"],
        ["2012", "Oct", "1,352", "61"],
        ["", "Nov", "98,351", "TBD"],
    ])
    got = found(read(table))
    assert got[("Calls answered", "", "Oct 2012")] == 1352.0
    assert got[("Calls abandoned", "", "Nov 2012")] is None


def test_a_figure_with_no_period_anywhere_is_quarantined_with_its_reason() -> None:
    table = grid([["Vehicle", "Seats"], ["Minibus", "16"], ["Car", "5"]])
    out = read(table)
    assert out.observations == []
    assert {(q.measure_label, q.breakdown, q.raw_text, q.reason) for q in out.quarantine} == {
        ("Minibus", "Seats", "16", "no period for this figure"), ("Car", "Seats", "5", "no period for this figure")}
    # The report's own period is a period for it.
    dated = read(table, Context(report=parse_period("Quarter 3 2024/25")))
    assert len(dated.observations) == 2 and len({o.period_label for o in dated.observations}) == 1


def _ruled_pdf(path: Path, rows: list[list[str]], widths: list[float], ruled: bool) -> Path:
    pdf = canvas.Canvas(str(path), pagesize=landscape(A4), invariant=1)
    _, height = landscape(A4)
    pdf.setFont("Helvetica-Bold", 12)
    pdf.drawString(40, height - 40, "Children's services scorecard")
    top = height - 80
    for r, row in enumerate(rows):
        x = 40.0
        for c, text in enumerate(row):
            if ruled:
                pdf.rect(x, top - 18 * (r + 1), widths[c], 18, stroke=1, fill=0)
            pdf.setFont("Helvetica-Bold" if r < 2 else "Helvetica", 9)
            pdf.drawString(x + 4, top - 18 * (r + 1) + 5, text)
            x += widths[c]
    pdf.save()
    return path


def _normalise(path: Path) -> NormalisedDocument:
    return normalise_document(extract(path, hashlib.sha256(path.read_bytes()).hexdigest()))


def test_a_measure_target_quarters_grid_is_never_a_long_list(tmp_path: Path) -> None:
    rows = [["Measure", "Target", "Qtr1 2019/20", "Qtr2 2019/20", "Qtr3 2019/20"],
            ["Referrals completed in time", "85%", "80%", "82%", "86%"],
            ["Visits within 10 days", "90%", "91%", "88%", "TBD"]]
    out = _normalise(_ruled_pdf(tmp_path / "grid.pdf", rows, [200, 70, 90, 90, 90], ruled=True))
    assert out.tables[0].layout != "measure_long_list"
    got = found(out)
    assert got[("Referrals completed in time", "", "Qtr3 2019/20")] == 86.0
    assert got[("Visits within 10 days", "", "Qtr3 2019/20")] is None
    assert {m.measure_label: m.target_value for m in out.measures} == {
        "Referrals completed in time": 85.0, "Visits within 10 days": 90.0}
    assert out.uncited_cells == 0


def test_borderless_quarter_columns_run_together_are_read_not_lost(tmp_path: Path) -> None:
    rows = [["", "2017/18", "", "", ""],
            ["Measure", "Qtr1", "Qtr2", "Qtr3", "Qtr4"],
            ["Assessments on time", "60%", "60%", "59%", "60%"],
            ["Plans reviewed", "71%", "73%", "70%", "74%"]]
    # Quarter columns 26 points apart: their figures print as one run of text per row.
    out = _normalise(_ruled_pdf(tmp_path / "run.pdf", rows, [150, 26, 26, 26, 26], ruled=False))
    got = found(out)
    assert got[("Assessments on time", "", "Qtr3 2017/18")] == 59.0
    assert got[("Plans reviewed", "", "Qtr4 2017/18")] == 74.0
    assert out.uncited_cells == 0
