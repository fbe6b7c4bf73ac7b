"""Benchmark: how fast does scorecards ingest generated grid reports, against bare pdfplumber?

Measured, each phase in its own fresh Python process so that peak memory and import costs belong to
that phase alone:

* bare pdfplumber: ``extract_tables()`` on every page of every PDF, the floor any PDF reader pays;
* scorecards ingest (direct): ``flows.pipeline.ingest_files`` file by file into a new DuckDB file,
  PDFs first and then Word, with the import and the first file timed apart (the first file pays the
  Great Expectations import, several seconds that a long backfill amortises);
* re-ingest of the same files, all unchanged: their bytes were seen before, so every file is
  skipped without being parsed and the run should cost next to nothing;
* the CLI on one PDF: the wall time a user waits for ``scorecards ingest one.pdf``;
* backfill with 1 worker and with 2: one ``ingest_files`` call over all the PDFs and Word files,
  ``workers=1`` and ``workers=2``, each into its own new DuckDB file. Every worker process pays the
  Great Expectations import on its first file, so the rate after each worker's first file is shown
  too. Peak memory for 2 workers is the parent's peak plus the largest worker's;
* no-op run over many unchanged files (``--noop-files N``, default 1000, 0 skips it): N small
  reports (a few distinct PDFs copied under N names; the warehouse keys files by name) are ingested
  for real with 2 workers, then a second ``ingest_files`` over the same folder must skip them all.

Absolute seconds swing with the machine and whatever else it is doing; the ratio of scorecards PDF
pages/s to bare pdfplumber pages/s, both measured in the same run, is the figure to compare between
runs and machines.

Usage: ``python benchmarks/ingest.py [--reports N] [--measures M] [--seed S] [--noop-files N] [--out DIR] [--keep]
[--json FILE]``
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
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

Result = dict[str, Any]

NOOP_DISTINCT = 10  # distinct reports behind the no-op folder's copies
NOOP_MEASURES = 4  # measures per no-op report: small, so the one real ingest of them stays short


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


class WorkerPeaks:
    """Sample the peak RSS (VmHWM, Linux /proc) of this process's multiprocessing workers while they run.

    RUSAGE_CHILDREN alone overstates a spawned worker: Linux credits the child with the parent's
    resident set at the moment it was forked, before exec, so its floor is the parent's RSS when the
    pool started. VmHWM belongs to the worker's own (post-exec) address space. Sampled every
    ``interval`` seconds, it can miss growth in a worker's last moments, so it is a lower bound.
    Empty where /proc is missing.
    """

    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self.peaks: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> WorkerPeaks:
        if Path("/proc/self/status").exists():
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def sample(self) -> None:
        me = os.getpid()
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                if int(stat.read_text().rsplit(")", 1)[1].split()[1]) != me:
                    continue
                if b"spawn_main" not in (stat.parent / "cmdline").read_bytes():  # not the resource tracker
                    continue
                status = (stat.parent / "status").read_text()
            except (OSError, IndexError, ValueError):  # the process ended meanwhile
                continue
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    pid = int(stat.parent.name)
                    self.peaks[pid] = max(self.peaks.get(pid, 0.0), int(line.split()[1]) / 1024)


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
    # Bytes seen before are skipped without parsing: pages stay 0, so the rate to show is files/s.
    return {"import_s": imported - started, **summary.totals, "skipped": summary.count("skipped"),
            "seconds": done - imported, "peak_mib": peak_mib()}


def _timed_steps(stamps: list[tuple[float, int]]) -> dict[str, Callable[..., Any]]:
    """DIRECT_STEPS whose load notes (when, pages) per file. Loading happens in this process even with workers."""
    from flows.pipeline import DIRECT_STEPS

    load = DIRECT_STEPS["load"]

    def timed_load(location: str, source_file: str, frames: Any) -> None:
        load(location, source_file, frames)
        stamps.append((time.perf_counter(), int(frames["document_facts"]["pages"].iloc[0])))

    return {**DIRECT_STEPS, "load": timed_load}


def _backfill(paths: list[Path], warehouse: str, workers: int) -> Result:
    """One ingest_files call over all paths; times, pages, the rate after each worker's first file, peaks."""
    started = time.perf_counter()
    from flows.pipeline import ingest_files

    imported = time.perf_counter()
    stamps: list[tuple[float, int]] = []
    with WorkerPeaks() as workers_seen:
        t0 = time.perf_counter()
        summary = ingest_files(paths, warehouse, steps=_timed_steps(stamps), progress=False, workers=workers)
        seconds = time.perf_counter() - t0
    # After each worker's first file: from the moment the first `workers` files were loaded to the last
    # load. Approximate with 2 workers (the first worker to finish has started its next file already).
    warm: Result = {}
    if len(stamps) > workers:
        warm = {"files": len(stamps) - workers, "pages": sum(p for _, p in stamps[workers:]),
                "seconds": stamps[-1][0] - stamps[workers - 1][0]}
    parent, children = peak_mib(), peak_mib(resource.RUSAGE_CHILDREN)
    sampled = sorted(workers_seen.peaks.values(), reverse=True)
    return {
        "import_s": imported - started, "workers": workers, **summary.totals, "skipped": summary.count("skipped"),
        "seconds": seconds, "warm": warm, "first_load_s": stamps[0][0] - t0 if stamps else None,
        "parent_peak_mib": parent, "largest_child_peak_mib": children if workers > 1 else None,
        "worker_vmhwm_mib": sampled,
        # The table's peak: the parent's own, plus the largest worker's (RUSAGE_CHILDREN) with workers.
        "peak_mib": parent + children if workers > 1 else parent,
        "failures": [o.reason for o in summary.outcomes if o.status == "failed"],
    }


