"""Extraction on a Dask cluster through Prefect (issue #16): the same rows as one process, and a
worker that dies mid-file is a failed file, not a failed run.

Real local Dask clusters (worker processes), a real Prefect test server: slow.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from scorecards.flows import pipeline, steps
from scorecards.warehouse import EXPORT_VIEWS, open_warehouse

pytestmark = pytest.mark.slow

# Columns that say when or in which run, not what was read.
VOLATILE = {"loaded_at", "tried_at", "started_at", "finished_at", "run_id", "run_started_at", "validated_at", "at",
            "mode"}  # runs.mode: "direct" beside "prefect dask", by design


def _folder(root: Path) -> Path:
    """Grid reports in PDF (a follow-up report revising figures of the first: revisions) and in Word, a
    monthly card report, a file that is no report at all, and the truth CSVs (not read: recorded as such).

    No two files report the same organisation's figures for the same report period: where they do (the
    same report as PDF and as Word), `latest_observations` keeps the copy loaded last, and with files
    read side by side which one that is depends on which worker finished first (as with the pool).
    """
    from samples.cards import random_card_report, write_pdf
    from samples.generate import generate_folder

    folder = root / "reports"
    generate_folder(folder, count=3, seed=1616, n_measures=6, formats=("pdf",))
    generate_folder(folder / "word", count=2, seed=2616, n_measures=6, formats=("docx",), follow_ups=False)
    write_pdf(random_card_report(7), folder / "cards_007.pdf")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 this is no PDF at all")
    return folder


def _views(location: str) -> dict[str, pd.DataFrame]:
    out = {}
    with open_warehouse(location, read_only=True) as wh:
        for name in EXPORT_VIEWS:
            frame = wh.view(name)
            frame = frame[[c for c in frame.columns if c not in VOLATILE]].astype(str)
            out[name] = frame.sort_values(list(frame.columns)).reset_index(drop=True)
    return out


def _task_run_names(flow_run_id: Any) -> list[str]:
    from prefect.client.orchestration import get_client

    async def names() -> list[str]:
        async with get_client() as client:
            return [run.name for run in await client.read_task_runs() if run.flow_run_id == flow_run_id]

    return asyncio.run(names())


def test_backfill_on_a_local_dask_cluster_loads_the_same_rows_as_one_process(
    prefect_harness: None, tmp_path: Path
) -> None:
    from scorecards.flows.ingest import ingest

    folder = _folder(tmp_path)
    alone, on_dask = str(tmp_path / "alone.duckdb"), str(tmp_path / "dask.duckdb")

    single = pipeline.ingest_files([folder], alone, workers=1)
    state = ingest([str(folder)], on_dask, dask="local", workers=2, return_state=True)
    assert state.is_completed()
    summary = state.result()

    assert summary.totals == single.totals
    assert summary.totals["loaded"] == 7 and summary.totals["failed"] == 1, summary.totals
    failed = {o.source_file: o.reason for o in summary.outcomes if o.status == "failed"}
    assert list(failed) == ["broken.pdf"], failed

    expected, got = _views(alone), _views(on_dask)
    for name in EXPORT_VIEWS:
        pd.testing.assert_frame_equal(got[name], expected[name], obj=f"view {name}")
    assert len(expected["observations"]) > 100 and len(expected["revisions"]) > 0

    # Every file read was prepared by a task on a Dask worker process (its address in the task run's name),
    # none in this process; validation and loading ran here, as tasks of the flow.
    names = _task_run_names(state.state_details.flow_run_id)
    prepares = [n for n in names if n.startswith("prepare ")]
    assert len(prepares) == summary.totals["files"], names
    assert all(" on tcp://127.0.0.1:" in n for n in prepares), prepares
    pids = {int(n.rsplit(" pid ", 1)[1]) for n in prepares}
    assert os.getpid() not in pids and 1 <= len(pids) <= 2, prepares
    assert any(n.startswith("load") for n in names) and any(n.startswith("validate") for n in names), names
    assert not any(n.startswith(("extract", "normalise")) for n in names), names


def test_a_worker_that_dies_mid_file_fails_that_file_only(prefect_harness: None, tmp_path: Path) -> None:
    import dask
    from prefect import task
    from prefect.cache_policies import NO_CACHE
    from scorecards.flows.dask_runner import dask_task_runner
    from scorecards.flows.ingest import prepare_task

    folder = _folder(tmp_path)
    victim = folder / "contract_000.pdf"

    def die(path: Path, sha256: str, settings: dict[str, Any] | None) -> steps.Prepared:
        os._exit(3)  # the worker process goes, mid-file, as a segfault or the OOM killer would take it

    die_task = task(die, name="die", cache_policy=NO_CACHE)
    location = str(tmp_path / "w.duckdb")
    # Dask reruns a task whose worker died (3 times by default) before giving up on it: once here.
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}), \
            dask_task_runner("local", 2) as runner:

        def submit(path: Path, sha256: str, settings: dict[str, Any] | None) -> Any:
            chosen = die_task if path == victim else prepare_task
            return runner.submit(chosen, {"path": path, "sha256": sha256, "settings": settings})

        def capacity() -> int:
            return sum(runner.client.nthreads().values())

        summary = pipeline.ingest_files([folder], location, submit=submit, capacity=capacity)

    failed = {o.source_file: o.reason for o in summary.outcomes if o.status == "failed"}
    assert set(failed) == {"contract_000.pdf", "broken.pdf"}, failed
    assert failed["contract_000.pdf"].startswith("contract_000.pdf: worker failed (KilledWorker"), failed
    assert summary.totals["loaded"] == 6 and not summary.interrupted
    with open_warehouse(location, read_only=True) as wh:
        failures = wh.view("failures")
        assert "worker failed" in failures.set_index("source_file").loc["contract_000.pdf", "reason"]
        assert "contract_000.pdf" not in set(wh.view("documents").source_file)
        assert "contract_000_next.pdf" in set(wh.view("documents").source_file)
