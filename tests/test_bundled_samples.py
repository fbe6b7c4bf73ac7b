"""The bundled sample reports are reproducible, and the main job reads them back exactly."""

from __future__ import annotations

import csv
from pathlib import Path

from scorecards.flows.cli import main

from samples.generate import generate_folder

BUNDLED = Path(__file__).resolve().parents[1] / "samples" / "reports"


def _rows(path: Path) -> set[tuple[str, ...]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return {
            (r["source_file"], " ".join(r["measure_label"].split()), r["period_label"], r["period_start"],
             r["period_end"], r["status"], str(float(r["value"])) if r["value"] else "")
            for r in csv.DictReader(handle)
        }


def test_bundled_samples_are_what_the_generator_makes(tmp_path: Path) -> None:
    generate_folder(tmp_path, count=4, seed=2019, n_measures=16)
    for made in sorted(tmp_path.glob("*.*")):
        assert made.read_bytes() == (BUNDLED / made.name).read_bytes(), made.name


def test_main_job_reads_the_bundled_samples_exactly(tmp_path: Path) -> None:
    location = str(tmp_path / "warehouse.duckdb")
    assert main(["ingest", str(BUNDLED), "--warehouse", location, "--quiet"]) == 0
    assert main(["export", "--warehouse", location, "--out", str(tmp_path / "export")]) == 0
    assert _rows(tmp_path / "export" / "observations.csv") == _rows(BUNDLED / "truth" / "observations.csv")
