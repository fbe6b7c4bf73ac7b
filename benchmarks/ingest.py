"""Benchmark: how fast does scorecards ingest generated grid reports, against bare pdfplumber?

Measured, each phase in its own fresh Python process so that peak memory and import costs belong to
that phase alone:

* bare pdfplumber: ``extract_tables()`` on every page of every PDF, the floor any PDF reader pays;
* scorecards ingest (direct): ``flows.pipeline.ingest_files`` file by file into a new DuckDB file,
  PDFs first and then Word, with the import and the first file timed apart (the first file pays the
  Great Expectations import, several seconds that a long backfill amortises);
* re-ingest of the same files, all unchanged: idempotent skips should cost next to nothing;
* the CLI on one PDF: the wall time a user waits for ``scorecards ingest one.pdf``.

Absolute seconds swing with the machine and whatever else it is doing; the ratio of scorecards PDF
pages/s to bare pdfplumber pages/s, both measured in the same run, is the figure to compare between
runs and machines.

Usage: ``python benchmarks/ingest.py [--reports N] [--measures M] [--seed S] [--out DIR] [--keep] [--json FILE]``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

Result = dict[str, Any]


def peak_mib(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident set size so far, in MiB."""
    peak = resource.getrusage(who).ru_maxrss
    # Linux reports KiB, macOS bytes.
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def child_env() -> dict[str, str]:
    """The environment for every child: no Prefect server, so the CLI runs its steps directly as users see it."""
    env = dict(os.environ)
    env.pop("PREFECT_API_URL", None)
    return env


# ---------------------------------------------------------------------------------------------
# Phases: each runs in a child process, reads the spec from stdin and prints one JSON line.
# ---------------------------------------------------------------------------------------------


def phase_bare(spec: Result) -> Result:
    started = time.perf_counter()
    import pdfplumber

    imported = time.perf_counter()
    pages = tables = 0
    for name in spec["pdfs"]:
        with pdfplumber.open(name) as pdf:
            for page in pdf.pages:
                tables += len(page.extract_tables())
                pages += 1
    done = time.perf_counter()
    return {
        "import_s": imported - started, "files": len(spec["pdfs"]), "pages": pages, "tables": tables,
        "seconds": done - imported, "peak_mib": peak_mib(),
    }


def _add(group: Result, totals: dict[str, int], seconds: float) -> None:
    for key, value in totals.items():
        group[key] = group.get(key, 0) + value
    group["seconds"] = group.get("seconds", 0.0) + seconds


def phase_ingest(spec: Result) -> Result:
    started = time.perf_counter()
    from flows.pipeline import ingest_files

    imported = time.perf_counter()
    groups: dict[str, Result] = {"first": {}, "pdf_rest": {}, "pdf": {}, "docx": {}}
    failures: list[str] = []
    for kind in ("pdf", "docx"):
        for i, name in enumerate(spec[f"{kind}s"]):
            # One call per file rather than one for all, so the first file's one-off costs show apart.
            t0 = time.perf_counter()
            summary = ingest_files([Path(name)], spec["warehouse"], progress=False)
            seconds = time.perf_counter() - t0
            failures += [o.reason for o in summary.outcomes if o.status == "failed"]
            _add(groups[kind], summary.totals, seconds)
            if kind == "pdf":
                _add(groups["first" if i == 0 else "pdf_rest"], summary.totals, seconds)
            if kind == "pdf" and i == 0:
                groups["first"]["peak_mib"] = peak_mib()
        groups[kind]["peak_mib"] = peak_mib()
    if groups["pdf_rest"]:
        groups["pdf_rest"]["peak_mib"] = groups["pdf"]["peak_mib"]
    everything: Result = {}
    for kind in ("pdf", "docx"):
        counts = {k: v for k, v in groups[kind].items() if k not in ("seconds", "peak_mib")}
        _add(everything, counts, groups[kind].get("seconds", 0.0))
    everything["peak_mib"] = peak_mib()
    return {"import_s": imported - started, **groups, "all": everything, "failures": failures}


