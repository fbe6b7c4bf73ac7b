"""The review site in a real browser: Debian's headless Chromium driven by Playwright.

The bundled samples (plus one generated report with cells no reader could trust, so that quarantine has
figures from a PDF and from Word) are ingested into a fresh warehouse, the site is built and opened from
file://. The test follows a quarantined figure from its document to the picture of its cell (the image must
have loaded), finds a RAG disagreement and a revision, and records every console message and every request:
no console errors, nothing fetched from anywhere but file:// (or, for --serve, the local server).

Playwright only drives /usr/bin/chromium (`playwright install` is never run); scripts/setup.sh installs
Debian's `chromium` where it is missing. Screenshots are kept in tests/artifacts/ (git-ignored).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow  # real servers, OCR, LibreOffice, a browser or a wheel build: see README

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"
# No network, no sync, no updates: the browser itself must not make requests the test would count.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'


def _hostile_reports(folder: Path) -> list[Path]:
    """A generated grid report (PDF and Word) with a `<script>` cell and an `"><img onerror>` cell: both
    are quarantined, so the site has quarantined figures with a crop (PDF) and with the table around (Word)."""
    from samples.generate import random_report
    from samples.pdf_render import write_pdf
    from samples.word_render import write_docx

    model = random_report(7, "contract", n_measures=6)
    model.measures[0].values[1] = SCRIPT
    model.measures[1].values[2] = IMG
    folder.mkdir(parents=True, exist_ok=True)
    return [write_pdf(model, folder / "hostile.pdf"), write_docx(model, folder / "hostile.docx")]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from scorecards.flows.pipeline import ingest_files
    from scorecards.warehouse.review import build_site

    tmp = tmp_path_factory.mktemp("review-browser")
    location = str(tmp / "warehouse.duckdb")
    files = [*sorted((ROOT / "samples" / "reports").glob("*.*")), *_hostile_reports(tmp / "in")]
    summary = ingest_files(files, location, progress=False)
    assert summary.count("failed") == 0, [o.reason for o in summary.outcomes if o.status == "failed"]
    report = build_site(location, tmp / "site")
    assert report.counts["quarantined"] >= 4 and report.counts["rag_disagreements"] >= 1, report.counts
    assert report.counts["revised_figures"] >= 1, report.counts
    return {"warehouse": location, "out": tmp / "site", "report": report, "tmp": tmp}


class _Recorder:
    """Every request and every console message or page error of a browser context."""

    def __init__(self, context: Any) -> None:
        self.requests: list[str] = []
        self.errors: list[str] = []
        context.on("request", lambda request: self.requests.append(request.url))
        context.on("console", lambda msg: msg.type == "error" and self.errors.append(
            f"console {msg.type}: {msg.text} at {msg.location}"))
        context.on("weberror", lambda error: self.errors.append(f"page error: {error.error}"))


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[tuple[Any, _Recorder]]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # A fresh profile per test: nothing cached, nothing remembered between runs.
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
        )
        recorder = _Recorder(context)
        try:
            yield context, recorder
        finally:
            context.close()


def _loaded(page: Any, selector: str) -> dict[str, Any]:
    return page.eval_on_selector(selector, "img => ({complete: img.complete, width: img.naturalWidth, src: img.src})")


def test_the_site_from_file_follows_a_figure_to_its_picture_and_finds_disagreements_and_revisions(
        site: dict[str, Any], browser: tuple[Any, _Recorder]) -> None:
    context, recorder = browser
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = context.new_page()
    page.goto((site["out"] / "index.html").as_uri())
    assert page.title() == "Overview · scorecards review"
    assert "figures quarantined" in page.inner_text(".tiles")
    assert page.locator("text=Expectation suites, per run").count() == 1
    page.screenshot(path=str(ARTIFACTS / "review-overview.png"), full_page=True)

    # Overview -> documents -> the PDF with untrusted cells -> its quarantined figure -> the picture of its cell.
    page.click("nav >> text=Documents")
    page.click("a:text-is('hostile.pdf')")
    assert page.locator("table.grid").count() >= 1
    first_cell_link = page.locator("a.cell").first
    target = first_cell_link.get_attribute("href")
    first_cell_link.click()
    assert page.url.endswith(target) and page.locator(f"[id='{target[1:]}']").count() == 1
    held = page.locator("#quarantined ~ table tr", has_text=SCRIPT)
    assert held.count() == 1  # the hostile text is shown as text
    held.locator("a.to-quarantine").click()
    assert "/quarantine/" in page.url and "#q" in page.url
    anchor = page.url.rsplit("#", 1)[1]
    article = page.locator(f"article#{anchor}")
    assert SCRIPT in article.inner_text()
    page.wait_for_load_state("load")
    image = _loaded(page, f"article#{anchor} img.crop")
    assert image["complete"] and image["width"] > 0, image
    assert image["src"].startswith("file://")
    article.screenshot(path=str(ARTIFACTS / "review-quarantined-figure.png"))
    page.screenshot(path=str(ARTIFACTS / "review-quarantine.png"), full_page=True)
    # Every picture on the page loaded, and the Word rows show the table around their cell instead.
    widths = page.eval_on_selector_all("img.crop", "imgs => imgs.map(i => i.complete && i.naturalWidth)")
    assert widths and all(widths), widths
    assert page.locator("article:has-text('hostile.docx') table.context td.hit").count() >= 1
    # The hostile cells are text, not markup: no element came from them.
    assert page.locator("script").count() == 0 and page.locator("img[onerror]").count() == 0

    # A RAG disagreement, with both sides.
    page.click("nav >> text=RAG checks")
    rows = page.locator("tr.disagreement")
    assert rows.count() >= 1
    reported = rows.first.locator("td.reported").inner_text().strip()
    recomputed = rows.first.locator("td.recomputed").inner_text().strip()
    assert reported and recomputed and reported != recomputed, (reported, recomputed)
    page.screenshot(path=str(ARTIFACTS / "review-rag.png"), full_page=True)

    # A revision: one figure, two reports, two values, each with its source.
    page.click("nav >> text=Revisions")
    revision = page.locator("section.revision").first
    versions = revision.locator("tbody tr")
    assert versions.count() >= 2
    values = {versions.nth(i).locator("td").nth(1).inner_text() for i in range(versions.count())}
    sources = {versions.nth(i).locator("td").nth(4).inner_text() for i in range(versions.count())}
    assert len(values) >= 2 and len(sources) >= 2, (values, sources)
    assert revision.locator("tr.latest").count() == 1
    page.screenshot(path=str(ARTIFACTS / "review-revisions.png"), full_page=True)

    # A measure's chart.
    page.click("nav >> text=Measures")
    page.locator("table.list a").first.click()
    assert page.locator("svg.chart polyline.series").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "review-measure.png"), full_page=True)

    assert recorder.errors == []
    outside = [url for url in recorder.requests if not url.startswith("file://")]
    assert outside == [], outside
    assert len(recorder.requests) > 10


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_review_serve_serves_the_site_on_localhost_only(site: dict[str, Any], browser: tuple[Any, _Recorder]) -> None:
    context, recorder = browser
    port = _free_port()
    out = site["tmp"] / "served"
    command = [sys.executable, "-m", "scorecards.flows.cli", "review", "--warehouse", site["warehouse"],
               "--out", str(out), "--serve", "--port", str(port)]
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        lines = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = server.stdout.readline() if server.stdout else ""
            if not line and server.poll() is not None:
                break
            lines.append(line)
            if line.startswith("serving"):
                break
        assert any(re.search(rf"http://127\.0\.0\.1:{port}/", line) for line in lines), lines
        page = context.new_page()
        base = f"http://127.0.0.1:{port}/"
        page.goto(base)
        assert page.title() == "Overview · scorecards review"
        page.click("nav >> text=Quarantine")
        page.wait_for_load_state("load")
        widths = page.eval_on_selector_all("img.crop", "imgs => imgs.map(i => i.complete && i.naturalWidth)")
        assert widths and all(widths), widths
        assert recorder.errors == []
        outside = [url for url in recorder.requests if not url.startswith(base)]
        assert outside == [], outside
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
