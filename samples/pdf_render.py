"""Render a report model as a landscape PDF (reportlab), ruled or with no lines or fills at all.

Grids are paginated by hand so that a merged cell carries on under the repeated header rows;
target-setting tables repeat their header row and may split a row over the page break.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib import colors
from reportlab.pdfgen import canvas
from reportlab.platypus import Table, TableStyle

from samples.grid import (
    _PAGES,
    BOLD,
    FONT,
    GREY,
    HPAD,
    ITALIC,
    LEADING,
    MARGIN,
    NAVY,
    SHADE,
    SIZE,
    VPAD,
    _covered,
    _font,
    _Grid,
    _grid,
    _layout,
    _wrap,
)
from samples.model import ReportModel


def write_pdf(model: ReportModel, path: Path, ruled: bool = True) -> Path:
    """Render ``model`` as a landscape PDF; ``ruled=False`` draws no lines or fills at all."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if model.style == "target":
        return _write_target_pdf(model, path, ruled)
    page_w, page_h = _PAGES.get(model.page_size, _PAGES["A4"])
    grid = _grid(model)
    _layout(grid, page_w - 2 * MARGIN)
    covered = _covered(grid)
    n_rows = len(grid.rows)

    text: dict[tuple[int, int], list[str]] = {}
    for r, row in enumerate(grid.rows):
        for c, cell in enumerate(row):
            span = covered.get((r, c))
            if span and (span[0], span[1]) != (r, c):
                continue
            c1 = span[3] if span else c
            width = sum(grid.widths[c:c1 + 1]) - 2 * HPAD
            text[(r, c)] = _wrap(cell, _font(grid, r, c), SIZE, width) if cell else [""]

    base = []
    for r in range(n_rows):
        h = LEADING + 2 * VPAD
        for c in range(len(grid.rows[r])):
            span = covered.get((r, c))
            if (r, c) in text and not (span and span[2] > span[0]):
                h = max(h, len(text[(r, c)]) * LEADING + 2 * VPAD)
        base.append(h)

    def chunk_heights(rows: list[int]) -> list[float]:
        heights = [base[r] for r in rows]
        where = {r: k for k, r in enumerate(rows)}
        for r0, c0, r1, _c1 in grid.spans:
            if r1 > r0 and r0 in where:
                inside = [where[r] for r in range(r0, r1 + 1) if r in where]
                need = len(text[(r0, c0)]) * LEADING + 2 * VPAD
                have = sum(heights[k] for k in inside)
                if need > have:
                    heights[inside[-1]] += need - have
        return heights

    header = list(range(grid.header_rows))
    title_h = 13 + 8 + len(model.notes) * 10
    top_first = page_h - MARGIN - title_h
    chunks: list[list[int]] = []
    start = grid.header_rows
    while start < n_rows:
        room = (top_first if not chunks else page_h - MARGIN) - MARGIN
        end = start + 1
        while end < n_rows and sum(chunk_heights(header + list(range(start, end + 1)))) <= room:
            end += 1
        # a section row never ends a page on its own
        if end < n_rows and end - start > 1 and grid.kinds[end - 1] == "section":
            end -= 1
        chunks.append(header + list(range(start, end)))
        start = end

    pdf = canvas.Canvas(str(path), pagesize=(page_w, page_h), invariant=1)
    pdf.setTitle(model.title)
    pdf.setAuthor(model.organisation)
    pdf.setCreator("samples.generate")
    ink = colors.HexColor(NAVY) if ruled else colors.black
    y = page_h - MARGIN
    pdf.setFont(BOLD, 13)
    pdf.setFillColor(ink)
    pdf.drawString(MARGIN, y - 13, model.title)
    pdf.setFillColor(colors.black)
    pdf.setFont(ITALIC, 7.5)
    for k, note in enumerate(model.notes):
        pdf.drawString(MARGIN, y - 13 - 8 - 10 * (k + 1) + 3, note)
    y = top_first
    for k, rows in enumerate(chunks):
        if k:
            pdf.showPage()
            y = page_h - MARGIN
        heights = chunk_heights(rows)
        table = _pdf_table(grid, rows, heights, text, covered, ruled)
        table.wrapOn(pdf, page_w, page_h)
        table.drawOn(pdf, MARGIN, y - sum(heights))
        y -= sum(heights)

    lines = [line for note in model.footnotes for line in _wrap(note, FONT, 6.5, sum(grid.widths))]
    if lines:
        if y - 8 - 8 * len(lines) < MARGIN:
            pdf.showPage()
            y = page_h - MARGIN
        pdf.setFont(FONT, 6.5)
        for k, line in enumerate(lines):
            pdf.drawString(MARGIN, y - 10 - 8 * k, line)
    pdf.showPage()
    pdf.save()
    return path


