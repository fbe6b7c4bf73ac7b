"""Indicator strips: one measure per block, its figures on one labelled line under a chart.

A strip block, as printed:

    Percentage of phone calls to Contact Point which were             GREEN   <- title (1-3 lines), RAG
    answered                                                                      word at the right
    100 |   ▆ ▆ ▇ ▆                                                           <- chart: axis numbers,
      0 |   Q1 Q2 Q3 Q4                                                          period labels (ignored)
        Latest: 94%    Target: 90%, Floor: 85%    Previous: 93% (Amber)     <- the strip

The strip line is a small grammar: `key [:] figure [(RAG)]`, repeated, where a key is one of

    latest   := Latest | Current | This period|quarter|month|year
    previous := Previous [period|quarter|month|year] | Prev. | Last [period|quarter|month|year]
    target   := Target
    floor    := Floor | Tolerance | Threshold

A line is a strip when every piece of it is such items and it holds a Latest figure together
with a Target or Previous one. The title is read around the RAG word nearest above the strip:
the RAG sits at the right of the title's first line, or alone on a line just above (or below)
the title; the title runs on down while lines keep the same left edge, size and line pitch.
Lines of bare numbers or period labels (chart axes), stray copies of strip items (`Floor: 90%`,
`4% (Green)`: text-layer junk), page furniture repeated at the same place on several pages
(`Appendix 1`) and page numbers are never title. With no RAG word, the title is the block of
lines nearest above the strip. A strip at the top of a page with no title above it takes the
RAG-marked title left after the previous page's last strip. The section is a short heading line
directly above the title (not a note straight after a strip), else the previous strip's.

`Latest` is the report's period; `Previous` the period of the same length just before it.
Floor is the tolerance bound on the side away from the target; which side that is gives the
polarity (floor below target: higher is better).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from scorecards.normalise.cells import parse_cell
from scorecards.normalise.periods import Period, parse_period, resolve_relative
from scorecards.normalise.records import Measure, NormalisedDocument, Observation, QuarantineRow
from scorecards.normalise.rows import Row, RowPiece
from scorecards.normalise.targets import parse_target, target_unit, tolerance_bounds
from scorecards.normalise.values import unit_from_label
from scorecards.normalise.vocab import rag_colour, rag_pattern

_KEY = re.compile(
    r"(?<![A-Za-z])(?P<key>latest|current|this\s+(?:period|quarter|month|year)"
    r"|previous(?:\s+(?:period|quarter|month|year))?|prev\.?|last(?:\s+(?:period|quarter|month|year))?"
    r"|target|floor|tolerance|threshold)(?![A-Za-z])",
    re.I,
)
_KINDS = (("latest", ("latest", "current", "this")), ("previous", ("previous", "prev", "last")),
          ("target", ("target",)), ("floor", ("floor", "tolerance", "threshold")))
# Patterns of RAG words (`{rag}`: any of the vocabulary's, compiled by normalise.vocab.rag_pattern):
# `(Amber)` after a figure, a lone word, and one run into the title, in capitals only (`... answered
# GREEN`: a title's own `green` is no RAG).
_BRACKET_RAG = r"\(\s*({rag})\s*\)$"
_RAG_WORD = "{rag}"
_TRAILING_RAG = r"^(?P<rest>.*\S)\s+(?P<rag>{rag})$"
_FIGURE_START = re.compile(r"^[-+£$]?\.?\d")
_BARE_NUMBER = re.compile(r"^[-+]?[£$]?\d[\d,]*(?:\.\d+)?%?$")
_HINT_LATEST = re.compile(r"\b(?:latest|current|this\s+period)\b\s*(?::\s*\S|[-+£$]?\d)", re.I)
_HINT_OTHER = re.compile(r"\b(?:target|previous|prev\.?|last)\s*(?::\s*\S|[-+£$]?\d)", re.I)
PITCH = 1.6  # a title's next line starts within this many line heights of the one above
TITLE_LINES = 3  # most lines a title runs up from a RAG word printed under it
FREQUENCY = {"month": "Monthly", "quarter": "Quarterly"}


def has_strips(texts: Iterable[str]) -> bool:
    """Cheap test: does any line hold a Latest figure and a Target or Previous figure?"""
    return any(_HINT_LATEST.search(text) and _HINT_OTHER.search(text) for text in texts)


# --- the strip line -------------------------------------------------------------------------------


@dataclass
class Item:
    kind: str  # latest, previous, target, floor
    key: str  # as printed (`Latest`, `Floor`)
    value: str  # the figure as printed, bracketed RAG removed (`93%`)
    rag: str  # `Amber` from `(Amber)`, or ''
    raw: str  # the printed piece (`Previous: 93% (Amber)`)
    piece: RowPiece  # where the figure is


def _kind(key: str) -> str:
    first = key.lower().split()[0].rstrip(".")
    return next(kind for kind, words in _KINDS if first in words)


def _split_value(body: str) -> tuple[str, str]:
    """(`93%`, `Amber`) from `: 93% (Amber),`."""
    value = body.strip().lstrip(":").strip().rstrip(",;").strip()
    match = rag_pattern(_BRACKET_RAG, re.I).search(value)
    if match:
        return value[: match.start()].strip().rstrip(",;").strip(), rag_colour(match.group(1))
    return value, ""


def _figure_like(value: str) -> bool:
    """A strip figure: starts like a number, or is a short status phrase (`n/a`, `TBC`)."""
    if not value or len(value.split()) > 3:
        return False
    return bool(_FIGURE_START.match(value)) or parse_cell(value).status not in (None, "reported")


def strip_items(row: Row) -> list[Item] | None:
    """The row's items when every piece of it is `key figure` items, else None."""
    items: list[Item] = []
    for piece in row.pieces:
        text = piece.text
        matches = list(_KEY.finditer(text))
        lead = (text[: matches[0].start()] if matches else text).strip(" ,;")
        if lead:
            last = items[-1] if items else None
            if last is None or last.value or last.piece is piece:
                return None
            last.value, last.rag = _split_value(lead)
            last.raw, last.piece = f"{last.raw} {lead}", piece
        for k, match in enumerate(matches):
            end = matches[k + 1].start() if k + 1 < len(matches) else len(text)
            value, rag = _split_value(text[match.end(): end])
            key = " ".join(match.group("key").split())
            raw = text[match.start(): end].strip().rstrip(",;").strip()
            items.append(Item(_kind(key), key, value, rag, raw, piece))
    return items or None


