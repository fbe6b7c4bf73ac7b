"""Benchmark: how fast and how well does the whole pipeline read scanned reports?

Usage: ``python benchmarks/ocr.py [--folder DIR] [--pages N] [--seed S] [--workers K] [--out DIR] [--json FILE]
[--no-e-scanned]``

A folder of scanned reports with exact truth is made by ``samples.scans.generate_scans`` (at least 40
pages: every generated style as image-only scans, most with a damaged OCR text layer, the ruled tables
also pasted as pictures on text pages), or reused when ``--folder`` already holds one (so that a
before and an after run read the same files; a new ``--folder`` is generated into and kept). Then the
real pipeline runs on it as a user runs it, in a subprocess:

    python -m flows.cli ingest FOLDER --warehouse W.duckdb --workers K --no-prefect --quiet
    python -m flows.cli export --warehouse W.duckdb --out EXPORT

Measured: the ingest's wall seconds, the pages of the PDFs, pages per second, and its peak memory:
the largest resident set of the process tree sampled from /proc every 0.2 s (every process alive at
once, summed: main process, extraction workers, Tesseract) and, with GNU time, the largest single
process. When ``../shared/eval/score.py`` exists the export is scored against ``FOLDER/truth``, overall
and per damage (``--only '*_image.pdf'`` ...), and its last lines are printed; without ``../shared``
the scoring is skipped (and said so). ``../shared/samples/E_scanned.pdf`` is ingested and scored too
when it is there (``--no-e-scanned`` to skip it). Seconds swing with whatever else the machine is doing.
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
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SHARED = ROOT.parent / "shared"
SCORER = SHARED / "eval" / "score.py"
E_SCANNED = SHARED / "samples" / "E_scanned.pdf"
E_TRUTH = SHARED / "samples" / "truth"
DAMAGES = ("image", "layer", "picture")


def python() -> str:
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


# ---------------------------------------------------------------------------------------------
# Memory of a process tree, from /proc
# ---------------------------------------------------------------------------------------------


def _tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and every process descended from it, now (0 without /proc)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
    try:
        pids = [int(p) for p in os.listdir("/proc") if p.isdigit()]
    except OSError:
        return 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", encoding="utf-8", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{pid}/statm", encoding="utf-8") as handle:
                rss[pid] = int(handle.read().split()[1]) * page
            parents[pid] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in tree:
                tree.add(pid)
                frontier.append(pid)
    return sum(rss.get(pid, 0) for pid in tree)


class TreeSampler(threading.Thread):
    """Samples the summed resident memory of a process tree until stopped; ``peak`` is the largest sample."""

    def __init__(self, root: int, every: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.root, self.every, self.peak = root, every, 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.peak = max(self.peak, _tree_rss(self.root))
            self._stop_event.wait(self.every)

    def stop(self) -> int:
        self._stop_event.set()
        self.join()
        return self.peak


# ---------------------------------------------------------------------------------------------
# Steps
# ---------------------------------------------------------------------------------------------


def run_sampled(command: list[str], cwd: Path, env: dict[str, str]
                ) -> tuple[subprocess.Popen[str], str, str, float, int]:
    """Run a command to its end: (process, stdout, stderr, wall seconds, peak bytes of its process tree)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = TreeSampler(process.pid)
    sampler.start()
    stdout, stderr = process.communicate()
    return process, stdout, stderr, time.perf_counter() - started, sampler.stop()


def ensure_folder(folder: Path | None, pages: int, seed: int) -> tuple[Path, bool]:
    """The folder of scans to read and whether it was generated now (a folder with truth is reused)."""
    from samples.scans import generate_scans

    if folder is not None and (folder / "truth" / "observations.csv").exists():
        return folder, False
    folder = folder or Path(tempfile.mkdtemp(prefix="scorecards-scans-"))
    started = time.perf_counter()
    made = generate_scans(folder, pages=max(40, pages), seed=seed)
    print(f"generated {len(made)} scanned PDFs in {time.perf_counter() - started:.1f} s ({folder})")
    return folder, True


