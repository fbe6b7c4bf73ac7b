"""The ingest pipeline as plain functions: discover -> hash -> extract -> normalise -> validate -> load.

The Prefect flow (flows/ingest.py) runs these same steps as tasks; the CLI runs them directly when
no Prefect server is configured, so a one-file ingest does not pay for a server start.

Files are recognised by content: a file whose bytes were loaded (or failed) before is skipped
without being parsed, a changed file replaces its earlier rows. Extraction may run in several
worker processes; loading always happens in this process, one file per transaction, because
DuckDB allows one writer.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import multiprocessing
import os
import queue
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
from scorecards.extractors import SUPPORTED_SUFFIXES, ExtractedDocument, ExtractionError, extract
from scorecards.normalise.accounting import finish_accounting
from scorecards.normalise.document import normalise_document
from scorecards.normalise.rag import rag_fields
from scorecards.normalise.records import NormalisedDocument, flat
from scorecards.normalise.targets import Band
from scorecards.warehouse import open_warehouse, warehouse_exists, warehouse_files

CROP_SCALE = 2.0  # pixels per PDF point: small text stays legible in a review page
CROP_MARGIN = 4.0  # points around the cell, so its ruling lines show

log = logging.getLogger("scorecards")


@dataclass
class FileOutcome:
    path: Path
    source_file: str
    sha256: str
    # loaded | failed | skipped (its bytes were seen before) | not_read (found in a folder, not a report it can
    # read: another file type, a broken or looping link; recorded in `failures`, never tried)
    status: str
    reason: str = ""
    change: str = "new"  # new | changed | unchanged, against what the warehouse last saw of this name
    pages: int = 0
    tables: int = 0
    observations: int = 0
    quarantined: int = 0


@dataclass
class RunSummary:
    outcomes: list[FileOutcome] = field(default_factory=list)
    started_at: datetime = field(default_factory=datetime.now)
    finished_at: datetime | None = None
    interrupted: bool = False
    run_id: str = field(default_factory=lambda: str(uuid.uuid4()))  # joins `runs` to `validations`
    corrections_applied: int = 0
    orphaned_corrections: list[str] = field(default_factory=list)  # one line each, reported at the end

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def totals(self) -> dict[str, int]:
        return {
            "files": len(self.outcomes) - self.count("not_read"),
            "new": sum(1 for o in self.outcomes if o.change == "new"),
            "changed": sum(1 for o in self.outcomes if o.change == "changed"),
            "unchanged": sum(1 for o in self.outcomes if o.change == "unchanged"),
            "loaded": self.count("loaded"),
            "failed": self.count("failed"),
            "not read": self.count("not_read"),
            "pages": sum(o.pages for o in self.outcomes),
            "tables": sum(o.tables for o in self.outcomes),
            "observations": sum(o.observations for o in self.outcomes),
            "quarantined": sum(o.quarantined for o in self.outcomes),
            "corrections applied": self.corrections_applied,
            "corrections orphaned": len(self.orphaned_corrections),
        }


@dataclass
class Prepared:
    """One file read and normalised (then validated, in a batch with others): the rows to load, or why
    there are none."""

    frames: dict[str, pd.DataFrame] | None
    reason: str = ""
    pages: int = 0
    tables: int = 0
    crop_seconds: float = 0.0  # rendering quarantined cells' pictures (text PDFs)
    kind: str = ""  # pdf | docx: validation may move rows to quarantine that then want a picture


# Great Expectations validates a batch of documents in about the time it takes for one: loads wait
# for up to VALIDATE_BATCH prepared files, or FLUSH_SECONDS after the first of them was ready.
VALIDATE_BATCH = 64
FLUSH_SECONDS = 6.0


# Files a folder walk passes over without a word: operating-system and editor droppings, not reports.
OS_JUNK = frozenset({"thumbs.db", "desktop.ini", "ehthumbs.db"})


def is_junk(name: str) -> bool:
    """Hidden files (`.DS_Store`, `.~lock.x.odt#`), Office lock files (`~$report.docx`), `Thumbs.db`."""
    return name.startswith((".", "~$")) or name.lower() in OS_JUNK


def discover(paths: Iterable[Path], passed_over: dict[Path, str] | None = None,
             own_files: Iterable[Path] = ()) -> list[Path]:
    """Files named, plus report files found under folders named, sorted, once each.

    A file named explicitly is always tried, so an unknown type fails with a clear reason. Inside
    folders only the types the extractors read are picked up; every other entry is put in
    `passed_over` with the reason (`x.xlsx: unsupported file type '.xlsx'`, a broken or looping
    link, not a regular file), except hidden entries, OS junk (is_junk) and the run's own files
    (`own_files`: the warehouse and its write-ahead log, the corrections CSV), passed over silently.
    Links to folders are not followed (a link back up the tree would never end).
    """
    found: dict[Path, None] = {}
    skipped = passed_over if passed_over is not None else {}
    own = {Path(os.path.abspath(p)) for p in own_files}
    for path in paths:
        if not path.is_dir():
            found[path] = None
            continue
        for root, folders, files in os.walk(path):
            folders[:] = sorted(f for f in folders if not is_junk(f))
            for name in sorted(files) + [f for f in folders if Path(root, f).is_symlink()]:
                child = Path(root, name)
                if is_junk(name) or Path(os.path.abspath(child)) in own:
                    continue
                reason = _not_a_report(child)
                if reason:
                    skipped[child] = reason
                else:
                    found[child] = None
    return list(found)


def _not_a_report(path: Path) -> str:
    """Why a file found in a folder will not be read, or '' when it is a report file to try."""
    name = path.name
    if path.is_symlink():
        try:
            path.resolve(strict=True)
        except FileNotFoundError:
            return f"{name}: broken link (points to {os.readlink(path)}, which does not exist)"
        except (RuntimeError, OSError) as exc:  # RuntimeError: pathlib's own loop check
            if isinstance(exc, RuntimeError) or exc.errno == errno.ELOOP:
                return f"{name}: link loops (points to {os.readlink(path)})"
            return f"{name}: cannot follow link ({exc.strerror or exc})"
        if path.is_dir():
            return f"{name}: link to a folder, not followed (name the folder itself to ingest it)"
    if not path.is_file():
        return f"{name}: not a regular file"
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        return f"{name}: unsupported file type {suffix or '(none)'!r}"
    return ""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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


def to_frames(doc: ExtractedDocument, tidy: NormalisedDocument, path: Path) -> dict[str, pd.DataFrame]:
    """The warehouse rows of one document, keyed by fact table, each row stamped with its file."""
    stamp = {"source_file": doc.source_file, "source_sha256": doc.source_sha256}

    def frame(records: Iterable[Any], extra: Mapping[str, Any] | None = None) -> pd.DataFrame:
        return pd.DataFrame([{**stamp, **(extra or {}), **flat(r)} for r in records])

    observations = frame(tidy.observations, {"organisation": tidy.organisation})
    if not observations.empty:
        observations = pd.concat([observations, pd.DataFrame(rag_rows(tidy))], axis=1)
    document = pd.DataFrame([{
        **stamp, "source_path": str(path), "kind": doc.kind, "title": tidy.title,
        "organisation": tidy.organisation, "report_period_label": tidy.report_period_label,
        "report_period_start": tidy.report_period_start, "report_period_end": tidy.report_period_end,
        "pages": doc.pages, "tables": len(doc.tables),
        "layouts": ";".join(t.layout for t in tidy.tables),
        "figure_cells": tidy.figure_cells, "uncited_cells": tidy.uncited_cells,
        "page_sources": "; ".join(p.describe() for p in doc.page_sources),
    }])
    return {
        "document_facts": document,
        "table_facts": frame(tidy.tables),
        "observation_facts": observations,
        "measure_facts": frame(tidy.measures),
        "quarantine_facts": frame(tidy.quarantine),
        "commentary_facts": frame(tidy.commentary),
        "benchmark_facts": frame(tidy.benchmarks),
        "target_facts": frame(tidy.targets),
        "band_facts": frame(tidy.bands),
        "definition_facts": frame(tidy.definitions),
        "cell_facts": pd.DataFrame([{**stamp, **row} for row in cell_rows(doc)]),
    }


def cell_rows(doc: ExtractedDocument) -> list[dict[str, Any]]:
    """Every cell of every table, a merged cell once at its top-left grid position with the spans it covers.

    Positions and spans come from the grid itself (not Cell.row/col), so they are the row_index /
    col_index that lineage carries, stitched tables included. table_index is 1-based like lineage's.
    """
    rows: list[dict[str, Any]] = []
    for table_index, table in enumerate(doc.tables, start=1):
        first: dict[int, dict[str, Any]] = {}
        for r, grid_row in enumerate(table.grid):
            for c, cell in enumerate(grid_row):
                entry = first.get(id(cell))
                if entry is None:
                    x0, top, x1, bottom = cell.bbox or (None, None, None, None)
                    entry = first[id(cell)] = {
                        "table_index": table_index, "page": cell.page, "row_index": r, "col_index": c,
                        "row_span": 1, "col_span": 1, "text": cell.text, "bbox_x0": x0, "bbox_top": top,
                        "bbox_x1": x1, "bbox_bottom": bottom, "engine": table.engine,
                    }
                    rows.append(entry)
                entry["row_span"] = max(entry["row_span"], r - entry["row_index"] + 1)
                entry["col_span"] = max(entry["col_span"], c - entry["col_index"] + 1)
    return rows


def rag_rows(tidy: NormalisedDocument) -> list[dict[str, Any]]:
    """Per observation (same order): the RAG it states, the RAG recomputed from its measure, and the verdict.

    A measure's position column (`Outside Tolerance`) judges its latest figure, so it is compared
    with the measure's latest reported figure(s) only, never with every quarter of the series.
    """
    measures = {(m.table_index, m.measure_label): m for m in tidy.measures}
    bands: dict[str, list[Band]] = {}
    for b in tidy.bands:
        bands.setdefault(b.measure_label, []).append(
            Band(b.band, b.lower, b.upper, b.lower_inclusive, b.upper_inclusive))
    latest: dict[tuple[int, str], Any] = {}
    for o in tidy.observations:
        if o.status == "reported" and o.value is not None and o.period_end is not None:
            key = (o.lineage.table_index, o.measure_label)
            latest[key] = max(latest.get(key, o.period_end), o.period_end)
    rows = []
    for o in tidy.observations:
        key = (o.lineage.table_index, o.measure_label)
        measure = measures.get(key)
        judged = o.status == "reported" and o.period_end is not None and latest.get(key) == o.period_end
        position = measure.position_text if measure is not None and judged else ""
        rows.append(rag_fields(
            o.value if o.status == "reported" else None, o.reported_rag or "", position, bands.get(o.measure_label, ()),
            measure.target_value if measure else None, measure.tolerance_low if measure else None,
            measure.tolerance_high if measure else None, measure.polarity if measure else "",
        ))
    return rows


def add_crops(frames: dict[str, pd.DataFrame], path: Path, kind: str) -> float:
    """Give quarantined cells of a text PDF their picture: a PNG crop of the page at the cell's bbox.

    Runs in the worker, one render per page that has quarantined cells without a picture (OCR'd
    cells already carry one; Word has no page to crop). Returns the seconds spent.
    """
    quarantine = frames.get("quarantine_facts")
    if kind != "pdf" or quarantine is None or quarantine.empty or "bbox_x0" not in quarantine:
        return 0.0
    started = time.perf_counter()
    if "crop_png" not in quarantine:
        quarantine["crop_png"] = None
    wanted = quarantine["crop_png"].isna() & quarantine["bbox_x0"].notna() & quarantine["page"].notna()
    if not wanted.any():
        return 0.0
    import cv2
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        for page_number, rows in quarantine[wanted].groupby("page"):
            page = pdf[int(page_number) - 1]
            image = page.render(scale=CROP_SCALE).to_numpy()  # BGR(A), as cv2 writes it
            page.close()
            height, width = image.shape[:2]
            for index, row in rows.iterrows():
                x0, top = (max(0, int((row[k] - CROP_MARGIN) * CROP_SCALE)) for k in ("bbox_x0", "bbox_top"))
                x1 = min(width, int((row["bbox_x1"] + CROP_MARGIN) * CROP_SCALE) + 1)
                bottom = min(height, int((row["bbox_bottom"] + CROP_MARGIN) * CROP_SCALE) + 1)
                if x1 <= x0 or bottom <= top:
                    continue
                ok, png = cv2.imencode(".png", image[top:bottom, x0:x1])
                quarantine.at[index, "crop_png"] = png.tobytes() if ok else None
    except Exception as exc:  # a picture is a help for the reviewer, never a reason to lose the file's rows
        log.warning("%s: could not render quarantined cells' pictures (%s)", path.name, exc)
    finally:
        pdf.close()
    return time.perf_counter() - started


def validate_step(batch: list[dict[str, pd.DataFrame]]) -> list[dict[str, pd.DataFrame]]:
    """Run the suites over a batch of documents' frames at once; in each, failing rows move to
    quarantine with the expectation that failed."""
    from scorecards.expectations import quarantine_failures_batch

    return quarantine_failures_batch(batch)


def load_step(location: str, documents: Sequence[tuple[str, dict[str, pd.DataFrame]]]) -> None:
    """Replace each document's rows, a transaction per document, through one connection; the warehouse
    re-applies reviewers' corrections in the same transaction. Loading again is harmless (a retry)."""
    with open_warehouse(location) as wh:
        for source_file, frames in documents:
            wh.replace_document(source_file, frames)


