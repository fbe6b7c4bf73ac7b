"""Prefect flows: `ingest` (files and folders, on demand) and `nightly-ingest` (an inbox folder, on a schedule).

Each file's steps run as tasks (extract, normalise, validate, load). With several workers the
extraction steps run in a process pool instead (tasks in threads would share one core under the
GIL) and only the loads are tasks: the DuckDB writer stays one.

With `dask` (a scheduler address, or "local" for a local cluster of `workers` processes) each file's
extraction and normalising run as one task, `prepare`, on a prefect-dask DaskTaskRunner; the
prepared files come back as they complete and are validated and loaded here, in this process,
through the same batches as without Dask (batching.prepare_all). The runner is chosen when the flow
runs, from its parameters, so the nightly deployment can take `dask` as a parameter too.

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
from scorecards.flows import pipeline, steps
from scorecards.flows.batching import prepare_in_worker
from scorecards.flows.dask_runner import dask_task_runner, shared_api, worker_name

# Documents and frames are not worth hashing for a cache key, and re-running a step must redo it.
extract_task = task(steps.extract_step, name="extract", cache_policy=NO_CACHE)
normalise_task = task(steps.normalise_step, name="normalise", cache_policy=NO_CACHE)
validate_task = task(steps.validate_step, name="validate", cache_policy=NO_CACHE)
# A warehouse locked by an analyst's ad hoc ingest is the usual transient fault: back off and retry.
load_task = task(steps.load_step, name="load", cache_policy=NO_CACHE, retries=3, retry_delay_seconds=[5, 20, 60])
fail_task = task(steps.fail_step, name="record-failure", cache_policy=NO_CACHE, retries=3, retry_delay_seconds=5)


def _prepare_run_name() -> str:
    """`prepare contract_000.pdf on tcp://10.0.0.7:40135 pid 812`: named where it runs (on the worker)."""
    from prefect.runtime import task_run

    path = task_run.parameters.get("path")
    where = worker_name()
    return f"prepare {Path(str(path)).name}" + (f" on {where}" if where else "")


# One file's extract + normalise on a Dask worker. No retries: a file that killed its worker is a
# failed file with that reason (Dask itself reschedules a task whose worker died, a few times).
prepare_task = task(prepare_in_worker, name="prepare", cache_policy=NO_CACHE,
                    task_run_name=_prepare_run_name)

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


def _ingest(paths: list[Path], warehouse: str, progress: bool, settings: dict[str, Any] | None, workers: int,
            mode: str, corrections: str | None, dask: str | None) -> pipeline.RunSummary:
    """The run, with each file's prepare on Dask when `dask` is given (else the tasks or pool as before)."""
    if not dask:
        return pipeline.ingest_files(paths, warehouse, TASK_STEPS, progress, settings, workers, mode=mode,
                                     corrections=corrections)
    # The cluster (local) or the connection (an address) starts on the first file submitted: a run
    # where every file is unchanged costs no cluster.
    with shared_api(dask), dask_task_runner(dask, workers) as runner:

        def submit(path: Path, sha256: str, chosen: dict[str, Any] | None) -> Any:
            return runner.submit(prepare_task, {"path": path, "sha256": sha256, "settings": chosen})

        def capacity() -> int:  # a file per worker thread of the cluster, as it is now
            return sum(runner.client.nthreads().values())

        return pipeline.ingest_files(paths, warehouse, TASK_STEPS, progress, settings, workers,
                                     mode=f"{mode} dask", corrections=corrections, submit=submit, capacity=capacity)


@flow(name="ingest", log_prints=True)
def ingest(
    paths: list[str], warehouse: str = "warehouse.duckdb", progress: bool = False,
    settings: dict[str, Any] | None = None, workers: int = 1, corrections: str | None = None,
    dask: str | None = None,
) -> pipeline.RunSummary:
    """Ingest report files and folders into the warehouse; returns every file's outcome.

    `dask`: a Dask scheduler (`tcp://host:8786`) or "local" (a local cluster of `workers` processes)
    to extract on; without it, `workers` > 1 is a process pool here."""
    summary = _ingest([Path(p) for p in paths], warehouse, progress, settings, workers, "prefect", corrections,
                      dask)
    for outcome in summary.outcomes:
        if outcome.status == "failed":
            print(f"failed: {outcome.reason}")
    _publish(summary, f"ingest of {len(paths)} path(s) into {warehouse}")
    return summary


@flow(name="nightly-ingest", log_prints=True)
def nightly_ingest(
    inbox: str, warehouse: str = "warehouse.duckdb", workers: int = 1, settings: dict[str, Any] | None = None,
    corrections: str | None = None, dask: str | None = None,
) -> dict[str, int]:
    """Ingest whatever arrived in the inbox: new and changed files by content, the rest skipped unread."""
    summary = _ingest([Path(inbox)], warehouse, False, settings, workers, "nightly", corrections, dask)
    for outcome in summary.outcomes:
        if outcome.status == "failed":
            print(f"failed: {outcome.reason}")
    _publish(summary, f"nightly ingest of {inbox} into {warehouse}")
    totals = summary.totals
    print(f"nightly ingest: {totals}")
    return totals
