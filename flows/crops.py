"""Pictures of quarantined cells for the reviewer: PNG crops of a text PDF's pages at each cell's bbox.

Reads the source document again (I/O), so it is a step of its own, never part of normalising.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Hashable
from pathlib import Path
from typing import TYPE_CHECKING

from scorecards.extractors.render import BBox, cell_pictures

if TYPE_CHECKING:
    from scorecards.normalise.frames import Frame

CROP_SCALE = 2.0  # pixels per PDF point: small text stays legible in a review page
CROP_MARGIN = 4.0  # points around the cell, so its ruling lines show

log = logging.getLogger("scorecards")


def add_crops(frames: dict[str, Frame], path: Path, kind: str) -> float:
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
    cells: dict[int, list[tuple[Hashable, BBox]]] = {}
    for index, row in quarantine[wanted].iterrows():
        bbox = (row["bbox_x0"], row["bbox_top"], row["bbox_x1"], row["bbox_bottom"])
        cells.setdefault(int(row["page"]), []).append((index, bbox))
    try:
        for index, picture in cell_pictures(path, cells, CROP_SCALE, CROP_MARGIN).items():
            quarantine.at[index, "crop_png"] = picture
    except Exception as exc:  # a picture is a help for the reviewer, never a reason to lose the file's rows
        log.warning("%s: could not render quarantined cells' pictures (%s)", path.name, exc)
    return time.perf_counter() - started
