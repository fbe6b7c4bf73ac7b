"""The ingest pipeline as plain functions: discover -> hash -> extract -> normalise -> validate -> load.

The Prefect flow (flows/ingest.py) runs these same steps as tasks; the CLI runs them directly when
no Prefect server is configured, so a one-file ingest does not pay for a server start.

Files are recognised by content: a file whose bytes were loaded (or failed) before is skipped
without being parsed, a changed file replaces its earlier rows. Extraction may run in several
worker processes; loading always happens in this process, one file per transaction, because
DuckDB allows one writer.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from extractors import SUPPORTED_SUFFIXES, ExtractedDocument, ExtractionError, extract
from normalise.document import normalise_document
from normalise.records import NormalisedDocument, flat
from warehouse import open_warehouse

log = logging.getLogger("scorecards")


@dataclass
class FileOutcome:
    path: Path
    source_file: str
    sha256: str
    status: str  # loaded | failed | skipped (its bytes were seen before)
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

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def totals(self) -> dict[str, int]:
        return {
            "files": len(self.outcomes),
            "new": sum(1 for o in self.outcomes if o.change == "new"),
            "changed": sum(1 for o in self.outcomes if o.change == "changed"),
            "unchanged": sum(1 for o in self.outcomes if o.change == "unchanged"),
            "loaded": self.count("loaded"),
            "failed": self.count("failed"),
            "pages": sum(o.pages for o in self.outcomes),
            "tables": sum(o.tables for o in self.outcomes),
            "observations": sum(o.observations for o in self.outcomes),
            "quarantined": sum(o.quarantined for o in self.outcomes),
        }


@dataclass
class Prepared:
    """One file read, normalised and validated: the rows to load, or why there are none."""

    frames: dict[str, pd.DataFrame] | None
    reason: str = ""
    pages: int = 0
    tables: int = 0


def discover(paths: Iterable[Path]) -> list[Path]:
    """Files named, plus report files found under folders named (hidden files skipped), sorted, once each.

    A file named explicitly is always tried, so an unknown type fails with a clear reason; inside
    folders only the types the extractors read are picked up.
    """
    found: dict[Path, None] = {}
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                hidden = any(part.startswith(".") for part in child.relative_to(path).parts)
                if child.is_file() and not hidden and child.suffix.lower() in SUPPORTED_SUFFIXES:
                    found[child] = None
        else:
            found[path] = None
    return list(found)


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
        raise ExtractionError(f"{path.name}: no tables found{where}")
    return doc


def normalise_step(doc: ExtractedDocument) -> NormalisedDocument:
    return normalise_document(doc)


def to_frames(doc: ExtractedDocument, tidy: NormalisedDocument, path: Path) -> dict[str, pd.DataFrame]:
    """The warehouse rows of one document, keyed by fact table, each row stamped with its file."""
    stamp = {"source_file": doc.source_file, "source_sha256": doc.source_sha256}

    def frame(records: Iterable[Any], extra: Mapping[str, Any] | None = None) -> pd.DataFrame:
        return pd.DataFrame([{**stamp, **(extra or {}), **flat(r)} for r in records])

    document = pd.DataFrame([{
        **stamp, "source_path": str(path), "kind": doc.kind, "title": tidy.title,
        "organisation": tidy.organisation, "report_period_label": tidy.report_period_label,
        "report_period_start": tidy.report_period_start, "report_period_end": tidy.report_period_end,
        "pages": doc.pages, "tables": len(doc.tables),
        "layouts": ";".join(t.layout for t in tidy.tables), "loaded_at": datetime.now(),
    }])
    return {
        "document_facts": document,
        "table_facts": frame(tidy.tables),
        "observation_facts": frame(tidy.observations, {"organisation": tidy.organisation}),
        "measure_facts": frame(tidy.measures),
        "quarantine_facts": frame(tidy.quarantine),
        "commentary_facts": frame(tidy.commentary),
        "benchmark_facts": frame(tidy.benchmarks),
        "target_facts": frame(tidy.targets),
        "band_facts": frame(tidy.bands),
        "definition_facts": frame(tidy.definitions),
    }


def validate_step(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Run the observation suite; failing rows move to quarantine with the expectation that failed."""
    from expectations import quarantine_failures

    return quarantine_failures(frames)


