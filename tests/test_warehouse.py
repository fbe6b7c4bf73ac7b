"""Loads are idempotent, a changed file replaces its rows, exports follow the contract: each test once with a
DuckDB file and once with a PostgreSQL database (`new_location`, tests/conftest.py)."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from scorecards.flows.pipeline import ingest_files
from scorecards.warehouse import EXPORT_VIEWS, open_warehouse

from samples.generate import random_report
from samples.pdf_render import write_pdf

CONTRACT_COLUMNS = {
    "observations": [
        "source_file", "source_sha256", "organisation", "measure_label", "measure_id", "breakdown",
        "period_label", "period_type", "period_start", "period_end", "value", "unit", "numerator",
        "denominator", "status", "reported_rag", "raw_text", "page",
        "corrected",  # contract 1.1: added at the end (README version note)
    ],
    "measures": [
        "source_file", "measure_label", "measure_id", "section", "polarity", "frequency", "target_text",
        "target_value", "tolerance_text", "tolerance_low", "tolerance_high", "threshold_text",
        "position_text", "trend_text",
    ],
    "quarantine": [
        "source_file", "page", "measure_label", "breakdown", "period_label", "raw_text", "reason",
        "row_index", "col_index",
    ],
    "failures": ["source_file", "source_sha256", "reason", "tried_at"],
}


def _snapshot(location: str) -> dict[str, list[tuple]]:
    with open_warehouse(location, read_only=True) as wh:
        return {
            view: sorted(map(tuple, wh.view(view).drop(columns=["loaded_at"], errors="ignore").astype(str).values))
            for view in EXPORT_VIEWS
            if view != "runs"  # the run history grows with every run by design
        }


@pytest.fixture
def warehouse_file(new_location: Callable[[], str]) -> str:
    return new_location()


def test_ingesting_the_same_bytes_twice_changes_nothing(reports: dict[str, Path], warehouse_file: str) -> None:
    first = ingest_files([reports["contract.pdf"], reports["improvement.docx"]], warehouse_file)
    before = _snapshot(warehouse_file)
    second = ingest_files([reports["contract.pdf"], reports["improvement.docx"]], warehouse_file)
    assert [o.status for o in first.outcomes] == ["loaded", "loaded"]
    assert [(o.status, o.change) for o in second.outcomes] == [("skipped", "unchanged")] * 2
    assert _snapshot(warehouse_file) == before
    assert len(before["observations"]) > 50


def test_a_changed_file_with_the_same_name_replaces_its_rows(tmp_path: Path, warehouse_file: str) -> None:
    path = tmp_path / "quarterly.pdf"
    write_pdf(random_report(21, "contract", n_measures=6), path)
    ingest_files([path], warehouse_file)
    with open_warehouse(warehouse_file, read_only=True) as wh:
        old_sha = wh.loaded_sha("quarterly.pdf")
        old_rows = wh.query("SELECT count(*) AS n FROM observations").n[0]

    newer = random_report(22, "contract", n_measures=9)
    write_pdf(newer, path)
    outcome = ingest_files([path], warehouse_file).outcomes[0]
    assert outcome.status == "loaded"
    with open_warehouse(warehouse_file, read_only=True) as wh:
        shas = wh.query("SELECT DISTINCT source_sha256 FROM observations").source_sha256.tolist()
        rows = wh.query("SELECT count(*) AS n FROM observations").n[0]
        documents = wh.query("SELECT count(*) AS n FROM documents").n[0]
    assert shas == [outcome.sha256] and outcome.sha256 != old_sha
    assert rows == outcome.observations and rows != old_rows
    assert documents == 1


def test_export_writes_every_contract_view_as_csv_and_parquet(
    reports: dict[str, Path], warehouse_file: str, tmp_path: Path
) -> None:
    copy = tmp_path / "broken.pdf"
    copy.write_bytes(b"")
    shutil.copy(reports["contract.docx"], tmp_path / "contract.docx")
    ingest_files([tmp_path], warehouse_file)
    out = tmp_path / "export"
    with open_warehouse(warehouse_file, read_only=True) as wh:
        wh.export(out)
    for view, columns in CONTRACT_COLUMNS.items():
        with (out / f"{view}.csv").open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            assert reader.fieldnames == columns, view
            rows = list(reader)
        assert (out / f"{view}.parquet").stat().st_size > 0
        if view == "observations":
            assert rows and all(r["period_start"][:2] == "20" and len(r["period_start"]) == 10 for r in rows)
            assert all(r["value"] == "" for r in rows if r["status"] != "reported")
        if view == "failures":
            assert [r["source_file"] for r in rows] == ["broken.pdf"]


def test_observations_keep_lineage_to_the_cell(reports: dict[str, Path], warehouse_file: str) -> None:
    ingest_files([reports["improvement.pdf"]], warehouse_file)
    with open_warehouse(warehouse_file, read_only=True) as wh:
        lineage = wh.query(
            "SELECT page, table_index, row_index, col_index, bbox_x0, bbox_top, bbox_x1, bbox_bottom, engine, raw_text"
            " FROM observation_facts"
        )
    assert not lineage.isna()[["page", "row_index", "col_index", "bbox_x0", "engine"]].any().any()
    assert (lineage.bbox_x1 > lineage.bbox_x0).all()


def test_loading_runs_duckdb_on_one_thread_and_gives_the_rest_back(tmp_path: Path) -> None:
    """A stretch of loads tunes DuckDB for small writes (one thread), and reading gets every thread
    back afterwards, an error in the loads too."""
    def threads(wh: object) -> int:
        return wh.con.execute("SELECT current_setting('threads')").fetchone()[0]  # type: ignore[attr-defined]

    with open_warehouse(str(tmp_path / "w.duckdb")) as wh:
        before = threads(wh)
        with wh.loading():
            assert threads(wh) == 1
        assert threads(wh) == before
        with pytest.raises(RuntimeError), wh.loading():
            raise RuntimeError("a load failed")
        assert threads(wh) == before