def pdf_pages(paths: list[Path]) -> int:
    from samples.scans import page_count

    return sum(page_count(p) for p in paths)


def ingest(targets: list[Path], warehouse: Path, workers: int, work: Path) -> dict[str, Any]:
    """Run ``flows.cli ingest`` in a subprocess (cwd ``work``: no scorecards.toml there) and measure it."""
    timer = "/usr/bin/time" if Path("/usr/bin/time").exists() else shutil.which("time")
    largest = work / "time.txt"
    command = [python(), "-m", "scorecards.flows.cli", "ingest", *map(str, targets), "--warehouse", str(warehouse),
               "--workers", str(workers), "--no-prefect", "--quiet"]
    if timer:
        command = [timer, "-f", "%M", "-o", str(largest), *command]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    process, stdout, stderr, seconds, peak_tree = run_sampled(command, work, env)
    peak_process = None
    if largest.exists():
        lines = largest.read_text().strip().splitlines()
        peak_process = round(int(lines[-1]) / 1024, 1) if lines and lines[-1].isdigit() else None
    return {"exit_code": process.returncode, "seconds": round(seconds, 1),
            "peak_tree_mib": round(peak_tree / 2**20, 1) if peak_tree else None,
            "peak_process_mib": peak_process, "stdout": stdout, "stderr": stderr}


def export(warehouse: Path, out: Path, work: Path) -> None:
    done = subprocess.run([python(), "-m", "scorecards.flows.cli", "export", "--warehouse", str(warehouse),
                           "--out", str(out)],
                          cwd=work, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"export failed ({done.returncode}):\n{done.stderr[-2000:]}")


def score(truth: Path, pred: Path, work: Path, only: str | None = None) -> dict[str, Any]:
    """The scorer's output (``lines``) and figures (``result``) for ``pred`` against ``truth``."""
    result_path = work / f"score-{(only or 'all').replace('*', '').replace(',', '_')}.json"
    command = [sys.executable, str(SCORER), "--truth", str(truth), "--pred", str(pred), "--json", str(result_path)]
    if only:
        command += ["--only", only]
    done = subprocess.run(command, capture_output=True, text=True)
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    if done.returncode != 0:
        lines.append(f"scorer failed ({done.returncode}): {done.stderr.strip()[-300:]}")
    result = json.loads(result_path.read_text()) if result_path.exists() else {}
    return {"lines": lines, "result": result}


def _f1(scored: dict[str, Any]) -> str:
    obs = scored.get("result", {}).get("observations")
    if not obs:
        return scored["lines"][-1] if scored["lines"] else "-"
    return f"P {obs['precision']:.3f} R {obs['recall']:.3f} F1 {obs['f1']:.3f} (lost {obs.get('lost', '-')})"


