"""Reviewers' corrections that last: the decision record and its CSV form.

A correction is keyed by the document's content hash and the cell's place (table, row, column, and
the breakdown when a cell gives several figures), so the same bytes loaded again, into this
warehouse or a fresh one, get the same decision back. The decisions live in `corrections.csv`
(kept under version control; `scorecards correct` writes it too) and are copied into the
warehouse, which applies them after every document load (warehouse/store.py).

Actions:
- accept: a quarantined figure moves to observations as read (its value parsed from the raw text);
- correct: a quarantined figure (or an observation) takes a new value and/or status;
- reject: the row leaves observations / quarantine; the `corrections` view still shows it.

The rows a decision makes are normalise.corrections' work: the caller hands its `corrected_row` to
the warehouse as the `Corrector`, so that the warehouse reads and stores and never reads a cell itself.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable
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


# The decision, where the row it points at is held ("quarantine" or "observation"), that row, and what the
# warehouse read beside it -> the observation row the decision makes, or why it makes none.
Corrector = Callable[[Correction, str, dict[str, Any], dict[str, Any]], dict[str, Any] | str]
