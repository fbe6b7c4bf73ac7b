"""The review site (issue #8): built from a real warehouse filled by a real ingest, read back as files.

What matters here: document text is always text (a hostile cell never becomes markup), every list is
paginated and every local link lands on a file and an anchor that exist, nothing points off the machine,
and an empty warehouse still gives a working site. The browser test (test_review_browser.py) opens it.
"""

from __future__ import annotations

import html.parser
import re
from datetime import date
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from scorecards.flows.cli import main
from scorecards.warehouse import open_warehouse
from scorecards.warehouse.review import build_site, safe_name
from scorecards.warehouse.review.chart import Band, Point, series_chart
from scorecards.warehouse.review.grids import build_grid, context_grid
from scorecards.warehouse.review.paging import pack

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'


def hostile_reports(folder: Path) -> list[Path]:
    """One generated grid report as PDF and Word with a `<script>` cell and an `"><img onerror>` cell:
    neither parses as a figure, so both land in quarantine with their raw text."""
    from samples.generate import random_report
    from samples.pdf_render import write_pdf
    from samples.word_render import write_docx

    model = random_report(7, "contract", n_measures=6)
    model.measures[0].values[1] = SCRIPT
    model.measures[1].values[2] = IMG
    folder.mkdir(parents=True, exist_ok=True)
    return [write_pdf(model, folder / "hostile.pdf"), write_docx(model, folder / "hostile.docx")]


class _Page(html.parser.HTMLParser):
    """Tags, attributes and ids of one generated page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.ids: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.append((tag, found))
        if found.get("id"):
            self.ids.add(str(found["id"]))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Hostile reports ingested into a fresh warehouse; the site built with 1 row per page to force paging."""
    from scorecards.flows.pipeline import ingest_files

    tmp = tmp_path_factory.mktemp("review")
    location = str(tmp / "warehouse.duckdb")
    summary = ingest_files(hostile_reports(tmp / "in"), location, progress=False)
    assert summary.count("loaded") == 2, [o.reason for o in summary.outcomes]
    out = tmp / "site"
    report = build_site(location, out, per_page=1)
    return {"out": out, "warehouse": Path(location), "report": report}  # type: ignore[dict-item]


