"""Pictures of PDF pages through pdfium: a whole page for OCR, the crop of a cell for a reviewer.

pdfium (pypdfium2) is not thread-safe, and a process may read one file's pages in threads while
rendering another's: every call into pdfium in this process holds `PDFIUM_LOCK`, which
`page_objects` (reading characters and rules) shares.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

PDFIUM_LOCK = threading.RLock()

BBox = tuple[float, float, float, float]  # x0, top, x1, bottom in PDF points from the top-left


@contextmanager
def open_pdfium(path: Path) -> Iterator[Any]:
    """The pdfium document of a PDF, closed on leaving."""
    import pypdfium2 as pdfium

    with PDFIUM_LOCK:
        pdf = pdfium.PdfDocument(str(path))
    try:
        yield pdf
    finally:
        with PDFIUM_LOCK:
            pdf.close()


def render(pdf: Any, page_number: int, scale: float, grayscale: bool = False) -> np.ndarray:
    """Page page_number (1-based) of an open pdfium document at scale pixels per point: a grayscale
    image (height x width) or a BGR(A) one, as OpenCV reads and writes them."""
    with PDFIUM_LOCK:
        page = pdf[page_number - 1]
        try:
            image = page.render(scale=scale, grayscale=grayscale).to_numpy().copy()
        finally:
            page.close()
    return image.reshape(image.shape[0], image.shape[1]) if grayscale and image.ndim == 3 else image


def page_image(path: Path, page_number: int, scale: float, grayscale: bool = False) -> np.ndarray:
    """One page of a PDF file as an image (see render)."""
    with open_pdfium(path) as pdf:
        return render(pdf, page_number, scale, grayscale)


def crop(image: np.ndarray, bbox: BBox, scale: float, margin: float) -> np.ndarray | None:
    """The pixels of a page image (rendered at scale) under bbox and margin points around it, or
    None when that box is empty on the page."""
    height, width = image.shape[:2]
    x0 = max(0, int((bbox[0] - margin) * scale))
    top = max(0, int((bbox[1] - margin) * scale))
    x1 = min(width, int((bbox[2] + margin) * scale) + 1)
    bottom = min(height, int((bbox[3] + margin) * scale) + 1)
    if x1 <= x0 or bottom <= top:
        return None
    return image[top:bottom, x0:x1]


def png(image: np.ndarray) -> bytes | None:
    import cv2

    ok, encoded = cv2.imencode(".png", image)
    return encoded.tobytes() if ok else None


def cell_pictures(path: Path, cells: Mapping[int, Sequence[tuple[Hashable, BBox]]], scale: float,
                  margin: float) -> dict[Hashable, bytes]:
    """PNG pictures of boxes on a PDF's pages: {page number: [(key, bbox), ...]} → {key: png}.
    Each page is rendered once, whatever the number of its boxes; an empty box gets no picture."""
    pictures: dict[Hashable, bytes] = {}
    with open_pdfium(path) as pdf:
        for page_number, boxes in cells.items():
            image = render(pdf, page_number, scale)
            for key, bbox in boxes:
                part = crop(image, bbox, scale, margin)
                encoded = png(part) if part is not None else None
                if encoded is not None:
                    pictures[key] = encoded
    return pictures
