"""Scanned sample reports with exact truth (issue #13): the project's own generated reports, damaged as
scanners, OCR tools and copy-and-paste damage them.

Three damages, each applied to every page of a text PDF by ``scan_pdf``:

* ``image``: the page as a scanner returns it, an image-only PDF page (no text layer at all). The text
  PDF is rendered with pypdfium2 at 150, 200 or 300 dpi (grey or colour), its paper toned and its ink
  greyed, rotated 1-3 degrees either way (less when the ink would leave the sheet), blurred a little,
  given gaussian noise and salt-and-pepper specks, and saved as a JPEG of quality 35-75 (50-75 at
  150 dpi) that is embedded as it is. The PDF page keeps the original size in points.
* ``layer``: the same scanned image with an invisible OCR text layer over it (text render mode 3, as
  ocrmypdf writes it), placed word by word where the original words were (each word's start turned
  with the image, the word itself level, a space after it). Its text is damaged the way OCR damages
  it: ``%`` read as ``70`` or ``96`` (``55%`` -> ``5570``), digits and letters mistaken for each other
  (``0``/``O``, ``1``/``l``, ``5``/``S``, ``8``/``B``), Latin letters read as Cyrillic lookalikes
  (``а е о р с``), words split in two (sometimes with a ``|`` between, as when a phrase runs over cell
  walls) and a few words dropped.
* ``picture``: a text page (real text layer: the original's lines above and below the table, a
  paragraph of prose, a running footer) on which the page's tables are pasted as one picture (a crop
  of the rendered page, JPEG, no rotation) covering about 40-65% of the page (a short or narrow table
  takes in the blank paper or notes around it, as a screenshot does), so the table's figures exist
  only in the image. The tables are found with pdfplumber's ruling-line finder; a page
  with none is redrawn as text only.

``generate_scans`` writes a folder of such PDFs from the project's generators (nothing is invented
here): contract grids, improvement scorecards and target-setting tables (``samples.generate``),
indicator-card reports (``samples.cards``), audit-judgement reports (``samples.layouts``, ruled or
borderless) and measure long-lists (``samples.layouts``: a Word document, laid out landscape with
wide measure columns and each outcome on its own page, then printed to PDF by LibreOffice).

Truth (``OUT/truth``) is written as ``samples.generate.generate_folder`` writes it: observations.csv
(``FULL_OBSERVATION_FIELDS``), measures.csv (``MEASURE_FIELDS``), benchmarks.csv
(``BENCHMARK_FIELDS``), quarantine.csv when a generator says a cell must be quarantined (the random
reports used here have none), and measure_definitions.csv for the long-lists (as
``samples.layouts.write_folder`` writes it). ``source_file`` is the scanned file's name. The truth is
what is printed on the page images: every damage keeps every printed mark of the text PDF (rotation is
limited so no ink leaves the sheet; a picture holds the table's whole region), and the damaged OCR
layer is deliberately not the truth. Rows the card and audit generators do not describe are left
empty (cards: no ``period_label`` or ``unit`` for comparators; audits and long-lists: only the fields
their generators give); ``raw_text`` of a card figure is the text the card prints for it.

Usage: ``python -m samples.scans OUT [--pages N] [--seed S]``.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import math
import random
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageFilter
from reportlab import rl_config
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from samples import cards, layouts
from samples import generate as grids

DAMAGES = ("image", "layer", "picture")
STYLES = ("contract", "improvement", "target", "cards", "audit", "longlist")
# Every style as an image-only scan, most with a damaged OCR layer, the ruled tables as pasted pictures.
PLAN: tuple[tuple[str, str], ...] = (
    ("contract", "image"), ("improvement", "image"), ("target", "image"), ("cards", "image"),
    ("audit", "image"), ("longlist", "image"),
    ("contract", "layer"), ("improvement", "layer"), ("target", "layer"), ("audit", "layer"), ("cards", "layer"),
    ("contract", "picture"), ("improvement", "picture"), ("target", "picture"), ("audit", "picture"),
)
SCAN_DPIS = (150, 200, 300)
PICTURE_DPIS = (150, 200)

OBSERVATION_FIELDS = grids.FULL_OBSERVATION_FIELDS
MEASURE_FIELDS = grids.MEASURE_FIELDS
BENCHMARK_FIELDS = grids.BENCHMARK_FIELDS
QUARANTINE_FIELDS = grids.QUARANTINE_FIELDS
DEFINITION_FIELDS = ("measure_label", "section", "outcome", "objectives", "existing_flag", "target_flag", "dot_flag")
_NUMBERS = {"value", "numerator", "denominator", "target_value", "tolerance_low", "tolerance_high"}

# What OCR makes of characters (seed 000: `5570` for `55%`; lookalikes in both directions).
PERCENT_MISREADS = (("70", 55), ("96", 35), ("", 10))  # (what `%` becomes, weight)
DIGIT_AS_LETTER = {"0": "O", "1": "l", "5": "S", "8": "B", "2": "Z", "6": "b"}
LETTER_AS_DIGIT = {"O": "0", "o": "0", "l": "1", "I": "1", "S": "5", "B": "8", "Z": "2"}
HOMOGLYPHS = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "A": "А", "E": "Е", "O": "О", "P": "Р", "C": "С"}


# ---------------------------------------------------------------------------------------------
# Scanning one PDF
# ---------------------------------------------------------------------------------------------


@contextlib.contextmanager
def _raw_jpeg() -> Iterator[None]:
    """JPEGs embedded as they are (DCTDecode only), not also ASCII85-encoded, for this block only."""
    before = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = before


def scan_pdf(pdf: Path, out: Path, seed: int, damage: str = "image", dpi: int = 200) -> Path:
    """Write ``out``: every page of the text PDF ``pdf`` with ``damage`` (``image``, ``layer`` or ``picture``).

    ``dpi`` is the scanning resolution (``image``, ``layer``) or the resolution of the pasted picture as
    shown on the page (``picture``). Page sizes in points are those of ``pdf``. The same arguments give
    the same pages. Returns ``out``.
    """
    import pdfplumber
    import pypdfium2 as pdfium

    if damage not in DAMAGES:
        raise ValueError(f"unknown damage {damage!r}; expected one of {DAMAGES}")
    pdf, out = Path(pdf), Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"scan:{seed}:{damage}:{dpi}")
    colour = rng.random() < 0.3
    document = pdfium.PdfDocument(str(pdf))
    try:
        with pdfplumber.open(pdf) as plumbed, _raw_jpeg():
            pages = plumbed.pages
            footer = _first_line(pages[0]) if pages else ""
            sheet = canvas.Canvas(str(out), pagesize=(float(pages[0].width), float(pages[0].height)), invariant=1)
            sheet.setCreator("samples.scans")
            for i, page in enumerate(pages):
                width, height = float(page.width), float(page.height)
                sheet.setPageSize((width, height))
                noise = np.random.default_rng(zlib.crc32(f"{seed}:{i}:{damage}:{dpi}".encode()))
                if damage == "picture":
                    _picture_page(sheet, document[i], page, rng, dpi, footer)
                else:
                    jpeg, angle = _scanned_image(document[i], dpi, rng, noise, colour)
                    sheet.drawImage(ImageReader(io.BytesIO(jpeg)), 0, 0, width, height)
                    if damage == "layer":
                        _ocr_layer(sheet, page, angle, rng)
                sheet.showPage()
            sheet.save()
    finally:
        document.close()
    return out


def _scanned_image(page: Any, dpi: int, rng: random.Random, noise: np.random.Generator,
                   colour: bool) -> tuple[bytes, float]:
    """The page as a scanner sees it, as JPEG bytes, and the angle it was turned by (degrees, anticlockwise)."""
    image = page.render(scale=dpi / 72, grayscale=not colour).to_pil().convert("RGB" if colour else "L")
    pixels = np.asarray(image, dtype=np.float32)
    paper, ink = rng.uniform(228.0, 250.0), rng.uniform(12.0, 55.0)
    pixels = ink + (paper - ink) * pixels / 255.0
    grey = pixels.mean(axis=2) if colour else pixels
    angle = _safe_angle(grey < (paper + ink) / 2, rng.uniform(1.0, 3.0) * rng.choice((-1.0, 1.0)))
    turned = Image.fromarray(pixels.clip(0, 255).astype(np.uint8)).rotate(
        angle, resample=Image.Resampling.BICUBIC, fillcolor=(round(paper),) * 3 if colour else round(paper))
    turned = turned.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.8) * dpi / 200))
    pixels = np.asarray(turned, dtype=np.float32)
    pixels = pixels + noise.normal(0.0, rng.uniform(3.0, 9.0), pixels.shape)
    height, width = pixels.shape[:2]
    size = max(1, round(dpi / 150))  # a speck is about the same size on paper at any resolution
    for density, low, high in ((rng.uniform(3e-4, 1.2e-3), 0.0, 110.0), (rng.uniform(5e-4, 2e-3), paper, paper)):
        count = int(density * height * width / size**2)
        ys = noise.integers(0, height - size, count)
        xs = noise.integers(0, width - size, count)
        shade = noise.uniform(low, high, count) if high > low else np.full(count, low)
        for dy in range(size):
            for dx in range(size):
                pixels[ys + dy, xs + dx] = shade[:, None] if colour else shade
    buffer = io.BytesIO()
    quality = rng.randint(35, 75) if dpi >= 200 else rng.randint(50, 75)
    Image.fromarray(pixels.clip(0, 255).astype(np.uint8)).save(buffer, "JPEG", quality=quality, dpi=(dpi, dpi))
    return buffer.getvalue(), angle


def _safe_angle(ink: np.ndarray, angle: float) -> float:
    """``angle``, made smaller until the turned ink stays on the sheet (1% margin); 0 when none does."""
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if not len(rows):
        return angle
    height, width = ink.shape
    cx, cy = width / 2, height / 2
    margin = 0.01 * min(width, height)
    corners = [(x, y) for x in (cols[0], cols[-1]) for y in (rows[0], rows[-1])]
    while abs(angle) >= 0.3:
        t = math.radians(angle)
        turned = [(cx + (x - cx) * math.cos(t) + (y - cy) * math.sin(t),
                   cy - (x - cx) * math.sin(t) + (y - cy) * math.cos(t)) for x, y in corners]
        if all(margin <= x <= width - margin and margin <= y <= height - margin for x, y in turned):
            return round(angle, 3)
        angle *= 0.8
    return 0.0


# ---------------------------------------------------------------------------------------------
# The damaged OCR layer
# ---------------------------------------------------------------------------------------------


def _layer_font() -> str:
    """A registered font that can write the Cyrillic lookalikes (a TrueType font), else Helvetica."""
    fonts = layouts.arrow_fonts()
    return fonts[0][0] if fonts else "Helvetica"


def damage_word(word: str, rng: random.Random, cyrillic: bool = True) -> list[tuple[str, float, float]]:
    """What an OCR engine makes of ``word``: pieces ``(text, start, end)`` with start / end as shares of the
    word's width; none when the word is lost, two (or three, with a ``|``) when it is split."""
    if rng.random() < 0.04:
        return []
    text = word
    if "%" in text and rng.random() < 0.85:
        misread = rng.choices([m for m, _ in PERCENT_MISREADS], weights=[w for _, w in PERCENT_MISREADS])[0]
        text = text.replace("%", misread)
    digits = [k for k, ch in enumerate(text) if ch in DIGIT_AS_LETTER]
    letters = [k for k, ch in enumerate(text) if ch in LETTER_AS_DIGIT]
    if digits and rng.random() < 0.25:
        k = rng.choice(digits)
        text = text[:k] + DIGIT_AS_LETTER[text[k]] + text[k + 1:]
    elif letters and rng.random() < 0.12:
        k = rng.choice(letters)
        text = text[:k] + LETTER_AS_DIGIT[text[k]] + text[k + 1:]
    latin = [k for k, ch in enumerate(text) if ch in HOMOGLYPHS]
    if cyrillic and latin and rng.random() < 0.15:
        for k in rng.sample(latin, rng.randint(1, len(latin))):
            text = text[:k] + HOMOGLYPHS[text[k]] + text[k + 1:]
    if "rn" not in text and "m" in text and rng.random() < 0.04:
        text = text.replace("m", "rn", 1)
    if len(text) >= 4 and rng.random() < 0.08:
        cut = rng.randint(1, len(text) - 1)
        share = cut / len(text)
        if rng.random() < 0.3:
            return [(text[:cut], 0.0, share * 0.9), ("|", share * 0.9, share), (text[cut:], share, 1.0)]
        return [(text[:cut], 0.0, share), (text[cut:], share, 1.0)]
    return [(text, 0.0, 1.0)]


