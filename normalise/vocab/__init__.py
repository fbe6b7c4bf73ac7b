"""The vocabularies the normaliser reads, loaded once from vocabulary.toml beside this file."""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

VOCAB_FILE = Path(__file__).with_name("vocabulary.toml")


@cache
def vocabulary() -> dict[str, Any]:
    with VOCAB_FILE.open("rb") as handle:
        return tomllib.load(handle)


def squash(text: str) -> str:
    """Lower-case letters and digits only: how header words are compared."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


def phrase_match(text: str, section: str) -> str | None:
    """The key of `section` whose phrase the text equals or starts with (longest phrase wins)."""
    probe = " ".join(text.lower().split())
    best: tuple[int, str] | None = None
    for key, phrases in vocabulary()[section].items():
        for phrase in phrases:
            matches = probe == phrase or (phrase and probe.startswith(phrase + " "))
            if matches and (best is None or len(phrase) > best[0]):
                best = (len(phrase), key)
    return best[1] if best else None
