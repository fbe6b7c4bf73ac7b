"""Benchmark: how fast are scanned pages read (extractors.ocr), and how much memory does it take?

Generated reports (both grid styles, ruled and borderless) are rendered to images at 150 dpi,
rotated a little, sprinkled with specks and saved as image-only PDFs, as tests/test_ocr.py does;
E_scanned.pdf from ../shared/samples is read too when it is there. Each page is OCR'd with the
default settings (every cell with ink read twice, on the page and on its own) and with
`ocr_options = {"reread": "doubtful"}` (only cells the page reading was unsure of read again), in one process.

Printed: pages, seconds, pages per second, and peak resident memory of this process and of one
Tesseract run on a page. Seconds swing with whatever else the machine is doing; Tesseract runs
single-threaded (OMP_THREAD_LIMIT=1, the measured faster choice on 2 cores).

Usage: ``python benchmarks/ocr.py [--reports N] [--measures M] [--seed S] [--out DIR] [--json FILE]``
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
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SHARED_SCAN = ROOT.parent / "shared" / "samples" / "E_scanned.pdf"


def peak_mib(who: int) -> float:
    peak = resource.getrusage(who).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def make_scan(pdf: Path, out: Path, seed: int, dpi: int = 150, angle: float = 1.2) -> Path:
    """Every page of a text PDF as a skewed, specked image-only PDF page."""
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image

    rng = np.random.default_rng(seed)
    doc = pdfium.PdfDocument(str(pdf))
    pages = []
    for i in range(len(doc)):
        image = doc[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
        image = image.rotate(angle if i % 2 == 0 else -0.7 * angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
        pixels = np.asarray(image).astype(np.int16)
        specks = rng.random(pixels.shape) < 0.002
        pixels[specks] = rng.integers(0, 160, int(specks.sum()))
        pixels = np.clip(pixels + rng.normal(0, 6, pixels.shape), 0, 255).astype(np.uint8)
        pages.append(Image.fromarray(pixels))
    doc.close()
    pages[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=pages[1:])
    return out


def generate(folder: Path, reports: int, measures: int, seed: int) -> list[Path]:
    from samples.generate import random_report, write_pdf

    scans = []
    for k in range(reports):
        style = ("improvement", "contract")[k % 2]
        ruled = k % 4 < 2
        model = random_report(seed + k, style, n_measures=measures)
        pdf = write_pdf(model, folder / f"{style}_{seed + k}{'' if ruled else '_borderless'}.pdf", ruled=ruled)
        scans.append(make_scan(pdf, folder / f"{pdf.stem}_scan.pdf", seed + k))
    return scans


def ocr_files(files: list[Path], settings: dict[str, Any]) -> tuple[int, float, int]:
    """(pages OCR'd, seconds, cells) for every page that needs OCR."""
    import pdfplumber

    from extractors.ocr import needs_ocr, ocr_page

    pages = cells = 0
    started = time.perf_counter()
    for path in files:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                if needs_ocr(page):
                    tables, _ = ocr_page(path, page.page_number, float(page.width), float(page.height), settings)
                    pages += 1
                    cells += sum(len({id(c) for row in t.grid for c in row}) for t in tables)
    return pages, time.perf_counter() - started, cells


def tesseract_peak_mib(pdf: Path) -> float | None:
    """Peak memory of one Tesseract run on a page, from /usr/bin/time (a forked child's own rusage
    would count the Python process it was forked from)."""
    import cv2

    from extractors.ocr import OCR_DEFAULTS, prepare, render_page

    timer = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)
    if timer is None:
        return None
    gray = render_page(pdf, 1, OCR_DEFAULTS["dpi"])
    scan = prepare(gray, OCR_DEFAULTS["dpi"], OCR_DEFAULTS["max_skew"])
    with tempfile.TemporaryDirectory() as tmp:
        png = Path(tmp) / "page.png"
        cv2.imwrite(str(png), scan.clean)
        done = subprocess.run([timer, "-f", "%M", "tesseract", str(png), "stdout", "--psm", str(OCR_DEFAULTS["psm"]),
                               "tsv"], capture_output=True, text=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    last = done.stderr.strip().splitlines()[-1:] or [""]
    return round(int(last[0]) / 1024, 1) if last[0].isdigit() else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=4)
    parser.add_argument("--measures", type=int, default=10)
    parser.add_argument("--seed", type=int, default=100)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)

    folder = args.out or Path(tempfile.mkdtemp(prefix="scorecards-ocr-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    generated = generate(folder, args.reports, args.measures, args.seed)
    print(f"generated {len(generated)} scanned reports in {time.perf_counter() - started:.1f} s ({folder})")
    sets = [("generated scans", generated)]
    if SHARED_SCAN.exists():
        sets.append(("E_scanned.pdf", [SHARED_SCAN]))
    modes = [("reread all (default)", {}), ("reread doubtful", {"ocr_options": {"reread": "doubtful"}})]

    rows = []
    for set_name, files in sets:
        for mode, settings in modes:
            pages, seconds, cells = ocr_files(files, settings)
            rows.append({"files": set_name, "mode": mode, "pages": pages, "seconds": round(seconds, 2),
                         "pages_per_s": round(pages / seconds, 3) if seconds else 0.0,
                         "s_per_page": round(seconds / pages, 2) if pages else 0.0, "cells": cells})
    result = {
        "machine": f"{platform.machine()} {platform.system()}, {os.cpu_count()} cores",
        "rows": rows,
        "peak_mib_python": round(peak_mib(resource.RUSAGE_SELF), 1),
        "peak_mib_tesseract": tesseract_peak_mib(generated[0]),
    }
    print()
    print(f"{'files':18} {'mode':22} {'pages':>5} {'seconds':>8} {'pages/s':>8} {'s/page':>7} {'cells':>6}")
    for row in rows:
        print(f"{row['files']:18} {row['mode']:22} {row['pages']:5d} {row['seconds']:8.2f} "
              f"{row['pages_per_s']:8.3f} {row['s_per_page']:7.2f} {row['cells']:6d}")
    print()
    print(f"peak memory: this process {result['peak_mib_python']} MiB, "
          f"one Tesseract page run {result['peak_mib_tesseract']} MiB ({result['machine']})")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
