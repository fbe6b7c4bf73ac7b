"""Tables as read, rebuilt from the warehouse's cells: the grid a document page draws, the drawn cell that
covers each position (so figures link to their cell), and the table around one cell for a quarantine row."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from scorecards.warehouse.review.links import cell_anchor


@dataclass
class Grid:
    """One table as read: rows of cells to draw, and which drawn cell covers each grid position."""

    rows: list[list[dict[str, Any]]]
    owner: dict[tuple[int, int], dict[str, Any]]
    n_rows: int
    n_cols: int


def build_grid(table_index: Any, cells: Iterable[dict[str, Any]], header_rows: int = 0) -> Grid:
    """Cells (row_index, col_index, row_span, col_span, text) as rows of <td>s with merged spans.

    A position covered by an earlier cell's span is skipped; a position no cell covers is drawn empty,
    so columns stay aligned whatever the extractor recorded."""
    placed: dict[tuple[int, int], dict[str, Any]] = {}
    owner: dict[tuple[int, int], dict[str, Any]] = {}
    for cell in sorted(cells, key=lambda c: (c["row_index"], c["col_index"])):
        r, c = int(cell["row_index"]), int(cell["col_index"])
        if (r, c) in owner:
            continue  # a copy of a merged cell's text at a position its span already covers
        drawn = {
            "text": cell.get("text") or "", "rowspan": max(1, int(cell.get("row_span") or 1)),
            "colspan": max(1, int(cell.get("col_span") or 1)), "id": cell_anchor(table_index, r, c),
            "header": r < header_rows,
        }
        placed[(r, c)] = drawn
        drawn["aliases"] = []  # positions under a merged cell still get an anchor, inside the merged cell
        for dr in range(drawn["rowspan"]):
            for dc in range(drawn["colspan"]):
                if (r + dr, c + dc) not in owner:
                    owner[(r + dr, c + dc)] = drawn
                    if dr or dc:
                        drawn["aliases"].append(cell_anchor(table_index, r + dr, c + dc))
    n_rows = max((r + 1 for r, _ in owner), default=0)
    n_cols = max((c + 1 for _, c in owner), default=0)
    rows = []
    for r in range(n_rows):
        row = []
        for c in range(n_cols):
            if (r, c) in placed:
                row.append(placed[(r, c)])
            elif (r, c) not in owner:
                row.append({"text": "", "rowspan": 1, "colspan": 1, "id": cell_anchor(table_index, r, c),
                            "header": r < header_rows, "aliases": []})
        rows.append(row)
    return Grid(rows, owner, n_rows, n_cols)


def context_grid(grid: Grid, row: int, col: int, header_rows: int) -> list[list[dict[str, Any]]]:
    """The table around one cell (its header rows, the rows beside it, the label column and nearby columns),
    every position drawn as its own <td> with the cell's own area highlighted: the picture of a Word cell."""
    hit = grid.owner.get((row, col))
    rows = sorted({*range(min(header_rows, grid.n_rows)), *range(max(0, row - 1), min(grid.n_rows, row + 2))})
    cols = sorted({0, *range(max(0, col - 2), min(grid.n_cols, col + 3))})
    drawn = []
    for r in rows:
        line = []
        for c in cols:
            cell = grid.owner.get((r, c))
            line.append({"text": cell["text"] if cell else "", "hit": cell is not None and cell is hit,
                         "header": r < header_rows})
        drawn.append(line)
    return drawn


def owner_anchor(owners: dict[Any, Grid], row: dict[str, Any]) -> str | None:
    """The anchor of the drawn cell holding a figure; a figure inside a merged cell links to the merged cell."""
    if row.get("table_index") is None or row.get("row_index") is None or row.get("col_index") is None:
        return None
    grid = owners.get(row["table_index"])
    if grid is None:
        return None
    cell = grid.owner.get((int(row["row_index"]), int(row["col_index"])))
    return cell["id"] if cell else None
