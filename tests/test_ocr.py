"""Scanned reports (issue #4): OCR of image-only pages, repairs of OCR text, quarantine of what cannot be read.

Every scan is made here: a generated report is rendered to an image, rotated a little, sprinkled with
scanner specks and wrapped as an image-only PDF page. The figures that come back are compared with
what the text PDF of the same report gives.
"""

from __future__ import annotations

import difflib
import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scorecards.extractors.misreads import repair_glyphs, repair_text
from scorecards.extractors.model import Cell, ExtractedDocument
from scorecards.normalise.ocr_repair import (
    percent_context,
    read_ocr_row,
    repair_percent,
    repair_quarter_sequence,
    repair_split_phrase,
    repair_year_sequence,
    untrusted_periods,
)
from scorecards.normalise.periods import parse_period

PNG = b"\x89PNG"


# ---------------------------------------------------------------------------------------------
# Repairs: pure functions
# ---------------------------------------------------------------------------------------------


def test_lookalike_letters_of_another_script_are_made_latin() -> None:
    text, notes = repair_glyphs("Туре")  # Cyrillic Т, у, р, е
    assert text == "Type"
    assert notes and "'Туре' -> 'Type'" in notes[0]


def test_context_free_repairs_record_what_they_changed() -> None:
    assert repair_text("1O0%") == ("100%", ["'1O0%' -> '100%': letter read as digit"])
    assert repair_text("Ql 15/16")[0] == "Q1 15/16"
    assert repair_text("atr2")[0] == "Qtr2"
    assert repair_text("Quality of plans") == ("Quality of plans", [])


def test_percent_sign_read_as_70_is_repaired_only_in_a_percentage_row() -> None:
    row = ["5570", "3070", "5576", "5470"]
    assert percent_context(row)
    assert repair_percent("5570", True) == ("55%", ["'5570' -> '55%': percent sign read as 70"])
    assert repair_percent("10070", True)[0] == "100%"
    # A count row keeps its figures: 170 is not 1% just because it ends in 70.
    assert not percent_context(["226", "175", "170"])
    assert repair_percent("170", False) == ("170", [])
    # A whole token that is a percentage already is left alone.
    assert repair_percent("70", True) == ("70", [])


def test_status_phrase_split_over_cells_is_given_to_each_cell() -> None:
    fixed = repair_split_phrase(["Nev", "v contract me", "asure for 201", "9/20", "91%"])
    assert [text for text, _ in fixed[:4]] == ["New contract measure for 2019/20"] * 4
    assert fixed[4] == ("91%", [])
    assert "status phrase split over 4 cells" in fixed[0][1][0]
    # Pieces that read on their own are not glued.
    assert repair_split_phrase(["55%", "54%"]) == [("55%", []), ("54%", [])]


def test_header_quarters_and_years_are_filled_in_from_their_neighbours() -> None:
    quarters = repair_quarter_sequence(["No", "Q1", "Q2", "Q3", "4", "Q1", "Q2"], [97, 94, 89, 92, 51, 89, 90])
    assert quarters[4][0] == "Q4"
    assert quarters[0] == ("No", [])  # a confident word at the edge is not a quarter
    years = repair_year_sequence(["16/17", "16/17", "16/17", "17/18", "1748"], [97, 97, 97, 97, 7], [2, 3, 4, 1, 2])
    assert years[4][0] == "17/18"


def test_period_headers_that_do_not_follow_on_are_not_trusted() -> None:
    periods = {c: parse_period(text) for c, text in {5: "Q1 15/16", 6: "Q2 15/16", 7: "15/16", 8: "Q4 15/16"}.items()}
    doubtful = untrusted_periods(periods, {5: 95.0, 6: 95.0, 7: 0.0, 8: 95.0})  # type: ignore[arg-type]
    assert set(doubtful) == {7}
    twice = {5: parse_period("Q1 15/16"), 6: parse_period("Q1 15/16")}
    assert set(untrusted_periods(twice, {5: 95.0, 6: 95.0})) == {5, 6}  # type: ignore[arg-type]


def test_an_ocr_row_is_judged_cell_by_cell() -> None:
    def cell(text: str, col: int, confidence: float = 96.0) -> Cell:
        return Cell(text, 0, col, confidence=confidence, ocr_text=text)

    readings = read_ocr_row([cell("5570", 0), cell("5470", 1), cell("41%", 2, confidence=41.0), cell("1 2%", 3),
                             cell("2.175", 4), cell("'86%", 5)], label="Children seen")
    assert readings[0].text == "55%" and not readings[0].problem and readings[0].repairs
    assert readings[2].problem.startswith("low OCR confidence (41)")
    assert "several figures" in readings[3].problem
    assert "thousands comma" in readings[4].problem
    assert readings[5].text == "86%" and not readings[5].problem


