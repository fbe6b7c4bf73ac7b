"""Benchmark: the review site for 1,000 documents builds in under a minute, and its pages stay small.

A warehouse of N documents is made cheaply: a few generated reports (contract and improvement grids,
target-setting tables, PDF and Word, plus one report with untrusted cells so quarantine has crops and Word
context tables) are ingested for real once, then their rows in every fact table are copied in SQL under new
file names and hashes until there are N documents. Copies are spread over 50 organisations and every other
copy in each organisation has its figures nudged, so the revisions, latest_observations and RAG views have
real work to do.
Then `build_site` is timed on it: seconds, pages written, pictures, total bytes, the largest page.

Usage: ``python benchmarks/review.py [--documents 1000] [--out DIR] [--keep]``
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

LIMIT_SECONDS = 60.0
ORGANISATIONS = 50


def base_reports(folder: Path) -> list[Path]:
    """Generated reports of each grid style in both formats, plus one with cells no reader can trust."""
    from samples.generate import STYLES, generate_folder, random_report
    from samples.pdf_render import write_pdf
    from samples.word_render import write_docx

    made = generate_folder(folder, count=len(STYLES), seed=40, formats=("pdf", "docx"), n_measures=10,
                           styles=STYLES)
    model = random_report(7, "contract", n_measures=8)
    model.measures[0].values[1] = "<script>alert(1)</script>"
    model.measures[1].values[2] = "12.3% ???"
    model.measures[2].values[3] = "see note"
    return [*made, write_pdf(model, folder / "untrusted.pdf"), write_docx(model, folder / "untrusted.docx")]


def replicate(location: str, documents: int) -> int:
    """Copy the loaded documents' rows under new names until the warehouse holds `documents` documents."""
    import duckdb

    con = duckdb.connect(location)
    originals = [r[0] for r in con.execute("SELECT source_file FROM document_facts ORDER BY source_file").fetchall()]
    copies = []
    for i in range(documents - len(originals)):
        original = originals[i % len(originals)]
        stem, _, ext = original.rpartition(".")
        name = f"{stem}_copy{i:04d}.{ext}"
        copies.append((original, name, hashlib.sha256(name.encode()).hexdigest(), f"Authority {i % ORGANISATIONS}",
                       (i // ORGANISATIONS) % 2 == 1))
    con.execute("CREATE TEMP TABLE copies (orig TEXT, copy TEXT, sha TEXT, org TEXT, nudge BOOLEAN)")
    con.executemany("INSERT INTO copies VALUES (?, ?, ?, ?, ?)", copies)
    tables = [r[0] for r in con.execute(
        """
        SELECT table_name FROM information_schema.columns
        WHERE column_name = 'source_file' AND table_name LIKE '%\\_facts' ESCAPE '\\'
          AND table_name NOT IN ('failure_facts', 'correction_facts', 'corrected_facts')
        GROUP BY table_name HAVING count(*) = 1 ORDER BY table_name
        """).fetchall()]
    for table in tables:
        columns = {r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]).fetchall()}
        replaced = ["c.copy AS source_file"]
        if "source_sha256" in columns:
            replaced.append("c.sha AS source_sha256")
        if "organisation" in columns:
            replaced.append("c.org AS organisation")
        if table == "observation_facts":
            replaced.append("CASE WHEN c.nudge AND t.value IS NOT NULL THEN t.value + 1 ELSE t.value END AS value")
        excluded = ", ".join(sorted({r.split(" AS ")[1] for r in replaced}))
        con.execute(
            f"INSERT INTO {table} BY NAME SELECT t.* EXCLUDE ({excluded}), {', '.join(replaced)} "
            f"FROM {table} t JOIN copies c ON t.source_file = c.orig")
    count = con.execute("SELECT count(*) FROM document_facts").fetchone()[0]
    con.close()
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--out", type=Path, help="keep the warehouse and site here (default: a temp folder)")
    parser.add_argument("--keep", action="store_true", help="do not delete the temp folder")
    args = parser.parse_args(argv)

    from scorecards.flows.pipeline import ingest_files
    from scorecards.warehouse.review import build_site

    work = args.out or Path(tempfile.mkdtemp(prefix="scorecards-review-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    location = str(work / "warehouse.duckdb")
    try:
        started = time.perf_counter()
        files = base_reports(work / "reports")
        summary = ingest_files(files, location, progress=False)
        print(f"ingested {summary.count('loaded')} base documents in {time.perf_counter() - started:.1f} s "
              f"({summary.count('failed')} failed)")
        started = time.perf_counter()
        total = replicate(location, args.documents)
        print(f"replicated to {total} documents in {time.perf_counter() - started:.1f} s")

        report = build_site(location, work / "site")
        html = list((work / "site").rglob("*.html"))
        sizes = sorted(p.stat().st_size for p in html)
        print(f"\nreview site for {report.counts['documents']} documents: {report.seconds:.1f} s "
              f"(limit {LIMIT_SECONDS:.0f} s)")
        print(f"  pages written: {report.pages}, pictures: {report.images}, "
              f"bytes: {report.bytes_written / 1e6:.1f} MB")
        print(f"  largest page: {report.largest_page} {report.largest_page_bytes / 1024:.0f} KiB; "
              f"median page {sizes[len(sizes) // 2] / 1024:.0f} KiB")
        print(f"  counts: {report.counts}")
        ok = report.seconds < LIMIT_SECONDS and report.largest_page_bytes < 1_000_000
        print("PASS" if ok else "FAIL")
        return 0 if ok else 1
    finally:
        if not (args.out or args.keep):
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
