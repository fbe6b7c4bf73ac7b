"""Zero-loss accounting: every figure-bearing cell of every table ends somewhere, or is counted as lost.

A cell is figure-bearing when its text states a figure (`11.0%`, `1,110`, `88.7% (893/1007)`) or
a status phrase (`N/A`, `TBD*`, `-`). Not figure-bearing: blank cells, period headings (`Qtr1
2018/19`, `Dec-24`, `2018-19`), a bare year used as a heading (`2018`), and words ending in a
number (`Sec 47`, `KPI 3`), which need a unit or a RAG word to count as a figure.

A cell is cited when an observation or quarantine row's lineage points at it, or a reader recorded
it with `NormalisedDocument.cite` (cells read into measures, targets, bands, benchmarks, commentary
or definitions). Cells are compared by identity: a lineage (table, row, col) cites the cell object
at that grid position, so any position a merged cell covers cites it.

Uncited cells are counted, never quarantined here: quarantining them automatically would hide the
reader's defect that dropped them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from scorecards.extractors.model import Cell, ExtractedDocument, Table
from scorecards.normalise.cells import ParseError, parse_value_cell
from scorecards.normalise.periods import looks_like_period
from scorecards.normalise.records import NormalisedDocument
from scorecards.normalise.values import CellValue, strip_footnote

_BARE_YEAR = re.compile(r"(?:19|20)\d\d")
STATUS_WORDS = 6  # a status phrase is short; longer text that opens with one is prose


class UncitedCell(NamedTuple):
    """(table_index, row, col, text): enough for a reason naming the place."""

    table_index: int  # 1-based, as lineage carries it
    row: int  # the cell's first grid position
    col: int
    text: str

    def __str__(self) -> str:
        return f"table {self.table_index} row {self.row} col {self.col}: {self.text!r}"


@dataclass(frozen=True)
class Accounting:
    figure_cells: int
    uncited: list[UncitedCell] = field(default_factory=list)

    @property
    def uncited_cells(self) -> int:
        return len(self.uncited)


@lru_cache(maxsize=65536)  # called for every cell by the count and by each reading of a table
def is_figure_cell(text: str) -> bool:
    """Whether a cell's text states a figure or a status (see the module docstring)."""
    text = " ".join(text.split())
    if not text:
        return False
    try:
        parts = parse_value_cell(text)
    except ParseError:
        return False
    status = next((p.value.status for p in parts if p.value.status != "reported"), None)
    if status is not None:
        # A status phrase (`N/A`, `TBD*`, `New contract measure for 2019/20`), not prose that opens with
        # one (`– Help children ...`, `Due to staff changes ...`).
        return len(text.split()) <= STATUS_WORDS and (status != "missing" or len(strip_footnote(text)[0]) <= 1)
    if _BARE_YEAR.fullmatch(text) or looks_like_period(text):
        return False  # a heading: `2018`, `2018-19`
    if len(parts) >= 2:
        return True  # `Inc UASC 55 Exc UASC 60`
    return any(p.value.status == "reported" and (not p.breakdown or states_own_figure(p.value)) for p in parts)


def states_own_figure(value: CellValue) -> bool:
    """Words then a figure are a figure with its breakdown (`Inc UASC 99.1% Green`, `8% (2)`) when the
    figure is a percentage, carries a RAG or a count; otherwise they are a label (`Visits within
    10 days`, `Sec 47`)."""
    return value.unit == "percent" or bool(value.reported_rag) or value.numerator is not None


def cited_places(out: NormalisedDocument) -> Iterable[tuple[int, int, int]]:
    """Every (table, row, col) a row of `out` points at: observations, quarantine, and `out.cited`."""
    for record in (*out.observations, *out.quarantine):
        where = record.lineage
        yield where.table_index, where.row_index, where.col_index
    yield from out.cited


def cells_at(table: Table, index: int, places: Iterable[tuple[int, int, int]]) -> set[int]:
    """Identities of the cells of table `index` that `places` point at (any position a merged cell covers)."""
    return {id(table.grid[r][c]) for t, r, c in places
            if t == index and 0 <= r < table.n_rows and 0 <= c < len(table.grid[r])}


def figure_cells_of(table: Table) -> Iterator[tuple[int, int, Cell]]:
    """Each figure-bearing cell of a table once, with the first grid position it covers."""
    seen: set[int] = set()
    for r, row in enumerate(table.grid):
        for c, cell in enumerate(row):
            if id(cell) not in seen:
                seen.add(id(cell))
                if is_figure_cell(cell.text):
                    yield r, c, cell


def account(doc: ExtractedDocument, out: NormalisedDocument) -> Accounting:
    """Figure-bearing cells of the document's tables, and those no row of `out` cites."""
    places = list(cited_places(out))
    figures = 0
    uncited: list[UncitedCell] = []
    for index, table in enumerate(doc.tables, start=1):
        cited = cells_at(table, index, places)
        for r, c, cell in figure_cells_of(table):
            figures += 1
            if id(cell) not in cited:
                uncited.append(UncitedCell(index, r, c, cell.text))
    return Accounting(figures, uncited)


def finish_accounting(doc: ExtractedDocument, out: NormalisedDocument) -> Accounting:
    """Count the document (the last step of normalise_document): fills out.figure_cells / uncited_cells."""
    result = account(doc, out)
    out.figure_cells, out.uncited_cells = result.figure_cells, result.uncited_cells
    return result