def _is_strip(items: list[Item] | None) -> bool:
    if not items or not all(_figure_like(item.value) for item in items):
        return False
    kinds = {item.kind for item in items}
    return "latest" in kinds and bool(kinds & {"target", "previous"})


def _is_fragment(row: Row) -> bool:
    """A stray copy of strip items (`Floor: 90%`, `4% (Green)`): junk, never title, never a figure."""
    items = strip_items(row)
    if items is not None and all(_figure_like(item.value) for item in items):
        return True
    bracket = rag_pattern(_BRACKET_RAG, re.I)
    return all(bracket.search(p.text) and _FIGURE_START.match(p.text) for p in row.pieces)


def _is_axis(row: Row) -> bool:
    """Bare numbers or period labels, nothing else (a chart's axes, a page number)."""
    return all(_BARE_NUMBER.match(p.text) or _is_period_label(p.text) for p in row.pieces)


def _is_period_label(text: str) -> bool:
    period = parse_period(text)
    return period is not None and " ".join(period.label.split()) == " ".join(text.split())


# --- rows around the strip ------------------------------------------------------------------------


def _box(row: Row) -> tuple[float, float]:
    """(top, height) of a row; Word rows (no boxes) are a line each."""
    boxes = [p.lineage.bbox for p in row.pieces if p.lineage.bbox]
    if not boxes:
        return row.top, 1.0
    top = min(b[1] for b in boxes)
    return top, max(1.0, max(b[3] for b in boxes) - top)


