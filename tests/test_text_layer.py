"""The text-layer judge (issue #13): which layer a page has, and whether a hidden one can be trusted.

Every PDF is drawn here with reportlab: ordinary text, a bare scan, a scan with an invisible
(render mode 3) OCR layer clean or damaged the way seed 000 is (`5570` for `55%`, `me asure`,
Cyrillic letters in Latin words, `1O0`), and a scan laid over visible text. The property tests
draw report-like pages from the project's vocabulary with figures, and damage them.
"""
from __future__ import annotations

import codecs
import io
import time
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

import pdfplumber
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas
from scorecards.extractors.misreads import lost_percent
from scorecards.extractors.settings import LayerSettings
from scorecards.extractors.text_layer import (
    LayerVerdict,
    hidden_text_estimate,
    is_known,
    judge_layer,
    judge_page,
    layer_kind,
    layer_words,
    lexicon,
    percent_confusions,
    split_words,
    vocabulary_words,
)
from scorecards.normalise.vocab import vocabulary

WIDTH, HEIGHT = A4

# ---------------------------------------------------------------------------------------------
# Drawing PDFs
# ---------------------------------------------------------------------------------------------

# The standard PDF fonts have no Cyrillic, and no font file can be counted on: a Helvetica with an
# encoding whose upper codes are Cyrillic lookalikes (glyph names uniXXXX, which pdfminer reads
# back as those letters) writes a damaged OCR layer as it is found in the wild.
_CYRILLIC = "".join(k for k in vocabulary()["ocr_homoglyphs"] if k.isalpha() and not k.isascii())[:32]
_CODEC = "lookalikeencoding"


@cache
def _lookalike_font() -> str:
    table = "".join(
        _CYRILLIC[i - 0x80] if 0x80 <= i < 0x80 + len(_CYRILLIC) else bytes([i]).decode("cp1252", errors="replace")
        for i in range(256)
    )
    encoding_map = codecs.charmap_build(table)

    def search(name: str) -> codecs.CodecInfo | None:
        if name != _CODEC:
            return None
        return codecs.CodecInfo(
            lambda text, errors="strict": codecs.charmap_encode(text, errors, encoding_map),
            lambda data, errors="strict": codecs.charmap_decode(data, errors, table),
            name=_CODEC,
        )

    codecs.register(search)
    encoding = pdfmetrics.Encoding("LookalikeEncoding", "WinAnsiEncoding")
    for i, letter in enumerate(_CYRILLIC):
        encoding[0x80 + i] = f"uni{ord(letter):04X}"
    pdfmetrics.registerEncoding(encoding)
    pdfmetrics.registerFont(pdfmetrics.Font("Helvetica-Lookalike", "Helvetica", "LookalikeEncoding"))
    return "Helvetica-Lookalike"


def _scan_image() -> ImageReader:
    """A grey page with dark bars where lines of print would be: what a scanner hands over."""
    image = Image.new("L", (420, 594), 235)
    pen = ImageDraw.Draw(image)
    for y in range(40, 560, 18):
        pen.rectangle((30, y, 390, y + 6), fill=60)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    buffer.seek(0)
    return ImageReader(buffer)


def _text(pdf: canvas.Canvas, lines: Sequence[str], mode: int = 0, font: str = "Helvetica") -> None:
    text = pdf.beginText(40, HEIGHT - 60)
    text.setFont(font, 9)
    text.setTextRenderMode(mode)
    for line in lines:
        text.textLine(line)
    pdf.drawText(text)


def build_pdf(draw: Callable[[canvas.Canvas], None]) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    draw(pdf)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def with_page(data: bytes, check: Callable[[Any], Any]) -> Any:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        _ = page.chars  # as extract_pdf does before asking: the page is parsed
        return check(page)


