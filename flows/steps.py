"""One file's steps, as plain functions: extract, normalise, validate, load, record a failure; and
`prepare` (extract, normalise and picture the quarantined cells), which a worker runs per file.

DIRECT_STEPS maps the step names to these functions; the Prefect flow (flows/ingest.py) passes its
tasks in their place, and benchmarks and tests wrap them by name.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scorecards.extractors import ExtractedDocument, ExtractionError, extract
from scorecards.flows.crops import add_crops
from scorecards.normalise.accounting import finish_accounting
from scorecards.normalise.corrections import corrected_row
from scorecards.normalise.document import normalise_document
from scorecards.normalise.frames import Frame, to_frames
from scorecards.normalise.records import NormalisedDocument
from scorecards.warehouse import open_warehouse

if TYPE_CHECKING:
    from scorecards.expectations.validate import SuiteRunner

log = logging.getLogger("scorecards")


@dataclass
class Prepared:
    """One file read and normalised (then validated, in a batch with others): the rows to load, or why
    there are none."""

    frames: dict[str, Frame] | None
    reason: str = ""
    pages: int = 0
    tables: int = 0
    crop_seconds: float = 0.0  # rendering quarantined cells' pictures (text PDFs)
    kind: str = ""  # pdf | docx: validation may move rows to quarantine that then want a picture


def extract_step(path: Path, sha256: str, settings: dict[str, Any] | None = None) -> ExtractedDocument:
    if not path.exists():
        raise ExtractionError(f"{path.name}: no such file")
    doc = extract(path, sha256, settings)
    if not doc.tables:
        where = f" in {doc.pages} page(s)" if doc.kind == "pdf" else ""
        unread = "".join(f"; {page.why}" for page in doc.failed_pages)
        raise ExtractionError(f"{path.name}: no tables found{where}{unread}")
    return doc


def normalise_step(doc: ExtractedDocument,
                   known_labels: Mapping[str, Sequence[str]] | None = None) -> NormalisedDocument:
    """The document's tidy rows; known_labels (organisation -> measure labels already loaded) lets a
    doubtful OCR'd label be repaired to one its organisation already reports."""
    tidy = normalise_document(doc, known_labels or {})
    # Zero-loss count (documents.figure_cells / uncited_cells). Idempotent: harmless if normalise_document
    # already did it.
    accounting = finish_accounting(doc, tidy)
    if accounting.uncited:
        shown = "; ".join(map(str, accounting.uncited[:5]))
        more = f" and {accounting.uncited_cells - 5} more" if accounting.uncited_cells > 5 else ""
        log.warning("%s: %d of %d figure cells in no row: %s%s", doc.source_file, accounting.uncited_cells,
                    accounting.figure_cells, shown, more)
    return tidy


def validate_step(batch: list[dict[str, Frame]], runner: SuiteRunner | None = None,
                  ) -> list[dict[str, Frame]]:
    """Run the suites over a batch of documents' frames at once; in each, failing rows move to
    quarantine with the expectation that failed. `runner`: where the suites run (default here)."""
    from scorecards.expectations.validate import quarantine_failures_batch, run_suite_here

    return quarantine_failures_batch(batch, runner or run_suite_here)


def load_step(location: str, documents: Sequence[tuple[str, dict[str, Frame]]]) -> None:
    """Replace each document's rows, a transaction per document, through one connection; the warehouse
    re-applies reviewers' corrections in the same transaction. Loading again is harmless (a retry)."""
    with open_warehouse(location) as wh, wh.loading():
        for source_file, frames in documents:
            wh.replace_document(source_file, frames, corrector=corrected_row)


def sync_corrections(location: str, corrections: str | Path | None) -> None:
    """Copy the corrections CSV (the record under version control) into the warehouse and apply it.

    No file: the warehouse keeps applying the decisions it already holds.
    """
    if not corrections or not Path(corrections).exists():
        return
    from scorecards.warehouse.corrections import read_csv

    decisions = read_csv(Path(corrections))
    with open_warehouse(location) as wh:
        dropped = wh.sync_corrections(decisions, corrector=corrected_row)
    if dropped:
        log.warning("%d correction(s) the warehouse held are not in %s any more, so no longer applied: %s",
                    len(dropped), corrections, ", ".join(dropped))


def fail_step(location: str, path: Path, sha256: str, reason: str) -> None:
    with open_warehouse(location) as wh:
        wh.record_failure(path.name, sha256, str(path), reason)


DIRECT_STEPS: dict[str, Callable[..., Any]] = {
    "extract": extract_step,
    "normalise": normalise_step,
    "validate": validate_step,
    "load": load_step,
    "fail": fail_step,
}


def prepare(
    path: Path, sha256: str, settings: dict[str, Any] | None = None,
    steps: Mapping[str, Callable[..., Any]] = DIRECT_STEPS,
) -> Prepared:
    """Extract and normalise one file (validate_batch checks it with others). Never raises for bad
    input: that is a Prepared with a reason."""
    try:
        doc = steps["extract"](path, sha256, settings)
        known, normalise = (settings or {}).get("known_labels"), steps["normalise"]
        tidy = normalise_step(doc, known) if known and normalise is normalise_step else normalise(doc)
        frames = to_frames(doc, tidy, path)
        crop_seconds = add_crops(frames, path, doc.kind)
    except ExtractionError as exc:
        return Prepared(None, str(exc))
    except Exception as exc:  # a bug on one odd file must not stop a backfill of hundreds
        log.debug("unexpected error on %s", path, exc_info=True)
        return Prepared(None, f"{path.name}: unexpected error ({type(exc).__name__}: {exc})")
    return Prepared(frames, pages=doc.pages, tables=len(doc.tables), crop_seconds=crop_seconds, kind=doc.kind)
