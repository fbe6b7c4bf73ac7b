"""Reviewers' corrections that last: the decision record, its CSV form, and how one becomes a row.

A correction is keyed by the document's content hash and the cell's place (table, row, column, and
the breakdown when a cell gives several figures), so the same bytes loaded again, into this
warehouse or a fresh one, get the same decision back. The decisions live in `corrections.csv`
(kept under version control; `scorecards correct` writes it too) and are copied into the
warehouse, which applies them after every document load (warehouse/store.py).

Actions:
- accept: a quarantined figure moves to observations as read (its value parsed from the raw text);
- correct: a quarantined figure (or an observation) takes a new value and/or status;
- reject: the row leaves observations / quarantine; the `corrections` view still shows it.

The functions here are pure (rows in, rows out); the store does the SQL.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

ACTIONS = ("accept", "correct", "reject")
CSV_COLUMNS = [
    "correction_id", "source_file", "source_sha256", "table_index", "row_index", "col_index", "breakdown",
    "action", "new_value", "new_status", "old_value", "who", "at", "why",
]
APPLIED, ORPHANED, PENDING = "applied", "orphaned", "pending"


def correction_key(source_sha256: str, table_index: int, row_index: int, col_index: int, breakdown: str) -> str:
    """A stable id from the key: the same cell of the same bytes is one decision, whoever records it."""
    text = f"{source_sha256}|{table_index}|{row_index}|{col_index}|{breakdown}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def allowed_statuses() -> list[str]:
    from scorecards.normalise.vocab import vocabulary

    return sorted({*vocabulary()["status"], "reported"})


@dataclass
class Correction:
    """One reviewer's decision about one cell (and breakdown) of one document's bytes."""

    source_file: str
    source_sha256: str
    table_index: int
    row_index: int
    col_index: int
    action: str
    breakdown: str = ""
    new_value: float | None = None
    new_status: str = ""
    old_value: str = ""
    who: str = ""
    at: datetime = field(default_factory=lambda: datetime.now().replace(microsecond=0))
    why: str = ""
    correction_id: str = ""

    def __post_init__(self) -> None:
        self.breakdown = self.breakdown or ""
        self.correction_id = self.correction_id or correction_key(
            self.source_sha256, self.table_index, self.row_index, self.col_index, self.breakdown)

    def problems(self) -> list[str]:
        """What makes this decision unusable as written (checked on record and on read)."""
        found = []
        if self.action not in ACTIONS:
            found.append(f"action {self.action!r} is not one of {', '.join(ACTIONS)}")
        if len(self.source_sha256) != 64:
            found.append("source_sha256 must be the 64-hex-digit hash of the document's bytes")
        if self.action == "correct":
            if self.new_value is None and not self.new_status:
                found.append("correct needs a new value and/or a new status")
            if self.new_status and self.new_status not in allowed_statuses():
                found.append(f"status {self.new_status!r} is not one of {', '.join(allowed_statuses())}")
            if self.new_value is not None and self.new_status not in ("", "reported"):
                found.append(f"a value goes with status 'reported', not {self.new_status!r}")
        elif self.new_value is not None or self.new_status:
            found.append(f"{self.action} takes no new value or status (use correct)")
        return found

    def row(self) -> dict[str, Any]:
        return asdict(self)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def read_csv(path: Path) -> list[Correction]:
    """Every decision in a corrections CSV; a row that cannot be used stops with its line number.

    A later row for the same key replaces an earlier one (git keeps the history of the file).
    """
    found: dict[str, Correction] = {}
    with Path(path).open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = {"source_file", "source_sha256", "table_index", "row_index", "col_index", "action"} - set(
            reader.fieldnames or [])
        if missing:
            raise ValueError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
        for line, raw in enumerate(reader, start=2):
            try:
                value = _text(raw.get("new_value"))
                when = _text(raw.get("at"))
                correction = Correction(
                    source_file=_text(raw["source_file"]), source_sha256=_text(raw["source_sha256"]).lower(),
                    table_index=int(raw["table_index"]), row_index=int(raw["row_index"]),
                    col_index=int(raw["col_index"]), action=_text(raw["action"]).lower(),
                    breakdown=_text(raw.get("breakdown")), new_value=float(value.rstrip("%")) if value else None,
                    new_status=_text(raw.get("new_status")), old_value=_text(raw.get("old_value")),
                    who=_text(raw.get("who")), at=datetime.fromisoformat(when) if when else datetime(1970, 1, 1),
                    why=_text(raw.get("why")), correction_id=_text(raw.get("correction_id")),
                )
            except (TypeError, ValueError) as exc:
                raise ValueError(f"{path}:{line}: {exc}") from exc
            if problems := correction.problems():
                raise ValueError(f"{path}:{line}: {'; '.join(problems)}")
            found[correction.correction_id] = correction
    return list(found.values())


def write_csv(path: Path, corrections: list[Correction]) -> None:
    """The whole file, oldest decision first, so that diffs under version control stay small."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for c in sorted(corrections, key=lambda c: (c.at, c.correction_id)):
            row = c.row()
            row["new_value"] = "" if c.new_value is None else f"{c.new_value:g}"
            row["at"] = c.at.isoformat(sep=" ", timespec="seconds")
            writer.writerow({k: row[k] for k in CSV_COLUMNS})
    temporary.replace(path)  # a crash mid-write never leaves half a file under version control


