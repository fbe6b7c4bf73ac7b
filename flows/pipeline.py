"""The ingest pipeline: discover -> hash -> extract -> normalise -> validate -> load, and the run's record.

The steps are flows/steps.py's plain functions; the Prefect flow (flows/ingest.py) runs them as
tasks, and the CLI runs them directly when no Prefect server is configured, so a one-file ingest
does not pay for a server start.

Files are recognised by content: a file whose bytes were loaded (or failed) before is skipped
without being parsed, a changed file replaces its earlier rows. Extraction may run in several
worker processes (flows/batching.py); loading always happens in this process, one file per
transaction, because DuckDB allows one writer.
"""

from __future__ import annotations

import contextlib
import gc
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from scorecards.expectations.service import IDLE_SECONDS, check_validator, suite_runner
from scorecards.flows.batching import (
    VALIDATE_BATCH,
    Submit,
    Waiting,
    finish_batch,
    prepare_all,
    run_pool,
    validate_batch,
)
from scorecards.flows.discover import discover, sha256_of
from scorecards.flows.outcomes import FileOutcome, RunSummary
from scorecards.flows.steps import DIRECT_STEPS, Prepared, prepare, sync_corrections
from scorecards.warehouse import Warehouse, open_warehouse, warehouse_files

log = logging.getLogger("scorecards")


def plan(paths: Iterable[Path], location: str, corrections: str | Path | None = None,
         ) -> tuple[list[FileOutcome], list[FileOutcome], dict[str, list[str]]]:
    """(files to read, files skipped, the measure labels the warehouse holds per organisation): new or
    changed bytes are read; bytes seen before are not.

    Files a folder walk passed over (not reports it can read) are among the skipped, as `not_read`
    with their reason; the run records them in `failures`.
    """
    with open_warehouse(location) as wh:  # one open for both: opening a DuckDB file costs ~30 ms
        known = wh.known_files()
        known_labels = wh.known_labels()
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
    return todo, skipped, known_labels


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
    settings = settings or {}
    validator = settings.get("validator", "in-process")
    check_validator(validator)  # before anything is read or recorded
    summary = RunSummary()
    todo, skipped, known_labels = plan(paths, location, corrections)
    sync_corrections(location, corrections)
    batch_size = max(1, int(settings.get("batch", VALIDATE_BATCH)))
    idle = float(settings.get("validator_idle", IDLE_SECONDS))
    settings = {**settings, "known_labels": known_labels}
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

    runs = contextlib.ExitStack()
    runs.enter_context(_settled_heap())
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
        # Chosen (and a validator service started) before the reading, which its warm-up overlaps.
        runner = runs.enter_context(suite_runner(validator if readable else "in-process", idle))

        def finish(batch: list[tuple[FileOutcome, Prepared]]) -> None:
            validate_batch(batch, steps, runner)
            for outcome in finish_batch(batch, location, steps, summary):
                done(outcome)

        if submit is not None and readable:
            prepare_all(readable, submit, settings, finish, batch_size, capacity)
        elif workers > 1 and len(readable) > 1:
            run_pool(readable, steps, settings, workers, finish, batch_size)
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
        runs.close()
        if bar is not None:
            bar.close()
        summary.finished_at = datetime.now()
        _close_run(location, summary, mode)
    return summary


@contextlib.contextmanager
def _settled_heap() -> Iterator[None]:
    """For the length of a run, Python's cycle collector leaves alone every object made before it.

    Those are mostly modules and libraries (Great Expectations' context alone is hundreds of thousands
    of objects) that live as long as the process. A run makes millions of short-lived objects (a dict
    per character), and each collection that reaches the oldest generation would walk the whole heap
    again: a tenth of a run validated in-process. Objects freed by reference counting, nearly all, go
    as before; the earlier objects are handed back to the collector when the run ends.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _close_run(location: str, summary: RunSummary, mode: str) -> None:
    """The orphaned corrections reported, and the run recorded, through one connection."""
    try:
        wh = open_warehouse(location)
    except Exception as exc:  # run history must never turn a good ingest into a failed one
        log.warning("could not record the run, nor check the corrections: %s", exc)
        return
    with wh:
        _report_corrections(wh, summary)
        _record_run(wh, summary, mode)


def _report_corrections(wh: Warehouse, summary: RunSummary) -> None:
    """Every orphaned correction, at the end of every run, until someone deals with it: never dropped silently."""
    try:
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


def _record_run(wh: Warehouse, summary: RunSummary, mode: str) -> None:
    try:
        wh.record_run(summary.started_at, summary.finished_at or datetime.now(), mode,
                      summary.totals, summary.interrupted, summary.run_id)
    except Exception as exc:  # run history must never turn a good ingest into a failed one
        log.warning("could not record the run history: %s", exc)
