"""`scorecards inspect` shows each table region as found on its page and which regions the pipeline joins.

Ingest must keep joining a table continued over a page break into one table: inspect only reports it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scorecards.extractors import extract
from scorecards.flows.cli import main
from scorecards.normalise.document import normalise_document
from scorecards.normalise.inspect import describe, inspect_file, rows_as_printed

from samples.generate import random_report
from samples.pdf_render import write_pdf
from samples.truth import expected_observations
from samples.word_render import write_docx

REGION_KEYS = {"region", "table", "continues", "page", "page_source", "bbox", "engine", "quality", "layout",
               "reason", "header_rows", "row_fragment", "rows"}


def _observations(doc: object) -> list[tuple[object, ...]]:
    tidy = normalise_document(doc)  # type: ignore[arg-type]
    return [(o.measure_label, o.period_label, o.status, o.value, o.raw_text, o.lineage.page, o.lineage.table_index,
             o.lineage.row_index, o.lineage.col_index) for o in tidy.observations]


@pytest.fixture(scope="module")
def two_pages(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, Path]:
    """A contract grid long enough to carry on to a second page, its header repeated there."""
    model = random_report(7, "contract", n_measures=30)
    return model, write_pdf(model, tmp_path_factory.mktemp("inspect") / "long.pdf")


def test_inspect_json_gives_one_region_per_page_with_the_continuation_marked(
    two_pages: tuple[object, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _model, path = two_pages
    assert main(["inspect", str(path), "--json"]) == 0
    regions = json.loads(capsys.readouterr().out)
    assert len(regions) == 2
    first, second = regions
    assert set(first) == REGION_KEYS
    assert (first["region"], first["page"], first["table"], first["continues"]) == (1, 1, 1, None)
    assert (second["region"], second["page"], second["table"], second["continues"]) == (2, 2, 1, 1)
    assert first["layout"] == second["layout"] == "quarterly_grid"
    assert first["page_source"] == second["page_source"] == "text"  # read from the text layer
    # The second page repeats the header: inspect shows it as found and counts it as repeated header rows.
    assert second["header_rows"] == first["header_rows"] == 2
    assert second["rows"][:2] == first["rows"][:2]
    for region in regions:
        x0, top, x1, bottom = region["bbox"]
        assert x0 < x1 and top < bottom
        assert all(len(row) == len(region["rows"][0]) for row in region["rows"])


def test_ingest_still_reads_the_same_file_as_one_table(two_pages: tuple[object, Path]) -> None:
    model, path = two_pages
    doc = extract(path, "sha")  # what ingest extracts
    assert len(doc.tables) == 1 and doc.tables[0].pages == [1, 2]
    seen = inspect_file(path, "sha")
    # The regions laid end to end, less the repeated header, are the joined table's rows.
    first, second = seen.regions
    assert rows_as_printed(doc.tables[0]) == first["rows"] + second["rows"][second["header_rows"]:]
    # The tables inspect hands on are the ones ingest normalises, observation for observation.
    assert describe(seen.doc) == describe(doc)
    assert _observations(seen.doc) == _observations(doc)
    assert len(_observations(doc)) == len(expected_observations(model))  # type: ignore[arg-type]


def test_a_row_cut_by_the_page_break_is_marked_as_finishing_the_previous_row(tmp_path: Path) -> None:
    path = write_pdf(random_report(5, "target", n_measures=14), tmp_path / "target.pdf")
    regions = inspect_file(path, "sha").regions
    assert [(r["page"], r["continues"], r["row_fragment"]) for r in regions] == [(1, None, False), (2, 1, True)]
    doc = extract(path, "sha")
    cut = regions[1]["rows"][regions[1]["header_rows"]]
    # Joined, the fragment's text ends the last row of page 1 instead of making a row of its own.
    assert len(doc.tables) == 1
    assert doc.tables[0].n_rows == len(regions[0]["rows"]) + len(regions[1]["rows"]) - regions[1]["header_rows"] - 1
    last = rows_as_printed(doc.tables[0])[len(regions[0]["rows"]) - 1]
    assert all(not text or last[c].endswith(text) for c, text in enumerate(cut))


def test_stitch_off_reads_every_region_as_a_table_of_its_own(two_pages: tuple[object, Path]) -> None:
    _model, path = two_pages
    seen = inspect_file(path, "sha", {"stitch": False})
    assert [(r["table"], r["continues"]) for r in seen.regions] == [(1, None), (2, None)]
    assert seen.tables == 2


def test_word_tables_are_regions_never_joined(tmp_path: Path) -> None:
    path = write_docx(random_report(3, "contract", n_measures=30), tmp_path / "r.docx")
    seen = inspect_file(path, "sha")
    assert [(r["table"], r["continues"]) for r in seen.regions] == [(1, None)]


def test_human_output_names_regions_and_the_joins(two_pages: tuple[object, Path],
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    _model, path = two_pages
    assert main(["inspect", str(path)]) == 0
    out = capsys.readouterr().out
    assert "2 region(s) read as 1 table(s)" in out
    assert "region 1 (table 1): page 1" in out
    assert "region 2 (table 1 continues region 1): page 2" in out


def test_layouts_are_the_pipelines_own_decisions(tmp_path: Path) -> None:
    """Card and rates-table layouts are decided over the whole document: inspect shows those decisions."""
    from samples import cards  # the KPI card generator (issue #6)

    path = cards.write_card_report(tmp_path / "cards.pdf", 3, ruled=False)
    seen = inspect_file(path, "sha")
    decided = [t.layout for t in normalise_document(extract(path, "sha")).tables]
    assert [r["layout"] for r in seen.regions if r["continues"] is None] == decided
    assert "kpi_card" in decided
