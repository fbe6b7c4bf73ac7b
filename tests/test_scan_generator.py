"""The scan generator (issue #13): scanned sample reports whose truth is exact.

Everything is generated here (``samples.scans.generate_scans`` into tmp_path); nothing needs ../shared.
Checked: image-only pages have no text and an image over the whole page; OCR-layer pages carry only
invisible text (render mode 3) that is damaged; picture pages have real text without the table's
figures and a picture over part of the page; the truth CSVs have the contract's columns and name files
that exist; the same seed gives the same truth.
"""

from __future__ import annotations

import csv
import random
import re
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from samples import scans
from samples.generate import random_report
from samples.pdf_render import write_pdf
from samples.truth import BENCHMARK_FIELDS, FULL_OBSERVATION_FIELDS, MEASURE_FIELDS

pytestmark = pytest.mark.slow  # real servers, OCR, LibreOffice, a browser or a wheel build: see README

SEED = 3
PERCENT = re.compile(r"\d+(?:\.\d+)?%")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("scans")
    scans.generate_scans(out, pages=1, seed=SEED)
    return out


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _damage(pdf: Path) -> str:
    return pdf.stem.rsplit("_", 1)[1]


def _files(folder: Path, damage: str) -> list[Path]:
    found = sorted(p for p in folder.glob("*.pdf") if _damage(p) == damage)
    assert found, f"no {damage} files"
    return found


def _image_cover(page: pdfplumber.page.Page) -> float:
    area = 0.0
    for image in page.images:
        w = min(float(image["x1"]), float(page.width)) - max(float(image["x0"]), 0.0)
        h = min(float(image["bottom"]), float(page.height)) - max(float(image["top"]), 0.0)
        area += max(w, 0.0) * max(h, 0.0)
    return area / (float(page.width) * float(page.height))


def _render_modes(pdf: Path) -> list[int]:
    """Text render mode of every text object on every page (pdfium reads it from the content stream)."""
    modes: list[int] = []
    document = pdfium.PdfDocument(str(pdf))
    try:
        for page in document:
            modes += [pdfium_c.FPDFTextObj_GetTextRenderMode(obj.raw) for obj in page.get_objects()
                      if obj.type == pdfium_c.FPDF_PAGEOBJ_TEXT]
    finally:
        document.close()
    return modes


def _words(pdf: Path) -> list[str]:
    with pdfplumber.open(pdf) as document:
        return [w["text"] for page in document.pages for w in page.extract_words()]


def _percent_figures(observations: list[dict[str, str]], name: str) -> list[str]:
    return [t for r in observations if r["source_file"] == name and r["status"] == "reported"
            for t in PERCENT.findall(r["raw_text"])]


def test_every_style_and_damage_is_written(folder: Path) -> None:
    made = {(p.stem.split("_")[0], _damage(p)) for p in folder.glob("*.pdf")}
    assert set(scans.PLAN) <= made
    assert {style for style, _ in made} == set(scans.STYLES)
    assert sum(scans.page_count(p) for p in folder.glob("*.pdf")) >= len(scans.PLAN)


def test_image_pages_have_no_text_and_an_image_over_the_page(folder: Path) -> None:
    for pdf in _files(folder, "image"):
        with pdfplumber.open(pdf) as document:
            for page in document.pages:
                assert page.chars == [], pdf.name
                assert _image_cover(page) > 0.99, pdf.name
                assert (round(float(page.width)), round(float(page.height))) in {(842, 595), (595, 842), (792, 612)}


def test_layer_pages_carry_invisible_damaged_text_over_the_image(folder: Path) -> None:
    _, observations = _read(folder / "truth" / "observations.csv")
    _, measures = _read(folder / "truth" / "measures.csv")
    kept = figures = label_kept = label_words = 0
    for pdf in _files(folder, "layer"):
        with pdfplumber.open(pdf) as document:
            for page in document.pages:
                assert page.chars, pdf.name
                assert _image_cover(page) > 0.99, pdf.name
        modes = _render_modes(pdf)
        assert modes and set(modes) == {pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE}, pdf.name
        words = set(_words(pdf))
        percents = _percent_figures(observations, pdf.name)
        figures += len(percents)
        kept += sum(t in words for t in percents)
        labels = [w for r in measures if r["source_file"] == pdf.name for w in r["measure_label"].split()
                  if w.isalpha() and len(w) >= 4]
        label_words += len(labels)
        label_kept += sum(w in words for w in labels)
    # a reader that trusts the layer gets most percentages wrong (`55%` -> `5570`) and many labels mangled
    assert figures and kept / figures < 0.5
    assert label_words and label_kept / label_words < 0.85
    assert any(ch in "аеорсАЕОРС" for pdf in _files(folder, "layer") for w in _words(pdf) for ch in w)


