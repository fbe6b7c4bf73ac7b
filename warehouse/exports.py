"""The contract views written out for downstream tools, whatever database holds the warehouse.

`write_exports(read_view, views, out, formats)` takes a function that reads one view as Arrow batches
(each backend has one: `Warehouse.read_view`) and writes, per format asked for:

- `csv`: `out/<view>.csv`, UTF-8, a header row, ISO dates, an empty field for NULL: the bytes DuckDB's
  `COPY (SELECT * FROM <view>) TO '<file>' (HEADER, DELIMITER ',')` writes, because DuckDB writes them
  (an in-memory connection scanning the Arrow batches), so the format cannot drift from what the
  warehouse wrote before. One difference, on purpose: text that a spreadsheet would run as a formula
  is neutralised (see `RISKY_PREFIXES`).
- `parquet`: `out/<view>.parquet`, text exactly as printed.
- `duckdb`: `out/scorecards.duckdb`, every view as a table, in a storage format older DuckDB
  releases (and the BI connectors that bundle them) can open (see `DUCKDB_STORAGE_VERSION`).
- `ees`: `out/ees/observations.csv` and `out/ees/observations.meta.csv`, a tidy file laid out to the
  Department for Education's open data standards for explore-education-statistics (see `ees_period`,
  `ees_value` and `ees_rows`), and `out/ees/excluded.csv`, the count of rows it could not hold, by reason.

The functions that decide things (`neutralising_select`, `ees_period`, `ees_value`, `ees_rows`,
`ees_meta_rows`) are pure; files are opened only by the `write_*` functions.
"""

from __future__ import annotations

import calendar
import logging
import math
import os
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from scorecards.normalise.periods import fy_start_of, month_end

log = logging.getLogger("scorecards")

FORMATS = ("csv", "parquet", "duckdb", "ees")
ViewReader = Callable[[str], pa.RecordBatchReader]

# OWASP's advice on CSV injection: a spreadsheet opening a CSV runs a cell that begins with one of these
# as a formula (`=HYPERLINK(...)` is a live link, `@SUM(1+1)*cmd|' /C calc'!A0` runs a program in old
# Excel), so such text is written with a leading apostrophe, which spreadsheets read as "this is text".
# Only text columns: a number column's `-3` is a number, and stays one.
RISKY_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

DUCKDB_FILE = "scorecards.duckdb"
# DuckDB 2.0 writes new files in its 2.0 storage format by default, which no DuckDB 1.x can open, and BI
# connectors often bundle a 1.x. `STORAGE_VERSION 'v1.0.0'` is the oldest format DuckDB 2.0.1 writes (an
# older name, 'v0.10.0' or 'v0.9.0', gives the same file): storage number 64, the format of DuckDB v0.9
# to v1.1, which every release since v0.10 reads (duckdb.org, "Storage Versions and Format"; DuckDB 2.0.1
# reports it as `{storage_version=v1.0.0+}` in `duckdb_databases().tags`). It holds every type the
# contract's views use (integers, doubles, text, booleans, dates, timestamps, blobs); what it lacks are
# newer compression methods and types the views do not use, so nothing is lost by choosing it.
DUCKDB_STORAGE_VERSION = "v1.0.0"

_SOURCE = "scorecards_export_source"  # the name an Arrow reader is scanned under
_EXPORT_DB = "scorecards_export"  # the alias the exported database file is attached as


# --- the plain formats ------------------------------------------------------------------------------


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    """A SQL string literal (DuckDB takes a tab or carriage return inside one as itself)."""
    return "'" + text.replace("'", "''") + "'"


def is_text(kind: pa.DataType) -> bool:
    return pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind)


