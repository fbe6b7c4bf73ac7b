"""Indicator strips (`Latest: 94%  Target: 90%, Floor: 85%  Previous: 93% (Amber)`) on generated PDFs."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from scorecards.extractors import extract
from scorecards.normalise.periods import Period
from scorecards.normalise.records import Lineage, NormalisedDocument
from scorecards.normalise.rows import Row, RowPiece, document_rows
from scorecards.normalise.strips import has_strips, read_strips, strip_items

from samples.strips import StripReport, period_dates, random_strip_report, write_pdf

SEEDS = range(36)


def _report_period(report: StripReport) -> Period | None:
    if report.period is None:
        return None
    kind, start, end = period_dates(report)["latest"]
    return Period(report.period_line, kind, start, end)


def _read(report: StripReport, tmp_path: Path) -> tuple[list[Row], NormalisedDocument, int, list[str]]:
    doc = extract(write_pdf(report, tmp_path / report.name), "sha")
    rows = document_rows(doc)
    out = NormalisedDocument()
    count = read_strips(rows, _report_period(report), out)
    return rows, out, count, [line.text for line in doc.page_lines]


@pytest.mark.parametrize("seed", SEEDS)
def test_generated_strips_read_exactly(seed: int, tmp_path: Path) -> None:
    report = random_strip_report(seed)
    rows, out, count, texts = _read(report, tmp_path)
    strips = report.strips
    assert has_strips(texts)
    assert count == len(strips)
    assert not out.quarantine
    assert [m.measure_label for m in out.measures] == [s.title for s in strips]
    periods = period_dates(report)
    observations = {(o.measure_label, o.period_label): o for o in out.observations}
    assert len(observations) == len(out.observations) == 2 * len(strips)
    for strip, measure in zip(strips, out.measures, strict=True):
        assert (measure.section, measure.polarity, measure.target_text, measure.target_value) == (
            strip.section, strip.polarity, strip.target, strip.target_value), strip.title
        assert (measure.tolerance_text, measure.tolerance_low, measure.tolerance_high) == (
            strip.floor_text, strip.tolerance_low, strip.tolerance_high), strip.title
        for kind, key, value, rag, raw in (
            ("latest", strip.latest_key, strip.latest_value, strip.rag.title(), strip.latest_text),
            ("previous", strip.previous_key, strip.previous_value, strip.previous_rag, strip.previous_text),
        ):
            got = observations[(strip.title, key)]
            assert (got.value, got.unit, got.status, got.reported_rag, got.raw_text, got.section) == (
                value, strip.unit, "reported", rag, raw, strip.section), (strip.title, kind)
            assert (got.period_type, got.period_start, got.period_end) == periods[kind]
            assert got.lineage.page == strip.page and got.lineage.bbox is not None
            assert raw in next(r.text for r in rows if r.page == strip.page and got.lineage in
                               [p.lineage for p in r.pieces])
    # Every strip line and the stray fragment under it were read: other readers skip them.
    for strip in strips:
        where = observations[(strip.title, strip.latest_key)].lineage
        at = next(k for k, row in enumerate(rows) if where in [p.lineage for p in row.pieces])
        assert rows[at].consumed and rows[at].owner == strip.title
        target = next(p.lineage for p in rows[at].pieces if "Target" in p.text)
        if target.table_index:  # a figure put in a measure is cited, for the zero-loss count
            assert (target.table_index, target.row_index, target.col_index) in out.cited
        if strip.junk:
            assert rows[at + 1].text == strip.junk and rows[at + 1].consumed and rows[at + 1].owner == strip.title


def _prose_pdf(path: Path) -> Path:
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    height = A4[1]
    lines = [
        (470, 48, "Appendix 1"), (65, 80, "Key to ratings used"),
        (65, 110, "The latest figures show that most measures met their target this quarter, and the"),
        (65, 124, "previous quarter's shortfall against target was recovered."),
        (65, 160, "RAG rating"), (300, 160, "Latest"), (380, 160, "Previous"),
        (65, 176, "% of calls answered"), (300, 176, "GREEN"), (380, 176, "AMBER"),
        (65, 192, "% of complaints answered in time"), (300, 192, "RED"), (380, 192, "RED"),
        (80, 230, "100"), (80, 248, "50"), (80, 266, "0"), (65, 300, "Activity indicators"),
        (65, 320, "Floor: 90%"), (300, 800, "3"),
    ]
    for x, y, text in lines:
        pdf.setFont("Helvetica", 10)
        pdf.drawString(x, height - y, text)
    pdf.save()
    return path


def test_page_without_strips_yields_nothing(tmp_path: Path) -> None:
    doc = extract(_prose_pdf(tmp_path / "prose.pdf"), "sha")
    rows = document_rows(doc)
    out = NormalisedDocument()
    assert not has_strips(line.text for line in doc.page_lines)
    assert read_strips(rows, None, out) == 0
    assert not (out.observations or out.measures or out.quarantine or out.cited)
    assert not any(row.consumed for row in rows)


def _row(page: int, top: float, *texts: tuple[float, str], table: int = 0) -> Row:
    pieces = [RowPiece(text, x, x + 6 * len(text),
                       Lineage(page, table, int(top), k, (x, top, x + 6 * len(text), top + 11)))
              for k, (x, text) in enumerate(texts)]
    return Row(page, top, pieces, table, int(top))


def test_strip_grammar_variants() -> None:
    def items(text: str) -> list[tuple[str, str, str, str]]:
        found = strip_items(_row(1, 100, (100, text)))
        return [(i.kind, i.key, i.value, i.rag) for i in found or []]

    assert items("Latest:0.04% Target: 0.02%, Floor: 0.04% Previous: 0.04% (Amber)") == [
        ("latest", "Latest", "0.04%", ""), ("target", "Target", "0.02%", ""), ("floor", "Floor", "0.04%", ""),
        ("previous", "Previous", "0.04%", "Amber")]
    assert items("Target:180 Floor 240") == [("target", "Target", "180", ""), ("floor", "Floor", "240", "")]
    assert items("Previous 5,473 (Amber)") == [("previous", "Previous", "5,473", "Amber")]
    assert strip_items(_row(1, 100, (100, "The latest data shows 94% against"))) is None
    assert has_strips(["Latest: 94% Target: 90%, Floor: 85%"]) and has_strips(["Current 5 Previous: 4 (Red)"])
    assert not has_strips(["RAG rating Latest Previous", "Target: 90%", "The latest figure is 94%"])


def test_unreadable_figure_is_quarantined_and_label_pieces_split() -> None:
    """A figure that is not one goes to quarantine with its reason; a key cut from its figure still reads."""
    rows = [
        _row(1, 60, (65, "Percentage of calls answered within a minute"), (485, "RED")),
        _row(1, 200, (105, "Latest:"), (150, "9O%"), (230, "Target: 90%, Floor: 85%"), (395, "Previous: 93% (Green)"),
             table=4),
    ]
    out = NormalisedDocument()
    assert read_strips(rows, Period("Q1 2024/25", "quarter", None, None), out) == 1
    assert [(q.period_label, q.raw_text) for q in out.quarantine] == [("Latest", "Latest: 9O%")]
    assert "9O%" in out.quarantine[0].reason and out.quarantine[0].lineage.col_index == 1
    assert [(o.period_label, o.value, o.reported_rag, o.period_start) for o in out.observations] == [
        ("Previous", 93.0, "Green", None)]
    assert out.measures[0].measure_label == "Percentage of calls answered within a minute"
    assert (4, 200, 2) in out.cited
    assert all(row.consumed for row in rows)
