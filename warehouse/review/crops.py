"""Pictures of quarantined cells: PNG crops written once per distinct picture under quarantine/img/."""

from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path
from typing import Any

import numpy as np
from scorecards.extractors.render import crop, open_pdfium, png, render


class Crops:
    """PNG crops for quarantine rows, written once per distinct picture under quarantine/img/.

    The crop comes from quarantine_facts.crop_png (OCR'd and text PDFs fill it at ingest); for rows
    loaded before crops were stored, a PDF whose file is still where it was read is rendered here."""

    SCALE = 2.0  # 144 dpi: small print stays legible
    MARGIN = 3.0  # points around the cell, so its ruling lines show

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.written: set[str] = set()
        self._pdfs: dict[str, Any] = {}
        self._pages: dict[tuple[str, int], np.ndarray] = {}
        self._stack = contextlib.ExitStack()

    def save(self, png: bytes) -> str:
        name = hashlib.sha256(png).hexdigest()[:20] + ".png"
        if name not in self.written:
            self.folder.mkdir(parents=True, exist_ok=True)
            (self.folder / name).write_bytes(png)
            self.written.add(name)
        return name

    def render(self, source_path: str | None, page: Any, bbox: tuple[Any, ...]) -> bytes | None:
        if not source_path or page is None or any(v is None for v in bbox):
            return None
        path = Path(source_path)
        if path.suffix.lower() != ".pdf" or not path.is_file():
            return None
        try:
            key = (source_path, int(page))
            if key not in self._pages:
                if source_path not in self._pdfs:
                    self._pdfs[source_path] = self._stack.enter_context(open_pdfium(path))
                self._pages.clear()  # rows come sorted by file and page: one page image held at a time
                self._pages[key] = render(self._pdfs[source_path], int(page), self.SCALE)
            part = crop(self._pages[key], tuple(float(v) for v in bbox), self.SCALE, self.MARGIN)  # type: ignore[arg-type]
            return png(part) if part is not None else None
        except Exception:  # a moved, changed or odd file: the row is shown without a picture
            return None

    def close(self) -> None:
        self._stack.close()