def _pdf_table(grid: _Grid, rows: list[int], heights: list[float], text: dict[tuple[int, int], list[str]],
               covered: dict, ruled: bool) -> Table:
    """One page's share of the grid as a reportlab table (header rows included)."""
    where = {r: k for k, r in enumerate(rows)}
    data = []
    for r in rows:
        data.append(["\n".join(text[(r, c)]) if (r, c) in text else "" for c in range(len(grid.rows[r]))])
    style: list[tuple] = [
        ("FONT", (0, 0), (-1, -1), FONT, SIZE, LEADING),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), HPAD), ("RIGHTPADDING", (0, 0), (-1, -1), HPAD),
        ("TOPPADDING", (0, 0), (-1, -1), VPAD), ("BOTTOMPADDING", (0, 0), (-1, -1), VPAD),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
    ]
    for c in grid.left:
        style.append(("ALIGN", (c, 0), (c, -1), "LEFT"))
    for r0, c0, r1, c1 in grid.spans:
        inside = [where[r] for r in range(r0, r1 + 1) if r in where]
        if not inside:
            continue
        if len(inside) > 1 or c1 > c0:
            style.append(("SPAN", (c0, inside[0]), (c1, inside[-1])))
        if r0 not in where:  # continuation of a merged cell from the previous page: shown empty
            data[inside[0]][c0] = ""
    for k, r in enumerate(rows):
        if grid.kinds[r] in ("header", "section"):
            style.append(("FONT", (0, k), (-1, k), BOLD, SIZE, LEADING))
        if grid.kinds[r] == "section":
            style.append(("ALIGN", (0, k), (-1, k), "LEFT"))
        if ruled and grid.kinds[r] == "section":
            style.append(("BACKGROUND", (0, k), (-1, k), colors.HexColor(GREY)))
    for r, c in grid.shaded:
        if r in where:
            style.append(("FONT", (c, where[r]), (c, where[r]), ITALIC, SIZE, LEADING))
            if ruled:
                style.append(("BACKGROUND", (c, where[r]), (c, where[r]), colors.HexColor(SHADE)))
    n_head = grid.header_rows
    if ruled:
        style.append(("BACKGROUND", (0, 0), (-1, n_head - 1), colors.HexColor(grid.header_fill)))
        style.append(("TEXTCOLOR", (0, 0), (-1, n_head - 1), colors.HexColor(grid.header_ink)))
        style.append(("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#404040")))
    return Table(data, colWidths=grid.widths, rowHeights=heights, style=TableStyle(style), hAlign="LEFT")


TSIZE, TLEADING = 7.5, 9.0  # target-setting tables print a little larger


def _split_at(cells: list[list[str]], most: int) -> int:
    """How many lines of a row to keep before a page break, or 0 when it should move whole.

    As in real exports the remainder continues under the repeated header; it is only cut where
    every cell that carries on does so mid-sentence (a lower-case word), and some cell ends above
    the break, so the remainder is recognisably a fragment of the row before it.
    """
    tallest = max(len(c) for c in cells)
    for k in range(min(most, tallest - 1), 0, -1):
        rest = [c[k:] for c in cells if c[k:]]
        kept = [c[:k] for c in cells if c[:k]]
        if rest and len(rest) < len(kept) and all(c[0][:1].islower() for c in rest):
            return k
    return 0


