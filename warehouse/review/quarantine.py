"""The quarantine section: each held row with its reason, raw text and the picture of its cell (a crop, else
the table around the cell), paginated in one fixed order so each page reads its own crops back."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from scorecards.warehouse.review.crops import Crops
from scorecards.warehouse.review.grids import Grid, build_grid, context_grid
from scorecards.warehouse.review.links import doc_link
from scorecards.warehouse.review.paging import page_file, pager, pages_of
from scorecards.warehouse.review.reader import Reader
from scorecards.warehouse.review.writer import Site

# One total order for quarantine rows, so a page's crops can be read back by LIMIT/OFFSET (views have no rowid);
# rows equal on all of these are the same cell, so whichever comes first, the picture is the same.
QUARANTINE_ORDER = ("source_file, page, table_index, row_index, col_index, breakdown, period_label, reason, "
                    "raw_text, measure_label")


def quarantine_rows(reader: Reader, doc_pages: dict[str, str], per_page: int) -> list[dict[str, Any]]:
    """Every quarantine row in page order, each knowing its quarantine page and anchor (crops are read later)."""
    rows = reader.rows(
        f"SELECT source_file, page, measure_label, breakdown, period_label, raw_text, reason, table_index, row_index, "
        f"col_index FROM {reader.held} ORDER BY {QUARANTINE_ORDER}"
    )
    for number, row in enumerate(rows):
        row["anchor"] = f"q{number + 1}"
        row["href"] = f"quarantine/{page_file(number // per_page + 1)}#{row['anchor']}"
        row["doc_href"] = doc_link(doc_pages, row)  # narrowed to the drawn cell when the document is written
    return rows


def write_quarantine(site: Site, reader: Reader, quarantine: list[dict[str, Any]],
                     documents: list[dict[str, Any]], per_page: int) -> dict[str, int]:
    paths = {d["source_file"]: d["source_path"] for d in documents}
    header_rows = {}
    if reader.has("tables"):
        header_rows = {(t["source_file"], t["table_index"]): int(t["header_rows"] or 0) for t in reader.rows(
            "SELECT source_file, table_index, header_rows FROM tables")}
    crops = Crops(site.out / "quarantine" / "img")
    try:
        for number, total, chunk, name in pages_of(quarantine, per_page):
            _attach_pictures(reader, chunk, (number - 1) * per_page, crops, paths, header_rows)
            site.page(f"quarantine/{name}", "quarantine.html.j2", title="Quarantine", items=chunk,
                      paging=pager(number, total), total_items=len(quarantine))
            for row in chunk:  # pictures of this page are written; do not keep them
                row.pop("context", None)
    finally:
        crops.close()
    site.report.images = len(crops.written)
    return {"quarantined": len(quarantine), "crops": len(crops.written)}


def _attach_pictures(reader: Reader, chunk: Sequence[dict[str, Any]], offset: int, crops: Crops,
                     paths: dict[str, str], header_rows: dict[tuple[Any, Any], int]) -> None:
    """For one page of quarantine rows: the crop PNG file name, else the table around the cell from `cells`."""
    if not chunk:
        return
    stored = reader.rows(
        f"SELECT crop_png, bbox_x0, bbox_top, bbox_x1, bbox_bottom FROM {reader.held} ORDER BY {QUARANTINE_ORDER} "
        f"LIMIT ? OFFSET ?", [len(chunk), offset])
    need_cells = set()
    for row, found in zip(chunk, stored, strict=True):
        png = found.get("crop_png") or crops.render(
            paths.get(row["source_file"]), row["page"],
            (found.get("bbox_x0"), found.get("bbox_top"), found.get("bbox_x1"), found.get("bbox_bottom")))
        row["image"] = "img/" + crops.save(bytes(png)) if png else None
        row["context"] = None
        if not png and row["table_index"] is not None and row["row_index"] is not None:
            need_cells.add((row["source_file"], row["table_index"]))
    if not need_cells or not reader.has("cells"):
        return
    files = sorted({f for f, _ in need_cells})
    cells: dict[tuple[Any, Any], list[dict[str, Any]]] = defaultdict(list)
    for cell in reader.rows(
        f"SELECT source_file, table_index, row_index, col_index, row_span, col_span, text FROM cells "
        f"WHERE source_file IN ({','.join('?' * len(files))})", files):
        if (cell["source_file"], cell["table_index"]) in need_cells:
            cells[(cell["source_file"], cell["table_index"])].append(cell)
    grids: dict[tuple[Any, Any], Grid] = {}
    for row in chunk:
        key = (row["source_file"], row["table_index"])
        if row["image"] or key not in cells:
            continue
        if key not in grids:
            grids[key] = build_grid(row["table_index"], cells[key], header_rows.get(key, 0))
        row["context"] = context_grid(grids[key], int(row["row_index"]), int(row["col_index"]),
                                      header_rows.get(key, 0))

