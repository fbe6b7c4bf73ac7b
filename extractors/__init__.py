"""Read tables out of report files. `extract` picks the reader by file type."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scorecards.extractors.model import Cell, ExtractedDocument, ExtractionError, Table, TextLine

SUPPORTED_SUFFIXES = (".pdf", ".docx", ".doc", ".odt", ".rtf")

__all__ = ["SUPPORTED_SUFFIXES", "Cell", "ExtractedDocument", "ExtractionError", "Table", "TextLine", "extract"]


def extract(path: Path, sha256: str, settings: dict[str, Any] | None = None) -> ExtractedDocument:
    """Extract every table of one file; raises ExtractionError with a one-line reason naming the file."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        from scorecards.extractors.pdf import extract_pdf

        return extract_pdf(path, sha256, settings)
    if suffix == ".docx":
        from scorecards.extractors.word import extract_docx

        return extract_docx(path, sha256)
    if suffix in (".doc", ".odt", ".rtf"):
        from scorecards.extractors.legacy import DEFAULT_TIMEOUT_SECONDS, extract_legacy

        timeout = (settings or {}).get("conversion_timeout", DEFAULT_TIMEOUT_SECONDS)
        return extract_legacy(path, sha256, timeout)
    raise ExtractionError(f"{path.name}: unsupported file type {suffix or '(none)'!r}")