# Report-like text: labels from the vocabulary and plain English, figures in rows.
CLEAN = [
    "Contractual Key Performance Indicators 2018/19 Quarterly",
    "Assessments completed within 45 working days Quarterly Bigger is better Target 90% Tolerance 85%",
    "Children in need with an appropriate and current plan in place 95% 94% 94% 93% 94% 96% 95%",
    "Initial child protection conferences held within 15 days 96% 100% 97% 100% 100% 96% 100%",
    "Statutory looked after reviews completed in timescale New contract measure for 2019/20",
    "Care leavers the Trust is in touch with 99% 98% 99% 99% 98% 98% 98% Better than target Stable",
    "Front line staff receiving supervision in timescale 91% 90% 90% 87% 84% 86% 79% Outside Tolerance",
    "Length of intervention for family support services (days) 226 175 169 146 193 173 141",
    "Performance improved this quarter because more assessments were completed on time and the",
    "service recruited permanent managers; we expect the measure to improve again next year.",
]
# The same page as a poor OCR engine left it (seed 000): the percentage row of one measure read as
# `5570`, a status phrase cut at cell walls, Cyrillic lookalikes, letters inside figures, words cut.
DAMAGED = [
    "Contractual Кеу Performance Indicators 2018/19 Quarterly",
    "Assessments completed within 45 working days Quarterly Bigger is better Target 90% Tolerance 85%",
    "Children in need with an appropriate and current plan in place 5570 5470 5470 5570 5470 5070 5570",
    "Initial child protection conferences held within 15 days 96% 1O0% 97% 100% 100% 96% l00%",
    "Statutory looked after reviews completed in timescale Nev v contract me asure for 201 9/20",
    "Care leavers the Тrust is in touch with 99% 98% 99% 99% 98% 98% 98% Better than target Stable",
    "Front line staff receiving super vision in time scale 91% 90% 9070 87% 84% 86% 79% Outside Toler ance",
    "Length of inter vention for family sup port services (days) 226 175 169 146 193 173 141",
    "Perfor mance improved this quarter because more assess ments were completed on time and the",
    "service recruited perma nent managers; we expect the measure to improve again next year.",
]


def scan_with_layer(lines: Sequence[str], font: str = "Helvetica") -> bytes:
    """A scanned page with an invisible OCR layer over it (render mode 3), as OCR software writes one."""

    def draw(pdf: canvas.Canvas) -> None:
        pdf.drawImage(_scan_image(), 0, 0, WIDTH, HEIGHT)
        _text(pdf, lines, mode=3, font=font)

    return build_pdf(draw)


# ---------------------------------------------------------------------------------------------
# Which layer a page has
# ---------------------------------------------------------------------------------------------


def test_an_ordinary_text_page_is_visible_and_not_judged() -> None:
    data = build_pdf(lambda pdf: _text(pdf, CLEAN))
    assert with_page(data, layer_kind) == "visible"
    assert with_page(data, judge_page) is None
    assert with_page(data, hidden_text_estimate) == 0


def test_judging_an_ordinary_page_costs_next_to_nothing() -> None:
    """The page is parsed by pdfplumber anyway; judge_page must add only a look at what it has."""
    data = build_pdf(lambda pdf: _text(pdf, CLEAN * 6))  # a full page of text, ~4000 characters
    parses, judged = [], []
    for _ in range(3):
        start = time.perf_counter()
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            page = pdf.pages[0]
            _ = page.chars, page.images
            parsed = time.perf_counter()
            assert judge_page(page) is None
            done = time.perf_counter()
        parses.append(parsed - start)
        judged.append(done - parsed)
    assert min(judged) < 0.05 * min(parses), (judged, parses)
    assert min(judged) < 0.005


def test_a_few_invisible_spaces_do_not_make_a_layer_nor_cost_a_second_parse() -> None:
    """Word and Ghostscript draw some spaces in render mode 3 on ordinary pages (`3 Tr ( ) Tj`)."""

    def draw(pdf: canvas.Canvas) -> None:
        _text(pdf, CLEAN)
        _text(pdf, [" " * 40, " . "], mode=3)

    data = build_pdf(draw)
    # The `3 Tr` is seen (the dot counts), and what it draws is too little for a layer, so the page
    # is not interpreted again to find which characters are invisible.
    assert 0 < with_page(data, hidden_text_estimate) < LayerSettings().min_chars
    assert with_page(data, layer_kind) == "visible"
    assert with_page(data, judge_page) is None


def test_an_image_only_page_has_no_layer() -> None:
    data = build_pdf(lambda pdf: pdf.drawImage(_scan_image(), 0, 0, WIDTH, HEIGHT))
    assert with_page(data, layer_kind) == "none"
    assert with_page(data, judge_page) is None


def test_text_printed_over_a_background_picture_is_ordinary_text() -> None:
    def draw(pdf: canvas.Canvas) -> None:
        pdf.drawImage(_scan_image(), 0, 0, WIDTH, HEIGHT)
        _text(pdf, CLEAN)

    data = build_pdf(draw)
    assert with_page(data, layer_kind) == "visible"
    assert with_page(data, judge_page) is None


