"""Read any table of measures by periods from its cell grid alone: the default reader.

The model is unpivotr's and databaker's, found automatically: a figure sits where a row path
meets a column path.
- Every cell gets a kind from its text: empty, figure, status (`N/A`, `***.*`), or text.
- The body starts at the first row holding figures; the header is the block of rows just above
  it (a caption row with one short text is not header, it titles the table).
- Columns whose body is mostly figures are value columns; the others are label (stub) columns,
  or role columns when their heading says so (`Target`, `Commentary`: normalise/vocab).
- Each value column's path is its header cells top to bottom, a blank upper header cell taking
  the heading to its left (a heading spanning its group, printed once).
- Each path is split into period (the headings the period grammar reads) and breakdown (the
  rest: `TOTAL`, `% Chg`). With no period across, the stub column may hold the periods (a
  transposed table); failing both, the table's title, then the report's own period; failing all,
  the figure is quarantined with `no period for this figure`.
- A row with a label and no figures is a section heading over the rows below it, unless it is
  visibly the first half of a wrapped label (ends with `&`, `of`, an open bracket).
- A cell holding several figures where its heading holds several headings (text run together
  by extraction: `2016 % Chg` over `0 ***.*`) is split at the heading's pieces, else quarantined.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from scorecards.extractors.model import Cell, Table
from scorecards.normalise.accounting import cells_at, cited_places, figure_cells_of, states_own_figure
from scorecards.normalise.cells import ParseError, parse_value_cell
from scorecards.normalise.grid import FIRST_SUB_MEASURE, SUB_MEASURE, role_of
from scorecards.normalise.periods import (
    MONTHS,
    Period,
    is_relative_heading,
    looks_like_period,
    month_in_year,
    parse_period,
    resolve_relative,
)
from scorecards.normalise.records import Commentary, Lineage, Measure, NormalisedDocument, Observation, QuarantineRow
from scorecards.normalise.targets import parse_target, tolerance_bounds
from scorecards.normalise.values import CellValue, unit_from_label

EMPTY, FIGURE, STATUS, TEXT = "empty", "figure", "status", "text"
MAX_HEADER_ROWS = 4
_YEAR = re.compile(r"(?:19|20)\d\d")
# A wrapped label's first line ends with a joining word or an open bracket.
_OPEN_END = re.compile(r"(?:[&,(/\-–]|\b(?:and|of|or|the|in|to|for|by|with|on|at|a|an|per))$", re.I)
_DOT_LEADER = re.compile(r"\s*(?:\.\s*){3,}$")
# Numbers printed without a space between them (`1,270-10.79`): a sign straight after a digit.
_GLUED = re.compile(r"(?<=\d)(?=[-–−]\d)")
_PLAIN_NUMBER = re.compile(r"[-+\u2013\u2212]?[£$€]?[\d,]+(?:\.\d+)?%?")
_LONG_TEXT = 60  # characters: a column of texts this long on average is commentary, not labels


@lru_cache(maxsize=65536)  # every cell of every table a reader weighs, often the same texts
def cell_kind(text: str) -> str:
    """What a cell holds, from its text alone."""
    text = " ".join(text.split())
    if not text:
        return EMPTY
    if not _PLAIN_NUMBER.fullmatch(text) and is_period_heading(text):
        return TEXT  # `2020-21`, `Dec-24`: a heading, though it holds numbers
    try:
        parts = parse_value_cell(text)
    except ParseError:
        return TEXT
    if any(p.value.status == "reported" for p in parts):
        if len(parts) == 1 and parts[0].breakdown and not states_own_figure(parts[0].value):
            return TEXT  # words ending in a figure (`Year 1`, `Visits within 10 days`): a label
        return FIGURE
    return STATUS if parts[0].value.status != "missing" or text else EMPTY


def _anchored(v: VCell) -> bool:
    """The grid position where a cell is printed (a merged cell's first), not one it spreads over."""
    return v.source is None or (v.source.col == v.col)


def _is_year(text: str) -> bool:
    return bool(_YEAR.fullmatch(text.strip()))


def clean_label(text: str) -> str:
    """A row label as an analyst would write it: one line, no dot leader."""
    return _DOT_LEADER.sub("", " ".join(text.split())).strip()


def join_heading(parts: list[str]) -> str:
    """Header pieces top to bottom as one text; a piece ending in a dash runs into the next (`2013–` `2017`)."""
    text = ""
    for part in parts:
        part = " ".join(part.split())
        if not part:
            continue
        text = f"{text}{part}" if text.endswith(("-", "–", "/")) else f"{text} {part}".strip()
    return text


@dataclass
class VCell:
    """A cell of the grid as the reader sees it; a run-together cell becomes several."""

    text: str
    kind: str
    source: Cell | None  # the printed cell (None for a grid position no cell covers)
    row: int
    col: int  # the grid column the lineage names


@dataclass
class Context:
    """What the rest of the document says about a table."""

    title: str = ""  # the table's caption or the heading above it
    report: Period | None = None  # the report's own period
    previous_paths: list[list[str]] | None = None  # a table this one continues, without its header
    # ... or, just above it on the same page, its value columns' x extents and headings: a table the
    # text engine cut in two is matched column by column where it lies.
    previous_columns: list[tuple[float, float, list[str]]] | None = None


@dataclass
class Reading:
    """What the reader found: paths, for inspect and the next page's continuation."""

    header_rows: int = 0
    column_paths: list[list[str]] = field(default_factory=list)
    path_columns: list[int] = field(default_factory=list)  # the columns column_paths name, in order
    value_columns: list[int] = field(default_factory=list)
    label_columns: list[int] = field(default_factory=list)
    figures: int = 0
    reason: str = ""
    title: str = ""  # the caption or heading the table's figures are named under


def column_extent(table: Table, col: int) -> tuple[float, float] | None:
    """The x extent of a column (points), from the cells that cover it alone."""
    if not table.grid or not 0 <= col < table.n_cols:
        return None  # a column the reader split out of a run-together one has no cells of its own
    boxes = [row[col].bbox for row in table.grid if col < len(row) and row[col].col_span == 1 and row[col].bbox]
    if not boxes:
        return None
    return min(b[0] for b in boxes), max(b[2] for b in boxes)  # type: ignore[index]


def _placed_under(table: Table, value_cols: list[int],
                  above: list[tuple[float, float, list[str]]]) -> dict[int, list[str]] | None:
    """Each value column's heading from the column above it that it overlaps most (at least half of
    the narrower), when every value column has one and no two share it."""
    out: dict[int, list[str]] = {}
    used: set[int] = set()
    for c in value_cols:
        extent = column_extent(table, c)
        if extent is None:
            return None
        best, share = -1, 0.0
        for k, (x0, x1, _) in enumerate(above):
            overlap = min(extent[1], x1) - max(extent[0], x0)
            narrower = min(extent[1] - extent[0], x1 - x0)
            if narrower > 0 and overlap / narrower > share:
                best, share = k, overlap / narrower
        if best < 0 or share < 0.5 or best in used:
            return None
        used.add(best)
        out[c] = above[best][2]
    return out


def _virtual_grid(table: Table) -> list[list[VCell]]:
    """Every grid position with the text of the cell covering it: a merged cell speaks for its span."""
    return [[VCell(cell.text, cell_kind(cell.text), cell, r, c) for c, cell in enumerate(row)]
            for r, row in enumerate(table.grid)]


def _distinct(row: list[VCell]) -> list[VCell]:
    """The row's cells, a merged cell once."""
    seen: set[int] = set()
    out = []
    for v in row:
        key = id(v.source) if v.source is not None else id(v)
        if key not in seen:
            seen.add(key)
            out.append(v)
    return out


def _is_data_row(row: list[VCell]) -> bool:
    """A row of figures: figures and statuses at least as many as texts, beside its label.

    A row of bare years is a header (`2011 2012 ... 2022`), and so is a row of headings with one
    that happens to read as a figure (`28 Day`).
    """
    cells = [v for v in _distinct(row) if v.kind != EMPTY]
    figures = [v for v in cells if v.kind == FIGURE]
    if not figures:
        return False
    if all(_is_year(v.text) for v in figures) and not any(v.kind == STATUS for v in cells):
        return False
    # Headings are short; a row's long texts (its label, its commentary) say nothing of whether it
    # is a heading row, and a row of two figures beside a code, a label, a unit and a comment is data.
    texts = [v for v in cells if v.kind == TEXT and len(v.text.split()) <= 3]
    return len(figures) + len(cells) - len(figures) - len([v for v in cells if v.kind == TEXT]) >= len(texts) - 1


def _find_body(grid: list[list[VCell]]) -> int | None:
    """The first row of figures; in a table with none yet (`TBD`, `n/a` throughout), of statuses."""
    found = next((r for r, row in enumerate(grid) if _is_data_row(row)), None)
    if found is not None:
        return found
    return next((r for r, row in enumerate(grid) if _is_status_row(row)), None)


def _is_status_row(row: list[VCell]) -> bool:
    cells = [v for v in _distinct(row) if v.kind != EMPTY]
    statuses = [v for v in cells if v.kind == STATUS]
    return bool(statuses) and len(statuses) >= len(cells) - len(statuses) - 1


def _value_columns(grid: list[list[VCell]], body: int) -> list[int]:
    """Columns whose body is mostly figures (or statuses, in a table with no figure yet)."""
    n_cols = len(grid[0])
    counts = [Counter(grid[r][c].kind for r in range(body, len(grid))) for c in range(n_cols)]
    marks = FIGURE if any(k[FIGURE] for k in counts) else STATUS
    return [c for c, kinds in enumerate(counts) if kinds[marks] and kinds[FIGURE] + kinds[STATUS] >= kinds[TEXT]]


def is_full_width(row: list[VCell]) -> bool:
    """One printed cell across the whole row: a section title or a caption."""
    cells = [v for v in _distinct(row) if v.text.strip()]
    return len(cells) == 1 and cells[0].source is not None and cells[0].source.col_span == len(row) > 1


def _header_block(grid: list[list[VCell]], body: int, value_cols: list[int],
                  ruled: bool) -> tuple[int, list[int], int]:
    """(first header row, caption rows above it, first body row).

    Section titles printed just above the first figures (across the table, or in the label
    column only) belong to the body: they are the first rows' section, and the header is looked
    for above them. Walking up, a row belongs to the header while it has headings over the value
    columns. It ends at a blank row, a line in the label column only, and a caption: a single
    text (not a period) over most of the value columns (`Crime Complaints`, `All figures in £m`) in
    a table printed without rules (a ruled cell spanning the columns is their heading).
    """
    first = body
    while first > 0 and (is_full_width(grid[first - 1]) or _beside_stub(grid[first - 1], value_cols)) \
            and not is_period_heading(_only_text(grid[first - 1])):
        first -= 1
    start = _header_start(grid, first, value_cols, ruled)
    if start == first < body:  # no header above those lines: they were captions, not sections
        first = body
        start = _header_start(grid, first, value_cols, ruled)
    captions = [r for r in range(0, start) if any(v.text.strip() for v in grid[r])]
    return start, captions, first


def _header_start(grid: list[list[VCell]], first: int, value_cols: list[int], ruled: bool) -> int:
    start = first
    for r in range(first - 1, max(-1, first - 1 - MAX_HEADER_ROWS), -1):
        filled = [v for v in _distinct(grid[r]) if v.text.strip()]
        if not filled or _beside_stub(grid[r], value_cols):
            break
        if len(filled) == 1 and len(value_cols) > 2 and not is_period_heading(filled[0].text) and not ruled:
            break  # printed without rules, a lone text over the columns is the table's caption
        start = r
    return start


def _beside_stub(row: list[VCell], value_cols: list[int]) -> bool:
    """A line with text in the label columns only (a section title printed in the stub)."""
    texts = [v for v in row if v.text.strip()]
    return bool(texts) and not any(v.col in value_cols for v in texts)


def _distinct_texts(row: list[VCell]) -> list[str]:
    return [" ".join(v.text.split()) for v in _distinct(row) if v.text.strip()]


def _only_text(row: list[VCell]) -> str:
    return next((v.text for v in row if v.text.strip()), "")


def _with_empty_period_columns(grid: list[list[VCell]], header: range, body: int, value_cols: list[int]) -> list[int]:
    """Value columns, and the columns under a period heading printed empty or with statuses only
    (a block with no figures yet, `TBD`)."""
    out = list(value_cols)
    for c in range(len(grid[0])):
        if c in out or any(grid[r][c].kind in (TEXT, FIGURE) for r in range(body, len(grid)) if _anchored(grid[r][c])):
            continue
        if any(is_period_heading(grid[r][c].text) for r in header if grid[r][c].text.strip()):
            out.append(c)
    return sorted(out)


def _groups(below: list[str]) -> list[range] | None:
    """Blocks of columns a repeating run of sub-headings makes (`2017 2016 % Chg` three times), or None."""
    first = next((t for t in below if t), "")
    starts = [i for i, t in enumerate(below) if t and t == first]
    if len(starts) < 2:
        return None
    ends = [*starts[1:], len(below)]
    return [range(a, b) for a, b in zip(starts, ends, strict=True)]


def _runs(value_cols: list[int], paths: dict[int, list[str]]) -> list[range]:
    """Runs of adjacent value columns (as indexes into value_cols) under the same headings so far."""
    runs: list[range] = []
    start = 0
    for i in range(1, len(value_cols) + 1):
        if i == len(value_cols) or value_cols[i] != value_cols[i - 1] + 1 or \
                paths[value_cols[i]] != paths[value_cols[start]]:
            runs.append(range(start, i))
            start = i
    return runs


def _column_paths(grid: list[list[VCell]], header: range, value_cols: list[int]) -> dict[int, list[str]]:
    """Each value column's headings, top to bottom.

    A blank cell of an upper header row takes the heading of its group: when the row below
    repeats a run of sub-headings, the block it sits in (a centred heading printed over the middle
    of its block); otherwise the nearest heading to its left (a heading printed at a span's start),
    within the span of the heading above both: a heading never spreads past its parent's span.
    """
    paths: dict[int, list[str]] = {c: [] for c in value_cols}
    last = header.stop - 1
    for r in header:
        texts = {c: grid[r][c].text.strip() for c in value_cols}
        if r < last:
            # a cell spanning several columns is one sub-heading, not one per column
            below = [grid[r + 1][c].text.strip() if _anchored(grid[r + 1][c]) else "" for c in value_cols]
            blocks: list[range] = []
            for run in _runs(value_cols, paths):
                # within one parent's span, a block starts where the sub-headings start again
                found = _groups([below[i] for i in run]) or []
                blocks += [range(run.start + b.start, run.start + b.stop) for b in found]
            # a cell of the row below spanning several columns is one block under one heading
            spans: dict[int, list[int]] = {}
            for i, c in enumerate(value_cols):
                if grid[r + 1][c].source is not None and grid[r + 1][c].source.col_span > 1:
                    spans.setdefault(id(grid[r + 1][c].source), []).append(i)
            blocks += [range(ix[0], ix[-1] + 1) for ix in spans.values() if len(ix) > 1]
            for block in blocks:
                cols = [value_cols[i] for i in block]
                named = {texts[c] for c in cols if texts[c]}
                if len(named) == 1:
                    heading = named.pop()
                    for c in cols:
                        texts[c] = heading
            for i, c in enumerate(value_cols):
                if texts[c]:
                    continue
                # up-left: a heading printed once over its group spans the blank cells to its right
                for left in range(i - 1, -1, -1):
                    if value_cols[left] != c - (i - left) or paths[value_cols[left]] != paths[c]:
                        break
                    if texts[value_cols[left]] and not (blocks and below[left] and below[left] == below[i]):
                        texts[c] = texts[value_cols[left]]
                        break
        for c in value_cols:
            if texts[c]:
                paths[c].append(texts[c])
    return paths


def _split_run_together(grid: list[list[VCell]], body: int, header: range,
                        value_cols: list[int]) -> tuple[list[list[VCell]], list[int]]:
    """Split value columns whose cells hold k figures under a heading of k pieces.

    Returns the new grid and value columns (new virtual columns keep the printed cell's lineage).
    """
    plans: dict[int, int] = {}
    for c in value_cols:
        counts = Counter(len(_figure_tokens(grid[r][c].text)) for r in range(body, len(grid))
                         if grid[r][c].text.strip())
        if not counts:
            continue
        k, n = counts.most_common(1)[0]
        if k > 1 and n >= 0.6 * sum(counts.values()):
            plans[c] = k
    if header:
        # An empty column whose heading runs together headings printed alone beside it (`TOTAL RURAL`
        # beside `TOTAL` and `RURAL`): a block with no figures, one column per heading.
        last = grid[header.stop - 1]
        seen = {" ".join(v.text.split()) for v in last if v.text.strip()}
        for c in value_cols:
            words = last[c].text.split()
            if c in plans or len(words) < 2 or any(grid[r][c].text.strip() and _anchored(grid[r][c])
                                                     for r in range(body, len(grid))):
                continue
            pieces = split_heading(last[c].text, len(words), [v.text for v in last])
            if all(p in seen for p in pieces):
                plans[c] = len(words)
    if not plans:
        return grid, value_cols
    new_grid: list[list[VCell]] = []
    new_values: list[int] = []
    for r, row in enumerate(grid):
        new_row: list[VCell] = []
        for v in row:
            k = plans.get(v.col)
            if not k:
                new_row.append(v)
                continue
            if r in header and r == header.stop - 1:
                pieces = split_heading(v.text, k, [w.text for w in row])
            elif r >= body:
                tokens = _figure_tokens(v.text)
                pieces = tokens if len(tokens) == k else [v.text] + [""] * (k - 1)
            else:
                pieces = [v.text] + [""] * (k - 1)
            for piece in pieces:
                new_row.append(VCell(piece, cell_kind(piece), v.source, v.row, v.col))
        new_grid.append(new_row)
    index = 0
    for v in grid[0]:
        width = plans.get(v.col, 1)
        if v.col in value_cols:
            new_values.extend(range(index, index + width))
        index += width
    return new_grid, new_values


def _figure_tokens(text: str) -> list[str]:
    """The figures of a cell printed as nothing but figures, run together or spaced; else []."""
    tokens = []
    for word in text.split():
        tokens.extend(t for t in _GLUED.split(word) if t)
    if tokens and all(cell_kind(t) in (FIGURE, STATUS) for t in tokens):
        return tokens
    return []


def split_heading(text: str, k: int, row_texts: list[str]) -> list[str]:
    """Cut a heading run together from k headings into k pieces.

    Pieces printed on their own elsewhere in the same header row are the likeliest cut; then
    pieces the period grammar reads. Headings that cannot be cut in k keep the text in the first.
    """
    words = text.split()
    if len(words) < k:
        return [text] + [""] * (k - 1)
    seen = {" ".join(t.split()) for t in row_texts if t.strip()}
    best: tuple[int, list[str]] | None = None

    def cuts(start: int, left: int) -> list[list[str]]:
        if left == 1:
            return [[" ".join(words[start:])]]
        out = []
        for end in range(start + 1, len(words) - left + 2):
            for rest in cuts(end, left - 1):
                out.append([" ".join(words[start:end]), *rest])
        return out

    for pieces in cuts(0, k):
        score = sum(2 for p in pieces if p in seen) + sum(1 for p in pieces if parse_period(p) is not None)
        if best is None or score > best[0]:
            best = (score, pieces)
    return best[1] if best else [text] + [""] * (k - 1)


def is_period_heading(text: str) -> bool:
    """A heading naming a period, a part of one (`Qtr1` under `2018/19`, `May` under `2020`), or one
    relative to the report's date (`Latest`, `Week to Date`)."""
    if parse_period(text) is not None or looks_like_period(text):
        return True
    return text.strip(" .").title() in MONTHS or is_relative_heading(text)


def split_path(path: list[str]) -> tuple[str, str]:
    """(period label, breakdown) of a column or row path: period headings as printed, the rest joined.

    A part of a period under its year (`Qtr1` under `2018/19`, `May` under `2020`) is named first,
    as the contract writes it: `Qtr1 2018/19`.
    """
    period = [p for p in path if is_period_heading(p)]
    rest = [p for p in path if p not in period]
    parts = [p for p in period if _is_period_part(p)]
    if parts and len(parts) < len(period):
        period = parts + [p for p in period if p not in parts]
    return join_heading(period), " / ".join(" ".join(p.split()) for p in rest)


def _is_period_part(text: str) -> bool:
    """A quarter or month with no year of its own (`Qtr1`, `Q3`, `Quarter 2`, `Sept`)."""
    text = " ".join(text.split())
    return bool(re.fullmatch(r"(?:Qtr|Q|Quarter)\s*\.?\s*[1-4]", text, re.I)) or text.strip(" .").title() in MONTHS


def resolve(label: str, report: Period | None) -> Period | None:
    """The dates of a period heading: the grammar, else a heading relative to the report's period."""
    period = month_in_year(label) or parse_period(label)
    if period is None or is_relative_heading(label):
        resolved = resolve_relative(label, report)
        if resolved is not None:
            return Period(label, resolved.type, resolved.start, resolved.end)
    if period is None:
        return None
    return Period(label, period.type, period.start, period.end)


def _role(path: list[str]) -> str | None:
    """A column's role from its heading (`Target`, `Commentary`, `Ref`), for headings naming no period.

    Only a column's own (lowest) heading that is the role word itself counts: over figures,
    `Number of visits` is a measure, not the `No.` column; a `Target` column under a period heading
    printed over the whole table is still the target.
    """
    if not path or is_period_heading(path[-1]):
        return None
    return role_of(path[-1], exact=True)


def read_general(table: Table, index: int, context: Context, out: NormalisedDocument) -> Reading:
    """Read one table into observations, measures, commentary and quarantine; return what was found.

    The last reader a table meets: a figure or status it cannot place in the table's structure is
    quarantined with that reason, so nothing in the table is lost.
    """
    part = NormalisedDocument()
    reading = _read(table, index, context, part)
    _quarantine_unplaced(table, index, reading.reason, part)
    absorb_into(out, part)
    return reading


def _quarantine_unplaced(table: Table, index: int, why: str, part: NormalisedDocument) -> None:
    placed = cells_at(table, index, cited_places(part))
    for r, c, cell in figure_cells_of(table):
        if id(cell) not in placed:
            where = Lineage(cell.page, index, r, c, cell.bbox, table.engine)
            reason = f"table {index}: outside the rows and columns read ({why})"
            part.quarantine.append(QuarantineRow("", "", "", cell.text, reason, where))


def absorb_into(out: NormalisedDocument, part: NormalisedDocument) -> None:
    """Add one table's reading to the document's."""
    for name in ("observations", "measures", "quarantine", "commentary", "benchmarks", "targets", "bands",
                 "definitions"):
        getattr(out, name).extend(getattr(part, name))
    out.cited |= part.cited


def _read(table: Table, index: int, context: Context, out: NormalisedDocument) -> Reading:
    reading = Reading()
    grid = _virtual_grid(table)
    if not grid or not grid[0]:
        reading.reason = "empty table"
        return reading
    body = _find_body(grid)
    if body is None:
        reading.reason = "no figures in the table"
        return reading
    value_cols = _value_columns(grid, body)
    # Merged cells drawn by rules (or Word) are the report's own spans; a text engine's are inferred.
    start, captions, body = _header_block(grid, body, value_cols, ruled=table.engine != "text")
    value_cols = _with_empty_period_columns(grid, range(start, body), body, value_cols)
    header = range(start, body)
    grid, value_cols = _split_run_together(grid, body, header, value_cols)
    paths = _column_paths(grid, header, value_cols)
    if not header and context.previous_paths is not None and len(context.previous_paths) == len(value_cols):
        paths = dict(zip(value_cols, context.previous_paths, strict=True))  # a continuation without its header
    elif not header and context.previous_columns and (placed := _placed_under(table, value_cols,
                                                                               context.previous_columns)):
        paths = placed
    roles = {c: role for c in value_cols if (role := _role(paths[c])) is not None}
    n_cols = len(grid[0])
    text_cols = [c for c in range(n_cols) if c not in value_cols]
    role_text_cols: dict[int, str] = {}
    named_label: int | None = None  # a text column headed `Measure`, `Indicator`
    for c in text_cols:
        role = _role([grid[r][c].text for r in header if grid[r][c].text.strip()][-1:])
        if role in ("commentary", "rationale") or (role != "label" and len(text_cols) > 1 and _prose(
                [grid[r][c].text for r in range(body, len(grid)) if _anchored(grid[r][c])])):
            role_text_cols[c] = role or "commentary"
        elif role in ("target", "tolerance", "trend", "position", "polarity", "frequency"):
            role_text_cols[c] = role
        elif role == "label":
            named_label = c
    label_cols = [c for c in text_cols if c not in role_text_cols]
    label_col = named_label if named_label is not None else _label_column(grid, body, label_cols, value_cols)
    year_cols = [c for c in value_cols if _years_only(grid, body, c)]
    figure_cols = [c for c in value_cols if c not in roles and c not in year_cols]
    reading.header_rows, reading.value_columns = body, figure_cols
    reading.label_columns = [label_col] if label_col is not None else []
    reading.column_paths = [paths[c] for c in value_cols]
    reading.path_columns = list(value_cols)
    title = join_heading([t for r in captions for t in _distinct_texts(grid[r])]) or context.title
    reading.title = title

    # Periods down the side: the stub (a column of years, then the label column) names periods and
    # the columns do not. A stub cell printed blank repeats the one above it (`2012` over its months).
    across = any(split_path(paths[c])[0] for c in figure_cols)
    stub_cols = sorted(year_cols + label_cols)
    stub_paths = _filled_down(grid, body, stub_cols)
    down = label_col is not None and not across and sum(
        1 for path in stub_paths.values() if split_path(path)[0]) >= max(2, (len(grid) - body) // 2)
    if down and captions and captions[-1] == start - 1 and len(_distinct_texts(grid[start - 1])) == 1:
        # Measures across, periods down: a lone heading over all the columns is the measure they split.
        heading = _distinct_texts(grid[start - 1])[0]
        paths = {c: [heading, *paths[c]] for c in paths}
        title = context.title

    section = ""
    parent_prefix = ""  # the words before `a)` in the last label that had one
    pending = ""  # the first line of a wrapped label
    taken: set[int] = set()  # label-only rows whose label went to the figures above them
    for r in range(body, len(grid)):
        row = grid[r]
        label = clean_label(row[label_col].text) if label_col is not None else ""
        has_values = any(row[c].kind in (FIGURE, STATUS) for c in figure_cols)
        if r in taken:
            continue
        if has_values and not label and not pending and label_col is not None:
            # A label printed on the line below its figures (centred on a two-line cell it shares)
            below = _label_below(grid, r, label_col, figure_cols)
            if below:
                label = below
                taken.add(r + 1)
        if not has_values:
            if label and pending and label.startswith(pending):
                pending = label  # a label cell merged over this line and the next
            elif label and pending:
                pending = f"{pending} {label}"
            elif label and _OPEN_END.search(label):
                pending = label
            elif label and r > body and _continues(label, grid, r - 1, label_col, figure_cols):
                _append_label(out, index, r - 1, label)
            elif label:
                section, pending = label, ""
            elif (lone := _lone_stub_text(row, label_cols)) and not pending:
                section = lone  # a section title printed in another stub column (`Housing` under `Code`)
            _read_role_cells(row, role_text_cols, roles, label or section, index, table, out)
            continue
        if pending:
            label = label if label.startswith(pending) else f"{pending} {label}".strip()
            pending = ""
        # `b) 3-6 months` under `Percentage of episodes lasting a) <3 months`: the parent's words
        # before its `a)` name this measure too (as the grid reader reads them).
        if SUB_MEASURE.match(label) and not label.startswith("a)") and parent_prefix:
            label = f"{parent_prefix} {label}"
        elif first := FIRST_SUB_MEASURE.match(label):
            parent_prefix = first.group(1)
        elif label:
            parent_prefix = ""
        measure = label or section
        measure_row = Measure(measure, section=section if section != measure else "", page=table.page,
                              table_index=index, row_index=r)
        wrote_measure = _read_role_cells(row, role_text_cols, roles, measure, index, table, out, measure_row)
        if wrote_measure:
            out.measures.append(measure_row)
        for c in figure_cols:
            v = row[c]
            if v.kind == TEXT and not v.text.strip():
                continue
            where = _lineage(v, table, index)
            if down:
                # Measures across: the top heading names the measure, the headings under it split it.
                period_label = split_path(stub_paths[r])[0]
                names = [p for p in paths[c] if not is_period_heading(p)]
                measure_label = " ".join(names[0].split()) if names else title
                breakdown = " / ".join(" ".join(p.split()) for p in names[1:])
            else:
                period_label, breakdown = split_path(paths[c])
                measure_label = measure
            period = resolve(period_label, context.report) if period_label else None
            if period is None and not period_label and paths[c]:
                # A headed column (`Budget`, `Forecast`) of a table that states no period is for the
                # period of its title, else of the report. A column with no heading at all (page
                # numbers in a list of contents) names nothing to date.
                period = _fallback_period(title, context.report)
                period_label = period.label if period is not None else ""
            if v.kind == EMPTY:
                if not any(row[k].kind == FIGURE for k in figure_cols):
                    continue
                value = CellValue("missing")
            elif v.kind == TEXT:
                out.quarantine.append(QuarantineRow(measure_label, breakdown, period_label, v.text,
                                                    f"table {index}: not a figure or a status", where))
                continue
            else:
                value = _value(v.text)
                if value.status is None:
                    out.quarantine.append(QuarantineRow(measure_label, breakdown, period_label, v.text,
                                                        f"table {index}: {value.reason}", where))
                    continue
            if not measure_label:
                out.quarantine.append(QuarantineRow("", breakdown, period_label, v.text,
                                                    f"table {index}: no label for this figure", where))
                continue
            if period is None and not period_label:
                out.quarantine.append(QuarantineRow(measure_label, breakdown, "", v.text,
                                                    "no period for this figure", where))
                continue
            unit = value.unit or unit_from_label(f"{measure_label} {breakdown} {title}")
            out.observations.append(Observation(
                measure_label, breakdown, period_label, period.type if period else "",
                period.start if period else None, period.end if period else None,
                value.value, unit, value.numerator, value.denominator, value.status, value.reported_rag,
                v.text, where, section=section if section != measure_label else "", footnote=value.footnote))
            reading.figures += 1
    reading.reason = (f"{len(figure_cols)} value columns under {len(header)} header rows"
                      + (", periods down the side" if down else ""))
    return reading


def _lone_stub_text(row: list[VCell], stub_cols: list[int]) -> str:
    """The one text of a line with nothing but that text in the stub columns."""
    texts = {clean_label(row[c].text) for c in stub_cols if row[c].text.strip()}
    others = [v for v in row if v.col not in stub_cols and v.text.strip()]
    return texts.pop() if len(texts) == 1 and not others else ""


def _label_below(grid: list[list[VCell]], r: int, label_col: int, figure_cols: list[int]) -> str:
    """The label of the next line when that line has a label and nothing else: the label this line of
    figures lacks (printed centred on the two lines of a cell, it lands on the second)."""
    if r + 1 >= len(grid):
        return ""
    below = grid[r + 1]
    if any(below[c].text.strip() for c in figure_cols) or not below[label_col].text.strip():
        return ""
    return clean_label(below[label_col].text)


def _label_column(grid: list[list[VCell]], body: int, candidates: list[int], value_cols: list[int]) -> int | None:
    """The column naming the rows: of the text columns beside most rows of figures, the one with most text.

    A column of notes beside a few rows (`Details of key movements`) names none of them.
    """
    rows = [r for r in range(body, len(grid)) if any(grid[r][c].kind == FIGURE for c in value_cols)]

    def beside(c: int) -> int:
        return sum(1 for r in rows if grid[r][c].text.strip())

    most = max((beside(c) for c in candidates), default=0)
    near = [c for c in candidates if beside(c) >= 0.8 * most]
    return max(near, key=lambda c: sum(len(clean_label(grid[r][c].text)) for r in range(body, len(grid))
                                       if _anchored(grid[r][c])), default=None)


def _years_only(grid: list[list[VCell]], body: int, c: int) -> bool:
    """A column whose figures are all bare years: a stub of periods, not figures."""
    texts = [grid[r][c].text.strip() for r in range(body, len(grid)) if grid[r][c].text.strip()]
    return len(texts) >= 1 and all(_is_year(t) for t in texts) and len(set(texts)) < len(texts) + 1 and \
        sum(1 for r in range(body, len(grid)) if not grid[r][c].text.strip()) + len(texts) >= 2


def _filled_down(grid: list[list[VCell]], body: int, cols: list[int]) -> dict[int, list[str]]:
    """Each body row's stub texts, a blank stub cell taking the text above it (a group printed once)."""
    paths: dict[int, list[str]] = {}
    carried = {c: "" for c in cols}
    for r in range(body, len(grid)):
        for c in cols:
            if grid[r][c].text.strip():
                carried[c] = " ".join(grid[r][c].text.split())
        paths[r] = [carried[c] for c in cols if carried[c]]
    return paths


def _prose(texts: list[str]) -> bool:
    """A column of sentences (commentary), not of labels: long texts, most of them ending a sentence."""
    texts = [" ".join(t.split()) for t in texts if t.strip()]
    if not texts or sum(len(t) for t in texts) / len(texts) < _LONG_TEXT / 2:
        return False
    return sum(1 for t in texts if t.endswith((".", "!", "?")) or ". " in t) * 2 >= len(texts)


def _continues(label: str, grid: list[list[VCell]], previous: int, label_col: int | None,
               figure_cols: list[int]) -> bool:
    """A figure-less line under a row of figures that finishes that row's label (`KCC is in touch with)`)."""
    if label_col is None:
        return False
    above = grid[previous][label_col].text
    has_figures = any(grid[previous][c].kind in (FIGURE, STATUS) for c in figure_cols)
    return has_figures and (label[:1].islower() or above.count("(") > above.count(")"))


def _append_label(out: NormalisedDocument, index: int, row: int, tail: str) -> None:
    for obs in reversed(out.observations):
        if obs.lineage.table_index != index or obs.lineage.row_index != row:
            break
        obs.measure_label = f"{obs.measure_label} {tail}"


def _read_role_cells(row: list[VCell], text_roles: dict[int, str], value_roles: dict[int, str], measure: str,
                     index: int, table: Table, out: NormalisedDocument, measure_row: Measure | None = None) -> bool:
    """Cells of role columns: targets and verdicts into the measure, commentary into commentary."""
    wrote = False
    for c, role in {**text_roles, **value_roles}.items():
        v = row[c]
        text = " ".join(v.text.split())
        if not text:
            continue
        where = _lineage(v, table, index)
        if role in ("commentary", "rationale"):
            out.commentary.append(Commentary(measure, "rationale" if role == "rationale" else "commentary", text,
                                             where.page))
            out.cite(where)
        elif measure_row is not None and role in ("target", "tolerance", "trend", "position", "polarity",
                                                  "frequency"):
            if role == "target":
                measure_row.target_text = text
                measure_row.target_value = parse_target(text)
                if measure_row.target_value is None and (value := _value(text)).status == "reported":
                    measure_row.target_value = value.value  # `£121`: an amount the target grammar does not know
            elif role == "tolerance":
                measure_row.tolerance_text = text
                measure_row.tolerance_low, measure_row.tolerance_high = tolerance_bounds(
                    text, measure_row.target_value, measure_row.polarity)
            elif role == "trend":
                measure_row.trend_text = text
            elif role == "position":
                measure_row.position_text = text
            elif role == "frequency":
                measure_row.frequency = text
            out.cite(where)
            wrote = True
        elif role in ("number", "label", "group"):
            out.cite(where)  # the measure's own number or code: it names the row, it is no figure
        else:
            out.quarantine.append(QuarantineRow(measure, "", "", text, f"table {index}: a {role} with no measure row",
                                                where))
    return wrote


def _value(text: str) -> CellValue:
    try:
        parts = parse_value_cell(text)
    except ParseError as exc:
        return CellValue(None, reason=str(exc))
    if len(parts) > 1 or parts[0].breakdown:
        return CellValue(None, reason=f"several figures in one cell: {' '.join(text.split())!r}")
    return parts[0].value


def _fallback_period(title: str, report: Period | None) -> Period | None:
    """A table's period from its title, else the report's own period."""
    if title and len(title.split()) <= 25:
        period = parse_period(title)
        if period is not None and period.start is not None:
            return period
    return report


def _lineage(v: VCell, table: Table, index: int) -> Lineage:
    cell = v.source
    page = cell.page if cell is not None else table.page
    bbox = cell.bbox if cell is not None else None
    return Lineage(page, index, v.row, v.col, bbox, table.engine)