# ---------------------------------------------------------------------------------------------
# Scanned fixtures
# ---------------------------------------------------------------------------------------------


def _scan_image(pdf: Path, page_index: int, dpi: int, angle: float, seed: int,
                blot: tuple[float, float, float, float] | None = None) -> Any:
    """One page of a text PDF as a scan: rendered at dpi, a blot painted over `blot` (PDF points,
    origin top-left), rotated by `angle` degrees, with specks and grain."""
    import pypdfium2 as pdfium
    from PIL import Image, ImageDraw

    doc = pdfium.PdfDocument(str(pdf))
    image = doc[page_index].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    doc.close()
    if blot:
        k = dpi / 72
        ImageDraw.Draw(image).ellipse([blot[0] * k, blot[1] * k, blot[2] * k, blot[3] * k], fill=40)
    image = image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    rng = np.random.default_rng(seed)
    pixels = np.asarray(image).astype(np.int16)
    specks = rng.random(pixels.shape) < 0.002
    pixels[specks] = rng.integers(0, 160, int(specks.sum()))
    pixels = np.clip(pixels + rng.normal(0, 6, pixels.shape), 0, 255).astype(np.uint8)
    return Image.fromarray(pixels)


def _image_pdf(image: Any, path: Path, dpi: int) -> Path:
    image.save(path, "PDF", resolution=dpi)
    return path


def _observations(doc: ExtractedDocument) -> list[Any]:
    from scorecards.normalise.document import normalise_document

    return normalise_document(doc).observations


def _text_document(pdf: Path) -> ExtractedDocument:
    """The text layer alone (OCR switched off)."""
    from scorecards.extractors.pdf import extract_pdf

    return extract_pdf(pdf, "sha", {"camelot": "never", "ocr": False})


def _ocr_document(pdf: Path) -> tuple[ExtractedDocument, list[Any]]:
    """Each page that needs OCR read by OCR (the rest left out), as extract_pdf will do page by page."""
    import pdfplumber
    from scorecards.extractors.ocr import needs_ocr, ocr_page

    tables, lines, decisions = [], [], []
    with pdfplumber.open(pdf) as handle:
        for page in handle.pages:
            decisions.append(needs_ocr(page))
            if decisions[-1]:
                found, text = ocr_page(pdf, page.page_number, float(page.width), float(page.height), {})
                tables += found
                lines += text
    return ExtractedDocument(pdf.name, "sha", "pdf", len(decisions), tables, lines), decisions


