"""Benchmark: a backfill on the process pool against extraction on Dask (issue #16), and the national
backfill worked out on paper from the measured rates.

Usage: ``python benchmarks/dask_backfill.py [--folder DIR] [--pages N] [--scans N] [--seed S]
[--pages-per-document P] [--scan-share F] [--json FILE]``

One folder (``--folder``, or about ``--pages`` pages of mixed text PDFs drawn by the sample
generators into a temporary folder: quarterly grids, improvement scorecards and target-setting
tables, ruled and borderless, and monthly indicator cards; ``--scans N`` adds N
scanned pages from ``python -m samples.scans``) is ingested, each time into a new DuckDB file, by
the CLI in a subprocess, as a user runs it:

* the process pool with 2 workers: ``scorecards ingest DIR --workers 2 --no-prefect``;
* the same as a Prefect flow (``--prefect``): what Prefect itself costs, apart from Dask;
* Dask, a local cluster of 1 worker: ``scorecards ingest DIR --dask local --workers 1``;
* Dask, a local cluster of 2 workers: ``scorecards ingest DIR --dask local --workers 2``.

The Dask runs are Prefect flows (a temporary Prefect server in a fresh PREFECT_HOME, as on a machine
without PREFECT_API_URL). Shown for each: wall seconds, pages/s over the whole run, the fixed cost
(the same command on a one-page folder: imports, Prefect server, cluster start, Great Expectations)
and the rate without it (pages over wall minus fixed cost: what a long backfill sees), and peak
memory (the summed resident set of the process tree: CLI, pool or Dask workers and nannies, the
Prefect server). All runs must load the same rows.

Then the national backfill on paper: 150 councils x 120 documents, pages per document as measured
here or ``--pages-per-document`` (default 15: real reports run longer than the generated ones),
hours on 1, 4 and 16 machines like this one, at the measured text-PDF rate and at a scan rate
(measured with ``--scans``: the scans alone on Dask with 2 workers; else the last rate measured by
``benchmarks/ocr.py``, 0.614 pages/s on 2 cores), and for a mix with ``--scan-share`` of the pages
scanned (default 0.4).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.ocr import python, run_sampled  # noqa: E402  (the process-tree memory sampler, shared)

COUNCILS, DOCUMENTS_PER_COUNCIL = 150, 120
OCR_RATE = 0.614  # pages/s, 2 workers on 2 cores: the last benchmarks/ocr.py run
MACHINES = (1, 4, 16)
RUNS = (("pool, 2 workers", ["--workers", "2", "--no-prefect"]),
        ("pool, 2 workers, Prefect", ["--workers", "2", "--prefect"]),
        ("Dask local, 1 worker", ["--dask", "local", "--workers", "1"]),
        ("Dask local, 2 workers", ["--dask", "local", "--workers", "2"]))
DASK_2 = RUNS[3]
VOLATILE = {"loaded_at", "tried_at", "started_at", "finished_at", "run_id", "run_started_at", "validated_at", "at",
            "mode"}


def pdf_pages(folder: Path) -> int:
    from samples.scans import page_count

    return sum(page_count(p) for p in folder.rglob("*.pdf"))


def make_folder(out: Path, pages: int, seed: int) -> Path:
    """Mixed text PDFs, round after round of every generator, until they hold at least ``pages`` pages."""
    from samples import cards
    from samples.generate import STYLES, random_report
    from samples.pdf_render import write_pdf

    out.mkdir(parents=True, exist_ok=True)
    made, i = 0, 0
    from samples.scans import page_count

    while made < pages:
        s = seed + i
        style = STYLES[i % len(STYLES)]
        written = [
            write_pdf(random_report(s, style, 16), out / f"{style}_{i:03d}.pdf"),
            write_pdf(random_report(s + 500, STYLES[(i + 1) % len(STYLES)], 12), out / f"unruled_{i:03d}.pdf",
                      ruled=False),
            cards.write_pdf(cards.random_card_report(s), out / f"cards_{i:03d}.pdf"),
        ]
        made += sum(page_count(p) for p in written)
        i += 1
    return out


def ingest(targets: list[Path], warehouse: Path, options: list[str], work: Path) -> dict[str, Any]:
    """One CLI ingest in a subprocess (cwd ``work``, no scorecards.toml there), timed and sampled."""
    home = Path(tempfile.mkdtemp(prefix="prefect-home-", dir=work))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
           "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    command = [python(), "-m", "scorecards.flows.cli", "ingest", *map(str, targets), "--warehouse", str(warehouse),
               "--quiet", *options]
    process, _, stderr, seconds, peak = run_sampled(command, work, env)
    if process.returncode not in (0, 1):
        sys.exit(f"{' '.join(command)} failed ({process.returncode}):\n{stderr[-3000:]}")
    return {"seconds": seconds, "peak_mib": peak / 2**20, "exit_code": process.returncode}


def rows(warehouse: Path) -> dict[str, Any]:
    """Every contract view, without load times and run ids, rows sorted: to check the runs agree."""
    from scorecards.warehouse import EXPORT_VIEWS, open_warehouse

    out = {}
    with open_warehouse(str(warehouse), read_only=True) as wh:
        for name in EXPORT_VIEWS:
            frame = wh.view(name)
            frame = frame[[c for c in frame.columns if c not in VOLATILE]].astype(str)
            out[name] = sorted(map(tuple, frame.itertuples(index=False)))
        documents = wh.view("documents")
    out["_documents"] = len(documents)
    out["_pages"] = int(documents["pages"].sum()) if len(documents) else 0
    return out


def hours(pages: float, rate: float, machines: int) -> float:
    return pages / (rate * machines) / 3600


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, help="reports to ingest (default: generate mixed text PDFs)")
    parser.add_argument("--pages", type=int, default=100, help="pages of text PDFs to generate (default 100)")
    parser.add_argument("--scans", type=int, default=0, help="also add this many scanned pages (samples.scans)")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--pages-per-document", type=float, default=15.0,
                        help="for the national estimate (default 15; 0: as measured here)")
    parser.add_argument("--scan-share", type=float, default=0.4, help="share of scanned pages in the mix (0.4)")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="scorecards-dask-bench-"))
    try:
        folder = args.folder
        if folder is None:
            started = time.perf_counter()
            folder = make_folder(work / "reports", args.pages, args.seed)
            print(f"generated {len(list(folder.glob('*.pdf')))} text PDFs in {time.perf_counter() - started:.0f} s")
        targets, scans = [folder], None
        if args.scans:  # beside the folder, never into it
            scans = work / "scans"
            subprocess.run([python(), "-m", "samples.scans", str(scans), "--pages", str(args.scans),
                            "--seed", str(args.seed)], cwd=ROOT, check=True)
            targets.append(scans)
        pages = sum(pdf_pages(t) for t in targets)
        tiny = work / "tiny"  # one file, one page: the fixed cost of a run
        tiny.mkdir()
        from samples.generate import random_report
        from samples.pdf_render import write_pdf

        write_pdf(random_report(args.seed + 1000, "contract", 6), tiny / "one.pdf")
        print(f"machine: {platform.platform()}, {os.cpu_count()} cores; "
              f"{' + '.join(map(str, targets))} ({pages} PDF pages)")

        results: dict[str, Any] = {"pages": pages, "runs": {}}
        reference = None
        for i, (name, options) in enumerate(RUNS):
            run = ingest(targets, work / f"run{i}.duckdb", options, work)
            got = rows(work / f"run{i}.duckdb")
            if reference is None:
                reference = got
            run["same_rows"] = got == reference
            run["documents"], run["pages"] = got["_documents"], got["_pages"]
            run["fixed_seconds"] = ingest([tiny], work / f"tiny{i}.duckdb", options, work)["seconds"]
            results["runs"][name] = run
            print(f"  {name}: {run['seconds']:.1f} s", flush=True)
        if scans is not None:
            scan_run = ingest([scans], work / "scans.duckdb", DASK_2[1], work)
            scan_run["pages"] = pdf_pages(scans)
            results["scans"] = scan_run

        print()
        print(f"{'':24} {'wall s':>7} {'pages/s':>8} {'fixed s':>8} {'pages/s w/o fixed':>18} {'peak MiB':>9}  rows")
        for name, run in results["runs"].items():
            fixed = run["fixed_seconds"]
            rate = pages / run["seconds"]
            steady = pages / (run["seconds"] - fixed) if run["seconds"] > fixed else None
            run["rate"], run["steady_rate"] = rate, steady
            print(f"{name:24} {run['seconds']:7.1f} {rate:8.2f} {fixed:8.1f} "
                  f"{steady if steady else float('nan'):18.2f} {run['peak_mib']:9.0f}  "
                  f"{'same as the pool' if run['same_rows'] else 'DIFFERENT from the pool'}")
        loaded = results["runs"][RUNS[0][0]]
        print(f"({loaded['documents']} documents loaded, {loaded['pages']} pages; "
              f"{pages / max(1, loaded['documents']):.1f} pages per document)")

        # -- the national backfill, on paper
        dask2 = results["runs"][DASK_2[0]]
        text_rate = dask2["steady_rate"] or dask2["rate"]
        if "scans" in results:
            scan_rate, scan_source = results["scans"]["pages"] / results["scans"]["seconds"], "measured here"
        else:
            scan_rate, scan_source = OCR_RATE, "last benchmarks/ocr.py run, 2 workers on 2 cores"
        documents = COUNCILS * DOCUMENTS_PER_COUNCIL
        per_doc = args.pages_per_document or pages / max(1, loaded["documents"])
        national = documents * per_doc
        mix_rate = 1 / ((1 - args.scan_share) / text_rate + args.scan_share / scan_rate)
        results["national"] = {"documents": documents, "pages_per_document": per_doc, "pages": national,
                               "text_rate": text_rate, "scan_rate": scan_rate, "mix_rate": mix_rate}
        print()
        print(f"National backfill on paper: {COUNCILS} councils x {DOCUMENTS_PER_COUNCIL} documents = {documents:,}"
              f" documents; {per_doc:g} pages each ({'assumed' if args.pages_per_document else 'as measured'})"
              f" = {national:,.0f} pages.")
        print(f"Rates per machine like this one ({os.cpu_count()} cores, 2 Dask workers): text PDFs "
              f"{text_rate:.2f} pages/s (Dask 2 workers, fixed cost left out), scans {scan_rate:.3f} pages/s "
              f"({scan_source}), mix with {args.scan_share:.0%} scanned {mix_rate:.2f} pages/s.")
        print(f"{'machines':>8} {'all text PDFs':>14} {'all scans':>10} {f'{args.scan_share:.0%} scans':>10}   (hours)")
        for n in MACHINES:
            print(f"{n:8} {hours(national, text_rate, n):14.1f} {hours(national, scan_rate, n):10.1f} "
                  f"{hours(national, mix_rate, n):10.1f}")
        print("Loading stays one writer (validation and DuckDB in the flow's process): at 16 machines it must "
              f"take {16 * mix_rate:.0f} pages/s of the mix; add machines only while it keeps up.")
        if args.json:
            args.json.write_text(json.dumps(results, indent=2, default=str))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
