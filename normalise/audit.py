"""Audit judgement tables: one small titled table per audit stream, rows Outstanding / Good /
Requires Improvement / Inadequate, period columns (`Q1` over `(May 15)`), cells like `8% (2)`
(value and count), and a Trend column of arrows.

The measure is the heading the tables sit under; the breakdown is `Stream / Judgement`; the
arrows are the measure's trend, not figures.

Printed without lines, stream tables stacked close together can come out of extraction as one
table: the next stream's title is then a body row of one text, followed by its own copy of the
period header. Both are read as such (a new stream, a header checked against the table's own),
never as judgement rows.
"""

from __future__ import annotations

from scorecards.extractors.model import Table
from scorecards.normalise.cells import ParseError, parse_value_cell
from scorecards.normalise.grid import GridLayout, _column
from scorecards.normalise.periods import parse_period
from scorecards.normalise.records import Lineage, Measure, NormalisedDocument, Observation, QuarantineRow
from scorecards.normalise.vocab import vocabulary


def _grade(text: str) -> bool:
    return " ".join(text.lower().split()) in vocabulary()["judgements"]["grades"]


def is_audit_table(table: Table, layout: GridLayout) -> bool:
    """Most body rows are named by a judgement grade (stream title rows inside the body aside)."""
    label_col = _column(layout, "label")
    if label_col is None:
        return False
    body = range(layout.header_rows, table.n_rows)
    labels = [table.grid[r][label_col].text for r in body if _stream_title(table, r) is None]
    labels = [text for text in labels if text]
    return len(labels) >= 2 and sum(map(_grade, labels)) >= 0.75 * len(labels)


def _stream_title(table: Table, row: int) -> str | None:
    """The text of a body row that names another stream: one text in the row, not a grade, not a figure."""
    texts = [c.text for c in table.distinct_cells(row) if c.text]
    if len(texts) != 1 or _grade(texts[0]) or table.distinct_cells(row)[0].text != texts[0]:
        return None
    try:
        parse_value_cell(texts[0])
    except ParseError:
        return texts[0]
    return None  # a lone figure is a figure (a row with one value), not a title


def _title_over_header(table: Table, row: int, layout: GridLayout, label_col: int) -> str | None:
    """A later stream's title printed in the same row as its copy of the period header.

    Printed without lines, `Assessment Team North` over `Judgement | Q3 (Dec 20) | ...` can come
    out as one row: the label cell holds the title (and the header's own label word), the other
    cells repeat the table's period headings. Returns the stream's title, or None.
    """
    label = " ".join(table.grid[row][label_col].text.split())
    if not label or _grade(label):
        return None
    periods = layout.period_columns
    same = sum(1 for col in periods if " ".join(table.grid[row][col].text.split()) == layout.headers.get(col, ""))
    if not periods or same * 2 < len(periods):
        return None
    word = " ".join(" ".join(table.grid[r][label_col].text.split()) for r in range(layout.header_rows)).strip()
    if word and label.lower().endswith(word.lower()) and len(label) > len(word):
        label = label[: -len(word)].strip()
    return label


def _header_text(table: Table, rows: list[int], col: int) -> str:
    """A stream's own header over one column, its lines joined as the table's header is."""
    return " ".join(t for t in (table.grid[r][col].text for r in rows) if t)


def stream_of(table: Table, layout: GridLayout) -> str:
    """The table's own title row (`ChECS`), if it has one; else a title run into the grade column's
    heading (`Leaving Care Service Judgement`), as a one-line header printed without lines gives."""
    for r in sorted(layout.title_rows):
        text = next((c.text for c in table.distinct_cells(r) if c.text), "")
        if text:
            return text
    label_col = _column(layout, "label")
    if label_col is None:
        return ""
    for r in range(layout.header_rows):
        heading = " ".join(table.grid[r][label_col].text.split())
        for word in sorted(vocabulary()["judgements"]["label_words"], key=len, reverse=True):
            if heading.lower().endswith(" " + word):
                return heading[: -len(word)].strip()
    return ""


def read_audit_table(
    table: Table, table_index: int, layout: GridLayout, heading: str, out: NormalisedDocument, stream: str = ""
) -> str:
    """Read one audit table; returns the heading in force at its end (a new one may start inside it).

    `stream` names the table's stream when its title is printed above it rather than in it.
    """
    label_col = _column(layout, "label")
    trend_col = _column(layout, "trend")
    stream = stream_of(table, layout) or stream
    measure_label = heading or stream
    own_header: list[int] | None = None  # rows of a later stream's own header, gathered after its title
    misfit = ""  # why a later stream's figures cannot be read under the table's periods
    periods = dict(layout.period_columns)  # the periods of the stream being read
    previous_title = -2  # row of the last stream title: two in a row are a new heading, then its stream
    for r in range(layout.header_rows, table.n_rows):
        row = table.grid[r]
        grade = row[label_col].text if label_col is not None else ""
        over_header = _title_over_header(table, r, layout, label_col) if label_col is not None else None
        if over_header is not None:
            stream, own_header, misfit = over_header, None, ""
            continue
        title = _stream_title(table, r)
        if title is not None:
            if previous_title == r - 1 and heading:  # `Quality Assurance - ...` then `Targeted Family Support`
                measure_label = heading = stream
            stream, own_header, misfit, previous_title = title, [], "", r
            continue
        if own_header is not None:
            if not _grade(grade):
                own_header.append(r)
                continue
            # No header of its own (a sub-heading over grades): the table's header stands for it.
            differs = [col for col in layout.period_columns if own_header
                       and _header_text(table, own_header, col) != layout.headers.get(col, "")]
            periods = dict(layout.period_columns)
            if differs:
                # Its own quarters: read under them when every one of them names a period.
                own = {col: parse_period(_header_text(table, own_header, col))  # type: ignore[arg-type]
                       for col in layout.period_columns}
                if all(period is not None and period.start is not None for period in own.values()):
                    periods = own  # type: ignore[assignment]
                else:
                    misfit = (f"stream {stream!r} has its own period header "
                              f"({_header_text(table, own_header, differs[0])!r}, "  # type: ignore[arg-type]
                              f"not {layout.headers.get(differs[0])!r})")
            own_header = None
        if not grade:
            continue
        breakdown = f"{stream} / {grade}" if stream and heading else grade
        out.measures.append(Measure(
            measure_label, section=breakdown, trend_text=row[trend_col].text if trend_col is not None else "",
            page=row[0].page, table_index=table_index, row_index=r,
        ))
        for col in (label_col, trend_col):  # the grade (the measure's breakdown) and its trend
            if col is not None:
                out.cite(Lineage(row[col].page, table_index, r, col, row[col].bbox, table.engine))
        for col, period in sorted(periods.items()):
            cell = row[col]
            where = Lineage(cell.page, table_index, r, col, cell.bbox, table.engine)
            if misfit:
                out.quarantine.append(QuarantineRow(measure_label, breakdown, period.label, cell.text, misfit, where))
                continue
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
    return heading