def test_a_hostile_cell_renders_as_text_everywhere(hostile_site: dict[str, Path]) -> None:
    out = hostile_site["out"]
    pages = sorted(out.rglob("*.html"))
    seen_script = seen_img = False
    for path in pages:
        raw = path.read_text(encoding="utf-8")
        assert SCRIPT not in raw and "<img src=x" not in raw, path
        page = parse(path)
        # No markup came from the document: not one script, no event handler, every image is a local crop.
        for tag, attrs in page.tags:
            assert tag != "script", path
            assert not any(name.startswith("on") for name in attrs), (path, tag, attrs)
            if tag == "img":
                assert re.fullmatch(r"(\.\./)*(img/[0-9a-f]{20}\.png|static/favicon\.png)", attrs["src"] or ""), attrs
        text = "".join(page.text)
        seen_script |= SCRIPT in text
        seen_img |= IMG in text
    # ...and the text itself is shown, exactly as printed.
    assert seen_script and seen_img
    quarantine = "".join(p.read_text() for p in (out / "quarantine").glob("*.html"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in quarantine
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in quarantine


def test_quarantine_is_paginated_and_every_local_link_resolves(hostile_site: dict[str, Path]) -> None:
    out = hostile_site["out"]
    held = sorted((out / "quarantine").glob("*.html"))
    assert [p.name for p in held] == ["index.html", "page-2.html", "page-3.html", "page-4.html"]
    for path in held:
        assert len([t for t, a in parse(path).tags if t == "article"]) == 1  # per_page=1
    parsed = {path: parse(path) for path in out.rglob("*.html")}
    checked = 0
    for path, page in parsed.items():
        for tag, attrs in page.tags:
            link = attrs.get("href") if tag in ("a", "link") else attrs.get("src") if tag == "img" else None
            if not link:
                continue
            parts = urlsplit(link)
            assert not parts.scheme and not parts.netloc, (path, link)  # relative: works from file://
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            assert target.is_file(), (path, link)
            assert out.resolve() in target.parents, (path, link)
            if parts.fragment:
                assert parts.fragment in parsed[target].ids, (path, link)
            checked += 1
    assert checked > 100
    # The document page's quarantined figure leads to the row on its quarantine page, which shows its picture.
    doc = out / "documents" / safe_name("hostile.pdf")
    hops = [a["href"] for t, a in parse(doc).tags if t == "a" and "to-quarantine" in (a.get("class") or "")]
    assert len(hops) == 2
    page_file, anchor = hops[0].rsplit("#", 1)
    row = (doc.parent / page_file).read_text()
    assert f'id="{anchor}"' in row and 'class="crop" src="img/' in row


def test_word_quarantine_shows_the_table_around_its_cell(hostile_site: dict[str, Path]) -> None:
    out = hostile_site["out"]
    pages = [p.read_text() for p in (out / "quarantine").glob("*.html")]
    word = [p for p in pages if ">hostile.docx</a>" in p]
    assert len(word) == 2
    for page in word:
        assert 'class="grid context"' in page, "no table around the Word cell"
        [hit] = re.findall(r'<td class="hit[^"]*">([^<]*)</td>', page)
        assert hit in ("&lt;script&gt;alert(1)&lt;/script&gt;", "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;")


def test_no_generated_file_points_off_the_machine(hostile_site: dict[str, Path]) -> None:
    files = [p for p in hostile_site["out"].rglob("*") if p.is_file()]
    assert any(p.suffix == ".png" for p in files) and any(p.suffix == ".css" for p in files)
    for path in files:
        data = path.read_bytes().lower()
        assert b"http://" not in data and b"https://" not in data and b"//cdn" not in data, path
        if path.suffix in (".html", ".css"):
            assert b"@import" not in data and b"url(" not in data, path


def test_an_empty_warehouse_gives_a_working_site(tmp_path: Path) -> None:
    location = tmp_path / "empty.duckdb"
    open_warehouse(location).close()
    report = build_site(str(location), tmp_path / "site")
    assert report.missing_views == []
    assert all(v == 0 for v in report.counts.values()), report.counts
    for section in ("index.html", "documents/index.html", "quarantine/index.html", "rag/index.html",
                    "revisions/index.html", "measures/index.html", "corrections/index.html", "failures/index.html"):
        assert (tmp_path / "site" / section).is_file(), section
    assert "Nothing in quarantine" in (tmp_path / "site" / "quarantine" / "index.html").read_text()


def test_cli_review_writes_the_site_and_a_missing_warehouse_is_bad_usage(
        hostile_site: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["review", "--warehouse", str(hostile_site["warehouse"]), "--out", str(tmp_path / "r")]) == 0
    assert (tmp_path / "r" / "index.html").is_file()
    assert "file://" in capsys.readouterr().out
    assert main(["review", "--warehouse", str(tmp_path / "none.duckdb"), "--out", str(tmp_path / "x")]) == 2
    # A rebuild into the same folder is fine; a folder of other files is refused and left as it was.
    assert main(["review", "--warehouse", str(hostile_site["warehouse"]), "--out", str(tmp_path / "r")]) == 0
    (tmp_path / "mine" / "documents").mkdir(parents=True)
    (tmp_path / "mine" / "documents" / "keep.txt").write_text("not the site's")
    assert main(["review", "--warehouse", str(hostile_site["warehouse"]), "--out", str(tmp_path / "mine")]) == 2
    assert (tmp_path / "mine" / "documents" / "keep.txt").read_text() == "not the site's"


def test_pages_hold_few_items_and_few_rows() -> None:
    sizes = [1, 1, 5, 1, 9, 1, 1, 1]
    assert [list(p) for p in pack(sizes, 3, lambda n: n, most=6)] == [[1, 1], [5, 1], [9], [1, 1, 1]]
    assert [list(p) for p in pack([], 3, lambda n: n, most=6)] == [[]]


def test_file_names_from_document_names_are_safe() -> None:
    for name in ("../../etc/passwd", "a/b\\c.pdf", "<script>.pdf", "Ünïcødé report.docx", "", "." * 300):
        made = safe_name(name)
        assert re.fullmatch(r"[a-z0-9-]{1,48}-[0-9a-f]{10}\.html", made), made
    assert safe_name("A B.pdf") != safe_name("a-b.pdf")  # same slug, different hash


def test_merged_cells_keep_their_spans_and_every_position_has_an_anchor() -> None:
    cells = [
        {"row_index": 0, "col_index": 0, "row_span": 1, "col_span": 3, "text": "2018/19"},
        {"row_index": 1, "col_index": 0, "row_span": 2, "col_span": 1, "text": "Measure"},
        {"row_index": 1, "col_index": 1, "row_span": 1, "col_span": 1, "text": "Q1"},
        {"row_index": 2, "col_index": 2, "row_span": 1, "col_span": 1, "text": "9%"},
    ]
    grid = build_grid(1, cells, header_rows=1)
    assert [[(c["text"], c["rowspan"], c["colspan"]) for c in row] for row in grid.rows] == [
        [("2018/19", 1, 3)], [("Measure", 2, 1), ("Q1", 1, 1), ("", 1, 1)], [("", 1, 1), ("9%", 1, 1)]]
    assert grid.rows[0][0]["aliases"] == ["c-1-0-1", "c-1-0-2"] and grid.rows[1][0]["aliases"] == ["c-1-2-0"]
    around = context_grid(grid, 2, 2, header_rows=1)
    assert [[(c["text"], c["hit"]) for c in row] for row in around] == [
        [("2018/19", False), ("2018/19", False), ("2018/19", False)],
        [("Measure", False), ("Q1", False), ("", False)],
        [("Measure", False), ("", False), ("9%", True)]]


def test_chart_puts_series_target_and_bands_inside_the_plot() -> None:
    points = [Point(date(2018, 6, 30), 80.0, "Q1"), Point(date(2018, 3, 31), 70.0, "Q4"),
              Point(date(2018, 9, 30), 90.0, "Q2")]
    bands = [Band("Red", None, 75.0), Band("Amber", 75.0, 85.0), Band("Green", 85.0, None)]
    chart = series_chart(points, "percent", target=85.0, bands=bands)
    assert chart is not None
    x0, y0, w, h = chart.plot
    xs = [x for x, _, _ in chart.dots]
    ys = [y for _, y, _ in chart.dots]
    assert xs == sorted(xs) and xs[0] == x0 and xs[-1] == x0 + w  # sorted by date, first and last at the edges
    assert ys[0] > ys[1] > ys[2]  # 70 below 80 below 90 (SVG y grows downwards)
    assert all(y0 <= y <= y0 + h for y in ys)
    assert chart.target is not None and ys[2] < chart.target[0] < ys[1] and chart.target[1] == "target 85%"
    assert [cls for _, _, cls, _ in chart.bands] == ["band-red", "band-amber", "band-green"]
    assert [label for _, label, _ in chart.x_ticks] == ["Q4", "Q1", "Q2"]
    assert chart.dots[0][2] == "Q4: 70%"
    assert series_chart([], "") is None
