"""The embedded warehouse: one DuckDB file, loaded one document per transaction."""

from __future__ import annotations

import hashlib
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

SCHEMA = Path(__file__).with_name("schema.sql")
FACT_TABLES = (
    "observation_facts", "measure_facts", "quarantine_facts", "commentary_facts", "benchmark_facts",
    "target_facts", "band_facts", "definition_facts", "table_facts", "document_facts",
)
EXPORT_VIEWS = (
    "observations", "measures", "quarantine", "failures", "documents", "commentary", "benchmarks",
    "measure_targets", "measure_bands", "measure_definitions", "runs",
)
SCHEMA_VERSION = hashlib.sha256(SCHEMA.read_bytes()).hexdigest()[:16]
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


class DuckDBWarehouse:
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

    def _ensure_schema(self) -> None:
        """Apply schema.sql when this file has not seen this version of it (it is idempotent, but slow)."""
        self.con.execute("CREATE TABLE IF NOT EXISTS scorecards_meta (key TEXT PRIMARY KEY, value TEXT)")
        row = self.con.execute("SELECT value FROM scorecards_meta WHERE key = 'schema_version'").fetchone()
        if row and row[0] == SCHEMA_VERSION:
            return
        self.con.execute(SCHEMA.read_text())
        self.con.execute("INSERT OR REPLACE INTO scorecards_meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> DuckDBWarehouse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def loaded_sha(self, source_file: str) -> str | None:
        row = self.con.execute(
            "SELECT source_sha256 FROM document_facts WHERE source_file = ?", [source_file]
        ).fetchone()
        return row[0] if row else None

    def failed_sha(self, source_file: str) -> str | None:
        query = "SELECT source_sha256 FROM failure_facts WHERE source_file = ?"
        row = self.con.execute(query, [source_file]).fetchone()
        return row[0] if row else None

    def known_files(self) -> dict[str, tuple[str | None, str | None]]:
        """source_file -> (sha of its loaded bytes, sha of bytes that failed), for skipping without parsing."""
        rows = self.con.execute(
            """
            SELECT coalesce(d.source_file, f.source_file), d.source_sha256, f.source_sha256
            FROM document_facts d FULL OUTER JOIN failure_facts f ON d.source_file = f.source_file
            """
        ).fetchall()
        return {name: (loaded, failed) for name, loaded, failed in rows}

    def record_run(
        self, started: datetime, finished: datetime, mode: str, totals: dict[str, int], interrupted: bool
    ) -> None:
        self.con.execute(
            "INSERT INTO run_facts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [started, finished, mode, totals["files"], totals["new"], totals["changed"], totals["unchanged"],
             totals["loaded"], totals["failed"], totals["quarantined"], totals["observations"], totals["pages"],
             interrupted],
        )

    def _insert(self, table: str, frame: pd.DataFrame) -> None:
        if frame.empty:
            return
        # Registered, not unregistered in a `finally`: after a failed statement the transaction is
        # aborted and unregistering would raise, hiding the real error.
        self.con.register("incoming", frame)
        self.con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM incoming")
        self.con.unregister("incoming")

    def replace_document(self, source_file: str, frames: dict[str, pd.DataFrame]) -> None:
        """Swap a document's rows for new ones in one transaction: readers see old or new, never half."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            for table in FACT_TABLES:
                self.con.execute(f"DELETE FROM {table} WHERE source_file = ?", [source_file])
            self.con.execute("DELETE FROM failure_facts WHERE source_file = ?", [source_file])
            for table, frame in frames.items():
                self._insert(table, frame)
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise

    def record_failure(self, source_file: str, sha256: str, source_path: str, reason: str) -> None:
        """A file that could not be read; its earlier good load, if any, stays as it was."""
        self.con.execute(
            "INSERT OR REPLACE INTO failure_facts VALUES (?, ?, ?, ?, ?)",
            [source_file, sha256, source_path, reason, datetime.now()],
        )

    def export(self, out: Path, formats: tuple[str, ...] = ("csv", "parquet")) -> list[Path]:
        """Each contract view as out/<view>.csv (and .parquet)."""
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for view in EXPORT_VIEWS:
            for fmt in formats:
                target = out / f"{view}.{fmt}"
                options = "(HEADER, DELIMITER ',')" if fmt == "csv" else "(FORMAT PARQUET)"
                self.con.execute(f"COPY (SELECT * FROM {view}) TO '{target.as_posix()}' {options}")
                written.append(target)
        return written

    def query(self, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
        return self.con.execute(sql, params or []).df()

    def status(self) -> dict[str, pd.DataFrame]:
        """What is loaded (per document), what failed, and what sits in quarantine."""
        documents = self.query(
            """
            SELECT d.source_file, d.pages, d.tables, d.layouts,
                   (SELECT count(*) FROM observation_facts o WHERE o.source_file = d.source_file) AS observations,
                   (SELECT count(*) FROM quarantine_facts q WHERE q.source_file = d.source_file) AS quarantined,
                   d.loaded_at
            FROM document_facts d ORDER BY d.source_file
            """
        )
        failures = self.query("SELECT source_file, reason, tried_at FROM failure_facts ORDER BY source_file")
        quarantine = self.query(
            "SELECT reason, count(*) AS rows FROM quarantine_facts GROUP BY reason ORDER BY rows DESC"
        )
        runs = self.query("SELECT * FROM runs LIMIT 5")
        return {"documents": documents, "failures": failures, "quarantine": quarantine, "last runs": runs}
