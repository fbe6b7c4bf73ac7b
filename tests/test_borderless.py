"""Tables without ruling lines are read from how their words line up, and prose is not a table."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas
from scorecards.extractors.pdf import extract_pdf
from scorecards.normalise.document import normalise_document
from scorecards.normalise.inspect import rows_as_printed

from samples.generate import random_report
from samples.pdf_render import write_pdf

PROSE = (
    "The service has continued to see demand rise through the quarter, and the team has worked with "
    "partners to make sure that every referral is looked at within a day. Managers meet each week to "
    "review the cases that have waited longest, and a new duty rota started in the autumn. Staff "
    "turnover has fallen since the spring, although two posts are still covered by agency workers. "
    "The board asked for a fuller account of the reasons for repeat referrals, which will follow in "
    "the next report together with the results of the audit of closed cases."
)


def _observations(path: Path) -> tuple[list[str], list[tuple[object, ...]], list[list[list[str]]]]:
    doc = extract_pdf(path, "sha")
    tidy = normalise_document(doc)
    rows = sorted((o.measure_label, o.breakdown, o.period_label, o.status, o.value) for o in tidy.observations)
    return [t.engine for t in doc.tables], rows, [rows_as_printed(t) for t in doc.tables]


@pytest.mark.parametrize(("style", "seed"), [("improvement", 41), ("contract", 42), ("target", 43)])
def test_a_report_printed_without_lines_reads_as_with_them(tmp_path: Path, style: str, seed: int) -> None:
    model = random_report(seed, style, n_measures=10)
    ruled = write_pdf(model, tmp_path / "ruled.pdf")
    unruled = write_pdf(model, tmp_path / "unruled.pdf", ruled=False)
    engines_ruled, rows_ruled, grids_ruled = _observations(ruled)
    engines_unruled, rows_unruled, grids_unruled = _observations(unruled)
    assert rows_ruled and rows_unruled == rows_ruled
    assert grids_unruled == grids_ruled  # cell for cell, merged cells' text in their top-left cell
    assert "text" not in engines_ruled
    assert set(engines_unruled) == {"text"}


def _prose_page(path: Path, columns: int) -> Path:
    """A page of running text set in one or two justified columns, with a bulleted list."""
    from reportlab.lib.enums import TA_JUSTIFY
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph

    width, height = A4
    gutter = 18
    frame_width = (width - 2 * 50 - (columns - 1) * gutter) / columns
    frames = [Frame(50 + i * (frame_width + gutter), 50, frame_width, height - 100) for i in range(columns)]
    doc = BaseDocTemplate(str(path), pagesize=A4, pageTemplates=[PageTemplate(frames=frames)])
    body = ParagraphStyle("body", fontName="Helvetica", fontSize=9, leading=12, alignment=TA_JUSTIFY)
    story = [Paragraph(PROSE, body) for _ in range(3 * columns)]
    story += [Paragraph(f"• {sentence}.", body) for sentence in PROSE.split(". ")[:4]]
    doc.build(story)
    return path


@pytest.mark.parametrize("columns", [1, 2])
def test_prose_is_not_a_table(tmp_path: Path, columns: int) -> None:
    doc = extract_pdf(_prose_page(tmp_path / "prose.pdf", columns), "sha")
    assert doc.tables == []
    assert any("duty rota" in line.text for line in doc.text_lines)


def _borderless_grid(path: Path) -> Path:
    """Figures in columns with no line anywhere: a header over two year groups, labels left, figures right."""
    canvas = Canvas(str(path), pagesize=landscape(A4))
    canvas.setFont("Helvetica-Bold", 14)
    canvas.drawString(40, 540, "Children's services: key figures")
    canvas.setFont("Helvetica", 9)
    canvas.drawString(40, 520, "A short note above the table, in one line of running text.")
    columns = [230, 300, 370, 440]  # right edges: figures are right-aligned
    figure = canvas.stringWidth("1,204", "Helvetica", 9)
    canvas.setFont("Helvetica-Bold", 9)
    for first, year in ((0, "2017/18"), (2, "2018/19")):  # centred over its two quarters
        canvas.drawCentredString((columns[first] - figure + columns[first + 1]) / 2, 490, year)
    for x, label in zip(columns, ["Q1", "Q2", "Q1", "Q2"], strict=True):
        canvas.drawRightString(x, 476, label)
    canvas.setFont("Helvetica", 9)
    rows = [
        ("Referrals", ["1,204", "1,310", "1,288", "1,402"]),
        ("Assessments completed", ["998", "1,050", "1,101", "1,160"]),
        ("Children in need", ["3,410", "3,388", "3,502", "3,476"]),
        ("Children in care", ["612", "630", "644", "651"]),
    ]
    for i, (label, figures) in enumerate(rows):
        y = 460 - 16 * i
        canvas.drawString(40, y, label)
        for x, text in zip(columns, figures, strict=True):
            canvas.drawRightString(x, y, text)
    canvas.drawString(40, 360, "Figures are provisional until the annual return is published.")
    canvas.showPage()
    canvas.save()
    return path


def test_a_borderless_grid_is_found_by_the_text_engine(tmp_path: Path) -> None:
    doc = extract_pdf(_borderless_grid(tmp_path / "grid.pdf"), "sha")
    assert [t.engine for t in doc.tables] == ["text"]
    rows = rows_as_printed(doc.tables[0])
    assert rows == [
        ["", "2017/18", "", "2018/19", ""],
        ["", "Q1", "Q2", "Q1", "Q2"],
        ["Referrals", "1,204", "1,310", "1,288", "1,402"],
        ["Assessments completed", "998", "1,050", "1,101", "1,160"],
        ["Children in need", "3,410", "3,388", "3,502", "3,476"],
        ["Children in care", "612", "630", "644", "651"],
    ]
    # The title, the note above and the footnote below stay running text, not rows.
    texts = [line.text for line in doc.text_lines]
    assert "Figures are provisional until the annual return is published." in texts
    assert any(text.startswith("A short note above") for text in texts)


def test_a_page_printed_sideways_is_read_upright(tmp_path: Path) -> None:
    """A landscape table printed on a portrait page (text running up the page) reads as rows."""
    path = tmp_path / "sideways.pdf"
    canvas = Canvas(str(path), pagesize=A4)
    canvas.translate(A4[0], 0)
    canvas.rotate(90)  # text now runs up the page
    canvas.setFont("Helvetica", 10)
    for i, row in enumerate([("Measure", "Q1", "Q2"), ("Referrals", "120", "131"), ("Visits", "88", "93")]):
        y = 500 - 18 * i
        canvas.drawString(60, y, row[0])
        canvas.drawRightString(220, y, row[1])
        canvas.drawRightString(290, y, row[2])
    canvas.showPage()
    canvas.save()
    doc = extract_pdf(path, "sha")
    assert len(doc.tables) == 1
    expected = [["Measure", "Q1", "Q2"], ["Referrals", "120", "131"], ["Visits", "88", "93"]]
    assert rows_as_printed(doc.tables[0]) == expected
    x0, top, x1, bottom = doc.tables[0].bbox  # type: ignore[misc]
    assert 0 <= x0 < x1 <= A4[0] and 0 <= top < bottom <= A4[1]  # lineage in page coordinates
