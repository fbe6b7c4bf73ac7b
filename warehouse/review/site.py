"""The review site: a static HTML site from the warehouse that opens offline from file://.

    build_site("warehouse.duckdb", Path("review"))  ->  review/index.html and the pages it links

Why static files: a reviewer must be able to open the site from a shared drive or an email
attachment, with no server and no network (Great Expectations' Data Docs load CDN assets and do
not render offline). So: Jinja2 templates with autoescape on for every template (everything
that comes from a document is text, `<script>` in a cell shows as `<script>`), one local CSS
file, no JavaScript, inline SVG charts, crops as PNG files beside the pages, and file names
derived from document names by slug + hash so no name can escape the output folder.

Pages (every list is paginated so no page grows with the warehouse):
    index.html                      overview: documents, failures, quarantine by reason, suites per run, runs
    documents/index.html, page-N    documents; documents/<slug>.html: tables as read, figures linked to cells
    quarantine/index.html, page-N   each row with reason, raw text and the picture of its cell (img/<hash>.png)
    rag/index.html, page-N          report's RAG against the recomputed one: disagreements
    revisions/index.html, page-N    the same figure reported with different values by different reports
    measures/index.html, page-N     measures; measures/<slug>.html: series charts with target and bands
    corrections/index.html, page-N  reviewers' corrections and their state
    failures/index.html, page-N     files that could not be read
"""

from __future__ import annotations

import hashlib
import http.server
import re
import shutil
import time
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any

import jinja2
from scorecards.warehouse import open_warehouse
from scorecards.warehouse.review.chart import Band, Point, band_class, band_text, series_chart
from scorecards.warehouse.store import SCHEMA_VERSION, Warehouse

HERE = Path(__file__).parent
# One total order for quarantine rows, so a page's crops can be read back by LIMIT/OFFSET (views have no rowid);
# rows equal on all of these are the same cell, so whichever comes first, the picture is the same.
QUARANTINE_ORDER = ("source_file, page, table_index, row_index, col_index, breakdown, period_label, reason, "
                    "raw_text, measure_label")
PER_PAGE = 100
# Views made by issue #8's warehouse work; an older warehouse file without them still gets a site,
# with the section saying what is missing instead of failing.
OPTIONAL_VIEWS = ("cells", "tables", "validations", "rag_checks", "revisions", "latest_observations", "corrections")
SECTIONS = (
    ("index.html", "Overview"), ("documents/index.html", "Documents"), ("quarantine/index.html", "Quarantine"),
    ("rag/index.html", "RAG checks"), ("revisions/index.html", "Revisions"), ("measures/index.html", "Measures"),
    ("corrections/index.html", "Corrections"), ("failures/index.html", "Failures"),
)


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


def safe_name(text: str, suffix: str = ".html") -> str:
    """A file name for any text: a readable ASCII slug plus a hash, so names never collide or escape."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:48] or "x"
    return f"{slug}-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:10]}{suffix}"


def cell_anchor(table_index: Any, row: Any, col: Any) -> str:
    return f"c-{table_index}-{row}-{col}"


def pages_of(items: Sequence[Any], per_page: int = PER_PAGE) -> Iterator[tuple[int, int, Sequence[Any], str]]:
    """(number, total, slice, file name) for each page of a list; an empty list still has page 1."""
    total = max(1, -(-len(items) // per_page))
    for number in range(1, total + 1):
        yield number, total, items[(number - 1) * per_page:number * per_page], page_file(number)


def pack(items: Sequence[Any], per_page: int, size: Any, most: int) -> list[Sequence[Any]]:
    """Pages of at most `per_page` items and, where items differ in size (a revised figure with twenty
    versions), of at most `most` in total size; an item bigger than that alone still gets its own page."""
    pages: list[Sequence[Any]] = []
    current: list[Any] = []
    weight = 0
    for item in items:
        if current and (len(current) >= per_page or weight + size(item) > most):
            pages.append(current)
            current, weight = [], 0
        current.append(item)
        weight += size(item)
    return [*pages, current] if current or not pages else pages


def page_file(number: int) -> str:
    return "index.html" if number == 1 else f"page-{number}.html"


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


class _Reader:
    """Queries against one warehouse connection, as lists of dicts (or streamed per source file)."""

    def __init__(self, wh: Warehouse) -> None:
        self.wh = wh
        self.con = wh.con
        self.relations = wh.relations()

    def has(self, name: str) -> bool:
        return name in self.relations

    @property
    def figures(self) -> str:
        """Figures as they stand after reviewers' corrections, with lineage (the base table on older files)."""
        return "observation_detail" if self.has("observation_detail") else "observation_facts"

    @property
    def held(self) -> str:
        """Quarantine rows still waiting for a decision, with crops and lineage."""
        return "quarantine_detail" if self.has("quarantine_detail") else "quarantine_facts"

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cursor = self.con.execute(sql, list(params))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def columns(self, name: str) -> set[str]:
        return set(self.wh.columns(name))

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.con.execute(sql, list(params)).fetchone()
        return row[0] if row else None

    def by_file(self, sql: str) -> _ByFile:
        """Rows of a query ordered by source_file, handed out one document at a time (see _ByFile)."""
        return _ByFile(self.con.cursor().execute(sql))


