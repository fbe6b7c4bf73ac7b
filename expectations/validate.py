"""Run the observation suite over a document's rows and split off the failures; run the documents suite
over its document row (zero-loss accounting: a failure is recorded, no row moves)."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from scorecards.normalise.frames import Frame

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

QUARANTINE_COLUMNS = [
    "source_file", "source_sha256", "page", "measure_label", "breakdown", "period_label", "raw_text",
    "reason", "table_index", "row_index", "col_index", "bbox_x0", "bbox_top", "bbox_x1", "bbox_bottom", "engine",
]


@cache
def _validators() -> dict[str, tuple[Any, Any]]:
    """Suite name -> (suite, batch definition), all on one ephemeral context, built once per process:
    building them costs more than validating."""
    import great_expectations as gx
    from scorecards.expectations.suite import DOCUMENTS_SUITE_PATH, load_suite

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


@dataclass(frozen=True)
class Outcome:
    """One expectation's result over a frame, as plain data: it may come back from the validator
    service (expectations/service.py) rather than from this process."""

    suite: str
    rule: str  # meta.rule: what a quarantined row names as its reason
    expectation_type: str
    positions: tuple[int, ...]  # the rows (0-based positions in the frame) it found unexpected


# Runs one suite over a frame: run_suite_here (Great Expectations in this process) or a ServiceRunner.
SuiteRunner = Callable[[pd.DataFrame, str], list[Outcome]]


def run_suite_here(frame: pd.DataFrame, suite_name: str) -> list[Outcome]:
    """Every expectation of a suite over the whole frame, in one Great Expectations validation."""
    suite, batches = _validators()[suite_name]
    result = batches.get_batch(batch_parameters={"dataframe": frame}).validate(
        suite, result_format={"result_format": "COMPLETE"})
    out = []
    for outcome in result.results:
        counts = outcome.result or {}
        positions = counts.get("unexpected_index_list")
        rule = outcome.expectation_config.meta.get("rule", outcome.expectation_config.type)
        if "element_count" not in counts or (not outcome.success and positions is None):
            # The expectation itself errored: a bug in the suite, not in the data.
            raise RuntimeError(f"expectation {rule!r} could not run: {outcome.exception_info}")
        out.append(Outcome(suite.name, rule, outcome.expectation_config.type, tuple(positions or ())))
    return out


def _result_rows(outcomes: list[Outcome], owner: list[int], n_docs: int,
                 validated_at: datetime) -> list[list[dict[str, Any]]]:
    """Per document of a batch, one result row per expectation: its rows counted, and those it broke.

    Every expectation of the suites checks rows one by one (or keys that include the file), so a
    document's share of a batch's result is exactly what validating it alone would report."""
    rows_of = [0] * n_docs
    for doc in owner:
        rows_of[doc] += 1
    per_doc: list[list[dict[str, Any]]] = [[] for _ in range(n_docs)]
    for outcome in outcomes:
        unexpected = [0] * n_docs
        for position in outcome.positions:
            unexpected[owner[position]] += 1
        for doc in range(n_docs):
            if rows_of[doc]:
                per_doc[doc].append({
                    "suite": outcome.suite, "expectation": outcome.rule, "expectation_type": outcome.expectation_type,
                    "success": unexpected[doc] == 0, "element_count": rows_of[doc],
                    "unexpected_count": unexpected[doc], "validated_at": validated_at,
                })
    return per_doc


@cache
def suite_columns(suite_name: str) -> tuple[str, ...] | None:
    """The columns a suite's expectations read (their columns, column pairs and lists, and the
    columns of their row conditions), from its JSON; None when an expectation names columns some
    other way (then every column is handed over).

    Great Expectations copies the whole frame for each row condition and unexpected-row list: handed
    only these columns, a batch validates in four fifths of the time, and less travels to the
    validator service."""
    suite = json.loads(Path(__file__).with_name(f"{suite_name}.json").read_text())
    found: dict[str, None] = {}

    def conditions(node: Any) -> None:  # a row condition's tree: {"column": {"name": ...}, ...}
        if isinstance(node, dict):
            if isinstance(node.get("column"), dict) and isinstance(node["column"].get("name"), str):
                found[node["column"]["name"]] = None
            for value in node.values():
                conditions(value)
        elif isinstance(node, list):
            for value in node:
                conditions(value)

    for expectation in suite["expectations"]:
        for key, value in expectation.get("kwargs", {}).items():
            if key in ("column", "column_A", "column_B") and isinstance(value, str):
                found[value] = None
            elif key == "column_list" and isinstance(value, list):
                found |= dict.fromkeys(value)
            elif key == "row_condition":
                conditions(value)
            elif "column" in key:
                return None
    return tuple(found)


def _checked(frames: list[pd.DataFrame], columns: Sequence[str] | None = None) -> tuple[pd.DataFrame, list[int]]:
    """The frames of a batch as one (of `columns` only, those a frame has), and which document each of
    its rows came from."""
    parts = [f if columns is None else f[[c for c in columns if c in f.columns]] for f in frames if not f.empty]
    owner = [doc for doc, f in enumerate(frames) for _ in range(len(f))]
    if not parts:
        return pd.DataFrame(), owner
    return pd.concat(parts, ignore_index=True), owner


def run_suite(frame: pd.DataFrame, runner: SuiteRunner = run_suite_here,
              ) -> tuple[dict[Any, list[str]], list[dict[str, Any]]]:
    """(index label -> the rules that row broke, one result row per expectation) of one frame.

    The result rows are what Data Docs would show, kept as data so that the warehouse can hold
    each run's pass rates without GX's HTML (which cannot render offline).
    """
    broken, results = _run_observations([frame], runner)
    return broken[0], results[0]


def _run_observations(frames: list[pd.DataFrame], runner: SuiteRunner,
                      ) -> tuple[list[dict[Any, list[str]]], list[list[dict[str, Any]]]]:
    """The observations suite over a batch of frames in one validation: per frame, its broken rows
    (by its own index labels) and its result rows."""
    checked, owner = _checked(frames, suite_columns("observations"))
    broken: list[dict[Any, list[str]]] = [{} for _ in frames]
    if checked.empty:
        return broken, [[] for _ in frames]
    for column in ("period_start", "period_end"):
        checked[column] = pd.to_datetime(checked[column])
    outcomes = runner(checked, "observations")
    labels = [label for f in frames for label in f.index]
    for outcome in outcomes:
        for position in outcome.positions:
            broken[owner[position]].setdefault(labels[position], []).append(outcome.rule)
    return broken, _result_rows(outcomes, owner, len(frames), datetime.now())


def run_documents_suite(frame: pd.DataFrame, runner: SuiteRunner = run_suite_here) -> list[dict[str, Any]]:
    """One result row per expectation of the documents suite over a document_facts frame (one row per file).

    A document with uncited figure cells fails `every figure cell ends in a row`: nothing moves, the
    failure is what tells a reviewer a reader dropped a figure. No rows, or rows without the zero-loss
    count (frames made by hand): nothing to check.
    """
    return _run_documents([frame], runner)[0]


def _run_documents(frames: list[pd.DataFrame], runner: SuiteRunner) -> list[list[dict[str, Any]]]:
    usable = [f if not f.empty and "uncited_cells" in f else f.iloc[0:0] for f in frames]
    checked, owner = _checked(usable, suite_columns("documents"))
    if checked.empty:
        return [[] for _ in frames]
    return _result_rows(runner(checked, "documents"), owner, len(frames), datetime.now())


def quarantine_failures(frames: dict[str, Frame], runner: SuiteRunner = run_suite_here,
                        ) -> dict[str, Frame]:
    """Move observation rows that break an expectation into the quarantine frame, naming the rules.

    The suites' results per expectation (observations, then the document's zero-loss check) come back
    as the `validation_facts` frame (the loader stamps them with the run).
    """
    return quarantine_failures_batch([frames], runner)[0]


def quarantine_failures_batch(batch: list[dict[str, Frame]], runner: SuiteRunner = run_suite_here,
                              ) -> list[dict[str, Frame]]:
    """quarantine_failures for many documents at once: one validation per suite for the whole batch
    (a validation costs far more than the rows it checks), the results split back per document,
    each failing row still traced to its own file and cell. `runner` runs the suites: Great
    Expectations here, or in the validator service."""
    broken, results = _run_observations([frames["observation_facts"] for frames in batch], runner)
    documents = [frames.get("document_facts") for frames in batch]
    checks = _run_documents([d if d is not None and len(d) == 1 else pd.DataFrame() for d in documents], runner)
    return [_split(frames, broken[k], results[k], checks[k]) for k, frames in enumerate(batch)]


def _split(frames: dict[str, Frame], broken: dict[Any, list[str]], results: list[dict[str, Any]],
           checks: list[dict[str, Any]]) -> dict[str, Frame]:
    observations = frames["observation_facts"]
    stamp = {c: observations[c].iloc[0] for c in ("source_file", "source_sha256")} if results else {}
    if checks:
        document = frames["document_facts"]
        stamp = stamp or {c: document[c].iloc[0] for c in ("source_file", "source_sha256")}
    frames = {**frames, "validation_facts": pd.DataFrame([{**stamp, **r} for r in results + checks],
                                                         columns=VALIDATION_COLUMNS)}
    if not broken:
        return frames
    failing = observations.loc[list(broken)].copy()
    failing["reason"] = ["failed expectation: " + "; ".join(broken[i]) for i in failing.index]
    moved = failing[[c for c in QUARANTINE_COLUMNS if c in failing.columns]]
    quarantine = pd.concat([frames["quarantine_facts"], moved], ignore_index=True) if len(
        frames["quarantine_facts"]) else moved.reset_index(drop=True)
    return {**frames, "observation_facts": observations.drop(index=list(broken)), "quarantine_facts": quarantine}
