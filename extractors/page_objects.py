"""A PDF page's characters, ruling lines, rectangles, curves and images, read once through pdfium.

pdfplumber reads a page through pdfminer, in Python: on a text-heavy page that parse is most of the
cost of reading a table, more than finding it. pdfium (pypdfium2, already installed for rendering)
parses the same content in C++: on 451 pages of public reports this reading took 17 s against
pdfplumber's 76 s. `PdfiumPage` offers the page in pdfplumber's own shapes (its `objects`,
`chars`, `rects`, `lines`, `curves`, `images` and `edges`, as dicts with pdfplumber's keys and
top-left coordinates), so every engine downstream reads it unchanged.

Where the two parsers would not give the same reading, the page is not read here: `PdfiumPage.odd`
says why and the caller falls back to pdfplumber for that page: text drawn in an invisible render
mode (an OCR layer, judged by `text_layer` on pdfminer's objects), images covering most of the page
(a scan, perhaps over its own text layer), a page turned by /Rotate or cropped, text not set
upright, Type3 fonts, vertical writing, and fonts where glyphs of different widths map to one text
(small capitals mapped to lower case, which pdfium spells otherwise).

Conventions, chosen to match pdfminer's (and so pdfplumber's):
- a character's box runs across its advance width and from the font's descent to its size above it;
  a font without a descent (pdfium reads it from the font's descriptor, else its file) gets 0;
- paths are classified as pdfminer does: one segment is a line, a closed axis-aligned four-sided
  path a rectangle, anything else a curve (several subpaths are several objects);
- colours are RGB tuples in 0..1 whatever the PDF's colour space (pdfium converts them).
"""

from __future__ import annotations

import ctypes
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pypdfium2.raw as raw
from pdfminer.pdfinterp import PDFResourceManager
from pdfminer.pdftypes import PDFObjRef, PDFStream, resolve1
from pdfminer.psparser import PSLiteral
from pdfplumber.container import Container
from scorecards.extractors.render import PDFIUM_LOCK

# Text drawn to be found, not seen (OCR layers), which text_layer judges. 3: neither fill nor stroke;
# 7: clip only. 4-6 clip and are seen.
INVISIBLE_MODES = frozenset({3, 7})
Matrix = tuple[float, float, float, float, float, float]

IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)

# The characters pdfium makes up on a text page: spaces between words and line breaks (CR, LF).
_GENERATED_CODES = frozenset({0x20, 0x0D, 0x0A})

# FPDFText_GetTextObject answering a plain address: the characters of one text object are told
# apart by it, and casting pypdfium2's typed pointer to an address for every character was a
# tenth of the reading.
_text_object_address = ctypes.CFUNCTYPE(ctypes.c_void_p, *raw.FPDFText_GetTextObject.argtypes)(
    ctypes.cast(raw.FPDFText_GetTextObject, ctypes.c_void_p).value)


