"""Join a table that continues on the next page into one table.

A continuation is the first table of page n+1 following the last table of page n with the same
columns, either repeating the header rows (they are dropped) or sitting on the same column lines.

`stitch_with_joins` also says which page pieces it joined (`Join`), so that `scorecards inspect` can
show every region as found on its page and still tell which ones the pipeline reads as one table.
"""

from __future__ import annotations

from dataclasses import dataclass

from scorecards.extractors.model import Table, TextLine

COLUMN_TOLERANCE = 3.0  # points


def _column_lines(table: Table) -> list[float]:
    return sorted({cell.bbox[0] for row in table.grid for cell in row if cell.bbox})


def _same_columns(a: Table, b: Table) -> bool:
    la, lb = _column_lines(a), _column_lines(b)
    return len(la) == len(lb) and all(abs(x - y) <= COLUMN_TOLERANCE for x, y in zip(la, lb, strict=True))


def same_row(a: list[str], b: list[str]) -> bool:
    """Rows alike enough to be the same header: most non-empty cells equal (a reprint may rewrap one)."""
    if len(a) != len(b):
        return False
    pairs = [(x, y) for x, y in zip(a, b, strict=True) if x or y]
    return bool(pairs) and sum(x == y for x, y in pairs) >= 0.6 * len(pairs)


def repeated_header_rows(first: Table, nxt: Table, max_header: int = 6) -> int:
    """How many leading rows of nxt repeat a run of first's leading rows, text for text.

    The repeat may leave out a top row (a banner of column groups printed on page one only).
    """
    best = 0
    for start in range(min(max_header, first.n_rows)):
        count = 0
        while (
            count < nxt.n_rows - 1
            and start + count < min(max_header, first.n_rows)
            and any(nxt.row_texts(count))
            and same_row(first.row_texts(start + count), nxt.row_texts(count))
        ):
            count += 1
        best = max(best, count)
    return best


def _opens_with_title(table: Table) -> bool:
    """A first row that is one cell across the table: a new table's own title, not a continued body."""
    filled = [cell for cell in table.distinct_cells(0) if cell.text]
    return len(filled) == 1 and filled[0].col_span * 2 >= table.n_cols


def is_row_fragment(previous: list[str], fragment: list[str]) -> bool:
    """A row cut by the page break: fewer cells filled than the row it continues, and some cell
    carrying on mid-sentence (starting in lower case or with punctuation)."""
    filled = [text for text in fragment if text]
    return (
        0 < len(filled) < len([text for text in previous if text])
        # Not "%": a label may well start with it (`% of care leavers ...`).
        and any(text[0].islower() or text[0] in ",.;:)" for text in filled)
    )


def _join_fragment(fragment: list[str], target: Table) -> None:
    last = target.grid[-1]
    seen: set[int] = set()
    for col, text in enumerate(fragment):
        cell = last[col]
        if text and id(cell) not in seen:
            seen.add(id(cell))
            cell.text = f"{cell.text} {text}".strip()


def _append(first: Table, nxt: Table, skip: int) -> bool:
    """Append nxt's body to first; True when nxt's first body row finished first's last row."""
    fragment = skip < nxt.n_rows and is_row_fragment(first.row_texts(first.n_rows - 1), nxt.row_texts(skip))
    if fragment:
        _join_fragment(nxt.row_texts(skip), first)
        skip += 1
    offset = first.n_rows - skip
    seen: set[int] = set()
    for row in nxt.grid[skip:]:
        for cell in row:
            if id(cell) not in seen:
                seen.add(id(cell))
                if cell.row < skip:  # a header cell merged down into the body: keep only the body part
                    cell.row_span -= skip - cell.row
                    cell.row = skip
                cell.row += offset
        first.grid.append(row)
    first.pages.append(nxt.page)
    first.continued_from.append(skip)
    return fragment


@dataclass(frozen=True)
class Join:
    """One page piece joined to the piece before it (indexes into the page-order list of pieces)."""

    piece: int
    continues: int  # the piece it carries on: the last piece of the same table on the page before
    header_rows: int  # its leading rows that repeat the table's header, dropped when joined
    row_fragment: bool  # its first body row finishes the previous piece's last row (a row cut by the break)


TITLE_GAP = 24.0  # points between a title line and the table it names


def _running(line: TextLine, lines: list[TextLine], page: int) -> bool:
    """A line printed at the same place on another page (a running header or footer), not a title."""
    return any(
        other.page == page and other.text == line.text and other.bbox is not None and line.bbox is not None
        and abs(other.bbox[1] - line.bbox[1]) <= 3
        for other in lines
    )


def titled_between(tables: list[Table], lines: list[TextLine]) -> set[int]:
    """Indexes of pieces with a title line of their own between them and the piece before, across a
    page break: a short line just above the piece at the top of its page, or just below the previous
    piece at the foot of its page, that is not a running header or footer. Such a piece starts a new
    table (another audit stream), however alike the columns."""
    titled: set[int] = set()
    for index in range(1, len(tables)):
        prev, table = tables[index - 1], tables[index]
        if table.page != prev.page + 1 or table.bbox is None or prev.bbox is None:
            continue
        for line in lines:
            if line.bbox is None or len(line.text.split()) > 16 or "continued" in line.text.lower():
                continue
            above_next = (line.page == table.page and line.bbox[3] <= table.bbox[1] + 1
                          and table.bbox[1] - line.bbox[3] <= TITLE_GAP and not _running(line, lines, prev.page))
            below_prev = (line.page == prev.page and line.bbox[1] >= prev.bbox[3] - 1
                          and line.bbox[1] - prev.bbox[3] <= TITLE_GAP and not _running(line, lines, table.page))
            if above_next or below_prev:
                titled.add(index)
                break
    return titled


def stitch_continued_tables(tables: list[Table], lines: list[TextLine] | None = None) -> list[Table]:
    """Tables in page order in, continued tables joined out (the pieces are changed in place)."""
    return stitch_with_joins(tables, lines)[0]


def stitch_with_joins(tables: list[Table], lines: list[TextLine] | None = None) -> tuple[list[Table], list[Join]]:
    """Tables in page order in; continued tables joined, and the joins made, out.

    The joins are worked out while joining, not by a second pass, so what they say is exactly what
    the pipeline did. Callers that want the pieces as found must copy what they need first: the
    pieces' cells are renumbered and moved into the table they continue.
    """
    titled = titled_between(tables, lines or [])
    out: list[Table] = []
    last_piece: list[int] = []  # per joined table, the index of its latest piece
    joins: list[Join] = []
    for index, table in enumerate(tables):
        prev = out[-1] if out else None
        is_first_on_page = not out or out[-1].pages[-1] != table.page
        if (
            prev is not None
            and is_first_on_page
            and table.page == prev.pages[-1] + 1
            and table.n_cols == prev.n_cols
            and index not in titled
        ):
            skip = repeated_header_rows(prev, table)
            if skip or (_same_columns(prev, table) and not _opens_with_title(table)):
                fragment = _append(prev, table, skip)
                joins.append(Join(index, last_piece[-1], skip, fragment))
                last_piece[-1] = index
                continue
        out.append(table)
        last_piece.append(index)
    return out, joins
