"""Pictures of quarantined cells: PNG crops written once per distinct picture under quarantine/img/."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any


class Crops:
    """PNG crops for quarantine rows, written once per distinct picture under quarantine/img/.

    The crop comes from quarantine_facts.crop_png (OCR'd and text PDFs fill it at ingest); for rows
    loaded before crops were stored, a PDF whose file is still where it was read is rendered here."""

    SCALE = 2.0  # 144 dpi: small print stays legible

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.written: set[str] = set()
        self._pdfs: dict[str, Any] = {}

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
            import io

            import pypdfium2 as pdfium

            if source_path not in self._pdfs:
                self._pdfs[source_path] = pdfium.PdfDocument(str(path))
            pdf_page = self._pdfs[source_path][int(page) - 1]
            x0, top, x1, bottom = (float(v) for v in bbox)
            _, height = pdf_page.get_size()
            pad = 3.0
            # pdfium crops in points from each edge, with the origin bottom-left.
            crop = (max(0.0, x0 - pad), max(0.0, height - bottom - pad),
                    max(0.0, pdf_page.get_width() - x1 - pad), max(0.0, top - pad))
            image = pdf_page.render(scale=self.SCALE, crop=crop).to_pil()
            buffer = io.BytesIO()
            image.save(buffer, format="PNG")
            return buffer.getvalue()
        except Exception:  # a moved, changed or odd file: the row is shown without a picture
            return None

    def close(self) -> None:
        for pdf in self._pdfs.values():
            pdf.close()
