"""Benchmark: how fast the single writer loads, into a DuckDB file and into PostgreSQL.

Usage: ``python benchmarks/warehouses.py [--files N] [--postgres URL] [--batch B]``

Loading stays one writer whatever extracts (the pool, Dask workers), so the writer's rate is the
ceiling of a backfill on many machines. This prepares ``--files`` one-page grid reports once
(extract, normalise and validate, untimed), then times only the loads: the same frames, in batches
of ``--batch`` documents through one connection and a transaction per document, as an ingest does,
into a new DuckDB file and into a new PostgreSQL database (``--postgres URL``, whose database must
be empty, or else a throwaway server started here as the tests start theirs).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for extra in (ROOT, ROOT / "tests"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))


def prepared_documents(folder: Path, files: int) -> list[tuple[str, dict]]:
    """`files` one-page reports (10 distinct ones, copied under new names), extracted and validated."""
    from scorecards.flows.discover import sha256_of
    from scorecards.flows.steps import prepare, validate_step

    from samples.generate import generate_folder

    made = generate_folder(folder / "distinct", 10, seed=0, formats=("pdf",), n_measures=4, follow_ups=False)
    prepared = {path.name: prepare(path, sha256_of(path)).frames for path in made}
    documents = []
    for i in range(files):
        name = made[i % len(made)].name
        frames = {table: frame.assign(source_file=f"copy_{i:05d}_{name}") for table, frame in prepared[name].items()}
        documents.append((f"copy_{i:05d}_{name}", frames))
    checked = validate_step([frames for _, frames in documents])
    return [(name, frames) for (name, _), frames in zip(documents, checked, strict=True)]


def time_loads(location: str, documents: list[tuple[str, dict]], batch: int) -> float:
    from scorecards.flows.steps import load_step
    from scorecards.warehouse import open_warehouse

    open_warehouse(location).close()  # the schema made before the clock starts
    started = time.perf_counter()
    for at in range(0, len(documents), batch):
        load_step(location, documents[at:at + batch])
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--postgres", help="an empty PostgreSQL database's URL (default: a throwaway server)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="scorecards-warehouses-"))
    server = None
    try:
        documents = prepared_documents(work, args.files)
        rows = sum(len(frame) for _, frames in documents for frame in frames.values())
        location = args.postgres
        if location is None:
            from pg_server import PostgresServer

            server = PostgresServer()
            location = server.new_database()
        print(f"{args.files} one-page documents, {rows:,} rows, batches of {args.batch}, 2 cores")
        print(f"{'warehouse':<12} {'load s':>8} {'documents/s':>12} {'rows/s':>10}")
        for name, target in (("duckdb", str(work / "w.duckdb")), ("postgresql", location)):
            seconds = time_loads(target, documents, args.batch)
            print(f"{name:<12} {seconds:>8.1f} {args.files / seconds:>12.1f} {rows / seconds:>10,.0f}")
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
