"""The export writers (warehouse/exports.py): CSV made safe for spreadsheets, byte for byte what DuckDB's COPY
wrote before otherwise; Parquet as printed; a DuckDB file older DuckDB releases open; the EES tidy file."""

from __future__ import annotations

import csv
import os
import struct
import subprocess
import tempfile
from datetime import date, datetime
from pathlib import Path

import duckdb
import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scorecards.warehouse.exports import (
    DUCKDB_FILE,
    FORMATS,
    EesPeriod,
    ees_period,
    ees_value,
    write_exports,
)

import scorecards

RISKY = ("=", "+", "-", "@", "\t", "\r")
HYPERLINK = '=HYPERLINK("http://example.invalid","Visits on time")'
CALC = "@SUM(1+1)*cmd|' /C calc'!A0"


def views_of(tables: dict[str, pa.Table]):
    """A read_view over in-memory tables: a fresh reader on each call, as the warehouses give."""

    def read_view(name: str) -> pa.RecordBatchReader:
        table = tables[name]
        return pa.RecordBatchReader.from_batches(table.schema, table.to_batches())

    return read_view


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


# --- csv: formula neutralisation -------------------------------------------------------------------------

texts = st.one_of(st.none(), st.text(), st.builds(lambda p, t: p + t, st.sampled_from(RISKY), st.text()))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(texts, st.integers(-(2**63), 2**63 - 1),
                          st.floats(allow_nan=False, allow_infinity=False)), min_size=1, max_size=12))
def test_csv_neutralises_text_that_starts_like_a_formula_and_nothing_else(rows):
    labels, counts, ratios = (list(column) for column in zip(*rows, strict=True))
    table = pa.table({"label": pa.array(labels, pa.string()), "count": pa.array(counts, pa.int64()),
                      "ratio": pa.array(ratios, pa.float64())})
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        written = write_exports(views_of({"things": table}), ["things"], out, ("csv", "parquet"))
        assert written == [out / "things.csv", out / "things.parquet"]
        back = csv_rows(out / "things.csv")
        parquet = pq.read_table(out / "things.parquet")

    assert len(back) == len(rows)
    for (label, count, ratio), row in zip(rows, back, strict=True):
        if label is None:
            assert row["label"] == ""
        elif label.startswith(RISKY):
            assert row["label"] == "'" + label
        else:
            assert row["label"] == label
        assert int(row["count"]) == count  # a number column keeps its sign: `-3` is not text
        assert float(row["ratio"]) == ratio
    assert parquet.column("label").to_pylist() == labels  # Parquet keeps the text as printed
    assert parquet.column("count").to_pylist() == counts
    assert parquet.column("ratio").to_pylist() == ratios


def test_each_risky_start_is_neutralised_in_every_text_column_only(tmp_path):
    labels = [p + "x" for p in RISKY] + ["x=1", " =1", "'=1", ""]
    table = pa.table({"a": labels, "b": list(reversed(labels)), "n": pa.array(range(-5, len(labels) - 5))})
    write_exports(views_of({"t": table}), ["t"], tmp_path, ("csv",))
    back = csv_rows(tmp_path / "t.csv")
    assert [r["a"] for r in back] == ["'=x", "'+x", "'-x", "'@x", "'\tx", "'\rx", "x=1", " =1", "'=1", ""]
    assert [r["b"] for r in back] == [r["a"] for r in reversed(back)]
    assert [r["n"] for r in back] == [str(n) for n in range(-5, len(labels) - 5)]


# --- csv: the same bytes as DuckDB's COPY ---------------------------------------------------------------

def typed_table() -> pa.Table:
    return pa.table({
        "i": pa.array([1, -2, None], pa.int32()),
        "big": pa.array([2**40, None, -7], pa.int64()),
        "x": pa.array([85.0, -0.125, None], pa.float64()),
        "third": pa.array([1 / 3, 1e-7, 12345678.9], pa.float64()),
        "s": pa.array(["Visits on time", None, 'a "quoted", text\nover two lines'], pa.string()),
        "empty": pa.array(["", "plain", None], pa.string()),
        "ok": pa.array([True, None, False], pa.bool_()),
        "d": pa.array([date(2018, 4, 1), None, date(2019, 3, 31)], pa.date32()),
        "at": pa.array([datetime(2019, 3, 31, 23, 59, 59, 123456), datetime(2020, 1, 1), None], pa.timestamp("us")),
        "blob": pa.array([b"\x00\xff", None, b"ab"], pa.binary()),
    })