def sync_corrections(location: str, corrections: str | Path | None) -> None:
    """Copy the corrections CSV (the record under version control) into the warehouse and apply it.

    No file: the warehouse keeps applying the decisions it already holds.
    """
    if not corrections or not Path(corrections).exists():
        return
    from scorecards.warehouse.corrections import read_csv

    decisions = read_csv(Path(corrections))
    with open_warehouse(location) as wh:
        dropped = wh.sync_corrections(decisions)
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


def validate_batch(batch: Sequence[tuple[FileOutcome, Prepared]], steps: Mapping[str, Callable[..., Any]]) -> None:
    """Validate the prepared files of a batch together, in place. Should the batch's validation fail
    as a whole, each file is validated alone, so that one file's fault fails that file only."""
    ready = [(outcome, prepared) for outcome, prepared in batch if prepared.frames is not None]
    if not ready:
        return
    try:
        checked = steps["validate"]([prepared.frames for _, prepared in ready])
    except Exception:
        log.debug("batch validation failed; validating its %d files one by one", len(ready), exc_info=True)
        checked = []
        for outcome, prepared in ready:
            try:
                checked += steps["validate"]([prepared.frames])
            except Exception as exc:
                checked.append(None)
                prepared.reason = f"{outcome.source_file}: validation failed ({type(exc).__name__}: {exc})"
    for (outcome, prepared), frames in zip(ready, checked, strict=True):
        prepared.frames = frames
        if frames is not None:  # rows the suites moved to quarantine get their picture too
            prepared.crop_seconds += add_crops(frames, outcome.path, prepared.kind)