class _ByFile:
    """Walks a query ordered by source_file alongside the documents, holding one document's rows at a time.

    Why: 1,000 documents of cells and figures do not need to sit in memory at once, and one ordered
    scan is far cheaper than a query per document."""

    def __init__(self, cursor: Any) -> None:
        self.cursor = cursor
        self.names = [d[0] for d in cursor.description]
        self.key = self.names.index("source_file")
        self.batch: list[tuple[Any, ...]] = []
        self.pos = 0

    def _head(self) -> tuple[Any, ...] | None:
        if self.pos >= len(self.batch):
            self.batch, self.pos = self.cursor.fetchmany(5000), 0
            if not self.batch:
                return None
        return self.batch[self.pos]

    def take(self, source_file: str) -> list[dict[str, Any]]:
        taken = []
        while (row := self._head()) is not None and row[self.key] <= source_file:
            if row[self.key] == source_file:
                taken.append(dict(zip(self.names, row, strict=True)))
            self.pos += 1
        return taken


@dataclass
class _Grid:
    """One table as read: rows of cells to draw, and which drawn cell covers each grid position."""

    rows: list[list[dict[str, Any]]]
    owner: dict[tuple[int, int], dict[str, Any]]
    n_rows: int
    n_cols: int


def build_grid(table_index: Any, cells: Iterable[dict[str, Any]], header_rows: int = 0) -> _Grid:
    """Cells (row_index, col_index, row_span, col_span, text) as rows of <td>s with merged spans.

    A position covered by an earlier cell's span is skipped; a position no cell covers is drawn empty,
    so columns stay aligned whatever the extractor recorded."""
    placed: dict[tuple[int, int], dict[str, Any]] = {}
    owner: dict[tuple[int, int], dict[str, Any]] = {}
    for cell in sorted(cells, key=lambda c: (c["row_index"], c["col_index"])):
        r, c = int(cell["row_index"]), int(cell["col_index"])
        if (r, c) in owner:
            continue  # a copy of a merged cell's text at a position its span already covers
        drawn = {
            "text": cell.get("text") or "", "rowspan": max(1, int(cell.get("row_span") or 1)),
            "colspan": max(1, int(cell.get("col_span") or 1)), "id": cell_anchor(table_index, r, c),
            "header": r < header_rows,
        }
        placed[(r, c)] = drawn
        drawn["aliases"] = []  # positions under a merged cell still get an anchor, inside the merged cell
        for dr in range(drawn["rowspan"]):
            for dc in range(drawn["colspan"]):
                if (r + dr, c + dc) not in owner:
                    owner[(r + dr, c + dc)] = drawn
                    if dr or dc:
                        drawn["aliases"].append(cell_anchor(table_index, r + dr, c + dc))
    n_rows = max((r + 1 for r, _ in owner), default=0)
    n_cols = max((c + 1 for _, c in owner), default=0)
    rows = []
    for r in range(n_rows):
        row = []
        for c in range(n_cols):
            if (r, c) in placed:
                row.append(placed[(r, c)])
            elif (r, c) not in owner:
                row.append({"text": "", "rowspan": 1, "colspan": 1, "id": cell_anchor(table_index, r, c),
                            "header": r < header_rows, "aliases": []})
        rows.append(row)
    return _Grid(rows, owner, n_rows, n_cols)


