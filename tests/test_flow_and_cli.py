"""The Prefect flow really runs (under prefect_test_harness) and the CLI mirrors the library."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from scorecards.flows.cli import main
from scorecards.warehouse import open_warehouse


def test_the_ingest_flow_runs_each_step_as_a_task_without_errors(
    prefect_harness: None, reports: dict[str, Path], warehouse_file: str, caplog: pytest.LogCaptureFixture
) -> None:
    from prefect.client.orchestration import get_client
    from scorecards.flows.ingest import ingest

    caplog.set_level(logging.INFO)
    state = ingest([str(reports["contract.pdf"]), str(reports["improvement.docx"])], warehouse_file,
                   return_state=True)
    summary = state.result()
    assert state.is_completed()
    assert summary.totals["loaded"] == 2 and summary.totals["failed"] == 0
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]

    import asyncio

    async def task_names() -> list[str]:
        async with get_client() as client:
            runs = await client.read_task_runs()
            return [run.name for run in runs if run.flow_run_id == state.state_details.flow_run_id]

    names = asyncio.run(task_names())
    for step in ("extract", "normalise"):
        assert sum(name.startswith(step) for name in names) == 2, names
    # The two files are validated together and loaded through one connection (a transaction each).
    for step in ("validate", "load"):
        assert sum(name.startswith(step) for name in names) == 1, names
    with open_warehouse(warehouse_file, read_only=True) as wh:
        assert wh.query("SELECT count(DISTINCT source_file) AS n FROM observations").n[0] == 2


def test_cli_exit_codes(tmp_path: Path, reports: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    location = str(tmp_path / "cli.duckdb")
    assert main(["ingest", str(reports["contract.docx"]), "--warehouse", location, "--quiet"]) == 0
    (tmp_path / "bad.pdf").write_bytes(b"not a pdf at all")
    assert main(["ingest", str(tmp_path / "bad.pdf"), str(reports["improvement.pdf"]),
                 "--warehouse", location, "--quiet"]) == 1
    assert "bad.pdf" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        main(["ingest"])
    assert usage.value.code == 2
    with pytest.raises(SystemExit) as unknown:
        main(["frobnicate"])
    assert unknown.value.code == 2

    assert main(["status", "--warehouse", location]) == 0
    status = capsys.readouterr().out
    assert "contract.docx" in status and "bad.pdf" in status
    assert main(["export", "--warehouse", location, "--out", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "observations.csv").exists() and (tmp_path / "out" / "measures.parquet").exists()
    assert main(["status", "--warehouse", str(tmp_path / "none.duckdb")]) == 2


def test_a_run_hands_the_earlier_objects_back_to_the_collector(
        tmp_path: Path, reports: dict[str, Path], warehouse_file: str) -> None:
    """During a run the cycle collector leaves the objects made before it alone (gc.freeze); after the
    run, a failed one too, they are the collector's again."""
    import gc

    from scorecards.flows import pipeline

    seen: list[int] = []
    steps = {**pipeline.DIRECT_STEPS}
    extract = steps["extract"]

    def extract_and_look(*args: object, **kwargs: object) -> object:
        seen.append(gc.get_freeze_count())
        return extract(*args, **kwargs)

    steps["extract"] = extract_and_look
    summary = pipeline.ingest_files([reports["contract.pdf"]], warehouse_file, steps=steps)
    assert summary.totals["loaded"] == 1
    assert seen and seen[0] > 0
    assert gc.get_freeze_count() == 0

    def broken_load(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    with pytest.raises(OSError):
        pipeline.ingest_files([reports["contract.docx"]], warehouse_file, steps={**steps, "load": broken_load})
    assert gc.get_freeze_count() == 0
