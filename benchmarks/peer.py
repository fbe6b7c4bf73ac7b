"""Benchmark: table accuracy and speed on documents nobody here made (the shared peer suites).

For every PDF of a suite, in this process (or ``--jobs`` worker processes):
``normalise.inspect.inspect_file``, exactly what ``scorecards inspect FILE --json`` prints (one entry
per table region as found on its page), written to ``OUT/<suite>/inspect/<name>.json``; and, from
the same extraction, the tables as the pipeline normalises them (a table continued on the next page
joined into one), ``OUT/<suite>/joined/<name>.json``. The suite's scorer is run over both folders
and its last lines (macro F1, then micro precision / recall / F1 over cells) are printed with pages
per second. The inspect output is the figure to quote: the peer truths list tables page by page
(tabula and camelot read one page, ICDAR 2013 annotates each page's table), as inspect does; the
joined tables are shown to see what joining costs against a per-page truth.

* ``peer``: ``../shared/peer/files`` against ``expected/`` (unpaired predictions ignored);
* ``icdar``: ``../shared/peer/icdar2013/files`` against its ``expected/`` with ``--complete``
  (every table is annotated, so a table found where there is none costs precision).

No hints of any kind reach the extractor: no areas, no pages, no per-file settings.
Seconds are the wall time of ``inspect_file`` (PDF opening, extraction and the layout decisions, as
``scorecards inspect`` runs them; scoring and the joined view excluded) summed over files; with
``--jobs N`` the elapsed time is printed too.

Usage: ``python benchmarks/peer.py [--suite peer|icdar|both] [--jobs N] [--peer DIR] [--out DIR]
[--settings JSON] [--files-only NAME,...] [--per-file]``
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere: the project's packages first
    sys.path.insert(0, str(ROOT))

DEFAULT_PEER = ROOT.parent / "shared" / "peer"


@dataclass(frozen=True)
class Suite:
    name: str
    files: Path
    expected: Path
    scorer: Path
    complete: bool


def suites(peer: Path) -> dict[str, Suite]:
    scorer = peer / "score_tables.py"  # one scorer for both suites
    return {
        "peer": Suite("peer", peer / "files", peer / "expected", scorer, False),
        "icdar": Suite("icdar", peer / "icdar2013" / "files", peer / "icdar2013" / "expected", scorer, True),
    }


def inspect_one(job: tuple[str, str, dict[str, Any] | None]) -> tuple[str, int, float, str | None]:
    """Inspect one PDF; write what `scorecards inspect --json` prints and the tables as joined.

    `OUT/inspect/<name>.json` is exactly the inspect output (regions as found on their pages);
    `OUT/joined/<name>.json` the tables the pipeline normalises. Both come from one extraction.
    """
    from scorecards.extractors.model import ExtractionError
    from scorecards.normalise.inspect import describe, inspect_file

    pdf, out_dir, settings = job
    path = Path(pdf)
    started = time.perf_counter()
    pages, error = 0, None
    regions: list[dict[str, Any]] = []
    joined: list[dict[str, Any]] = []
    seconds = 0.0
    try:
        seen = inspect_file(path, "benchmark", settings)
        # Timed: what `scorecards inspect` does (extract, join, decide layouts); not the joined view below.
        seconds = time.perf_counter() - started
        pages, regions = seen.doc.pages, seen.regions
        joined = describe(seen.doc)
    except ExtractionError as exc:  # recorded as a failure by the CLI: an empty prediction
        error = str(exc)
        seconds = time.perf_counter() - started
    for kind, tables in (("inspect", regions), ("joined", joined)):
        (Path(out_dir) / kind / f"{path.stem}.json").write_text(json.dumps(tables, ensure_ascii=False), "utf-8")
    return path.stem, pages, seconds, error


def _score(suite: Suite, folder: Path) -> list[str]:
    command = [sys.executable, str(suite.scorer), str(suite.expected), str(folder)]
    if suite.complete:
        command.append("--complete")
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip().splitlines()


def run_suite(
    suite: Suite, out: Path, jobs: int, settings: dict[str, Any] | None, only: set[str] | None
) -> dict[str, Any]:
    for kind in ("inspect", "joined"):
        (out / kind).mkdir(parents=True, exist_ok=True)
        for old in (out / kind).glob("*.json"):
            old.unlink()
    pdfs = sorted(p for p in suite.files.glob("*.pdf") if not only or p.stem in only)
    work = [(str(p), str(out), settings) for p in pdfs]
    started = time.perf_counter()
    if jobs > 1:
        with ProcessPoolExecutor(jobs) as pool:
            results = list(pool.map(inspect_one, work))
    else:
        results = [inspect_one(job) for job in work]
    elapsed = time.perf_counter() - started
    regions = _score(suite, out / "inspect")
    joined = _score(suite, out / "joined")
    return {
        "suite": suite.name, "files": len(pdfs), "pages": sum(r[1] for r in results),
        "seconds": sum(r[2] for r in results), "elapsed": elapsed,
        "errors": {r[0]: r[3] for r in results if r[3]},
        "per_file": regions[:-2], "inspect": regions[-2:], "joined": joined[-2:],
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", choices=("peer", "icdar", "both"), default="both")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--peer", type=Path, default=DEFAULT_PEER, help="the shared peer folder")
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "scorecards-peer",
                        help="where the predictions go, one folder per suite")
    parser.add_argument("--settings", type=json.loads, default=None,
                        help="JSON object of extraction settings (extractors.settings; same for every file)")
    parser.add_argument("--files-only", default="", help="comma-separated file stems, for debugging")
    parser.add_argument("--per-file", action="store_true", help="print the scorer's line for every file")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    chosen = ["peer", "icdar"] if args.suite == "both" else [args.suite]
    only = {s for s in args.files_only.split(",") if s} or None
    for name in chosen:
        result = run_suite(suites(args.peer)[name], args.out / name, args.jobs, args.settings, only)
        if args.per_file:
            print("\n".join(result["per_file"]))
        rate = result["pages"] / result["seconds"] if result["seconds"] else 0.0
        overall = result["pages"] / result["elapsed"] if result["elapsed"] else 0.0
        print(f"{name}: {result['files']} files, {result['pages']} pages, {result['seconds']:.1f} s inspecting "
              f"({rate:.2f} pages/s per process); {result['elapsed']:.1f} s elapsed with {args.jobs} job(s) "
              f"({overall:.2f} pages/s)")
        for stem, error in result["errors"].items():
            print(f"  failed {stem}: {error}")
        print("as `scorecards inspect --json` prints them (each region as found on its page):")
        print("\n".join("  " + line for line in result["inspect"]))
        print("as the pipeline normalises them (a table continued over pages joined into one):")
        print("\n".join("  " + line for line in result["joined"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
