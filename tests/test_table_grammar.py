"""The grammar of tables (issue 12): drawn measures-by-periods tables, rendered as ruled PDF, borderless
PDF and Word, read by the whole pipeline (extract -> normalise_document) and compared with their truth.

Every truth cell must come back as an observation with the same measure_label, breakdown, period_label
(whitespace-normalised), period dates, value, status and section, or as a quarantine row with a reason
at that cell (PDF: the row's box holds the cell's centre or the cell the box's; Word: its row and
column are the cell's). Nothing is
lost and nothing is invented: an observation that is not in the truth fails too. Targets and commentary
must land on their measure. Conventions: samples/grammar.py.

`GRAMMAR_EXAMPLES` (default 170 per renderer, 510 tables in all) sets the number of drawn tables per
renderer; `GRAMMAR_TABLES_PER_FILE` (default 1) how many go into one document, one per page;
`GRAMMAR_SHRINK=1` lets Hypothesis shrink a failure to a simpler table (slow: every try renders a file).
"""

from __future__ import annotations

import math
import os
import tempfile
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st
from scorecards.extractors import ExtractionError, extract
from scorecards.extractors.word import extract_docx
from scorecards.normalise.document import normalise_document
from scorecards.normalise.records import NormalisedDocument, Observation, QuarantineRow

from samples.grammar import DrawnTable, draw, drawn_tables, plain, render_docx, render_pdf

EXAMPLES = int(os.environ.get("GRAMMAR_EXAMPLES", "170"))
PER_FILE = int(os.environ.get("GRAMMAR_TABLES_PER_FILE", "1"))
PHASES = tuple(Phase) if os.environ.get("GRAMMAR_SHRINK") == "1" else (Phase.explicit, Phase.reuse, Phase.generate)
SHOWN = 12  # lines of each kind of problem shown per table

