"""The documents section: the list of documents, and per document its tables as read with every figure and
quarantined row linked to the cell it came from."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from scorecards.warehouse.review.grids import Grid, build_grid, owner_anchor
from scorecards.warehouse.review.reader import Reader
from scorecards.warehouse.review.writer import Site


def write_documents(site: Site, reader: Reader, documents: list[dict[str, Any]],
                    quarantine: list[dict[str, Any]], per_page: int) -> dict[str, int]:
    site.paginated("documents", "documents.html.j2", documents, per_page, title="Documents")
    held: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in quarantine:
        held[row["source_file"]].append(row)
    has_tables, has_cells = reader.has("tables"), reader.has("cells")
    tables = reader.by_file(
        "SELECT source_file, table_index, page, engine, layout, reason, header_rows, quality FROM tables "
        "ORDER BY source_file, table_index" if has_tables else
        "SELECT NULL::TEXT AS source_file WHERE false")
    cells = reader.by_file(
        "SELECT source_file, table_index, row_index, col_index, row_span, col_span, text FROM cells "
        "ORDER BY source_file, table_index, row_index, col_index" if has_cells else
        "SELECT NULL::TEXT AS source_file WHERE false")
    corrected = "corrected" if reader.figures == "observation_detail" else "FALSE"
    figures = reader.by_file(
        f"""
        SELECT source_file, measure_label, breakdown, period_label, value, unit, status, reported_rag, raw_text,
               page, table_index, row_index, col_index, {corrected} AS corrected
        FROM {reader.figures} ORDER BY source_file, table_index, row_index, col_index, breakdown, period_label
        """
    )
    for doc in documents:
        name = doc["source_file"]
        doc_tables = tables.take(name)
        by_table: dict[Any, list[dict[str, Any]]] = defaultdict(list)
        for cell in cells.take(name):
            by_table[cell["table_index"]].append(cell)
        owners: dict[Any, Grid] = {}
        for table in doc_tables:
            grid = build_grid(table["table_index"], by_table.get(table["table_index"], []),
                              int(table["header_rows"] or 0))
            owners[table["table_index"]] = grid
            table["grid"] = grid.rows
        observations = figures.take(name)
        for row in observations:
            row["cell"] = owner_anchor(owners, row)
        for row in held.get(name, []):
            row["cell"] = owner_anchor(owners, row)
            if row["cell"]:
                row["doc_href"] = f"{doc['href']}#{row['cell']}"
        site.page(doc["href"], "document.html.j2", title=name, doc=doc, tables=doc_tables,
                  observations=observations, quarantine=held.get(name, []), has_tables=has_tables,
                  has_cells=has_cells)
    return {"documents": len(documents)}

