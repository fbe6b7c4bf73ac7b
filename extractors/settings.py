"""Which extraction settings exist: a misspelt key is an error naming it, never silently ignored.

The settings themselves stay where their code is (pdfplumber's habit of one explicit dict per
engine): extractors.pdf.DEFAULT_SETTINGS, extractors.ocr.OCR_DEFAULTS (`ocr_options`),
extractors.text_layer.LAYER_DEFAULTS (`layer_options`), extractors.text_tables.TEXT_SETTINGS
(`text_settings`). This module only knows their keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Keys a run adds beside the extractors' own: the configuration's switches and what the flow passes on.
RUN_KEYS = frozenset({"ocr", "conversion_timeout", "batch", "known_labels"})


def _sections() -> dict[str, frozenset[str]]:
    from scorecards.extractors.ocr import OCR_DEFAULTS
    from scorecards.extractors.text_layer import LAYER_DEFAULTS
    from scorecards.extractors.text_tables import TEXT_SETTINGS

    return {"ocr_options": frozenset(OCR_DEFAULTS), "layer_options": frozenset(LAYER_DEFAULTS),
            "text_settings": frozenset(TEXT_SETTINGS)}


def check_settings(settings: Mapping[str, Any] | None) -> None:
    """Raise ValueError naming every unknown key, at the top level and inside each section."""
    from scorecards.extractors.pdf import DEFAULT_SETTINGS

    if not settings:
        return
    sections = _sections()
    known = set(DEFAULT_SETTINGS) | set(sections) | RUN_KEYS
    unknown = [key for key in settings if key not in known]
    problems = []
    if unknown:
        problems.append(f"unknown setting(s) {', '.join(map(repr, unknown))} (known: {', '.join(sorted(known))})")
    for section, keys in sections.items():
        value = settings.get(section)
        if value is None:
            continue
        if not isinstance(value, Mapping):
            problems.append(f"setting {section!r} must be a table of settings, not {type(value).__name__}")
            continue
        if unknown := [key for key in value if key not in keys]:
            problems.append(f"unknown setting(s) {', '.join(f'{section}.{key}' for key in unknown)} "
                            f"(known in {section}: {', '.join(sorted(keys))})")
    if problems:
        raise ValueError("; ".join(problems))