class Waiting:
    """Prepared files waiting to be validated and loaded together: due when `size` are in, or
    FLUSH_SECONDS after the first came in (a slow scan must not hold back the files before it)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: list[tuple[FileOutcome, Prepared]] = []
        self.since = 0.0

    def add(self, outcome: FileOutcome, prepared: Prepared) -> None:
        self.items.append((outcome, prepared))
        self.since = self.since or time.monotonic()

    def due(self) -> bool:
        return bool(self.items) and (len(self.items) >= self.size or time.monotonic() - self.since >= FLUSH_SECONDS)

    def take(self) -> list[tuple[FileOutcome, Prepared]]:
        items, self.items, self.since = self.items, [], 0.0
        return items


def prepare_in_worker(path: Path, sha256: str, settings: dict[str, Any] | None) -> Prepared:
    """`prepare` with the plain steps, as a pool process or a Dask worker runs it for one file."""
    return prepare(path, sha256, settings)


# Submits one file's prepare somewhere (a pool process, a Dask worker) and returns its future: anything with
# `add_done_callback(fn)` (fn gets the future) and `result()`, such as concurrent.futures and Prefect futures.
Submit = Callable[[Path, str, "dict[str, Any] | None"], Any]


def per_file_settings(settings: dict[str, Any] | None) -> dict[str, Any]:
    """Settings for a file prepared beside others: a scanned file's pages are read one at a time (unless
    the settings say otherwise), so that Tesseract's threads do not outnumber the cores."""
    options = (settings or {}).get("ocr_options") or {}
    return {**(settings or {}), "ocr_options": {"workers": 1, **options}}


