"""The Python API: what the CLI does, as calls that return DataFrames (`import scorecards`).

    scorecards.read(path)                  one report, no warehouse of yours: a Reading of DataFrames
    scorecards.ingest(paths, warehouse)    files and folders into a warehouse: a RunSummary
    scorecards.open_warehouse(location)    a warehouse, its contract views as DataFrames
    scorecards.inspect(path)               the tables found and how each was read
    scorecards.review(warehouse, out)      the static review site

The CLI (`scorecards ingest|inspect|review ...`) is a thin layer over these. Heavy libraries are
imported inside the calls, so `import scorecards` itself is quick.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from scorecards.flows.outcomes import RunSummary
    from scorecards.normalise.inspect import Inspection
    from scorecards.warehouse.review.writer import BuildReport
    from scorecards.warehouse.store import Warehouse

# The contract views a Reading carries, by attribute name.
READING_VIEWS = ("observations", "quarantine", "measures", "benchmarks", "commentary", "documents", "failures")


@dataclass
class Reading:
    """One report as the pipeline reads it: each contract view's rows for this file, and its tables.

    The frames have exactly the columns of the warehouse's views (`../shared/contract.md`), so code
    written against a Reading works unchanged against `open_warehouse(...).view(...)`.
    """

    path: Path
    observations: pd.DataFrame
    quarantine: pd.DataFrame
    measures: pd.DataFrame
    benchmarks: pd.DataFrame
    commentary: pd.DataFrame
    documents: pd.DataFrame
    failures: pd.DataFrame  # one row when the file could not be read at all, with the reason
    settings: dict[str, Any] = field(default_factory=dict, repr=False)

    @cached_property
    def tables(self) -> list[dict[str, Any]]:
        """What `inspect` shows, one entry per region found. Read on first use only: it extracts the
        file again, which the rows above do not need."""
        return [] if self.failed else inspect(self.path, **self.settings).regions

    @property
    def failed(self) -> bool:
        return not self.failures.empty

    def __repr__(self) -> str:
        state = f"failed: {self.failures.reason.iloc[0]}" if self.failed else (
            f"{len(self.observations)} observations, {len(self.quarantine)} quarantined")
        return f"<Reading {self.path.name}: {state}>"


def read(path: str | Path, **settings: Any) -> Reading:
    """Read one report (PDF, Word, or a legacy .doc/.odt/.rtf) into DataFrames, without a warehouse.

    It goes through exactly what `ingest` does (extract, normalise, Great Expectations, load) into a
    throwaway warehouse, so the rows are those an ingest would load. `settings` are the extraction
    settings `scorecards.toml` holds (`ocr=False`, `conversion_timeout=60`, ...). A file that cannot
    be read is not an exception: `Reading.failures` holds its reason (as `scorecards ingest` records it).
    """
    from scorecards.extractors.settings import resolve

    resolve(settings)  # a misspelt key or a bad value is an error before any file is read
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="scorecards-read-") as work:
        location = str(Path(work) / "reading.duckdb")
        ingest([path], location, **settings)
        with open_warehouse(location, read_only=True) as wh:
            frames = {name: wh.view(name) for name in READING_VIEWS}
    return Reading(path, settings=settings, **frames)


def ingest(paths: str | Path | Iterable[str | Path], warehouse: str | Path = "warehouse.duckdb", workers: int = 1,
           progress: bool = False, corrections: str | Path | None = None, **settings: Any) -> RunSummary:
    """Ingest files and folders into a warehouse (created when missing), as `scorecards ingest` does.

    Unchanged files are skipped by their bytes; each file's rows are replaced in one transaction.
    Returns the run's summary: `.totals`, and `.outcomes` per file (loaded, failed with its reason, ...).
    """
    from scorecards.extractors.settings import resolve
    from scorecards.flows.pipeline import ingest_files

    resolve(settings)  # a misspelt key or a bad value is an error before any file is read
    targets = [Path(paths)] if isinstance(paths, str | Path) else [Path(p) for p in paths]
    return ingest_files(targets, str(warehouse), progress=progress, settings=settings or None, workers=workers,
                        corrections=corrections)


def open_warehouse(location: str | Path = "warehouse.duckdb", read_only: bool = False) -> Warehouse:
    """A warehouse: `wh.view("observations")` and the other contract views as DataFrames,
    `wh.query(sql)`, `wh.export(folder)`. Use it in a `with` block, or call `.close()`."""
    from scorecards.warehouse import open_warehouse as open_location

    return open_location(location, read_only=read_only)


def inspect(path: str | Path, **settings: Any) -> Inspection:
    """The regions found in a file and how each was read (layout, engine, quality, rows as printed),
    without loading anything: `.regions` is what `scorecards inspect --json` prints."""
    from scorecards.extractors.settings import resolve
    from scorecards.flows.discover import sha256_of
    from scorecards.normalise.inspect import inspect_file

    resolve(settings)  # a misspelt key or a bad value is an error before any file is read
    path = Path(path)
    return inspect_file(path, sha256_of(path), settings or None)


def review(warehouse: str | Path, out: str | Path) -> BuildReport:
    """Write the static review site of a warehouse into `out` (a new or earlier review folder)."""
    from scorecards.warehouse.review import build_site

    return build_site(str(warehouse), Path(out))
