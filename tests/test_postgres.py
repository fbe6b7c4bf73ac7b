"""The team warehouse: PostgreSQL holds the same tables and views as the DuckDB file, and gives the same
export byte for byte (row order and load times aside). A real server: tests/conftest.py starts one.

The warehouse, corrections and concurrency tests run against both backends through `new_location`
(test_warehouse.py, test_corrections.py, test_operations.py)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from scorecards.flows.pipeline import ingest_files
from scorecards.warehouse import EXPORT_VIEWS, open_warehouse
from scorecards.warehouse.postgres_store import postgres_statements
from scorecards.warehouse.review.site import build_site
from scorecards.warehouse.store import SCHEMA, schema_statements

from samples.generate import random_report
from samples.pdf_render import write_pdf
from samples.word_render import write_docx

SAMPLES = Path(__file__).parents[1] / "samples" / "reports"
# What differs between two loads of the same files: when they ran, and the runs' ids.
VOLATILE = {"loaded_at", "tried_at", "run_id", "run_started_at", "validated_at", "started_at", "finished_at"}
# information_schema's names for the types, DuckDB's -> PostgreSQL's.
SAME_TYPE = {"VARCHAR": "text", "DOUBLE": "double precision", "INTEGER": "integer", "BIGINT": "bigint",
             "BOOLEAN": "boolean", "DATE": "date", "TIMESTAMP": "timestamp without time zone", "BLOB": "bytea"}


def _columns(location: str) -> dict[str, list[tuple[str, str]]]:
    with open_warehouse(location, read_only=True) as wh:
        rows = wh.con.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns"
            " WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position").fetchall()
    found: dict[str, list[tuple[str, str]]] = {}
    for table, column, kind in rows:
        found.setdefault(table, []).append((column, kind))
    return found


def test_postgresql_gets_every_table_and_view_with_the_same_columns_and_types(
    postgres: object, tmp_path: Path
) -> None:
    """The checked translation: what postgres_statements makes of schema.sql is, column for column, what
    DuckDB makes of it."""
    duck, server = str(tmp_path / "w.duckdb"), postgres.new_database()  # type: ignore[attr-defined]
    open_warehouse(duck).close()
    open_warehouse(server).close()
    in_duckdb, in_postgres = _columns(duck), _columns(server)
    assert set(in_duckdb) == set(in_postgres)
    assert set(EXPORT_VIEWS) <= set(in_postgres)
    for name, columns in in_duckdb.items():
        assert [(c, SAME_TYPE[k]) for c, k in columns] == in_postgres[name], name


def test_the_translation_sorts_text_byte_by_byte_and_remakes_views() -> None:
    statements = postgres_statements(schema_statements(SCHEMA.read_text()))
    views = [s.split()[4] for s in statements if s.startswith("DROP VIEW")]
    created = [s.split()[4] for s in statements if s.startswith("CREATE OR REPLACE VIEW")]
    assert sorted(views) == sorted(created) and set(EXPORT_VIEWS) <= set(views)
    # every view dropped before any is made again (a view's columns cannot change in place)
    assert max(i for i, s in enumerate(statements) if s.startswith("DROP")) < min(
        i for i, s in enumerate(statements) if s.startswith("CREATE"))
    tables = [s for s in statements if s.startswith(("CREATE TABLE", "ALTER TABLE"))]
    assert tables and all(s.count("TEXT") == s.count('TEXT COLLATE "C"') for s in tables)
    assert not any('COLLATE "C"' in s for s in statements if "VIEW" in s)


def test_a_server_that_cannot_be_reached_is_named_without_its_password() -> None:
    with pytest.raises(RuntimeError) as raised:
        open_warehouse("postgresql://analyst:s3cret@127.0.0.1:9/warehouse?connect_timeout=2")
    assert "cannot connect to the warehouse postgresql://analyst:***@127.0.0.1:9/warehouse" in str(raised.value)
    assert "s3cret" not in str(raised.value)


def _rows(path: Path) -> tuple[list[str], list[tuple[str, ...]]]:
    """A CSV's header and its rows sorted, load times and run ids blanked."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        keep = [i for i, name in enumerate(header) if name not in VOLATILE]
        return header, sorted(tuple(row[i] for i in keep) for row in reader)


def _lines(path: Path) -> list[bytes]:
    return sorted(path.read_bytes().splitlines())