def test_picture_pages_have_real_text_but_the_figures_only_in_a_picture(folder: Path) -> None:
    _, observations = _read(folder / "truth" / "observations.csv")
    for pdf in _files(folder, "picture"):
        with pdfplumber.open(pdf) as document:
            pictured = 0
            for page in document.pages:
                assert page.chars, pdf.name
                cover = _image_cover(page)
                if page.images:
                    pictured += 1
                    assert 0.25 <= cover <= 0.9, (pdf.name, cover)
            assert pictured, pdf.name
        assert set(_render_modes(pdf)) == {pdfium_c.FPDF_TEXTRENDERMODE_FILL}, pdf.name
        percents = _percent_figures(observations, pdf.name)
        assert percents, pdf.name
        assert not set(percents) & set(_words(pdf)), pdf.name


def test_truth_has_the_contract_columns_and_names_files_that_exist(folder: Path) -> None:
    truth = folder / "truth"
    expected = {"observations.csv": FULL_OBSERVATION_FIELDS, "measures.csv": MEASURE_FIELDS,
                "benchmarks.csv": BENCHMARK_FIELDS}
    named: set[str] = set()
    for name, fields in expected.items():
        header, rows = _read(truth / name)
        assert header == ["source_file", *fields], name
        named |= {r["source_file"] for r in rows}
    assert named == {p.name for p in folder.glob("*.pdf")}
    _, observations = _read(truth / "observations.csv")
    assert {r["status"] for r in observations} <= {"reported", "new_measure", "not_applicable", "to_be_determined",
                                                   "not_available", "awaiting", "missing"}
    for row in observations:
        if row["status"] == "reported":
            float(row["value"])
            assert row["period_start"] <= row["period_end"]
    header, definitions = _read(truth / "measure_definitions.csv")
    assert header == ["source_file", *scans.DEFINITION_FIELDS]
    assert {r["source_file"] for r in definitions} == {p.name for p in folder.glob("longlist_*.pdf")}


def test_the_same_seed_gives_the_same_truth_and_more_pages_when_asked(folder: Path, tmp_path: Path) -> None:
    first = sum(scans.page_count(p) for p in folder.glob("*.pdf"))
    made = scans.generate_scans(tmp_path, pages=first + 1, seed=SEED)
    assert sum(scans.page_count(p) for p in made) >= first + 1
    assert len(made) > len(scans.PLAN)
    for name in ("observations.csv", "measures.csv", "benchmarks.csv", "measure_definitions.csv"):
        _, before = _read(folder / "truth" / name)
        _, again = _read(tmp_path / "truth" / name)
        assert [r for r in again if (folder / r["source_file"]).exists()] == before, name


def test_scan_pdf_keeps_page_size_and_is_repeatable(tmp_path: Path) -> None:
    source = write_pdf(random_report(5, "contract", 6), tmp_path / "grid.pdf")
    one = scans.scan_pdf(source, tmp_path / "one.pdf", seed=9, damage="image", dpi=150)
    two = scans.scan_pdf(source, tmp_path / "two.pdf", seed=9, damage="image", dpi=150)
    assert one.read_bytes() == two.read_bytes()
    with pdfplumber.open(source) as a, pdfplumber.open(one) as b:
        assert [(p.width, p.height) for p in a.pages] == [(p.width, p.height) for p in b.pages]
    with pytest.raises(ValueError):
        scans.scan_pdf(source, tmp_path / "x.pdf", seed=1, damage="smudge")


def test_damage_word_misreads_as_ocr_does() -> None:
    rng = random.Random(0)
    outcomes = [scans.damage_word(word, rng) for word in ["55%", "Performance", "2019/20", "Qtr1"] * 400]
    texts = [piece for pieces in outcomes for piece, _start, _end in pieces]
    assert "5570" in texts and "5596" in texts
    assert any(not pieces for pieces in outcomes)  # a word lost
    assert any(len(pieces) > 1 for pieces in outcomes)  # a word split
    assert any(ch in "аеорс" for text in texts for ch in text)
    assert any("O" in t or "l" in t or "Z" in t for t in texts if t.startswith(("2", "Z")))
    for pieces in outcomes:
        assert all(0.0 <= start < end <= 1.0 for _piece, start, end in pieces)