def _ocr_layer(sheet: canvas.Canvas, page: Any, angle: float, rng: random.Random) -> None:
    """Invisible text (render mode 3) over the scanned image: the page's words, damaged, turned by ``angle``."""
    font = _layer_font()
    width, height = float(page.width), float(page.height)
    t = math.radians(angle)
    cos, sin = math.cos(t), math.sin(t)
    cx, cy = width / 2, height / 2
    text = sheet.beginText()
    text.setTextRenderMode(3)
    for word in page.extract_words(keep_blank_chars=False, use_text_flow=False):
        size = max(2.0, float(word["bottom"]) - float(word["top"]))
        left, right = float(word["x0"]), float(word["x1"])
        baseline = height - float(word["bottom"]) + 0.21 * size
        for piece, start, end in damage_word(word["text"], rng, cyrillic=font != "Helvetica"):
            if not piece:
                continue
            x = left + start * (right - left)
            room = max(0.5, (end - start) * (right - left))
            natural = stringWidth(piece, font, size) or room
            # the image turned anticlockwise about the page centre: so is where every word starts (the
            # words stay level, as many OCR tools write them, so text extraction reads them as words)
            xr = cx + (x - cx) * cos - (baseline - cy) * sin
            yr = cy + (x - cx) * sin + (baseline - cy) * cos
            text.setFont(font, size)
            text.setHorizScale(100.0 * room / natural)
            text.setTextOrigin(xr, yr)
            text.textOut(piece)
            text.textOut(" ")  # a space after every word, as OCR layers write them, so that words stay apart
    sheet.drawText(text)