def run_set(name: str, target: Path, paths: list[Path], workers: int, work: Path) -> tuple[dict[str, Any], Path]:
    """Ingest ``target`` (a folder or a file) into a warehouse of its own and export it; ``paths`` are its PDFs.
    Returns the measured row and the export folder."""
    work.mkdir(parents=True, exist_ok=True)
    warehouse, out = work / "warehouse.duckdb", work / "export"
    # A warehouse left by an earlier run would skip every unchanged file: each run starts afresh.
    for stale in (warehouse, warehouse.with_name(warehouse.name + ".wal")):
        stale.unlink(missing_ok=True)
    shutil.rmtree(out, ignore_errors=True)
    print(f"ingesting {name}: {len(paths)} files ... ", end="", flush=True)
    measured = ingest([target], warehouse, workers, work)
    print(f"{measured['seconds']} s (exit {measured['exit_code']})")
    summary = [line for line in measured.pop("stdout").splitlines() if line.strip()]
    errors = [line for line in measured.pop("stderr").splitlines() if line.strip()]
    if not warehouse.exists():
        sys.exit("ingest wrote no warehouse:\n" + "\n".join(errors[-20:]))
    export(warehouse, out, work)
    pages = pdf_pages(paths)
    row = {"set": name, "files": len(paths), "pages": pages, **measured,
           "pages_per_s": round(pages / measured["seconds"], 3) if measured["seconds"] else 0.0,
           "s_per_page": round(measured["seconds"] / pages, 2) if pages else 0.0,
           "ingest_summary": summary[-6:], "ingest_errors": errors[-10:]}
    return row, out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, help="scans to read: reused when it holds truth/, else generated into")
    parser.add_argument("--pages", type=int, default=40, help="pages to generate (at least 40)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--out", type=Path, help="warehouses and exports go here (default: a temporary folder)")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--no-e-scanned", dest="e_scanned", action="store_false",
                        help="do not also read ../shared/samples/E_scanned.pdf")
    args = parser.parse_args(argv)

    folder, generated = ensure_folder(args.folder, args.pages, args.seed)
    work = args.out or Path(tempfile.mkdtemp(prefix="scorecards-ocr-bench-"))
    scans = sorted(folder.glob("*.pdf"))
    rows: list[dict[str, Any]] = []
    row, export_dir = run_set("generated scans", folder, scans, args.workers, work / "scans")
    rows.append(row)

    scoring = SCORER.exists()
    scores: dict[str, Any] = {}
    if scoring:
        scores["all"] = score(folder / "truth", export_dir, work)
        for damage in DAMAGES:
            if any(p.stem.endswith(f"_{damage}") for p in scans):
                scores[damage] = score(folder / "truth", export_dir, work, only=f"*_{damage}.pdf")
    if args.e_scanned and E_SCANNED.exists():
        row, e_export = run_set("E_scanned.pdf", E_SCANNED, [E_SCANNED], args.workers, work / "e_scanned")
        rows.append(row)
        if scoring:
            scores["E_scanned.pdf"] = score(E_TRUTH, e_export, work, only=E_SCANNED.name)

    print()
    for line in rows[0]["ingest_summary"]:
        print(f"  {line}")
    if scoring:
        print()
        print(f"scorer ({SCORER}) on {folder / 'truth'}, last lines:")
        for line in scores["all"]["lines"][-6:]:
            print(f"  {line}")
    else:
        print(f"\nscoring skipped: {SCORER} not found (../shared is not bundled)")
    print()
    print(f"{'files':16} {'pages':>5} {'seconds':>8} {'pages/s':>8} {'s/page':>7} {'peak MiB':>9} "
          f"{'largest':>8}  score")
    for row in rows:
        key = "all" if row["set"] == "generated scans" else row["set"]
        result = _f1(scores[key]) if key in scores else "not scored"
        print(f"{row['set'][:16]:16} {row['pages']:5d} {row['seconds']:8.1f} {row['pages_per_s']:8.3f} "
              f"{row['s_per_page']:7.2f} {row['peak_tree_mib'] or '-':>9} {row['peak_process_mib'] or '-':>8}  "
              f"{result}")
    for damage in DAMAGES:
        if damage in scores:
            print(f"  {damage:14} {'':>5} {'':>8} {'':>8} {'':>7} {'':>9} {'':>8}  {_f1(scores[damage])}")
    machine = f"{platform.machine()} {platform.system()}, {os.cpu_count()} cores"
    print(f"\n{args.workers} workers, {machine}; folder {folder}{' (generated now)' if generated else ' (reused)'}; "
          f"peak MiB = process tree summed, largest = one process")
    if scoring:
        print(scores["all"]["lines"][-1])

    if args.json:
        figures = {"machine": machine, "workers": args.workers, "folder": str(folder), "generated": generated,
                   "rows": rows, "scoring": scoring,
                   "scores": {k: {"last_line": v["lines"][-1] if v["lines"] else "", **v["result"]}
                              for k, v in scores.items()}}
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
