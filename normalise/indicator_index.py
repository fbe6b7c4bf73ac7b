"""The index of indicators a report opens with (`KPI 1 | % of all referrals with a decision ...`).

It names measures, it reports no figures: it feeds `measures` (for indicators no card describes)
and never `observations`.
"""

from __future__ import annotations

import re

from scorecards.extractors.model import Table
from scorecards.normalise.cells import parse_cell
from scorecards.normalise.records import Lineage, Measure, NormalisedDocument

_ID = re.compile(r"^[A-Za-z]{1,5}\.?\s*(\d{1,3})[a-z]?$")


def indicator_number(text: str) -> int | None:
    """3 from `KPI 3`, `KPI3`, `PI 3`, `Performance Indicator 3`."""
    match = _ID.match(" ".join(text.split())) or re.search(r"\bindicator\s*(\d{1,3})\b", text, re.I)
    return int(match.group(1)) if match else None


def is_indicator_index(table: Table) -> bool:
    """Most rows: a short indicator id, then a long name; no figure anywhere after the name."""
    if table.n_rows < 3 or table.n_cols < 2:
        return False
    body = [r for r in range(table.n_rows) if table.grid[r][0].text.strip()]
    ids = [r for r in body if _ID.match(" ".join(table.grid[r][0].text.split()))]
    if len(ids) < max(3, 0.6 * len(body)):
        return False
    for r in ids:
        rest = [c for c in table.distinct_cells(r)[1:] if c.text.strip()]
        if not rest or len(rest[0].text.split()) < 3:
            return False
        if any(parse_cell(c.text).value is not None for c in rest[1:]):
            return False
    return True


def read_indicator_index(table: Table, index: int, described: set[int], out: NormalisedDocument) -> None:
    """A measure per indicator the report's cards do not already describe (`described` holds their numbers)."""
    for r in range(table.n_rows):
        number = indicator_number(table.grid[r][0].text)
        rest = [c for c in table.distinct_cells(r)[1:] if c.text.strip()]
        if number is None or not rest:
            continue
        # Read into a measure here, or into the card that describes the indicator.
        out.cite(Lineage(rest[0].page, index, r, table.grid[r].index(rest[0]), rest[0].bbox, table.engine))
        if number in described:
            continue
        out.measures.append(Measure(" ".join(rest[0].text.split()), page=table.page, table_index=index, row_index=r))