def context_grid(grid: _Grid, row: int, col: int, header_rows: int) -> list[list[dict[str, Any]]]:
    """The table around one cell (its header rows, the rows beside it, the label column and nearby columns),
    every position drawn as its own <td> with the cell's own area highlighted: the picture of a Word cell."""
    hit = grid.owner.get((row, col))
    rows = sorted({*range(min(header_rows, grid.n_rows)), *range(max(0, row - 1), min(grid.n_rows, row + 2))})
    cols = sorted({0, *range(max(0, col - 2), min(grid.n_cols, col + 3))})
    drawn = []
    for r in rows:
        line = []
        for c in cols:
            cell = grid.owner.get((r, c))
            line.append({"text": cell["text"] if cell else "", "hit": cell is not None and cell is hit,
                         "header": r < header_rows})
        drawn.append(line)
    return drawn


class _Crops:
    """PNG crops for quarantine rows, written once per distinct picture under quarantine/img/.

    The crop comes from quarantine_facts.crop_png (OCR'd and text PDFs fill it at ingest); for rows
    loaded before crops were stored, a PDF whose file is still where it was read is rendered here."""

    SCALE = 2.0  # 144 dpi: small print stays legible

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.written: set[str] = set()
        self._pdfs: dict[str, Any] = {}

    def save(self, png: bytes) -> str:
        name = hashlib.sha256(png).hexdigest()[:20] + ".png"
        if name not in self.written:
            self.folder.mkdir(parents=True, exist_ok=True)
            (self.folder / name).write_bytes(png)
            self.written.add(name)
        return name

    def render(self, source_path: str | None, page: Any, bbox: tuple[Any, ...]) -> bytes | None:
        if not source_path or page is None or any(v is None for v in bbox):
            return None
        path = Path(source_path)
        if path.suffix.lower() != ".pdf" or not path.is_file():
            return None
        try:
            import io

            import pypdfium2 as pdfium

            if source_path not in self._pdfs:
                self._pdfs[source_path] = pdfium.PdfDocument(str(path))
            pdf_page = self._pdfs[source_path][int(page) - 1]
            x0, top, x1, bottom = (float(v) for v in bbox)
            _, height = pdf_page.get_size()
            pad = 3.0
            # pdfium crops in points from each edge, with the origin bottom-left.
            crop = (max(0.0, x0 - pad), max(0.0, height - bottom - pad),
                    max(0.0, pdf_page.get_width() - x1 - pad), max(0.0, top - pad))
            image = pdf_page.render(scale=self.SCALE, crop=crop).to_pil()
            buffer = io.BytesIO()
            image.save(buffer, format="PNG")
            return buffer.getvalue()
        except Exception:  # a moved, changed or odd file: the row is shown without a picture
            return None

    def close(self) -> None:
        for pdf in self._pdfs.values():
            pdf.close()


class _Site:
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
            self.page(f"{folder}/{page_file(number)}", template, items=chunk, paging=_pager(number, len(chunks)),
                      total_items=len(items), **context)


def _pager(number: int, total: int) -> dict[str, Any]:
    """Links to the first, last and nearby pages: a thousand pages must not mean a thousand links."""
    shown = sorted({1, total, *range(max(1, number - 3), min(total, number + 3) + 1)})
    return {"number": number, "total": total, "pages": [(n, page_file(n)) for n in shown],
            "prev": page_file(number - 1) if number > 1 else None,
            "next": page_file(number + 1) if number < total else None}


def _open(warehouse_location: str) -> Any:
    """Read-only, unless the file predates this schema: then open it once to bring its views up to date."""
    wh = open_warehouse(warehouse_location, read_only=True)
    try:
        stale = [tuple(r) for r in wh.con.execute(
            "SELECT value FROM scorecards_meta WHERE key = 'schema_version'").fetchall()] != [(SCHEMA_VERSION,)]
    except Exception:  # no meta table: a file never opened for writing by this version
        stale = True
    if stale:
        wh.close()
        open_warehouse(warehouse_location).close()
        wh = open_warehouse(warehouse_location, read_only=True)
    return wh


