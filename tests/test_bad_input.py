"""Bad files are recorded as failed with a one-line reason naming the file; the run carries on."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from scorecards.flows.pipeline import ingest_files
from scorecards.warehouse import open_warehouse


def _prose_pdf(path: Path, encrypt: str | None = None) -> Path:
    page = canvas.Canvas(str(path), pagesize=A4, encrypt=encrypt)
    page.drawString(72, 760, "Minutes of the performance board. No tables were presented this month.")
    page.save()
    return path


def make_bad_files(folder: Path) -> dict[str, str]:
    """Each bad file, and a word its failure reason must contain."""
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "corrupt.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ngarbage without xref\n")
    _prose_pdf(folder / "encrypted.pdf", encrypt="secret")
    _prose_pdf(folder / "prose.pdf")
    with zipfile.ZipFile(folder / "fake.docx", "w") as archive:
        archive.writestr("notes.txt", "this zip is not a Word document")
    (folder / "table.xlsx").write_bytes(b"PK\x03\x04 not really a spreadsheet")
    return {
        "empty.pdf": "empty",
        "corrupt.pdf": "corrupt",
        "encrypted.pdf": "encrypted",
        "prose.pdf": "no tables",
        "fake.docx": "not a Word document",
        "table.xlsx": "unsupported file type",
    }


def test_each_bad_file_fails_alone_and_good_files_still_load(
    tmp_path: Path, reports: dict[str, Path], warehouse_file: str
) -> None:
    expected = make_bad_files(tmp_path)
    paths = [tmp_path / name for name in expected] + [reports["contract.pdf"]]
    summary = ingest_files(paths, warehouse_file)

    by_name = {o.source_file: o for o in summary.outcomes}
    assert by_name["contract.pdf"].status == "loaded"
    for name, word in expected.items():
        outcome = by_name[name]
        assert outcome.status == "failed", name
        assert name in outcome.reason and word in outcome.reason, outcome.reason
        assert "\n" not in outcome.reason
    with open_warehouse(warehouse_file, read_only=True) as wh:
        failures = wh.query("SELECT source_file, reason FROM failures")
        loaded = wh.query("SELECT source_file FROM documents")
    assert set(failures.source_file) == set(expected)
    assert list(loaded.source_file) == ["contract.pdf"]


@pytest.mark.parametrize("name", ["missing.pdf"])
def test_a_file_that_vanished_is_a_failure_not_a_crash(tmp_path: Path, warehouse_file: str, name: str) -> None:
    summary = ingest_files([tmp_path / name], warehouse_file)
    assert summary.outcomes[0].status == "failed"
    assert name in summary.outcomes[0].reason