# ---------------------------------------------------------------------------------------------
# Tables pasted as pictures
# ---------------------------------------------------------------------------------------------


@dataclass
class _Line:
    top: float
    bottom: float
    words: list[dict[str, Any]] = field(default_factory=list)


def _lines(words: list[dict[str, Any]]) -> list[_Line]:
    lines: list[_Line] = []
    for word in sorted(words, key=lambda w: (round(float(w["top"])), float(w["x0"]))):
        top, bottom = float(word["top"]), float(word["bottom"])
        if lines and abs(lines[-1].top - top) < 2.0:
            lines[-1].words.append(word)
            lines[-1].bottom = max(lines[-1].bottom, bottom)
        else:
            lines.append(_Line(top, bottom, [word]))
    return lines


def _first_line(page: Any) -> str:
    lines = _lines(page.extract_words())
    return " ".join(w["text"] for w in lines[0].words) if lines else ""


def _table_region(page: Any, words: list[dict[str, Any]]) -> tuple[float, float, float, float] | None:
    """(x0, top, x1, bottom) around every ruled table on the page and any word level with it; None if none."""
    boxes = [t.bbox for t in page.find_tables()]
    if not boxes:
        return None
    region = (min(b[0] for b in boxes) - 2, min(b[1] for b in boxes) - 2,
              max(b[2] for b in boxes) + 2, max(b[3] for b in boxes) + 2)
    return _with_level_words(region, words, float(page.width), float(page.height))


