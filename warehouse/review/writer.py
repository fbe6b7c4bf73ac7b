"""Writes the review site's files: the output folder it claims, the static assets, and every page rendered
from the Jinja templates (with the site's formatting filters and navigation), tallied for the BuildReport."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import jinja2
from scorecards.warehouse.review.paging import PER_PAGE, page_file, pager, pages_of

HERE = Path(__file__).parent
SECTIONS = (
    ("index.html", "Overview"), ("documents/index.html", "Documents"), ("quarantine/index.html", "Quarantine"),
    ("rag/index.html", "RAG checks"), ("revisions/index.html", "Revisions"), ("measures/index.html", "Measures"),
    ("corrections/index.html", "Corrections"), ("failures/index.html", "Failures"),
)
MARKER = ".scorecards-review"
SITE_FOLDERS = ("documents", "quarantine", "rag", "revisions", "measures", "corrections", "failures", "static")


@dataclass
class BuildReport:
    """What a build wrote, for the CLI's summary and the benchmark."""

    out: Path
    pages: int = 0
    images: int = 0
    bytes_written: int = 0
    largest_page: str = ""
    largest_page_bytes: int = 0
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    missing_views: list[str] = field(default_factory=list)

    @property
    def index(self) -> Path:
        return self.out / "index.html"


def _environment() -> jinja2.Environment:
    # autoescape=True for every template whatever its name (*.html.j2 would not match select_autoescape).
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True,
    )
    env.filters["num"] = _number
    env.filters["when"] = _when
    env.filters["pct"] = lambda part, whole: f"{100.0 * part / whole:.1f}%" if whole else "–"
    return env


def _number(value: Any, unit: str = "") -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = f"{value:,.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else f"{value:,}"
    return f"{text}%" if unit == "percent" else text


def _when(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


class Site:
    """Renders templates into the output folder and keeps the tally for the BuildReport."""

    def __init__(self, out: Path, report: BuildReport, missing: list[str]) -> None:
        self.out = out
        self.report = report
        self.env = _environment()
        self.missing = missing

    def page(self, rel: str, template: str, **context: Any) -> None:
        depth = rel.count("/")
        root = "../" * depth
        html = self.env.get_template(template).render(
            root=root, sections=SECTIONS, here=rel, missing=self.missing, **context
        )
        data = html.encode("utf-8")
        target = self.out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.report.pages += 1
        self.report.bytes_written += len(data)
        if len(data) > self.report.largest_page_bytes:
            self.report.largest_page_bytes, self.report.largest_page = len(data), rel

    def paginated(self, folder: str, template: str, items: Sequence[Any], per_page: int = PER_PAGE,
                  chunks: list[Sequence[Any]] | None = None, **context: Any) -> None:
        """One page per `per_page` items (or per given chunk), linked by a pager."""
        chunks = chunks if chunks is not None else [chunk for _, _, chunk, _ in pages_of(items, per_page)]
        for number, chunk in enumerate(chunks, start=1):
            self.page(f"{folder}/{page_file(number)}", template, items=chunk, paging=pager(number, len(chunks)),
                      total_items=len(items), **context)


def claim(out: Path) -> None:
    """Make `out` the site's folder. A rebuild clears only the site's own folders, and only in a folder an
    earlier build marked: pointing --out at a folder of other files is refused, never emptied."""
    if out.exists() and any(out.iterdir()) and not (out / MARKER).exists():
        raise FileExistsError(f"{out} is not empty and holds no review site: choose a new or empty folder")
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("written by `scorecards review`; the folders here are replaced on each build\n")


def copy_static(out: Path) -> None:
    static = out / "static"
    static.mkdir(parents=True, exist_ok=True)
    for source in (HERE / "static").iterdir():
        if source.is_file():
            shutil.copyfile(source, static / source.name)
