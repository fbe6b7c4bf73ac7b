"""Run the observation suite over a document's rows and split off the failures; run the documents suite
over its document row (zero-loss accounting: a failure is recorded, no row moves)."""

from __future__ import annotations

import logging
import os
from datetime import datetime
from functools import cache
from typing import Any

import pandas as pd

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

QUARANTINE_COLUMNS = [
    "source_file", "source_sha256", "page", "measure_label", "breakdown", "period_label", "raw_text",
    "reason", "table_index", "row_index", "col_index", "bbox_x0", "bbox_top", "bbox_x1", "bbox_bottom", "engine",
]


@cache
def _validator() -> tuple[Any, Any]:
    """One ephemeral context and batch definition per process: building them costs more than validating."""
    return _validators()["observations"]


@cache
def _validators() -> dict[str, tuple[Any, Any]]:
    """Suite name -> (suite, batch definition), all on one ephemeral context."""
    import great_expectations as gx

    from expectations.suite import DOCUMENTS_SUITE_PATH, load_suite

    # GX sets this logger to INFO at import and announces every ephemeral context's temporary docs
    # folder with it; a nightly log wants none of that.
    logging.getLogger("great_expectations.data_context.types.base").setLevel(logging.WARNING)

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False}
    source = context.data_sources.add_pandas("pandas")
    observations = source.add_dataframe_asset("observations").add_batch_definition_whole_dataframe("whole_frame")
    documents = source.add_dataframe_asset("documents").add_batch_definition_whole_dataframe("whole_frame")
    return {"observations": (load_suite(), observations), "documents": (load_suite(DOCUMENTS_SUITE_PATH), documents)}


VALIDATION_COLUMNS = [
    "source_file", "source_sha256", "suite", "expectation", "expectation_type", "success", "element_count",
    "unexpected_count", "validated_at",
]


def validate_observations(frame: pd.DataFrame) -> dict[Any, list[str]]:
    """Index label -> the rules that row broke, for every failing row."""
    return run_suite(frame)[0]


def run_suite(frame: pd.DataFrame) -> tuple[dict[Any, list[str]], list[dict[str, Any]]]:
    """(index label -> the rules that row broke, one result row per expectation).

    The result rows are what Data Docs would show, kept as data so that the warehouse can hold
    each run's pass rates without GX's HTML (which cannot render offline).
    """
    if frame.empty:
        return {}, []
    suite, batches = _validator()
    checked = frame.reset_index(drop=True)
    for column in ("period_start", "period_end"):
        checked[column] = pd.to_datetime(checked[column])
    batch = batches.get_batch(batch_parameters={"dataframe": checked})
    result = batch.validate(suite, result_format={"result_format": "COMPLETE"})
    broken: dict[Any, list[str]] = {}
    validated_at = datetime.now()
    results: list[dict[str, Any]] = []
    for outcome in result.results:
        rule = outcome.expectation_config.meta.get("rule", outcome.expectation_config.type)
        counts = outcome.result or {}
        results.append({
            "suite": suite.name, "expectation": rule, "expectation_type": outcome.expectation_config.type,
            "success": bool(outcome.success), "element_count": counts.get("element_count", len(checked)),
            "unexpected_count": counts.get("unexpected_count", 0), "validated_at": validated_at,
        })
        if outcome.success:
            continue
        labels = outcome.result.get("unexpected_index_list")
        if labels is None:  # the expectation itself errored: a bug in the suite, not in the data
            raise RuntimeError(f"expectation {rule!r} could not run: {outcome.exception_info}")
        for position in labels:
            broken.setdefault(frame.index[position], []).append(rule)
    return broken, results


def run_documents_suite(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """One result row per expectation of the documents suite over a document_facts frame (one row per file).

    A document with uncited figure cells fails `every figure cell ends in a row`: nothing moves, the
    failure is what tells a reviewer a reader dropped a figure. No rows, or rows without the zero-loss
    count (frames made by hand): nothing to check.
    """
    if frame.empty or "uncited_cells" not in frame:
        return []
    suite, batches = _validators()["documents"]
    checked = frame[["source_file", "figure_cells", "uncited_cells"]].reset_index(drop=True)
    result = batches.get_batch(batch_parameters={"dataframe": checked}).validate(suite)
    validated_at = datetime.now()
    results = []
    for outcome in result.results:
        if outcome.result is None or "element_count" not in outcome.result:
            rule = outcome.expectation_config.meta.get("rule", outcome.expectation_config.type)
            raise RuntimeError(f"expectation {rule!r} could not run: {outcome.exception_info}")
        results.append({
            "suite": suite.name, "expectation": outcome.expectation_config.meta.get("rule"),
            "expectation_type": outcome.expectation_config.type, "success": bool(outcome.success),
            "element_count": outcome.result["element_count"],
            "unexpected_count": outcome.result.get("unexpected_count", 0), "validated_at": validated_at,
        })
    return results


def quarantine_failures(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Move observation rows that break an expectation into the quarantine frame, naming the rules.

    The suites' results per expectation (observations, then the document's zero-loss check) come back
    as the `validation_facts` frame (the loader stamps them with the run).
    """
    observations = frames["observation_facts"]
    broken, results = run_suite(observations)
    stamp = {c: observations[c].iloc[0] for c in ("source_file", "source_sha256")} if results else {}
    document = frames.get("document_facts")
    if document is not None and len(document) == 1:
        checks = run_documents_suite(document)
        stamp = stamp or {c: document[c].iloc[0] for c in ("source_file", "source_sha256")}
        results += checks
    frames = {**frames, "validation_facts": pd.DataFrame([{**stamp, **r} for r in results],
                                                         columns=VALIDATION_COLUMNS)}
    if not broken:
        return frames
    failing = observations.loc[list(broken)].copy()
    failing["reason"] = ["failed expectation: " + "; ".join(broken[i]) for i in failing.index]
    moved = failing[[c for c in QUARANTINE_COLUMNS if c in failing.columns]]
    quarantine = pd.concat([frames["quarantine_facts"], moved], ignore_index=True) if len(
        frames["quarantine_facts"]) else moved.reset_index(drop=True)
    return {**frames, "observation_facts": observations.drop(index=list(broken)), "quarantine_facts": quarantine}
