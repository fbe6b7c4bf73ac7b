"""Corrections that last: recorded with `scorecards correct` or in corrections.csv, keyed by content hash and
cell, re-applied on every load (also into a fresh warehouse), reported when orphaned, never dropped silently."""

from __future__ import annotations

import csv
import logging
from collections.abc import Callable
from pathlib import Path

import pytest
from scorecards.flows.cli import main
from scorecards.flows.discover import sha256_of
from scorecards.flows.pipeline import ingest_files
from scorecards.warehouse import open_warehouse
from scorecards.warehouse.corrections import CSV_COLUMNS

from samples.follow_up import follow_up
from samples.generate import random_report
from samples.model import ReportModel
from samples.pdf_render import write_pdf


def _report_with_doubtful_cells() -> ReportModel:
    """A next-quarter contract grid: one `#DIV/0!` cell (unreadable) and one `104%` (breaks an expectation)."""
    later = follow_up(random_report(2, "contract", n_measures=6))
    assert later is not None
    over = next(m for m in later.measures if m.unit == "percent" and m.new_measure_span == 0
                and m.values[-2].endswith("%") and not m.values[-1].startswith("#"))
    over.values[-2] = "104%"
    return later


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_pdf(_report_with_doubtful_cells(), tmp_path_factory.mktemp("in") / "quarterly.pdf")


def _held(location: str) -> dict[str, dict]:
    with open_warehouse(location, read_only=True) as wh:
        rows = wh.query("SELECT * FROM quarantine_detail ORDER BY row_index").to_dict("records")
    return {row["raw_text"]: row for row in rows}


def _correct(location: str, corrections: Path, cell: dict, *decision: str) -> int:
    return main(["correct", "quarterly.pdf", "--row", str(cell["row_index"]), "--col", str(cell["col_index"]),
                 *decision, "--who", "reviewer", "--warehouse", location, "--corrections", str(corrections)])


def _corrected(location: str) -> list[tuple]:
    with open_warehouse(location, read_only=True) as wh:
        rows = wh.con.execute(
            "SELECT raw_text, value, status, unit, period_label, period_start FROM observations"
            " WHERE corrected ORDER BY raw_text").fetchall()
    return [tuple(r) for r in rows]


def test_a_correction_moves_a_quarantined_figure_to_observations(
    report: Path, tmp_path: Path, new_location: Callable[[], str]
) -> None:
    location, corrections = new_location(), tmp_path / "corrections.csv"
    ingest_files([report], location)
    held = _held(location)
    assert {"#DIV/0!", "104%"} <= set(held), held.keys()
    broken, over = held["#DIV/0!"], held["104%"]
    assert "not a figure" in broken["reason"] and "0..100" in over["reason"]

    # `#DIV/0!` states no figure: accepting it "as read" is refused, and nothing is recorded.
    assert _correct(location, corrections, broken, "--accept", "--why", "looks fine") == 2
    assert not corrections.exists()

    assert _correct(location, corrections, broken, "--value", "87.5", "--why", "re-run in the source: 35/40") == 0
    assert _correct(location, corrections, over, "--accept", "--why", "the 4% over are late returns, as printed") == 0

    with open_warehouse(location, read_only=True) as wh:
        # the period each column stands for, from the figures read under the same header
        periods = [wh.con.execute(
            "SELECT period_label, period_start FROM observation_facts WHERE table_index = ? AND col_index = ?"
            " LIMIT 1", [cell["table_index"], cell["col_index"]]).fetchall()[0] for cell in (broken, over)]
        assert wh.query("SELECT count(*) AS n FROM quarantine").n[0] == 0
        decisions = wh.query('SELECT action, old_value, new_value, who, why, state, target FROM corrections'
                             ' ORDER BY old_value').to_dict("records")
    assert _corrected(location) == [
        ("#DIV/0!", 87.5, "reported", "percent", *periods[0]),
        ("104%", 104.0, "reported", "percent", *periods[1]),
    ]
    assert [(d["action"], d["old_value"], d["state"], d["target"], d["who"]) for d in decisions] == [
        ("correct", "#DIV/0!", "applied", "quarantine", "reviewer"),
        ("accept", "104%", "applied", "quarantine", "reviewer"),
    ]
    with corrections.open(newline="", encoding="utf-8") as handle:
        recorded = list(csv.DictReader(handle))
    assert [r["action"] for r in recorded] == ["correct", "accept"]
    assert set(recorded[0]) == set(CSV_COLUMNS) and recorded[0]["source_sha256"] == sha256_of(report)

    # Re-ingesting the same file into a fresh warehouse re-applies both decisions from the CSV.
    fresh = new_location()
    summary = ingest_files([report], fresh, corrections=corrections)
    assert summary.totals["corrections applied"] == 2 and summary.totals["corrections orphaned"] == 0
    assert _corrected(fresh) == _corrected(location)
    assert _held(fresh) == {}

    # The file changes under the same name: its decisions are orphaned, reported at the end of the run.
    changed = tmp_path / "changed" / "quarterly.pdf"
    write_pdf(random_report(2, "contract", n_measures=6), changed)
    with _warnings() as seen:
        summary = ingest_files([changed], fresh, corrections=corrections)
    assert summary.totals["corrections orphaned"] == 2 and len(summary.orphaned_corrections) == 2
    assert all("changed" in line and "quarterly.pdf" in line for line in summary.orphaned_corrections)
    assert sum("orphaned correction" in message for message in seen) == 2
    with open_warehouse(fresh, read_only=True) as wh:
        states = wh.query("SELECT state, state_reason FROM corrections").to_dict("records")
        last_run = wh.query("SELECT corrections_orphaned FROM runs LIMIT 1").corrections_orphaned[0]
    assert [s["state"] for s in states] == ["orphaned", "orphaned"] and last_run == 2
    assert all("changed" in s["state_reason"] for s in states)
    assert _corrected(fresh) == []


