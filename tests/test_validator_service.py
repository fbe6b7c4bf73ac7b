"""The validator service (expectations/service.py): Great Expectations kept warm in a process of its
own, shared by runs. Real services, real sockets, real suites; each test in a runtime folder of its own."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from scorecards.expectations import service
from scorecards.expectations.validate import quarantine_failures, run_suite_here

from samples.generate import random_report
from samples.pdf_render import write_pdf
from scorecards.api import ingest, open_warehouse

pytestmark = pytest.mark.skipif(not service.supported(), reason="Unix sockets and file locks only")

VIEWS = ("observations", "quarantine", "validations")


@pytest.fixture
def runtime(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private runtime folder of this test's (short: a socket's path has at most 107 bytes); its
    service is stopped at the end."""
    folder = Path(tempfile.mkdtemp(prefix="sc-"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(folder))
    yield folder / "scorecards"
    service.stop_service()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_pdf(random_report(31, "contract", n_measures=6), tmp_path_factory.mktemp("svc") / "r.pdf")


def _rows(location: str) -> dict[str, pd.DataFrame]:
    with open_warehouse(location, read_only=True) as wh:
        return {name: wh.view(name).drop(columns=["validated_at", "run_id", "run_started_at", "loaded_at"],
                                         errors="ignore") for name in VIEWS}


def _service_pid(folder: Path) -> int:
    (pid_file,) = folder.glob("validator-*.pid")
    return int(pid_file.read_text())


def test_a_run_validated_by_the_service_loads_what_one_validated_here_loads(
        runtime: Path, report: Path, tmp_path: Path) -> None:
    here, there = str(tmp_path / "here.duckdb"), str(tmp_path / "there.duckdb")
    ingest(report, here, validator="in-process")
    ingest(report, there, validator="service", validator_idle=60)
    for name, rows in _rows(here).items():
        pd.testing.assert_frame_equal(rows, _rows(there)[name], check_like=True, obj=name)
    assert len(_rows(there)["validations"]) > 0
    pid = _service_pid(runtime)
    os.kill(pid, 0)  # the service outlives the run that started it ...
    again = str(tmp_path / "again.duckdb")
    ingest(report, again, validator="service", validator_idle=60)
    assert _service_pid(runtime) == pid  # ... and the next run finds it
    assert "running" in service.service_status()
    assert service.stop_service() and "not running" in service.service_status()


def test_the_cli_validates_in_the_service_by_default_and_shows_and_stops_it(
        runtime: Path, report: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from scorecards.flows.cli import main

    monkeypatch.setenv("SCORECARDS_CONFIG", str(tmp_path / "none.toml"))  # every setting at its default
    monkeypatch.delenv("SCORECARDS_VALIDATOR", raising=False)
    assert main(["ingest", str(report), "--warehouse", str(tmp_path / "w.duckdb"), "--quiet"]) == 0
    pid = _service_pid(runtime)
    os.kill(pid, 0)
    assert main(["validator"]) == 0
    assert f"running, pid {pid}" in capsys.readouterr().out
    assert main(["validator", "--stop"]) == 0
    assert capsys.readouterr().out.strip() == "stopped"
    assert "not running" in service.service_status()  # its lock was let go: it has exited
    with open_warehouse(str(tmp_path / "w.duckdb"), read_only=True) as wh:
        assert len(wh.view("validations")) > 0 and len(wh.view("observations")) > 0


def test_failing_rows_come_back_from_the_service_as_from_great_expectations_here(runtime: Path) -> None:
    frames = _frames_with_a_bad_percentage()
    runner = service.ServiceRunner(idle=60)
    try:
        assert runner(_suite_frame(), "observations") == run_suite_here(_suite_frame(), "observations")
        moved = quarantine_failures(frames, runner)
    finally:
        runner.close()
    assert list(moved["quarantine_facts"].reason) == ["failed expectation: percentage within 0..100"]
    assert list(moved["observation_facts"].value) == [55.0]
    assert moved["validation_facts"].unexpected_count.sum() == 1


def test_two_runs_are_served_side_by_side(runtime: Path) -> None:
    frame = _suite_frame()
    first, second = service.ServiceRunner(idle=60), service.ServiceRunner(idle=60)
    try:
        expected = first(frame, "observations")  # first keeps its connection open, as a long backfill does
        assert second(frame, "observations") == expected
        assert first(frame, "observations") == expected
    finally:
        first.close()
        second.close()


def test_a_new_service_tidies_what_services_of_other_keys_left_once_a_day_old(runtime: Path) -> None:
    runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
    stale = [runtime / f"validator-0ld{suffix}" for suffix in (".sock", ".pid", ".log")]
    recent = [runtime / f"validator-n3w{suffix}" for suffix in (".sock", ".pid", ".log")]
    for path in stale + recent:
        path.write_text("")
    day_ago = time.time() - 2 * 86_400
    os.utime(stale[2], (day_ago, day_ago))
    frame = _suite_frame()
    runner = service.ServiceRunner(idle=60)
    try:
        runner(frame, "observations")
    finally:
        runner.close()
    assert not any(path.exists() for path in stale)
    assert all(path.exists() for path in recent)  # its log may still explain a failure


def test_two_runs_starting_at_once_share_one_service(runtime: Path) -> None:
    first, second = service.ServiceRunner(idle=60), service.ServiceRunner(idle=60)
    first.start()
    second.start()  # before the first's service took its lock: both may spawn one, one of them serves
    try:
        assert first._request(("ping",)) == second._request(("ping",)) == ("ok", _service_pid(runtime))
    finally:
        first.close()
        second.close()


def test_an_idle_service_exits_and_the_next_run_starts_another(runtime: Path) -> None:
    frame = _suite_frame()
    runner = service.ServiceRunner(idle=1)
    runner(frame, "observations")
    runner.close()
    pid = _service_pid(runtime)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and "running," in service.service_status():
        time.sleep(0.2)
    assert "not running" in service.service_status()
    assert not list(runtime.glob("*.sock"))
    runner = service.ServiceRunner(idle=60)
    try:
        assert runner(frame, "observations") == run_suite_here(frame, "observations")
    finally:
        runner.close()
    assert _service_pid(runtime) != pid


def test_a_service_killed_mid_run_is_replaced_and_nothing_is_lost(runtime: Path) -> None:
    frame = _suite_frame()
    runner = service.ServiceRunner(idle=60)
    try:
        expected = runner(frame, "observations")
        os.kill(_service_pid(runtime), 9)  # its socket stays behind, nobody listening
        time.sleep(0.2)
        assert runner(frame, "observations") == expected  # a new service, through a new connection
    finally:
        runner.close()


def test_without_a_private_folder_the_run_validates_in_its_own_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, report: Path, caplog: pytest.LogCaptureFixture) -> None:
    shared = Path(tempfile.mkdtemp(prefix="sc-"))  # short: a socket's path there would fit
    try:
        (shared / "scorecards").mkdir()
        (shared / "scorecards").chmod(0o777)  # anyone could plant a socket here: never used
        monkeypatch.setenv("XDG_RUNTIME_DIR", str(shared))
        with caplog.at_level(logging.WARNING, logger="scorecards"):
            summary = ingest(report, str(tmp_path / "w.duckdb"), validator="service")
        assert summary.count("loaded") == 1
        assert any("not private" in r.message and "validating in this process" in r.message for r in caplog.records)
        assert not list((shared / "scorecards").glob("validator-*"))
    finally:
        shutil.rmtree(shared, ignore_errors=True)
    with open_warehouse(str(tmp_path / "w.duckdb"), read_only=True) as wh:
        assert len(wh.view("validations")) > 0


def test_a_runtime_folder_too_deep_for_a_socket_gives_way_to_the_temp_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    deep = tmp_path / ("d" * 120)
    deep.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(deep))
    folder = service.runtime_dir()
    assert not str(folder).startswith(str(deep))
    assert len(os.fsencode(folder / "validator-0123456789abcdef.sock")) <= 107