grammar_settings = settings(
    max_examples=max(1, EXAMPLES // PER_FILE),
    deadline=None,
    derandomize=True,
    phases=PHASES,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
documents = st.lists(drawn_tables(), min_size=PER_FILE, max_size=PER_FILE)


def _norm(text: object) -> str:
    return " ".join(str(text or "").split())


def _same_value(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _key(row: dict[str, Any] | Observation) -> tuple[str, str, str]:
    get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
    return _norm(get("measure_label")), _norm(get("breakdown")), _norm(get("period_label"))


def _show(key: tuple[str, str, str]) -> str:
    return " | ".join(repr(part) for part in key)


def _wrong_fields(truth: dict[str, Any], obs: Observation) -> list[str]:
    wrong = []
    for name in ("period_start", "period_end", "status"):
        if truth[name] != getattr(obs, name):
            wrong.append(f"{name} {getattr(obs, name)!r} (want {truth[name]!r})")
    if not _same_value(truth["value"], obs.value):
        wrong.append(f"value {obs.value!r} (want {truth['value']!r})")
    if _norm(truth["section"]) != _norm(obs.section):
        wrong.append(f"section {obs.section!r} (want {truth['section']!r})")
    return wrong


def _inside(table: DrawnTable, kind: str, row: QuarantineRow | Observation, at: tuple[int, int]) -> bool:
    """The record's lineage points at grid position `at` (PDF: its box's centre lies in the cell)."""
    where = row.lineage
    if kind == "docx":
        return (where.row_index, where.col_index) == at
    if where.bbox is None:
        return False
    x0, top, x1, bottom = table.cell_box(*at)
    cx, cy = (where.bbox[0] + where.bbox[2]) / 2, (where.bbox[1] + where.bbox[3]) / 2
    return x0 <= cx <= x1 and top <= cy <= bottom


def _truth_at(table: DrawnTable, kind: str, obs: Observation,
              cells: dict[tuple[int, int], dict[str, Any]]) -> dict[str, Any] | None:
    return next((truth for at, truth in cells.items() if _inside(table, kind, obs, at)), None)


def _at_cell(table: DrawnTable, kind: str, page: int, row: QuarantineRow, truth: dict[str, Any]) -> bool:
    """The quarantine row holds the truth cell: Word, its row and column; PDF, its box and the cell's
    overlap by their centres (a row quarantining text cut across two cells holds both)."""
    where = row.lineage
    if where.page != page:
        return False
    if kind == "pdf" and where.bbox is None:  # no position: the same text of the same measure
        return _norm(row.raw_text) == _norm(truth["raw_text"]) and _norm(row.measure_label) == truth["measure_label"]
    at = (truth["row"], truth["col"])
    if kind == "docx" or _inside(table, kind, row, at):
        return _inside(table, kind, row, at)
    x0, top, x1, bottom = table.cell_box(*at)
    cx, cy = (x0 + x1) / 2, (top + bottom) / 2
    return where.bbox[0] <= cx <= where.bbox[2] and where.bbox[1] <= cy <= where.bbox[3]


def table_problems(table: DrawnTable, page: int, kind: str, out: NormalisedDocument) -> list[str]:
    """What the pipeline got wrong about the table printed on `page` (Word: the page-th table); [] when right."""
    observations: dict[tuple[str, str, str], list[Observation]] = defaultdict(list)
    for obs in out.observations:
        if obs.lineage.page == page:
            observations[_key(obs)].append(obs)
    quarantine = [q for q in out.quarantine if q.lineage.page == page and _norm(q.reason)]
    lost: list[tuple[tuple[str, str, str], str]] = []
    wrong: list[str] = []
    read = held = 0
    truth_keys = set()
    for truth in table.truth:
        key = _key(truth)
        truth_keys.add(key)
        found = observations.get(key, [])
        right = next((obs for obs in found if not _wrong_fields(truth, obs)), None)
        for obs in found:  # a wrong observation fails even beside a right one or a quarantine row
            if obs is not right:
                problems = _wrong_fields(truth, obs) or ["a second observation of the cell"]
                wrong.append(f"{_show(key)} raw {truth['raw_text']!r}: {'; '.join(problems)}")
        if right is not None:
            read += 1
        elif any(_at_cell(table, kind, page, q, truth) for q in quarantine):
            held += 1
        elif not found:
            lost.append((key, f"{_show(key)} raw {truth['raw_text']!r} at row {truth['row']}, col {truth['col']}"))
    # An observation of no truth cell that sits at a lost cell is shown beside it, as misread.
    cells = {(t["row"], t["col"]): t for t in table.truth}
    lost_keys = {key for key, _ in lost}
    misread, invented = [], []
    for key, found in observations.items():
        if key in truth_keys:
            continue
        for obs in found:
            at = _truth_at(table, kind, obs, cells)
            line = f"{_show(key)} = {obs.value!r} {obs.status} raw {obs.raw_text!r}"
            if at is not None and _key(at) in lost_keys:
                misread.append(f"{_show(_key(at))} raw {at['raw_text']!r} read as {line}")
                lost_keys.discard(_key(at))
            else:
                invented.append(line)
    lost = [(key, line) for key, line in lost if key in lost_keys]
    roles = []
    for measure in table.measures:
        label = measure["measure_label"]
        if "target_text" in measure:
            targets = [m.target_value for m in out.measures if _norm(m.measure_label) == label and m.page == page]
            if not any(_same_value(measure["target_value"], t) for t in targets):
                roles.append(f"target of {label!r}: {targets!r} (want {measure['target_value']!r} "
                             f"from {measure['target_text']!r})")
        if "commentary" in measure:
            said = [c.text for c in out.commentary
                    if _norm(c.measure_label) == label and c.kind == "commentary" and c.page == page]
            if _norm(measure["commentary"]) not in map(_norm, said):
                roles.append(f"commentary of {label!r}: {said!r} (want {measure['commentary']!r})")
    if not (lost or misread or wrong or invented or roles):
        return []
    layouts = [f"{t.layout} ({t.reason})" for t in out.tables if t.page == page]
    lines = [f"table on page {page} [{kind}]: {table.description}",
             f"  {len(table.truth)} cells: {read} read, {held} quarantined, {len(lost)} lost, {len(misread)} misread, "
             f"{len(wrong)} wrong, {len(invented)} invented, {len(roles)} role problems",
             f"  read as: {'; '.join(layouts) or 'no table'}"]
    named = (("lost", [line for _, line in lost]), ("misread", misread), ("wrong", wrong), ("invented", invented),
             ("role", roles))
    for name, items in named:
        lines += [f"  {name}: {item}" for item in items[:SHOWN]]
        if len(items) > SHOWN:
            lines.append(f"  ... {len(items) - SHOWN} more {name}")
    lines += ["  printed:"] + ["    " + line for line in table.printed().splitlines()]
    return lines


def document_problems(tables: Sequence[DrawnTable], path: Path, kind: str) -> list[list[str]]:
    """Per table (table k on page / Word table k+1) its problems; observations on no table's page are invented."""
    try:
        doc = extract(path, "grammar")
    except ExtractionError as exc:
        return [[f"{path.name}: extraction failed: {exc}", table.printed()] for table in tables]
    out = normalise_document(doc)
    results = [table_problems(table, k + 1, kind, out) for k, table in enumerate(tables)]
    stray = [o for o in out.observations if not 1 <= o.lineage.page <= len(tables)]
    if stray:
        results.append([f"{len(stray)} observations on no table's page: "
                        + "; ".join(_show(_key(o)) for o in stray[:SHOWN])])
    return results


def _check(tables: Sequence[DrawnTable], render: Callable[[Sequence[DrawnTable], Path], Path], kind: str,
           suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = render(tables, Path(tmp) / f"grammar{suffix}")
        problems = [lines for lines in document_problems(tables, path, kind) if lines]
    assert not problems, "\n\n".join("\n".join(lines) for lines in problems)


# ---------------------------------------------------------------------------------------------
# The pipeline against the grammar
# ---------------------------------------------------------------------------------------------


@pytest.mark.slow
@grammar_settings
@given(documents)
def test_ruled_pdf_tables_read_as_drawn(tables: list[DrawnTable]) -> None:
    _check(tables, lambda t, p: render_pdf(t, p, ruled=True), "pdf", ".pdf")


def _printed_under_every_column(table: DrawnTable) -> bool:
    """Whether every column shows something in the body. Printed without rules, a column blank all
    the way down has no extent of its own: its heading reads as part of its neighbour's (`Male
    Female` over `1,000`), as it would to a person, so such a draw is no test of the reader."""
    body = [r for r, kind in enumerate(table.kinds) if kind == "body"]
    return all(any(table.grid[r][c].strip() for r in body) for c in range(len(table.col_kinds)))


@pytest.mark.slow
@grammar_settings
@given(documents)
def test_borderless_pdf_tables_read_as_drawn(tables: list[DrawnTable]) -> None:
    assume(all(_printed_under_every_column(t) for t in tables))
    _check(tables, lambda t, p: render_pdf(t, p, ruled=False), "pdf", ".pdf")


# A wider sweep of tables printed without rules, drawn by seed (larger tables than Hypothesis
# draws). A few shapes are still misread there (a heading wrapped into one lower-case word that
# the shared line reader glues to the word above, as the rest of a broken word): the sweep holds
# a floor of exact tables, and no figure may be lost without a misreading to show for it.
BORDERLESS_FLOOR = 0.98


@pytest.mark.slow
def test_borderless_sweep_of_drawn_tables() -> None:
    failures: list[tuple[int, list[str]]] = []
    for seed in range(EXAMPLES):
        table = draw(seed)
        with tempfile.TemporaryDirectory() as tmp:
            path = render_pdf([table], Path(tmp) / "grammar.pdf", ruled=False)
            problems = [lines for lines in document_problems([table], path, "pdf") if lines]
        if problems:
            failures.append((seed, problems[0]))
    shown = "\n\n".join(f"seed {seed}:\n" + "\n".join(lines) for seed, lines in failures)
    assert 1 - len(failures) / EXAMPLES >= BORDERLESS_FLOOR, shown
    silent = [(seed, lines) for seed, lines in failures
              if any(line.strip().startswith("lost:") for line in lines)
              and not any(line.strip().startswith(("misread:", "wrong:")) for line in lines)]
    assert not silent, "figures lost with nothing read in their place:\n" + shown


@pytest.mark.slow
@grammar_settings
@given(documents)
def test_word_tables_read_as_drawn(tables: list[DrawnTable]) -> None:
    _check(tables, render_docx, "docx", ".docx")


# ---------------------------------------------------------------------------------------------
# The grammar itself: its truth is consistent and its renderers print what it says
# ---------------------------------------------------------------------------------------------


def test_truth_covers_every_body_cell_once() -> None:
    for seed in range(300):
        table = draw(seed)
        value_cols = [c for c, kind in enumerate(table.col_kinds) if kind == "value"]
        body_rows = [r for r, kind in enumerate(table.kinds) if kind == "body"]
        cells = sorted((t["row"], t["col"]) for t in table.truth)
        assert cells == [(r, c) for r in body_rows for c in value_cols], seed
        assert len({_key(t) for t in table.truth}) == len(table.truth), seed
        for t in table.truth:
            assert t["period_start"] <= t["period_end"], (seed, t)
            assert (t["value"] is not None) == (t["status"] == "reported"), (seed, t)
            assert t["period_label"] and plain(t["measure_label"]), (seed, t)
        assert sum(table.widths) <= 842 - 72 + 1e-6 and sum(table.heights) <= 595 - 72 - 30 + 1e-6, seed
        for r in body_rows:  # a body row always states a figure (a row of blanks would read as a section)
            assert any(t["status"] == "reported" for t in table.truth if t["row"] == r), (seed, r)


def test_every_form_of_the_grammar_is_drawn() -> None:
    tables = [draw(seed) for seed in range(400)]
    descriptions = " ".join(t.description for t in tables)
    for part in ("across", "down", "period/breakdown", "breakdown/period", "group/sub", "group/breakdown/sub",
                 "M/B/B", "grouped periods", "code", "unit", "target", "commentary", "sections"):
        assert part in descriptions, part
    labels = {t["period_label"] for table in tables for t in table.truth}
    for example in ("FY ", "Qtr", "Quarter ", " – ", "12m to", "12 mths to", "Sept"):
        assert any(example in label for label in labels), example
    statuses = {t["status"] for table in tables for t in table.truth}
    assert statuses == {"reported", "missing", "not_applicable", "to_be_determined", "not_available"}


def test_hypothesis_draws_valid_tables() -> None:
    @settings(max_examples=60, deadline=None, derandomize=True)
    @given(drawn_tables())
    def drawn(table: DrawnTable) -> None:
        assert table.truth and table.measures
        assert len({_key(t) for t in table.truth}) == len(table.truth)

    drawn()


@pytest.mark.parametrize("seed", [1, 2, 3, 5, 8])
def test_word_tables_are_printed_with_real_merges(tmp_path: Path, seed: int) -> None:
    tables = [draw(seed * 10 + k) for k in range(3)]
    doc = extract_docx(render_docx(tables, tmp_path / "t.docx"), "x")
    assert len(doc.tables) == len(tables)
    for table, read in zip(tables, doc.tables, strict=True):
        got = {(c.row, c.col, c.row + c.row_span - 1, c.col + c.col_span - 1, c.text)
               for r in range(read.n_rows) for c in read.distinct_cells(r)}
        spans = {(r0, c0): (r0, c0, r1, c1) for r0, c0, r1, c1 in table.spans}
        inside = {(r, c) for r0, c0, r1, c1 in table.spans for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
        want = {(*spans.get((r, c), (r, c, r, c)), _norm(text)) for r, row in enumerate(table.grid)
                for c, text in enumerate(row) if (r, c) in spans or (r, c) not in inside}
        assert got == want


@pytest.mark.parametrize("ruled", [True, False])
def test_pdf_cells_are_where_the_table_says(tmp_path: Path, ruled: bool) -> None:
    tables = [draw(seed) for seed in (4, 6, 7)]
    path = render_pdf(tables, tmp_path / "t.pdf", ruled=ruled)
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == len(tables)
        for table, page in zip(tables, pdf.pages, strict=True):
            words = page.extract_words()
            for truth in table.truth:
                x0, top, x1, bottom = table.cell_box(truth["row"], truth["col"])
                inside = [w["text"] for w in words
                          if x0 <= (w["x0"] + w["x1"]) / 2 <= x1 and top <= (w["top"] + w["bottom"]) / 2 <= bottom]
                assert " ".join(inside) == truth["raw_text"], (truth, inside)
