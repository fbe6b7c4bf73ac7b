"""The warehouse, whatever database holds it: lineage tables and the contract views, loaded one
document per transaction, with the reviewers' corrections applied in the same transaction.

It reads and stores only: the rows a correction makes come from the `Corrector` its caller hands in
(normalise.corrections.corrected_row), given the rows read here.

The SQL here and in schema.sql is the subset DuckDB and PostgreSQL share, with `?` placeholders; the
backends (duckdb_store.py, postgres_store.py) supply the few things that differ: connecting, bulk
inserts, reading a view as Arrow, and the catalogue.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
from scorecards.warehouse.corrections import (
    APPLIED,
    ORPHANED,
    PENDING,
    Correction,
    Corrector,
)

log = logging.getLogger("scorecards")

SCHEMA = Path(__file__).with_name("schema.sql")
# One fact table's rows to load: a DataFrame, or an Arrow table (the rows nothing changes after they
# are read, which the loader takes without pandas).
Frame = pd.DataFrame | pa.Table


def no_rows(frame: Frame) -> bool:
    return frame.num_rows == 0 if isinstance(frame, pa.Table) else frame.empty
FACT_TABLES = (
    "observation_facts", "measure_facts", "quarantine_facts", "commentary_facts", "benchmark_facts",
    "target_facts", "band_facts", "definition_facts", "table_facts", "document_facts", "cell_facts",
)
# Not in FACT_TABLES, so a reload keeps them: validation_facts (history), correction_facts (decisions) and
# corrected_facts (rebuilt by every apply).
EXPORT_VIEWS = (
    "observations", "measures", "quarantine", "failures", "documents", "commentary", "benchmarks",
    "measure_targets", "measure_bands", "measure_definitions", "runs",
    "cells", "tables", "validations", "rag_checks", "revisions", "latest_observations", "corrections",
)
CORRECTION_COLUMNS = (
    "correction_id", "source_file", "source_sha256", "table_index", "row_index", "col_index", "breakdown",
    "action", "old_value", "new_value", "new_status", "who", "at", "why",
)
_CELL_KEY = ("source_file = ? AND source_sha256 = ? AND table_index = ? AND row_index = ? AND col_index = ?"
             " AND coalesce(breakdown, '') = ?")
SCHEMA_VERSION = hashlib.sha256(SCHEMA.read_bytes()).hexdigest()[:16]


def schema_statements(sql: str) -> list[str]:
    """schema.sql as single statements, comments dropped (no statement of it has `;` or `--` in a string)."""
    lines = [line.split("--", 1)[0] for line in sql.splitlines()]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


class Warehouse:
    """Lineage tables plus the contract views. A backend sets `con` (an object whose `execute(sql, params)`
    returns a DB-API cursor and takes `?` placeholders) and implements the methods that raise here."""

    con: Any
    location: str

    # --- what each backend supplies ---------------------------------------------------------------

    def _apply_schema(self, statements: list[str]) -> None:
        """Run schema.sql's statements (translated where the backend needs it)."""
        raise NotImplementedError

    def _insert(self, table: str, frame: Frame) -> None:
        """Append a frame's rows to a table, columns matched by name, in one statement or stream."""
        raise NotImplementedError

    def read_view(self, name: str) -> pa.RecordBatchReader:
        """A relation's rows as Arrow batches (what the exports write)."""
        raise NotImplementedError

    def relations(self) -> set[str]:
        """The names of the tables and views this warehouse holds."""
        raise NotImplementedError

    def columns(self, name: str) -> list[str]:
        """A table's or view's column names, in order."""
        raise NotImplementedError

    def query(self, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
        """A query's rows as a DataFrame (`?` placeholders)."""
        raise NotImplementedError

    def _lock(self, key: str) -> None:
        """Within the current transaction, wait for any other writer working on `key` (a document, or the
        decisions). DuckDB has one writer per file anyway; a server has many."""

    def close(self) -> None:
        self.con.close()

    @contextlib.contextmanager
    def loading(self) -> Iterator[None]:
        """A stretch of document loads (a transaction each, of a few hundred rows): a backend may tune
        its connection for many small writes meanwhile."""
        yield

    # --- the same for every backend ---------------------------------------------------------------

    def _ensure_schema(self) -> None:
        """Apply schema.sql when this database has not seen this version of it (it is idempotent, but slow)."""
        self.con.execute("CREATE TABLE IF NOT EXISTS scorecards_meta (key TEXT PRIMARY KEY, value TEXT)")
        row = self.con.execute("SELECT value FROM scorecards_meta WHERE key = 'schema_version'").fetchall()
        if row and row[0][0] == SCHEMA_VERSION:
            return
        self._apply_schema(schema_statements(SCHEMA.read_text()))
        self.con.execute(
            "INSERT INTO scorecards_meta VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = ?",
            [SCHEMA_VERSION, SCHEMA_VERSION])

    def __enter__(self) -> Warehouse:
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
        self, started: datetime, finished: datetime, mode: str, totals: dict[str, int], interrupted: bool,
        run_id: str | None = None,
    ) -> None:
        self.con.execute(
            """
            INSERT INTO run_facts (started_at, finished_at, mode, files_seen, new, changed, unchanged, loaded, failed,
                                   quarantined, observations, pages, interrupted, run_id, corrections_applied,
                                   corrections_orphaned)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [started, finished, mode, totals["files"], totals["new"], totals["changed"], totals["unchanged"],
             totals["loaded"], totals["failed"], totals["quarantined"], totals["observations"], totals["pages"],
             interrupted, run_id, totals.get("corrections applied"), totals.get("corrections orphaned")],
        )

    def replace_document(self, source_file: str, frames: dict[str, Frame], *, corrector: Corrector) -> None:
        """Swap a document's rows for new ones in one transaction: readers see old or new, never half.

        The reviewers' corrections for this file are applied in the same transaction (`corrector`
        makes their rows), so a reader never sees a corrected figure back in quarantine, not even for
        a moment.
        """
        def work() -> None:
            self._lock(f"document:{source_file}")
            # A file the warehouse has never held (the usual case in a backfill) has no rows to delete:
            # a dozen statements saved per file. Loads are whole or nothing, so no fact row outlives
            # its document row.
            seen = self.con.execute(
                "SELECT EXISTS (SELECT 1 FROM document_facts WHERE source_file = ?) "
                "OR EXISTS (SELECT 1 FROM failure_facts WHERE source_file = ?) "
                "OR EXISTS (SELECT 1 FROM correction_facts WHERE source_file = ?)",
                [source_file] * 3).fetchall()[0][0]
            if seen:
                for table in FACT_TABLES:
                    self.con.execute(f"DELETE FROM {table} WHERE source_file = ?", [source_file])
                self.con.execute("DELETE FROM failure_facts WHERE source_file = ?", [source_file])
            for table, frame in frames.items():
                if table == "document_facts":
                    # When it was loaded, not when a worker read it: "the copy loaded last"
                    # (latest_observations, revisions) is then the one written last.
                    frame = frame.assign(loaded_at=datetime.now())
                self._insert(table, frame)
            if seen:
                self._apply_corrections(source_file, corrector)

        self._in_transaction(work)

    # -----------------------------------------------------------------------------------------
    # Corrections
    # -----------------------------------------------------------------------------------------

    def _in_transaction(self, work: Any) -> Any:
        self.con.execute("BEGIN TRANSACTION")
        try:
            result = work()
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise
        return result

    def _store_decisions(self, corrections: list[Correction]) -> None:
        rows = pd.DataFrame([{k: c.row()[k] for k in CORRECTION_COLUMNS} for c in corrections],
                            columns=list(CORRECTION_COLUMNS))
        rows["new_value"] = rows["new_value"].astype("float64")
        if not rows.empty:
            self._insert("correction_facts", rows)

    def sync_corrections(self, corrections: list[Correction], *, corrector: Corrector) -> list[str]:
        """Make the warehouse's decisions exactly these (the CSV is the record), then apply them all.

        Returns the ids of decisions the warehouse had that the CSV no longer has (their effect is undone).
        """
        def work() -> list[str]:
            self._lock("decisions")
            known = {row[0] for row in self.con.execute("SELECT correction_id FROM correction_facts").fetchall()}
            dropped = sorted(known - {c.correction_id for c in corrections})
            self.con.execute("DELETE FROM correction_facts")
            self._store_decisions(corrections)
            self._apply_corrections(None, corrector)
            return dropped

        dropped: list[str] = self._in_transaction(work)
        return dropped

    def record_correction(self, correction: Correction, *, corrector: Corrector) -> dict[str, Any]:
        """Store one decision (replacing an earlier one for the same cell) and apply it; returns its state."""
        def work() -> None:
            self._lock("decisions")
            self.con.execute("DELETE FROM correction_facts WHERE correction_id = ?", [correction.correction_id])
            self._store_decisions([correction])
            self._apply_corrections(correction.source_file, corrector)

        self._in_transaction(work)
        found = self.query("SELECT * FROM corrections WHERE correction_id = ?", [correction.correction_id])
        return found.iloc[0].to_dict()

    def apply_corrections(self, source_file: str | None = None, *, corrector: Corrector) -> pd.DataFrame:
        """Re-apply the stored decisions (of one file, or all); returns the `corrections` view rows concerned."""
        def work() -> None:
            self._lock("decisions")
            self._apply_corrections(source_file, corrector)

        self._in_transaction(work)
        where, params = ("WHERE source_file = ?", [source_file]) if source_file else ("", [])
        return self.query(f"SELECT * FROM corrections {where}", params)

    def _rows(self, sql: str, params: list[Any]) -> list[dict[str, Any]]:
        cursor = self.con.execute(sql, params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def _apply_corrections(self, source_file: str | None, corrector: Corrector) -> None:
        """Work out each decision's state and rebuild the rows corrections produce (inside a transaction).

        Nothing loaded is changed: the views hide what an applied correction moves or rejects and add
        corrected_facts, so a decision removed later simply stops applying.
        """
        where, params = ("WHERE source_file = ?", [source_file]) if source_file else ("", [])
        decisions = self._rows(f"SELECT * FROM correction_facts {where}", params)
        self.con.execute(f"DELETE FROM corrected_facts {where}", params)
        if not decisions:
            return
        loaded = dict(self.con.execute("SELECT source_file, source_sha256 FROM document_facts").fetchall())
        produced: list[dict[str, Any]] = []
        for decision in decisions:
            correction = Correction(**{k: decision[k] for k in CORRECTION_COLUMNS if k != "new_value"},
                                    new_value=decision["new_value"])
            state, reason, target, old_value, rows = self._resolve(
                correction, loaded.get(correction.source_file), corrector)
            produced += rows
            self.con.execute(
                "UPDATE correction_facts SET state = ?, state_reason = ?, target = ?, "
                "old_value = CASE WHEN coalesce(old_value, '') = '' THEN ? ELSE old_value END "
                "WHERE correction_id = ?",
                [state, reason, target, old_value, correction.correction_id],
            )
        if produced:
            # Only the columns corrected_facts has: a column added to observation_facts later must not
            # make every load fail here.
            columns = self.columns("corrected_facts")
            frame = pd.DataFrame(produced)
            self._insert("corrected_facts", frame[[c for c in frame.columns if c in columns]])

    def _resolve(
        self, c: Correction, loaded_sha: str | None, corrector: Corrector
    ) -> tuple[str, str, str, str, list[dict[str, Any]]]:
        """(state, reason, target table, old value as read, rows produced) for one decision."""
        if loaded_sha is None:
            return PENDING, f"{c.source_file} is not loaded", "", "", []
        if loaded_sha != c.source_sha256:
            return (ORPHANED, f"{c.source_file} changed: the correction was made on bytes {c.source_sha256[:12]}, "
                    f"the loaded file is {loaded_sha[:12]}", "", "", [])
        key = [c.source_file, c.source_sha256, c.table_index, c.row_index, c.col_index, c.breakdown]
        held = self._rows(f"SELECT * FROM quarantine_facts WHERE {_CELL_KEY}", key)
        if held:
            old = held[0]["raw_text"] or ""
            if c.action == "reject":
                return APPLIED, f"rejected {len(held)} quarantined row(s)", "quarantine", old, []
            if c.action == "correct" and len(held) > 1:
                return (ORPHANED, f"{len(held)} quarantined figures at this cell and breakdown; a new value "
                        "would be ambiguous", "", old, [])
            made = []
            for row in held:
                obs = corrector(c, "quarantine", row, self._beside(row, "quarantine"))
                if isinstance(obs, str):
                    return ORPHANED, obs, "", old, []
                made.append(obs)
            return APPLIED, f"{c.action}ed: moved {len(made)} figure(s) to observations", "quarantine", old, made
        seen = self._rows(f"SELECT * FROM observation_facts WHERE {_CELL_KEY}", key)
        if seen:
            old = seen[0]["raw_text"] or ""
            if c.action == "accept":
                return APPLIED, "already an observation: nothing to move", "observation", old, []
            if c.action == "reject":
                return APPLIED, f"rejected {len(seen)} observation(s)", "observation", old, []
            if len(seen) > 1:
                return ORPHANED, f"{len(seen)} figures at this cell and breakdown; ambiguous", "", old, []
            made = corrector(c, "observation", seen[0], self._beside(seen[0], "observation"))
            if isinstance(made, str):
                return ORPHANED, made, "", old, []
            return APPLIED, "corrected an observation", "observation", old, [made]
        return ORPHANED, self._missing_cell_reason(c), "", "", []

    def _missing_cell_reason(self, c: Correction) -> str:
        where = f"table {c.table_index} row {c.row_index} column {c.col_index}"
        others = self.con.execute(
            "SELECT DISTINCT coalesce(breakdown, '') FROM ("
            " SELECT breakdown FROM quarantine_facts WHERE source_file = ? AND table_index = ? AND row_index = ?"
            "  AND col_index = ?"
            " UNION ALL SELECT breakdown FROM observation_facts WHERE source_file = ? AND table_index = ?"
            "  AND row_index = ? AND col_index = ?) AS cell ORDER BY 1",
            [c.source_file, c.table_index, c.row_index, c.col_index] * 2,
        ).fetchall()
        if others:
            names = ", ".join(repr(o[0]) for o in others)
            return f"no figure with breakdown {c.breakdown!r} at {where}; the cell gives {names}"
        return f"no figure at {where} of {c.source_file} any more"

    def _beside(self, row: dict[str, Any], held_in: str) -> dict[str, Any]:
        """What the warehouse holds beside a row that a correction's new row is made with (the keys of
        normalise.corrections.corrected_row's `beside`): for a quarantined row, its document's
        organisation, its column's period and its row's measure id, section and unit, where an
        observation gives them; for any row, its measure's target and its bands."""
        # fetchall, never fetchone: DuckDB 2 refuses further work on a connection with a half-read result.
        beside: dict[str, Any] = {}
        if held_in == "quarantine":
            doc = _first(self.con.execute("SELECT organisation FROM document_facts WHERE source_file = ?",
                                          [row["source_file"]]).fetchall())
            column = _first(self.con.execute(
                "SELECT period_type, period_start, period_end FROM observation_facts WHERE source_file = ?"
                " AND table_index = ? AND col_index = ? AND period_label = ? LIMIT 1",
                [row["source_file"], row["table_index"], row["col_index"], row["period_label"] or ""],
            ).fetchall())
            same_row = _first(self.con.execute(
                "SELECT measure_id, section, (SELECT max(unit) FROM observation_facts WHERE source_file = ?"
                " AND table_index = ? AND row_index = ? AND unit <> '') FROM observation_facts"
                " WHERE source_file = ? AND table_index = ? AND row_index = ? LIMIT 1",
                [row["source_file"], row["table_index"], row["row_index"]] * 2,
            ).fetchall())
            beside["organisation"] = doc[0] if doc else ""
            if column:
                beside |= dict(zip(("period_type", "period_start", "period_end"), column, strict=True))
            if same_row:
                beside |= dict(zip(("measure_id", "section", "unit"), same_row, strict=True))
        beside["measure"] = _first(self.con.execute(
            "SELECT target_value, tolerance_low, tolerance_high, polarity FROM measure_facts"
            " WHERE source_file = ? AND table_index = ? AND measure_label = ? LIMIT 1",
            [row["source_file"], row["table_index"], row["measure_label"]],
        ).fetchall())
        beside["bands"] = self.con.execute(
            "SELECT band, lower, upper, lower_inclusive, upper_inclusive FROM band_facts"
            " WHERE source_file = ? AND measure_label = ?", [row["source_file"], row["measure_label"]]).fetchall()
        return beside

    def new_correction(
        self, source_file: str, row_index: int, col_index: int, action: str, table_index: int | None = None,
        breakdown: str | None = None, new_value: float | None = None, new_status: str = "", who: str = "",
        why: str = "", *, corrector: Corrector,
    ) -> Correction:
        """A decision about a loaded cell, checked against what is loaded (`corrector` says whether it
        makes a row); ValueError says what is wrong.

        The table and the breakdown may be left out when only one fits the cell.
        """
        sha = self.loaded_sha(source_file)
        if sha is None:
            raise ValueError(f"{source_file} is not loaded in {self.location}")
        found = self.con.execute(
            "SELECT DISTINCT table_index, coalesce(breakdown, '') FROM ("
            " SELECT table_index, breakdown FROM quarantine_facts WHERE source_file = ? AND row_index = ?"
            "  AND col_index = ?"
            " UNION ALL SELECT table_index, breakdown FROM observation_facts WHERE source_file = ? AND row_index = ?"
            "  AND col_index = ?) AS cell ORDER BY 1, 2",
            [source_file, row_index, col_index] * 2,
        ).fetchall()
        if table_index is not None:
            found = [f for f in found if f[0] == table_index]
        if breakdown is not None:
            found = [f for f in found if f[1] == breakdown]
        where = f"{source_file} row {row_index} column {col_index}"
        if not found:
            raise ValueError(f"no figure at {where}" + (f" of table {table_index}" if table_index else "")
                             + (f" with breakdown {breakdown!r}" if breakdown is not None else ""))
        if len(found) > 1:
            options = "; ".join(f"--table {t} --breakdown {b!r}" for t, b in found)
            raise ValueError(f"several figures at {where}: name one ({options})")
        table_index, breakdown = found[0]
        correction = Correction(source_file, sha, table_index, row_index, col_index, action, breakdown=breakdown,
                                new_value=new_value, new_status=new_status, who=who, why=why)
        if problems := correction.problems():
            raise ValueError("; ".join(problems))
        state, reason, _, old_value, _ = self._resolve(correction, sha, corrector)
        if state != APPLIED:
            raise ValueError(reason)
        correction.old_value = old_value
        return correction

    def correction_report(self) -> dict[str, Any]:
        """Counts by state and every orphaned decision, for the end of an ingest run."""
        counts = dict(self.con.execute("SELECT state, count(*) FROM correction_facts GROUP BY state").fetchall())
        orphaned = self._rows(
            "SELECT correction_id, source_file, table_index, row_index, col_index, breakdown, action, state_reason"
            " FROM correction_facts WHERE state = 'orphaned' ORDER BY source_file, correction_id", [])
        return {"applied": counts.get(APPLIED, 0), "orphaned": orphaned, "pending": counts.get(PENDING, 0)}

    def record_failure(self, source_file: str, sha256: str, source_path: str, reason: str) -> None:
        """A file that could not be read; its earlier good load, if any, stays as it was."""
        self.con.execute(
            "INSERT INTO failure_facts (source_file, source_sha256, source_path, reason, tried_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (source_file) DO UPDATE SET source_sha256 = excluded.source_sha256,"
            " source_path = excluded.source_path, reason = excluded.reason, tried_at = excluded.tried_at",
            [source_file, sha256, source_path, reason, datetime.now()],
        )

    def export(self, out: Path, formats: tuple[str, ...] = ("csv", "parquet")) -> list[Path]:
        """Each contract view as out/<view>.csv and .parquet, and the other formats asked for
        (warehouse/exports.py: `duckdb`, `ees`). CSV text is made safe for spreadsheets."""
        from scorecards.warehouse.exports import write_exports

        return write_exports(self.read_view, EXPORT_VIEWS, Path(out), formats)

    def view(self, name: str) -> pd.DataFrame:
        """One of the contract's views (EXPORT_VIEWS: observations, quarantine, measures, ...) as a DataFrame."""
        if name not in EXPORT_VIEWS:
            raise ValueError(f"{name!r} is not a view of the contract; the views are {', '.join(EXPORT_VIEWS)}")
        return self.query(f"SELECT * FROM {name}")

    def known_labels(self) -> dict[str, list[str]]:
        """The measure labels already loaded, per organisation: what a doubtful OCR'd label may be
        repaired to (normalise.ocr_trust)."""
        rows = self.con.execute(
            """
            SELECT DISTINCT d.organisation, m.measure_label
            FROM measure_facts m JOIN document_facts d ON d.source_file = m.source_file
            WHERE coalesce(d.organisation, '') <> '' AND coalesce(m.measure_label, '') <> ''
            ORDER BY 1, 2
            """
        ).fetchall()
        out: dict[str, list[str]] = {}
        for organisation, label in rows:
            out.setdefault(organisation, []).append(label)
        return out

    def status(self) -> dict[str, pd.DataFrame]:
        """What is loaded (per document), what failed, and what sits in quarantine."""
        documents = self.query(
            """
            SELECT d.source_file, d.pages, d.tables, d.layouts,
                   (SELECT count(*) FROM observation_facts o WHERE o.source_file = d.source_file) AS observations,
                   (SELECT count(*) FROM quarantine_facts q WHERE q.source_file = d.source_file) AS quarantined,
                   d.figure_cells, d.uncited_cells, d.loaded_at
            FROM document_facts d ORDER BY d.source_file
            """
        )
        failures = self.query("SELECT source_file, reason, tried_at FROM failure_facts ORDER BY source_file")
        quarantine = self.query(
            "SELECT reason, count(*) AS rows FROM quarantine_facts GROUP BY reason ORDER BY rows DESC"
        )
        runs = self.query(
            "SELECT started_at, finished_at, mode, files_seen, new, changed, unchanged, loaded, failed, quarantined,"
            " observations, pages, interrupted, corrections_applied, corrections_orphaned FROM runs LIMIT 5")
        validations = self.query(
            """
            SELECT v.run_started_at AS run_started, left(v.run_id, 8) AS run,
                   count(DISTINCT v.source_file) AS documents,
                   count(*) AS checks, count(*) FILTER (WHERE v.success) AS passed,
                   round(100.0 * count(*) FILTER (WHERE v.success) / count(*), 1) AS "pass rate %",
                   string_agg(DISTINCT v.expectation, '; ') FILTER (WHERE NOT v.success) AS failing
            FROM validation_facts v GROUP BY v.run_id, v.run_started_at ORDER BY v.run_started_at DESC LIMIT 5
            """
        )
        corrections = self.query(
            "SELECT state, action, count(*) AS corrections FROM correction_facts GROUP BY state, action"
            " ORDER BY state, action"
        )
        return {"documents": documents, "failures": failures, "quarantine": quarantine, "last runs": runs,
                "validations (last runs)": validations, "corrections": corrections}


def _first(rows: list[Any]) -> Any:
    return rows[0] if rows else None
