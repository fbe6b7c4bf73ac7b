"""Tables from text PDFs: several engines propose cell rectangles, a quality check picks one per region.

Engines: pdfplumber and camelot's lattice read ruling lines; `text_tables` reads the alignment of
words where a page (or a part of it) has no lines. Every engine only proposes rectangles; the text of
each cell is read by `geometry.fill_text`, so tables from different engines compare like for like.

Settings are `extractors.settings.PdfSettings` (frozen, validated when read, as pdfplumber's
TableSettings), within the `ExtractionSettings` that `resolve` makes of a run's dict, so a run's
behaviour is visible in one place.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from operator import itemgetter
from pathlib import Path
from typing import Any

import numpy as np
import pdfplumber
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfplumber.table import TableFinder
from pdfplumber.utils.exceptions import PdfminerException
from scorecards.extractors.geometry import cut_words, fill_text, grid_from_rects, lines_with_segments
from scorecards.extractors.model import BBox, ExtractedDocument, ExtractionError, PageSource, Table, TextLine
from scorecards.extractors.ocr import PageReading, needs_ocr, ocr_pages, ocr_regions, picture_regions
from scorecards.extractors.page_objects import PdfiumPage, font_facts, read_page
from scorecards.extractors.render import open_pdfium
from scorecards.extractors.settings import ExtractionSettings, PdfSettings, SettingsInput, resolve
from scorecards.extractors.stitch import stitch_continued_tables
from scorecards.extractors.text_layer import judge_page
from scorecards.extractors.text_tables import find_text_tables, is_number

log = logging.getLogger(__name__)
_EXTENT = itemgetter("x0", "x1", "top", "bottom")


@dataclass
class Candidate:
    engine: str
    rects: list[BBox]
    bbox: BBox
    prose: float = 0.0  # share of the table's columns that read as running text (text engine only)


@dataclass
class PageView:
    """A page's characters and ruling edges in reading orientation, and the way back to page coordinates.

    A page printed sideways (a landscape table on a portrait page) is read turned upright, so that
    rows run left to right for every engine; `to_page` maps a box back for lineage.
    """

    number: int
    chars: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    bands: list[BBox]  # shaded rectangles: row and title backgrounds
    marks: list[BBox]  # drawing no table has: slanted lines, long curves, bars of a bar chart
    bbox: BBox
    to_page: Callable[[BBox], BBox]
    turned: bool

    @cached_property
    def centres(self) -> np.ndarray:
        """char_centres(chars): the visible characters' rows of the centres worked out for all of them."""
        visible = np.fromiter((bool(ch["text"].strip()) for ch in self.chars), dtype=bool, count=len(self.chars))
        return self._every_centre[visible]

    @cached_property
    def _every_centre(self) -> np.ndarray:
        """The centre of every character, spaces too, in the order of `chars`."""
        boxes = np.array(list(map(_EXTENT, self.chars)), dtype=float).reshape(-1, 4)
        return np.column_stack(((boxes[:, 0] + boxes[:, 1]) / 2, (boxes[:, 2] + boxes[:, 3]) / 2))

    def _inside(self, box: Any) -> np.ndarray:
        x, y = self._every_centre[:, 0], self._every_centre[:, 1]
        return (box[0] <= x) & (x <= box[2]) & (box[1] <= y) & (y <= box[3])

    def chars_within(self, box: Any) -> list[dict[str, Any]]:
        """The characters whose centre is in box (edges included), in page order."""
        return [self.chars[i] for i in np.flatnonzero(self._inside(box))]

    def chars_outside(self, boxes: list[Any]) -> list[dict[str, Any]]:
        """The characters whose centre is in none of boxes, in page order."""
        taken = np.zeros(len(self.chars), dtype=bool)
        for box in boxes:
            taken |= self._inside(box)
        return [self.chars[i] for i in np.flatnonzero(~taken)]