def test_a_clean_invisible_layer_over_a_scan_is_trusted() -> None:
    data = scan_with_layer(CLEAN)
    assert with_page(data, layer_kind) == "invisible"
    kind, words = with_page(data, layer_words)
    assert kind == "invisible"
    assert words[:4] == ["Contractual", "Key", "Performance", "Indicators"]
    verdict = with_page(data, judge_page)
    assert isinstance(verdict, LayerVerdict)
    assert verdict.trusted, verdict.reasons
    assert verdict.score > 0.9
    assert verdict.reasons[0].startswith("text layer reads cleanly: word rate")


def test_a_damaged_invisible_layer_is_not_trusted_and_says_why() -> None:
    data = scan_with_layer(DAMAGED, font=_lookalike_font())
    words = with_page(data, layer_words)[1]
    assert "Кеу" in words and "Тrust" in words  # the Cyrillic letters came through the PDF
    verdict = with_page(data, judge_page)
    assert verdict is not None and not verdict.trusted
    assert verdict.score < 0.9
    reasons = " | ".join(verdict.reasons)
    assert "homoglyphs in 2 words ('Кеу', 'Тrust')" in reasons
    assert "digit/percent confusions ('5570', '5470', '5470', ...)" in reasons
    assert "8 digit/percent confusions" in reasons  # the row of seven, and `9070` among percentages
    assert "letters inside 2 figures ('1O0%', 'l00%')" in reasons
    assert "of words split ('me asure'" in reasons


def test_an_invisible_layer_in_a_form_is_found() -> None:
    """OCR software often grafts its layer onto the page as a form XObject."""

    def draw(pdf: canvas.Canvas) -> None:
        pdf.drawImage(_scan_image(), 0, 0, WIDTH, HEIGHT)
        pdf.beginForm("ocr_layer")
        _text(pdf, CLEAN, mode=3)
        pdf.endForm()
        pdf.doForm("ocr_layer")

    data = build_pdf(draw)
    assert with_page(data, layer_kind) == "invisible"
    verdict = with_page(data, judge_page)
    assert verdict is not None and verdict.trusted


def test_visible_text_under_a_page_sized_image_is_an_under_image_layer() -> None:
    def draw(pdf: canvas.Canvas) -> None:
        _text(pdf, DAMAGED[:3] + CLEAN[3:])
        pdf.drawImage(_scan_image(), 0, 0, WIDTH, HEIGHT)

    data = build_pdf(draw)
    assert with_page(data, layer_kind) == "under_image"
    verdict = with_page(data, judge_page)
    assert verdict is not None and not verdict.trusted
    assert any("digit/percent confusions" in r for r in verdict.reasons)


def test_settings_override_the_defaults() -> None:
    data = scan_with_layer(CLEAN)
    assert with_page(data, lambda page: judge_page(page, {"min_layer_share": 1.1})) is None  # no layer then
    strict = with_page(data, lambda page: judge_page(page, {"min_word_rate": 1.01}))
    assert strict is not None and not strict.trusted
    assert strict.reasons[0].startswith("word rate 1.00 < 1.01")


# ---------------------------------------------------------------------------------------------
# The judge on words
# ---------------------------------------------------------------------------------------------


def _w(text: str) -> list[str]:
    """The words of a line, as extract_words gives them."""
    return text.split()


def test_the_word_list_and_the_vocabulary() -> None:
    words = lexicon()
    for word in ("organisation", "safeguarding", "timescales", "Assessments", "re-referrals", "children's",
                 "Amber", "tolerance", "comparators", "Sept"):
        assert is_known(word, words), word
    for fragment in ("asure", "Improvin", "ments", "dren", "acheived"):
        assert not is_known(fragment, words), fragment
    assert {"amber", "awaiting", "tolerance", "november"} <= vocabulary_words()
    assert "etrange" not in vocabulary_words()  # column roles are squashed, not words


def test_a_clean_page_of_counts_with_some_70s_passes() -> None:
    counts = _w("1170 1234 987 1540 2201 1096 1876 2310 1409 1555 1780 1312 1401 2270 1999 1045 1111 1432 1290 1723 "
                "1389 1502 1644 1820 2015")
    words = ["Number of referrals received in the month", *counts[:12], "Number of assessments completed",
             *counts[12:], "Children in need 95% 94% 93%"]
    assert percent_confusions(words) == []
    verdict = judge_layer(words)
    assert verdict.trusted, verdict.reasons