def neutralising_select(schema: pa.Schema, text_columns: Iterable[str] | None = None) -> str:
    """`SELECT ...` over the source: each column as it is, but in `text_columns` (default: every text
    column of the schema) a value beginning with one of RISKY_PREFIXES gets a leading apostrophe."""
    chosen = {f.name for f in schema if is_text(f.type)} if text_columns is None else set(text_columns)
    parts = []
    for field in schema:
        col = _ident(field.name)
        if field.name in chosen:
            risky = " OR ".join(f"starts_with({col}, {_literal(prefix)})" for prefix in RISKY_PREFIXES)
            parts.append(f"CASE WHEN {risky} THEN '''' || {col} ELSE {col} END AS {col}")
        else:
            parts.append(col)
    return f"SELECT {', '.join(parts) or '*'} FROM {_SOURCE}"


def _copy(con: duckdb.DuckDBPyConnection, reader: pa.RecordBatchReader, select: str, target: Path,
          options: str) -> Path:
    """COPY the reader's rows, through `select`, to `target` (written beside it, then moved into place, so
    a reader of the export never sees half a file)."""
    partial = target.with_name(target.name + ".partial")
    con.register(_SOURCE, reader)
    try:
        con.execute(f"COPY ({select}) TO {_literal(partial.as_posix())} {options}")
    finally:
        con.unregister(_SOURCE)
    os.replace(partial, target)
    return target


def write_csv(con: duckdb.DuckDBPyConnection, reader: pa.RecordBatchReader, target: Path,
              text_columns: Iterable[str] | None = None) -> Path:
    """The rows as DuckDB writes CSV, text neutralised for spreadsheets (`neutralising_select`)."""
    return _copy(con, reader, neutralising_select(reader.schema, text_columns), target, "(HEADER, DELIMITER ',')")


def write_parquet(con: duckdb.DuckDBPyConnection, reader: pa.RecordBatchReader, target: Path) -> Path:
    """The rows as Parquet, text as printed (Parquet is read by programs, not spreadsheets)."""
    return _copy(con, reader, f"SELECT * FROM {_SOURCE}", target, "(FORMAT PARQUET)")


def write_duckdb(con: duckdb.DuckDBPyConnection, read_view: ViewReader, views: Sequence[str], target: Path) -> Path:
    """One DuckDB file holding each view as a table, at DUCKDB_STORAGE_VERSION; it replaces the file there."""
    partial = target.with_name(target.name + ".partial")
    # A write-ahead log left beside either name would be replayed into the new file when it is next opened.
    for stale in (partial, partial.with_name(partial.name + ".wal"), target.with_name(target.name + ".wal")):
        stale.unlink(missing_ok=True)
    con.execute(f"ATTACH {_literal(partial.as_posix())} AS {_EXPORT_DB} (STORAGE_VERSION '{DUCKDB_STORAGE_VERSION}')")
    try:
        for view in views:
            con.register(_SOURCE, read_view(view))
            try:
                con.execute(f"CREATE TABLE {_EXPORT_DB}.main.{_ident(view)} AS SELECT * FROM {_SOURCE}")
            finally:
                con.unregister(_SOURCE)
        con.execute(f"CHECKPOINT {_EXPORT_DB}")
    finally:
        con.execute(f"DETACH {_EXPORT_DB}")
    os.replace(partial, target)
    return target


# --- EES: explore-education-statistics ---------------------------------------------------------------
# The rules followed here are the Department for Education's "Open Data Standards" (analysts' guide,
# dfe-analytical-services.github.io/analysts-guide/statistics-production/ud.html) and the screener's list
# of time identifiers (dfe-analytical-services/eesyscreener, data-raw/acceptable_values.R).