def test_csv_is_byte_for_byte_what_duckdb_copy_writes(tmp_path):
    table = typed_table()
    write_exports(views_of({"mixed": table}), ["mixed"], tmp_path, ("csv",))
    ours = (tmp_path / "mixed.csv").read_bytes()

    con = duckdb.connect()
    con.register("mixed_arrow", table)
    direct = tmp_path / "direct.csv"
    con.execute(f"COPY (SELECT * FROM mixed_arrow) TO '{direct}' (HEADER, DELIMITER ',')")
    # And from a DuckDB view over a native table, as the warehouse's export did before.
    con.execute("CREATE TABLE mixed_table AS SELECT * FROM mixed_arrow")
    con.execute("CREATE VIEW mixed AS SELECT * FROM mixed_table")
    native = tmp_path / "native.csv"
    con.execute(f"COPY (SELECT * FROM mixed) TO '{native}' (HEADER, DELIMITER ',')")

    assert ours == direct.read_bytes()
    assert ours == native.read_bytes()
    assert b",2018-04-01," in ours  # ISO dates
    assert ours.startswith(b"i,big,x,third,s,empty,ok,d,at,blob\n")


def test_unknown_format_is_refused_before_anything_is_written(tmp_path):
    with pytest.raises(ValueError) as caught:
        write_exports(views_of({"mixed": typed_table()}), ["mixed"], tmp_path / "out", ("csv", "xlsx"))
    assert "'xlsx'" in str(caught.value)
    assert all(fmt in str(caught.value) for fmt in FORMATS)
    assert not (tmp_path / "out").exists()


# --- csv in a real spreadsheet --------------------------------------------------------------------------

@pytest.mark.slow
def test_libreoffice_reads_the_exported_formulas_as_text_and_numbers_as_numbers(tmp_path):
    table = pa.table({"measure_label": [HYPERLINK, CALC, "Plain"], "value": pa.array([85.5, -3.0, 12.0])})
    exported = tmp_path / "export"
    write_exports(views_of({"observations": table}), ["observations"], exported, ("csv",))
    # The control: the same rows written as printed. LibreOffice must turn this one's `=` cell into a
    # formula, or the assertions on the export below would prove nothing.
    raw = tmp_path / "raw.csv"
    with raw.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["measure_label", "value"], [HYPERLINK, 85.5], [CALC, -3.0], ["Plain", 12.0]])

    converted = tmp_path / "xlsx"
    profile = tmp_path / "lo-profile"  # a private profile: parallel runs do not share LibreOffice's lock
    result = subprocess.run(
        ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "xlsx",
         "--outdir", str(converted), str(exported / "observations.csv"), str(raw)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert (converted / "raw.xlsx").exists(), f"LibreOffice Calc (libreoffice-calc-nogui) did not convert: {result}"

    control = openpyxl.load_workbook(converted / "raw.xlsx").active
    assert control["A2"].data_type == "f"

    sheet = openpyxl.load_workbook(converted / "observations.xlsx").active
    assert [sheet["A1"].value, sheet["B1"].value] == ["measure_label", "value"]
    for cell, text in ((sheet["A2"], HYPERLINK), (sheet["A3"], CALC)):
        assert cell.data_type == "s", f"{cell.coordinate} is not text: {cell.value!r}"
        assert cell.value in (text, "'" + text)
    assert (sheet["B2"].data_type, sheet["B2"].value) == ("n", 85.5)
    assert (sheet["B3"].data_type, sheet["B3"].value) == ("n", -3)


# --- duckdb ---------------------------------------------------------------------------------------------

def test_duckdb_file_is_written_at_an_old_storage_version_and_holds_every_view(tmp_path):
    target = tmp_path / DUCKDB_FILE
    target.write_bytes(b"an older export, not a database")
    (tmp_path / (DUCKDB_FILE + ".wal")).write_bytes(b"a stale log that must not be replayed")
    labels = pa.table({"measure_label": [HYPERLINK, "- of which UASC"], "n": pa.array([1, 2], pa.int32())})
    tables = {"mixed": typed_table(), "labels": labels}

    written = write_exports(views_of(tables), ["mixed", "labels"], tmp_path, ("duckdb",))

    assert written == [target]
    assert not (tmp_path / (DUCKDB_FILE + ".wal")).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [DUCKDB_FILE]
    # The file header: checksum, "DUCK", then the storage number; 64 is what DuckDB v0.10 to v1.1 write.
    with target.open("rb") as fh:
        assert struct.unpack("<8x4sQ", fh.read(20)) == (b"DUCK", 64)
    con = duckdb.connect()
    con.execute(f"ATTACH '{target}' AS exported (READ_ONLY)")
    tags = con.execute("SELECT tags FROM duckdb_databases() WHERE database_name = 'exported'").fetchall()[0][0]
    assert tags == {"storage_version": "v1.0.0+"}
    assert con.sql("SELECT * FROM exported.mixed").to_arrow_table().equals(typed_table())
    assert con.execute("SELECT * FROM exported.labels").fetchall() == [(HYPERLINK, 1), ("- of which UASC", 2)]


# --- ees ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("period_type", "start", "end", "expected"), [
    ("quarter", date(2018, 4, 1), date(2018, 6, 30), EesPeriod(201819, "Financial year Q1")),
    ("quarter", date(2018, 10, 1), date(2018, 12, 31), EesPeriod(201819, "Financial year Q3")),
    ("quarter", date(2019, 1, 1), date(2019, 3, 31), EesPeriod(201819, "Financial year Q4")),
    ("quarter", date(1999, 7, 1), date(1999, 9, 30), EesPeriod(199900, "Financial year Q2")),
    ("financial_year", date(2018, 4, 1), date(2019, 3, 31), EesPeriod(201819, "Financial year")),
    ("month", date(2018, 10, 1), date(2018, 10, 31), EesPeriod(2018, "October")),
    ("month", date(2020, 2, 1), date(2020, 2, 29), EesPeriod(2020, "February")),
    ("", date(2014, 1, 1), date(2014, 12, 31), EesPeriod(2014, "Calendar year")),
    ("rolling_12_months", date(2018, 2, 1), date(2019, 1, 31), None),
    ("year_to_date", date(2018, 4, 1), date(2018, 11, 30), None),
    ("point_in_time", date(2019, 3, 31), date(2019, 3, 31), None),
    ("", date(2017, 2, 18), date(2017, 2, 24), None),  # a week
    ("", date(2015, 10, 1), date(2016, 9, 30), None),  # a US federal fiscal year
    ("month", None, None, None),
    ("quarter", date(2018, 5, 1), date(2018, 7, 31), None),  # dates that disagree with the type
])
def test_ees_period(period_type, start, end, expected):
    assert ees_period(period_type, start, end) == expected