def _rag_of(row: Row) -> tuple[str, list[str]] | None:
    """(RAG, title text pieces) when the row carries exactly one RAG word, at its right end."""
    word = rag_pattern(_RAG_WORD, re.I)
    words = [p for p in row.pieces if word.fullmatch(p.text)]
    last = row.pieces[-1]
    if len(words) == 1 and words[0] is last:
        return rag_colour(last.text), [p.text for p in row.pieces[:-1]]
    trailing = rag_pattern(_TRAILING_RAG, capitals=True).match(last.text)
    if not words and trailing and not any(word.fullmatch(w) for w in trailing.group("rest").split()):
        return rag_colour(trailing.group("rag")), [p.text for p in row.pieces[:-1]] + [trailing.group("rest")]
    return None


@dataclass
class Line:
    """A text row near a strip, as the title finder sees it."""

    row: Row
    kind: str  # text, rag (a lone RAG word), junk, axis
    rag: str = ""
    words: list[str] = field(default_factory=list)  # title text of the row (the RAG word removed)


def _classify(row: Row) -> Line:
    if _is_fragment(row):
        return Line(row, "junk")
    if _is_axis(row):
        return Line(row, "axis")
    found = _rag_of(row)
    if found is None:
        return Line(row, "text", "", [p.text for p in row.pieces])
    rag, words = found
    return Line(row, "text" if words else "rag", rag, words)


def _follows(above: Row, below: Row, aligned: bool = True) -> bool:
    """Whether `below` is the next line of the same paragraph as `above` (pitch, and left edge and size)."""
    top_a, height_a = _box(above)
    top_b, height_b = _box(below)
    if not 0 < top_b - top_a <= PITCH * height_a:
        return False
    if not aligned:
        return True
    same_size = abs(height_a - height_b) <= 0.25 * max(height_a, height_b)
    return same_size and abs(above.pieces[0].x0 - below.pieces[0].x0) <= 6


def _overlaps(a: Row, b: Row) -> bool:
    top_a, height_a = _box(a)
    top_b, height_b = _box(b)
    return top_a < top_b + height_b and top_b < top_a + height_a


def _run_down(lines: list[Line], start: int) -> list[int]:
    """The title lines from lines[start] down while they continue one paragraph (lone RAG rows skipped)."""
    block = [start]
    k = start + 1
    while k < len(lines):
        if lines[k].kind == "rag":
            k += 1
            continue
        if lines[k].kind != "text" or not _follows(lines[block[-1]].row, lines[k].row):
            break
        block.append(k)
        k += 1
    return block


def _run_up(lines: list[Line], end: int) -> list[int]:
    """The title lines from lines[end] up, at most TITLE_LINES, stopping at a sentence's end."""
    block = [end]
    k = end - 1
    while k >= 0 and len(block) < TITLE_LINES:
        line = lines[k]
        if line.kind != "text" or line.rag or not _follows(line.row, lines[block[0]].row) or (
                line.row.text.rstrip().endswith((".", ":"))):
            break
        block.insert(0, k)
        k -= 1
    return block


def _title_block(lines: list[Line], rag_only: bool) -> tuple[list[int], str, int | None]:
    """(indices of the title lines, RAG, index of a lone RAG line) among the lines above a strip."""
    anchor = next((k for k in range(len(lines) - 1, -1, -1) if lines[k].rag), None)
    if anchor is None:
        if rag_only:
            return [], "", None
        last = next((k for k in range(len(lines) - 1, -1, -1) if lines[k].kind == "text"), None)
        return (_run_up(lines, last) if last is not None else []), "", None
    rag = lines[anchor].rag
    if lines[anchor].kind == "text":
        return _run_down(lines, anchor), rag, None
    above = next((k for k in range(anchor - 1, -1, -1) if lines[k].kind != "junk"), None)
    below = anchor + 1 if anchor + 1 < len(lines) else None
    if above is not None and lines[above].kind == "text" and _overlaps(lines[above].row, lines[anchor].row):
        return _run_down(lines, above), rag, anchor  # the RAG sits between a title's lines
    if below is not None and lines[below].kind == "text" and (
            _overlaps(lines[anchor].row, lines[below].row) or _follows(lines[anchor].row, lines[below].row, False)):
        return _run_down(lines, below), rag, anchor
    if above is not None and lines[above].kind == "text" and _follows(lines[above].row, lines[anchor].row, False):
        return _run_up(lines, above), rag, anchor  # the RAG printed under the title
    return [], rag, anchor