def _overlap(a: BBox, b: BBox) -> float:
    """Intersection over the smaller box: 1.0 when one table sits inside the other."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return (w * h) / smaller if smaller else 0.0


def _within(ch: dict[str, Any], box: BBox) -> bool:
    cx, cy = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


# ---------------------------------------------------------------------------------------------
# Reading orientation
# ---------------------------------------------------------------------------------------------


def _turn(box: BBox, up: bool) -> BBox:
    """A box in coordinates turned a quarter so sideways text reads left to right.

    up: the text reads bottom to top (turned anticlockwise on the page).
    """
    x0, top, x1, bottom = box
    return (-bottom, x0, -top, x1) if up else (top, -x1, bottom, -x0)


def _unturn(box: BBox, up: bool) -> BBox:
    x0, top, x1, bottom = box
    return (top, -x1, bottom, -x0) if up else (-bottom, x0, -top, x1)


def _turned_obj(obj: dict[str, Any], up: bool) -> dict[str, Any]:
    x0, top, x1, bottom = _turn((obj["x0"], obj["top"], obj["x1"], obj["bottom"]), up)
    out = {**obj, "x0": x0, "top": top, "x1": x1, "bottom": bottom, "width": x1 - x0, "height": bottom - top}
    if "orientation" in obj:
        out["orientation"] = "v" if obj["orientation"] == "h" else "h"
    if "upright" in obj:
        out["upright"] = True
    return out


def _is_band(rect: dict[str, Any]) -> bool:
    """A filled, coloured rectangle a few lines high: the background of a row or a title."""
    colour = rect.get("non_stroking_color")
    values = colour if isinstance(colour, (tuple, list)) else (colour,)
    white = all(isinstance(v, (int, float)) and v >= 0.98 for v in values) or (
        len(values) == 4 and all(isinstance(v, (int, float)) and v <= 0.02 for v in values)  # CMYK white
    )
    height = rect["bottom"] - rect["top"]
    return bool(rect.get("fill")) and not white and 4 <= height <= 60 and rect["x1"] - rect["x0"] >= 50


def _box(obj: dict[str, Any]) -> BBox:
    return (obj["x0"], obj["top"], obj["x1"], obj["bottom"])


def chart_marks(page: Any) -> list[BBox]:
    """Drawing that belongs to charts, not tables: slanted line segments, long curves, and bars.

    Bars: three or more filled rectangles of one width standing on one baseline with different
    heights (or of one height from one left edge with different lengths), apart from each other.
    Cell and row backgrounds tile a table instead: side by side, or all the same length.
    """
    marks = [_box(ln) for ln in page.lines if abs(ln["x1"] - ln["x0"]) > 1 and abs(ln["bottom"] - ln["top"]) > 1]
    marks += [_box(c) for c in page.curves if c["x1"] - c["x0"] > 10 and c["bottom"] - c["top"] > 10]
    filled = [r for r in page.rects if r.get("fill") and r["x1"] - r["x0"] > 2 and r["bottom"] - r["top"] > 2]
    for thick, base, far, start, end in (
        ("width", "bottom", "top", "x0", "x1"),
        ("height", "x0", "x1", "top", "bottom"),
    ):
        groups: dict[tuple[int, int], list[dict[str, Any]]] = {}
        for r in filled:
            if r[thick] < 60:
                groups.setdefault((round(r[thick] * 2), round(r[base])), []).append(r)
        for group in groups.values():
            group.sort(key=lambda r: r[start])
            apart = all(b[start] - a[end] > 0.5 for a, b in itertools.pairwise(group))
            if apart and len({round(r[far]) for r in group}) >= 3:
                marks += [_box(r) for r in group]
    return marks


def page_view(page: Any) -> PageView:
    """The page in reading orientation: turned a quarter when most of its text runs up or down the page."""
    chars = page.chars
    edges = page.edges
    bands = [r for r in page.rects if _is_band(r)]
    marks = chart_marks(page)
    sideways = [ch for ch in chars if not ch.get("upright", True) and ch["text"].strip()]
    if len(sideways) * 2 <= sum(1 for ch in chars if ch["text"].strip()):
        return PageView(
            page.page_number,
            chars,
            edges,
            [_box(r) for r in bands],
            marks,
            tuple(page.bbox),
            lambda box: box,
            False,
        )
    up = sum(1 for ch in sideways if ch.get("matrix", (0, 1))[1] >= 0) * 2 >= len(sideways)
    return PageView(
        page.page_number,
        [_turned_obj(ch, up) for ch in chars],
        [_turned_obj(e, up) for e in edges],
        [_turn(_box(r), up) for r in bands],
        [_turn(m, up) for m in marks],
        _turn(tuple(page.bbox), up),
        lambda box: _unturn(box, up),
        True,
    )


# ---------------------------------------------------------------------------------------------
# Quality
# ---------------------------------------------------------------------------------------------


def _cell_chars(table: Table, chars: list[dict[str, Any]]) -> dict[int, list[dict[str, Any]]]:
    """The characters under each cell (by centre), keyed by the cell's id; only cells with a
    space in their text, the only ones that can hold several columns or rows of their own."""
    if not chars:
        return {}
    boxes = [cell.bbox for row in table.grid for cell in row if cell.bbox]
    xs = np.array(sorted({b[0] for b in boxes} | {b[2] for b in boxes}))
    ys = np.array(sorted({b[1] for b in boxes} | {b[3] for b in boxes}))
    cx = np.array([(ch["x0"] + ch["x1"]) / 2 for ch in chars])
    cy = np.array([(ch["top"] + ch["bottom"]) / 2 for ch in chars])
    cols = np.minimum(np.searchsorted(xs, cx, side="right") - 1, table.n_cols - 1)
    rows = np.minimum(np.searchsorted(ys, cy, side="right") - 1, table.n_rows - 1)
    out: dict[int, list[dict[str, Any]]] = {}
    inside = (cx >= xs[0]) & (cx <= xs[-1]) & (cy >= ys[0]) & (cy <= ys[-1])
    for ch, r, c, ok in zip(chars, rows.tolist(), cols.tolist(), inside.tolist(), strict=True):
        if ok:
            cell = table.grid[r][c]
            if " " in cell.text:
                out.setdefault(id(cell), []).append(ch)
    return out


def _tabular_inside(cell_chars: list[dict[str, Any]]) -> bool:
    """Does a cell hold a table of its own, because rules are missing inside the frame (one ruled
    header over an unruled body, a frame round a whole table)? Either a line with a gap wider than
    two ems (several columns), or three or more lines of which two are figures (several rows)."""
    lines: dict[int, list[dict[str, Any]]] = {}
    for ch in cell_chars:
        if ch["text"].strip():
            lines.setdefault(round((ch["top"] + ch["bottom"]) / 4), []).append(ch)  # 2-point bands
    figures = 0
    for line in lines.values():
        line.sort(key=lambda ch: ch["x0"])
        if any(b["x0"] - a["x1"] > 2.0 * float(b.get("size") or 8.0) for a, b in itertools.pairwise(line)):
            return True
        figures += is_number("".join(ch["text"] for ch in line))
    return len(lines) >= 3 and figures >= 2


def char_centres(chars: list[dict[str, Any]]) -> np.ndarray:
    """Centres (x, y) of the visible characters, one row each: for box counts over a whole page."""
    points = [((ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2) for ch in chars if ch["text"].strip()]
    return np.array(points, dtype=float).reshape(-1, 2)


def _spill(table: Table, centres: np.ndarray) -> float:
    """Share of text on the table's own lines printed just outside its box: rows that carry on
    past the frame, so the box is a piece of a larger table (a stray rule, a shaded header)."""
    x0, top, x1, bottom = table.bbox  # type: ignore[misc]
    x, y = centres[:, 0], centres[:, 1]
    level = (y >= top) & (y <= bottom)
    inside = int(np.count_nonzero(level & (x >= x0) & (x <= x1)))
    near = level & (x >= x0 - SPILL_REACH) & (x <= x1 + SPILL_REACH)
    return (int(np.count_nonzero(near)) - inside) / max(1, inside)


SPILL_REACH = 15.0  # points beside a table where text on its lines means the table goes on


def _in_chart(table: Table, marks: list[BBox]) -> bool:
    """Four or more chart marks inside the table's box: axis labels and a legend, not a table."""
    box = table.bbox
    assert box is not None
    inside = sum(1 for m in marks if box[0] <= (m[0] + m[2]) / 2 <= box[2] and box[1] <= (m[1] + m[3]) / 2 <= box[3])
    return inside >= 4


