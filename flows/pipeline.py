"""The ingest pipeline as plain functions: discover -> hash -> extract -> normalise -> validate -> load.

The Prefect flow (flows/ingest.py) runs these same steps as tasks; the CLI runs them directly when
no Prefect server is configured, so a one-file ingest does not pay for a server start.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Mapping
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
    status: str  # loaded | unchanged | failed
    reason: str = ""
    pages: int = 0
    tables: int = 0
    observations: int = 0
    quarantined: int = 0


@dataclass
class RunSummary:
    outcomes: list[FileOutcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def totals(self) -> dict[str, int]:
        return {
            "files": len(self.outcomes),
            "loaded": self.count("loaded"),
            "unchanged": self.count("unchanged"),
            "failed": self.count("failed"),
            "pages": sum(o.pages for o in self.outcomes),
            "tables": sum(o.tables for o in self.outcomes),
            "observations": sum(o.observations for o in self.outcomes),
            "quarantined": sum(o.quarantined for o in self.outcomes),
        }


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
    return extract(path, sha256, settings)


def normalise_step(doc: ExtractedDocument) -> NormalisedDocument:
    return normalise_document(doc)


def to_frames(doc: ExtractedDocument, tidy: NormalisedDocument, path: Path) -> dict[str, pd.DataFrame]:
    """The warehouse rows of one document, keyed by fact table, each row stamped with its file."""
    stamp = {"source_file": doc.source_file, "source_sha256": doc.source_sha256}

    def frame(records: Iterable[Any], extra: Mapping[str, Any] | None = None) -> pd.DataFrame:
        return pd.DataFrame([{**stamp, **(extra or {}), **flat(r)} for r in records])

    observations = frame(tidy.observations, {"organisation": tidy.organisation})
    layouts = ";".join(t.layout for t in tidy.tables)
    document = pd.DataFrame([{
        **stamp, "source_path": str(path), "kind": doc.kind, "title": tidy.title,
        "organisation": tidy.organisation, "pages": doc.pages, "tables": len(doc.tables),
        "layouts": layouts, "loaded_at": datetime.now(),
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


def ingest_file(
    path: Path, location: str, steps: Mapping[str, Callable[..., Any]] = DIRECT_STEPS,
    settings: dict[str, Any] | None = None,
) -> FileOutcome:
    """One file end to end. Never raises for bad input: a bad file is an outcome, recorded as failed."""
    try:
        sha = sha256_of(path)
    except OSError as exc:
        reason = f"{path.name}: cannot read ({exc.strerror or exc})"
        steps["fail"](location, path, "", reason)
        return FileOutcome(path, path.name, "", "failed", reason)
    with open_warehouse(location) as wh:
        if wh.loaded_sha(path.name) == sha:
            return FileOutcome(path, path.name, sha, "unchanged")
    try:
        doc = steps["extract"](path, sha, settings)
        if not doc.tables:
            where = f" in {doc.pages} page(s)" if doc.kind == "pdf" else ""
            raise ExtractionError(f"{path.name}: no tables found{where}")
        tidy = steps["normalise"](doc)
        frames = steps["validate"](to_frames(doc, tidy, path))
    except ExtractionError as exc:
        steps["fail"](location, path, sha, str(exc))
        return FileOutcome(path, path.name, sha, "failed", str(exc))
    except Exception as exc:  # a bug on one odd file must not stop a backfill of hundreds
        log.debug("unexpected error on %s", path, exc_info=True)
        reason = f"{path.name}: unexpected error ({type(exc).__name__}: {exc})"
        steps["fail"](location, path, sha, reason)
        return FileOutcome(path, path.name, sha, "failed", reason)
    steps["load"](location, path.name, frames)
    return FileOutcome(
        path, path.name, sha, "loaded", pages=doc.pages, tables=len(doc.tables),
        observations=len(frames["observation_facts"]), quarantined=len(frames["quarantine_facts"]),
    )


def ingest_files(
    paths: Iterable[Path], location: str, steps: Mapping[str, Callable[..., Any]] = DIRECT_STEPS,
    progress: bool = False, settings: dict[str, Any] | None = None,
) -> RunSummary:
    files = discover(paths)
    summary = RunSummary()
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(files), unit="file", desc="ingest", leave=False)
    for path in files:
        if bar is not None:
            bar.set_postfix_str(path.name[:40])
        outcome = ingest_file(path, location, steps, settings)
        if outcome.status == "failed":
            log.warning("failed: %s", outcome.reason)
        summary.outcomes.append(outcome)
        if bar is not None:
            bar.update(1)
    if bar is not None:
        bar.close()
    return summary
