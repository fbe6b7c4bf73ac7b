"""Typed extraction settings (issue #14): frozen dataclasses with the defaults the dicts had, every
misspelt key and bad value an error naming it, and a dict reading a file as its dataclasses do."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, asdict
from pathlib import Path

import pytest
from scorecards.extractors import ExtractedDocument, extract
from scorecards.extractors.pdf import extract_pdf
from scorecards.extractors.settings import (
    ExtractionSettings,
    LayerSettings,
    OcrSettings,
    PdfSettings,
    TextSettings,
    resolve,
)

from samples.generate import random_report
from samples.pdf_render import write_pdf

# The dicts as they were before the dataclasses (extractors/text_tables.py TEXT_SETTINGS,
# extractors/pdf.py DEFAULT_SETTINGS, extractors/ocr.py OCR_DEFAULTS, extractors/text_layer.py LAYER_DEFAULTS).
TEXT = {
    "word_gap": 0.2, "chunk_gap": 0.5, "block_gap": 3.0, "min_support": 2, "wide_gap": 3.0, "cross_share": 0.15,
    "merge_gap": 0.8, "min_rows": 2, "min_cols": 2, "prose_words": 5,
}
PDF = {
    "camelot": "auto", "camelot_below": 0.9, "text": "auto", "ruled_ok": 0.9, "text_settings": TEXT,
    "max_prose": 0.5, "min_quality": 0.3, "min_rows": 2, "min_cols": 2, "stitch": True, "parser": "pdfium",
    "pdfplumber_table_settings": {"vertical_strategy": "lines", "horizontal_strategy": "lines"},
}
OCR = {
    "dpi": 300, "tesseract": "tesseract", "lang": "eng", "psm": 11, "timeout": 180, "threads": 1, "engine": "auto",
    "workers": 2, "strip_height": 6000, "picture_min_width": 150.0, "picture_min_height": 60.0,
    "picture_min_rows": 4, "max_skew": 5.0, "min_chars": 10, "min_image_cover": 0.5, "reread": "all",
    "reread_below": 90.0,
}
LAYER = {
    "min_chars": 10, "min_image_cover": 0.8, "min_layer_share": 0.5, "min_word_length": 3, "min_rated_words": 10,
    "min_word_rate": 0.70, "max_acronym_length": 5, "max_homoglyph_words": 0, "max_letter_figures": 0,
    "max_confusions": 0, "max_split_share": 0.02, "min_split_words": 2, "percent_band": 25.0, "min_suspects": 3,
    "suspect_run_share": 0.5, "suspect_share": 0.25,
}


def test_defaults_are_the_dicts_they_replace() -> None:
    assert asdict(TextSettings()) == TEXT
    assert asdict(PdfSettings()) == PDF
    assert asdict(OcrSettings()) == OCR
    assert asdict(LayerSettings()) == LAYER
    run = resolve(None)
    assert run == resolve({}) == ExtractionSettings()
    assert (run.ocr, run.conversion_timeout) == (True, 120.0)
    assert (asdict(run.pdf), asdict(run.ocr_options), asdict(run.layer_options)) == (PDF, OCR, LAYER)


def test_a_dict_overrides_the_defaults_section_by_section() -> None:
    run = resolve({"parser": "pdfminer", "text_settings": {"chunk_gap": 0.6}, "ocr_options": {"dpi": 200},
                   "layer_options": {"min_word_rate": 0.5}, "ocr": False, "conversion_timeout": 60,
                   "batch": 4, "known_labels": {"Referrals"}})  # the flow's own keys pass through unread
    assert run.pdf.parser == "pdfminer" and run.pdf.camelot == "auto"
    assert run.pdf.text_settings == TextSettings(chunk_gap=0.6)
    assert run.ocr_options == OcrSettings(dpi=200) and run.layer_options == LayerSettings(min_word_rate=0.5)
    assert (run.ocr, run.conversion_timeout) == (False, 60)
    assert resolve(run) is run
    assert resolve(PdfSettings(stitch=False)) == ExtractionSettings(pdf=PdfSettings(stitch=False))
    assert LayerSettings.resolve({"min_chars": 5}) == LayerSettings(min_chars=5)


@pytest.mark.parametrize(("settings", "named"), [
    ({"parsr": "pdfminer"}, r"unknown setting\(s\) 'parsr' \(known: .*parser"),
    ({"text_settings": {"chunk_gapp": 1.0}}, r"text_settings\.chunk_gapp \(known in text_settings: .*chunk_gap"),
    ({"ocr_options": {"dpii": 200}}, r"ocr_options\.dpii \(known in ocr_options: .*dpi"),
    ({"layer_options": {"min_word_rat": 0.5}}, r"layer_options\.min_word_rat \(known in layer_options: .*min_word"),
    ({"pdfplumber_table_settings": {"vertcal_strategy": "lines"}}, r"pdfplumber_table_settings\.vertcal_strategy"),
])
def test_a_misspelt_key_in_any_section_is_named(settings: dict[str, object], named: str) -> None:
    with pytest.raises(ValueError, match=named):
        resolve(settings)


def test_every_problem_is_named_at_once() -> None:
    with pytest.raises(ValueError) as raised:
        resolve({"camelott": "never", "ocr_options": {"dpii": 200}, "layer_options": {"min_word_rat": 0.5},
                 "text": "sometimes"})
    message = str(raised.value)
    for named in ("'camelott'", "ocr_options.dpii", "layer_options.min_word_rat", "'text'"):
        assert named in message


@pytest.mark.parametrize(("settings", "named"), [
    ({"parser": "pdfmine"}, r"'parser' must be one of 'pdfium', 'pdfminer', not 'pdfmine'"),
    ({"camelot": "sometimes"}, r"'camelot' must be one of 'auto', 'always', 'never'"),
    ({"text": "always"}, r"'text' must be one of 'auto', 'never'"),
    ({"ocr_options": {"engine": "gpu"}}, r"'ocr_options\.engine' must be one of 'auto', 'api', 'cli'"),
    ({"ocr_options": {"reread": "some"}}, r"'ocr_options\.reread' must be one of 'all', 'doubtful'"),
    ({"ocr_options": {"dpi": "300"}}, r"'ocr_options\.dpi' must be a number, not str"),
    ({"text_settings": {"min_rows": 2.5}}, r"'text_settings\.min_rows' must be a whole number"),
    ({"stitch": "no"}, r"'stitch' must be true or false"),
    ({"ocr": 0}, r"'ocr' must be true or false"),
    ({"ocr_options": 300}, r"'ocr_options' must be a table of settings, not int"),
    ({"pdfplumber_table_settings": {"vertical_strategy": "rules"}}, r"vertical_strategy must be one of"),
])
def test_a_wrong_value_is_rejected(settings: dict[str, object], named: str) -> None:
    with pytest.raises(ValueError, match=named):
        resolve(settings)


def test_a_dataclass_checks_its_values_when_made() -> None:
    with pytest.raises(ValueError, match="'parser' must be one of"):
        PdfSettings(parser="pdfmine")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"'layer_options\.min_chars' must be a whole number"):
        LayerSettings(min_chars=True)


def test_settings_are_frozen() -> None:
    run = resolve({"ocr_options": {"dpi": 200}})
    for obj, name in [(run, "ocr"), (run.pdf, "parser"), (run.pdf.text_settings, "chunk_gap"),
                      (run.ocr_options, "dpi"), (run.layer_options, "min_chars")]:
        with pytest.raises(FrozenInstanceError):
            setattr(obj, name, getattr(obj, name))


def test_the_extractors_check_settings_before_reading(tmp_path: Path) -> None:
    missing = tmp_path / "never-opened.pdf"
    with pytest.raises(ValueError, match="'camelott'"):
        extract_pdf(missing, "sha", {"camelott": "never"})
    with pytest.raises(ValueError, match=r"ocr_options\.dpii"):
        extract(tmp_path / "never-opened.docx", "sha", {"ocr_options": {"dpii": 200}})


def _tables(doc: ExtractedDocument) -> list[list[list[str]]]:
    return [[[cell.text for cell in row] for row in table.grid] for table in doc.tables]


@pytest.mark.parametrize("style", ["contract", "improvement"])
def test_a_dict_and_its_dataclasses_read_a_report_alike(tmp_path: Path, style: str) -> None:
    path = write_pdf(random_report(4, style, n_measures=6), tmp_path / "r.pdf")
    given = {"parser": "pdfminer", "camelot": "never", "text_settings": {"chunk_gap": 0.6}}
    typed = PdfSettings(parser="pdfminer", camelot="never", text_settings=TextSettings(chunk_gap=0.6))
    by_dict = extract_pdf(path, "sha", given)
    assert by_dict.tables
    assert _tables(extract_pdf(path, "sha", typed)) == _tables(by_dict)
    assert _tables(extract(path, "sha", ExtractionSettings(pdf=typed))) == _tables(by_dict)
    # A setting reaches the engines the same way in both forms: no table has a thousand rows.
    assert extract_pdf(path, "sha", {"min_rows": 1000}).tables == []
    assert extract_pdf(path, "sha", PdfSettings(min_rows=1000)).tables == []