def phase_backfill1(spec: Result) -> Result:
    return _backfill([Path(n) for n in spec["pdfs"] + spec["docxs"]], spec["backfill1_warehouse"], 1)


def phase_backfill2(spec: Result) -> Result:
    return _backfill([Path(n) for n in spec["pdfs"] + spec["docxs"]], spec["backfill2_warehouse"], 2)


def phase_noop_fill(spec: Result) -> Result:
    return _backfill([Path(spec["noop_folder"])], spec["noop_warehouse"], 2)


def phase_noop(spec: Result) -> Result:
    started = time.perf_counter()
    from flows.pipeline import ingest_files

    imported = time.perf_counter()
    summary = ingest_files([Path(spec["noop_folder"])], spec["noop_warehouse"], progress=False)
    done = time.perf_counter()
    return {"import_s": imported - started, **summary.totals, "skipped": summary.count("skipped"),
            "seconds": done - imported, "peak_mib": peak_mib()}


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
    "backfill1": phase_backfill1, "backfill2": phase_backfill2, "noop_fill": phase_noop_fill, "noop": phase_noop,
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
            "files_per_s": rate(files, seconds), "peak_mib": peak}


def table_rows(results: Result) -> list[Result]:
    bare, ingest, again, cli = results["bare"], results["ingest"], results["reingest"], results["cli"]

    def group(label: str, g: Result) -> Result:
        return row(label, g.get("files"), g.get("pages"), g.get("seconds"), g.get("peak_mib"))

    rows = [
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
    for workers in (1, 2):
        b = results[f"backfill{workers}"]
        after = "first file" if workers == 1 else "each worker's first file"
        rows += [
            row(f"backfill, {workers} worker{'s' * (workers > 1)}", b["files"], b["pages"], b["seconds"],
                b["peak_mib"]),
            group(f"backfill, {workers} worker{'s' * (workers > 1)}: after {after}", b["warm"]),
        ]
    if "noop" in results:
        fill, noop = results["noop_fill"], results["noop"]
        rows += [
            row(f"backfill of {fill['files']:,} small files, 2 workers", fill["files"], fill["pages"],
                fill["seconds"], fill["peak_mib"]),
            row(f"no-op run, {noop['files']:,} unchanged files", noop["files"], noop["pages"], noop["seconds"],
                noop["peak_mib"]),
        ]
    return rows


def fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "-"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def print_table(rows: list[Result]) -> None:
    header = ("phase", "files", "pages", "seconds", "pages/s", "files/s", "peak MiB")
    cells = [(r["phase"], fmt(r["files"]), fmt(r["pages"]), fmt(r["seconds"]), fmt(r["pages_per_s"], 1),
              fmt(r["files_per_s"], 1), fmt(r["peak_mib"], 1)) for r in rows]
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
    out: Result = {
        "all_pdfs": pdf / bare if pdf and bare else None,
        "pdfs_after_first": rest / bare if rest and bare else None,
    }
    speeds: Result = {}
    for workers in (1, 2):
        b = results[f"backfill{workers}"]
        speeds[f"{workers}"] = rate(b["pages"], b["seconds"])
        speeds[f"{workers}_warm"] = rate(b["warm"].get("pages"), b["warm"].get("seconds"))
        out[f"backfill{workers}"] = speeds[f"{workers}"] / bare if speeds[f"{workers}"] and bare else None
        out[f"backfill{workers}_warm"] = (speeds[f"{workers}_warm"] / bare
                                          if speeds[f"{workers}_warm"] and bare else None)
    out["speedup"] = speeds["2"] / speeds["1"] if speeds["2"] and speeds["1"] else None
    out["speedup_warm"] = speeds["2_warm"] / speeds["1_warm"] if speeds["2_warm"] and speeds["1_warm"] else None
    return out


def print_backfill_notes(results: Result, ratio: Result) -> None:
    one, two = results["backfill1"], results["backfill2"]
    print(f"backfill 2 workers ÷ 1 worker, pages/s (speed-up): {fmt(ratio['speedup'])} (all files); "
          f"{fmt(ratio['speedup_warm'])} (after each worker's first file)")
    print(f"backfill pages/s ÷ bare pdfplumber pages/s: 1 worker {fmt(ratio['backfill1'])}, "
          f"2 workers {fmt(ratio['backfill2'])} (all files); 1 worker {fmt(ratio['backfill1_warm'])}, "
          f"2 workers {fmt(ratio['backfill2_warm'])} (after each worker's first file)")
    print("  backfill pages are PDF pages plus Word tables (the Word extractor counts a table as a page); "
          "bare pdfplumber reads the PDFs only")
    print(f"  every worker process pays the Great Expectations import on its first file: the first file was "
          f"loaded {fmt(one['first_load_s'], 1)} s into the 1-worker run, {fmt(two['first_load_s'], 1)} s into "
          f"the 2-worker run; 'after ... first file' rows time from the load of the first file (1 worker) or "
          f"of the first 2 files (2 workers) to the last load, approximate with 2 workers")
    for label, b in (("backfill, 2 workers", two), ("backfill of small files", results.get("noop_fill"))):
        if b is None:
            continue
        sampled = ", ".join(f"{v:.1f}" for v in b["worker_vmhwm_mib"]) or "-"
        print(f"  {label} peak: parent {b['parent_peak_mib']:.1f} MiB + largest worker "
              f"{b['largest_child_peak_mib']:.1f} MiB (RUSAGE_CHILDREN) = {b['peak_mib']:.1f} MiB; "
              f"workers' own VmHWM, sampled: {sampled} MiB "
              f"(RUSAGE_CHILDREN's floor is the parent's RSS when the pool spawned)")
    print(f"  1-worker backfill peak: {one['parent_peak_mib']:.1f} MiB (one process)")
    again = results["reingest"]
    print(f"re-ingest: {again['skipped']} of {again['files']} files skipped as unchanged, {again['loaded']} parsed")
    if "noop" in results:
        noop = results["noop"]
        verdict = "OK" if noop["skipped"] == noop["files"] and not noop["loaded"] else "NOT ALL SKIPPED"
        print(f"no-op run: {noop['skipped']} of {noop['files']} files skipped without parsing, {noop['loaded']} "
              f"loaded, {noop['failed']} failed ({verdict}); {fmt(rate(noop['files'], noop['seconds']), 0)} files/s, "
              f"import flows.pipeline {noop['import_s']:.2f} s not included")


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=20, help="reports to generate, each as PDF and docx")
    parser.add_argument("--measures", type=int, default=20, help="measure rows per report")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--noop-files", type=int, default=1000,
                        help="small unchanged files for the no-op run (ingested once first, 2 workers); 0 skips it")
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
            "backfill1_warehouse": str(work / "backfill1.duckdb"),
            "backfill2_warehouse": str(work / "backfill2.duckdb"),
            "noop_warehouse": str(work / "noop.duckdb"),
            "noop_folder": str(work / "noop"),
        }
        spec["cli_pdf"] = spec["pdfs"][0]
        # A warehouse left in --out by an earlier run would turn the first ingest into skips.
        for name in ("bench.duckdb", "cli.duckdb", "backfill1.duckdb", "backfill2.duckdb", "noop.duckdb"):
            for leftover in (work / name, work / f"{name}.wal"):
                leftover.unlink(missing_ok=True)
        noop_generated = None
        if args.noop_files > 0:
            # A few distinct small reports copied under N names: the warehouse keys files by name, so
            # each copy is a file of its own, ingested for real.
            t0 = time.perf_counter()
            noop = work / "noop"
            shutil.rmtree(noop, ignore_errors=True)
            noop.mkdir(parents=True)
            distinct = generate_folder(work / "noop-src", min(NOOP_DISTINCT, args.noop_files), seed=args.seed,
                                       formats=("pdf",), n_measures=NOOP_MEASURES)
            for i in range(args.noop_files):
                shutil.copyfile(distinct[i % len(distinct)], noop / f"report_{i:04d}.pdf")
            noop_generated = time.perf_counter() - t0

        names = ["bare", "ingest", "reingest", "cli", "backfill1", "backfill2"]
        names += ["noop_fill", "noop"] if args.noop_files > 0 else []
        results: Result = {name: run_phase(name, spec) for name in names}
        rows = table_rows(results)
        ratio = ratios(results)
        total = time.perf_counter() - started

        print(f"\n{args.reports} reports x {args.measures} measures, seed {args.seed}, in {work} "
              f"(generated in {generated:.1f} s)")
        if noop_generated is not None:
            print(f"no-op folder: {args.noop_files:,} PDFs, copies of {min(NOOP_DISTINCT, args.noop_files)} "
                  f"distinct reports x {NOOP_MEASURES} measures (prepared in {noop_generated:.1f} s)")
        print()
        print_table(rows)
        print("\npeak MiB: the phase process's max RSS at the end of that row (the CLI row: the CLI process); "
              "rows with 2 workers: the parent's peak + the largest worker's peak")
        print(f"scorecards PDF pages/s ÷ bare pdfplumber pages/s: {fmt(ratio['all_pdfs'])} (all PDFs); "
              f"{fmt(ratio['pdfs_after_first'])} (PDFs after the first, whose call pays the GX import)")
        print_backfill_notes(results, ratio)
        failures = results["ingest"]["failures"]
        failures += results["backfill1"]["failures"] + results["backfill2"]["failures"]
        failures += results["noop_fill"]["failures"] if "noop_fill" in results else []
        if failures:
            print(f"FAILED files ({len(failures)}):", *failures, sep="\n  ")
        if results["cli"]["returncode"] != 0:
            print(f"CLI exited with {results['cli']['returncode']}:\n{results['cli']['stderr']}")
        machine = {"cpu_count": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}
        print(f"machine: cpu_count={machine['cpu_count']}, Python {machine['python']}, {machine['platform']}")
        print(f"total run time: {total:.1f} s")
        if args.json:
            args.json.write_text(json.dumps({
                "args": {"reports": args.reports, "measures": args.measures, "seed": args.seed,
                         "noop_files": args.noop_files, "noop_distinct": min(NOOP_DISTINCT, args.noop_files),
                         "noop_measures": NOOP_MEASURES},
                "machine": machine, "generate_s": generated, "noop_prepare_s": noop_generated, "total_s": total,
                "phases": results, "rows": rows, "ratio": ratio,
            }, indent=2, default=str))
    finally:
        if not args.out and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        elif not args.out:
            print(f"kept {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
