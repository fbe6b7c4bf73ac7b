"""The team warehouse: a PostgreSQL database that several writers load at once (the nightly run and
analysts' ingests) while BI tools read it.

Same tables, views and contract as the DuckDB file: both run schema.sql, translated here only where
PostgreSQL needs it (`postgres_statements`). Writers never lose each other's work: each document is
loaded in one transaction holding an advisory lock on that document's name, and the reviewers'
decisions are changed under a lock of their own.
"""

from __future__ import annotations

import itertools
import re
import zlib
from collections.abc import Callable, Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from scorecards.warehouse.store import Frame, Warehouse, no_rows

try:
    import psycopg
except ImportError:  # the `teams` extra
    psycopg = None

# PostgreSQL type OIDs (pg_type) -> the Arrow type DuckDB gives the same column, so that an export is the
# same bytes from either warehouse. numeric (1700) only comes from arithmetic; it reads as a double.
_ARROW_TYPES: dict[int, pa.DataType] = {
    16: pa.bool_(), 17: pa.binary(), 20: pa.int64(), 21: pa.int16(), 23: pa.int32(), 25: pa.string(),
    700: pa.float32(), 701: pa.float64(), 1043: pa.string(), 1082: pa.date32(), 1114: pa.timestamp("us"),
    1184: pa.timestamp("us", tz="UTC"), 1700: pa.float64(),
}
_BATCH_ROWS = 10_000
_SCHEMA_LOCK = "scorecards schema"
_CREATED_VIEW = re.compile(r"CREATE OR REPLACE VIEW (\w+)")
_TEXT_TYPE = re.compile(r"\bTEXT\b")
_cursor_names = itertools.count()


def postgres_statements(statements: list[str]) -> list[str]:
    """schema.sql's statements as PostgreSQL runs them (the checked translation; tests compare the views).

    - Text columns compare byte by byte (`COLLATE "C"`), as DuckDB's do: "the latest report" and the
      revision order sort by file name, and must not depend on the database's locale.
    - Views are dropped first: PostgreSQL's CREATE OR REPLACE VIEW cannot change a view's columns.
    """
    views = [m.group(1) for s in statements if (m := _CREATED_VIEW.match(s))]
    translated = [_TEXT_TYPE.sub('TEXT COLLATE "C"', s) if s.startswith(("CREATE TABLE", "ALTER TABLE")) else s
                  for s in statements]
    return [f"DROP VIEW IF EXISTS {view} CASCADE" for view in reversed(views)] + translated


def lock_key(name: str) -> int:
    """An advisory lock's number for a name (a 32-bit hash: a clash only makes two writers wait in turn)."""
    return zlib.crc32(name.encode("utf-8"))


def _plain(value: Any) -> Any:
    """A parameter psycopg can send: numpy scalars as Python ones, pandas' missing values as NULL."""
    if isinstance(value, np.generic):
        return value.item()
    if value is pd.NaT or value is pd.NA:
        return None
    return value


class _Connection:
    """psycopg's connection behind the warehouse's DB-API `execute(sql, params)` with `?` placeholders."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw

    def execute(self, sql: str, params: list[Any] | tuple[Any, ...] | None = None) -> Any:
        cursor = self.raw.cursor()
        if params:
            # psycopg's placeholders are %s, and a literal % must be doubled; no statement of ours has a
            # `?` inside a string.
            cursor.execute(sql.replace("%", "%%").replace("?", "%s"), [_plain(p) for p in params])
        else:
            cursor.execute(sql)
        return cursor

    def cursor(self) -> _Connection:
        return self

    def close(self) -> None:
        self.raw.close()


def _converter(pg_type: str) -> Callable[[Any], Any]:
    """How a frame's value becomes what a column of `pg_type` takes in COPY (DuckDB casts by itself)."""
    if pg_type in ("integer", "bigint", "smallint"):
        return int
    if pg_type in ("double precision", "real", "numeric"):
        return float
    if pg_type == "boolean":
        return bool
    if pg_type == "date":
        return lambda v: v.date() if isinstance(v, datetime) else v
    if pg_type.startswith("timestamp"):
        return lambda v: v.to_pydatetime() if isinstance(v, pd.Timestamp) else v
    if pg_type == "bytea":
        return bytes
    return lambda v: v if isinstance(v, str) else str(v)


def _column_values(frame: Frame, name: str, pg_type: str) -> list[Any]:
    convert = _converter(pg_type)
    if isinstance(frame, pa.Table):
        values = frame.column(name).to_pylist()  # nulls as None already
    else:
        series = frame[name]
        values = series.astype(object).where(series.notna(), None).tolist()
    return [None if v is None else convert(v) for v in values]


