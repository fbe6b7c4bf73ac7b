"""Great Expectations decides what is trusted; what fails goes to quarantine with the rule and the cell."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from scorecards.expectations.suite import SUITE_PATH, build_suite, load_suite
from scorecards.expectations.validate import quarantine_failures
from scorecards.flows.steps import extract_step, normalise_step
from scorecards.normalise.frames import to_frames


def test_the_committed_suite_is_the_one_the_code_builds() -> None:
    committed = json.loads(SUITE_PATH.read_text())
    assert committed["expectations"] == build_suite().to_json_dict()["expectations"]
    assert len(load_suite().expectations) == len(committed["expectations"])


def _frames(path: Path) -> dict[str, pd.DataFrame]:
    doc = extract_step(path, "sha")
    return to_frames(doc, normalise_step(doc), path)


def test_a_clean_report_passes_whole(reports: dict[str, Path]) -> None:
    frames = _frames(reports["contract.docx"])
    checked = quarantine_failures(frames)
    assert len(checked["observation_facts"]) == len(frames["observation_facts"])
    assert checked["quarantine_facts"].empty


def test_failing_rows_move_to_quarantine_with_rule_and_location(reports: dict[str, Path]) -> None:
    frames = _frames(reports["contract.pdf"])
    obs = frames["observation_facts"]
    percent = obs.index[(obs.unit == "percent") & (obs.status == "reported")][0]
    obs.loc[percent, "value"] = 212.0
    blank = obs.index[obs.status == "reported"][-1]
    obs.loc[blank, "value"] = None
    duplicate = obs.loc[[obs.index[0]]].copy()
    duplicate.index = [obs.index.max() + 1]
    frames["observation_facts"] = obs = pd.concat([obs, duplicate])

    checked = quarantine_failures(frames)
    quarantine = checked["quarantine_facts"]
    reasons = " | ".join(quarantine.reason)
    assert "percentage within 0..100" in reasons
    assert "a reported figure has a value" in reasons
    assert "one row per file, measure, breakdown and period" in reasons
    assert len(checked["observation_facts"]) + len(quarantine) == len(obs)
    moved = quarantine[quarantine.reason.str.contains("0..100")].iloc[0]
    assert (moved.row_index, moved.col_index) == (obs.loc[percent, "row_index"], obs.loc[percent, "col_index"])
    assert moved.raw_text == obs.loc[percent, "raw_text"] and moved.page == 1


def test_a_batch_is_judged_as_each_of_its_documents_would_be_alone(reports: dict[str, Path]) -> None:
    """One validation for many documents: each failing row still goes back to its own file and cell,
    and each document's results count its own rows only."""
    from scorecards.expectations.validate import quarantine_failures_batch

    broken = _frames(reports["contract.pdf"])
    obs = broken["observation_facts"]
    percent = obs.index[(obs.unit == "percent") & (obs.status == "reported")][0]
    obs.loc[percent, "value"] = 212.0
    # The same rows under another file name do not clash with the first file's (one row per *file*, ...).
    # (Only the DataFrames: validation reads those; the Arrow tables go to the warehouse as they are.)
    twin = {name: frame.copy() for name, frame in _frames(reports["contract.pdf"]).items()
            if isinstance(frame, pd.DataFrame)}
    for frame in twin.values():
        if "source_file" in frame:
            frame["source_file"] = "twin.pdf"
    batch = [broken, _frames(reports["contract.docx"]), twin]
    together = quarantine_failures_batch(batch)
    alone = [quarantine_failures(frames) for frames in batch]
    for got, want in zip(together, alone, strict=True):
        for name in ("observation_facts", "quarantine_facts"):
            pd.testing.assert_frame_equal(got[name].reset_index(drop=True), want[name].reset_index(drop=True))
        columns = ["source_file", "suite", "expectation", "success", "element_count", "unexpected_count"]
        pd.testing.assert_frame_equal(got["validation_facts"][columns], want["validation_facts"][columns])
    assert together[0]["quarantine_facts"].reason.str.contains("0..100").sum() == 1
    assert len(together[2]["observation_facts"]) == len(twin["observation_facts"])


def test_the_suites_read_only_the_columns_named_in_their_json(reports: dict[str, Path]) -> None:
    """Validation hands Great Expectations only the columns its suites name: every column an
    expectation or a row condition reads is among them, so the outcomes are those of the whole frame."""
    from scorecards.expectations.validate import run_suite_here, suite_columns

    committed = json.dumps(json.loads(SUITE_PATH.read_text())["expectations"])
    columns = suite_columns("observations")
    assert columns is not None and {"status", "value", "unit", "period_start", "period_end"} <= set(columns)
    assert all(f'"{column}"' in committed for column in columns)
    obs = _frames(reports["contract.pdf"])["observation_facts"].reset_index(drop=True)
    obs.loc[0, "value"], obs.loc[1, "status"] = 250.0, None
    for column in ("period_start", "period_end"):
        obs[column] = pd.to_datetime(obs[column])
    whole = run_suite_here(obs, "observations")
    assert any(outcome.positions for outcome in whole)
    assert run_suite_here(obs[list(columns)], "observations") == whole