def _heading(text: str) -> bool:
    words = text.split()
    return (0 < len(words) <= 10 and text[:1].isupper() and not text.rstrip().endswith((".", ",", ":", ";"))
            and not text.startswith(("*", "†")))


def _furniture(rows: list[Row]) -> set[int]:
    """Rows printed at the same place on several pages (`Appendix 1`, `Page 3 of 9`), by id.

    Only a page's first or last line (bare numbers aside) can be furniture: a title's wrapped line
    may well repeat at the same height on another page, and so may a heading under the header.
    """
    by_page: dict[int, list[Row]] = {}
    for row in rows:
        if not _is_axis(row):
            by_page.setdefault(row.page, []).append(row)
    edges = [row for page in by_page.values() for row in {id(page[0]): page[0], id(page[-1]): page[-1]}.values()]
    seen: dict[str, list[tuple[int, float, int]]] = {}
    for row in edges:
        key = re.sub(r"\d+", "#", " ".join(row.text.lower().split()))
        seen.setdefault(key, []).append((row.page, row.top, id(row)))
    found: set[int] = set()
    for key, places in seen.items():
        if rag_pattern(_RAG_WORD, re.I).fullmatch(key):
            continue
        for page, top, ident in places:
            if any(p != page and abs(t - top) <= 2 for p, t, _ in places):
                found.add(ident)
    return found


# --- reading --------------------------------------------------------------------------------------


@dataclass
class Strip:
    row: Row
    items: list[Item]
    title: str = ""
    rag: str = ""
    section: str = ""
    title_rows: list[Row] = field(default_factory=list)
    other_rows: list[Row] = field(default_factory=list)  # lone RAG, chart axes, junk between title and strip


def _region(rows: list[Row], start: int, end: int, furniture: set[int]) -> list[Line]:
    return [_classify(row) for row in rows[start:end] if not row.consumed and id(row) not in furniture]


def _place_title(strip: Strip, lines: list[Line], after_strip: bool, rag_only: bool, carried: str) -> bool:
    """Fill the strip's title, RAG and section from the lines above it; False when none found."""
    block, rag, lone = _title_block(lines, rag_only)
    strip.rag = rag
    if not block:
        return False
    strip.title_rows = [lines[k].row for k in block]
    strip.title = " ".join(" ".join(" ".join(lines[k].words).split()) for k in block)
    first = min(block + ([lone] if lone is not None else []))
    titled = {id(row) for row in strip.title_rows}
    strip.other_rows = [line.row for line in lines[first:] if id(line.row) not in titled]
    strip.section = carried
    above = next((k for k in range(first - 1, -1, -1) if lines[k].kind in ("text", "axis")), None)
    # A note straight under the previous strip belongs to it: a heading has something above it.
    if (above is not None and lines[above].kind == "text" and _heading(lines[above].row.text)
            and (not after_strip or any(line.kind in ("text", "axis") for line in lines[:above]))):
        strip.section = " ".join(lines[above].row.text.split())
    return True


def find_strips(rows: list[Row]) -> list[Strip]:
    """Every strip in the rows, with its title, RAG and section; reads nothing into records."""
    furniture = _furniture(rows)
    found = [(i, items) for i, row in enumerate(rows)
             if not row.consumed and _is_strip(items := strip_items(row))]
    strips: list[Strip] = []
    section = ""
    for n, (i, items) in enumerate(found):
        row = rows[i]
        previous = found[n - 1][0] if n else -1
        same_page = previous >= 0 and rows[previous].page == row.page
        start = previous + 1 if same_page else next(k for k in range(i + 1) if rows[k].page == row.page)
        strip = Strip(row, items or [])
        lines = _region(rows, start, i, furniture)
        if not _place_title(strip, lines, same_page, False, section) and not same_page and start > 0:
            # Title at the foot of the previous page: the lines after that page's last strip.
            page = rows[start - 1].page
            first = next(k for k in range(start) if rows[k].page == page)
            first = max([first] + [k + 1 for k, _ in found[:n] if first <= k < start])
            _place_title(strip, _region(rows, first, start, furniture), first > 0 and rows[first - 1].page == page,
                         True, section)
        section = strip.section or section
        strips.append(strip)
    return strips


