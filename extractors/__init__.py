"""Read tables out of report files. `extract` picks the reader by file type."""

from __future__ import annotations

from pathlib import Path

from scorecards.extractors.model import Cell, ExtractedDocument, ExtractionError, Table, TextLine
from scorecards.extractors.settings import SettingsInput, resolve

SUPPORTED_SUFFIXES = (".pdf", ".docx", ".doc", ".odt", ".rtf")

__all__ = ["SUPPORTED_SUFFIXES", "Cell", "ExtractedDocument", "ExtractionError", "Table", "TextLine", "extract"]


def extract(path: Path, sha256: str, settings: SettingsInput = None) -> ExtractedDocument:
    """Extract every table of one file; raises ExtractionError with a one-line reason naming the file.

    settings: a run's settings dict or the dataclasses (extractors.settings.resolve), checked for every
    kind of file: a misspelt key or a bad value raises ValueError before the file is read."""
    settings = resolve(settings)
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        from scorecards.extractors.pdf import extract_pdf

        return extract_pdf(path, sha256, settings)
    if suffix == ".docx":
        from scorecards.extractors.word import extract_docx

        return extract_docx(path, sha256)
    if suffix in (".doc", ".odt", ".rtf"):
        from scorecards.extractors.legacy import extract_legacy

        return extract_legacy(path, sha256, settings.conversion_timeout)
    raise ExtractionError(f"{path.name}: unsupported file type {suffix or '(none)'!r}")