def build_site(warehouse_location: str, out: Path, per_page: int = PER_PAGE) -> BuildReport:
    """Write the review site for a warehouse into `out` (replacing what an earlier build wrote there)."""
    started = time.perf_counter()
    out = Path(out)
    report = BuildReport(out=out)
    with _open(warehouse_location) as wh:
        reader = _Reader(wh)
        missing = [v for v in OPTIONAL_VIEWS if not reader.has(v)]
        report.missing_views = missing
        _claim(out)
        for folder in SITE_FOLDERS:
            shutil.rmtree(out / folder, ignore_errors=True)
        site = _Site(out, report, missing)
        _static(out)
        documents = reader.rows(
            f"""
            WITH o AS (SELECT source_file, count(*) AS n FROM {reader.figures} GROUP BY source_file),
                 q AS (SELECT source_file, count(*) AS n FROM {reader.held} GROUP BY source_file)
            SELECT d.source_file, d.source_sha256, d.title, d.organisation, d.report_period_label,
                   d.report_period_end, d.pages, d.tables, d.layouts, d.loaded_at, f.kind, f.source_path,
                   coalesce(o.n, 0) AS observations, coalesce(q.n, 0) AS quarantined
            FROM documents d JOIN document_facts f USING (source_file)
            LEFT JOIN o USING (source_file) LEFT JOIN q USING (source_file)
            ORDER BY d.source_file
            """
        )
        doc_pages = {d["source_file"]: "documents/" + safe_name(d["source_file"]) for d in documents}
        for d in documents:
            d["href"] = doc_pages[d["source_file"]]
        quarantine = _quarantine_rows(reader, doc_pages, per_page)
        counts = _write_documents(site, reader, documents, quarantine, per_page)
        counts.update(_write_quarantine(site, reader, quarantine, documents, per_page))
        counts.update(_write_rag(site, reader, doc_pages, per_page))
        counts.update(_write_revisions(site, reader, doc_pages, per_page))
        counts.update(_write_measures(site, reader, doc_pages, per_page))
        counts.update(_write_corrections(site, reader, doc_pages, per_page))
        failures = reader.rows("SELECT source_file, source_sha256, reason, tried_at FROM failures ORDER BY source_file")
        site.paginated("failures", "failures.html.j2", failures, per_page, title="Failures")
        counts["failures"] = len(failures)
        _write_overview(site, reader, counts)
    report.counts = counts
    report.seconds = time.perf_counter() - started
    return report


MARKER = ".scorecards-review"
SITE_FOLDERS = ("documents", "quarantine", "rag", "revisions", "measures", "corrections", "failures", "static")


def _claim(out: Path) -> None:
    """Make `out` the site's folder. A rebuild clears only the site's own folders, and only in a folder an
    earlier build marked: pointing --out at a folder of other files is refused, never emptied."""
    if out.exists() and any(out.iterdir()) and not (out / MARKER).exists():
        raise FileExistsError(f"{out} is not empty and holds no review site: choose a new or empty folder")
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("written by `scorecards review`; the folders here are replaced on each build\n")


def _static(out: Path) -> None:
    static = out / "static"
    static.mkdir(parents=True, exist_ok=True)
    for source in (HERE / "static").iterdir():
        if source.is_file():
            shutil.copyfile(source, static / source.name)


def _quarantine_rows(reader: _Reader, doc_pages: dict[str, str], per_page: int) -> list[dict[str, Any]]:
    """Every quarantine row in page order, each knowing its quarantine page and anchor (crops are read later)."""
    rows = reader.rows(
        f"SELECT source_file, page, measure_label, breakdown, period_label, raw_text, reason, table_index, row_index, "
        f"col_index FROM {reader.held} ORDER BY {QUARANTINE_ORDER}"
    )
    for number, row in enumerate(rows):
        row["anchor"] = f"q{number + 1}"
        row["href"] = f"quarantine/{page_file(number // per_page + 1)}#{row['anchor']}"
        row["doc_href"] = _doc_link(doc_pages, row)  # narrowed to the drawn cell when the document is written
    return rows


