"""The warehouse rows of one document: its extracted cells and normalised records as the fact tables' frames.

Pure: an ExtractedDocument and its NormalisedDocument in, frames out (the pipeline loads them).

The frames validation reads or changes (observations, quarantine, the document's row) are pandas
DataFrames, as Great Expectations and the quarantine pictures want them. The others go to the
warehouse untouched, so they are Arrow tables: building a DataFrame of a document's few rows, and
DuckDB reading it back, cost a load more than the rows themselves (pandas 3 keeps text in Arrow, and
DuckDB turns such a frame back into an Arrow table to read it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
from scorecards.extractors.model import ExtractedDocument
from scorecards.normalise.rag import rag_fields
from scorecards.normalise.records import NormalisedDocument, flat
from scorecards.normalise.targets import Band

Frame = pd.DataFrame | pa.Table  # one fact table's rows, as the warehouse loads them


def to_frames(doc: ExtractedDocument, tidy: NormalisedDocument, path: Path) -> dict[str, Frame]:
    """The warehouse rows of one document, keyed by fact table, each row stamped with its file."""
    stamp = {"source_file": doc.source_file, "source_sha256": doc.source_sha256}

    def rows(records: Iterable[Any], extra: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        return [{**stamp, **(extra or {}), **flat(r)} for r in records]

    def frame(records: Iterable[Any]) -> Frame:
        return arrow_rows(rows(records))

    # Each observation's RAG columns beside it, in one frame (rag_rows keeps the observations' order).
    observations = pd.DataFrame([
        {**row, **rag} for row, rag in zip(rows(tidy.observations, {"organisation": tidy.organisation}),
                                           rag_rows(tidy), strict=True)
    ])
    document = pd.DataFrame([{
        **stamp, "source_path": str(path), "kind": doc.kind, "title": tidy.title,
        "organisation": tidy.organisation, "report_period_label": tidy.report_period_label,
        "report_period_start": tidy.report_period_start, "report_period_end": tidy.report_period_end,
        "pages": doc.pages, "tables": len(doc.tables),
        "layouts": ";".join(t.layout for t in tidy.tables),
        "figure_cells": tidy.figure_cells, "uncited_cells": tidy.uncited_cells,
        "page_sources": "; ".join(p.describe() for p in doc.page_sources),
    }])
    return {
        "document_facts": document,
        "table_facts": frame(tidy.tables),
        "observation_facts": observations,
        "measure_facts": frame(tidy.measures),
        "quarantine_facts": pd.DataFrame(rows(tidy.quarantine)),
        "commentary_facts": frame(tidy.commentary),
        "benchmark_facts": frame(tidy.benchmarks),
        "target_facts": frame(tidy.targets),
        "band_facts": frame(tidy.bands),
        "definition_facts": frame(tidy.definitions),
        "cell_facts": arrow_rows([{**stamp, **row} for row in cell_rows(doc)]),
    }


def arrow_rows(rows: list[dict[str, Any]]) -> Frame:
    """Rows as an Arrow table: a column per key (of any row, in first-seen order, as pandas makes
    them), a missing key or a NaN null (as DuckDB reads pandas' NaN). A column Arrow cannot type
    (text in one row, a number in another) keeps the rows a DataFrame: the warehouse casts each
    value then, as before."""
    names = list(dict.fromkeys(name for row in rows for name in row))
    if not names:  # no column to hold them: an empty frame of len(rows) rows, as pandas makes it
        return pd.DataFrame(rows)
    try:
        return pa.table({name: pa.array([row.get(name) for row in rows], from_pandas=True) for name in names})
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return pd.DataFrame(rows)


def cell_rows(doc: ExtractedDocument) -> list[dict[str, Any]]:
    """Every cell of every table, a merged cell once at its top-left grid position with the spans it covers.

    Positions and spans come from the grid itself (not Cell.row/col), so they are the row_index /
    col_index that lineage carries, stitched tables included. table_index is 1-based like lineage's.
    """
    rows: list[dict[str, Any]] = []
    for table_index, table in enumerate(doc.tables, start=1):
        first: dict[int, dict[str, Any]] = {}
        for r, grid_row in enumerate(table.grid):
            for c, cell in enumerate(grid_row):
                entry = first.get(id(cell))
                if entry is None:
                    x0, top, x1, bottom = cell.bbox or (None, None, None, None)
                    entry = first[id(cell)] = {
                        "table_index": table_index, "page": cell.page, "row_index": r, "col_index": c,
                        "row_span": 1, "col_span": 1, "text": cell.text, "bbox_x0": x0, "bbox_top": top,
                        "bbox_x1": x1, "bbox_bottom": bottom, "engine": table.engine,
                    }
                    rows.append(entry)
                entry["row_span"] = max(entry["row_span"], r - entry["row_index"] + 1)
                entry["col_span"] = max(entry["col_span"], c - entry["col_index"] + 1)
    return rows


def rag_rows(tidy: NormalisedDocument) -> list[dict[str, Any]]:
    """Per observation (same order): the RAG it states, the RAG recomputed from its measure, and the verdict.

    A measure's position column (`Outside Tolerance`) judges its latest figure, so it is compared
    with the measure's latest reported figure(s) only, never with every quarter of the series.
    """
    measures = {(m.table_index, m.measure_label): m for m in tidy.measures}
    bands: dict[str, list[Band]] = {}
    for b in tidy.bands:
        bands.setdefault(b.measure_label, []).append(
            Band(b.band, b.lower, b.upper, b.lower_inclusive, b.upper_inclusive))
    latest: dict[tuple[int, str], Any] = {}
    for o in tidy.observations:
        if o.status == "reported" and o.value is not None and o.period_end is not None:
            key = (o.lineage.table_index, o.measure_label)
            latest[key] = max(latest.get(key, o.period_end), o.period_end)
    rows = []
    for o in tidy.observations:
        key = (o.lineage.table_index, o.measure_label)
        measure = measures.get(key)
        judged = o.status == "reported" and o.period_end is not None and latest.get(key) == o.period_end
        position = measure.position_text if measure is not None and judged else ""
        rows.append(rag_fields(
            o.value if o.status == "reported" else None, o.reported_rag or "", position, bands.get(o.measure_label, ()),
            measure.target_value if measure else None, measure.tolerance_low if measure else None,
            measure.tolerance_high if measure else None, measure.polarity if measure else "",
        ))
    return rows