def _write_target_pdf(model: ReportModel, path: Path, ruled: bool) -> Path:
    """A target-setting table: title block, then one table over as many pages as it needs, its header
    row repeated on each page; a row may split over the break when ``model.split_rows``."""
    page_w, page_h = _PAGES.get(model.page_size, _PAGES["A4"])
    grid = _grid(model)
    total = page_w - 2 * MARGIN
    _layout(grid, total)
    cells = [[_wrap(text, _font(grid, r, c), TSIZE, grid.widths[c] - 2 * HPAD) if text else []
              for c, text in enumerate(row)] for r, row in enumerate(grid.rows)]

    def height(row: list[list[str]]) -> float:
        return max(1, *(len(c) for c in row)) * TLEADING + 2 * VPAD

    head = cells[0]
    head_h = height(head)
    block: list[tuple[str, float, str]] = [(BOLD, 14.0, model.title)]
    block += [(BOLD, 10.0, line) for line in model.subtitles]
    for para in model.intro:
        block += [(FONT, 8.0, line) for line in _wrap(para, FONT, 8.0, total)]
    top_first = page_h - MARGIN - sum(size * 1.35 for _, size, _ in block) - 10

    pages: list[list[list[list[str]]]] = []
    current: list[list[list[str]]] = []
    room = top_first - MARGIN - head_h
    queue = cells[1:]
    i = 0
    while i < len(queue):
        row = queue[i]
        if height(row) <= room + 1e-6 or not current:
            current.append(row)
            room -= height(row)
            i += 1
            continue
        if model.split_rows:
            k = _split_at(row, int((room - 2 * VPAD) // TLEADING))
            if k:
                current.append([c[:k] for c in row])
                queue[i] = [c[k:] for c in row]
        pages.append(current)
        current = []
        room = page_h - 2 * MARGIN - head_h
    pages.append(current)

    pdf = canvas.Canvas(str(path), pagesize=(page_w, page_h), invariant=1)
    pdf.setTitle(model.title)
    pdf.setAuthor(model.organisation)
    pdf.setCreator("samples.generate")
    fill = grid.header_fill if ruled else "#000000"
    y = page_h - MARGIN
    for k, (font, size, line) in enumerate(block):
        y -= size * 1.35
        pdf.setFont(font, size)
        pdf.setFillColor(colors.HexColor(fill) if k == 0 else colors.black)
        pdf.drawString(MARGIN, y, line)
    y = top_first
    for k, rows in enumerate(pages):
        if k:
            pdf.showPage()
            y = page_h - MARGIN
        data = [["\n".join(c) for c in row] for row in [head, *rows]]
        heights = [height(row) for row in [head, *rows]]
        style: list[tuple] = [
            ("FONT", (0, 0), (-1, -1), FONT, TSIZE, TLEADING),
            ("FONT", (0, 0), (-1, 0), BOLD, TSIZE, TLEADING),
            ("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (0, 0), (-1, -1), "LEFT"),
            ("LEFTPADDING", (0, 0), (-1, -1), HPAD), ("RIGHTPADDING", (0, 0), (-1, -1), HPAD),
            ("TOPPADDING", (0, 0), (-1, -1), VPAD), ("BOTTOMPADDING", (0, 0), (-1, -1), VPAD),
        ]
        if ruled:
            style += [("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(grid.header_fill)),
                      ("TEXTCOLOR", (0, 0), (-1, 0), colors.HexColor(grid.header_ink)),
                      ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#404040"))]
        table = Table(data, colWidths=grid.widths, rowHeights=heights, style=TableStyle(style), hAlign="LEFT")
        table.wrapOn(pdf, page_w, page_h)
        table.drawOn(pdf, MARGIN, y - sum(heights))
    pdf.showPage()
    pdf.save()
    return path