def prepare_all(
    readable: Sequence[FileOutcome], submit: Submit, settings: dict[str, Any] | None,
    finish: Callable[[list[tuple[FileOutcome, Prepared]]], None], batch_size: int = VALIDATE_BATCH,
    capacity: Callable[[], int] | None = None,
) -> None:
    """Prepare every file through `submit` (one future each), and hand the prepared files to `finish`
    (validate and load, here: the single writer) in batches, as they complete.

    The seam between the ways of running prepares side by side: the process pool (`_run_pool`) and
    Dask workers through Prefect (flows/ingest.py). `capacity()`, when given, is how many files may be
    out at once (asked again as each comes back, so workers that join are used): a worker then holds
    only the file it reads, and one that dies takes no queued files down with it. A future that fails
    (a worker killed mid-file, a result that would not come back) is that file's failure with the
    reason, never the run's.
    """
    settings = per_file_settings(settings)
    ready: queue.SimpleQueue[tuple[FileOutcome, Any]] = queue.SimpleQueue()
    todo = list(reversed(readable))
    out = 0

    def send() -> None:
        nonlocal out
        try:
            room = len(todo) if capacity is None else max(1, capacity()) - out
        except Exception as exc:  # the cluster could not say (a scheduler hiccup): one more, not a failed run
            log.debug("capacity unknown (%s)", exc)
            room = 1 - out
        for _ in range(min(room, len(todo))):
            outcome = todo.pop()
            future = submit(outcome.path, outcome.sha256, settings)
            out += 1
            # Called in the executor's (or Dask client's) thread, or at once when already done.
            future.add_done_callback(lambda done, outcome=outcome: ready.put((outcome, done)))

    send()
    waiting = Waiting(batch_size)
    left = len(readable)
    while left:
        timeout = FLUSH_SECONDS if not waiting.items else max(0.0, waiting.since + FLUSH_SECONDS - time.monotonic())
        try:
            outcome, future = ready.get(timeout=timeout)
        except queue.Empty:
            pass
        else:
            left, out = left - 1, out - 1
            waiting.add(outcome, _prepared(outcome, future))
            send()
        if waiting.due() or (waiting.items and not left):
            finish(waiting.take())