def _write_documents(site: _Site, reader: _Reader, documents: list[dict[str, Any]],
                     quarantine: list[dict[str, Any]], per_page: int) -> dict[str, int]:
    site.paginated("documents", "documents.html.j2", documents, per_page, title="Documents")
    held: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in quarantine:
        held[row["source_file"]].append(row)
    has_tables, has_cells = reader.has("tables"), reader.has("cells")
    tables = reader.by_file(
        "SELECT source_file, table_index, page, engine, layout, reason, header_rows, quality FROM tables "
        "ORDER BY source_file, table_index" if has_tables else
        "SELECT NULL::TEXT AS source_file WHERE false")
    cells = reader.by_file(
        "SELECT source_file, table_index, row_index, col_index, row_span, col_span, text FROM cells "
        "ORDER BY source_file, table_index, row_index, col_index" if has_cells else
        "SELECT NULL::TEXT AS source_file WHERE false")
    corrected = "corrected" if reader.figures == "observation_detail" else "FALSE"
    figures = reader.by_file(
        f"""
        SELECT source_file, measure_label, breakdown, period_label, value, unit, status, reported_rag, raw_text,
               page, table_index, row_index, col_index, {corrected} AS corrected
        FROM {reader.figures} ORDER BY source_file, table_index, row_index, col_index, breakdown, period_label
        """
    )
    for doc in documents:
        name = doc["source_file"]
        doc_tables = tables.take(name)
        by_table: dict[Any, list[dict[str, Any]]] = defaultdict(list)
        for cell in cells.take(name):
            by_table[cell["table_index"]].append(cell)
        owners: dict[Any, _Grid] = {}
        for table in doc_tables:
            grid = build_grid(table["table_index"], by_table.get(table["table_index"], []),
                              int(table["header_rows"] or 0))
            owners[table["table_index"]] = grid
            table["grid"] = grid.rows
        observations = figures.take(name)
        for row in observations:
            row["cell"] = _owner_anchor(owners, row)
        for row in held.get(name, []):
            row["cell"] = _owner_anchor(owners, row)
            if row["cell"]:
                row["doc_href"] = f"{doc['href']}#{row['cell']}"
        site.page(doc["href"], "document.html.j2", title=name, doc=doc, tables=doc_tables,
                  observations=observations, quarantine=held.get(name, []), has_tables=has_tables,
                  has_cells=has_cells)
    return {"documents": len(documents)}


def _owner_anchor(owners: dict[Any, _Grid], row: dict[str, Any]) -> str | None:
    """The anchor of the drawn cell holding a figure; a figure inside a merged cell links to the merged cell."""
    if row.get("table_index") is None or row.get("row_index") is None or row.get("col_index") is None:
        return None
    grid = owners.get(row["table_index"])
    if grid is None:
        return None
    cell = grid.owner.get((int(row["row_index"]), int(row["col_index"])))
    return cell["id"] if cell else None


def _write_quarantine(site: _Site, reader: _Reader, quarantine: list[dict[str, Any]],
                      documents: list[dict[str, Any]], per_page: int) -> dict[str, int]:
    paths = {d["source_file"]: d["source_path"] for d in documents}
    header_rows = {}
    if reader.has("tables"):
        header_rows = {(t["source_file"], t["table_index"]): int(t["header_rows"] or 0) for t in reader.rows(
            "SELECT source_file, table_index, header_rows FROM tables")}
    crops = _Crops(site.out / "quarantine" / "img")
    try:
        for number, total, chunk, name in pages_of(quarantine, per_page):
            _attach_pictures(reader, chunk, (number - 1) * per_page, crops, paths, header_rows)
            site.page(f"quarantine/{name}", "quarantine.html.j2", title="Quarantine", items=chunk,
                      paging=_pager(number, total), total_items=len(quarantine))
            for row in chunk:  # pictures of this page are written; do not keep them
                row.pop("context", None)
    finally:
        crops.close()
    site.report.images = len(crops.written)
    return {"quarantined": len(quarantine), "crops": len(crops.written)}