def phase_reingest(spec: Result) -> Result:
    started = time.perf_counter()
    from flows.pipeline import ingest_files

    imported = time.perf_counter()
    paths = [Path(name) for name in spec["pdfs"] + spec["docxs"]]
    summary = ingest_files(paths, spec["warehouse"], progress=False)
    done = time.perf_counter()
    return {"import_s": imported - started, **summary.totals, "seconds": done - imported, "peak_mib": peak_mib()}


def phase_cli(spec: Result) -> Result:
    command = [sys.executable, "-m", "flows.cli", "ingest", spec["cli_pdf"], "--warehouse", spec["cli_warehouse"],
               "--quiet"]
    t0 = time.perf_counter()
    # cwd is the work folder so that nothing the CLI might write lands in the caller's folder.
    proc = subprocess.run(command, env=child_env(), cwd=spec["work"], capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    return {
        "files": 1, "seconds": seconds, "returncode": proc.returncode, "stderr": proc.stderr[-4000:],
        # The CLI is a grandchild here; RUSAGE_CHILDREN gives its peak, not this process's.
        "peak_mib": peak_mib(resource.RUSAGE_CHILDREN),
    }


PHASES: dict[str, Callable[[Result], Result]] = {
    "bare": phase_bare, "ingest": phase_ingest, "reingest": phase_reingest, "cli": phase_cli,
}


def run_phase(name: str, spec: Result) -> Result:
    """Run one phase in a fresh interpreter (this script again, with --phase) and return its JSON line."""
    command = [sys.executable, str(Path(__file__).resolve()), "--phase", name]
    t0 = time.perf_counter()
    # stderr is left on the terminal so that a traceback or a failed-file warning is seen as it happens.
    proc = subprocess.run(command, input=json.dumps(spec), stdout=subprocess.PIPE, text=True, env=child_env())
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"phase {name!r} exited with {proc.returncode}; its stderr is above\n{proc.stdout}")
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    result: Result = json.loads(lines[-1])
    result["process_wall_s"] = wall
    return result


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------


def rate(pages: Any, seconds: Any) -> float | None:
    return pages / seconds if pages and seconds else None


def row(phase: str, files: Any = None, pages: Any = None, seconds: Any = None, peak: Any = None) -> Result:
    return {"phase": phase, "files": files, "pages": pages, "seconds": seconds, "pages_per_s": rate(pages, seconds),
            "peak_mib": peak}


def table_rows(results: Result) -> list[Result]:
    bare, ingest, again, cli = results["bare"], results["ingest"], results["reingest"], results["cli"]

    def group(label: str, g: Result) -> Result:
        return row(label, g.get("files"), g.get("pages"), g.get("seconds"), g.get("peak_mib"))

    return [
        row("bare pdfplumber: import", seconds=bare["import_s"]),
        row("bare pdfplumber: PDFs", bare["files"], bare["pages"], bare["seconds"], bare["peak_mib"]),
        row("scorecards: import flows.pipeline", seconds=ingest["import_s"]),
        group("scorecards: first PDF", ingest["first"]),
        group("scorecards: other PDFs", ingest["pdf_rest"]),
        group("scorecards: all PDFs", ingest["pdf"]),
        group("scorecards: docx", ingest["docx"]),
        group("scorecards: all files", ingest["all"]),
        row("re-ingest, all unchanged", again["files"], again["pages"], again["seconds"], again["peak_mib"]),
        row("CLI one PDF (wall)", 1, ingest["first"].get("pages"), cli["seconds"], cli["peak_mib"]),
    ]


def fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "-"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def print_table(rows: list[Result]) -> None:
    header = ("phase", "files", "pages", "seconds", "pages/s", "peak MiB")
    cells = [(r["phase"], fmt(r["files"]), fmt(r["pages"]), fmt(r["seconds"]), fmt(r["pages_per_s"], 1),
              fmt(r["peak_mib"], 1)) for r in rows]
    widths = [max(len(line[i]) for line in [header, *cells]) for i in range(len(header))]
    for line in [header, *cells]:
        # Phase names read best left-aligned, numbers right-aligned.
        padded = [c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(line, widths, strict=True))]
        print("  ".join(padded))


def ratios(results: Result) -> Result:
    bare = rate(results["bare"]["pages"], results["bare"]["seconds"])
    ingest = results["ingest"]
    pdf, rest = rate(ingest["pdf"].get("pages"), ingest["pdf"].get("seconds")), rate(
        ingest["pdf_rest"].get("pages"), ingest["pdf_rest"].get("seconds"))
    return {
        "all_pdfs": pdf / bare if pdf and bare else None,
        "pdfs_after_first": rest / bare if rest and bare else None,
    }


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=20, help="reports to generate, each as PDF and docx")
    parser.add_argument("--measures", type=int, default=20, help="measure rows per report")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, help="folder for reports and warehouses (kept); default a temp folder")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder")
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    parser.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.phase:
        print(json.dumps(PHASES[args.phase](json.load(sys.stdin))))
        return 0

    started = time.perf_counter()
    work = args.out.resolve() if args.out else Path(tempfile.mkdtemp(prefix="scorecards-bench-"))
    try:
        from samples.generate import generate_folder

        paths = generate_folder(work, args.reports, seed=args.seed, formats=("pdf", "docx"),
                                n_measures=args.measures)
        generated = time.perf_counter() - started
        spec: Result = {
            "work": str(work),
            "pdfs": [str(p) for p in paths if p.suffix == ".pdf"],
            "docxs": [str(p) for p in paths if p.suffix == ".docx"],
            "warehouse": str(work / "bench.duckdb"),
            "cli_warehouse": str(work / "cli.duckdb"),
        }
        spec["cli_pdf"] = spec["pdfs"][0]
        # A warehouse left in --out by an earlier run would turn the first ingest into skips.
        for name in ("bench.duckdb", "cli.duckdb"):
            for leftover in (work / name, work / f"{name}.wal"):
                leftover.unlink(missing_ok=True)

        results: Result = {name: run_phase(name, spec) for name in ("bare", "ingest", "reingest", "cli")}
        rows = table_rows(results)
        ratio = ratios(results)
        total = time.perf_counter() - started

        print(f"\n{args.reports} reports x {args.measures} measures, seed {args.seed}, in {work} "
              f"(generated in {generated:.1f} s)\n")
        print_table(rows)
        print("\npeak MiB: the phase process's max RSS at the end of that row (the CLI row: the CLI process)")
        print(f"scorecards PDF pages/s ÷ bare pdfplumber pages/s: {fmt(ratio['all_pdfs'])} (all PDFs); "
              f"{fmt(ratio['pdfs_after_first'])} (PDFs after the first, whose call pays the GX import)")
        failures = results["ingest"]["failures"]
        if failures:
            print(f"FAILED files ({len(failures)}):", *failures, sep="\n  ")
        if results["cli"]["returncode"] != 0:
            print(f"CLI exited with {results['cli']['returncode']}:\n{results['cli']['stderr']}")
        machine = {"cpu_count": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}
        print(f"machine: cpu_count={machine['cpu_count']}, Python {machine['python']}, {machine['platform']}")
        print(f"total run time: {total:.1f} s")
        if args.json:
            args.json.write_text(json.dumps({
                "args": {"reports": args.reports, "measures": args.measures, "seed": args.seed},
                "machine": machine, "generate_s": generated, "total_s": total, "phases": results, "rows": rows,
                "ratio": ratio,
            }, indent=2, default=str))
    finally:
        if not args.out and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        elif not args.out:
            print(f"kept {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
