"""pdfium reads a page as pdfplumber does (extractors/page_objects.py), or leaves it to pdfplumber.

Pages are drawn here with reportlab: text in the standard fonts and in an embedded TrueType subset,
set directly or as `1 Tf` scaled by the text matrix (as Word and LibreOffice write it), ruling
lines, filled and stroked rectangles and curves. Each is read both ways and compared object by object.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pdfplumber
import pytest
import reportlab
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from scorecards.extractors.page_objects import font_facts, read_page
from scorecards.extractors.pdf import extract_pdf
from scorecards.extractors.render import open_pdfium

from samples.generate import random_report
from samples.pdf_render import write_pdf

VERA = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"
pdfmetrics.registerFont(TTFont("Vera", str(VERA)))
FONTS = ["Helvetica", "Helvetica-Bold", "Times-Roman", "Courier", "Vera"]
WIDTH, HEIGHT = 595.0, 842.0

words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789%£/()-.,", min_size=1,
                max_size=12)
texts = st.tuples(st.just("text"), st.sampled_from(FONTS), st.floats(6, 24), st.floats(20, 400),
                  st.floats(40, 800), st.lists(words, min_size=1, max_size=4).map(" ".join), st.booleans())
lines = st.tuples(st.just("line"), st.floats(10, 580), st.floats(10, 830), st.floats(10, 580), st.floats(10, 830),
                  st.sampled_from([0.25, 0.5, 1.0, 2.0]))
rects = st.tuples(st.just("rect"), st.floats(10, 400), st.floats(10, 700), st.floats(2, 180), st.floats(2, 120),
                  st.booleans(), st.booleans(), st.sampled_from([(0.9, 0.2, 0.2), (0.85, 0.85, 0.85), (0, 0, 0)]))
curves = st.tuples(st.just("curve"), st.lists(st.floats(10, 580), min_size=8, max_size=8))
drawings = st.lists(st.one_of(texts, lines, rects, curves), min_size=1, max_size=25)


def draw(path: Path, items: list[tuple[Any, ...]]) -> Path:
    c = canvas.Canvas(str(path), pagesize=(WIDTH, HEIGHT), invariant=1)
    for item in items:
        kind = item[0]
        if kind == "text":
            _, font, size, x, y, text, scaled = item
            c.saveState()
            if scaled:  # `1 Tf` and the size in the matrix
                c.translate(x, y)
                c.scale(size, size)
                c.setFont(font, 1)
                c.drawString(0, 0, text)
            else:
                c.setFont(font, size)
                c.drawString(x, y, text)
            c.restoreState()
        elif kind == "line":
            _, x0, y0, x1, y1, width = item
            c.setLineWidth(width)
            c.line(x0, y0, x1, y1)
        elif kind == "rect":
            _, x, y, w, h, fill, stroke, colour = item
            c.setFillColorRGB(*colour)
            c.rect(x, y, w, h, fill=int(fill), stroke=int(stroke or not fill))
        else:
            p = item[1]
            c.bezier(*p)
    c.save()
    return path


def both(path: Path) -> tuple[Any, Any]:
    pdf = pdfplumber.open(path)
    with open_pdfium(path) as doc:
        quick = read_page(doc[0], pdf.pages[0], font_facts(pdf))
    return pdf.pages[0], quick


def _close(a: float, b: float, tolerance: float) -> bool:
    return abs(float(a) - float(b)) <= tolerance


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(items=drawings)
def test_pdfium_reads_a_drawn_page_as_pdfplumber_does(tmp_path: Path, items: list[tuple[Any, ...]]) -> None:
    # Text drawn twice in one place (fake bold) is the one thing read differently on purpose: see below.
    starts = [(i[3], i[4]) for i in items if i[0] == "text"]
    assume(len(starts) == len(set(starts)))
    plumber, quick = both(draw(tmp_path / "page.pdf", items))
    assert not quick.odd
    assert (quick.width, quick.height) == (plumber.width, plumber.height)

    def printed(chars: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return sorted((c for c in chars if not c["text"].isspace()),
                      key=lambda c: (c["text"], round(c["top"]), round(c["x0"])))

    want, got = printed(plumber.chars), printed(quick.chars)
    assert [c["text"] for c in got] == [c["text"] for c in want]
    for a, b in zip(want, got, strict=True):
        assert _close(a["x0"], b["x0"], 0.01) and _close(a["x1"], b["x1"], 0.01), (a, b)
        assert _close(a["top"], b["top"], 0.01) and _close(a["bottom"], b["bottom"], 0.01), (a, b)
        assert _close(a["size"], b["size"], 0.01)
        assert (a["fontname"], a["upright"]) == (b["fontname"], b["upright"])
    for kind in ("rect", "line", "curve"):
        def boxes(objects: list[dict[str, Any]]) -> list[tuple[float, ...]]:
            return sorted(tuple(round(o[k], 1) for k in ("x0", "top", "x1", "bottom")) for o in objects)

        assert len(quick.objects.get(kind, [])) == len(plumber.objects.get(kind, [])), kind
        for a, b in zip(boxes(plumber.objects.get(kind, [])), boxes(quick.objects.get(kind, [])), strict=True):
            assert all(_close(x, y, 0.11) for x, y in zip(a, b, strict=True)), (kind, a, b)
    assert len(quick.edges) == len(plumber.edges)
    for a, b in zip(sorted(plumber.rects, key=lambda r: (r["top"], r["x0"])),
                    sorted(quick.rects, key=lambda r: (r["top"], r["x0"])), strict=True):
        assert (a["fill"], a["stroke"]) == (b["fill"], b["stroke"])


def test_text_drawn_twice_over_itself_is_read_once(tmp_path: Path) -> None:
    """Fake bold (a word drawn twice in one place): pdfium keeps one copy, where pdfminer's letters
    would read twice (`TToottaall`)."""
    c = canvas.Canvas(str(tmp_path / "bold.pdf"), pagesize=(WIDTH, HEIGHT), invariant=1)
    for _ in range(2):
        c.drawString(72, 700, "Total")
    c.save()
    plumber, quick = both(tmp_path / "bold.pdf")
    assert "".join(ch["text"] for ch in plumber.chars) == "TotalTotal"
    assert "".join(ch["text"] for ch in quick.chars) == "Total"


def _hidden_text(path: Path) -> Path:
    c = canvas.Canvas(str(path), pagesize=(WIDTH, HEIGHT), invariant=1)
    text = c.beginText(72, 700)
    text.setTextRenderMode(3)
    text.textLine("An OCR layer nobody sees")
    c.drawText(text)
    c.save()
    return path


def _turned(path: Path) -> Path:
    c = canvas.Canvas(str(path), pagesize=(WIDTH, HEIGHT), invariant=1)
    c.setPageRotation(90)
    c.drawString(72, 700, "A page turned by /Rotate")
    c.save()
    return path


@pytest.mark.parametrize(("make", "why"), [(_hidden_text, "text drawn invisible"),
                                           (_turned, "page turned by /Rotate")])
def test_pages_pdfium_would_read_differently_are_left_to_pdfplumber(tmp_path: Path, make: Any, why: str) -> None:
    _, quick = both(make(tmp_path / "odd.pdf"))
    assert quick.odd == why


def _tables(path: Path, parser: str) -> list[list[list[str]]]:
    doc = extract_pdf(path, "sha", {"parser": parser})
    return [[[c.text for c in row] for row in t.grid] for t in doc.tables]


@pytest.mark.parametrize("style", ["contract", "improvement", "target"])
@pytest.mark.parametrize("ruled", [True, False])
def test_both_parsers_give_the_same_tables(tmp_path: Path, style: str, ruled: bool) -> None:
    path = write_pdf(random_report(5, style, n_measures=12), tmp_path / "r.pdf", ruled=ruled)
    assert _tables(path, "pdfium") == _tables(path, "pdfminer")
