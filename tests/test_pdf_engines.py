"""Both PDF engines propose tables; a quality check picks one per region and the winner is recorded."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
from scorecards.extractors.geometry import fill_text, grid_from_rects
from scorecards.extractors.model import Table
from scorecards.extractors.pdf import extract_pdf, score_table
from scorecards.normalise.document import normalise_document

from samples.generate import random_report
from samples.pdf_render import write_pdf


def _rows(path: Path, camelot: str) -> tuple[list[str], list[tuple[str, str, str, float | None]]]:
    doc = extract_pdf(path, "sha", {"camelot": camelot})
    tidy = normalise_document(doc)
    return [t.engine for t in doc.tables], sorted(
        (o.measure_label, o.period_label, o.status, o.value) for o in tidy.observations
    )


def test_camelot_and_pdfplumber_agree_and_the_winner_is_recorded(tmp_path: Path) -> None:
    path = write_pdf(random_report(31, "improvement", n_measures=8), tmp_path / "r.pdf")
    engines_alone, rows_alone = _rows(path, "never")
    engines_both, rows_both = _rows(path, "always")
    assert engines_alone == ["pdfplumber"]
    assert len(engines_both) == 1 and engines_both[0] in {"pdfplumber", "camelot-lattice"}
    assert rows_both == rows_alone and rows_alone


def test_a_grid_that_cuts_through_text_scores_lower(tmp_path: Path) -> None:
    path = write_pdf(random_report(32, "contract", n_measures=6), tmp_path / "r.pdf")
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        found = page.find_tables()[0]
        chars = page.chars
        rects = [tuple(c) for c in found.cells]
    x0, top, x1, bottom = found.bbox

    def scored(cell_rects: list[tuple[float, float, float, float]]) -> float:
        grid = grid_from_rects(cell_rects, 1)
        table = Table(grid=grid, page=1, engine="test", bbox=(x0, top, x1, bottom))
        fill_text(grid, chars)
        return score_table(table, chars)

    # Split the measure-label column down the middle (the widest column of single cells):
    # a line drawn through every label.
    columns: dict[tuple[float, float], int] = {}
    for r in rects:
        columns[(r[0], r[2])] = columns.get((r[0], r[2]), 0) + 1
    left, right = max((k for k, n in columns.items() if n >= 5), key=lambda k: k[1] - k[0])
    cut_x = (left + right) / 2
    cut = []
    for r in rects:
        if r[0] < cut_x < r[2]:
            cut += [(r[0], r[1], cut_x, r[3]), (cut_x, r[1], r[2], r[3])]
        else:
            cut.append(r)
    assert scored(rects) > 0.9
    assert scored(cut) < scored(rects) - 0.1