def record_in_csv(path: Path, correction: Correction) -> None:
    """Add a decision to the CSV, replacing an earlier one for the same cell."""
    existing = read_csv(path) if Path(path).exists() else []
    write_csv(path, [c for c in existing if c.correction_id != correction.correction_id] + [correction])


# ---------------------------------------------------------------------------------------------
# From a decision and the rows it points at to the rows it produces
# ---------------------------------------------------------------------------------------------


def parsed_figure(raw_text: str, breakdown: str) -> dict[str, Any] | None:
    """The figure the cell text states for this breakdown, as the grid reader would read it; None if none."""
    from scorecards.normalise.cells import ParseError, parse_value_cell

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
    correction: Correction, row: dict[str, Any], context: dict[str, Any]
) -> dict[str, Any] | str:
    """The observation row an accept or correct makes of a quarantined row, or why it cannot.

    `context` gives what the quarantine row does not carry: organisation, the period the column
    stands for (period_type, period_start, period_end), the row's unit, measure_id, section.
    """
    figure = parsed_figure(row.get("raw_text") or "", row.get("breakdown") or "")
    if correction.action == "accept" and figure is None:
        return (f"nothing to accept: {row.get('raw_text')!r} does not read as a figure; "
                "record a correct with a value or status instead")
    figure = figure or {"value": None, "unit": "", "numerator": None, "denominator": None, "status": "",
                        "reported_rag": "", "footnote": ""}
    if correction.action == "correct":
        _apply_decision(correction, figure)
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
        "correction_id": correction.correction_id,
    }


def _apply_decision(correction: Correction, figure: dict[str, Any]) -> None:
    """A `correct` decision on a figure's fields: its new status and/or value; no figure unless reported."""
    if correction.new_status:
        figure["status"] = correction.new_status
    if correction.new_value is not None:
        figure["value"], figure["status"] = correction.new_value, "reported"
    if figure["status"] != "reported":
        figure["value"] = figure["numerator"] = figure["denominator"] = None


def observation_corrected(correction: Correction, row: dict[str, Any]) -> dict[str, Any]:
    """An observation with the reviewer's new value and/or status."""
    out = {k: v for k, v in row.items() if k not in ("corrected",)}
    _apply_decision(correction, out)
    if out["status"] != "reported":
        out["unit"] = ""
    out["correction_id"] = correction.correction_id
    return out