EES_DIR = "ees"
EES_SOURCE_VIEW = "latest_observations"
EES_COLUMNS = (
    "time_period", "time_identifier", "geographic_level", "country_code", "country_name",
    "old_la_code", "new_la_code", "la_name", "indicator", "breakdown", "unit", "value",
)
EES_META_COLUMNS = (
    "col_name", "col_type", "label", "indicator_grouping", "indicator_unit", "indicator_dp", "filter_hint",
    "filter_grouping_column",
)
# GSS symbols as EES uses them: z not applicable, x not available (for any other reason), c confidential
# (suppressed). No status of the contract is a suppression today; `suppressed` is here for when one is.
# A status not listed (or a reported figure with no value) is written `x`: the figure is not available.
EES_SYMBOLS = {
    "not_applicable": "z",
    "not_available": "x",
    "missing": "x",  # a blank or dash in the report's grid
    "to_be_determined": "x",  # TBD / TBC
    "awaiting": "x",
    "new_measure": "x",  # no figure yet: not collected for the period
    "suppressed": "c",
    "confidential": "c",
}
NOT_AVAILABLE = "x"
# Councils and children's trusts in England: every local authority lies in this country.
COUNTRY = ("E92000001", "England")
# Filter values the standards name: `Total` where a filter does not split the row; an unknown location
# is `Not available` with the code `x`.
TOTAL = "Total"
UNKNOWN_PLACE = "Not available"
UNKNOWN_LABEL = "Unknown"
UNIT_NOT_STATED = "Not stated"


@dataclass(frozen=True)
class EesPeriod:
    time_period: int  # 2018 (a calendar year or a month's year) or 201819 (a financial year)
    time_identifier: str


def _financial_year_code(start_year: int) -> int:
    """2018 -> 201819: the six digits EES writes for the financial year starting April 2018."""
    return start_year * 100 + (start_year + 1) % 100


def ees_period(period_type: str | None, start: date | None, end: date | None) -> EesPeriod | None:
    """The EES time_period and time_identifier for one of our periods, or None when EES has none for it.

    - month (a whole calendar month): the month's year and name, `2018` / `October`;
    - quarter (three whole months from January, April, July or October): the financial year and its
      quarter, `201819` / `Financial year Q3` for October-December 2018 (a calendar quarter is always a
      financial-year quarter: April-June is Q1, January-March Q4);
    - financial_year (1 April to 31 March): `201819` / `Financial year`;
    - an untyped period covering 1 January to 31 December of one year (`2014` as printed):
      `2014` / `Calendar year`.

    Everything else has no EES identifier and gets None: rolling 12 months (`Prev. 12 months`), year to
    date, a point in time (`as at 31 March`), weeks, spans of several years, and periods without dates.
    The type is trusted only when the dates agree with it.
    """
    if start is None or end is None:
        return None
    kind = period_type or ""
    whole_months = start.day == 1 and end == month_end(end.year, end.month)
    if kind == "month" and whole_months and (start.year, start.month) == (end.year, end.month):
        return EesPeriod(start.year, calendar.month_name[start.month])
    if kind == "quarter" and whole_months and start.month in (1, 4, 7, 10):
        last_month = start.month + 2
        if end == month_end(start.year, last_month):
            fy = fy_start_of(start).year
            quarter = (start.month - 4) % 12 // 3 + 1
            return EesPeriod(_financial_year_code(fy), f"Financial year Q{quarter}")
    if kind == "financial_year" and start == date(start.year, 4, 1) and end == date(start.year + 1, 3, 31):
        return EesPeriod(_financial_year_code(start.year), "Financial year")
    if kind == "" and start == date(start.year, 1, 1) and end == date(start.year, 12, 31):
        return EesPeriod(start.year, "Calendar year")
    return None


def _number(value: float) -> str:
    """A figure as EES reads numbers: whole numbers without `.0`, others in full (shortest round-trip)."""
    if value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(value)


def ees_value(status: str | None, value: float | None) -> str:
    """The EES value cell: the figure for a reported one, else the GSS symbol for its status (EES_SYMBOLS)."""
    if status == "reported" and value is not None and math.isfinite(value):
        return _number(value)
    if status == "reported":
        return NOT_AVAILABLE
    return EES_SYMBOLS.get(status or "", NOT_AVAILABLE)


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if value is not None else ""


@dataclass(frozen=True)
class EesResult:
    rows: list[dict[str, Any]]  # EES_COLUMNS, sorted
    excluded: Counter[tuple[str, str]]  # (reason, period_type) -> rows left out of the EES file