def score_table(
    table: Table,
    chars: list[dict[str, Any]],
    prose: float = 0.0,
    marks: list[BBox] | None = None,
    centres: np.ndarray | None = None,
    ruled: bool = True,
    inside: list[dict[str, Any]] | None = None,
) -> float:
    """Quality in 0..1: the share of the region's text that lands cleanly in cells of a real grid.

    Penalised: words cut by a cell border (a missed or invented column line), grids too small
    to be tables, grids that are mostly empty, cells that read as running prose (a paragraph set in
    two columns lines up like a table but is not one), cells holding a table of their own (rules
    missing inside the frame), and text on the table's lines just outside it (a frame around
    part of a larger table). A table drawn over a chart's slanted lines or bars scores 0.

    `inside`: the characters of `chars` with their centre in the table's box, when the caller has them.
    """
    if table.n_rows < 2 or table.n_cols < 2 or table.bbox is None or _in_chart(table, marks or []):
        return 0.0
    if inside is None:
        inside = [ch for ch in chars if _within(ch, table.bbox)]
    cut, words = cut_words(table.grid, inside)
    if not words:
        return 0.0
    distinct = {id(cell): cell for row in table.grid for cell in row}.values()
    filled = sum(1 for cell in distinct if cell.text) / max(1, len(distinct))
    # A right grid cuts no word at all, so even a few cut words are strong evidence against it.
    clean = max(0.0, 1.0 - 25.0 * cut / words)
    lumped = 0.0
    if ruled:  # a text table's cells are cut where its words leave gaps: none can hide a table
        per_cell = _cell_chars(table, inside)
        lumped = sum(len(cs) for cs in per_cell.values() if _tabular_inside(cs)) / max(1, len(inside))
    spill = min(1.0, 4.0 * _spill(table, char_centres(chars) if centres is None else centres))
    return clean * (0.5 + 0.5 * min(1.0, filled / 0.4)) * (1.0 - 0.5 * prose) * (1.0 - lumped) * (1.0 - spill)