def _with_level_words(region: tuple[float, float, float, float], words: list[dict[str, Any]], width: float,
                      height: float) -> tuple[float, float, float, float]:
    """``region`` grown over every word level with it, so that no word is cut by the picture's edge."""
    x0, top, x1, bottom = region
    for word in words:
        if float(word["bottom"]) > top and float(word["top"]) < bottom:
            x0, x1 = min(x0, float(word["x0"]) - 2), max(x1, float(word["x1"]) + 2)
            top, bottom = min(top, float(word["top"]) - 2), max(bottom, float(word["bottom"]) + 2)
    return max(0.0, x0), max(0.0, top), min(width, x1), min(height, bottom)


def _inside(word: dict[str, Any], region: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = region
    return (x0 <= (float(word["x0"]) + float(word["x1"])) / 2 <= x1
            and top <= (float(word["top"]) + float(word["bottom"])) / 2 <= bottom)


def _draw_words(sheet: canvas.Canvas, words: list[dict[str, Any]], height: float, shift: float = 0.0) -> None:
    """Redraw words as real text (Helvetica), ``shift`` points lower; words close together on a line are drawn
    as one string from the first one's place, so that spacing follows the new font."""
    for line in _lines(words):
        runs: list[list[dict[str, Any]]] = []
        for word in line.words:
            size = float(word.get("size") or float(word["bottom"]) - float(word["top"]))
            if runs and float(word["x0"]) - float(runs[-1][-1]["x1"]) < 0.8 * size:
                runs[-1].append(word)
            else:
                runs.append([word])
        for run in runs:
            first = run[0]
            font = "Helvetica-Bold" if "bold" in str(first.get("fontname", "")).lower() else "Helvetica"
            size = float(first.get("size") or float(first["bottom"]) - float(first["top"]))
            sheet.setFont(font, size)
            baseline = height - (float(first["bottom"]) + shift) + 0.21 * size
            sheet.drawString(float(first["x0"]), baseline, " ".join(w["text"] for w in run))


def _picture_page(sheet: canvas.Canvas, page: Any, plumbed: Any, rng: random.Random, dpi: int, footer: str) -> None:
    """A text page: the lines above the tables, prose, the tables as one picture, the lines below, a footer."""
    width, height = float(plumbed.width), float(plumbed.height)
    words = plumbed.extract_words(extra_attrs=["fontname", "size"])
    region = _table_region(plumbed, words)
    if region is None:
        _draw_words(sheet, words, height)
        return
    top = region[1]
    head = [w for w in words if float(w["bottom"]) <= top + 1 and not _inside(w, region)]
    margin = max(18.0, min(36.0, region[0]))
    _draw_words(sheet, head, height)
    y = max([float(w["bottom"]) for w in head], default=margin) + 10

    prose = " ".join(rng.sample(cards.PROSE, k=rng.randint(2, 3)))
    sheet.setFont("Helvetica", 9)
    for line in cards.wrap_words(prose, "Helvetica", 9, width - 2 * margin):
        y += 11
        sheet.drawString(margin, height - y, line)
    y += 12

    share = rng.uniform(0.42, 0.7)
    while True:
        x0, top, x1, bottom = region
        tail = [w for w in words if float(w["bottom"]) > top + 1 and not _inside(w, region)]
        tail_lines = _lines(tail)
        tail_h = (tail_lines[-1].bottom - tail_lines[0].top + 8) if tail_lines else 0.0
        room_w, room_h = width - 2 * margin, height - margin - 16 - tail_h - y
        crop_w, crop_h = x1 - x0, bottom - top
        scale = min(math.sqrt(share * width * height / (crop_w * crop_h)), room_w / crop_w, room_h / crop_h)
        cover = crop_w * crop_h * scale**2 / (width * height)
        if cover >= 0.38:
            break
        # a small picture: it takes in more of the page around the tables (blank paper, notes), as a screenshot
        # does; sideways when its height is what limits it, else downwards
        if scale >= room_h / crop_h - 1e-9:
            if x0 <= 0 and x1 >= width:
                break
            extra = max(6.0, (crop_w * 0.4 / cover - crop_w) / 2)
            grown = (max(0.0, x0 - extra), top, min(width, x1 + extra), bottom)
        else:
            if bottom >= height - 24:
                break
            grown = (x0, top, x1, min(height - 24, max(bottom + 12, top + crop_h * 0.4 / cover)))
        region = _with_level_words(grown, words, width, height)
    shown_w, shown_h = crop_w * scale, crop_h * scale
    image = page.render(scale=dpi / 72 * scale, crop=(x0, height - bottom, width - x1, top)).to_pil().convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=rng.randint(55, 85), dpi=(dpi, dpi))
    left = margin if rng.random() < 0.5 else (width - shown_w) / 2
    sheet.drawImage(ImageReader(io.BytesIO(buffer.getvalue())), left, height - y - shown_h, shown_w, shown_h)
    y += shown_h + 8
    if tail_lines:
        _draw_words(sheet, tail, height, shift=y - tail_lines[0].top)
    if footer:
        sheet.setFont("Helvetica-Oblique", 7)
        sheet.drawString(margin, 14, footer)