def _prepared(outcome: FileOutcome, future: Any) -> Prepared:
    try:
        prepared = future.result()
    except Exception as exc:  # a worker killed mid-file: record it, keep going
        return Prepared(None, f"{outcome.source_file}: worker failed ({type(exc).__name__}: {exc})")
    if not isinstance(prepared, Prepared):  # never expected; a file's fault all the same, not the run's
        return Prepared(None, f"{outcome.source_file}: worker failed (returned {type(prepared).__name__})")
    return prepared


def _finish(batch: Sequence[tuple[FileOutcome, Prepared]], location: str, steps: Mapping[str, Callable[..., Any]],
            run: RunSummary | None = None) -> list[FileOutcome]:
    """Write a batch of prepared files (the single writer): each file's rows in a transaction of its
    own, through one connection, or its failure."""
    loads: list[tuple[str, dict[str, pd.DataFrame]]] = []
    for outcome, prepared in batch:
        if prepared.frames is None:
            steps["fail"](location, outcome.path, outcome.sha256, prepared.reason)
            outcome.status, outcome.reason = "failed", prepared.reason
            log.warning("failed: %s", prepared.reason)
            continue
        validations = prepared.frames.get("validation_facts")
        if validations is not None and run is not None:
            # Only the run knows its id, so the validation results are stamped here.
            validations["run_id"], validations["run_started_at"] = run.run_id, run.started_at
        loads.append((outcome.source_file, prepared.frames))
    if loads:
        steps["load"](location, loads)
    for outcome, prepared in batch:
        if prepared.frames is not None:
            outcome.status = "loaded"
            outcome.pages, outcome.tables = prepared.pages, prepared.tables
            outcome.observations = len(prepared.frames["observation_facts"])
            outcome.quarantined = len(prepared.frames["quarantine_facts"])
    return [outcome for outcome, _ in batch]