# ---------------------------------------------------------------------------------------------
# Engines
# ---------------------------------------------------------------------------------------------


class _EdgesOnly:
    """What pdfplumber's TableFinder reads from a page for the lines strategy: its edges and box."""

    def __init__(self, edges: list[dict[str, Any]], bbox: BBox) -> None:
        self.edges = edges
        self.bbox = bbox


def _pdfplumber_candidates(view: PageView, settings: PdfSettings) -> list[Candidate]:
    table_settings = dict(settings.pdfplumber_table_settings)  # pdfplumber resolves a dict, not any mapping
    finder = TableFinder(_EdgesOnly(view.edges, view.bbox), table_settings)  # type: ignore[arg-type]
    return [Candidate("pdfplumber", [tuple(c) for c in t.cells], tuple(t.bbox)) for t in finder.tables if t.cells]


def _text_candidates(view: PageView, kept: list[Table], settings: PdfSettings) -> list[Candidate]:
    """Tables by word alignment in the text no well-read ruled table holds."""
    free = view.chars_outside([t.bbox for t in kept])
    return [
        Candidate("text", t.rects, t.bbox, t.prose_share)
        for t in find_text_tables(free, settings.text_settings, view.bands)
        if t.prose_share <= settings.max_prose
    ]


def _root(parent: dict[tuple[int, int], tuple[int, int]], key: tuple[int, int]) -> tuple[int, int]:
    """Union-find root: camelot cells joined by a missing inner edge form one merged cell."""
    while parent.get(key, key) != key:
        key = parent[key]
    return key


def _camelot_candidates(path: Path, page_numbers: list[int]) -> dict[int, list[Candidate]]:
    """Camelot lattice tables per page, merged cells rebuilt from the edges camelot did not find."""
    import camelot  # imported here: it costs a second and most documents never need it

    out: dict[int, list[Candidate]] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            tables = camelot.read_pdf(str(path), pages=",".join(map(str, page_numbers)), flavor="lattice")
        except Exception as exc:  # camelot fails on odd PDFs pdfplumber reads: a lost candidate, not a lost file
            log.warning("camelot could not read %s: %s", path.name, exc)
            return out
    for t in tables:
        height = t.pdf_size[1] if getattr(t, "pdf_size", None) else None
        if height is None:
            continue
        cells = t.cells
        parent: dict[tuple[int, int], tuple[int, int]] = {}
        for r, row in enumerate(cells):
            for c, cell in enumerate(row):
                if not cell.right and c + 1 < len(row):
                    parent[_root(parent, (r, c + 1))] = _root(parent, (r, c))
                if not cell.bottom and r + 1 < len(cells):
                    parent[_root(parent, (r + 1, c))] = _root(parent, (r, c))
        groups: dict[tuple[int, int], list[Any]] = {}
        for r, row in enumerate(cells):
            for c, cell in enumerate(row):
                groups.setdefault(_root(parent, (r, c)), []).append(cell)
        rects = [
            (min(c.x1 for c in g), height - max(c.y2 for c in g), max(c.x2 for c in g), height - min(c.y1 for c in g))
            for g in groups.values()
        ]
        x0, y0, x1, y1 = t._bbox
        out.setdefault(int(t.page), []).append(Candidate("camelot-lattice", rects, (x0, height - y1, x1, height - y0)))
    return out


