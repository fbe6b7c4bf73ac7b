"""Files prepared side by side (a process pool, or Dask workers through Prefect), then validated and
loaded here in batches: the single writer.

Great Expectations checks a batch of documents in about the time it takes for one, so prepared files
wait (Waiting) for a batch to fill or for a few seconds, whichever comes first; a failure of one
file's prepare (a worker killed mid-file) fails that file, never the run.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scorecards.flows.crops import add_crops
from scorecards.flows.steps import Prepared, prepare

if TYPE_CHECKING:
    from scorecards.expectations.validate import SuiteRunner
    from scorecards.flows.outcomes import FileOutcome, RunSummary
    from scorecards.normalise.frames import Frame

log = logging.getLogger("scorecards")

# Great Expectations validates a batch of documents in about the time it takes for one: loads wait
# for up to VALIDATE_BATCH prepared files, or FLUSH_SECONDS after the first of them was ready.
VALIDATE_BATCH = 64
FLUSH_SECONDS = 6.0


def validate_batch(batch: Sequence[tuple[FileOutcome, Prepared]], steps: Mapping[str, Callable[..., Any]],
                   runner: SuiteRunner | None = None) -> None:
    """Validate the prepared files of a batch together, in place (the suites run where `runner` runs
    them). Should the batch's validation fail as a whole, each file is validated alone, so that one
    file's fault fails that file only."""
    ready = [(outcome, prepared) for outcome, prepared in batch if prepared.frames is not None]
    if not ready:
        return
    try:
        checked = steps["validate"]([prepared.frames for _, prepared in ready], runner)
    except Exception:
        log.debug("batch validation failed; validating its %d files one by one", len(ready), exc_info=True)
        checked = []
        for outcome, prepared in ready:
            try:
                checked += steps["validate"]([prepared.frames], runner)
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

    The seam between the ways of running prepares side by side: the process pool (`run_pool`) and
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


def finish_batch(
    batch: Sequence[tuple[FileOutcome, Prepared]], location: str, steps: Mapping[str, Callable[..., Any]],
    run: RunSummary | None = None,
) -> list[FileOutcome]:
    """Write a batch of prepared files (the single writer): each file's rows in a transaction of its
    own, through one connection, or its failure."""
    loads: list[tuple[str, dict[str, Frame]]] = []
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


def run_pool(
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
