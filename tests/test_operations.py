"""Running unattended: a real Prefect server with the nightly deployment, writers at once, a killed run.
The writers' tests run against both warehouses: a DuckDB file and a PostgreSQL server.

These start real processes (a `prefect server`, `scorecards` CLIs) on this machine's loopback only.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from scorecards.warehouse import open_warehouse

from samples.generate import random_report
from samples.pdf_render import write_pdf

pytestmark = pytest.mark.slow  # real servers, OCR, LibreOffice, a browser or a wheel build: see README

CLI = [sys.executable, "-m", "scorecards.flows.cli"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _make_reports(folder: Path, count: int, seed: int, measures: int = 12) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [
        write_pdf(random_report(seed + i, ("contract", "improvement")[i % 2], n_measures=measures),
                  folder / f"report_{seed + i:03d}.pdf")
        for i in range(count)
    ]


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false", **extra}
    env.pop("PREFECT_API_URL", None)
    return env


def _loaded(location: Path | str) -> dict[str, int]:
    """Observation rows per loaded document (a document loaded twice would count its rows twice)."""
    with open_warehouse(location, read_only=True) as wh:
        return dict(wh.con.execute(
            "SELECT d.source_file, count(o.source_file) FROM document_facts d"
            " LEFT JOIN observation_facts o USING (source_file) GROUP BY 1").fetchall())


def test_serve_registers_the_nightly_deployment_and_a_triggered_run_loads_the_inbox(tmp_path: Path) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterName
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL, temporary_settings

    inbox, warehouse, port = tmp_path / "inbox", tmp_path / "w.duckdb", _free_port()
    _make_reports(inbox, 1, seed=40)
    env = _env(tmp_path / "prefect", PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS="2")
    serve = subprocess.Popen(
        [*CLI, "serve", "--inbox", str(inbox), "--warehouse", str(warehouse), "--port", str(port),
         "--cron", "0 2 * * *"], env=env, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    api = f"http://127.0.0.1:{port}/api"
    try:
        with temporary_settings({PREFECT_API_URL: api}):

            async def deployment_and_schedule() -> tuple[object, list[datetime]]:
                async with get_client() as client:
                    deadline = time.monotonic() + 150
                    while True:
                        try:
                            deployment = await client.read_deployment_by_name("nightly-ingest/nightly-ingest")
                            runs = await client.read_flow_runs(deployment_filter=DeploymentFilter(
                                name=DeploymentFilterName(any_=["nightly-ingest"])))
                            scheduled = [r.expected_start_time for r in runs if r.state and r.state.is_scheduled()]
                            if scheduled:
                                return deployment, scheduled
                        except Exception:
                            if serve.poll() is not None or time.monotonic() > deadline:
                                raise
                        if time.monotonic() > deadline:
                            raise TimeoutError("no scheduled run appeared")
                        await asyncio.sleep(1)

            deployment, scheduled = asyncio.run(deployment_and_schedule())
            assert [s.schedule.cron for s in deployment.schedules] == ["0 2 * * *"]
            upcoming = min(scheduled)
            assert upcoming > datetime.now(UTC)
            assert (upcoming.astimezone().hour, upcoming.minute) == (2, 0)

            run = run_deployment("nightly-ingest/nightly-ingest", timeout=240)
            assert run.state is not None and run.state.is_completed(), run.state
        assert list(_loaded(warehouse)) == ["report_040.pdf"]
    finally:
        os.killpg(serve.pid, signal.SIGTERM)
        try:
            serve.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(serve.pid, signal.SIGKILL)


def test_the_nightly_run_and_two_analysts_at_once_lose_nothing(tmp_path: Path, new_location: Callable[[], str]) -> None:
    """Three writers at once: two analysts with a folder each, and the nightly run over both (so every
    file is written by two of them at the same moment). Each file ends up loaded once, whole."""
    first = _make_reports(tmp_path / "inbox" / "a", 3, seed=50)
    second = _make_reports(tmp_path / "inbox" / "b", 3, seed=60)
    warehouse, alone = new_location(), new_location()
    env = _env(tmp_path / "prefect")
    writers = [
        subprocess.Popen([*CLI, "ingest", str(folder), "--warehouse", warehouse, "--quiet"], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for folder in (tmp_path / "inbox" / "a", tmp_path / "inbox" / "b", tmp_path / "inbox")
    ]
    codes = [w.wait(timeout=600) for w in writers]
    assert codes == [0, 0, 0], [w.stderr.read().decode() for w in writers if w.stderr]
    loaded = _loaded(warehouse)
    assert sorted(loaded) == sorted(p.name for p in first + second)
    subprocess.run([*CLI, "ingest", str(tmp_path / "inbox"), "--warehouse", alone, "--quiet"], env=env, check=True,
                   capture_output=True, timeout=600)
    assert loaded == _loaded(alone)  # the same rows as one writer alone: none lost, none twice


def test_a_run_killed_mid_way_leaves_whole_files_and_the_next_run_finishes(
    tmp_path: Path, new_location: Callable[[], str]
) -> None:
    reports = _make_reports(tmp_path / "inbox", 5, seed=70, measures=30)
    # A file per batch, so that the run can be caught with some files loaded and others not.
    warehouse, env = new_location(), _env(tmp_path / "prefect", SCORECARDS_BATCH="1")
    run = subprocess.Popen([*CLI, "ingest", str(tmp_path / "inbox"), "--warehouse", str(warehouse), "--quiet"],
                           env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    loaded: dict[str, int] = {}
    while not loaded and time.monotonic() < deadline and run.poll() is None:
        time.sleep(0.2)
        try:
            loaded = _loaded(warehouse)
        except Exception:  # the writer holds DuckDB's lock, or has not made the warehouse or its tables yet
            continue
    run.send_signal(signal.SIGKILL)
    run.wait()
    assert 0 < len(loaded) < len(reports), "the run must be killed part way"

    after_kill = _loaded(warehouse)  # the file opens: nothing corrupt, and only whole documents
    assert set(after_kill) < {p.name for p in reports}
    finish = subprocess.run([*CLI, "ingest", str(tmp_path / "inbox"), "--warehouse", str(warehouse), "--quiet"],
                            env=env, capture_output=True, timeout=600)
    assert finish.returncode == 0, finish.stderr.decode()
    final = _loaded(warehouse)
    assert sorted(final) == sorted(p.name for p in reports)
    assert all(final[name] == count for name, count in after_kill.items())  # kept, not re-done

    clean = new_location()
    subprocess.run([*CLI, "ingest", str(tmp_path / "inbox"), "--warehouse", str(clean), "--quiet"],
                   env=env, check=True, capture_output=True, timeout=600)
    assert _loaded(clean) == final


@pytest.mark.parametrize("workers", [2])
def test_parallel_backfill_gives_the_same_rows_as_one_worker(tmp_path: Path, workers: int) -> None:
    from scorecards.flows.pipeline import ingest_files

    _make_reports(tmp_path / "inbox", 4, seed=80)
    one = ingest_files([tmp_path / "inbox"], str(tmp_path / "one.duckdb"))
    many = ingest_files([tmp_path / "inbox"], str(tmp_path / "many.duckdb"), workers=workers)
    assert one.totals == many.totals and one.totals["loaded"] == 4
    assert _loaded(tmp_path / "one.duckdb") == _loaded(tmp_path / "many.duckdb")