def _arrow_schema(description: Any) -> pa.Schema:
    """A query's columns as Arrow fields, typed as DuckDB types the same columns (_ARROW_TYPES)."""
    return pa.schema([(column.name, _ARROW_TYPES.get(column.type_code, pa.string())) for column in description])


def _arrow_batch(rows: list[tuple[Any, ...]], schema: pa.Schema) -> pa.RecordBatch:
    columns = [pa.array([_arrow_value(row[i]) for row in rows], type=f.type) for i, f in enumerate(schema)]
    return pa.RecordBatch.from_arrays(columns, schema=schema)


def _arrow_batches(cursor: Any, schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    try:
        while rows := cursor.fetchmany(_BATCH_ROWS):
            yield _arrow_batch(rows, schema)
    finally:
        cursor.close()


class PostgresWarehouse(Warehouse):
    """Lineage tables plus the contract views, in a PostgreSQL database (its current schema)."""

    def __init__(self, location: str, read_only: bool = False) -> None:
        if psycopg is None:
            raise RuntimeError("a PostgreSQL warehouse needs psycopg: pip install 'scorecards[teams]'")
        self.location = location
        try:
            raw = psycopg.connect(location, autocommit=True)
        except psycopg.OperationalError as exc:
            raise RuntimeError(f"cannot connect to the warehouse {_without_password(location)}: {exc}") from exc
        self.con = _Connection(raw)
        self._types: dict[str, dict[str, str]] = {}
        if read_only:
            self.con.execute("SET default_transaction_read_only = on")
        else:
            self._ensure_schema()

    def _ensure_schema(self) -> None:
        # Two writers opening a new database at once must not both create it: one waits for the other.
        self.con.execute("SELECT pg_advisory_lock(?)", [lock_key(_SCHEMA_LOCK)])
        try:
            super()._ensure_schema()
        finally:
            self.con.execute("SELECT pg_advisory_unlock(?)", [lock_key(_SCHEMA_LOCK)])

    def _apply_schema(self, statements: list[str]) -> None:
        with self.con.raw.transaction():
            for statement in postgres_statements(statements):
                self.con.raw.execute(statement)
        self._types.clear()

    def _lock(self, key: str) -> None:
        self.con.execute("SELECT pg_advisory_xact_lock(?)", [lock_key(key)])

    def _column_types(self, table: str) -> dict[str, str]:
        if table not in self._types:
            rows = self.con.execute(
                "SELECT column_name, data_type FROM information_schema.columns"
                " WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position", [table]
            ).fetchall()
            self._types[table] = dict(rows)
        return self._types[table]

    def _insert(self, table: str, frame: Frame) -> None:
        if no_rows(frame):
            return
        types = self._column_types(table)
        names = list(frame.column_names if isinstance(frame, pa.Table) else frame.columns)
        unknown = [c for c in names if c not in types]
        if unknown:  # as DuckDB's INSERT BY NAME: a column the table lacks is a bug, not something to drop
            raise ValueError(f"{table} has no column(s) {', '.join(map(str, unknown))}")
        columns = [_column_values(frame, name, types[name]) for name in names]
        quoted = ", ".join(f'"{name}"' for name in names)
        with self.con.raw.cursor() as cursor, cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
            for row in zip(*columns, strict=True):
                copy.write_row(row)

    def read_view(self, name: str) -> pa.RecordBatchReader:
        # A server-side cursor (kept across commits: the connection is in autocommit) streams the rows,
        # so exporting a national warehouse's cells does not hold them all in memory.
        cursor = self.con.raw.cursor(name=f"scorecards_read_{next(_cursor_names)}", withhold=True)
        cursor.execute(f"SELECT * FROM {name}")
        schema = _arrow_schema(cursor.description)
        return pa.RecordBatchReader.from_batches(schema, _arrow_batches(cursor, schema))

    def relations(self) -> set[str]:
        rows = self.con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()").fetchall()
        return {r[0] for r in rows}

    def columns(self, name: str) -> list[str]:
        rows = self.con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema()"
            " AND table_name = ? ORDER BY ordinal_position", [name]).fetchall()
        return [r[0] for r in rows]

    def query(self, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
        cursor = self.con.execute(sql, params)
        if cursor.description is None:
            return pd.DataFrame()
        table = pa.Table.from_batches([_arrow_batch(cursor.fetchall(), _arrow_schema(cursor.description))])
        # As DuckDB's .df() gives them: dates and times as datetime64, not Python objects.
        return table.to_pandas(date_as_object=False)


def _arrow_value(value: Any) -> Any:
    """numeric arrives as Decimal (Arrow's float64 wants a float); anything else as psycopg gives it."""
    return float(value) if isinstance(value, Decimal) else value


def _without_password(location: str) -> str:
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", location)
