"""Prefect flows: `ingest` (files and folders, on demand) and `nightly-ingest` (an inbox folder, on a schedule).

Each file's steps run as tasks (extract, normalise, validate, load). With several workers the
extraction steps run in a process pool instead (tasks in threads would share one core under the
GIL) and only the loads are tasks: the DuckDB writer stays one.

Reviewers' corrections: `corrections` names the CSV to copy into the warehouse before loading; each
load re-applies the warehouse's decisions for its file either way (the warehouse does it, inside
the load's transaction), and orphaned corrections are printed at the end of the run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from scorecards.flows import pipeline

# Documents and frames are not worth hashing for a cache key, and re-running a step must redo it.
extract_task = task(pipeline.extract_step, name="extract", cache_policy=NO_CACHE)
normalise_task = task(pipeline.normalise_step, name="normalise", cache_policy=NO_CACHE)
validate_task = task(pipeline.validate_step, name="validate", cache_policy=NO_CACHE)
# A warehouse locked by an analyst's ad hoc ingest is the usual transient fault: back off and retry.
load_task = task(pipeline.load_step, name="load", cache_policy=NO_CACHE, retries=3, retry_delay_seconds=[5, 20, 60])
fail_task = task(pipeline.fail_step, name="record-failure", cache_policy=NO_CACHE, retries=3, retry_delay_seconds=5)

TASK_STEPS = {
    "extract": extract_task,
    "normalise": normalise_task,
    "validate": validate_task,
    "load": load_task,
    "fail": fail_task,
}


def _publish(summary: pipeline.RunSummary, title: str) -> None:
    totals = summary.totals
    row = {"files seen": totals["files"], **{k: totals[k] for k in
           ("new", "changed", "unchanged", "loaded", "failed", "quarantined", "corrections applied",
            "corrections orphaned")}}
    create_table_artifact(key="ingest-run", table=[row], description=title)
    for line in summary.orphaned_corrections:
        print(f"orphaned {line}")


@flow(name="ingest", log_prints=True)
def ingest(
    paths: list[str], warehouse: str = "warehouse.duckdb", progress: bool = False,
    settings: dict[str, Any] | None = None, workers: int = 1, corrections: str | None = None,
) -> pipeline.RunSummary:
    """Ingest report files and folders into the warehouse; returns every file's outcome."""
    summary = pipeline.ingest_files(
        [Path(p) for p in paths], warehouse, TASK_STEPS, progress, settings, workers, mode="prefect",
        corrections=corrections,
    )
    for outcome in summary.outcomes:
        if outcome.status == "failed":
            print(f"failed: {outcome.reason}")
    _publish(summary, f"ingest of {len(paths)} path(s) into {warehouse}")
    return summary


@flow(name="nightly-ingest", log_prints=True)
def nightly_ingest(
    inbox: str, warehouse: str = "warehouse.duckdb", workers: int = 1, settings: dict[str, Any] | None = None,
    corrections: str | None = None,
) -> dict[str, int]:
    """Ingest whatever arrived in the inbox: new and changed files by content, the rest skipped unread."""
    summary = pipeline.ingest_files([Path(inbox)], warehouse, TASK_STEPS, False, settings, workers, mode="nightly",
                                    corrections=corrections)
    for outcome in summary.outcomes:
        if outcome.status == "failed":
            print(f"failed: {outcome.reason}")
    _publish(summary, f"nightly ingest of {inbox} into {warehouse}")
    totals = summary.totals
    print(f"nightly ingest: {totals}")
    return totals