def _quarantine(strip: Strip, item: Item, reason: str, out: NormalisedDocument) -> None:
    out.quarantine.append(QuarantineRow(strip.title, "", item.key, item.raw, reason, item.piece.lineage))


def strip_records(strip: Strip, report: Period | None, out: NormalisedDocument) -> None:
    """The Latest and Previous observations and the measure of one strip."""
    title = strip.title
    firsts: dict[str, Item] = {}
    for item in strip.items:
        if item.kind in firsts:
            _quarantine(strip, item, f"indicator strip {title!r}: a second {item.key!r} figure in one strip", out)
        else:
            firsts[item.kind] = item
    if not title:
        for item in firsts.values():
            _quarantine(strip, item, f"indicator strip on page {strip.row.page}: no title found above it", out)
        return
    target, floor = firsts.get("target"), firsts.get("floor")
    target_value = parse_target(target.value) if target else None
    floor_value = parse_target(floor.value) if floor else None
    for item in (target, floor):
        if item is not None:
            out.cite(item.piece.lineage)
            if parse_target(item.value) is None and parse_cell(item.value).status is None:
                _quarantine(strip, item, f"indicator strip {title!r}: {item.key} {item.value!r} not understood", out)
    polarity = ""
    if target_value is not None and floor_value is not None and target_value != floor_value:
        polarity = "higher_is_better" if floor_value < target_value else "lower_is_better"
    low, high = tolerance_bounds(floor.value, target_value, polarity) if floor else (None, None)
    anchor = (strip.title_rows or [strip.row])[0].pieces[0].lineage
    out.measures.append(Measure(
        title, strip.section, polarity, FREQUENCY.get(report.type, "") if report else "",
        target.value if target else "", target_value, floor.raw if floor else "", low, high,
        page=anchor.page, table_index=anchor.table_index, row_index=anchor.row_index,
    ))
    # `Latest` is the report's period, `Previous` the one before it (normalise.periods)
    periods = {kind: resolve_relative(kind.title(), report) for kind in ("latest", "previous")}
    unit = (target_unit(target.value) if target else "") or unit_from_label(title) or "count"
    for kind in ("latest", "previous"):
        item = firsts.get(kind)
        if item is None:
            continue
        value = parse_cell(item.value)
        if value.status is None:
            _quarantine(strip, item, f"indicator strip {title!r}: {item.key} figure {item.value!r} not understood"
                                     f" ({value.reason})", out)
            continue
        rag = item.rag or (strip.rag if kind == "latest" else "")
        when = periods[kind]
        period_type, start, end = (when.type, when.start, when.end) if when else ("", None, None)
        out.observations.append(Observation(
            title, "", item.key, period_type, start, end, value.value, value.unit or unit, None, None,
            value.status, rag, item.raw, item.piece.lineage, section=strip.section, footnote=value.footnote,
        ))


def read_strips(rows: list[Row], report: Period | None, out: NormalisedDocument) -> int:
    """Read every strip in the rows into `out`; rows read are marked consumed. Returns how many strips."""
    strips = find_strips(rows)
    index = {id(row): k for k, row in enumerate(rows)}
    for n, strip in enumerate(strips):
        strip_records(strip, report, out)
        owner = strip.title or "an indicator strip"
        read = [strip.row, *strip.title_rows, *strip.other_rows]
        # Stray copies of the strip's items just under it (junk of the text layer) are its too.
        k = index[id(strip.row)] + 1
        stop = index[id(strips[n + 1].row)] if n + 1 < len(strips) else len(rows)
        while k < stop and rows[k].page == strip.row.page and not rows[k].consumed and _is_fragment(rows[k]):
            read.append(rows[k])
            k += 1
        titled = {id(row) for row in strip.title_rows}
        for row in read:
            if row is not strip.row and id(row) not in titled and _is_fragment(row):
                for piece in row.pieces:
                    out.cite(piece.lineage)
            row.consumed, row.owner = True, owner
    return len(strips)