def _attach_pictures(reader: _Reader, chunk: Sequence[dict[str, Any]], offset: int, crops: _Crops,
                     paths: dict[str, str], header_rows: dict[tuple[Any, Any], int]) -> None:
    """For one page of quarantine rows: the crop PNG file name, else the table around the cell from `cells`."""
    if not chunk:
        return
    stored = reader.rows(
        f"SELECT crop_png, bbox_x0, bbox_top, bbox_x1, bbox_bottom FROM {reader.held} ORDER BY {QUARANTINE_ORDER} "
        f"LIMIT ? OFFSET ?", [len(chunk), offset])
    need_cells = set()
    for row, found in zip(chunk, stored, strict=True):
        png = found.get("crop_png") or crops.render(
            paths.get(row["source_file"]), row["page"],
            (found.get("bbox_x0"), found.get("bbox_top"), found.get("bbox_x1"), found.get("bbox_bottom")))
        row["image"] = "img/" + crops.save(bytes(png)) if png else None
        row["context"] = None
        if not png and row["table_index"] is not None and row["row_index"] is not None:
            need_cells.add((row["source_file"], row["table_index"]))
    if not need_cells or not reader.has("cells"):
        return
    files = sorted({f for f, _ in need_cells})
    cells: dict[tuple[Any, Any], list[dict[str, Any]]] = defaultdict(list)
    for cell in reader.rows(
        f"SELECT source_file, table_index, row_index, col_index, row_span, col_span, text FROM cells "
        f"WHERE source_file IN ({','.join('?' * len(files))})", files):
        if (cell["source_file"], cell["table_index"]) in need_cells:
            cells[(cell["source_file"], cell["table_index"])].append(cell)
    grids: dict[tuple[Any, Any], _Grid] = {}
    for row in chunk:
        key = (row["source_file"], row["table_index"])
        if row["image"] or key not in cells:
            continue
        if key not in grids:
            grids[key] = build_grid(row["table_index"], cells[key], header_rows.get(key, 0))
        row["context"] = context_grid(grids[key], int(row["row_index"]), int(row["col_index"]),
                                      header_rows.get(key, 0))


def _write_rag(site: _Site, reader: _Reader, doc_pages: dict[str, str], per_page: int) -> dict[str, int]:
    if not reader.has("rag_checks"):
        site.paginated("rag", "rag.html.j2", [], per_page, title="RAG checks", summary=None, bases=[])
        return {"rag_checks": 0, "rag_disagreements": 0}
    summary = reader.rows(
        """
        SELECT count(*) AS checks, count(*) FILTER (WHERE agrees) AS agree,
               count(*) FILTER (WHERE NOT agrees) AS disagree, count(*) FILTER (WHERE agrees IS NULL) AS unknown
        FROM rag_checks
        """
    )[0]
    bases = reader.rows(
        "SELECT basis, count(*) AS checks, count(*) FILTER (WHERE NOT agrees) AS disagree FROM rag_checks "
        "GROUP BY basis ORDER BY checks DESC, basis")
    # What the report states: the RAG in the figure's cell, else the one its measure's position text gives
    # (the view's stated_rag, where the warehouse has it).
    stated = "coalesce(nullif(reported_rag, ''), stated_rag)" if "stated_rag" in reader.columns("rag_checks") \
        else "reported_rag"
    disagreements = reader.rows(
        f"""
        SELECT source_file, page, table_index, row_index, col_index, measure_label, breakdown, period_label,
               value, unit, reported_rag, {stated} AS stated_rag, position_text, recomputed_rag, basis
        FROM rag_checks WHERE NOT agrees
        ORDER BY source_file, table_index, row_index, col_index, breakdown, period_label
        """
    )
    for row in disagreements:
        row["doc_href"] = _doc_link(doc_pages, row)
    site.paginated("rag", "rag.html.j2", disagreements, per_page, title="RAG checks", summary=summary,
                   bases=bases)
    return {"rag_checks": int(summary["checks"] or 0), "rag_disagreements": len(disagreements)}


def _doc_link(doc_pages: dict[str, str], row: dict[str, Any]) -> str | None:
    page = doc_pages.get(row["source_file"])
    if page and row.get("table_index") is not None and row.get("row_index") is not None:
        return f"{page}#{cell_anchor(row['table_index'], row['row_index'], row['col_index'])}"
    return page