@pytest.mark.parametrize(("status", "value", "expected"), [
    ("reported", 85.0, "85"), ("reported", -3.5, "-3.5"), ("reported", None, "x"), ("reported", float("nan"), "x"),
    ("suppressed", None, "c"), ("not_available", None, "x"), ("not_applicable", None, "z"), ("missing", None, "x"),
    ("to_be_determined", None, "x"), ("awaiting", None, "x"), ("new_measure", None, "x"), (None, None, "x"),
])
def test_ees_value(status, value, expected):
    assert ees_value(status, value) == expected


def observation(label, period_type, start, end, value=None, status="reported", unit="", breakdown="",
                organisation="Sandwell Children's Trust", page=1):
    return {"source_file": "q3.pdf", "page": page, "organisation": organisation, "measure_label": label,
            "breakdown": breakdown, "period_type": period_type, "period_start": start, "period_end": end,
            "value": value, "unit": unit, "status": status}


OBSERVATION_SCHEMA = pa.schema([
    ("source_file", pa.string()), ("page", pa.int32()), ("organisation", pa.string()),
    ("measure_label", pa.string()), ("breakdown", pa.string()), ("period_type", pa.string()),
    ("period_start", pa.date32()), ("period_end", pa.date32()), ("value", pa.float64()), ("unit", pa.string()),
    ("status", pa.string()),
])