def load_step(location: str, source_file: str, frames: dict[str, pd.DataFrame]) -> None:
    with open_warehouse(location) as wh:
        wh.replace_document(source_file, frames)


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
    """Extract, normalise and validate one file. Never raises for bad input: that is a Prepared with a reason."""
    try:
        doc = steps["extract"](path, sha256, settings)
        tidy = steps["normalise"](doc)
        frames = steps["validate"](to_frames(doc, tidy, path))
    except ExtractionError as exc:
        return Prepared(None, str(exc))
    except Exception as exc:  # a bug on one odd file must not stop a backfill of hundreds
        log.debug("unexpected error on %s", path, exc_info=True)
        return Prepared(None, f"{path.name}: unexpected error ({type(exc).__name__}: {exc})")
    return Prepared(frames, pages=doc.pages, tables=len(doc.tables))


def _prepare_in_worker(path: Path, sha256: str, settings: dict[str, Any] | None) -> Prepared:
    return prepare(path, sha256, settings)


def _finish(
    outcome: FileOutcome, prepared: Prepared, location: str, steps: Mapping[str, Callable[..., Any]]
) -> FileOutcome:
    """Write one prepared file (the single writer): its rows, or its failure."""
    if prepared.frames is None:
        steps["fail"](location, outcome.path, outcome.sha256, prepared.reason)
        outcome.status, outcome.reason = "failed", prepared.reason
        log.warning("failed: %s", prepared.reason)
        return outcome
    steps["load"](location, outcome.source_file, prepared.frames)
    outcome.status = "loaded"
    outcome.pages, outcome.tables = prepared.pages, prepared.tables
    outcome.observations = len(prepared.frames["observation_facts"])
    outcome.quarantined = len(prepared.frames["quarantine_facts"])
    return outcome


def plan(paths: Iterable[Path], location: str) -> tuple[list[FileOutcome], list[FileOutcome]]:
    """(files to read, files skipped): new or changed bytes are read; bytes seen before are not."""
    with open_warehouse(location) as wh:
        known = wh.known_files()
    todo, skipped = [], []
    for path in discover(paths):
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
) -> RunSummary:
    """Ingest files and folders; extraction in `workers` processes, loading here, one file at a time."""
    summary = RunSummary()
    todo, skipped = plan(paths, location)
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
        unreadable = [o for o in todo if o.status == "failed"]
        for outcome in unreadable:
            steps["fail"](location, outcome.path, outcome.sha256, outcome.reason)
            done(outcome)
        readable = [o for o in todo if o.status == "pending"]
        if workers > 1 and len(readable) > 1:
            _run_pool(readable, location, steps, settings, workers, done)
        else:
            for outcome in readable:
                done(_finish(outcome, prepare(outcome.path, outcome.sha256, settings, steps), location, steps))
    except KeyboardInterrupt:
        # Every file already loaded is committed; the next run skips it and finishes the rest.
        summary.interrupted = True
        raise
    finally:
        if bar is not None:
            bar.close()
        summary.finished_at = datetime.now()
        _record_run(location, summary, mode)
    return summary


def _run_pool(
    readable: list[FileOutcome], location: str, steps: Mapping[str, Callable[..., Any]],
    settings: dict[str, Any] | None, workers: int, done: Callable[[FileOutcome], None],
) -> None:
    # "spawn": workers start clean, without this process's open DuckDB handles or Prefect threads.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending: dict[Future[Prepared], FileOutcome] = {
            pool.submit(_prepare_in_worker, o.path, o.sha256, settings): o for o in readable
        }
        try:
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    outcome = pending.pop(future)
                    try:
                        prepared = future.result()
                    except Exception as exc:  # a worker killed mid-file: record it, keep going
                        prepared = Prepared(None, f"{outcome.source_file}: worker failed ({type(exc).__name__}: {exc})")
                    done(_finish(outcome, prepared, location, steps))
        except KeyboardInterrupt:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def _record_run(location: str, summary: RunSummary, mode: str) -> None:
    try:
        with open_warehouse(location) as wh:
            wh.record_run(summary.started_at, summary.finished_at or datetime.now(), mode,
                          summary.totals, summary.interrupted)
    except Exception as exc:  # run history must never turn a good ingest into a failed one
        log.warning("could not record the run history: %s", exc)