def ees_rows(observations: Iterable[Mapping[str, Any]]) -> EesResult:
    """The EES rows for observations (rows with the columns of the `observations` view).

    One row per organisation, measure, breakdown, unit and period, as the standards want (each filter
    combination once). Rows EES has no period for (see `ees_period`) are left out of the file, never
    silently: `excluded` counts them by reason and period type, and `write_ees` writes the counts
    beside the file and logs them. When the same figure comes twice with different values, the first
    (by source file and page) is kept and the others are counted as excluded.

    Labels have their whitespace tidied (runs of spaces as one, none at either end).
    la_name is the observation's organisation (`Not available`, codes `x`, where the report names none);
    the LA codes are left blank, as the standards say to where no code is known, since the warehouse
    holds no LA code lookup. A figure's unit is its own, else the one unit the same measure's reported
    figures have (so a `TBD` of a percentage measure sits beside its percentages), else `Not stated`.
    """
    ordered = sorted(observations, key=lambda o: (_text(o.get("source_file")), o.get("page") or 0))
    units: dict[tuple[str, str], set[str]] = defaultdict(set)
    for o in ordered:
        if o.get("status") == "reported" and _text(o.get("unit")):
            units[_text(o.get("organisation")), _text(o.get("measure_label"))].add(_text(o.get("unit")))
    excluded: Counter[tuple[str, str]] = Counter()
    kept: dict[tuple[Any, ...], tuple[tuple[Any, ...], dict[str, Any]]] = {}
    for o in ordered:
        period_type = _text(o.get("period_type"))
        period = ees_period(period_type, o.get("period_start"), o.get("period_end"))
        if period is None:
            excluded["no EES time identifier for the period", period_type or "(none)"] += 1
            continue
        organisation, label = _text(o.get("organisation")), _text(o.get("measure_label"))
        measure_units = units.get((organisation, label), set())
        unit = _text(o.get("unit")) or (next(iter(measure_units)) if len(measure_units) == 1 else UNIT_NOT_STATED)
        row = {
            "time_period": period.time_period,
            "time_identifier": period.time_identifier,
            "geographic_level": "Local authority",
            "country_code": COUNTRY[0],
            "country_name": COUNTRY[1],
            "old_la_code": "" if organisation else NOT_AVAILABLE,
            "new_la_code": "" if organisation else NOT_AVAILABLE,
            "la_name": organisation or UNKNOWN_PLACE,
            "indicator": label or UNKNOWN_LABEL,
            "breakdown": _text(o.get("breakdown")) or TOTAL,
            "unit": unit,
            "value": ees_value(o.get("status"), o.get("value")),
        }
        key = tuple(row[c] for c in EES_COLUMNS if c != "value")
        if key in kept:
            if kept[key][1]["value"] != row["value"]:
                excluded["the same figure again with another value", period_type] += 1
            continue
        # Sorted for the reader: place, measure, breakdown, unit, then time (by the period's start).
        kept[key] = ((row["la_name"], row["indicator"], row["breakdown"], row["unit"], o["period_start"],
                      row["time_identifier"]), row)
    return EesResult([row for _, row in sorted(kept.values(), key=lambda kept_row: kept_row[0])], excluded)


def ees_meta_rows() -> list[dict[str, str]]:
    """The EES metadata file's rows: a row per filter and indicator column (time and geography need none)."""
    blank = dict.fromkeys(EES_META_COLUMNS, "")
    return [
        blank | {"col_name": "indicator", "col_type": "Filter", "label": "Indicator",
                 "filter_hint": "Filter by measure, as the report names it"},
        blank | {"col_name": "breakdown", "col_type": "Filter", "label": "Breakdown",
                 "filter_hint": "Filter by the split of the measure the report gives"},
        blank | {"col_name": "unit", "col_type": "Filter", "label": "Unit",
                 "filter_hint": "Filter by the unit the figure is in"},
        # Units differ between measures (percent, count, days, rates), so the indicator names none.
        blank | {"col_name": "value", "col_type": "Indicator", "label": "Value"},
    ]