def _write_revisions(site: _Site, reader: _Reader, doc_pages: dict[str, str], per_page: int) -> dict[str, int]:
    if not reader.has("revisions"):
        site.paginated("revisions", "revisions.html.j2", [], per_page, title="Revisions", latest=None)
        return {"revised_figures": 0}
    # Grouped here, not trusted to the view: a figure counts as revised when its reports disagree on
    # the value or the status.
    rows = reader.rows(
        """
        WITH figures AS (  -- a grouped join: PostgreSQL has no count(DISTINCT ...) OVER
            SELECT organisation, measure_label, breakdown, period_start, period_end,
                   count(DISTINCT coalesce(CAST(value AS TEXT), '') || '|' || coalesce(status, '')) AS versions
            FROM revisions GROUP BY organisation, measure_label, breakdown, period_start, period_end
        )
        SELECT r.organisation, r.measure_label, r.breakdown, r.period_label, r.period_start, r.period_end,
               r.source_file, r.page, r.value, r.status, r.report_period_end, r.loaded_at, r.revision, r.is_latest
        FROM revisions r JOIN figures f
          ON f.organisation IS NOT DISTINCT FROM r.organisation AND f.measure_label IS NOT DISTINCT FROM r.measure_label
         AND f.breakdown IS NOT DISTINCT FROM r.breakdown AND f.period_start IS NOT DISTINCT FROM r.period_start
         AND f.period_end IS NOT DISTINCT FROM r.period_end
        WHERE f.versions > 1
        ORDER BY measure_label, organisation, breakdown, period_start, period_end, revision, report_period_end,
                 source_file
        """
    )
    groups: list[dict[str, Any]] = []
    for row in rows:
        key = (row["organisation"], row["measure_label"], row["breakdown"], row["period_start"], row["period_end"])
        if not groups or groups[-1]["key"] != key:
            groups.append({"key": key, "organisation": row["organisation"], "measure_label": row["measure_label"],
                           "breakdown": row["breakdown"], "period_label": row["period_label"], "versions": []})
        row["doc_href"] = doc_pages.get(row["source_file"])
        groups[-1]["versions"].append(row)
    latest = None
    if reader.has("latest_observations"):
        latest = {"latest": reader.scalar("SELECT count(*) FROM latest_observations"),
                  "all": reader.scalar("SELECT count(*) FROM observations")}
    chunks = pack(groups, per_page, lambda g: len(g["versions"]), most=3 * per_page)
    site.paginated("revisions", "revisions.html.j2", groups, per_page, chunks=chunks, title="Revisions",
                   latest=latest)
    return {"revised_figures": len(groups)}


def _write_measures(site: _Site, reader: _Reader, doc_pages: dict[str, str], per_page: int) -> dict[str, int]:
    """One page per measure label: a chart per organisation and breakdown, with the latest report's target and
    bands. The series comes from latest_observations when present, so a revised figure is drawn once."""
    source = "latest_observations" if reader.has("latest_observations") else "observations"
    measures = reader.rows(
        f"""
        SELECT measure_label, count(*) AS figures, count(DISTINCT source_file) AS documents,
               count(DISTINCT organisation) AS organisations
        FROM {source} WHERE measure_label <> '' GROUP BY measure_label ORDER BY measure_label
        """
    )
    for m in measures:
        m["href"] = "measures/" + safe_name(m["measure_label"])
    site.paginated("measures", "measures.html.j2", measures, per_page, title="Measures")
    series = reader.by_file(  # "source_file" here is the measure label, so _ByFile can walk it
        f"""
        SELECT measure_label AS source_file, organisation, breakdown, period_label, period_end, value, unit
        FROM {source}
        WHERE measure_label <> '' AND status = 'reported' AND value IS NOT NULL AND period_end IS NOT NULL
        ORDER BY measure_label, organisation, breakdown, period_end
        """
    )
    # The target and bands of each measure in each organisation's latest report.
    settings = reader.by_file(
        """
        SELECT m.measure_label AS source_file, d.organisation, m.source_file AS document, m.target_value,
               m.target_text, m.polarity, d.report_period_end
        FROM measures m JOIN documents d USING (source_file)
        WHERE m.measure_label <> ''
        ORDER BY m.measure_label, d.organisation, d.report_period_end DESC NULLS LAST, d.loaded_at DESC
        """
    )
    bands: dict[tuple[str, str], list[Band]] = defaultdict(list)
    for row in reader.rows("SELECT source_file, measure_label, band, lower, upper FROM measure_bands "
                           "ORDER BY source_file, measure_label, coalesce(lower, -1e308)"):
        bands[(row["source_file"], row["measure_label"])].append(Band(row["band"] or "", row["lower"], row["upper"]))
    for m in measures:
        label = m["measure_label"]
        latest_setting: dict[str, dict[str, Any]] = {}
        for row in settings.take(label):
            latest_setting.setdefault(row["organisation"] or "", row)
        charts: dict[tuple[str, str], dict[str, Any]] = {}
        for row in series.take(label):
            key = (row["organisation"] or "", row["breakdown"] or "")
            if key not in charts:
                charts[key] = {"organisation": key[0], "breakdown": key[1], "unit": row["unit"] or "", "points": []}
            charts[key]["points"].append(Point(row["period_end"], float(row["value"]), row["period_label"] or ""))
        drawn = []
        for (organisation, _), chart in sorted(charts.items()):
            setting = latest_setting.get(organisation)
            target = setting["target_value"] if setting else None
            chart_bands = bands.get((setting["document"], label), []) if setting else []
            chart["svg"] = series_chart(chart["points"], chart["unit"], target, chart_bands)
            chart["setting"] = setting
            chart["setting_href"] = doc_pages.get(setting["document"]) if setting else None
            chart["bands"] = [(band_class(b.name), band_text(b)) for b in chart_bands]
            drawn.append(chart)
        site.page(m["href"], "measure.html.j2", title=label, measure=m, charts=drawn, source=source)
    return {"measures": len(measures)}