@pytest.mark.slow
def test_the_same_export_byte_for_byte_from_duckdb_and_postgresql(postgres: object, tmp_path: Path) -> None:
    """The bundled samples (PDF and Word, ten reports) into each warehouse, then every view exported."""
    locations = {"duckdb": str(tmp_path / "w.duckdb"), "postgresql": postgres.new_database()}  # type: ignore[attr-defined]
    for backend, location in locations.items():
        summary = ingest_files([SAMPLES], location)
        assert summary.count("loaded") == 10, backend
        with open_warehouse(location, read_only=True) as wh:
            wh.export(tmp_path / backend, ("csv", "parquet"))
    duck, server = tmp_path / "duckdb", tmp_path / "postgresql"
    compared_bytes = 0
    for view in EXPORT_VIEWS:
        header = (duck / f"{view}.csv").read_text(encoding="utf-8").splitlines()[0]
        if VOLATILE.isdisjoint(header.split(",")):
            assert _lines(duck / f"{view}.csv") == _lines(server / f"{view}.csv"), view
            compared_bytes += (duck / f"{view}.csv").stat().st_size
        else:
            assert _rows(duck / f"{view}.csv") == _rows(server / f"{view}.csv"), view
        tables = [pq.read_table(folder / f"{view}.parquet") for folder in (duck, server)]
        assert tables[0].schema == tables[1].schema, view
        frames = [t.drop_columns([c for c in t.column_names if c in VOLATILE]).to_pandas().astype(str) for t in tables]
        ordered = [f.sort_values(list(f.columns)).reset_index(drop=True) for f in frames]
        assert ordered[0].equals(ordered[1]), view
    assert compared_bytes > 100_000  # observations, cells, measures...: most of the export, compared as bytes
    observations = list(csv.DictReader(io.StringIO((server / "observations.csv").read_text(encoding="utf-8"))))
    assert len(observations) > 1000


@pytest.mark.slow
def test_the_review_site_reads_a_postgresql_warehouse(postgres: object, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    model = random_report(31, "contract", n_measures=8)
    write_pdf(model, folder / "grid.pdf")
    write_docx(model, folder / "grid.docx")
    locations: dict[str, str] = {"duckdb": str(tmp_path / "w.duckdb"), "postgresql": postgres.new_database()}  # type: ignore[attr-defined]
    reports = {}
    for backend, location in locations.items():
        ingest_files([folder], location)
        reports[backend] = build_site(location, tmp_path / f"site-{backend}")
    assert reports["postgresql"].counts == reports["duckdb"].counts
    assert reports["postgresql"].counts["documents"] == 2
    pages = {b: sorted(p.relative_to(tmp_path / f"site-{b}") for p in (tmp_path / f"site-{b}").rglob("*.html"))
             for b in locations}
    assert pages["postgresql"] == pages["duckdb"]
    page = "documents/" + next(p.name for p in pages["duckdb"] if "grid-pdf" in p.name)

    def page_of(backend: str) -> bytes:
        """Byte for byte but the minute each backend loaded the file: the two ingests may straddle one."""
        text, found = re.subn(rb"<dt>loaded</dt><dd>[^<]*</dd>", b"",
                              (tmp_path / f"site-{backend}" / page).read_bytes())
        assert found == 1
        return text

    assert page_of("postgresql") == page_of("duckdb")


def test_an_api_user_reads_the_contract_views_from_postgresql(
    new_location: Callable[[], str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from scorecards.flows.cli import main

    import scorecards

    path = write_pdf(random_report(32, "improvement", n_measures=5), tmp_path / "plan.pdf")
    location = new_location()
    summary = scorecards.ingest(path, warehouse=location)
    assert summary.count("loaded") == 1
    with scorecards.open_warehouse(location) as wh:
        observations = wh.view("observations")
        held = wh.query("SELECT count(*) AS n FROM quarantine WHERE source_file = ?", ["plan.pdf"]).n[0]
    assert len(observations) == summary.totals["observations"] > 0
    assert held == summary.totals["quarantined"]
    assert set(observations.source_file) == {"plan.pdf"}
    # `status` shows a NULL as blank whichever backend (no `nan` from a text column PostgreSQL left empty)
    assert main(["status", "--warehouse", location]) == 0
    shown = capsys.readouterr().out
    cells = {cell.strip() for line in shown.splitlines() for cell in line.split("│")}
    assert "plan.pdf" in cells and not cells & {"nan", "NaN", "<NA>", "None"}
