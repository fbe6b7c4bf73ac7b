"""Measure long-lists: outcome blocks (`Ultimate Outcome`, `Objectives`) over two-sided tables of
measures, each side a group (`Activity and quality measures`, `Impact measures`) of
`Measure | Existing | Target | DoT` columns. They name measures; they report no figures.
"""

from __future__ import annotations

from dataclasses import dataclass

from scorecards.extractors.model import Table
from scorecards.normalise.records import Lineage, Measure, MeasureDefinition, NormalisedDocument
from scorecards.normalise.vocab import phrase_match, vocabulary

MAX_HEADER_ROWS = 3


@dataclass
class Side:
    """One group of columns: the measure column and its flag columns."""

    name: str
    label_col: int
    flag_cols: dict[str, int]  # existing_flag / target_flag / dot_flag -> column


def _flag_kind(text: str) -> str | None:
    key = " ".join(text.lower().split())
    for kind in ("existing_flag", "target_flag", "dot_flag"):
        if key in vocabulary()["longlist"][kind]:
            return kind
    return None


def outcome_block(table: Table) -> tuple[str, str] | None:
    """(outcome, objectives) from a small two-column table whose first column says `Ultimate Outcome`."""
    found: dict[str, str] = {}
    for r in range(table.n_rows):
        cells = table.distinct_cells(r)
        if len(cells) >= 2:
            for kind in ("outcome", "objectives"):
                if " ".join(cells[0].text.lower().split()) in vocabulary()["longlist"][kind]:
                    found[kind] = " ".join(c.text for c in cells[1:] if c.text)
    return (found["outcome"], found.get("objectives", "")) if "outcome" in found else None


def find_sides(table: Table) -> tuple[int, list[Side]] | None:
    """(header rows, sides) when a header row has measure columns each followed by flag columns."""
    from scorecards.normalise.grid import role_of

    for r in range(min(MAX_HEADER_ROWS, table.n_rows)):
        texts = table.row_texts(r)
        sides: list[Side] = []
        claimed: set[int] = set()  # flag columns of a side found already
        for col, text in enumerate(texts):
            # A flag header may also read as a label (`Existing measure` contains `measure`): it is the
            # side's flag column, not the start of another side.
            if col not in claimed and role_of(text) == "label":
                flags: dict[str, int] = {}
                for nxt in range(col + 1, len(texts)):
                    kind = _flag_kind(texts[nxt])
                    if kind is None:
                        break
                    flags[kind] = nxt
                if flags:
                    claimed.update(flags.values())
                    group = table.grid[r - 1][col].text if r > 0 else ""
                    sides.append(Side(group, col, flags))
        if sides:
            return r + 1, sides
    return None


def read_long_list(
    table: Table, table_index: int, outcome: tuple[str, str] | None, out: NormalisedDocument
) -> None:
    found = find_sides(table)
    if found is None:
        return
    header_rows, sides = found
    outcome_name, objectives = outcome or ("", "")
    for side in sides:
        section = " / ".join(part for part in (outcome_name, side.name) if part)
        for r in range(header_rows, table.n_rows):
            row = table.grid[r]
            label = row[side.label_col].text
            if not label or phrase_match(label, "status") is not None:
                continue
            flags = {kind: row[col].text for kind, col in side.flag_cols.items()}
            page = row[side.label_col].page
            out.measures.append(Measure(label, section, page=page, table_index=table_index, row_index=r))
            out.definitions.append(MeasureDefinition(
                label, section, outcome_name, objectives, flags.get("existing_flag", ""),
                flags.get("target_flag", ""), flags.get("dot_flag", ""), page,
            ))
            for col in (side.label_col, *side.flag_cols.values()):
                out.cite(Lineage(row[col].page, table_index, r, col, row[col].bbox, table.engine))