# ---------------------------------------------------------------------------------------------
# Source documents and their truth
# ---------------------------------------------------------------------------------------------


@dataclass
class Truth:
    """Truth rows of one or more documents, keyed by CSV file."""

    observations: list[dict[str, object]] = field(default_factory=list)
    measures: list[dict[str, object]] = field(default_factory=list)
    benchmarks: list[dict[str, object]] = field(default_factory=list)
    quarantine: list[dict[str, object]] = field(default_factory=list)
    definitions: list[dict[str, object]] = field(default_factory=list)

    def extend(self, other: Truth, source_file: str) -> None:
        """Add ``other``'s rows, each naming ``source_file``."""
        for name in ("observations", "measures", "benchmarks", "quarantine", "definitions"):
            getattr(self, name).extend({"source_file": source_file, **row} for row in getattr(other, name))


def _pick(rows: list[dict[str, object]], fields: tuple[str, ...]) -> list[dict[str, object]]:
    """Rows cut to ``fields`` (absent ones None), whole numbers as floats as generate_folder writes them."""
    out = []
    for row in rows:
        picked = {}
        for key in fields:
            value = row.get(key)
            picked[key] = float(value) if key in _NUMBERS and isinstance(value, int) else value
        out.append(picked)
    return out


def _card_raw_text(report: cards.CardReport) -> list[str]:
    """The printed text of each figure ``cards.expected_observations`` lists, in its order."""
    texts: list[str] = []
    for card in report.cards:
        if card.percent is not None:
            texts += [cards._figure(v, "percent") for v in card.percent]
            continue
        for row in card.counts:
            texts += [cards._figure(v, "count") for v in row.values]
    if report.rates is not None:
        for label, values in report.rates.rows:
            for c, (value, marked) in enumerate(values[:2]):
                rolling = c == 0 and label in report.rates.rolling
                texts.append(f"{value} (Rolling 12M)" if rolling else f"{value}{'*' if marked else ''}")
    return texts


