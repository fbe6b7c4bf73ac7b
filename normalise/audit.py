"""Audit judgement tables: one small titled table per audit stream, rows Outstanding / Good /
Requires Improvement / Inadequate, period columns (`Q1` over `(May 15)`), cells like `8% (2)`
(value and count), and a Trend column of arrows.

The measure is the heading the tables sit under; the breakdown is `Stream / Judgement`; the
arrows are the measure's trend, not figures.
"""

from __future__ import annotations

from extractors.model import Table
from normalise.cells import ParseError, parse_value_cell
from normalise.grid import GridLayout, _column
from normalise.records import Lineage, Measure, NormalisedDocument, Observation, QuarantineRow
from normalise.vocab import vocabulary


def _grade(text: str) -> bool:
    return " ".join(text.lower().split()) in vocabulary()["judgements"]["grades"]


def is_audit_table(table: Table, layout: GridLayout) -> bool:
    """Most body rows are named by a judgement grade."""
    label_col = _column(layout, "label")
    if label_col is None:
        return False
    labels = [table.grid[r][label_col].text for r in range(layout.header_rows, table.n_rows)]
    labels = [text for text in labels if text]
    return len(labels) >= 2 and sum(map(_grade, labels)) >= 0.75 * len(labels)


def stream_of(table: Table, layout: GridLayout) -> str:
    """The table's own title row (`ChECS`), if it has one."""
    for r in sorted(layout.title_rows):
        text = next((c.text for c in table.distinct_cells(r) if c.text), "")
        if text:
            return text
    return ""


def read_audit_table(
    table: Table, table_index: int, layout: GridLayout, heading: str, out: NormalisedDocument
) -> None:
    label_col = _column(layout, "label")
    trend_col = _column(layout, "trend")
    stream = stream_of(table, layout)
    measure_label = heading or stream
    for r in range(layout.header_rows, table.n_rows):
        row = table.grid[r]
        grade = row[label_col].text if label_col is not None else ""
        if not grade:
            continue
        breakdown = f"{stream} / {grade}" if stream and heading else grade
        out.measures.append(Measure(
            measure_label, section=breakdown, trend_text=row[trend_col].text if trend_col is not None else "",
            page=row[0].page, table_index=table_index, row_index=r,
        ))
        for col, period in sorted(layout.period_columns.items()):
            cell = row[col]
            where = Lineage(cell.page, table_index, r, col, cell.bbox, table.engine)
            try:
                parts = parse_value_cell(cell.text)
            except ParseError as exc:
                out.quarantine.append(QuarantineRow(measure_label, breakdown, period.label, cell.text, str(exc), where))
                continue
            if len(parts) != 1 or parts[0].breakdown:
                reason = f"one figure expected in an audit cell: {cell.text!r}"
                out.quarantine.append(QuarantineRow(measure_label, breakdown, period.label, cell.text, reason, where))
                continue
            value = parts[0].value
            out.observations.append(Observation(
                measure_label=measure_label, breakdown=breakdown, period_label=period.label,
                period_type=period.type, period_start=period.start, period_end=period.end, value=value.value,
                unit=(value.unit or "percent") if value.status == "reported" else "", numerator=value.numerator,
                denominator=value.denominator, status=value.status, reported_rag=value.reported_rag,
                raw_text=cell.text, lineage=where, section=heading, footnote=value.footnote,
            ))