def _reader(columns: Mapping[str, pa.Array]) -> pa.RecordBatchReader:
    table = pa.table(dict(columns))
    return pa.RecordBatchReader.from_batches(table.schema, table.to_batches())


def _column(rows: Sequence[Mapping[str, Any]], name: str, kind: pa.DataType) -> pa.Array:
    return pa.array([row[name] for row in rows], kind)


def write_ees(con: duckdb.DuckDBPyConnection, read_view: ViewReader, out: Path) -> list[Path]:
    """out/observations.csv and its out/observations.meta.csv, from the `latest_observations` view, and
    out/excluded.csv: how many rows were left out, and why (`ees_rows`).

    `latest_observations` rather than `observations`: EES wants each figure once, and that view already
    keeps, of a figure reported by several documents, the rows of the most recent report.

    Text is neutralised as in the csv format; the value column is not, since it holds only numbers and
    symbols (a negative figure stays a number).

    One file holds every period EES can name, so it mixes time identifiers (financial years, their
    quarters, months, calendar years) that the standards would have a publisher upload as separate files
    (or as one identifier with a filter for the part of the year); splitting it by time_identifier is
    left to whoever publishes it.
    """
    out.mkdir(parents=True, exist_ok=True)
    result = ees_rows(read_view(EES_SOURCE_VIEW).read_all().to_pylist())
    data, meta, excluded = out / "observations.csv", out / "observations.meta.csv", out / "excluded.csv"
    rows = result.rows
    write_csv(con, _reader({c: _column(rows, c, pa.int32() if c == "time_period" else pa.string())
                            for c in EES_COLUMNS}),
              data, [c for c in EES_COLUMNS if c not in ("time_period", "value")])
    meta_rows = ees_meta_rows()
    write_csv(con, _reader({c: _column(meta_rows, c, pa.string()) for c in EES_META_COLUMNS}), meta)
    counts = [{"reason": reason, "period_type": kind, "rows": n}
              for (reason, kind), n in sorted(result.excluded.items())]
    write_csv(con, _reader({"reason": _column(counts, "reason", pa.string()),
                            "period_type": _column(counts, "period_type", pa.string()),
                            "rows": _column(counts, "rows", pa.int64())}), excluded)
    if counts:
        log.warning("EES export: %d observation rows left out (%s); see %s", sum(result.excluded.values()),
                    ", ".join(f"{c['period_type']}: {c['rows']}" for c in counts), excluded)
    return [data, meta, excluded]


# --- all of them ------------------------------------------------------------------------------------


def _formats(formats: Sequence[str]) -> list[str]:
    """The formats asked for, each once, in the order given; an unknown one is an error before any writing."""
    if isinstance(formats, str):  # ("csv") is a string, not a tuple: take it as the one format it names
        formats = (formats,)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown export format(s) {', '.join(map(repr, unknown))}; "
                         f"the formats are {', '.join(FORMATS)}")
    return list(dict.fromkeys(formats))


def write_exports(read_view: ViewReader, views: Sequence[str], out: Path,
                  formats: Sequence[str] = ("csv", "parquet")) -> list[Path]:
    """Write `views` to `out` in each of `formats` (FORMATS); returns the files written, in order:
    per view its csv and parquet (in the order the formats were given), then the duckdb file, then the
    EES files. `read_view(name)` must give a fresh reader over a view's rows each time it is called."""
    chosen = _formats(formats)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with duckdb.connect() as con:
        for view in views:
            for fmt in chosen:
                if fmt == "csv":
                    written.append(write_csv(con, read_view(view), out / f"{view}.csv"))
                elif fmt == "parquet":
                    written.append(write_parquet(con, read_view(view), out / f"{view}.parquet"))
        if "duckdb" in chosen:
            written.append(write_duckdb(con, read_view, views, out / DUCKDB_FILE))
        if "ees" in chosen:
            written.extend(write_ees(con, read_view, out / EES_DIR))
    return written
