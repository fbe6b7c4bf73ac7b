"""The embedded warehouse: one DuckDB file (the default), one writer at a time."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
from scorecards.warehouse.store import Frame, Warehouse, no_rows

LOCK_WAIT_SECONDS = 60.0


def _connect(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    """Open the file, waiting while another process holds DuckDB's single-writer lock."""
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                raise RuntimeError(f"warehouse {path} is locked by another process: {exc}") from exc
            time.sleep(0.5)


class DuckDBWarehouse(Warehouse):
    """Lineage tables plus the contract views, in one DuckDB file."""

    def __init__(self, path: Path, read_only: bool = False) -> None:
        self.path = Path(path)
        self.location = str(self.path)
        if read_only and not self.path.exists():
            raise FileNotFoundError(f"no warehouse at {self.path}")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.con = _connect(self.path, read_only)
        if not read_only:
            self._ensure_schema()

    def _apply_schema(self, statements: list[str]) -> None:
        self.con.execute(";\n".join(statements))

    def _insert(self, table: str, frame: Frame) -> None:
        if no_rows(frame):
            return
        # Read by DuckDB's replacement scan (the frame found by its variable name), not registered:
        # registering and unregistering a view per insert changes the catalog twice, and costs
        # more than the insert itself.
        incoming = frame  # noqa: F841 (read by name in the statement)
        self.con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM incoming")

    @contextlib.contextmanager
    def loading(self) -> Iterator[None]:
        # A document's rows are too few to share out: DuckDB's second thread costs each of a load's
        # dozen statements more than it saves (a fifth of the loading time). Reading views and
        # exporting keep every thread.
        self.con.execute("SET threads = 1")
        try:
            yield
        finally:
            self.con.execute("RESET threads")

    def read_view(self, name: str) -> pa.RecordBatchReader:
        # A cursor of its own: the reader stays valid while this connection runs other statements.
        return self.con.cursor().sql(f"SELECT * FROM {name}").to_arrow_reader()

    def relations(self) -> set[str]:
        names = {r[0] for r in self.con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
        return names | {r[0] for r in self.con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}

    def columns(self, name: str) -> list[str]:
        return [r[0] for r in self.con.execute(f"DESCRIBE {name}").fetchall()]

    def query(self, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
        return self.con.execute(sql, params or []).df()