def test_digit_percent_confusions() -> None:
    # A row of percentages read whole as `NN70`: a run of suspects with nothing else.
    assert percent_confusions(_w("Care leavers in touch 5570 5470 5470 5570 Stable")) == \
        ["5570", "5470", "5470", "5570"]
    # One lost sign among its row's percentages.
    assert percent_confusions(_w("Reviews 89% 91% 8970 86% Stable")) == ["8970"]
    # A count beside percentages that does not read as one of them.
    assert percent_confusions(_w("Referrals 1170 95% 94%")) == []
    # Two suspects alone in a row are not enough.
    assert percent_confusions(_w("Referrals 1170 1096 Contacts 1432")) == []
    # A sign glued on as letters is always damage.
    assert percent_confusions(_w("Reviews 55%o 557o")) == ["55%o", "557o"]
    assert lost_percent("5570") == "55%"  # the same reading the OCR repairs make


def test_split_words() -> None:
    words = lexicon()
    assert split_words(_w("Statutory reviews Nev v contract me asure for 201 9/20"), words) == ["me asure"]
    assert split_words(_w("Improvin g outcomes"), words) == ["Improvin g"]
    assert split_words(_w("in to the care system"), words) == []  # both words: not a split


def test_empty_and_figure_only_layers() -> None:
    assert judge_layer([]) == LayerVerdict(False, 0.0, ("no words in the text layer",))
    figures = judge_layer(_w("12 15 18% 20% 2018/19"))
    assert figures.trusted and figures.reasons == ("text layer reads cleanly: figures only",)
    junk = judge_layer(["~~", "==", "--"])
    assert not junk.trusted


# ---------------------------------------------------------------------------------------------
# Properties: clean report text is trusted, the same text damaged is not
# ---------------------------------------------------------------------------------------------

VOCAB = sorted(w for w in vocabulary_words() if len(w) >= 3 and w.isalpha())
SENTENCES = [
    "Performance improved this quarter because more assessments were completed on time",
    "The service recruited permanent managers and we expect the measure to improve",
    "Fewer children were placed with foster carers outside the area than last year",
    "Caseloads remain high in two teams and this is being reviewed by senior managers",
    "Audits found that plans were clear and that children were seen regularly",
]
_LATIN_TO_CYRILLIC = {v: k for k, v in vocabulary()["ocr_homoglyphs"].items() if k in _CYRILLIC}
_DIGIT_SIGNS = [s for s in vocabulary()["ocr_percent"]["suffixes"]]
_OCR_LETTERS = {"m": "rn", "d": "cl", "h": "li", "w": "vv", "e": "c", "a": "o", "n": "ri", "u": "ii"}

Token = tuple[str, str]  # (text, kind): word, pct, count, other


@st.composite
def report_page(draw: st.DrawFn) -> list[Token]:
    """Rows of a report: a label (vocabulary words or a sentence), then figures of one kind."""
    tokens: list[Token] = []
    for _ in range(draw(st.integers(4, 9))):
        if draw(st.booleans()):
            label = draw(st.lists(st.sampled_from(VOCAB), min_size=3, max_size=6))
        else:
            label = draw(st.sampled_from(SENTENCES)).split()
        tokens += [(w, "word") for w in label]
        n = draw(st.integers(4, 7))
        if draw(st.booleans()):
            base = draw(st.integers(0, 100))
            values = [min(100, max(0, base + draw(st.integers(-10, 10)))) for _ in range(n)]
            tokens += [(f"{v}%", "pct") for v in values]
        else:
            tokens += [(str(draw(st.integers(0, 5000))), "count") for _ in range(n)]
    # Counts end in 70, 76 or 96 about three times in a hundred: at most two on a clean page.
    seen = 0
    for i, (text, kind) in enumerate(tokens):
        if kind == "count" and lost_percent(text):
            seen += 1
            if seen > 2:
                tokens[i] = (str(int(text) + 1), kind)
    return tokens


def texts(tokens: Sequence[Token]) -> list[str]:
    return [t for t, _ in tokens]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(report_page())
