"""A table of figures with no period anywhere is read by the general reader, and its figures are quarantined
with `no period for this figure`, each with the row and column it sits at: never guessed, never lost."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from scorecards.flows.pipeline import ingest_files
from scorecards.warehouse import open_warehouse


def _unknown_table_pdf(path: Path) -> Path:
    """A ruled table whose header names no periods, no measures and no flags: nothing we know."""
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    _, height = A4
    pdf.setFont("Helvetica-Bold", 12)
    pdf.drawString(60, height - 60, "Fleet inventory")
    rows = [("Vehicle", "Colour", "Seats", "Mileage"), ("Minibus", "Blue", "16", "42,118"),
            ("Car", "Red", "5", "18,090"), ("Van", "White", "3", "77,402")]
    top = height - 90
    for r, row in enumerate(rows):
        y = top - 20 * r
        for c, text in enumerate(row):
            x = 60 + 110 * c
            pdf.rect(x, y - 20, 110, 20, stroke=1, fill=0)
            pdf.setFont("Helvetica-Bold" if r == 0 else "Helvetica", 9)
            pdf.drawString(x + 4, y - 14, text)
    pdf.save()
    return path


def test_figures_with_no_period_are_quarantined_with_their_place(tmp_path: Path) -> None:
    pdf = _unknown_table_pdf(tmp_path / "fleet.pdf")
    location = str(tmp_path / "w.duckdb")
    summary = ingest_files([pdf], location)
    assert summary.count("loaded") == 1
    with open_warehouse(location, read_only=True) as wh:
        tables = wh.query("SELECT page, layout, reason FROM table_facts WHERE source_file = 'fleet.pdf'")
        quarantined = wh.query("SELECT raw_text, reason, page, measure_label, breakdown FROM quarantine "
                               "WHERE source_file = 'fleet.pdf'")
        observations = wh.query("SELECT count(*) AS n FROM observations WHERE source_file = 'fleet.pdf'")
        layouts = wh.query("SELECT layouts FROM documents WHERE source_file = 'fleet.pdf'")
    assert tables["layout"].tolist() == ["general"]
    assert "no specialised reader" in tables["reason"][0]
    assert sorted(quarantined["raw_text"]) == sorted(["16", "42,118", "5", "18,090", "3", "77,402"])
    assert set(quarantined["reason"]) == {"no period for this figure"}
    found = set(zip(quarantined["measure_label"], quarantined["breakdown"], quarantined["raw_text"], strict=True))
    assert ("Minibus", "Mileage", "42,118") in found and ("Van", "Seats", "3") in found
    assert set(quarantined["page"]) == {1}
    assert observations["n"][0] == 0
    assert layouts["layouts"][0] == "general"
