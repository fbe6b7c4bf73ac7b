"""What OCR misreads in the characters of a text, found and repaired without any context.

Letters of other scripts that look Latin (`Туре`), letters inside figures (`1O0%`), misreads known
by their shape (`Ql 15/16`), two words read as one (`ofchildren`), and a `%` read as digits (`5570`
for `55%`). Pure functions of the text: each repair returns the repaired text and one note per
change, so that the raw OCR text is always kept beside what was made of it. OCR'd cells and lines
are repaired with these as they are read (extractors.scan_cells); the judge of text layers
(extractors.text_layer) uses the same detectors, and normalise.ocr_repair builds its repairs in
context (a row, a column, a header) on them. What OCR misreads is data (`[ocr_*]` sections of
normalise/vocab/vocabulary.toml), not code.
"""

from __future__ import annotations

import re
from functools import cache

from scorecards.normalise.vocab import is_known_word, vocabulary

Repaired = tuple[str, list[str]]  # the text repaired, and one note per change

# Footnote marks after a figure (`5570*`), as normalise.values.strip_footnote reads them: kept aside.
_FOOTNOTE_MARKS = re.compile(r"\s*(\*+|†+|‡+)\s*$")


@cache
def _homoglyphs() -> dict[int, str]:
    return str.maketrans(vocabulary()["ocr_homoglyphs"])


@cache
def _digit_letters() -> dict[str, str]:
    return dict(vocabulary()["ocr_digits"])


@cache
def lost_percent_pattern() -> re.Pattern[str]:
    """A figure followed by what OCR makes of a `%` sign (`5570`, `557o`): groups `figure` and `sign`."""
    suffixes = sorted(vocabulary()["ocr_percent"]["suffixes"], key=len, reverse=True)
    return re.compile(rf"(?P<figure>\d+(?:\.\d+)?)(?P<sign>{'|'.join(map(re.escape, suffixes))})")


def repair_glyphs(text: str) -> Repaired:
    """Letters of other scripts that look Latin (`Туре` in Cyrillic) put back into Latin, word by word."""
    fixed = text.translate(_homoglyphs())
    if fixed == text:
        return text, []
    notes = [
        f"{old!r} -> {new!r}: lookalike letters of another script"
        for old, new in zip(text.split(), fixed.split(), strict=False)
        if old != new
    ]
    return fixed, notes


def repair_digits(text: str) -> Repaired:
    """Letters read inside a figure (`1O0%` -> `100%`), only in a token that is otherwise a figure."""
    letters = _digit_letters()
    notes: list[str] = []

    def fix(match: re.Match[str]) -> str:
        token = match.group(0)
        body = token.rstrip("%")
        if not any(ch.isdigit() for ch in body) or not any(ch in letters for ch in body):
            return token
        new = "".join(letters.get(ch, ch) for ch in body) + token[len(body):]
        if not re.fullmatch(r"\d+(?:[.,]\d+)*%?", new):
            return token
        notes.append(f"{token!r} -> {new!r}: letter read as digit")
        return new

    keys = "".join(re.escape(ch) for ch in letters)
    fixed = re.sub(rf"(?<![\w.,])[\d{keys}][\d{keys}.,]*%?(?![\w%])", fix, text)
    return fixed, notes


@cache
def _patterns() -> list[tuple[re.Pattern[str], str, str]]:
    return [(re.compile(find), replace, why) for find, replace, why in vocabulary()["ocr_patterns"].values()]


def repair_patterns(text: str) -> Repaired:
    """Misreads known by their shape (`Ql 15/16` -> `Q1 15/16`), from the vocabulary's `ocr_patterns`."""
    notes: list[str] = []
    for pattern, replace, why in _patterns():
        def fix(match: re.Match[str], replace: str = replace, why: str = why) -> str:
            new = match.expand(replace)
            notes.append(f"{match.group(0)!r} -> {new!r}: {why}")
            return new

        text = pattern.sub(fix, text)
    return text, notes


def repair_joined_words(text: str) -> Repaired:
    """Two words the engine read without the space between them (`ofchildren`), cut where that
    makes two dictionary words, and only one cut does. Capitalised words (names of places and
    services) are left alone: `Southdale` is no `South dale`."""
    notes: list[str] = []

    def cut(match: re.Match[str]) -> str:
        word = match.group(0)
        if is_known_word(word):
            return word
        cuts = [(word[:k], word[k:]) for k in range(1, len(word))
                if all((len(part) >= 2 or part == "a") and is_known_word(part) for part in (word[:k], word[k:]))]
        if len(cuts) != 1:
            return word
        joined = " ".join(cuts[0])
        notes.append(f"{word!r} -> {joined!r}: the space between two words not read")
        return joined

    return re.sub(r"(?<![A-Za-z'’-])[a-z][a-z]{4,}(?![A-Za-z'’-])", cut, text), notes


def repair_text(text: str) -> Repaired:
    """The context-free repairs, applied to every OCR'd cell and line (headers and labels included)."""
    notes: list[str] = []
    for repair in (repair_glyphs, repair_digits, repair_patterns, repair_joined_words):
        text, more = repair(text)
        notes += more
    return text, notes


def lost_percent(text: str) -> str | None:
    """`55%` when the text is `5570` (the sign read as `70`) and no other reading is a percentage."""
    core, marks = text.strip(), ""
    if footnote := _FOOTNOTE_MARKS.search(core):
        core, marks = core[:footnote.start()].rstrip(), footnote.group(1)
    match = lost_percent_pattern().fullmatch(core)
    if match is None:
        return None
    figure, sign = match.group("figure"), match.group("sign")
    if float(figure) > 100 or (len(figure) > 1 and figure.startswith("0") and not figure.startswith("0.")):
        return None
    # The whole token must be no percentage itself: `70` is 70%, and `1070` is 10%, not 1070%.
    if sign.isdigit() and float(core) <= 100 and not core.startswith("0"):
        return None
    return f"{figure}%{marks}"
