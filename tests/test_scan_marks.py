"""Marks on a scanned page that are not what they seem: washed-out header bands, headings printed a
little off their column, faint smudges read as letters, and the page's first reading of a cell that
the cell's own reading betters. Each is drawn here, over the range a scanner produces."""

from __future__ import annotations

import cv2
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scorecards.extractors.model import Cell, ExtractedDocument, Table, TextLine, Word
from scorecards.extractors.scan_cells import faint_words_dropped
from scorecards.extractors.scan_image import dark_fill, flatten, unfill
from scorecards.extractors.scan_layout import band_rects
from scorecards.extractors.scan_rules import Scan
from scorecards.normalise.ocr_trust import repair_word
from scorecards.normalise.rows import document_rows
from scorecards.normalise.vocab import is_known_word

SCALE = 200 / 72  # pixels per point of the drawn pages


def _banded_page(paper: int, band: int, letters: int) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """A grey page with a band of headings printed light on a dark fill, as a scanner returns it."""
    page = np.full((700, 1400), paper, np.uint8)
    x0, y0, x1, y1 = 60, 200, 1340, 290
    page[y0:y1, x0:x1] = band
    for k, word in enumerate(("Indicator", "Latest Result", "Target", "Rationale")):
        cv2.putText(page, word, (x0 + 20 + 320 * k, y0 + 58), cv2.FONT_HERSHEY_SIMPLEX, 1.2, letters, 3)
    cv2.putText(page, "Children seen within 24 hours", (80, 380), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 20, 3)
    return page, (x0, y0, x1, y1)


@settings(max_examples=25, deadline=None)
@given(paper=st.integers(190, 255), shade=st.floats(0.1, 0.45), light=st.floats(0.8, 1.0))
def test_a_header_band_is_found_and_turned_to_dark_on_white_however_washed_out(paper: int, shade: float,
                                                                              light: float) -> None:
    page, (x0, y0, x1, y1) = _banded_page(paper, round(shade * paper), round(light * paper))
    filled = dark_fill(page, SCALE)
    assert filled[y0 + 5:y1 - 5, x0 + 5:x1 - 5].mean() > 0.95
    assert not filled[330:400].any()  # dark print on the paper is print, not a fill
    flat = flatten(unfill(page, filled, SCALE), SCALE)
    inner = flat[y0 + 8:y1 - 8, x0 + 8:x1 - 8]
    # The band's own fill is white right to its edges (no shading for the engine to read as marks),
    # and its letters are dark.
    assert np.percentile(inner, 50) > 230
    assert np.percentile(flat[y1 - 10:y1 - 3, x0 + 8:x1 - 8], 10) > 200
    # Its letters keep their contrast with the fill, turned: light on dark becomes dark on white.
    letters = np.percentile(inner, 2)
    assert 255 - letters >= 0.8 * (light * paper - shade * paper) * 255 / (255 - shade * paper)


def test_a_fill_with_dark_print_on_it_is_shading_and_left_as_it_is() -> None:
    page, (x0, y0, x1, y1) = _banded_page(235, 90, 10)  # dark letters on a dark fill: a blot, not a band
    assert not dark_fill(page, SCALE)[y0:y1, x0:x1].any()


def _box(x0: float, x1: float, top: float = 10.0, bottom: float = 20.0) -> Word:
    return Word("", x0, top, x1, bottom, 0.0)


@given(overhang=st.floats(0.0, 0.45))
def test_a_heading_reaching_less_than_half_a_letter_past_its_column_line_stays_in_its_column(
        overhang: float) -> None:
    size = 30.0  # pixels of text
    xs = [0.0, 400.0, 800.0, 1200.0]
    boxes = [_box(20, 300), _box(400 - overhang * size, 700), _box(820, 1100)]
    rects = band_rects(xs, 0.0, 40.0, boxes, size)
    assert sorted((r[0], r[2]) for r in rects) == [(0.0, 400.0), (400.0, 800.0), (800.0, 1200.0)]


