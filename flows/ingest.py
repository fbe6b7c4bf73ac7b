"""The Prefect flow `ingest`: the pipeline's steps as tasks, per file extract -> normalise -> validate -> load."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows import pipeline

# Documents and frames are not worth hashing for a cache key, and re-running a step must redo it.
extract_task = task(pipeline.extract_step, name="extract", cache_policy=NO_CACHE)
normalise_task = task(pipeline.normalise_step, name="normalise", cache_policy=NO_CACHE)
validate_task = task(pipeline.validate_step, name="validate", cache_policy=NO_CACHE)
load_task = task(pipeline.load_step, name="load", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2)
fail_task = task(pipeline.fail_step, name="record-failure", cache_policy=NO_CACHE)

TASK_STEPS = {
    "extract": extract_task,
    "normalise": normalise_task,
    "validate": validate_task,
    "load": load_task,
    "fail": fail_task,
}


@flow(name="ingest", log_prints=True)
def ingest(
    paths: list[str], warehouse: str = "warehouse.duckdb", progress: bool = False,
    settings: dict[str, Any] | None = None,
) -> pipeline.RunSummary:
    """Ingest report files and folders into the warehouse; returns every file's outcome."""
    summary = pipeline.ingest_files([Path(p) for p in paths], warehouse, TASK_STEPS, progress, settings)
    for outcome in summary.outcomes:
        if outcome.status == "failed":
            print(f"failed: {outcome.reason}")
    return summary
