"""Ingest the public reports in ../shared/eval/real (when present) and score the export by eye-read figures.

    python benchmarks/real_reports.py [--files DIR] [--truth CSV] [--out DIR] [--workers N]

Runs what a new user would: `scorecards ingest FOLDER` into a fresh warehouse, `scorecards export`,
then the spot scorer beside the files (`spot_score.py`). Prints the scorer's per-file table and
last line, the wall time, and per file the observations, quarantine rows by reason and the
documents' figure_cells / uncited_cells. The files stay where they are: nothing is copied.
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "eval" / "real"


def run(command: list[str]) -> str:
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if done.returncode not in (0, 1):
        sys.exit(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    return done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=Path, default=REAL / "files")
    parser.add_argument("--truth", type=Path, default=REAL / "dev_truth.csv")
    parser.add_argument("--scorer", type=Path, default=REAL.parent / "spot_score.py")
    parser.add_argument("--out", type=Path, default=None, help="export folder (default: a temporary one)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--show-misses", type=int, default=40)
    args = parser.parse_args()
    if not args.files.is_dir():
        sys.exit(f"{args.files} not found: these reports are not bundled with scorecards")
    work = Path(tempfile.mkdtemp(prefix="scorecards-real-"))
    out = args.out or work / "export"
    scorecards = str(Path(sys.executable).with_name("scorecards"))
    started = time.perf_counter()
    run([scorecards, "ingest", str(args.files), "--warehouse", str(work / "real.duckdb"), "--workers",
         str(args.workers), "--no-prefect", "--quiet"])
    seconds = time.perf_counter() - started
    run([scorecards, "export", "--warehouse", str(work / "real.duckdb"), "--out", str(out)])
    print(run([sys.executable, str(args.scorer), "--truth", str(args.truth), "--pred", str(out),
               "--show-misses", str(args.show_misses)]))
    per_file: dict[str, Counter[str]] = defaultdict(Counter)
    with open(out / "observations.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            per_file[row["source_file"]]["observations"] += 1
    with open(out / "quarantine.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            reason = row["reason"].split(": ", 1)[-1] if row["reason"].startswith("table ") else row["reason"]
            per_file[row["source_file"]][f"q: {reason[:40]}"] += 1
    with open(out / "documents.csv", encoding="utf-8") as fh:
        documents = {row["source_file"]: row for row in csv.DictReader(fh)}
    print(f"{'file':48} {'obs':>5} {'figure cells':>12} {'uncited':>7}  top quarantine reasons")
    for name in sorted(set(per_file) | set(documents)):
        counts = per_file[name]
        doc = documents.get(name, {})
        reasons = ", ".join(f"{k[3:]} ({n})" for k, n in counts.most_common() if k.startswith("q: "))[:90]
        print(f"{name[:48]:48} {counts['observations']:5} {doc.get('figure_cells', '-'):>12} "
              f"{doc.get('uncited_cells', '-'):>7}  {reasons}")
    print(f"ingest wall time {seconds:.1f} s with {args.workers} workers; export in {out}")


if __name__ == "__main__":
    main()
