"""A small grammar for cells that pack several figures into text.

    value cell  := status-phrase | segment+
    segment     := label? figure ratio? period? rag?
    figure      := NUMBER unit?                 (`88.7%`, `351.3`, `140 days`, `100 %`)
    ratio       := "(" NUMBER "/" NUMBER ")"    numerator / denominator, or "(" NUMBER ")" a count
    label       := WORD+                        the breakdown (`Inc UASC`, `Exc UASC`)
    period      := MONTH YEAR | QUARTER FY | FY (`Dec 17`, `Qtr2 2017/18`, `2016/17`)
    rag         := Red | Amber | Green          (the vocabulary's RAG words)

    benchmark cell := "Local Measure" ... | (figure comparator period?)+
    comparator     := WORD+                     (`England average`, `Stat. Neighbour average`)

The tokenizer turns text into typed tokens; the two parsers walk them. A text that does not fit
comes back as a ParseError naming what was left over, for the caller to quarantine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scorecards.normalise.periods import MONTHS, financial_year
from scorecards.normalise.values import CellValue, strip_footnote, to_number
from scorecards.normalise.vocab import derived, phrase_match, rag_colour, rag_pattern

_NUMBER = r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
# A printed amount: a sign (hyphen, en dash or minus sign), a currency sign either side of it, and a
# scale word straight after (`£100m`, `–38`, `-£1.2bn`). The value is the figure as printed.
_AMOUNT = r"(?:[-+\u2013\u2212]\s?)?[£$€]?[-+\u2013\u2212]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:(?:m|bn|k)\b)?"
# A cell of the signs statistics tables print for a figure that is not available (suppressed, not
# computable): `***.*`, `.........`, `..`, `:`, `~`. Bullets and ticks are not among them.
_MARKER = re.compile(r"[*.:~\-\u2013\u2014]+(?:\s+[*.:~\-\u2013\u2014]+)*")
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
# Compiled by normalise.vocab.rag_pattern, `{rag}` standing for the vocabulary's RAG words.
_TOKEN = rf"""
    (?P<ratio>\(\s*{_NUMBER}\s*/\s*{_NUMBER}\s*\))
  | (?P<count>\(\s*{_NUMBER}\s*\))
  | (?P<note>\([^)]*\))
  | (?P<quarter>\b(?:Qtr|Q|Quarter)\s*[1-4]\s+(?:FY\s*)?(?:19|20)?\d{{2}}\s*[/-]\s*(?:19|20)?\d{{2}}(?![\d/]))
  | (?P<fy>(?<![\d/])(?:FY\s*)?(?:19|20)?\d{{2}}\s*/\s*(?:19|20)?\d{{2}}(?![\d/]))
  | (?P<month>\b(?:{_MONTH_NAMES})\.?[\s\-'’]*(?:19|20)?\d{{2}}\b)
  | (?P<number>{_AMOUNT})(?:\s*(?P<unit>%|per\s?cent\b|days?\b|cases?\b|weeks?\b))?
  | (?P<rag>\b{{rag}}\b)
  | (?P<word>[^\s()]+)
    """
UNITS = {"%": "percent", "percent": "percent", "per cent": "percent", "day": "days", "days": "days",
         "case": "count", "cases": "count", "week": "weeks", "weeks": "weeks"}


@dataclass(frozen=True)
class Token:
    kind: str  # ratio, count, note, quarter, fy, month, number, rag, word
    text: str
    unit: str = ""
    start: int = 0
    end: int = 0


@dataclass(frozen=True)
class Part:
    """One figure found in a cell, with what the cell said about it."""

    breakdown: str
    value: CellValue
    period_text: str = ""
    note: str = ""


@dataclass(frozen=True)
class Benchmark:
    comparator: str
    value: float
    unit: str
    period_text: str
    raw_text: str


class ParseError(ValueError):
    pass


def tokenize(text: str) -> list[Token]:
    tokens = []
    for match in rag_pattern(_TOKEN, re.X | re.I).finditer(text):
        kind = match.lastgroup or "word"
        if match.group("number") is not None:
            unit = (match.group("unit") or "").lower()
            unit = UNITS.get(" ".join(unit.split()), "")
            tokens.append(Token("number", match.group("number"), unit, match.start(), match.end()))
        else:
            tokens.append(Token(kind, match.group(0).strip(), "", match.start(), match.end()))
    return tokens


def amount(text: str) -> float:
    """The number a printed amount states: signs and dashes as minus, currency and scale dropped."""
    sign = -1.0 if re.search(r"[-\u2013\u2212]", text) else 1.0
    digits = re.sub(r"[^\d.,]", "", text)
    return sign * to_number(digits)


def _is_period(token: Token) -> bool:
    return token.kind in ("month", "quarter") or (token.kind == "fy" and financial_year(token.text) is not None)


def parse_value_cell(text: str) -> list[Part]:
    """Every figure (or the one status) a value cell states. Raises ParseError when text is left over."""
    parsed = _parse_value_cell(" ".join(text.split()))
    if isinstance(parsed, ParseError):
        raise ParseError(*parsed.args)
    return list(parsed)


@derived
def _parse_value_cell(raw: str) -> tuple[Part, ...] | ParseError:
    """parse_value_cell of one cell's text with its spaces squeezed; a ParseError returned, not
    raised, so that a text which is no figure is remembered as one too."""
    try:
        return tuple(_parts(raw))
    except ParseError as exc:
        return exc


def _parts(raw: str) -> list[Part]:
    core, marks = strip_footnote(raw)
    status = phrase_match(core, "status")
    if status is not None:
        return [Part("", CellValue(status, footnote=marks))]
    if _MARKER.fullmatch(raw):
        return [Part("", CellValue("not_available"))]
    tokens = tokenize(core)
    parts: list[Part] = []
    i = 0
    while i < len(tokens):
        label: list[str] = []
        while i < len(tokens) and tokens[i].kind == "word":
            label.append(tokens[i].text)
            i += 1
        if i == len(tokens) or tokens[i].kind != "number":
            left = " ".join(t.text for t in tokens[i - len(label):]) if label else " ".join(t.text for t in tokens[i:])
            raise ParseError(f"not a figure or a known status: {left!r} in {raw!r}")
        figure = tokens[i]
        i += 1
        numerator = denominator = None
        period = note = rag = ""
        while i < len(tokens) and tokens[i].kind in ("ratio", "count", "note", "quarter", "fy", "month", "rag"):
            token = tokens[i]
            if token.kind == "ratio":
                top, bottom = token.text.strip("() ").split("/")
                numerator, denominator = to_number(top.strip()), to_number(bottom.strip())
            elif token.kind == "count":
                numerator = to_number(token.text.strip("() "))
            elif token.kind == "note":
                note = token.text.strip("() ")
            elif token.kind == "rag":
                rag = rag_colour(token.text)
            elif _is_period(token):
                period = token.text
            else:
                break
            i += 1
        value = CellValue("reported", amount(figure.text), figure.unit, numerator, denominator, rag, marks)
        parts.append(Part(" ".join(label), value, period, note))
    if not parts:
        raise ParseError(f"not a figure or a known status: {raw!r}")
    return parts


def parse_benchmark_cell(text: str) -> list[Benchmark]:
    """Comparator figures: `10.0% England average 2015/16 11.2 Stat. Neighbour average 2015/16`.

    `Local Measure` (and any prose after it) means there is no comparator. Figures with no
    comparator words are not benchmarks and are skipped rather than guessed.
    """
    raw = " ".join(text.split())
    if not raw or raw.lower().startswith("local measure") or phrase_match(strip_footnote(raw)[0], "status"):
        return []
    tokens = tokenize(raw)
    found: list[Benchmark] = []
    i = 0
    while i < len(tokens):
        if tokens[i].kind != "number":
            i += 1
            continue
        figure = tokens[i]
        i += 1
        words: list[str] = []
        period = ""
        last = figure
        while i < len(tokens) and tokens[i].kind in ("word", "rag", "note"):
            words.append(tokens[i].text)
            last = tokens[i]
            i += 1
        if i < len(tokens) and _is_period(tokens[i]):
            period = tokens[i].text
            last = tokens[i]
            i += 1
        if words:
            segment = raw[figure.start:last.end]
            found.append(Benchmark(" ".join(words), amount(figure.text), figure.unit, period, segment))
    return found


def parse_cell(text: str | None) -> CellValue:
    """One figure or one status from a cell; a cell stating several figures is not understood here.

    Blank is `missing`; a status phrase wins over a number inside it (`New contract measure for
    2019/20`).
    """
    try:
        parts = parse_value_cell(text or "")
    except ParseError as exc:
        return CellValue(None, reason=str(exc))
    if len(parts) > 1 or parts[0].breakdown:
        return CellValue(None, reason=f"several figures in one cell: {' '.join((text or '').split())!r}")
    return parts[0].value
