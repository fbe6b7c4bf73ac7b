"""Pictures of quarantined cells for the reviewer: PNG crops of a text PDF's pages at each cell's bbox.

Reads the source document again (I/O), so it is a step of its own, never part of normalising.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pandas as pd

CROP_SCALE = 2.0  # pixels per PDF point: small text stays legible in a review page
CROP_MARGIN = 4.0  # points around the cell, so its ruling lines show

log = logging.getLogger("scorecards")


def add_crops(frames: dict[str, pd.DataFrame], path: Path, kind: str) -> float:
    """Give quarantined cells of a text PDF their picture: a PNG crop of the page at the cell's bbox.

    Runs in the worker, one render per page that has quarantined cells without a picture (OCR'd
    cells already carry one; Word has no page to crop). Returns the seconds spent.
    """
    quarantine = frames.get("quarantine_facts")
    if kind != "pdf" or quarantine is None or quarantine.empty or "bbox_x0" not in quarantine:
        return 0.0
    started = time.perf_counter()
    if "crop_png" not in quarantine:
        quarantine["crop_png"] = None
    wanted = quarantine["crop_png"].isna() & quarantine["bbox_x0"].notna() & quarantine["page"].notna()
    if not wanted.any():
        return 0.0
    import cv2
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        for page_number, rows in quarantine[wanted].groupby("page"):
            page = pdf[int(page_number) - 1]
            image = page.render(scale=CROP_SCALE).to_numpy()  # BGR(A), as cv2 writes it
            page.close()
            height, width = image.shape[:2]
            for index, row in rows.iterrows():
                x0, top = (max(0, int((row[k] - CROP_MARGIN) * CROP_SCALE)) for k in ("bbox_x0", "bbox_top"))
                x1 = min(width, int((row["bbox_x1"] + CROP_MARGIN) * CROP_SCALE) + 1)
                bottom = min(height, int((row["bbox_bottom"] + CROP_MARGIN) * CROP_SCALE) + 1)
                if x1 <= x0 or bottom <= top:
                    continue
                ok, png = cv2.imencode(".png", image[top:bottom, x0:x1])
                quarantine.at[index, "crop_png"] = png.tobytes() if ok else None
    except Exception as exc:  # a picture is a help for the reviewer, never a reason to lose the file's rows
        log.warning("%s: could not render quarantined cells' pictures (%s)", path.name, exc)
    finally:
        pdf.close()
    return time.perf_counter() - started