def test_ees_files(tmp_path):
    visits, uasc = "Visits on time", "- of which UASC"
    rows = [
        observation(visits, "quarter", date(2018, 10, 1), date(2018, 12, 31), 85.0, unit="percent"),
        observation(visits, "financial_year", date(2018, 4, 1), date(2019, 3, 31), 88.5, unit="percent"),
        observation(visits, "month", date(2018, 10, 1), date(2018, 10, 31), status="suppressed"),
        observation(visits, "month", date(2018, 11, 1), date(2018, 11, 30), status="not_available"),
        observation(visits, "month", date(2018, 12, 1), date(2018, 12, 31), status="not_applicable",
                    breakdown="Exc UASC"),
        observation(uasc, "quarter", date(2019, 1, 1), date(2019, 3, 31), -3.0, unit="count", organisation=""),
        observation(visits, "rolling_12_months", date(2018, 1, 1), date(2018, 12, 31), 80.0, unit="percent"),
        observation(visits, "rolling_12_months", date(2018, 2, 1), date(2019, 1, 31), 81.0, unit="percent"),
        observation(visits, "point_in_time", date(2019, 3, 31), date(2019, 3, 31), 87.0, unit="percent"),
        # The same figure again from another table of the report, with another value: the first is kept.
        observation(visits, "quarter", date(2018, 10, 1), date(2018, 12, 31), 86.0, unit="percent", page=2),
    ]
    table = pa.Table.from_pylist(rows, schema=OBSERVATION_SCHEMA)

    written = write_exports(views_of({"latest_observations": table}), [], tmp_path, ("ees",))

    ees = tmp_path / "ees"
    assert written == [ees / "observations.csv", ees / "observations.meta.csv", ees / "excluded.csv"]
    data = csv_rows(ees / "observations.csv")
    assert list(data[0]) == ["time_period", "time_identifier", "geographic_level", "country_code", "country_name",
                             "old_la_code", "new_la_code", "la_name", "indicator", "breakdown", "unit", "value"]
    got = {(r["la_name"], r["indicator"], r["breakdown"], r["time_period"], r["time_identifier"]):
           (r["unit"], r["value"]) for r in data}
    trust = "Sandwell Children's Trust"
    assert got == {
        (trust, visits, "Total", "201819", "Financial year Q3"): ("percent", "85"),
        (trust, visits, "Total", "201819", "Financial year"): ("percent", "88.5"),
        (trust, visits, "Total", "2018", "October"): ("percent", "c"),
        (trust, visits, "Total", "2018", "November"): ("percent", "x"),
        (trust, visits, "Exc UASC", "2018", "December"): ("percent", "z"),
        # Text is neutralised as in the csv export; the figure -3 stays a number.
        ("Not available", "'" + uasc, "Total", "201819", "Financial year Q4"): ("count", "-3"),
    }
    assert {(r["geographic_level"], r["country_code"], r["country_name"]) for r in data} == {
        ("Local authority", "E92000001", "England")}
    assert {(r["la_name"], r["old_la_code"], r["new_la_code"]) for r in data} == {
        (trust, "", ""), ("Not available", "x", "x")}

    meta = csv_rows(ees / "observations.meta.csv")
    assert list(meta[0]) == ["col_name", "col_type", "label", "indicator_grouping", "indicator_unit", "indicator_dp",
                             "filter_hint", "filter_grouping_column"]
    assert [(m["col_name"], m["col_type"]) for m in meta] == [
        ("indicator", "Filter"), ("breakdown", "Filter"), ("unit", "Filter"), ("value", "Indicator")]
    assert all(m["label"] for m in meta)

    excluded = csv_rows(ees / "excluded.csv")
    assert excluded == [
        {"reason": "no EES time identifier for the period", "period_type": "point_in_time", "rows": "1"},
        {"reason": "no EES time identifier for the period", "period_type": "rolling_12_months", "rows": "2"},
        {"reason": "the same figure again with another value", "period_type": "quarter", "rows": "1"},
    ]
    assert len(data) + sum(int(e["rows"]) for e in excluded) == len(rows)


# --- end to end: a Word report through the warehouse ----------------------------------------------------

def test_a_report_with_a_formula_for_a_label_exports_safely(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("Children's social care scorecard")
    grid = document.add_table(rows=2, cols=3)
    # A Target column as well, so the measure also lands in `measures`.
    for row, texts in zip(grid.rows, [("Measure", "Target", "2018/19"), (HYPERLINK, "90%", "85%")], strict=True):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.text = text
    report = tmp_path / "report.docx"
    document.save(report)
    location = str(tmp_path / "w.duckdb")
    run = scorecards.ingest([report], warehouse=location)
    assert run.totals["loaded"] == 1

    out = tmp_path / "export"
    with scorecards.open_warehouse(location) as warehouse:
        written = warehouse.export(out, ("csv", "parquet"))
    assert out / "observations.csv" in written and out / "cells.parquet" in written

    observations = csv_rows(out / "observations.csv")
    assert [(o["measure_label"], o["value"], o["period_label"]) for o in observations] == [
        ("'" + HYPERLINK, "85.0", "2018/19")]
    assert [m["measure_label"] for m in csv_rows(out / "measures.csv")] == ["'" + HYPERLINK]
    assert "'" + HYPERLINK in [c["text"] for c in csv_rows(out / "cells.csv")]
    assert HYPERLINK not in [c["text"] for c in csv_rows(out / "cells.csv")]
    # Parquet keeps the label as printed.
    assert pq.read_table(out / "observations.parquet").column("measure_label").to_pylist() == [HYPERLINK]
    assert pq.read_table(out / "measures.parquet").column("measure_label").to_pylist() == [HYPERLINK]
    assert HYPERLINK in pq.read_table(out / "cells.parquet").column("text").to_pylist()
    assert not any(name.endswith(".partial") for name in os.listdir(out))
