"""Legacy .doc / .odt (and .rtf) reports go through LibreOffice and read like .docx; failures are recorded."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from scorecards.extractors.legacy import soffice
from scorecards.flows.pipeline import ingest_files
from scorecards.warehouse import open_warehouse

pytestmark = pytest.mark.slow  # real servers, OCR, LibreOffice, a browser or a wheel build: see README


@pytest.fixture(scope="module")
def legacy_copies(reports: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The generated .docx saved as .doc and .odt by LibreOffice itself, as an old council file would be."""
    folder = tmp_path_factory.mktemp("legacy")
    made = {}
    for fmt in ("doc", "odt"):
        subprocess.run(
            [soffice(), f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
             "--convert-to", fmt, "--outdir", str(folder), str(reports["contract.docx"])],
            check=True, capture_output=True, timeout=180,
        )
        made[fmt] = folder / f"contract.{fmt}"
    return made


def _rows(location: str, source_file: str) -> list[tuple]:
    with open_warehouse(location, read_only=True) as wh:
        frame = wh.query(
            "SELECT measure_label, breakdown, period_label, status, value FROM observations WHERE source_file = ?"
            " ORDER BY ALL", [source_file])
    return [tuple(row) for row in frame.astype(str).values]


def test_doc_and_odt_give_the_same_rows_as_the_docx(
    reports: dict[str, Path], legacy_copies: dict[str, Path], warehouse_file: str
) -> None:
    summary = ingest_files([reports["contract.docx"], legacy_copies["doc"], legacy_copies["odt"]], warehouse_file)
    assert [o.status for o in summary.outcomes] == ["loaded"] * 3
    expected = _rows(warehouse_file, "contract.docx")
    assert expected
    assert _rows(warehouse_file, "contract.doc") == expected
    assert _rows(warehouse_file, "contract.odt") == expected
    assert legacy_copies["doc"].exists()  # the original is left where it was


def test_a_conversion_that_hangs_is_killed_and_recorded(legacy_copies: dict[str, Path], warehouse_file: str) -> None:
    summary = ingest_files([legacy_copies["doc"]], warehouse_file, settings={"conversion_timeout": 0.05})
    outcome = summary.outcomes[0]
    assert outcome.status == "failed" and "timed out" in outcome.reason and "contract.doc" in outcome.reason


def test_a_file_libreoffice_cannot_read_is_recorded(tmp_path: Path, warehouse_file: str) -> None:
    broken = tmp_path / "broken.odt"
    broken.write_bytes(b"PK\x03\x04 this is not an OpenDocument package")
    outcome = ingest_files([broken], warehouse_file).outcomes[0]
    assert outcome.status == "failed" and "broken.odt" in outcome.reason