def _write_corrections(site: _Site, reader: _Reader, doc_pages: dict[str, str], per_page: int) -> dict[str, int]:
    rows: list[dict[str, Any]] = []
    if reader.has("corrections"):
        rows = reader.rows(
            "SELECT correction_id, source_file, source_sha256, table_index, row_index, col_index, breakdown, action, "
            'old_value, new_value, new_status, who, "at", why, state, state_reason FROM corrections '
            'ORDER BY "at" DESC NULLS LAST, correction_id')
    for row in rows:
        row["doc_href"] = _doc_link(doc_pages, row)
    site.paginated("corrections", "corrections.html.j2", rows, per_page, title="Corrections",
                   available=reader.has("corrections"))
    return {"corrections": len(rows)}


def _write_overview(site: _Site, reader: _Reader, counts: dict[str, int]) -> None:
    reasons = reader.rows(
        f"SELECT reason, count(*) AS rows FROM {reader.held} GROUP BY reason ORDER BY rows DESC, reason")
    suites, expectations = [], []
    if reader.has("validations"):
        # Pass rate per run and suite: of the expectations checked (per file), how many passed.
        suites = reader.rows(
            """
            SELECT run_id, min(run_started_at) AS run_started_at, suite, count(*) AS checks,
                   count(*) FILTER (WHERE success) AS passed, count(DISTINCT source_file) AS files,
                   sum(element_count) AS elements, sum(unexpected_count) AS unexpected
            FROM validations GROUP BY run_id, suite
            ORDER BY run_started_at DESC NULLS LAST, run_id DESC, suite LIMIT 30
            """
        )
        expectations = reader.rows(
            """
            SELECT suite, expectation, count(*) AS checks, count(*) FILTER (WHERE NOT success) AS failed,
                   sum(unexpected_count) AS unexpected
            FROM validations
            WHERE run_id = (SELECT run_id FROM validations ORDER BY run_started_at DESC NULLS LAST LIMIT 1)
            GROUP BY suite, expectation ORDER BY failed DESC, suite, expectation
            """
        )
    runs = reader.rows("SELECT * FROM runs LIMIT 10")
    site.page("index.html", "index.html.j2", title="Overview", counts=counts, reasons=reasons[:25],
              other_reasons=reasons[25:], suites=suites, expectations=expectations, runs=runs,
              built_at=datetime.now())


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # a server for one reviewer: no access log
        pass


def serve_site(out: Path, port: int = 8800, host: str = "127.0.0.1") -> http.server.ThreadingHTTPServer:
    """An HTTP server for the built site on localhost (call serve_forever); port 0 picks a free one."""
    handler = partial(_QuietHandler, directory=str(out))
    return http.server.ThreadingHTTPServer((host, port), handler)