def plan(paths: Iterable[Path], location: str, corrections: str | Path | None = None,
         ) -> tuple[list[FileOutcome], list[FileOutcome]]:
    """(files to read, files skipped): new or changed bytes are read; bytes seen before are not.

    Files a folder walk passed over (not reports it can read) are among the skipped, as `not_read`
    with their reason; the run records them in `failures`.
    """
    with open_warehouse(location) as wh:
        known = wh.known_files()
    todo, skipped = [], []
    passed_over: dict[Path, str] = {}
    own = [*warehouse_files(location), *([Path(corrections)] if corrections else [])]
    found = discover(paths, passed_over, own)
    for path, reason in passed_over.items():
        skipped.append(FileOutcome(path, path.name, "", "not_read", reason, change=""))
    for path in found:
        try:
            sha = sha256_of(path)
        except OSError as exc:
            todo.append(FileOutcome(path, path.name, "", "failed", f"{path.name}: cannot read ({exc.strerror or exc})"))
            continue
        loaded_sha, failed_sha = known.get(path.name, (None, None))
        change = "new" if loaded_sha is None and failed_sha is None else "changed"
        if sha in (loaded_sha, failed_sha):
            why = "already loaded" if sha == loaded_sha else "failed before with these bytes"
            skipped.append(FileOutcome(path, path.name, sha, "skipped", why, "unchanged"))
        else:
            todo.append(FileOutcome(path, path.name, sha, "pending", change=change))
    return todo, skipped