def test_an_unknown_validator_is_refused_before_anything_is_read(tmp_path: Path, report: Path) -> None:
    with pytest.raises(ValueError, match="validator must be one of in-process, service, not 'servise'"):
        ingest(report, str(tmp_path / "w.duckdb"), validator="servise")
    assert not (tmp_path / "w.duckdb").exists()


def _suite_frame() -> pd.DataFrame:
    """The observations of _frames_with_a_bad_percentage as the suite reads them (dates as datetimes)."""
    frame = _frames_with_a_bad_percentage()["observation_facts"]
    return frame.assign(period_start=pd.to_datetime(frame.period_start), period_end=pd.to_datetime(frame.period_end))


def _frames_with_a_bad_percentage() -> dict[str, pd.DataFrame]:
    """One document's frames, as to_frames makes them: two percentages, one of them impossible."""
    base = {
        "source_file": "x.pdf", "source_sha256": "0" * 64, "page": 1, "measure_label": "Visits on time",
        "breakdown": "", "period_label": "Q1", "period_start": "2019-04-01", "period_end": "2019-06-30",
        "period_type": "quarter", "unit": "percent", "status": "reported", "raw_text": "",
        "table_index": 1, "row_index": 1, "bbox_x0": 0.0, "bbox_top": 0.0, "bbox_x1": 1.0, "bbox_bottom": 1.0,
        "engine": "lattice",
    }
    observations = pd.DataFrame([
        {**base, "value": 55.0, "raw_text": "55%", "col_index": 1},
        {**base, "value": 5570.0, "raw_text": "5570%", "col_index": 2, "period_label": "Q2",
         "period_start": "2019-07-01", "period_end": "2019-09-30"},
    ])
    return {"observation_facts": observations, "quarantine_facts": pd.DataFrame()}