def _has_rules(view: PageView) -> bool:
    """Drawn rules in both directions, the only thing lattice reads: with none (a borderless page,
    or only row shading) camelot is not worth its second of rendering."""
    drawn = [e for e in view.edges if e.get("object_type") == "line" or e.get("stroke")]
    return sum(e["orientation"] == "v" for e in drawn) >= 2 and sum(e["orientation"] == "h" for e in drawn) >= 2


def _build(candidate: Candidate, view: PageView) -> Table:
    grid = grid_from_rects(candidate.rects, view.number)
    table = Table(grid=grid, page=view.number, engine=candidate.engine, bbox=candidate.bbox, pages=[view.number])
    inside = view.chars_within(candidate.bbox)
    fill_text(grid, inside)
    table.quality = score_table(
        table, view.chars, candidate.prose, view.marks, view.centres, ruled=candidate.engine != "text", inside=inside
    )
    return table


def _choose(tables: list[Table]) -> list[Table]:
    """Keep, for each region, the best-scoring engine's table (first engine wins ties)."""
    chosen: list[Table] = []
    for table in sorted(tables, key=lambda t: -t.quality):
        if all(_overlap(table.bbox, kept.bbox) < 0.5 for kept in chosen):  # type: ignore[arg-type]
            chosen.append(table)
    return sorted(chosen, key=lambda t: (t.bbox[1], t.bbox[0]))  # type: ignore[index]


def _to_page(table: Table, view: PageView) -> Table:
    """Boxes of a table read on a turned page, back in page coordinates for lineage."""
    if not view.turned:
        return table
    seen: set[int] = set()
    for row in table.grid:
        for cell in row:
            if id(cell) not in seen and cell.bbox is not None:
                seen.add(id(cell))
                cell.bbox = view.to_page(cell.bbox)
    table.bbox = view.to_page(table.bbox) if table.bbox else None
    return table


def _open(path: Path) -> Any:
    data_head = path.read_bytes()[:1024]
    if not data_head.strip():
        raise ExtractionError(f"{path.name}: empty file")
    if b"%PDF" not in data_head:
        raise ExtractionError(f"{path.name}: not a PDF (no %PDF header)")
    try:
        pdf = pdfplumber.open(path)
        _ = pdf.pages  # pdfminer parses lazily; force the document structure now
    except (PDFPasswordIncorrect, PdfminerException, PDFSyntaxError) as exc:
        cause = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
        if isinstance(cause, PDFPasswordIncorrect) or "password" in repr(cause).lower():
            raise ExtractionError(f"{path.name}: encrypted PDF (a password is needed)") from exc
        raise ExtractionError(f"{path.name}: corrupt PDF ({type(cause).__name__}: {cause})") from exc
    except Exception as exc:
        raise ExtractionError(f"{path.name}: unreadable PDF ({type(exc).__name__}: {exc})") from exc
    return pdf


def _ruled_ok(tables: list[Table], settings: PdfSettings) -> list[Table]:
    return [t for t in _choose(tables) if t.quality >= settings.ruled_ok]