def _multiply(m: Matrix, n: Matrix) -> Matrix:
    """m then n (PDF's row-vector convention: a point p goes to p·m·n)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])


class PdfiumPage(Container):
    """One page in pdfplumber's shapes, read through pdfium. `odd` is why pdfplumber must read it
    instead ("" when this reading is the same as pdfplumber's)."""

    def __init__(self, page_number: int, width: float, height: float, objects: dict[str, list[dict[str, Any]]],
                 odd: str = "") -> None:
        self.page_number = page_number
        self.width = width
        self.height = height
        self.bbox = (0.0, 0.0, width, height)
        self._objects = objects
        self.odd = odd

    @property
    def objects(self) -> dict[str, list[dict[str, Any]]]:
        return self._objects


@dataclass(frozen=True)
class FontFacts:
    """What pdfminer makes of a font, for what a character's dict takes from it."""

    fontname: str  # the descriptor's FontName, subset prefix and all, as pdfplumber reports it
    descent: float  # per unit of size, negative below the baseline (0 when the descriptor says 0)
    odd: str = ""  # why pdfium's reading of this font's characters differs from pdfminer's
    # Advance widths per unit of size, by the text a glyph maps to: pdfminer's box runs across the
    # advance; pdfium's "loose" box falls back to the glyph's ink for fonts without an ascent.
    widths: dict[str, float] = field(default_factory=dict)
    # The fraction of a thousandth pdfium drops from each width (see _Reader._chars), worked out once
    fractions: dict[str, float] = field(default_factory=dict, repr=False, compare=False)


FontKey = tuple[str, bool]  # (base font name without subset prefix, embedded)
SUBSET_PREFIX = re.compile(r"^[A-Z]{6}\+")


def _name(value: Any) -> str:
    value = resolve1(value)
    if isinstance(value, PSLiteral):
        value = value.name
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    return str(value) if value is not None else "unknown"


def _widths(font: Any) -> tuple[dict[str, float], bool]:
    """(the advance of every glyph the font's widths name, by the text it maps to (`ti` for a
    ligature); whether two glyphs of different widths map to one text)."""
    widths: dict[str, float] = {}
    ambiguous: set[str] = set()  # text two glyphs of different widths map to: pdfium's own box decides
    for key, width in (getattr(font, "widths", {}) or {}).items():
        if isinstance(key, str):  # the standard fonts' metrics are keyed by text already
            text = key
        else:
            try:
                text = font.to_unichr(key)
            except Exception:  # a glyph with no text: pdfium has no character for it either
                continue
        if not text or not isinstance(width, (int, float)) or not width:
            continue
        advance = float(width) * font.hscale
        if widths.get(text, advance) != advance:
            ambiguous.add(text)
        widths[text] = advance
    return {text: advance for text, advance in widths.items() if text not in ambiguous}, bool(ambiguous)


def _font_facts(spec: dict[str, Any], font: Any) -> tuple[FontKey, FontFacts]:
    """(the font's key: its base name without the subset prefix and whether it is embedded, as
    pdfium reports them; its facts), as pdfminer's fonts work them out.
    font: pdfminer's font for spec, or None when pdfminer cannot make one."""
    subtype = _name(spec.get("Subtype")) if "Subtype" in spec else "Type1"
    basefont = _name(spec.get("BaseFont"))
    odd = "a Type3 font" if subtype == "Type3" else ""
    if font is not None and font.is_vertical():
        odd = "vertical writing"
    if font is None:
        odd = "a font pdfminer cannot read"
    fontname = _name(getattr(font, "fontname", "unknown"))
    descriptor = resolve1(spec.get("FontDescriptor"))
    if subtype == "Type0":
        descendants = resolve1(spec.get("DescendantFonts"))
        first = resolve1(descendants[0]) if isinstance(descendants, list) and descendants else None
        descriptor = resolve1(first.get("FontDescriptor")) if isinstance(first, dict) else None
    embedded = isinstance(descriptor, dict) and any(k in descriptor for k in ("FontFile", "FontFile2", "FontFile3"))
    descent = float(font.get_descent()) if font is not None else 0.0
    widths, shared = _widths(font) if font is not None and not odd else ({}, False)
    if shared:  # small capitals mapped to lower case beside the capitals: pdfium may spell them otherwise
        odd = "glyphs of different widths share one text"
    return (SUBSET_PREFIX.sub("", basefont), embedded), FontFacts(fontname, descent, odd, widths)


def form_xobjects(resources: Any, seen: set[int] | None = None) -> Iterator[PDFStream]:
    """Every form XObject the resources can draw, forms inside forms too, each once (`seen`: the
    ids of forms already given, shared between calls to skip them again)."""
    seen = set() if seen is None else seen
    resources = resolve1(resources)
    xobjects = resolve1(resources.get("XObject")) if isinstance(resources, dict) else None
    for ref in xobjects.values() if isinstance(xobjects, dict) else ():
        xobj = resolve1(ref)
        key = ref.objid if isinstance(ref, PDFObjRef) else id(xobj)
        if key in seen or not isinstance(xobj, PDFStream) or _name(xobj.get("Subtype")) != "Form":
            continue  # images are never decoded here
        seen.add(key)
        yield xobj
        yield from form_xobjects(xobj.get("Resources"), seen)


def font_facts(pdf: Any) -> dict[FontKey, FontFacts]:
    """Every font a pdfplumber PDF's pages and their forms name, by base font name (subset prefix
    dropped, as pdfium reports it). Reads the fonts' dictionaries only: no page is interpreted."""
    facts: dict[FontKey, FontFacts] = {}
    seen: set[int] = set()
    read: set[int] = set()  # font objects already read (one font may serve many pages)
    manager = PDFResourceManager(caching=True)

    def fonts_of(resources: Any) -> None:
        resources = resolve1(resources)
        fonts = resolve1(resources.get("Font")) if isinstance(resources, dict) else None
        for ref in fonts.values() if isinstance(fonts, dict) else ():
            spec = resolve1(ref)
            key = ref.objid if isinstance(ref, PDFObjRef) else id(spec)
            if not isinstance(spec, dict) or key in read:
                continue
            read.add(key)
            try:
                font = manager.get_font(ref.objid if isinstance(ref, PDFObjRef) else None, spec)
            except Exception:  # pdfminer would fail on this page too; pdfplumber reports how
                font = None
            name, fact = _font_facts(spec, font)
            earlier = facts.get(name)
            if earlier is None:
                facts[name] = fact
            else:  # subsets of one font: each has widths only for its own glyphs (0 for the others)
                for text, width in fact.widths.items():
                    if width and not earlier.widths.get(text):
                        earlier.widths[text] = width

    for page in pdf.pages:
        fonts_of(page.page_obj.resources)
        for form in form_xobjects(page.page_obj.resources, seen):
            fonts_of(form.get("Resources"))
    return facts


class _Reader:
    """Reads one page's objects; holds the ctypes buffers so that each call allocates nothing."""

    def __init__(self, page: Any, page_number: int, fonts: dict[FontKey, FontFacts], size: tuple[float, float],
                 mediabox: Any) -> None:
        self.page = page
        self.page_number = page_number
        self.fonts = fonts
        self.width, self.height = size
        # pdfplumber measures from the media box's top-left; pdfium from PDF space's origin
        self.origin_x, self.origin_y = float(mediabox[0]), float(mediabox[1])
        self.box = raw.FS_RECTF()
        self.matrix = raw.FS_MATRIX()
        self.x, self.y = ctypes.c_double(), ctypes.c_double()
        self.fx, self.fy = ctypes.c_float(), ctypes.c_float()
        self.r, self.g, self.b, self.a = (ctypes.c_uint() for _ in range(4))
        self.fill_mode, self.stroke = ctypes.c_int(), ctypes.c_int()
        self.width_f = ctypes.c_float()
        self.name = ctypes.create_string_buffer(256)
        self.by_font: dict[int, FontFacts] = {}

    # -- coordinates ---------------------------------------------------------------------------

    def top_of(self, y: float) -> float:
        return self.height - (y - self.origin_y)

    # -- characters ----------------------------------------------------------------------------

    def chars(self) -> tuple[list[dict[str, Any]], str]:
        """(the page's characters, why pdfplumber must read the page instead or "")."""
        textpage = self.page.get_textpage()
        try:
            return self._chars(textpage.raw)
        finally:
            textpage.close()

    def _facts(self, font: Any) -> FontFacts:
        key = ctypes.cast(font, ctypes.c_void_p).value or 0
        facts = self.by_font.get(key)
        if facts is None:
            raw.FPDFFont_GetBaseFontName(font, self.name, 256)
            name = self.name.value.decode("latin-1")
            base = SUBSET_PREFIX.sub("", name)
            embedded = bool(raw.FPDFFont_GetIsEmbedded(font))
            # pdfminer and pdfium can disagree on whether a font is embedded: then the name decides
            facts = self.fonts.get((base, embedded)) or self.fonts.get((base, not embedded))
            if facts is None:  # a font pdfminer would not find in the resources: pdfium's own metrics
                ok = raw.FPDFFont_GetDescent(font, ctypes.c_float(1000.0), ctypes.byref(self.fx))
                facts = FontFacts(name, self.fx.value / 1000.0 if ok else 0.0)
            self.by_font[key] = facts
        return facts

    def _chars(self, textpage: Any) -> tuple[list[dict[str, Any]], str]:
        # The hottest loop of the reading (a character at a time, five pdfium calls each): names are
        # bound locally, and what is the same for every character of a text object is worked out
        # once per object. Every figure is computed in the same order as the plain expressions in
        # the comments, so that the floats come out identical.
        out: list[dict[str, Any]] = []
        append = out.append
        m, x, y, box = self.matrix, self.x, self.y, self.box
        origin_x, origin_y, height, page_number = self.origin_x, self.origin_y, self.height, self.page_number
        get_unicode, is_generated, get_origin = raw.FPDFText_GetUnicode, raw.FPDFText_IsGenerated, \
            raw.FPDFText_GetCharOrigin
        last_obj: int | None = None
        facts = FontFacts("unknown", 0.0)
        fontname, widths, fractions = facts.fontname, facts.widths, facts.fractions
        size = stretch = drift = step = descent = 0.0
        matrix: tuple[float, ...] = ()
        previous_key: int | None = None  # the text object and origin of the character before
        last_x = last_y = 0.0
        for i in range(raw.FPDFText_CountChars(textpage)):
            code = get_unicode(textpage, i)
            # A space or line break pdfium made up (the only characters it makes up); pdfminer has
            # only drawn glyphs
            if code in _GENERATED_CODES and is_generated(textpage, i):
                continue
            if code in (0, 0xFFFE, 0xFFFF) or 0xD800 <= code <= 0xDFFF:
                continue
            if code == 2 and raw.FPDFText_IsHyphen(textpage, i):  # pdfium's mark for a line-end hyphen
                code = 0x2D
            key = _text_object_address(textpage, i)
            if key != last_obj:  # the characters of one text object share its font, size and matrix
                last_obj = key
                obj = ctypes.cast(key, raw.FPDF_PAGEOBJECT) if key else None
                facts = self._facts(raw.FPDFTextObj_GetFont(obj)) if obj else FontFacts("unknown", 0.0)
                if facts.odd:
                    return out, facts.odd
                fontname, widths, fractions = facts.fontname, facts.widths, facts.fractions
                raw.FPDFText_GetMatrix(textpage, i, m)  # text space to the page, without the font size
                if not (m.a > 0 and m.d > 0 and abs(m.b) < 1e-6 and abs(m.c) < 1e-6):
                    return out, "text not set upright"
                size = float(raw.FPDFText_GetFontSize(textpage, i)) * m.d  # `1 Tf` scaled by `14 0 0 14 Tm`
                stretch = m.a / m.d  # horizontal scaling
                matrix = (stretch * size, 0.0, 0.0, size)
                descent = facts.descent * size
                drift = 0.0
            get_origin(textpage, i, x, y)
            x_value, y_value = x.value, y.value
            # A glyph without text comes back as its code: pdfminer spells it `(cid:2)`
            text = chr(code) if code >= 32 else f"(cid:{code})"
            if out and key == previous_key and x_value == last_x and y_value == last_y:
                # One glyph, several characters (a ligature, `ti`): pdfminer keeps one character
                drift -= step
                text = out.pop()["text"] + text
            previous_key, last_x, last_y = key, x_value, y_value
            x0 = x_value - origin_x + drift
            advance = widths.get(text)
            step = 0.0
            if advance:
                x1 = x0 + advance * size * stretch
                # pdfium keeps a font's widths as whole thousandths, truncated: it places the next
                # glyph of this text object short by the fraction pdfminer keeps.
                fraction = fractions.get(text)
                if fraction is None:
                    thousandths = round(advance * 1000, 4)
                    fraction = fractions[text] = (thousandths - math.trunc(thousandths)) / 1000
                step = fraction * size * stretch
                drift += step
            else:
                raw.FPDFText_GetLooseCharBox(textpage, i, box)
                x1 = box.right - origin_x
            y0 = y_value + descent - origin_y  # y + descent * size - origin_y
            top = height - (y0 + size)
            append({
                "text": text, "fontname": fontname, "size": size, "upright": True,
                "matrix": (*matrix, x_value - origin_x, y_value - origin_y),
                "x0": x0, "x1": x1, "y0": y0, "y1": y0 + size, "top": top, "bottom": top + size, "doctop": top,
                "width": x1 - x0, "height": size, "object_type": "char", "page_number": page_number,
            })
        return out, ""

    # -- drawings and images -------------------------------------------------------------------

    def walk(self) -> Iterator[tuple[Any, int, Matrix]]:
        """Every page object (descending into forms) with its type and the matrix from its form to the page."""
        def inside(form: Any, to_page: Matrix) -> Iterator[tuple[Any, int, Matrix]]:
            for k in range(raw.FPDFFormObj_CountObjects(form)):
                obj = raw.FPDFFormObj_GetObject(form, k)
                kind = raw.FPDFPageObj_GetType(obj)
                yield obj, kind, to_page
                if kind == raw.FPDF_PAGEOBJ_FORM:
                    yield from inside(obj, _multiply(self._matrix_of(obj), to_page))

        page = self.page.raw
        for k in range(raw.FPDFPage_CountObjects(page)):
            obj = raw.FPDFPage_GetObject(page, k)
            kind = raw.FPDFPageObj_GetType(obj)
            yield obj, kind, IDENTITY
            if kind == raw.FPDF_PAGEOBJ_FORM:
                yield from inside(obj, self._matrix_of(obj))

    def _matrix_of(self, obj: Any) -> Matrix:
        m = self.matrix
        raw.FPDFPageObj_GetMatrix(obj, m)
        return (m.a, m.b, m.c, m.d, m.e, m.f)

    def _colour(self, getter: Any, obj: Any) -> tuple[float, ...] | None:
        if not getter(obj, self.r, self.g, self.b, self.a):
            return None
        return (self.r.value / 255, self.g.value / 255, self.b.value / 255)

    def drawings(self, cover_at_most: float) -> tuple[dict[str, list[dict[str, Any]]], str]:
        """(rect/line/curve/image dicts, why pdfplumber must read the page instead or "")."""
        found: dict[str, list[dict[str, Any]]] = {"rect": [], "line": [], "curve": [], "image": []}
        page_area = self.width * self.height
        covered = 0.0
        for obj, kind, to_page in self.walk():
            if kind == raw.FPDF_PAGEOBJ_TEXT:
                if raw.FPDFTextObj_GetTextRenderMode(obj) in INVISIBLE_MODES:
                    return found, "text drawn invisible"
            elif kind == raw.FPDF_PAGEOBJ_PATH:
                self._path(obj, _multiply(self._matrix_of(obj), to_page), found)
            elif kind == raw.FPDF_PAGEOBJ_IMAGE:
                image = self._image(obj, to_page)
                found["image"].append(image)
                covered += image["width"] * image["height"]
                if page_area > 0 and covered >= cover_at_most * page_area:
                    return found, "images cover the page"  # a scan, perhaps over its own text layer
        return found, ""

    def _image(self, obj: Any, to_page: Matrix) -> dict[str, Any]:
        # An image fills the unit square of its own matrix.
        corners = [_apply(to_page, *_apply(self._matrix_of(obj), u, v)) for u, v in ((0, 0), (1, 0), (0, 1), (1, 1))]
        return self._boxed("image", corners, {})

    def _boxed(self, kind: str, points: list[tuple[float, float]], extra: dict[str, Any]) -> dict[str, Any]:
        xs = [p[0] - self.origin_x for p in points]
        ys = [p[1] - self.origin_y for p in points]
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        top, bottom = self.height - y1, self.height - y0
        return {**extra, "x0": x0, "x1": x1, "y0": y0, "y1": y1, "top": top, "bottom": bottom, "doctop": top,
                "width": x1 - x0, "height": y1 - y0, "object_type": kind, "page_number": self.page_number}

    def _path(self, obj: Any, to_page: Matrix, found: dict[str, list[dict[str, Any]]]) -> None:
        if not raw.FPDFPath_GetDrawMode(obj, self.fill_mode, self.stroke):
            return
        fill, stroke = self.fill_mode.value != 0, bool(self.stroke.value)
        if not fill and not stroke:
            return
        style = {
            "linewidth": float(self.width_f.value) if raw.FPDFPageObj_GetStrokeWidth(obj, self.width_f) else 0.0,
            "stroke": stroke, "fill": fill, "evenodd": self.fill_mode.value == raw.FPDF_FILLMODE_ALTERNATE,
            "stroking_color": self._colour(raw.FPDFPageObj_GetStrokeColor, obj),
            "non_stroking_color": self._colour(raw.FPDFPageObj_GetFillColor, obj),
        }
        for ops, pts in self._subpaths(obj, to_page):
            self._paint(ops, pts, style, found)

    def _subpaths(self, obj: Any, to_page: Matrix) -> Iterator[tuple[str, list[tuple[float, float]]]]:
        """Each subpath as pdfminer spells it (m, l, c, h) with one end point per operator, page space."""
        ops: list[str] = []
        pts: list[tuple[float, float]] = []
        pending_curve = 0
        for k in range(raw.FPDFPath_CountSegments(obj)):
            segment = raw.FPDFPath_GetPathSegment(obj, k)
            raw.FPDFPathSegment_GetPoint(segment, self.fx, self.fy)
            point = _apply(to_page, self.fx.value, self.fy.value)
            kind = raw.FPDFPathSegment_GetType(segment)
            if kind == raw.FPDF_SEGMENT_MOVETO:
                if ops:
                    yield "".join(ops), pts
                ops, pts, pending_curve = ["m"], [point], 0
            elif kind == raw.FPDF_SEGMENT_LINETO:
                ops.append("l")
                pts.append(point)
            elif kind == raw.FPDF_SEGMENT_BEZIERTO:
                pending_curve += 1  # pdfium gives a curve as three points; pdfminer keeps its end point
                if pending_curve == 3:
                    ops.append("c")
                    pts.append(point)
                    pending_curve = 0
            if ops and raw.FPDFPathSegment_GetClose(segment):
                ops.append("h")
                pts.append(pts[0])
        if ops:
            yield "".join(ops), pts

    def _paint(self, shape: str, pts: list[tuple[float, float]], style: dict[str, Any],
               found: dict[str, list[dict[str, Any]]]) -> None:
        if not shape.startswith("m"):
            return
        if len(shape) > 3 and shape[-2:] == "lh" and _same(pts[-2], pts[0]):
            shape = shape[:-2] + "h"
            pts = pts[:-2] + pts[-1:]
        corners = pts[:-1] if shape.endswith("h") else pts
        if shape in ("mlh", "ml"):
            kind = "line"
            corners = pts[:2]
        elif shape in ("mlllh", "mllll") and _same(pts[0], pts[4]) and _square(pts):
            kind = "rect"
            corners = pts[:4]
        else:
            kind = "curve"
        extra = dict(style)
        if kind == "curve":
            extra["pts"] = [(px - self.origin_x, self.top_of(py)) for px, py in pts]
        found[kind].append(self._boxed(kind, corners, extra))


def _same(p: tuple[float, float], q: tuple[float, float]) -> bool:
    return math.isclose(p[0], q[0], abs_tol=1e-4) and math.isclose(p[1], q[1], abs_tol=1e-4)


def _square(pts: list[tuple[float, float]]) -> bool:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = pts[:4]

    def eq(a: float, b: float) -> bool:
        return math.isclose(a, b, abs_tol=1e-4)

    return (eq(x0, x1) and eq(y1, y2) and eq(x2, x3) and eq(y3, y0)) or (
        eq(y0, y1) and eq(x1, x2) and eq(y2, y3) and eq(x3, x0))


def read_page(page: Any, plumbed: Any, fonts: dict[FontKey, FontFacts], cover_at_most: float = 0.8) -> PdfiumPage:
    """One page through pdfium, in pdfplumber's shapes.

    page: the pdfium page; plumbed: the same page as pdfplumber opened it (unparsed: only its
    number, boxes and rotation are read, exact where pdfium's are single-precision); fonts:
    `font_facts` of the PDF; cover_at_most: the share of the page images may cover before it counts
    as a scan and is left to pdfplumber and the text-layer judge (text_layer's min_image_cover).
    """
    width, height = float(plumbed.width), float(plumbed.height)
    if plumbed.rotation:
        return PdfiumPage(plumbed.page_number, width, height, {}, "page turned by /Rotate")
    if tuple(plumbed.cropbox) != tuple(plumbed.mediabox):
        return PdfiumPage(plumbed.page_number, width, height, {}, "crop box smaller than the media box")
    with PDFIUM_LOCK:
        reader = _Reader(page, plumbed.page_number, fonts, (width, height), plumbed.page_obj.mediabox)
        drawn, odd = reader.drawings(cover_at_most)
        chars, odd = reader.chars() if not odd else ([], odd)
    return PdfiumPage(plumbed.page_number, width, height, {"char": chars, **drawn}, odd)
