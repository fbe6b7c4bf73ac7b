"""Render a report model as a landscape Word document with real merged cells (python-docx),
byte-for-byte the same for the same model.
"""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from samples.grid import _PAGES, GREY, SHADE, _grid, _layout
from samples.model import ReportModel


def write_docx(model: ReportModel, path: Path) -> Path:
    """Render ``model`` as a landscape Word document with real merged cells (gridSpan / vMerge)."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor
    from docx.table import _Cell

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    page_w, page_h = _PAGES.get(model.page_size, _PAGES["A4"])
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Pt(page_w), Pt(page_h)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Pt(36))
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(8)
    normal.paragraph_format.space_after = Pt(0)

    doc.add_heading(model.title, level=1)
    for line in model.subtitles:
        doc.add_paragraph().add_run(line).bold = True
    for note in model.notes:
        doc.add_paragraph(note).runs[0].italic = True
    for para in model.intro:
        doc.add_paragraph(para)

    grid = _grid(model)
    usable = page_w - 72
    _layout(grid, usable)
    scale = min(1.0, usable / sum(grid.widths))
    widths = [Pt(w * scale) for w in grid.widths]

    def shade(cell: _Cell, fill: str) -> None:
        shd = OxmlElement("w:shd")
        shd.set(qn("w:val"), "clear")
        shd.set(qn("w:color"), "auto")
        shd.set(qn("w:fill"), fill)
        cell._tc.get_or_add_tcPr().append(shd)

    table = doc.add_table(rows=len(grid.rows), cols=len(grid.rows[0]))
    table.style = "Table Grid"
    table.autofit = False
    for c, col in enumerate(table.columns):
        col.width = widths[c]
    # cells fetched once before merging: table.cell() rescans the whole table on every call
    cells = [list(row.cells) for row in table.rows]
    for r, row in enumerate(table.rows):
        kind = grid.kinds[r]
        if kind == "header":
            trPr = row._tr.get_or_add_trPr()
            repeat = OxmlElement("w:tblHeader")
            repeat.set(qn("w:val"), "true")
            trPr.append(repeat)
        for c, cell in enumerate(cells[r]):
            cell.width = widths[c]
            text = grid.rows[r][c]
            if text:
                run = cell.paragraphs[0].add_run(text)
                if kind in ("header", "section"):
                    run.bold = True
                if (r, c) in grid.shaded:
                    run.italic = True
                if kind == "header":
                    run.font.color.rgb = RGBColor.from_string(grid.header_ink.lstrip("#"))
            if kind == "header":
                shade(cell, grid.header_fill.lstrip("#"))
            elif kind == "section":
                shade(cell, GREY.lstrip("#"))
            elif (r, c) in grid.shaded:
                shade(cell, SHADE.lstrip("#"))
    for r0, c0, r1, c1 in grid.spans:
        cells[r0][c0].merge(cells[r1][c1])

    for note in model.footnotes:
        doc.add_paragraph(note).runs[0].font.size = Pt(7)

    props = doc.core_properties
    stamp = datetime.combine(model.periods[-1].end + timedelta(days=20), datetime.min.time(), UTC)
    props.title, props.author, props.last_modified_by = model.title, model.organisation, model.organisation
    props.created = props.modified = stamp.replace(tzinfo=None)
    props.revision = 1

    # python-docx stamps zip entries with the wall clock; rewrite them so equal seeds give equal bytes
    buffer = io.BytesIO()
    doc.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, src.read(info.filename))
    return path
