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
  for real with 2 workers, then a second ``ingest_files`` over the same folder must skip them all;
* a mixed folder (``--mixed N`` reports per layout and form, default 3, 0 skips it): every layout the
  generators make, ruled and borderless PDFs and Word (quarterly contract grids, improvement
  scorecards, target-setting tables over page breaks; KPI card reports in every form from
  ``samples/cards.py``; measure long-lists in Word and audit judgement reports in every form, from
  ``samples/layouts.py``), ingested file by file after a warm-up file (so the Great Expectations
  import is not charged to the first layout), beside bare pdfplumber on the same PDFs, per layout and form, with
  the layouts the pipeline decided and the peak memory of each side;
* the steady state on the mixed folder's PDFs (``--steady-rounds N``, default 3): one ``ingest_files``
  call over all of them, ``workers=1``, after a warm-up file, validated by the validator service,
  in-process, and with pdfminer's pages; bare pdfplumber's pass beside them in every round, in turn with
  them, so that a machine busier for a while slows both alike; every run in a fresh process. The best
  round of each is compared, and every round's ratio is shown;
* one page: ``scorecards ingest`` of a one-page PDF into a fresh warehouse, three times with no
  validator service running and three times with it warm, best of each;
* a per-stage profile: the mixed folder (the grid reports' PDFs and Word files with ``--mixed 0``) in one
  ``ingest_files`` call, ``workers=1``, into a new DuckDB file, with every step wrapped so that each stage's
  wall seconds are summed and its own ``cProfile`` profiler runs only while it does. Stages: open (the
  sha256 of every file, in the run; and, in a separate pass after it, ``pdfplumber.open`` plus every
  page's ``.chars`` of the PDFs, the page parse every engine shares: it overlaps extract and shows how much
  of extract it is), extract, normalise, validate, load. Shown as a table (seconds, share of the run, ms
  per page) and, per stage, the top entries by cumulative time. The modules the steps import on first use
  are imported before the run and timed apart, Great Expectations alone too: the validate row is without
  that import, and a "validate (incl. GX import)" row adds it back, as the first validate call of a
  process pays it. Seconds are measured with the profiler on, which slows call-heavy Python code most.

Absolute seconds swing with the machine and whatever else it is doing; the ratio of scorecards PDF
pages/s to bare pdfplumber pages/s, both measured in the same run, is the figure to compare between
runs and machines.

``--quick`` runs every part small (a few minutes on 2 cores); ``--mixed-only`` runs the mixed folder alone
(beside bare pdfplumber, no profile); ``--profile-only`` runs the profile alone, still generating the mixed
folder it reads (or, with ``--mixed 0``, the grid reports).

Usage: ``python benchmarks/ingest.py [--quick] [--mixed-only | --profile-only] [--reports N] [--measures M]
[--seed S] [--noop-files N] [--mixed N] [--out DIR] [--keep] [--json FILE]``
"""

from __future__ import annotations

import argparse
import cProfile
import importlib
import json
import os
import platform
import pstats
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

# The sample generators live in the checkout (samples/), not in the installed package.
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

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


def vm_hwm_mib(pid: int) -> float | None:
    """A process's own peak RSS (VmHWM, Linux /proc), or None (no such process, or no /proc)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    kib = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), None)
    return kib / 1024 if kib is not None else None


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
            except (OSError, IndexError, ValueError):  # the process ended meanwhile
                continue
            pid = int(stat.parent.name)
            peak = vm_hwm_mib(pid)
            if peak is not None:  # None: it ended meanwhile
                self.peaks[pid] = max(self.peaks.get(pid, 0.0), peak)


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
    from scorecards.flows.pipeline import ingest_files

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
    from scorecards.flows.pipeline import ingest_files

    imported = time.perf_counter()
    paths = [Path(name) for name in spec["pdfs"] + spec["docxs"]]
    summary = ingest_files(paths, spec["warehouse"], progress=False)
    done = time.perf_counter()
    # Bytes seen before are skipped without parsing: pages stay 0, so the rate to show is files/s.
    return {"import_s": imported - started, **summary.totals, "skipped": summary.count("skipped"),
            "seconds": done - imported, "peak_mib": peak_mib()}


def _timed_steps(stamps: list[tuple[float, int]]) -> dict[str, Callable[..., Any]]:
    """DIRECT_STEPS whose load notes (when, pages) per file. Loading happens in this process even with workers.

    Files are loaded in batches (one call per batch): every file of a batch gets the batch's end time.
    """
    from scorecards.flows.steps import DIRECT_STEPS

    load = DIRECT_STEPS["load"]

    def timed_load(location: str, documents: list[tuple[str, Any]]) -> None:
        load(location, documents)
        now = time.perf_counter()
        stamps.extend((now, int(frames["document_facts"]["pages"].iloc[0])) for _, frames in documents)

    return {**DIRECT_STEPS, "load": timed_load}


def _backfill(paths: list[Path], warehouse: str, workers: int) -> Result:
    """One ingest_files call over all paths; times, pages, the rate after each worker's first file, peaks."""
    started = time.perf_counter()
    from scorecards.flows.pipeline import ingest_files

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
    from scorecards.flows.pipeline import ingest_files

    imported = time.perf_counter()
    summary = ingest_files([Path(spec["noop_folder"])], spec["noop_warehouse"], progress=False)
    done = time.perf_counter()
    return {"import_s": imported - started, **summary.totals, "skipped": summary.count("skipped"),
            "seconds": done - imported, "peak_mib": peak_mib()}


def phase_cli(spec: Result) -> Result:
    command = [sys.executable, "-m", "scorecards.flows.cli", "ingest", spec["cli_pdf"],
               "--warehouse", spec["cli_warehouse"], "--quiet"]
    t0 = time.perf_counter()
    # cwd is the work folder so that nothing the CLI might write lands in the caller's folder.
    proc = subprocess.run(command, env=child_env(), cwd=spec["work"], capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    return {
        "files": 1, "seconds": seconds, "returncode": proc.returncode, "stderr": proc.stderr[-4000:],
        # The CLI is a grandchild here; RUSAGE_CHILDREN gives its peak, not this process's.
        "peak_mib": peak_mib(resource.RUSAGE_CHILDREN),
    }


# ---------------------------------------------------------------------------------------------
# Mixed folder: every layout, ruled and borderless
# ---------------------------------------------------------------------------------------------

MIXED_STYLES = ("contract", "improvement", "target")  # samples.generate styles
MIXED_FORMS = ("ruled", "borderless", "docx")


def generate_mixed(folder: Path, count: int, seed: int, n_measures: int) -> list[Result]:
    """Write the mixed folder; one entry per file: path, layout (generator style) and form."""
    from samples import cards, layouts
    from samples.generate import random_report
    from samples.pdf_render import write_pdf
    from samples.word_render import write_docx

    folder.mkdir(parents=True, exist_ok=True)
    made: list[Result] = []
    for i in range(count):
        for style in MIXED_STYLES:
            model = random_report(seed + 100 + i, style, n_measures)
            name = f"{style}_{i:03d}"
            made += [
                {"path": str(write_pdf(model, folder / f"{name}.pdf")), "layout": style, "form": "ruled"},
                {"path": str(write_pdf(model, folder / f"{name}_borderless.pdf", ruled=False)), "layout": style,
                 "form": "borderless"},
                {"path": str(write_docx(model, folder / f"{name}.docx")), "layout": style, "form": "docx"},
            ]
        card_report = cards.random_card_report(seed + 100 + i)
        for form in MIXED_FORMS:
            if form == "docx":
                path = cards.write_docx(card_report, folder / f"cards_{i:03d}.docx")
            else:
                path = cards.write_card_report(folder / f"cards_{i:03d}_{form}.pdf", seed + 100 + i,
                                               ruled=form == "ruled")
            made.append({"path": str(path), "layout": "cards", "form": form})
        path = layouts.write_long_list(layouts.random_long_list(seed + 100 + i), folder / f"longlist_{i:03d}.docx")
        made.append({"path": str(path), "layout": "long-list", "form": "docx"})
        audit_report = layouts.random_audit_report(seed + 100 + i)
        for form in MIXED_FORMS:
            suffix = "docx" if form == "docx" else "pdf"
            path = layouts.write_audit(audit_report, folder / f"audit_{i:03d}_{form}.{suffix}", form)
            made.append({"path": str(path), "layout": "audit", "form": form})
    return made


def _group(entry: Result) -> str:
    return f"{entry['layout']} {entry['form']}"


def phase_mixed_bare(spec: Result) -> Result:
    """Bare pdfplumber over the mixed folder's PDFs: open and extract_tables() on every page."""
    started = time.perf_counter()
    import pdfplumber

    imported = time.perf_counter()
    groups: dict[str, Result] = {}
    for entry in spec["mixed"]:
        if not entry["path"].endswith(".pdf"):
            continue
        t0 = time.perf_counter()
        pages = tables = 0
        with pdfplumber.open(entry["path"]) as pdf:
            for page in pdf.pages:
                tables += len(page.extract_tables())
                pages += 1
        _add(groups.setdefault(_group(entry), {}), {"files": 1, "pages": pages, "tables": tables},
             time.perf_counter() - t0)
    return {"import_s": imported - started, "groups": groups, "peak_mib": peak_mib()}


def _step_timer(spent: dict[str, float]) -> dict[str, Callable[..., Any]]:
    """DIRECT_STEPS that add their seconds to `spent`, by step name: extraction apart from the rest."""
    from scorecards.flows.steps import DIRECT_STEPS

    def timed(name: str, step: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return step(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - t0
        return run

    return {name: timed(name, step) for name, step in DIRECT_STEPS.items()}


def phase_mixed_ingest(spec: Result) -> Result:
    """scorecards over the mixed folder, file by file, after a warm-up file into a scratch warehouse."""
    started = time.perf_counter()
    from scorecards.flows.pipeline import ingest_files

    imported = time.perf_counter()
    # The first file in a process pays the Great Expectations import (seconds); charged to no layout.
    ingest_files([Path(spec["mixed_warmup"])], spec["mixed_warmup_warehouse"], progress=False)
    warm = time.perf_counter()
    groups: dict[str, Result] = {}
    failures: list[str] = []
    spent: dict[str, float] = {}
    steps = _step_timer(spent)
    for entry in spec["mixed"]:
        spent.clear()
        t0 = time.perf_counter()
        summary = ingest_files([Path(entry["path"])], spec["mixed_warehouse"], steps=steps, progress=False)
        seconds = time.perf_counter() - t0
        failures += [o.reason for o in summary.outcomes if o.status == "failed"]
        counts = {k: summary.totals[k] for k in ("files", "loaded", "failed", "pages", "tables", "observations",
                                                  "quarantined")}
        group = groups.setdefault(_group(entry), {})
        _add(group, counts, seconds)
        group["extract_s"] = group.get("extract_s", 0.0) + spent.get("extract", 0.0)
    peak = peak_mib()
    import duckdb

    # What the pipeline made of each file: the layouts decided, to see every layout was recognised.
    with duckdb.connect(spec["mixed_warehouse"], read_only=True) as con:
        decided = dict(con.execute("SELECT source_file, layouts FROM documents").fetchall())
    for entry in spec["mixed"]:
        layouts = decided.get(Path(entry["path"]).name) or "(not loaded)"
        seen = groups[_group(entry)].setdefault("layouts", [])
        for layout in layouts.split(";"):
            if layout not in seen:
                seen.append(layout)
    return {"import_s": imported - started, "warmup_s": warm - imported, "groups": groups, "failures": failures,
            "peak_mib": peak}


STEADY_WAYS: tuple[tuple[str, dict[str, str]], ...] = (
    ("pdfium, validator service", {"parser": "pdfium", "validator": "service"}),
    ("pdfium, validated in-process", {"parser": "pdfium", "validator": "in-process"}),
    ("pdfminer, validated in-process", {"parser": "pdfminer", "validator": "in-process"}),
)


def phase_mixed_steady(spec: Result) -> Result:
    """scorecards at its steady state on the mixed folder's PDFs, beside bare pdfplumber, in rounds.

    In each of `steady_rounds` rounds, every side in a fresh process of its own (a process that has
    imported or read much before carries a heap that slows every later allocation, and would charge one
    side for another): bare pdfplumber's pass (phase_bare), and per way (phase_steady_way) one
    ingest_files call over every PDF, workers=1, into a new warehouse, after a warm-up file: validated
    by the validator service (the CLI's default), in-process, and with pdfminer's pages (pdfplumber's own
    parse). Bare pdfplumber goes after the ways in the first round and before them in the next, and so
    on: a machine busier for a while slows both sides alike, and the best round of each is compared."""
    pdfs = [e["path"] for e in spec["mixed"] if e["path"].endswith(".pdf")]
    ways: Result = {name: {"runs": []} for name, _ in STEADY_WAYS}
    bare: list[Result] = []
    for round_ in range(spec.get("steady_rounds", 3)):
        order: list[tuple[str, dict[str, str] | None]] = [*STEADY_WAYS]
        order = [*order, ("bare", None)] if round_ % 2 == 0 else [("bare", None), *order]
        for name, settings in order:
            if settings is None:
                bare.append(run_phase("bare", {"pdfs": pdfs}))
                continue
            slug = f"{name.replace(', ', '-').replace(' ', '-')}.{round_}"
            ways[name]["runs"].append(run_phase("steady_way", {
                "pdfs": pdfs, "settings": settings, "warmup": spec["mixed_warmup"],
                "warmup_warehouse": f"{spec['mixed_warmup_warehouse']}.{slug}",
                "warehouse": f"{spec['mixed_warehouse']}.{slug}",
            }))
    return {"bare": bare, "ways": ways}


def phase_steady_way(spec: Result) -> Result:
    """One way of the steady state: a warm-up file, then one timed ingest_files call over the PDFs."""
    from scorecards.flows.pipeline import ingest_files

    settings = spec["settings"]
    ingest_files([Path(spec["warmup"])], spec["warmup_warehouse"], progress=False, settings=settings)
    t0 = time.perf_counter()
    summary = ingest_files([Path(p) for p in spec["pdfs"]], spec["warehouse"], workers=1, progress=False,
                           settings=settings)
    return {"files": summary.totals["files"], "pages": summary.totals["pages"], "seconds": time.perf_counter() - t0,
            "observations": summary.totals["observations"], "failed": summary.totals["failed"],
            "peak_mib": peak_mib(),
            "service_peak_mib": service_peak_mib() if settings["validator"] == "service" else None}


def service_peak_mib() -> float | None:
    """Peak RSS (VmHWM) of the validator service this run's settings reach, if it runs (Linux /proc)."""
    from scorecards.expectations.service import service_pid

    pid = service_pid()
    return vm_hwm_mib(pid) if pid is not None else None


def phase_one_page(spec: Result) -> Result:
    """`scorecards ingest one.pdf` of a one-page PDF into a fresh warehouse, as a user types it, three
    times with no validator service running (each run starts one: Great Expectations' import and
    context), then three times with the service the runs before left warm. Best of each three."""
    from scorecards.expectations.service import stop_service

    runs: Result = {"cold": [], "warm": []}
    for state in ("cold", "cold", "cold", "warm", "warm", "warm"):
        if state == "cold":
            stop_service()
        warehouse = Path(spec["work"]) / f"one_page_{len(runs['cold']) + len(runs['warm'])}.duckdb"
        for leftover in (warehouse, warehouse.with_suffix(".duckdb.wal")):
            leftover.unlink(missing_ok=True)
        command = [sys.executable, "-m", "scorecards.flows.cli", "ingest", spec["mixed_warmup"],
                   "--warehouse", str(warehouse), "--quiet"]
        t0 = time.perf_counter()
        proc = subprocess.run(command, env=child_env(), cwd=spec["work"], capture_output=True, text=True)
        runs[state].append({"seconds": time.perf_counter() - t0, "returncode": proc.returncode,
                            "stderr": proc.stderr[-2000:]})
    return {**runs, "cli_peak_mib": peak_mib(resource.RUSAGE_CHILDREN), "service_peak_mib": service_peak_mib()}


# ---------------------------------------------------------------------------------------------
# Profile: where an ingest spends its time, stage by stage (cProfile)
# ---------------------------------------------------------------------------------------------

PROFILE_TOP = 8  # entries per stage, by cumulative time
# Stages inside the one ingest_files call, in pipeline order; their seconds plus "other" make the run's wall time.
RUN_STAGES = ("open: sha256", "extract", "normalise", "validate", "load", "fail")
PDF_PARSE = "open: PDF parse"  # a separate pass after the run: overlaps extract, not in the run's wall time
PROJECT_ROOT = Path(__file__).resolve().parents[1]


class StageProfile:
    """Wall seconds, calls and one cProfile.Profile per stage, summed over every call of that stage.

    Each stage's profiler is enabled only while that stage runs (Profile.runcall), so a stage's entries
    are its own. Stages must not nest: only one profiler can be active at a time.
    """

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self.profiles: dict[str, cProfile.Profile] = {}

    def wrap(self, name: str, step: Callable[..., Any]) -> Callable[..., Any]:
        profile = self.profiles.setdefault(name, cProfile.Profile())

        def run(*args: Any, **kwargs: Any) -> Any:
            t0 = time.perf_counter()
            try:
                return profile.runcall(step, *args, **kwargs)
            finally:
                self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - t0
                self.calls[name] = self.calls.get(name, 0) + 1

        return run

    def top(self, name: str, limit: int = PROFILE_TOP) -> list[Result]:
        """The stage's `limit` entries with the most cumulative time: function, ncalls, tottime, cumtime."""
        if not self.calls.get(name):
            return []
        stats = pstats.Stats(self.profiles[name]).sort_stats("cumulative")
        entries: list[Result] = []
        for func in stats.fcn_list:  # type: ignore[attr-defined]  # set by sort_stats, not in the stubs
            if func[2] == "<method 'disable' of '_lsprof.Profiler' objects>":  # runcall's own exit
                continue
            primitive, ncalls, tottime, cumtime, _ = stats.stats[func]  # type: ignore[attr-defined]
            entries.append({"function": _where(func), "ncalls": ncalls, "primitive_calls": primitive,
                            "tottime": tottime, "cumtime": cumtime})
            if len(entries) == limit:
                break
        return entries


def _where(func: tuple[str, int, str]) -> str:
    """pstats' `file:line(name)`, the file shortened to start at site-packages/, the project folder or the
    standard library; a built-in is its name alone."""
    file, line, name = func
    if file == "~":
        return name
    if "site-packages/" in file:
        file = file[file.index("site-packages/"):]
    elif file.startswith(f"{PROJECT_ROOT}/"):
        file = file[len(str(PROJECT_ROOT)) + 1:]
    elif "/lib/python" in file:
        file = file.split("/lib/", 1)[1]
    return f"{file}:{line}({name})"


def _parse_pdf(path: Path) -> tuple[int, int]:
    """Open a PDF with pdfplumber and read every page's chars (pdfminer's layout of the page, which every
    engine starts from); (pages, chars)."""
    import pdfplumber

    pages = chars = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            chars += len(page.chars)
            pages += 1
    return pages, chars


def phase_profile(spec: Result) -> Result:
    """One ingest_files call, workers=1, over the profile files into a new warehouse, every stage timed and profiled.

    The modules the steps import on first use are imported before the run and timed apart, so that no stage
    (and no profile) carries an import: the project's extractors and expectations, then Great Expectations
    alone, which the first validate call would otherwise pay. `expectations` goes first because it turns
    GX's analytics off before GX is imported, as it does in a real run.
    """
    started = time.perf_counter()
    import scorecards.flows.pipeline as pipeline
    from scorecards.flows.steps import DIRECT_STEPS

    imported = time.perf_counter()
    for module in ("scorecards.extractors.pdf", "scorecards.extractors.word", "scorecards.expectations", "pdfplumber"):
        importlib.import_module(module)
    lazy = time.perf_counter()
    gx_import_s = None
    if "great_expectations" not in sys.modules:
        t0 = time.perf_counter()
        importlib.import_module("great_expectations")
        gx_import_s = time.perf_counter() - t0

    stages = StageProfile()
    steps = {name: stages.wrap(name, step) for name, step in DIRECT_STEPS.items()}
    paths = [Path(name) for name in spec["profile_files"]]
    # plan() hashes every file through the module's sha256_of: wrapped for this run only.
    sha256_of = pipeline.sha256_of
    pipeline.sha256_of = stages.wrap("open: sha256", sha256_of)
    try:
        t0 = time.perf_counter()
        summary = pipeline.ingest_files(paths, spec["profile_warehouse"], steps=steps, progress=False, workers=1)
        run_s = time.perf_counter() - t0
    finally:
        pipeline.sha256_of = sha256_of
    parse = stages.wrap(PDF_PARSE, _parse_pdf)
    pdf_pages = chars = 0
    for path in paths:
        if path.suffix.lower() == ".pdf":
            pages, found = parse(path)
            pdf_pages, chars = pdf_pages + pages, chars + found
    names = [RUN_STAGES[0], PDF_PARSE, *RUN_STAGES[1:]]
    return {
        "import_s": imported - started, "lazy_import_s": lazy - imported, "gx_import_s": gx_import_s,
        **summary.totals, "seconds": run_s, "pdf_pages": pdf_pages, "pdf_chars": chars,
        "stages": {name: {"seconds": stages.seconds.get(name, 0.0), "calls": stages.calls.get(name, 0),
                          "top": stages.top(name)} for name in names},
        "failures": [o.reason for o in summary.outcomes if o.status == "failed"], "peak_mib": peak_mib(),
    }


PHASES: dict[str, Callable[[Result], Result]] = {
    "bare": phase_bare, "ingest": phase_ingest, "reingest": phase_reingest, "cli": phase_cli,
    "backfill1": phase_backfill1, "backfill2": phase_backfill2, "noop_fill": phase_noop_fill, "noop": phase_noop,
    "mixed_bare": phase_mixed_bare, "mixed_ingest": phase_mixed_ingest, "mixed_steady": phase_mixed_steady,
    "one_page": phase_one_page, "profile": phase_profile, "steady_way": phase_steady_way,
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


def _sum(groups: dict[str, Result], names: list[str]) -> Result:
    total: Result = {}
    for name in names:
        g = groups.get(name)
        if g:
            _add(total, {k: v for k, v in g.items() if isinstance(v, int)}, g["seconds"])
            total["extract_s"] = total.get("extract_s", 0.0) + g.get("extract_s", 0.0)
    return total


def mixed_rows(results: Result) -> list[Result]:
    """One row per layout and form, then totals: scorecards beside bare pdfplumber on the same PDFs."""
    ours, bare = results["mixed_ingest"]["groups"], results["mixed_bare"]["groups"]
    names = list(ours)
    pdfs = [n for n in names if not n.endswith(" docx")]
    totals = [
        ("ruled PDFs", [n for n in pdfs if n.endswith(" ruled")]),
        ("borderless PDFs", [n for n in pdfs if n.endswith(" borderless")]),
        ("all PDFs", pdfs),
        ("Word", [n for n in names if n.endswith(" docx")]),
        ("all files", names),
    ]
    rows: list[Result] = []
    for label, ours_g, bare_g in [(n, ours[n], bare.get(n, {})) for n in names] + [
        (f"total: {label}", _sum(ours, members), _sum(bare, members)) for label, members in totals
    ]:
        mine = rate(ours_g.get("pages"), ours_g.get("seconds"))
        floor = rate(bare_g.get("pages"), bare_g.get("seconds"))
        rows.append({
            "group": label, "files": ours_g.get("files"), "pages": ours_g.get("pages"),
            "seconds": ours_g.get("seconds"), "pages_per_s": mine,
            "extract_s": ours_g.get("extract_s"),
            "extract_pages_per_s": rate(ours_g.get("pages"), ours_g.get("extract_s")),
            "bare_seconds": bare_g.get("seconds"), "bare_pages_per_s": floor,
            "ratio": mine / floor if mine and floor else None,
            "tables": ours_g.get("tables"), "observations": ours_g.get("observations"),
            "quarantined": ours_g.get("quarantined"), "failed": ours_g.get("failed"),
            "layouts": ";".join(ours_g.get("layouts", [])),
        })
    return rows


def print_mixed(results: Result, rows: list[Result]) -> None:
    header = ("layout / form", "files", "pages", "scorecards s", "pages/s", "extract s", "pages/s", "pdfplumber s",
              "pages/s", "ratio", "tables", "obs", "quar", "failed", "layouts decided")
    cells = [(r["group"], fmt(r["files"]), fmt(r["pages"]), fmt(r["seconds"]), fmt(r["pages_per_s"], 1),
              fmt(r["extract_s"]), fmt(r["extract_pages_per_s"], 1),
              fmt(r["bare_seconds"]), fmt(r["bare_pages_per_s"], 1), fmt(r["ratio"]), fmt(r["tables"]),
              fmt(r["observations"]), fmt(r["quarantined"]), fmt(r["failed"]), r["layouts"]) for r in rows]
    widths = [max(len(line[i]) for line in [header, *cells]) for i in range(len(header))]
    for line in [header, *cells]:
        last = len(line) - 1
        padded = [c.ljust(w) if i in (0, last) else c.rjust(w)
                  for i, (c, w) in enumerate(zip(line, widths, strict=True))]
        print("  ".join(padded).rstrip())
    ingest, bare = results["mixed_ingest"], results["mixed_bare"]
    print(f"scorecards s: the whole ingest of each file (extract, normalise, validate, load); extract s: the "
          f"extraction step alone. ratio: scorecards (whole ingest) pages/s ÷ bare pdfplumber pages/s on the same "
          f"PDFs (Word has no pdfplumber counterpart; a Word table counts as a page). "
          f"scorecards import flows.pipeline {ingest['import_s']:.1f} s "
          f"and warm-up file {ingest['warmup_s']:.1f} s are not in the rows; pdfplumber import "
          f"{bare['import_s']:.2f} s is not either")
    print(f"peak memory: scorecards {ingest['peak_mib']:.1f} MiB (whole mixed ingest process, warm-up included), "
          f"bare pdfplumber {bare['peak_mib']:.1f} MiB")
    if ingest["failures"]:
        print(f"FAILED mixed files ({len(ingest['failures'])}):", *ingest["failures"], sep="\n  ")
    steady = results.get("mixed_steady")
    if steady:
        print_steady(steady, bare["peak_mib"])
    one = results.get("one_page")
    if one:
        best = {state: min(r["seconds"] for r in one[state]) for state in ("cold", "warm")}
        failed = [r for state in ("cold", "warm") for r in one[state] if r["returncode"] != 0]
        print(f"one page (`scorecards ingest` of a one-page PDF into a fresh warehouse, best of 3): "
              f"{best['cold']:.2f} s with no validator service running (the run starts one), "
              f"{best['warm']:.2f} s with it warm; CLI peak {one['cli_peak_mib']:.0f} MiB"
              + (f", the service's {one['service_peak_mib']:.0f} MiB" if one.get("service_peak_mib") else ""))
        for run in failed:
            print(f"  CLI exited with {run['returncode']}:\n{run['stderr']}")


def print_steady(steady: Result, bare_peak_mib: float) -> None:
    """The steady state: each side's best round, the ratio of the bests, and every round's ratio."""
    best_bare = min(steady["bare"], key=lambda r: r["seconds"])
    floor = rate(best_bare["pages"], best_bare["seconds"])
    bare_rates = [rate(r["pages"], r["seconds"]) or 0.0 for r in steady["bare"]]
    ways = steady["ways"]
    first = next(iter(ways.values()))["runs"][0]
    print(f"steady state: one ingest_files call over all {first['files']} PDFs ({first['pages']} pages), "
          f"workers=1, after a warm-up file, in {len(steady['bare'])} round(s) (bare pdfplumber and each way in "
          f"turn; best round of each); bare pdfplumber {fmt(floor, 1)} pages/s "
          f"(rounds {fmt(min(bare_rates), 1)}-{fmt(max(bare_rates), 1)}), peak {bare_peak_mib:.0f} MiB")
    for name, way in ways.items():
        runs = way["runs"]
        best = min(runs, key=lambda r: r["seconds"])
        mine = rate(best["pages"], best["seconds"])
        # Round by round: this way's rate over bare pdfplumber's in the same round.
        per_round = [(rate(r["pages"], r["seconds"]) or 0.0) / b for r, b in zip(runs, bare_rates, strict=False) if b]
        service_peaks = [r["service_peak_mib"] for r in runs if r.get("service_peak_mib")]
        service = f"; the validator service's peak {max(service_peaks):.0f} MiB" if service_peaks else ""
        print(f"  scorecards, {name}: {fmt(mine, 1)} pages/s, ratio to bare pdfplumber "
              f"{fmt(mine / floor if mine and floor else None)} (rounds {fmt(min(per_round))}-{fmt(max(per_round))}); "
              f"{best['observations']} observations; peak {max(r['peak_mib'] for r in runs):.0f} MiB in its "
              f"process{service}")


def profile_rows(profile: Result) -> list[Result]:
    """The profile table: the run's stages, "other" and the run's total; then, outside the total, the PDF parse
    (a separate pass, overlapping extract), the Great Expectations import and validate with that import."""
    stages, total, pages = profile["stages"], profile["seconds"], profile["pages"]

    def entry(label: str, seconds: float | None, calls: int | None = None, per: int | None = None,
              in_run: bool = True) -> Result:
        per = pages if per is None else per
        return {"stage": label, "seconds": seconds, "calls": calls, "in_run": in_run,
                "share": seconds / total if seconds is not None and total else None,
                "ms_per_page": 1000 * seconds / per if seconds is not None and per else None}

    rows = [entry(name, stages[name]["seconds"], stages[name]["calls"])
            for name in RUN_STAGES if name != "fail" or stages[name]["calls"]]
    rows[[r["stage"] for r in rows].index("validate")]["stage"] = "validate (GX imported before the run)"
    rows.append(entry("other (plan, to_frames, crops, run record)",
                      total - sum(stages[name]["seconds"] for name in RUN_STAGES)))
    rows.append(entry("total: one ingest_files call, workers=1", total))
    parse, gx = stages[PDF_PARSE], profile["gx_import_s"]
    rows.append(entry(f"{PDF_PARSE} (separate pass; per PDF page)", parse["seconds"], parse["calls"],
                      profile["pdf_pages"], in_run=False))
    if gx is not None:
        rows.append(entry("GX import (import great_expectations)", gx, 1, in_run=False))
        rows.append(entry("validate (incl. GX import)", stages["validate"]["seconds"] + gx, stages["validate"]["calls"],
                          in_run=False))
    return rows


def print_profile(profile: Result, rows: list[Result], source: str) -> None:
    """The profile table, then each stage's top entries by cumulative time."""
    print(f"\nprofile of {source}: {profile['files']} files, {profile['pages']} pages ({profile['pdf_pages']} PDF "
          f"pages + Word tables), one ingest_files call with workers=1 into a new warehouse, every stage under its "
          f"own cProfile\n")
    header = ("stage", "calls", "seconds", "share", "ms/page")
    cells = [(r["stage"], fmt(r["calls"]), fmt(r["seconds"]), f"{r['share']:.1%}" if r["share"] is not None else "-",
              fmt(r["ms_per_page"], 1)) for r in rows]
    widths = [max(len(line[i]) for line in [header, *cells]) for i in range(len(header))]
    for i, line in enumerate([header, *cells]):
        if i > 1 and not rows[i - 1]["in_run"] and rows[i - 2]["in_run"]:
            print("not in the total:")
        padded = [c.ljust(w) if j == 0 else c.rjust(w) for j, (c, w) in enumerate(zip(line, widths, strict=True))]
        print("  ".join(padded))
    stages = profile["stages"]
    extract, parse = stages["extract"]["seconds"], stages[PDF_PARSE]["seconds"]
    gx = profile["gx_import_s"]
    print("share: of the total; ms/page: per page of the run (a Word table counts as a page), the PDF parse per "
          "PDF page. Seconds are measured with the stage's profiler on: cProfile slows call-heavy Python code "
          "the most, so compare shares within this table, not seconds with the other tables.")
    print(f"{PDF_PARSE}: pdfplumber.open + every page's .chars ({profile['pdf_chars']:,} chars), the page parse every "
          f"engine shares, run again after the ingest: extract pays it too, so it overlaps extract "
          f"(= {fmt(parse / extract if extract else None)} x extract's seconds, all files) and is not in the total.")
    print("open: sha256 is the content hash of every file in plan(), before anything is parsed.")
    gx_note = (f"import great_expectations alone took {gx:.2f} s" if gx is not None
               else "great_expectations was already imported")
    print(f"imports before the run, in no stage: flows.pipeline {profile['import_s']:.2f} s; extractors, expectations "
          f"and pdfplumber {profile['lazy_import_s']:.2f} s; {gx_note} (what the first validate call of a process "
          f"pays on top of its validate row); the first validate call still builds the GX context and suites.")
    if profile["failures"]:
        print(f"FAILED profile files ({len(profile['failures'])}):", *profile["failures"], sep="\n  ")
    for name in (RUN_STAGES[0], PDF_PARSE, *RUN_STAGES[1:]):
        stage = stages[name]
        if not stage["calls"]:
            continue
        print(f"\n{name}: {stage['calls']} call(s), {stage['seconds']:.2f} s; top {len(stage['top'])} by cumulative "
              f"time")
        print(f"  {'ncalls':>9}  {'tottime':>8}  {'cumtime':>8}  function")
        for e in stage["top"]:
            # pstats' "total/primitive" where a function recursed.
            ncalls, primitive = e["ncalls"], e["primitive_calls"]
            shown = f"{ncalls}" if ncalls == primitive else f"{ncalls}/{primitive}"
            print(f"  {shown:>9}  {e['tottime']:8.3f}  {e['cumtime']:8.3f}  {e['function']}")


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------


FULL: dict[str, int] = {"reports": 20, "measures": 20, "noop_files": 1000, "mixed": 3, "steady_rounds": 3}
QUICK: dict[str, int] = {"reports": 4, "measures": 12, "noop_files": 40, "mixed": 1, "steady_rounds": 1}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, help="reports to generate, each as PDF and docx (default 20)")
    parser.add_argument("--measures", type=int, help="measure rows per report (default 20)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--noop-files", type=int,
                        help="small unchanged files for the no-op run (ingested once first, 2 workers); 0 skips it "
                             "(default 1000)")
    parser.add_argument("--mixed", type=int,
                        help="reports per layout and form in the mixed folder (default 3: over 100 pages); 0 skips it")
    parser.add_argument("--steady-rounds", type=int,
                        help="rounds of the steady state (bare pdfplumber and each way in turn; default 3)")
    parser.add_argument("--quick", action="store_true",
                        help=f"small defaults for a run of a few minutes on 2 cores: {QUICK}")
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--mixed-only", action="store_true", help="only the mixed folder, beside bare pdfplumber")
    only.add_argument("--profile-only", action="store_true",
                      help="only the per-stage profile (cProfile) of an ingest of the mixed folder (of the grid "
                           "reports with --mixed 0)")
    parser.add_argument("--out", type=Path, help="folder for reports and warehouses (kept); default a temp folder")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder")
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    parser.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    # Sizes not given take the --quick or the full defaults.
    for key, value in (QUICK if args.quick else FULL).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    return args


def prepare_grid(work: Path, args: argparse.Namespace) -> tuple[Result, Result]:
    """The grid reports, the no-op folder and the spec of their phases; also how long they took to make."""
    from samples.generate import generate_folder

    t0 = time.perf_counter()
    paths = generate_folder(work, args.reports, seed=args.seed, formats=("pdf", "docx"), n_measures=args.measures)
    made: Result = {"generate_s": time.perf_counter() - t0, "noop_prepare_s": None}
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
        made["noop_prepare_s"] = time.perf_counter() - t0
    return spec, made


def prepare_mixed(work: Path, args: argparse.Namespace) -> tuple[Result, float]:
    from samples.generate import random_report
    from samples.pdf_render import write_pdf

    t0 = time.perf_counter()
    folder = work / "mixed"
    shutil.rmtree(folder, ignore_errors=True)
    spec: Result = {
        "mixed": generate_mixed(folder, args.mixed, args.seed, args.measures),
        # Not in the mixed folder: a small file ingested first so that one-off costs land on no layout.
        "mixed_warmup": str(write_pdf(random_report(args.seed + 999, "contract", 4), work / "warmup" / "warmup.pdf")),
        "mixed_warmup_warehouse": str(work / "warmup.duckdb"),
        "mixed_warehouse": str(work / "mixed.duckdb"),
        "steady_rounds": args.steady_rounds,
    }
    return spec, time.perf_counter() - t0


def _load() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg()) if hasattr(os, "getloadavg") else "-"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.phase:
        print(json.dumps(PHASES[args.phase](json.load(sys.stdin))))
        return 0

    started = time.perf_counter()
    load_before = _load()
    work = args.out.resolve() if args.out else Path(tempfile.mkdtemp(prefix="scorecards-bench-"))
    # The validator service of this run's phases (inherited through child_env), never the user's: a
    # folder of the run's (short: a socket's path has at most 107 bytes), its service stopped at the end.
    os.environ["XDG_RUNTIME_DIR"] = tempfile.mkdtemp(prefix="scb-")
    try:
        work.mkdir(parents=True, exist_ok=True)
        # A warehouse left in --out by an earlier run would turn the first ingest into skips.
        for name in ("bench", "cli", "backfill1", "backfill2", "noop", "warmup", "mixed", "profile"):
            for leftover in (work / f"{name}.duckdb", work / f"{name}.duckdb.wal"):
                leftover.unlink(missing_ok=True)
        results: Result = {}
        made: Result = {}
        spec: Result = {"work": str(work)}
        names: list[str] = []
        grid = not args.mixed_only and not args.profile_only
        if grid or (args.profile_only and args.mixed <= 0):
            # --profile-only with --mixed 0 profiles the grid reports: made without the no-op folder.
            grid_args = args if grid else argparse.Namespace(**{**vars(args), "noop_files": 0})
            grid_spec, made = prepare_grid(work, grid_args)
            spec.update(grid_spec)
        if grid:
            names += ["bare", "ingest", "reingest", "cli", "backfill1", "backfill2"]
            names += ["noop_fill", "noop"] if args.noop_files > 0 else []
        if args.mixed > 0:
            mixed_spec, made["mixed_generate_s"] = prepare_mixed(work, args)
            spec.update(mixed_spec)
            names += [] if args.profile_only else ["mixed_bare", "mixed_ingest", "mixed_steady", "one_page"]
        if not args.mixed_only:
            # The mixed folder has every layout; without it, the grid reports' PDFs and Word files.
            spec["profile_files"] = ([e["path"] for e in spec["mixed"]] if "mixed" in spec
                                     else spec["pdfs"] + spec["docxs"])
            spec["profile_warehouse"] = str(work / "profile.duckdb")
            names.append("profile")
        results = {name: run_phase(name, spec) for name in names}
        total = time.perf_counter() - started

        rows: list[Result] = []
        ratio: Result = {}
        if grid:
            rows, ratio = table_rows(results), ratios(results)
            print(f"\n{args.reports} reports x {args.measures} measures, seed {args.seed}, in {work} "
                  f"(generated in {made['generate_s']:.1f} s)")
            if made["noop_prepare_s"] is not None:
                print(f"no-op folder: {args.noop_files:,} PDFs, copies of {min(NOOP_DISTINCT, args.noop_files)} "
                      f"distinct reports x {NOOP_MEASURES} measures (prepared in {made['noop_prepare_s']:.1f} s)")
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
        mixed: list[Result] = []
        if "mixed_ingest" in results:
            mixed = mixed_rows(results)
            print(f"\nmixed folder: {len(spec['mixed'])} files, {args.mixed} report(s) per layout and form x "
                  f"{args.measures} measures, seed {args.seed} (generated in {made['mixed_generate_s']:.1f} s)\n")
            print_mixed(results, mixed)
        profiled: list[Result] = []
        if "profile" in results:
            profiled = profile_rows(results["profile"])
            source = (f"the mixed folder ({args.mixed} report(s) per layout and form" if "mixed" in spec
                      else f"the grid reports ({args.reports} as PDF and Word")
            print_profile(results["profile"], profiled, f"{source} x {args.measures} measures, seed {args.seed})")
            print()
        machine = {"cpu_count": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                   "load_before": load_before, "load_after": _load()}
        print(f"machine: cpu_count={machine['cpu_count']}, Python {machine['python']}, {machine['platform']}")
        # Other work on the machine slows every phase, not all equally: the load average says how busy it was.
        print(f"load average (1, 5, 15 min): {machine['load_before']} before, {machine['load_after']} after")
        print(f"total run time: {total:.1f} s")
        if args.json:
            args.json.write_text(json.dumps({
                "args": {"reports": args.reports, "measures": args.measures, "seed": args.seed,
                         "noop_files": args.noop_files, "noop_distinct": min(NOOP_DISTINCT, args.noop_files),
                         "noop_measures": NOOP_MEASURES, "mixed": args.mixed, "quick": args.quick,
                         "mixed_only": args.mixed_only, "profile_only": args.profile_only},
                "machine": machine, **made, "total_s": total,
                "phases": results, "rows": rows, "ratio": ratio, "mixed_rows": mixed, "profile_rows": profiled,
            }, indent=2, default=str))
    finally:
        from scorecards.expectations.service import stop_service

        stop_service()
        shutil.rmtree(os.environ["XDG_RUNTIME_DIR"], ignore_errors=True)
        if not args.out and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        elif not args.out:
            print(f"kept {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