def _compare(got: list[Any], want: list[Any]) -> tuple[list[str], int]:
    """(wrong rows, right rows): an OCR row is paired with the text row of the same period whose label is
    most alike (at least 0.85, as the scorer pairs them)."""
    wrong, right = [], 0
    for o in got:
        same_period = [w for w in want if w.period_start == o.period_start and w.period_end == o.period_end]
        best = max(same_period, default=None, key=lambda w: difflib.SequenceMatcher(
            None, w.measure_label.lower(), o.measure_label.lower()).ratio())
        alike = best is not None and difflib.SequenceMatcher(
            None, best.measure_label.lower(), o.measure_label.lower()).ratio() >= 0.85
        if alike and best.status == o.status and best.value == o.value:
            right += 1
        else:
            wrong.append(f"{o.measure_label!r} {o.period_label} {o.status} {o.value} from {o.raw_text!r}")
    return wrong, right


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A two-page PDF: page 1 a text report, page 2 a scan (skewed 1.5 degrees, specks, one value cell
    blotted out) of another report; and the text PDF of the scanned report, for its figures."""
    from samples.generate import random_report
    from samples.pdf_render import write_pdf
    from samples.scans import first_pages_joined

    folder = tmp_path_factory.mktemp("ocr")
    text_pdf = write_pdf(random_report(21, "contract", n_measures=4), folder / "text.pdf")
    scanned_source = write_pdf(random_report(13, "improvement", n_measures=8), folder / "scanned_source.pdf")
    source = _observations(_text_document(scanned_source))
    blotted = next(o for o in source if o.status == "reported" and o.lineage.bbox)
    x0, top, x1, bottom = blotted.lineage.bbox  # type: ignore[misc]
    scan = _image_pdf(_scan_image(scanned_source, 0, 150, 1.5, seed=4, blot=(x0 + 2, top + 1, x1 - 2, bottom - 1)),
                      folder / "scan.pdf", 150)
    mixed_pdf = first_pages_joined([text_pdf, scan], folder / "mixed.pdf")
    doc, decisions = _ocr_document(mixed_pdf)
    from scorecards.normalise.document import normalise_document

    return {"pdf": mixed_pdf, "text_pdf": text_pdf, "source": source, "blotted": blotted, "doc": doc,
            "decisions": decisions, "tidy": normalise_document(doc)}


@pytest.mark.slow
def test_only_the_scanned_page_of_a_mixed_document_needs_ocr(mixed: dict[str, Any]) -> None:
    assert mixed["decisions"] == [False, True]
    assert all(t.page == 2 and t.engine.startswith("tesseract") for t in mixed["doc"].tables)
    # The text page is still read from its text layer, page by page, beside the OCR'd one.
    text_rows = _observations(_text_document(mixed["pdf"]))
    want = _observations(_text_document(mixed["text_pdf"]))
    assert {(o.measure_label, o.period_label, o.value) for o in text_rows} == {
        (o.measure_label, o.period_label, o.value) for o in want}
    assert all(o.lineage.page == 1 for o in text_rows)


@pytest.mark.slow
def test_extract_pdf_reads_a_mixed_document_page_by_page(mixed: dict[str, Any]) -> None:
    from scorecards.extractors.pdf import extract_pdf

    doc = extract_pdf(mixed["pdf"], "sha", {"camelot": "never"})
    assert any(t.engine.startswith("tesseract") for t in doc.tables)
    assert {t.page for t in doc.tables} == {1, 2}
    rows = _observations(doc)
    wrong, right = _compare([o for o in rows if o.lineage.page == 2], mixed["source"])
    assert not wrong and right >= 0.8 * len(mixed["source"])
    assert len([o for o in rows if o.lineage.page == 1]) == len(_observations(_text_document(mixed["text_pdf"])))


@pytest.mark.slow
def test_figures_come_back_from_a_skewed_noisy_scan(mixed: dict[str, Any]) -> None:
    got = mixed["tidy"].observations
    wrong, right = _compare(got, mixed["source"])
    assert not wrong, wrong  # a wrong figure is worse than a missing one
    assert right >= 0.8 * len(mixed["source"])
    assert all(o.lineage.page == 2 and o.lineage.engine == "tesseract" for o in got)
    assert mixed["doc"].text_lines, "the title above the table is read too"


@pytest.mark.slow
def test_an_unreadable_cell_is_quarantined_with_its_picture(mixed: dict[str, Any]) -> None:
    blotted = mixed["blotted"]
    tidy = mixed["tidy"]
    assert not [o for o in tidy.observations
                if o.period_label == blotted.period_label and o.measure_label == blotted.measure_label]
    held = [q for q in tidy.quarantine if q.period_label == blotted.period_label
            and difflib.SequenceMatcher(None, q.measure_label, blotted.measure_label).ratio() >= 0.85]
    assert held, [(q.measure_label, q.period_label, q.reason) for q in tidy.quarantine]
    assert held[0].reason  # unreadable, or read as marks that are no figure (`()`): either way, why
    assert held[0].crop_png and held[0].crop_png.startswith(PNG)
    from PIL import Image

    assert min(Image.open(io.BytesIO(held[0].crop_png)).size) > 10


@pytest.mark.slow
def test_every_ocr_cell_keeps_its_confidence_raw_text_and_picture(mixed: dict[str, Any]) -> None:
    cells = [cell for t in mixed["doc"].tables for row in t.grid for cell in row]
    assert all(cell.confidence is not None and 0 <= cell.confidence <= 100 for cell in cells)
    assert all(cell.ocr_text is not None and cell.crop_png and cell.crop_png.startswith(PNG) for cell in cells)


def test_the_page_is_deskewed() -> None:
    from scorecards.extractors.scan_image import binarise, estimate_skew

    image = np.full((600, 900), 255, dtype=np.uint8)
    for y in range(100, 500, 40):
        image[y:y + 3, 100:800] = 0  # ruling lines
    import cv2

    turned = cv2.warpAffine(image, cv2.getRotationMatrix2D((450, 300), 1.5, 1.0), (900, 600), borderValue=255)
    assert estimate_skew(binarise(turned, 300 / 72), 5.0) == pytest.approx(-1.5, abs=0.1)


def test_a_scan_without_ruling_lines_is_read_from_the_alignment_of_its_text(tmp_path: Path) -> None:
    from samples.generate import random_report
    from samples.pdf_render import write_pdf

    source = write_pdf(random_report(3, "improvement", n_measures=5), tmp_path / "borderless.pdf", ruled=False)
    scan = _image_pdf(_scan_image(source, 0, 150, -1.0, seed=9), tmp_path / "borderless_scan.pdf", 150)
    doc, _ = _ocr_document(scan)
    assert [t.engine for t in doc.tables] == ["tesseract-aligned"]
    wrong, right = _compare(_observations(doc), _observations(_text_document(write_pdf(
        random_report(3, "improvement", n_measures=5), tmp_path / "ruled.pdf"))))
    assert not wrong, wrong
    assert right >= 20
