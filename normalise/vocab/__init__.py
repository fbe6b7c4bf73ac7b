"""The vocabularies the normaliser reads, loaded once from vocabulary.toml beside this file."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, TypeVar

VOCAB_FILE = Path(__file__).with_name("vocabulary.toml")

F = TypeVar("F", bound=Callable[..., Any])
_DERIVED: list[Any] = []  # caches of answers worked out from the vocabulary, in any module


def derived(func: F) -> F:
    """Remember a pure function's answers (a report repeats its headings and statuses thousands of
    times); they depend on the vocabulary, so `clear_caches` forgets them with it."""
    cached = lru_cache(maxsize=1 << 16)(func)
    _DERIVED.append(cached)
    return cached  # type: ignore[return-value]


def clear_caches() -> None:
    """Forget the vocabulary and every answer worked out from it: the file is read afresh next time."""
    for value in [*globals().values(), *_DERIVED]:
        clear = getattr(value, "cache_clear", None)
        if callable(clear):
            clear()


@cache
def vocabulary() -> dict[str, Any]:
    with VOCAB_FILE.open("rb") as handle:
        return tomllib.load(handle)


@cache
def rag_colours() -> tuple[str, ...]:
    """The RAG colours, worst to best (`Red`, `Amber`, `Green`): the [rag] section's keys, in order."""
    return tuple(vocabulary()["rag"])


@cache
def rag_words() -> dict[str, str]:
    """Every word a report prints for a RAG colour, in lower case, to the colour (`amber` -> `Amber`)."""
    return {word.lower(): colour for colour, words in vocabulary()["rag"].items() for word in words}


def rag_colour(word: str) -> str:
    """The colour a printed RAG word stands for, any case (`AMBER` -> `Amber`); '' for any other word."""
    return rag_words().get(" ".join(word.lower().split()), "")


@cache
def rag_pattern(template: str, flags: int = 0, capitals: bool = False) -> re.Pattern[str]:
    """`template` compiled with `{rag}` standing for any RAG word of the vocabulary, longest first (a
    non-capturing group). `capitals`: the words in capitals only, for a pattern that matches case.

    Every reader builds its RAG patterns here, so that a word added to the vocabulary reads everywhere.
    """
    words = sorted(rag_words(), key=lambda word: (-len(word), word))
    either = "|".join(re.escape(word.upper() if capitals else word) for word in words)
    return re.compile(template.replace("{rag}", f"(?:{either})"), flags)


def squash(text: str) -> str:
    """Lower-case letters and digits only: how header words are compared."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


@lru_cache(maxsize=1 << 14)  # the same header words, row after row (cleared with the vocabulary)
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


ENGLISH_WORDS_FILE = Path(__file__).with_name("english_words.txt.gz")
# Sections whose entries are no words: OCR misreads, and column roles written squashed (`etrange`
# would make `et Range` a word).
_NOT_WORDS = frozenset({"column_roles"})


@cache
def english_words() -> frozenset[str]:
    """English words in lower case (SCOWL size 50, British; see the file's header): loaded on first
    use only (about 0.1 s), by the text-layer judge and the OCR trust check."""
    import gzip

    with gzip.open(ENGLISH_WORDS_FILE, "rt", encoding="utf-8") as handle:
        return frozenset(line.strip() for line in handle if line.strip() and not line.startswith("#"))


@cache
def vocabulary_words() -> frozenset[str]:
    """The words of the vocabulary's phrases (status, polarity, RAG, units, grades, comparators,
    organisations, ...) and the month names the period grammar reads, in lower case."""
    from scorecards.normalise.periods import MONTHS

    words: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, str):
            words.update(re.findall(r"[a-z]+", value.lower().replace("_", " ")))
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(str(key))
                walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)

    for section, content in vocabulary().items():
        if not section.startswith("ocr_") and section not in _NOT_WORDS:
            walk(content)
    words.update(name.lower() for name in MONTHS)
    return frozenset(words)


def is_known_word(word: str) -> bool:
    """Whether a word (any case) is English or the vocabulary's: plurals and possessives included."""
    probe = word.lower().strip("'’")
    if probe in vocabulary_words():
        return True
    words = english_words()
    return probe in words or (probe.endswith("s") and probe[:-1] in words) or probe.removesuffix("'s") in words
