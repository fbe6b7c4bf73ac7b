"""The exact truth of a sample report: the rows the pipeline should produce from it, and the CSVs
a generated folder keeps them in (``truth/observations.csv``, ``measures.csv``, ``benchmarks.csv``,
``quarantine.csv``).
"""

from __future__ import annotations

import csv
from pathlib import Path

from samples.cells import _is_error, _number, _value_of
from samples.model import HIGHER, LOWER, ReportModel

OBSERVATION_FIELDS = (
    "measure_label", "breakdown", "period_label", "period_type", "period_start", "period_end",
    "value", "unit", "status", "raw_text", "section",
)
# written to truth/observations.csv when a folder holds target-setting reports
FULL_OBSERVATION_FIELDS = (*OBSERVATION_FIELDS, "numerator", "denominator", "reported_rag")
BENCHMARK_FIELDS = ("measure_label", "comparator", "period_label", "value", "unit")
QUARANTINE_FIELDS = ("measure_label", "breakdown", "period_label", "raw_text")
MEASURE_FIELDS = (
    "measure_label", "section", "polarity", "frequency", "target_text", "target_value",
    "tolerance_text", "tolerance_low", "tolerance_high", "threshold_text", "position_text", "trend_text",
)


def expected_observations(model: ReportModel) -> list[dict[str, object]]:
    """One row per measure x period column (per figure in a target-setting table), as the pipeline should
    produce it. Every row carries numerator, denominator and reported_rag (empty outside target tables)."""
    if model.style == "target":
        return _target_observations(model)
    rows: list[dict[str, object]] = []
    for m in model.measures:
        for j, p in enumerate(model.periods):
            raw = m.new_measure_text if j < m.new_measure_span else m.values[j]
            value = None
            if j >= m.new_measure_span and _is_error(raw):
                continue  # quarantined: see expected_quarantine
            if j < m.new_measure_span:
                status = "new_measure"
            elif raw.strip() == "":
                status = "missing"
            elif raw.strip().upper() == "N/A":
                status = "not_applicable"
            else:
                status, value = "reported", _value_of(raw)
            rows.append({
                "measure_label": m.label, "breakdown": "", "period_label": p.label, "period_type": "quarter",
                "period_start": p.start.isoformat(), "period_end": p.end.isoformat(), "value": value,
                "unit": m.unit if status == "reported" else "", "status": status, "raw_text": raw,
                "section": m.section, "numerator": None, "denominator": None, "reported_rag": "",
            })
    return rows


def expected_quarantine(model: ReportModel) -> list[dict[str, object]]:
    """Cells the pipeline must quarantine rather than read: spreadsheet errors printed as they were."""
    if model.style == "target":
        return []
    return [
        {"measure_label": m.label, "breakdown": "", "period_label": p.label, "raw_text": m.values[j]}
        for m in model.measures for j, p in enumerate(model.periods)
        if j >= m.new_measure_span and _is_error(m.values[j])
    ]


def _target_observations(model: ReportModel) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for m in model.measures:
        for f in m.figures:
            reported = f.status == "reported"
            rows.append({
                "measure_label": m.label, "breakdown": f.breakdown, "period_label": f.period.label,
                "period_type": "month", "period_start": f.period.start.isoformat(),
                "period_end": f.period.end.isoformat(), "value": f.value, "unit": f.unit if reported else "",
                "status": f.status, "raw_text": m.latest_text, "section": m.section,
                "numerator": None if f.numerator is None else float(f.numerator),
                "denominator": None if f.denominator is None else float(f.denominator), "reported_rag": f.rag,
            })
    return rows


def expected_benchmarks(model: ReportModel) -> list[dict[str, object]]:
    """One row per comparator figure in a target-setting table's benchmark column (``Local Measure``: none)."""
    return [
        {"measure_label": m.label, "comparator": c.comparator, "period_label": c.period_label, "value": c.value,
         "unit": c.unit}
        for m in model.measures for c in m.comparators
    ]


def expected_measures(model: ReportModel) -> list[dict[str, object]]:
    """One row per measure, as the pipeline should produce it."""
    if model.style == "target":
        return [{
            "measure_label": m.label, "section": "", "polarity": m.polarity, "frequency": "",
            "target_text": m.target_text, "target_value": _number(m.target_text), "tolerance_text": "",
            "tolerance_low": None, "tolerance_high": None, "threshold_text": m.bands_text, "position_text": "",
            "trend_text": "",
        } for m in model.measures]
    rows: list[dict[str, object]] = []
    for m in model.measures:
        tol = _number(m.tolerance_text)
        threshold = ""
        if any(m.thresholds):
            threshold = f"RI {m.thresholds[0]}; Good {m.thresholds[1]}; Outs. {m.thresholds[2]}"
        rows.append({
            "measure_label": m.label, "section": m.section, "polarity": m.polarity, "frequency": m.frequency,
            "target_text": m.target_text, "target_value": _number(m.target_text),
            "tolerance_text": m.tolerance_text,
            "tolerance_low": tol if m.polarity == HIGHER else None,
            "tolerance_high": tol if m.polarity == LOWER else None,
            "threshold_text": threshold, "position_text": m.position_text, "trend_text": m.trend_text,
        })
    return rows


def write_truth(truth: Path, observations: list[dict[str, object]], measures: list[dict[str, object]],
                benchmarks: list[dict[str, object]], quarantine: list[dict[str, object]], targets: bool) -> None:
    """Write the truth CSVs of a folder into ``truth``.

    ``targets`` (the folder holds target-setting tables) adds numerator, denominator and reported_rag
    to observations.csv and writes benchmarks.csv; quarantine.csv is written only when a cell is held.
    """
    truth.mkdir(exist_ok=True)
    files = [("observations.csv", FULL_OBSERVATION_FIELDS if targets else OBSERVATION_FIELDS, observations),
             ("measures.csv", MEASURE_FIELDS, measures)]
    if targets:
        files.append(("benchmarks.csv", BENCHMARK_FIELDS, benchmarks))
    if quarantine:
        files.append(("quarantine.csv", QUARANTINE_FIELDS, quarantine))
    for name, fields, rows in files:
        with open(truth / name, "w", newline="", encoding="utf-8") as handle:
            # without target tables the file keeps its original columns (numerator etc. are left out)
            writer = csv.DictWriter(handle, fieldnames=["source_file", *fields], extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
