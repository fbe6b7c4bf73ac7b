"""Reads the warehouse for the review site: queries as lists of dicts, or streamed one document at a time."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from scorecards.warehouse import open_warehouse
from scorecards.warehouse.store import SCHEMA_VERSION, Warehouse

# Views made by issue #8's warehouse work; an older warehouse file without them still gets a site,
# with the section saying what is missing instead of failing.
OPTIONAL_VIEWS = ("cells", "tables", "validations", "rag_checks", "revisions", "latest_observations", "corrections")


def open_for_review(warehouse_location: str) -> Any:
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


class Reader:
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

    def by_file(self, sql: str) -> ByFile:
        """Rows of a query ordered by source_file, handed out one document at a time (see ByFile)."""
        return ByFile(self.con.cursor().execute(sql))


class ByFile:
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
