"""Where tidy rows land. Flows only see `open_warehouse(location)`, so the storage can change
(DuckDB file today; PostgreSQL for teams is planned) without touching them."""

from __future__ import annotations

from pathlib import Path

from scorecards.warehouse.duckdb_store import EXPORT_VIEWS, DuckDBWarehouse

DEFAULT_LOCATION = "warehouse.duckdb"

__all__ = ["DEFAULT_LOCATION", "EXPORT_VIEWS", "DuckDBWarehouse", "open_warehouse"]


def open_warehouse(location: str | Path = DEFAULT_LOCATION, read_only: bool = False) -> DuckDBWarehouse:
    """A warehouse from a location: a file path or `duckdb:///path`; `postgresql://` is not built yet."""
    text = str(location)
    if text.startswith(("postgres://", "postgresql://")):
        raise NotImplementedError("PostgreSQL warehouses are planned; use a DuckDB file for now")
    if text.startswith("duckdb://"):
        text = text.removeprefix("duckdb://")
    return DuckDBWarehouse(Path(text), read_only=read_only)