def test_a_heading_centred_over_two_columns_spans_them() -> None:
    size = 30.0
    xs = [0.0, 400.0, 800.0, 1200.0]
    # `2021/22` centred over columns 1 and 2, its quarters on the line below.
    boxes = [_box(700, 900), _box(450, 550, 50, 60), _box(850, 950, 50, 60)]
    rects = band_rects(xs, 0.0, 80.0, boxes, size)
    assert (400.0, 1200.0) in {(r[0], r[2]) for r in rects if r[1] == 0.0}


def _scan_with(marks: list[tuple[int, int, int, int, int]]) -> Scan:
    """A flattened page holding rectangles of ink (x0, y0, x1, y1 in pixels, and their grey)."""
    gray = np.full((200, 800), 255, np.uint8)
    for x0, y0, x1, y1, level in marks:
        gray[y0:y1, x0:x1] = level
    empty = np.zeros_like(gray)
    return Scan(gray, empty, empty, empty, SCALE, 0.0, clean=gray)


def _pt(px: float) -> float:
    return px / SCALE


@given(print_level=st.integers(0, 90), smudge_level=st.integers(175, 240), conf=st.floats(0, 45))
def test_an_unsure_word_far_fainter_than_the_print_beside_it_is_a_smudge(print_level: int, smudge_level: int,
                                                                        conf: float) -> None:
    scan = _scan_with([(300, 60, 420, 100, print_level), (100, 70, 110, 90, smudge_level)])
    cell = (_pt(50), _pt(50), _pt(700), _pt(110))
    figure = Word("70%", _pt(300), _pt(60), _pt(420), _pt(100), 92.0)
    smudge = Word("7", _pt(100), _pt(70), _pt(110), _pt(90), conf)
    assert faint_words_dropped([smudge, figure], scan, cell) == [figure]


@given(level=st.integers(0, 90), conf=st.floats(0, 45))
def test_an_unsure_word_printed_as_dark_as_the_rest_is_kept(level: int, conf: float) -> None:
    scan = _scan_with([(300, 60, 420, 100, 40), (100, 60, 160, 100, level)])
    cell = (_pt(50), _pt(50), _pt(700), _pt(110))
    words = [Word("2", _pt(100), _pt(60), _pt(160), _pt(100), conf), Word("1%", _pt(300), _pt(60), _pt(420),
                                                                          _pt(100), 92.0)]
    assert faint_words_dropped(words, scan, cell) == words


def test_a_scanned_cell_speaks_for_itself_in_the_rows_cards_are_read_from() -> None:
    """The page's first reading of a line loses to the cell's own (judged, repaired) reading, once."""
    label = Cell("Prev. 12 months cumulative", 0, 1, bbox=(100.0, 10.0, 200.0, 40.0), confidence=91.0)
    blank = Cell("", 0, 0, bbox=(0.0, 10.0, 100.0, 40.0), confidence=100.0)
    table = Table(grid=[[blank, label]], page=1, engine="tesseract")
    first, second = (110.0, 12.0, 190.0, 22.0), (120.0, 26.0, 180.0, 36.0)
    lines = [TextLine("Prev. 12 ier", 1, first, segments=[("Prev. 12 ier", first)]),
             TextLine("cumulative", 1, second, segments=[("cumulative", second)])]
    doc = ExtractedDocument("scan.pdf", "sha", "pdf", 1, tables=[table], page_lines=lines)
    rows = document_rows(doc)
    assert [[p.text for p in row.pieces] for row in rows] == [["Prev. 12 months cumulative"]]


def test_a_text_layer_cell_keeps_its_lines_as_printed() -> None:
    label = Cell("Prev. 12 months cumulative", 0, 0, bbox=(100.0, 10.0, 200.0, 40.0))
    table = Table(grid=[[label]], page=1, engine="pdfplumber")
    lines = [TextLine("Prev. 12 months", 1, (110.0, 12.0, 190.0, 22.0)),
             TextLine("cumulative", 1, (120.0, 26.0, 180.0, 36.0))]
    doc = ExtractedDocument("a.pdf", "sha", "pdf", 1, tables=[table], page_lines=lines)
    assert [[p.text for p in row.pieces] for row in document_rows(doc)] == [["Prev. 12 months"], ["cumulative"]]


def test_r_read_as_t_is_repaired_when_one_word_results() -> None:
    assert repair_word("Decteasing", is_known_word) == "Decreasing"
