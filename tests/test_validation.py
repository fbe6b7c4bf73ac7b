"""Great Expectations decides what is trusted; what fails goes to quarantine with the rule and the cell."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from expectations.suite import SUITE_PATH, build_suite, load_suite
from expectations.validate import quarantine_failures
from flows.pipeline import extract_step, normalise_step, to_frames


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