def test_clean_report_text_is_trusted(page: list[Token]) -> None:
    verdict = judge_layer(texts(page))
    assert verdict.trusted, verdict.reasons
    assert verdict.score >= LayerSettings().min_word_rate


def _garble(word: str) -> str:
    """A word as a poor engine reads it (`rn` for `m`, `cl` for `d`, `c` for `e`): never a word."""
    garbled = "".join(_OCR_LETTERS.get(ch, ch) for ch in word)
    if is_known(garbled, lexicon()):
        garbled = garbled[:1] + "ii" + garbled[1:]
    return garbled


def _split(word: str) -> list[str] | None:
    """The word cut in two where one piece is no word (`me asure`), or None where every cut gives words."""
    for cut in range(2, len(word) - 1):
        left, right = word[:cut], word[cut:]
        if not is_known(left, lexicon()) or not is_known(right, lexicon()):
            return [left, right]
    return None


@st.composite
def damaged_page(draw: st.DrawFn) -> tuple[list[str], str]:
    """A clean report page with one kind of damage at a rate that must fail it: (words, reason)."""
    page = draw(report_page())
    kind = draw(st.sampled_from(["garble", "percent", "glyph", "letters", "split"]))
    rated = [i for i, (t, k) in enumerate(page) if k == "word" and len(t) >= 3]
    out: list[list[str]] = [[t] for t, _ in page]
    if kind == "garble":
        # At least half the words read as no word: the word rate falls below 0.70.
        chosen = draw(st.lists(st.sampled_from(rated), min_size=(len(rated) + 1) // 2, unique=True))
        for i in chosen:
            out[i] = [_garble(page[i][0])]
        changed = sum(1 for i in rated if not is_known(out[i][0], lexicon()))
        assert changed * 2 >= len(rated)
        return [w for ws in out for w in ws], "word rate"
    if kind == "percent":
        # At least half the whole percentages (and three) lose their sign to `70`, `96`, `7o`, ...
        percents = [i for i, (_, k) in enumerate(page) if k == "pct"]
        assume(len(percents) >= 3)
        chosen = draw(st.lists(st.sampled_from(percents), min_size=max(3, (len(percents) + 1) // 2), unique=True))
        for i in chosen:
            out[i] = [page[i][0].rstrip("%") + draw(st.sampled_from(_DIGIT_SIGNS))]
        return [w for ws in out for w in ws], "digit/percent confusion"
    if kind == "glyph":
        able = [i for i in rated if any(ch in _LATIN_TO_CYRILLIC for ch in page[i][0])]
        assume(able)
        for i in draw(st.lists(st.sampled_from(able), min_size=1, max_size=3, unique=True)):
            word = page[i][0]
            at = draw(st.sampled_from([j for j, ch in enumerate(word) if ch in _LATIN_TO_CYRILLIC]))
            out[i] = [word[:at] + _LATIN_TO_CYRILLIC[word[at]] + word[at + 1:]]
        return [w for ws in out for w in ws], "homoglyphs"
    if kind == "letters":
        able = [i for i, (t, k) in enumerate(page) if k in ("pct", "count") and sum(c.isdigit() for c in t) >= 2
                and any(c in "01" for c in t)]
        assume(able)
        for i in draw(st.lists(st.sampled_from(able), min_size=1, max_size=3, unique=True)):
            figure = page[i][0]
            at = draw(st.sampled_from([j for j, ch in enumerate(figure) if ch in "01"]))
            out[i] = [figure[:at] + {"0": "O", "1": "l"}[figure[at]] + figure[at + 1:]]
        return [w for ws in out for w in ws], "letters inside"
    # split: a tenth or more of the words (and two) cut in two where a piece is no word
    able = [i for i in rated if len(page[i][0]) >= 5 and _split(page[i][0])]
    assume(len(able) >= max(2, len(rated) // 10))
    chosen = draw(st.lists(st.sampled_from(able), min_size=max(2, len(rated) // 10), unique=True))
    for i in chosen:
        out[i] = _split(page[i][0]) or [page[i][0]]
    return [w for ws in out for w in ws], "of words split"


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(damaged_page())
def test_damaged_report_text_is_not_trusted(case: tuple[list[str], str]) -> None:
    words, reason = case
    verdict = judge_layer(words)
    assert not verdict.trusted, words
    assert any(reason in r for r in verdict.reasons), (reason, verdict.reasons)
