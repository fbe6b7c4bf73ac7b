"""What a reviewer's decision makes of a loaded row: an observation row, its figure read as the grid
reader would read the cell, its RAG recomputed like a loaded figure's.

A decision (the record is warehouse/corrections.py's Correction) points at a quarantined row or an
observation. The warehouse reads that row and what lies beside it, and the caller hands
`corrected_row` to the warehouse, which calls it inside the load's transaction: the warehouse
reads and stores, the reading of cells and periods stays here.

Pure: rows in, a row (or why there is none) out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from scorecards.normalise.cells import ParseError, parse_value_cell
from scorecards.normalise.periods import parse_period
from scorecards.normalise.rag import rag_fields
from scorecards.normalise.targets import Band
from scorecards.normalise.values import unit_from_label

QUARANTINE, OBSERVATION = "quarantine", "observation"  # where the row a decision points at is held
# What the warehouse read beside a quarantined row (absent when nothing was read) that the row lacks
# to become an observation: the column's period (from an observation under the same header) and the
# row's measure id, section and unit (from an observation in the same row).
_COLUMN = ("period_type", "period_start", "period_end")
_SAME_ROW = ("measure_id", "section", "unit")


class Decision(Protocol):
    """The fields of a reviewer's decision that shape the row it makes."""

    action: str
    new_value: float | None
    new_status: str
    correction_id: str


def corrected_row(decision: Decision, held_in: str, row: dict[str, Any],
                  beside: Mapping[str, Any]) -> dict[str, Any] | str:
    """The observation row a decision makes of a row held in `quarantine` or as an `observation`, with
    its RAG fields; or why it makes none.

    `beside` is what the warehouse read next to the row: `organisation` (the document's), the
    column's `period_type`/`period_start`/`period_end` and the row's `measure_id`/`section`/`unit`
    when an observation gave them (quarantined rows only), the `measure`'s (target_value,
    tolerance_low, tolerance_high, polarity) and its `bands` as (band, lower, upper,
    lower_inclusive, upper_inclusive).
    """
    if held_in == QUARANTINE:
        made = observation_from_quarantine(decision, row, quarantine_context(row, beside))
    else:
        made = observation_corrected(decision, row)
    if isinstance(made, str):
        return made
    return with_rag(made, beside.get("measure"), beside.get("bands") or ())


def quarantine_context(row: dict[str, Any], beside: Mapping[str, Any]) -> dict[str, Any]:
    """What a quarantined row lacks to become an observation: what was read beside it, and where
    nothing was, the period from its header label and the unit its measure's label implies."""
    context: dict[str, Any] = {"organisation": beside.get("organisation") or ""}
    context |= {k: beside[k] for k in (*_COLUMN, *_SAME_ROW) if k in beside}
    if "period_type" not in beside:  # no figure under this header was read: the period as the reader would
        period = parse_period(row.get("period_label") or "")
        if period is not None:
            context |= {"period_type": period.type, "period_start": period.start, "period_end": period.end}
    if not context.get("unit") and row.get("measure_label"):
        context["unit"] = unit_from_label(row["measure_label"])
    return context


def parsed_figure(raw_text: str, breakdown: str) -> dict[str, Any] | None:
    """The figure the cell text states for this breakdown, as the grid reader would read it; None if none."""
    try:
        parts = parse_value_cell(raw_text or "")
    except ParseError:
        return None
    matching = [p for p in parts if p.breakdown == breakdown] or (parts if len(parts) == 1 else [])
    if len(matching) != 1:
        return None
    value = matching[0].value
    return {"value": value.value, "unit": value.unit, "numerator": value.numerator,
            "denominator": value.denominator, "status": value.status or "", "reported_rag": value.reported_rag,
            "footnote": value.footnote}


def observation_from_quarantine(
    decision: Decision, row: dict[str, Any], context: dict[str, Any]
) -> dict[str, Any] | str:
    """The observation row an accept or correct makes of a quarantined row, or why it cannot.

    `context` gives what the quarantine row does not carry: organisation, the period the column
    stands for (period_type, period_start, period_end), the row's unit, measure_id, section.
    """
    figure = parsed_figure(row.get("raw_text") or "", row.get("breakdown") or "")
    if decision.action == "accept" and figure is None:
        return (f"nothing to accept: {row.get('raw_text')!r} does not read as a figure; "
                "record a correct with a value or status instead")
    figure = figure or {"value": None, "unit": "", "numerator": None, "denominator": None, "status": "",
                        "reported_rag": "", "footnote": ""}
    if decision.action == "correct":
        _apply_decision(decision, figure)
    reported = figure["status"] == "reported"
    if reported and figure["value"] is None:
        return f"{row.get('raw_text')!r} gives no figure to report; record a correct with a value"
    keep = ("source_file", "source_sha256", "measure_label", "breakdown", "period_label", "raw_text", "page",
            "table_index", "row_index", "col_index", "bbox_x0", "bbox_top", "bbox_x1", "bbox_bottom", "engine")
    return {
        **{k: row.get(k) for k in keep},
        "breakdown": row.get("breakdown") or "",
        "organisation": context.get("organisation") or "",
        "measure_id": context.get("measure_id"),
        "period_type": context.get("period_type") or "",
        "period_start": context.get("period_start"),
        "period_end": context.get("period_end"),
        "value": figure["value"],
        "unit": (figure["unit"] or context.get("unit") or "count") if reported else "",
        "numerator": figure["numerator"], "denominator": figure["denominator"],
        "status": figure["status"], "reported_rag": figure["reported_rag"],
        "section": context.get("section") or "", "footnote": figure["footnote"], "repairs": "",
        "correction_id": decision.correction_id,
    }


def _apply_decision(decision: Decision, figure: dict[str, Any]) -> None:
    """A `correct` decision on a figure's fields: its new status and/or value; no figure unless reported."""
    if decision.new_status:
        figure["status"] = decision.new_status
    if decision.new_value is not None:
        figure["value"], figure["status"] = decision.new_value, "reported"
    if figure["status"] != "reported":
        figure["value"] = figure["numerator"] = figure["denominator"] = None


def observation_corrected(decision: Decision, row: dict[str, Any]) -> dict[str, Any]:
    """An observation with the reviewer's new value and/or status."""
    out = {k: v for k, v in row.items() if k not in ("corrected",)}
    _apply_decision(decision, out)
    if out["status"] != "reported":
        out["unit"] = ""
    out["correction_id"] = decision.correction_id
    return out


def with_rag(row: dict[str, Any], measure: tuple[Any, ...] | None,
             bands: tuple[tuple[Any, ...], ...] | list[tuple[Any, ...]]) -> dict[str, Any]:
    """A corrected figure with its RAG recomputed like a loaded one's (the new value may change it)."""
    target, low, high, polarity = measure or (None, None, None, "")
    value = row["value"] if row["status"] == "reported" else None
    return {**row, **rag_fields(value, row.get("reported_rag") or "", row.get("rag_position") or "",
                                [Band(*b) for b in bands], target, low, high, polarity or "")}