class _warnings:
    """The messages logged at WARNING by the pipeline while inside the block."""

    def __enter__(self) -> list[str]:
        self.messages: list[str] = []
        self.handler = logging.Handler(logging.WARNING)
        self.handler.emit = lambda record: self.messages.append(record.getMessage())  # type: ignore[method-assign]
        logging.getLogger("scorecards").addHandler(self.handler)
        return self.messages

    def __exit__(self, *exc: object) -> None:
        logging.getLogger("scorecards").removeHandler(self.handler)


def _write_csv(path: Path, rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows([{k: row.get(k, "") for k in CSV_COLUMNS} for row in rows])


def test_a_hand_edited_csv_rejects_reports_missing_cells_and_undoes_removed_rows(
    report: Path, tmp_path: Path, new_location: Callable[[], str]
) -> None:
    location, corrections = new_location(), tmp_path / "corrections.csv"
    ingest_files([report], location)
    with open_warehouse(location, read_only=True) as wh:
        target = wh.query("SELECT * FROM observation_facts WHERE status = 'reported' ORDER BY row_index, col_index"
                          " LIMIT 1").iloc[0]
        before = wh.query("SELECT count(*) AS n FROM observations").n[0]
    key = {"source_file": "quarterly.pdf", "source_sha256": sha256_of(report), "table_index": target.table_index,
           "col_index": target.col_index, "who": "analyst", "at": "2024-05-01 10:00:00"}
    _write_csv(corrections, [
        {**key, "row_index": target.row_index, "action": "reject", "why": "duplicate of the regional return"},
        {**key, "row_index": 99, "action": "accept", "why": "a row that is not there"},
    ])
    summary = ingest_files([report], location, corrections=corrections)  # unchanged bytes: only the CSV applies
    assert [o.status for o in summary.outcomes] == ["skipped"]
    with open_warehouse(location, read_only=True) as wh:
        after = wh.query("SELECT count(*) AS n FROM observations").n[0]
        states = wh.query("SELECT action, state, state_reason, old_value FROM corrections ORDER BY action DESC")
    assert after == before - 1
    assert states.state.tolist() == ["applied", "orphaned"]
    assert states.old_value[0] == target.raw_text
    assert "no figure at table" in states.state_reason[1] and "row 99" in states.state_reason[1]
    assert summary.totals["corrections orphaned"] == 1

    _write_csv(corrections, [])  # the decisions are removed from the record: their effect goes too
    ingest_files([report], location, corrections=corrections)
    with open_warehouse(location, read_only=True) as wh:
        assert wh.query("SELECT count(*) AS n FROM observations").n[0] == before
        assert wh.query("SELECT count(*) AS n FROM corrections").n[0] == 0


@pytest.mark.slow
def test_the_prefect_flow_applies_corrections_too(
    prefect_harness: None, report: Path, tmp_path: Path, new_location: Callable[[], str]
) -> None:
    from scorecards.flows.ingest import ingest
    from scorecards.warehouse.corrections import Correction, write_csv

    location = new_location()
    ingest_files([report], location)
    broken = _held(location)["#DIV/0!"]
    corrections = tmp_path / "corrections.csv"
    write_csv(corrections, [Correction("quarterly.pdf", sha256_of(report), broken["table_index"],
                                       broken["row_index"], broken["col_index"], "correct", new_status="not_available",
                                       why="the source could not compute it")])
    fresh = new_location()
    summary = ingest([str(report)], fresh, corrections=str(corrections))
    assert summary.totals["corrections applied"] == 1
    assert [row[:5] for row in _corrected(fresh)] == [("#DIV/0!", None, "not_available", "", broken["period_label"])]
