"""Scans and pictures of tables (issue #13): no lost documents, labels checked like values, text
layers judged before they are trusted, pictures of tables read, and every figure right or in
quarantine. Real scans drawn by samples.scans from the project's generators, real Tesseract, a real
warehouse; the damaged cells of the trust tests are built as the OCR reader builds them."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from reportlab.pdfgen import canvas
from scorecards.extractors.model import Cell, ExtractedDocument, PageSource, Table, TextLine
from scorecards.extractors.pdf import extract_pdf
from scorecards.extractors.settings import OcrSettings
from scorecards.extractors.tesseract import MAX_SIDE, OcrFailed, read_image
from scorecards.flows.pipeline import ingest_files
from scorecards.normalise.document import normalise_document
from scorecards.normalise.ocr_trust import figure_doubt, label_doubt, repair_word
from scorecards.normalise.vocab import is_known_word
from scorecards.warehouse import open_warehouse

from samples.scans import first_pages_joined, render_source, scan_pdf

pytestmark = pytest.mark.slow  # real servers, OCR, LibreOffice, a browser or a wheel build: see README


def _like(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, " ".join(a.lower().split()), " ".join(b.lower().split())).ratio()


def _judge(got: list[Any], truth: list[dict[str, object]]) -> tuple[list[str], int]:
    """(wrong rows, right rows), pairing each row read with the truth row of its period and breakdown
    whose label is most alike (at least 0.85, as ../shared/eval/score.py pairs them)."""
    wrong, right = [], 0
    for o in got:
        same = [t for t in truth if str(t["period_start"]) == str(o.period_start)
                and str(t["period_end"]) == str(o.period_end) and str(t["breakdown"] or "") == o.breakdown]
        best = max(same, default=None, key=lambda t: _like(str(t["measure_label"]), o.measure_label))
        if best is not None and _like(str(best["measure_label"]), o.measure_label) >= 0.85 \
                and best["status"] == o.status and (o.status != "reported" or float(best["value"]) == o.value):
            right += 1
        else:
            wrong.append(f"{o.measure_label!r} {o.breakdown!r} {o.period_label} {o.status} {o.value} "
                         f"from {o.raw_text!r}")
    return wrong, right


# ---------------------------------------------------------------------------------------------
# No lost documents
# ---------------------------------------------------------------------------------------------


def _words_image(lines: list[str], height: int) -> np.ndarray:
    """A white image `height` pixels tall with a few lines of large print at the top."""
    import cv2

    image = np.full((height, 900), 255, dtype=np.uint8)
    for k, text in enumerate(lines):
        cv2.putText(image, text, (20, 60 + 60 * k), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 0, 3)
    return image


def test_an_image_too_tall_for_tesseract_is_read_again_at_a_lower_resolution() -> None:
    image = _words_image(["Children in care", "Quarter three"], MAX_SIDE + 8000)
    words = read_image(image, 6, 300, OcrSettings(), "tall.png")
    assert "Children" in {w.text for w in words}


def test_an_image_no_attempt_can_read_fails_naming_every_attempt() -> None:
    image = np.full((2 * MAX_SIDE, 40), 255, dtype=np.uint8)
    with pytest.raises(OcrFailed) as failed:
        read_image(image, 11, 300, OcrSettings(), "huge.png: page 2")
    message = str(failed.value)
    assert message.startswith("huge.png: page 2: OCR failed (")
    assert message.count("image too large") == 3  # sparse text, one block, and at two-thirds resolution


def _two_page_scan(folder: Path) -> tuple[Path, list[dict[str, object]]]:
    """A scanned contract grid on page 1 and, on page 2, a scanned page too tall for any reading."""
    source, truth = render_source("contract", 5, folder)
    scanned = scan_pdf(source, folder / "scanned.pdf", seed=5, damage="image", dpi=200)
    tall = folder / "tall.pdf"
    sheet = canvas.Canvas(str(tall), pagesize=(200, 14000))
    sheet.drawInlineImage(_pil_blank(), 0, 0, 200, 14000)
    sheet.save()
    both = first_pages_joined([scanned, tall], folder / "two_pages.pdf")
    return both, [{**row, "source_file": both.name} for row in truth.observations]


def _pil_blank() -> Any:
    from PIL import Image

    image = Image.new("L", (60, 4000), 255)
    image.paste(0, (10, 10, 50, 30))
    return image


def test_a_page_no_reading_can_read_is_recorded_with_its_picture_and_the_others_load(tmp_path: Path) -> None:
    pdf, truth = _two_page_scan(tmp_path)
    location = str(tmp_path / "warehouse.duckdb")
    summary = ingest_files([pdf], location)
    assert summary.count("loaded") == 1 and summary.count("failed") == 0
    with open_warehouse(location, read_only=True) as wh:
        sources = wh.query("SELECT page_sources FROM documents").iloc[0, 0]
        unread = wh.query("SELECT page, reason, crop_png FROM quarantine_facts WHERE page = 2")
        rows = wh.query("SELECT count(*) AS n FROM observations WHERE page = 1").iloc[0, 0]
    assert sources.startswith("1: ocr (no text layer); 2: failed (page 2: OCR failed (")
    assert len(unread) == 1 and "image too large" in unread.iloc[0]["reason"]
    assert unread.iloc[0]["crop_png"] is not None and bytes(unread.iloc[0]["crop_png"])[:4] == b"\x89PNG"
    assert rows >= 0.5 * len(truth)  # page 1 loads (how well it reads is tested below)


# ---------------------------------------------------------------------------------------------
# Labels checked like values
# ---------------------------------------------------------------------------------------------


def _ocr_cell(text: str, row: int, col: int, words: list[tuple[str, float]] | None = None) -> Cell:
    words = words if words is not None else [(w, 96.0) for w in text.split()]
    cell = Cell(text, row, col, bbox=(10.0 + 100 * col, 10.0 + 12 * row, 100.0 + 100 * col, 20.0 + 12 * row))
    cell.confidence = min((c for _, c in words), default=100.0)
    cell.ocr_text = text
    cell.word_confidences = words
    cell.crop_png = b"\x89PNG" + text.encode()
    return cell


def _ocr_table(rows: list[list[Cell]]) -> ExtractedDocument:
    table = Table(grid=rows, page=1, engine="tesseract", bbox=(0, 0, 500, 200), pages=[1])
    title = TextLine("Quarterly report 2021/22", 1, (0, 0, 300, 8))
    return ExtractedDocument("scan.pdf", "sha", "pdf", 1, [table], [title],
                             page_sources=[PageSource(1, "ocr", "no text layer", (595.0, 842.0))])


def _grid(label: str, words: list[tuple[str, float]] | None = None) -> ExtractedDocument:
    header = [_ocr_cell("Measure", 0, 0), _ocr_cell("Q1 2021/22", 0, 1), _ocr_cell("Q2 2021/22", 0, 2)]
    body = [_ocr_cell(label, 1, 0, words), _ocr_cell("45%", 1, 1), _ocr_cell("52%", 1, 2)]
    other = [_ocr_cell("Children seen within five working days", 2, 0), _ocr_cell("81%", 2, 1),
             _ocr_cell("84%", 2, 2)]
    return _ocr_table([header, body, other])


GARBLED = "Percentage of repeat pnts Gnu over a 12 Month Period)"


def test_a_garbled_label_sends_its_row_to_quarantine_with_the_picture_of_the_label() -> None:
    words = [(w, 41.0 if w in ("pnts", "Gnu") else 95.0) for w in GARBLED.split()]
    tidy = normalise_document(_grid(GARBLED, words))
    assert {o.measure_label for o in tidy.observations} == {"Children seen within five working days"}
    held = [q for q in tidy.quarantine if q.raw_text in ("45%", "52%")]
    assert len(held) == 2
    assert all("'pnts'" in q.reason and q.crop_png == b"\x89PNG" + GARBLED.encode() for q in held)
    assert GARBLED not in {m.measure_label for m in tidy.measures}


def test_a_doubtful_label_matching_a_known_measure_is_repaired_and_the_repair_recorded() -> None:
    known = "Percentage of repeat plans over a 12 Month Period"
    label = "Percentage of repeat pfans over a 12 Month Period"
    words = [(w, 40.0 if w == "pfans" else 95.0) for w in label.split()]
    tidy = normalise_document(_grid(label, words), known_labels=[known])
    repaired = [o for o in tidy.observations if o.measure_label == known]
    assert [o.value for o in repaired] == [45.0, 52.0]
    assert all("label matched a known measure" in o.repairs for o in repaired)


def test_labels_are_repaired_only_to_the_measures_of_the_same_organisation(tmp_path: Path) -> None:
    source, truth = render_source("contract", 2, tmp_path)  # a text report loads first
    location = str(tmp_path / "warehouse.duckdb")
    ingest_files([source], location)
    with open_warehouse(location, read_only=True) as wh:
        known = wh.known_labels()
    (organisation,) = known
    assert {m["measure_label"] for m in truth.measures} <= set(known[organisation])
    label = next(m["measure_label"] for m in truth.measures if len(str(m["measure_label"])) > 30)
    misread = str(label).replace("e", "c", 2)  # two letters OCR took for others, read unsurely
    pairs = zip(misread.split(), str(label).split(), strict=True)
    words = [(w, 40.0 if w != printed else 95.0) for w, printed in pairs]
    ours, theirs = _grid(misread, words), _grid(misread, words)
    ours.text_lines[0] = TextLine(f"{organisation}: quarterly performance report", 1, (0, 0, 300, 8))
    theirs.text_lines[0] = TextLine("Elsewhere County Council: quarterly performance report", 1, (0, 0, 300, 8))
    assert label in {o.measure_label for o in normalise_document(ours, known).observations}
    assert label not in {o.measure_label for o in normalise_document(theirs, known).observations}


def test_a_label_the_engine_was_sure_of_is_trusted_whatever_its_words() -> None:
    cell = _ocr_cell("Children seen by the Solihull MASH", 1, 0)  # a name no dictionary knows, read clearly
    assert label_doubt(cell, is_known_word) == ""
    unsure = _ocr_cell("Children seen by the Solihull MASH", 1, 0,
                       [("Children", 95.0), ("seen", 95.0), ("by", 95.0), ("the", 95.0), ("Sollhull", 50.0),
                        ("MASH", 90.0)])
    assert "'Sollhull'" in label_doubt(unsure, is_known_word)


@pytest.mark.parametrize(("misread", "word"), [("heip", "help"), ("rnonths", "months"), ("lmprovement", "Improvement"),
                                               ("ofchildren", "of children")])
def test_a_word_one_lookalike_away_from_one_word_is_repaired(misread: str, word: str) -> None:
    assert repair_word(misread, is_known_word) == word


def test_a_word_near_several_words_is_not_guessed() -> None:
    assert repair_word("pnts", is_known_word) is None


def test_figures_run_together_are_quarantined_whichever_reader_reads_them() -> None:
    doc = _grid("Children in need with a plan")
    doc.tables[0].grid[1][1] = _ocr_cell("87 7%", 1, 1)  # `87.7%` with its point lost
    tidy = normalise_document(doc)
    assert all(o.raw_text != "87 7%" for o in tidy.observations)
    assert any(q.raw_text == "87 7%" for q in tidy.quarantine)
    assert "point or comma" in figure_doubt(_ocr_cell("All cases 87 7% Amber", 1, 1))
    assert figure_doubt(_ocr_cell("86.0% England 2019/20 88.1%", 1, 1)) == ""


# ---------------------------------------------------------------------------------------------
# Text layers, pictures, and the whole: every figure right or in quarantine
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, list[dict[str, object]]]]:
    folder = tmp_path_factory.mktemp("scans")
    out = {}
    for style, damage, seed in (("improvement", "layer", 3), ("contract", "picture", 8), ("audit", "image", 4),
                                ("target", "image", 6)):
        source, truth = render_source(style, seed, folder, damage)
        pdf = scan_pdf(source, folder / f"{style}_{damage}.pdf", seed=seed, damage=damage, dpi=200)
        out[f"{style}_{damage}"] = (pdf, truth.observations)
    return out


def test_a_damaged_invisible_layer_is_read_afresh_and_the_page_says_why(scans: dict[str, Any]) -> None:
    pdf, truth = scans["improvement_layer"]
    doc = extract_pdf(pdf, "sha")
    (source,) = doc.page_sources
    assert source.source == "ocr" and source.why.startswith("invisible text layer not trusted: ")
    assert all(t.engine.startswith("tesseract") for t in doc.tables)
    wrong, right = _judge(normalise_document(doc).observations, truth)
    assert not wrong and right >= 0.8 * len(truth)


def test_a_picture_of_a_table_on_a_text_page_is_read_as_a_scan(scans: dict[str, Any]) -> None:
    pdf, truth = scans["contract_picture"]
    doc = extract_pdf(pdf, "sha")
    assert [s.source for s in doc.page_sources] == ["text+ocr"]
    assert doc.tables and all(t.engine.endswith("-picture") for t in doc.tables)
    assert all(c.bbox and c.bbox[1] > 30 for t in doc.tables for row in t.grid for c in row)  # in page points
    wrong, right = _judge(normalise_document(doc).observations, truth)
    assert not wrong and right >= 0.8 * len(truth)


@pytest.mark.parametrize("name", ["audit_image", "target_image"])
def test_every_figure_of_a_scan_is_right_or_in_quarantine(scans: dict[str, Any], name: str) -> None:
    pdf, truth = scans[name]
    doc = extract_pdf(pdf, "sha")
    tidy = normalise_document(doc)
    wrong, right = _judge(tidy.observations, truth)
    assert not wrong
    assert right + len(tidy.quarantine) >= 0.9 * len(truth)


@pytest.mark.parametrize(("read", "meant"), [
    ("All.children 100% Green", "All children 100% Green"),  # a speck read as a stop between words
    ("concluded within,a) 26 weeks", "concluded within a) 26 weeks"),  # ... or as a comma
    ("Q1 {Apr 16)", "Q1 (Apr 16)"),  # a bracket read as a brace
    ("7% {4)", "7% (4)"),
    ("December Ist- 31st 2021", "December 1st- 31st 2021"),  # the 1 of 1st read as a letter
    ("Prey. 12 months average", "Prev. 12 months average"),  # the v of Prev. read as a y
    ("% ofchildren in care", "% of children in care"),  # the space between two words not read
])
def test_context_free_ocr_repairs_of_shapes_any_report_prints(read: str, meant: str) -> None:
    from scorecards.extractors.misreads import repair_text

    text, notes = repair_text(read)
    assert text == meant and notes


@pytest.mark.parametrize("printed", ["12.5%", "1,234", "e.g. this", "Smith,Jones", "Southdale services",
                                     "Birds of Prey. Summer", "First list"])
def test_context_free_ocr_repairs_leave_ordinary_print_alone(printed: str) -> None:
    from scorecards.extractors.misreads import repair_text

    assert repair_text(printed) == (printed, [])