def _soffice_pdf(docx: Path, folder: Path, timeout: float = 180.0) -> Path:
    """``docx`` printed to PDF by LibreOffice headless (extractors.legacy.convert), into ``folder``."""
    from scorecards.extractors.legacy import convert

    return convert(docx, folder, "pdf", "pdf", timeout)


def _landscape_long_list(docx: Path) -> None:
    """Lay ``samples.layouts``' long-list out for print: landscape, measure columns wide, flags narrow, and
    every outcome on a page of its own, so that no measure label is broken mid-word and no table runs on."""
    import docx as python_docx
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_BREAK
    from docx.shared import Mm, Pt

    document = python_docx.Document(str(docx))
    document.styles["Normal"].font.size = Pt(8)
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(15))
    usable = 267.0
    for table in document.tables:
        n = len(table.columns)
        if n == 2:
            widths = [45.0, usable - 45.0]
        else:
            per_side, flags = usable / 2, n // 2 - 1
            widths = ([per_side - 18.0 * flags] + [18.0] * flags) * 2
        table.autofit = False
        for col, width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
            col.w = Mm(width)
        for tr in table._tbl.tr_lst:
            c = 0
            for tc in tr.tc_lst:
                tc.width = Mm(sum(widths[c:c + tc.grid_span]))
                c += tc.grid_span
    first = document.tables[0]._tbl
    run = document.add_paragraph().add_run()
    run.add_break(WD_BREAK.PAGE)
    first.addprevious(run._r.getparent())
    document.save(str(docx))


def render_source(style: str, seed: int, folder: Path, damage: str = "image") -> tuple[Path, Truth]:
    """A text PDF of ``style`` drawn from ``seed`` by the project's generators, in ``folder``, with its truth.

    Tables are kept modest (6-10 measures, 3-4 cards) so that a page holds a whole table. ``picture``
    needs ruling lines to find the tables, so it always gets the ruled form.
    """
    rng = random.Random(f"source:{style}:{seed}")
    ruled = damage == "picture" or rng.random() < 0.7
    truth = Truth()
    if style in grids.STYLES:
        n = rng.randint(7, 9) if style == "target" else rng.randint(8 if damage == "picture" else 6, 10)
        model = grids.random_report(seed, style, n)
        path = grids.write_pdf(model, folder / f"{style}_{seed}.pdf", ruled=ruled)
        truth.observations = _pick(grids.expected_observations(model), OBSERVATION_FIELDS)
        truth.measures = _pick(grids.expected_measures(model), MEASURE_FIELDS)
        truth.benchmarks = _pick(grids.expected_benchmarks(model), BENCHMARK_FIELDS)
        truth.quarantine = _pick(grids.expected_quarantine(model), QUARANTINE_FIELDS)
    elif style == "cards":
        report = cards.random_card_report(seed, ruled=rng.random() < 0.3, n_cards=rng.randint(3, 4))
        path = cards.write_pdf(report, folder / report.name)
        observations = cards.expected_observations(report)
        for row, text in zip(observations, _card_raw_text(report), strict=True):
            row["raw_text"] = text
        truth.observations = _pick(observations, OBSERVATION_FIELDS)
        truth.measures = _pick(cards.expected_measures(report), MEASURE_FIELDS)
        truth.benchmarks = _pick(cards.expected_benchmarks(report), BENCHMARK_FIELDS)
    elif style == "audit":
        report = layouts.random_audit_report(seed)
        form = "ruled" if ruled else "borderless"
        path = layouts.write_audit_pdf(report, folder / report.name(form), ruled=ruled)
        truth.observations = _pick(layouts.expected_audit_observations(report), OBSERVATION_FIELDS)
        truth.measures = _pick(layouts.expected_audit_measures(report), MEASURE_FIELDS)
    elif style == "longlist":
        report = layouts.random_long_list(seed)
        docx = layouts.write_long_list(report, folder / report.name)
        _landscape_long_list(docx)
        path = _soffice_pdf(docx, folder)
        truth.measures = _pick(layouts.expected_list_measures(report), MEASURE_FIELDS)
        truth.definitions = _pick(layouts.expected_definitions(report), DEFINITION_FIELDS)
    else:
        raise ValueError(f"unknown style {style!r}; expected one of {STYLES}")
    return path, truth