def extract_pdf(path: Path, sha256: str, settings: SettingsInput = None) -> ExtractedDocument:
    """Read every table, ruled or not, and every line of running text of a text PDF.

    settings: a run's settings dict or the dataclasses (extractors.settings.resolve); a misspelt key
    or a bad value raises ValueError before the file is opened."""
    settings = resolve(settings)
    cfg = settings.pdf
    pdf = _open(path)
    fast = open_pdfium(path) if cfg.parser == "pdfium" else contextlib.nullcontext()
    with pdf, fast as pdfium_pdf:
        fonts = font_facts(pdf) if pdfium_pdf is not None else {}
        cover = settings.layer_options.min_image_cover
        views: dict[int, PageView] = {}
        per_page: dict[int, list[Table]] = {}
        scanned: dict[int, tuple[float, float]] = {}  # pages with no usable text layer: (width, height)
        sources: dict[int, PageSource] = {}
        pictures: dict[int, list[BBox]] = {}  # text pages with pictures of tables on them
        number = 0
        try:
            for plumbed in pdf.pages:
                number = plumbed.page_number
                page = plumbed
                if pdfium_pdf is not None:
                    quick = read_page(pdfium_pdf[number - 1], plumbed, fonts, cover)
                    if quick.odd:
                        log.debug("%s: page %d read by pdfminer: %s", path.name, number, quick.odd)
                    else:
                        page = quick
                size = (float(page.width), float(page.height))
                if settings.ocr:
                    why = _why_ocr(page, settings)
                    if why:
                        scanned[number] = size
                        sources[number] = PageSource(number, "ocr", why, size)
                        continue
                    if regions := picture_regions(page, settings):
                        pictures[number] = regions
                        sources[number] = PageSource(number, "text+ocr", f"{len(regions)} picture(s) of a table", size)
                sources.setdefault(number, PageSource(number, "text", "", size))
                view = page_view(page)
                views[number] = view
                per_page[number] = [_build(c, view) for c in _pdfplumber_candidates(view, cfg)]
        except ExtractionError:
            raise
        except Exception as exc:
            raise ExtractionError(f"{path.name}: page {number}: cannot read ({type(exc).__name__}: {exc})") from exc
        page_count = len(pdf.pages)

    mode = cfg.camelot
    if mode != "never":
        # Lattice reads lines from the rendered page: without vector edges there is nothing for it
        # to find, and a turned page would come back in camelot's own turned coordinates.
        ask = [
            n
            for n, tables in per_page.items()
            if mode == "always"
            or (
                _has_rules(views[n])
                and not views[n].turned
                and (not tables or max(t.quality for t in tables) < cfg.camelot_below)
            )
        ]
        if ask:
            for n, candidates in _camelot_candidates(path, ask).items():
                per_page[n] += [_build(c, views[n]) for c in candidates]

    if cfg.text != "never":
        for n, view in views.items():
            kept = _ruled_ok(per_page[n], cfg)
            per_page[n] += [_build(c, view) for c in _text_candidates(view, kept, cfg)]

    tables: list[Table] = []
    text_lines: list[TextLine] = []
    page_lines: list[TextLine] = []  # every line of the page, tables included: for borderless layouts
    read_by_ocr = ocr_pages(path, scanned, settings) if scanned else {}
    pictured = ocr_regions(path, {n: (sources[n].size, b) for n, b in pictures.items()}, settings) if pictures else {}
    for n in sorted(set(per_page) | set(read_by_ocr)):
        if n in read_by_ocr:  # a scanned page: its tables and lines come from the page image
            reading: PageReading = read_by_ocr[n]
            if reading.failure:
                sources[n] = PageSource(n, "failed", reading.failure, sources[n].size)
                log.warning("%s: %s", path.name, reading.failure)
            tables += reading.tables
            text_lines += reading.text_lines
            page_lines += reading.page_lines
            continue
        if n in pictured:
            for reading in pictured[n]:
                if reading.failure:
                    sources[n] = PageSource(n, "text", f"picture not read: {reading.failure}", sources[n].size)
                    log.warning("%s: %s", path.name, reading.failure)
                tables += reading.tables
        view = views[n]
        kept = [
            t
            for t in _choose(per_page[n])
            if t.n_rows >= cfg.min_rows
            and t.n_cols >= cfg.min_cols
            and t.quality >= cfg.min_quality
        ]
        every_line = lines_with_segments(view.chars)
        # With no table kept, the lines outside tables are all of them (the same characters in the same order).
        outside = lines_with_segments(view.chars_outside([t.bbox for t in kept])) if kept else every_line
        text_lines += [
            TextLine(text, n, view.to_page(box), segments=[(t, view.to_page(b)) for t, b in pieces])
            for text, box, pieces in outside
        ]
        page_lines += [
            TextLine(text, n, view.to_page(box), segments=[(t, view.to_page(b)) for t, b in pieces])
            for text, box, pieces in every_line
        ]
        tables += [_to_page(t, view) for t in kept]
    if cfg.stitch:
        tables = stitch_continued_tables(tables, text_lines)
    return ExtractedDocument(path.name, sha256, "pdf", page_count, tables, text_lines, page_lines,
                             [sources[n] for n in sorted(sources)])


def _why_ocr(page: Any, settings: ExtractionSettings) -> str:
    """Why a page is to be read from its image, or "" when its text layer is to be trusted."""
    if needs_ocr(page, settings):
        return "no text layer"
    if isinstance(page, PdfiumPage):
        return ""  # no invisible text and no page-sized image, or pdfium would not have read it
    verdict = judge_page(page, settings.layer_options)
    if verdict is not None and not verdict.trusted:
        return "invisible text layer not trusted: " + "; ".join(verdict.reasons)
    return ""
