"""Where tidy rows land. Flows only see `open_warehouse(location)`, so the storage can change without
touching them: a DuckDB file (the embedded default) or a PostgreSQL database (`postgresql://...`)."""

from __future__ import annotations

from pathlib import Path

from scorecards.warehouse.store import EXPORT_VIEWS, Warehouse

DEFAULT_LOCATION = "warehouse.duckdb"
SERVER_SCHEMES = ("postgres://", "postgresql://")

__all__ = ["DEFAULT_LOCATION", "EXPORT_VIEWS", "Warehouse", "open_warehouse", "warehouse_exists",
           "warehouse_files"]


def is_server(location: str | Path) -> bool:
    """True for a PostgreSQL URL, False for a DuckDB file."""
    return str(location).startswith(SERVER_SCHEMES)


def _file(location: str | Path) -> Path:
    """A DuckDB location's file (`duckdb:///path` or a plain path)."""
    return Path(str(location).removeprefix("duckdb://"))


def open_warehouse(location: str | Path = DEFAULT_LOCATION, read_only: bool = False) -> Warehouse:
    """A warehouse from a location: a DuckDB file path (or `duckdb:///path`), or a PostgreSQL URL
    (`postgresql://user:password@host:5432/db`; libpq's PG* variables fill in what it leaves out)."""
    if is_server(location):
        from scorecards.warehouse.postgres_store import PostgresWarehouse

        return PostgresWarehouse(str(location), read_only=read_only)
    from scorecards.warehouse.duckdb_store import DuckDBWarehouse

    return DuckDBWarehouse(_file(location), read_only=read_only)


def warehouse_exists(location: str | Path) -> bool:
    """Whether there is anything to read yet: a server database always is (its schema is made on open)."""
    return is_server(location) or _file(location).exists()


def warehouse_files(location: str | Path) -> list[Path]:
    """The files a warehouse keeps (a folder walk must not ingest them): none for a server."""
    if is_server(location):
        return []
    path = _file(location)
    return [path, Path(f"{path}.wal")]