# ---------------------------------------------------------------------------------------------
# Folders and CLI
# ---------------------------------------------------------------------------------------------


def page_count(pdf: Path) -> int:
    """Pages in a PDF."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        return len(document)
    finally:
        document.close()


def first_pages_joined(parts: list[Path], out: Path) -> Path:
    """One PDF made of the first page of each of `parts`, in order (a document mixing kinds of page)."""
    import pypdfium2 as pdfium

    joined = pdfium.PdfDocument.new()
    try:
        for part in parts:
            source = pdfium.PdfDocument(str(part))
            joined.import_pages(source, [0])
            source.close()
        joined.save(str(out))
    finally:
        joined.close()
    return out


def _write_csv(path: Path, fields: tuple[str, ...], rows: list[dict[str, object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["source_file", *fields], extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def generate_scans(out: Path, pages: int = 40, seed: int = 0) -> list[Path]:
    """Write scanned PDFs covering every (style, damage) of ``PLAN`` (then round again) until they hold at least
    ``pages`` pages, and their truth in ``out/truth``. Returns the PDFs in the order written.

    Document ``k`` is ``<style>_<k>_<damage>.pdf``, drawn from generator seed ``seed * 1000 + k``; its scanning
    resolution is 150, 200 or 300 dpi (a pasted picture 150 or 200).
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    truth = Truth()
    written: list[Path] = []
    total = 0
    with tempfile.TemporaryDirectory(prefix="scorecards-scans-") as tmp:
        k = 0
        while k < len(PLAN) or total < pages:
            style, damage = PLAN[k % len(PLAN)]
            doc_seed = seed * 1000 + k
            rng = random.Random(f"scans:{seed}:{k}")
            dpi = rng.choice(PICTURE_DPIS if damage == "picture" else SCAN_DPIS)
            work = Path(tmp) / f"{k:03d}"
            work.mkdir()
            source, rows = render_source(style, doc_seed, work, damage)
            scanned = scan_pdf(source, out / f"{style}_{k:03d}_{damage}.pdf", doc_seed, damage, dpi)
            truth.extend(rows, scanned.name)
            written.append(scanned)
            total += page_count(scanned)
            k += 1
    folder = out / "truth"
    folder.mkdir(exist_ok=True)
    _write_csv(folder / "observations.csv", OBSERVATION_FIELDS, truth.observations)
    _write_csv(folder / "measures.csv", MEASURE_FIELDS, truth.measures)
    _write_csv(folder / "benchmarks.csv", BENCHMARK_FIELDS, truth.benchmarks)
    if truth.quarantine:
        _write_csv(folder / "quarantine.csv", QUARANTINE_FIELDS, truth.quarantine)
    if truth.definitions:
        _write_csv(folder / "measure_definitions.csv", DEFINITION_FIELDS, truth.definitions)
    return written


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m samples.scans OUT [--pages N] [--seed S]``."""
    parser = argparse.ArgumentParser(prog="python -m samples.scans", description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--pages", type=int, default=40, help="at least this many pages in all (default 40)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    made = generate_scans(args.out, args.pages, args.seed)
    print(f"wrote {len(made)} scanned PDFs ({sum(page_count(p) for p in made)} pages) and truth/ to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