def ingest_files(
    paths: Iterable[Path], location: str, steps: Mapping[str, Callable[..., Any]] = DIRECT_STEPS,
    progress: bool = False, settings: dict[str, Any] | None = None, workers: int = 1, mode: str = "direct",
    corrections: str | Path | None = None, submit: Submit | None = None, capacity: Callable[[], int] | None = None,
) -> RunSummary:
    """Ingest files and folders; extraction in `workers` processes, loading here, one file at a time.

    `corrections` names the reviewers' corrections CSV: it is copied into the warehouse first, every
    load re-applies the decisions for its file, and decisions left orphaned are reported at the end.
    `submit` sends each file's prepare elsewhere (Dask workers, see prepare_all; `capacity`: how many
    at once) instead of the pool of `workers` processes; validation and loading stay here either way.
    """
    summary = RunSummary()
    todo, skipped = plan(paths, location, corrections)
    sync_corrections(location, corrections)
    batch_size = max(1, int((settings or {}).get("batch", VALIDATE_BATCH)))
    settings = {**(settings or {}), "known_labels": _known_labels(location)}
    summary.outcomes += skipped
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(todo), unit="file", desc="ingest", dynamic_ncols=True)
    pages = 0

    def done(outcome: FileOutcome) -> None:
        nonlocal pages
        summary.outcomes.append(outcome)
        pages += outcome.pages
        if bar is not None:
            bar.set_postfix_str(f"{pages} pages, {outcome.source_file[:30]}")
            bar.update(1)

    try:
        for outcome in skipped:
            if outcome.status == "not_read":  # a folder's file that is not a report it can read: said, not lost
                steps["fail"](location, outcome.path, outcome.sha256, outcome.reason)
                log.warning("not read: %s", outcome.reason)
        unreadable = [o for o in todo if o.status == "failed"]
        for outcome in unreadable:
            steps["fail"](location, outcome.path, outcome.sha256, outcome.reason)
            done(outcome)
        readable = [o for o in todo if o.status == "pending"]

        def finish(batch: list[tuple[FileOutcome, Prepared]]) -> None:
            validate_batch(batch, steps)
            for outcome in _finish(batch, location, steps, summary):
                done(outcome)

        if submit is not None and readable:
            prepare_all(readable, submit, settings, finish, batch_size, capacity)
        elif workers > 1 and len(readable) > 1:
            _run_pool(readable, steps, settings, workers, finish, batch_size)
        else:
            waiting = Waiting(batch_size)
            for outcome in readable:
                waiting.add(outcome, prepare(outcome.path, outcome.sha256, settings, steps))
                if waiting.due():
                    finish(waiting.take())
            finish(waiting.take())
    except KeyboardInterrupt:
        # Every file already loaded is committed; the next run skips it and finishes the rest.
        summary.interrupted = True
        raise
    finally:
        if bar is not None:
            bar.close()
        summary.finished_at = datetime.now()
        _report_corrections(location, summary)
        _record_run(location, summary, mode)
    return summary


def _known_labels(location: str) -> dict[str, list[str]]:
    """The measure labels the warehouse holds per organisation (none for a new warehouse)."""
    if not warehouse_exists(location):
        return {}
    with open_warehouse(location, read_only=True) as wh:
        return wh.known_labels()


def _run_pool(
    readable: list[FileOutcome], steps: Mapping[str, Callable[..., Any]], settings: dict[str, Any] | None,
    workers: int, finish: Callable[[list[tuple[FileOutcome, Prepared]]], None], batch_size: int = VALIDATE_BATCH,
) -> None:
    """Prepare files in worker processes (the fallback without Dask); `finish` validates and loads them
    here, in batches."""
    # "spawn": workers start clean, without this process's open DuckDB handles or Prefect threads.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        try:
            prepare_all(readable, lambda path, sha256, chosen: pool.submit(prepare_in_worker, path, sha256, chosen),
                        settings, finish, batch_size)
        except KeyboardInterrupt:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def _report_corrections(location: str, summary: RunSummary) -> None:
    """Every orphaned correction, at the end of every run, until someone deals with it: never dropped silently."""
    try:
        with open_warehouse(location) as wh:
            report = wh.correction_report()
    except Exception as exc:
        log.warning("could not check the corrections: %s", exc)
        return
    summary.corrections_applied = report["applied"]
    summary.orphaned_corrections = [
        f"correction {o['correction_id']} ({o['action']} {o['source_file']} table {o['table_index']} row "
        f"{o['row_index']} column {o['col_index']}{' ' + repr(o['breakdown']) if o['breakdown'] else ''}): "
        f"{o['state_reason']}"
        for o in report["orphaned"]
    ]
    for line in summary.orphaned_corrections:
        log.warning("orphaned %s", line)


def _record_run(location: str, summary: RunSummary, mode: str) -> None:
    try:
        with open_warehouse(location) as wh:
            wh.record_run(summary.started_at, summary.finished_at or datetime.now(), mode,
                          summary.totals, summary.interrupted, summary.run_id)
    except Exception as exc:  # run history must never turn a good ingest into a failed one
        log.warning("could not record the run history: %s", exc)
