"""Repairs of OCR'd text in its context: what the row, the column or the header around a cell says it is.

Each repair returns the repaired text and one note per change, `'5570' -> '55%': percent sign read
as 70`, so that the raw OCR text is always kept beside what was made of it. A repair is made only
where the reading is unambiguous; anything else is left for the caller to quarantine, because a
wrong figure is worse than a missing one. The repairs that need no context (lookalike letters,
letters inside figures) are made as the page is read (extractors.misreads); what OCR misreads is
data (`[ocr_*]` sections of vocab/vocabulary.toml), not code.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from scorecards.extractors.misreads import Repaired, lost_percent, lost_percent_pattern
from scorecards.extractors.model import OCR_ENGINE, Cell, ExtractedDocument, Table
from scorecards.normalise.cells import ParseError, parse_value_cell
from scorecards.normalise.periods import Period, financial_year
from scorecards.normalise.values import strip_footnote
from scorecards.normalise.vocab import phrase_match, squash, vocabulary

# Status phrases shorter than this (n/a, tbd) are too short to be recognised from fragments.
MIN_SPLIT_PHRASE = 8
SPLIT_PHRASE_SIMILARITY = 0.85
_PERCENT_WORDS = re.compile(r"%|\bper\s?cent|\bpercentage\b|\bproportion\b", re.I)


def _reads(text: str) -> bool:
    """Whether a piece reads on its own as a status or a plain figure (`asure for 201` does not)."""
    try:
        parts = parse_value_cell(text)
    except ParseError:
        return False
    return not any(part.breakdown for part in parts)


def _bare_number(text: str) -> bool:
    return re.fullmatch(r"\d+(?:\.\d+)?", strip_footnote(text.strip())[0]) is not None


def percent_context(row_texts: Sequence[str], label: str = "", target_text: str = "",
                    column_percent: float = 0.0) -> bool:
    """Whether the figures of this row are percentages, judged from the row, its label and its column.

    `column_percent` is the share of the column's figures that carry a `%`. A column alone is not
    enough: a count row (`21 16 170`) can sit in a column of percentages.
    """
    figures = [t for t in row_texts if t.strip()]
    if any("%" in t for t in figures) or _PERCENT_WORDS.search(label) or "%" in target_text:
        return True
    lost = [t for t in figures if lost_percent(t)]
    bare = [t for t in figures if _bare_number(t) or t in lost]
    return bool(lost) and len(lost) == len(bare) and (len(lost) >= 2 or column_percent >= 0.5)


def repair_percent(text: str, in_percent_context: bool) -> Repaired:
    """`5570` -> `55%` in a percentage row or column: the `%` sign read as `70`, `76`, `96`."""
    if not in_percent_context:
        return text, []
    fixed = lost_percent(text)
    if fixed is None:
        return text, []
    sign = strip_footnote(text.strip())[0][len(fixed.split("%")[0]):]
    return fixed, [f"{text!r} -> {fixed!r}: percent sign read as {sign}"]


def ambiguous_percent(text: str, in_percent_context: bool) -> str:
    """A reason when a bare figure in a percentage row may hide a misread `%` that cannot be undone."""
    if not in_percent_context or not _bare_number(text):
        return ""
    core = strip_footnote(text.strip())[0]
    if float(core) > 100:
        return f"not a percentage in a percentage row: {text!r}"
    if lost_percent_pattern().fullmatch(core) and "." in core:
        return f"a percent sign may have been read as digits: {text!r}"
    return ""


def _best_prefix(text: str, phrase: str) -> tuple[float, int]:
    """(similarity, length) of the prefix of text that best matches phrase, compared squashed."""
    target = squash(phrase)
    best = (0.0, 0)
    for end in range(1, len(text) + 1):
        probe = squash(text[:end])
        if len(probe) > len(target) + 3:
            break
        score = difflib.SequenceMatcher(None, probe, target, autojunk=False).ratio()
        if score > best[0]:
            best = (score, end)
    return best


def _status_phrase(text: str) -> tuple[str, int] | None:
    """(vocabulary phrase, length of text it covers) when text begins with a long status phrase, fuzzily."""
    best: tuple[float, str, int] | None = None
    for phrases in vocabulary()["status"].values():
        for phrase in phrases:
            if len(squash(phrase)) < MIN_SPLIT_PHRASE:
                continue
            score, end = _best_prefix(text, phrase)
            if score >= SPLIT_PHRASE_SIMILARITY and (best is None or score > best[0]):
                best = (score, phrase, end)
    return (best[1], best[2]) if best else None


def _glue(pieces: list[str]) -> str:
    """Pieces of one text cut at cell walls: glued, with a space only where letters meet digits."""
    text = ""
    for piece in pieces:
        apart = text and ((text[-1].isalpha() and piece[:1].isdigit()) or (text[-1].isdigit() and piece[:1].isalpha()))
        text = f"{text} {piece}" if apart else text + piece
    return " ".join(text.split())


def repair_split_phrase(texts: Sequence[str]) -> list[Repaired]:
    """A status phrase printed across merged cells but read as pieces (`Nev | v contract me | asure for
    201 | 9/20`) given whole to each cell it covered.

    Only a run of two or more adjacent pieces, none of which reads as a figure or status on its own,
    is joined; the pieces are glued without spaces because a cell wall cuts words anywhere.
    """
    out: list[Repaired] = [(t, []) for t in texts]
    i = 0
    while i < len(texts):
        j = i
        while j < len(texts) and texts[j].strip() and not _reads(texts[j]):
            j += 1
        if j - i >= 2:
            joined = _glue([t.strip() for t in texts[i:j]])
            found = _status_phrase(joined)
            if found:
                phrase, end = found
                whole = " ".join(f"{phrase} {joined[end:].strip()}".split())
                whole = whole[:1].upper() + whole[1:]
                for k in range(i, j):
                    out[k] = (whole, [f"{texts[k]!r} -> {whole!r}: status phrase split over {j - i} cells"])
        i = max(j, i + 1)
    return out


# ---------------------------------------------------------------------------------------------
# Reading an OCR'd row: repairs, then whether each cell can be trusted
# ---------------------------------------------------------------------------------------------

# Tuned on generated scans and E_scanned.pdf so that figures entering observations are right at
# least 98 times in 100 (a wrong figure is worse than a missing one): below these the cell is
# quarantined with its picture.
OCR_MIN_CONFIDENCE = 80.0  # for a figure
OCR_MIN_STATUS_CONFIDENCE = 50.0  # for a status phrase (`N/A`), which the vocabulary checks again
_STRAY = "'‘’`\".,:;"


@dataclass(frozen=True)
class OcrReading:
    """What to make of one OCR'd value cell: the text to parse, the repairs made, or why not to trust it."""

    text: str
    repairs: list[str]
    problem: str = ""


def repair_stray_marks(text: str) -> Repaired:
    """A speck read as a mark beside a figure (`'86%`, `16.`) dropped, when what is left is a figure."""
    core = text.strip()
    stripped = core.strip(_STRAY).strip()
    if stripped == core or not stripped or not _reads(stripped) or phrase_match(stripped, "status"):
        return text, []
    if not re.fullmatch(r"[-+]?\d[\d,]*(?:\.\d+)?\s*%?\**", stripped):
        return text, []
    return stripped, [f"{text!r} -> {stripped!r}: stray mark beside a figure"]


def column_percent_shares(columns: Sequence[Sequence[str]]) -> list[float]:
    """For each column (its value texts), the share of its figures printed with `%`."""
    shares = []
    for texts in columns:
        figures = [t for t in texts if re.search(r"\d", t)]
        shares.append(sum("%" in t for t in figures) / len(figures) if figures else 0.0)
    return shares


def _unlabelled_figures(text: str) -> int:
    try:
        return sum(1 for part in parse_value_cell(text) if not part.breakdown and part.value.value is not None)
    except ParseError:
        return 0


def label_problem(label: str, confidence: float | None) -> str:
    """Why a measure label read by OCR cannot carry figures: unsure and with hardly a word in it
    (`4 > 3 years` for `c) > 3 years`), so the figures would go to a measure that does not exist."""
    if confidence is None or confidence >= OCR_MIN_CONFIDENCE:
        return ""
    if len(re.findall(r"[A-Za-z]{3,}", label)) >= 2:
        return ""
    return f"measure label read with low OCR confidence ({confidence:.0f}): {label!r}"


def read_ocr_row(cells: Sequence[Cell], label: str = "", target_text: str = "",
                 column_percent: Sequence[float] = (), min_confidence: float = OCR_MIN_CONFIDENCE) -> list[OcrReading]:
    """The value cells of one OCR'd row (column order), repaired in the row's context and judged.

    A cell is not trusted when the engine was unsure of it (below min_confidence for a figure), when
    a bare figure in a percentage row may hide a misread `%`, when one figure covers several period
    columns (a wall the scan lost would otherwise copy it into each), when it holds several figures
    without labels, or when its decimals look like a misread point or comma.
    """
    # A merged cell is one text, however many columns it covers: repaired once.
    distinct = list({id(cell): cell for cell in cells}.values())
    cleaned = [repair_stray_marks(cell.text) for cell in distinct]
    split = repair_split_phrase([text for text, _ in cleaned])
    context = percent_context([t for t, _ in split], label, target_text, max(column_percent, default=0.0))
    judged: dict[int, OcrReading] = {}
    for cell, (_, stray), (text, joined) in zip(distinct, cleaned, split, strict=True):
        text, more = repair_percent(text, context)
        notes = list(cell.repairs) + stray + joined + more
        status = phrase_match(strip_footnote(" ".join(text.split()))[0], "status")
        confidence = cell.confidence if cell.confidence is not None else 100.0
        bar = OCR_MIN_STATUS_CONFIDENCE if status else min_confidence
        problem = ""
        if confidence < bar and not joined:
            problem = f"low OCR confidence ({confidence:.0f}): {cell.ocr_text or ''!r}"
        elif reason := ambiguous_percent(text, context):
            problem = reason
        elif cell.col_span > 1 and status is None and text.strip():
            problem = f"one figure across {cell.col_span} period columns of a scan: {text!r}"
        elif _unlabelled_figures(text) > 1:
            # `1 2%` is `12%` with a gap the engine took for a space, or a speck read as `1`.
            problem = f"several figures without labels in one OCR'd cell: {text!r}"
        elif re.search(r"\d\.\d{3}(?!\d)", text):
            problem = f"a thousands comma may have been read as a point: {text!r}"
        judged[id(cell)] = OcrReading(text, notes, problem)
    return _lost_points([judged[id(cell)] for cell in cells])


def _figure(text: str) -> tuple[float, int] | None:
    """(value, decimals) of a cell stating one plain figure."""
    match = re.fullmatch(r"\s*(\d[\d,]*)(?:\.(\d+))?\s*%?\**\s*", text)
    if not match:
        return None
    whole = float(match.group(1).replace(",", "") + ("." + match.group(2) if match.group(2) else ""))
    return whole, len(match.group(2) or "")


def _lost_points(readings: list[OcrReading]) -> list[OcrReading]:
    """A figure with no decimals about ten times its row's figures with decimals (`5777` among
    `563.2 524.1`): the decimal point was lost, and the figure cannot be trusted."""
    figures = [_figure(r.text) if not r.problem else None for r in readings]
    out = []
    for k, reading in enumerate(readings):
        here = figures[k]
        others = [f[0] for j, f in enumerate(figures) if j != k and f is not None and f[1] > 0]
        if here is not None and here[1] == 0 and len(others) >= 2:
            typical = sorted(others)[len(others) // 2]
            if typical > 0 and here[0] / typical >= 5:
                reason = f"a decimal point may be lost: {reading.text!r} among figures like {typical:g}"
                reading = OcrReading(reading.text, reading.repairs, reason)
        out.append(reading)
    return out


def within_report(period: Period, report: tuple[date | None, date | None]) -> bool:
    """Whether a period ends within the two years up to the end of the report's own period (a report
    proposing next year's targets states this year's latest results): a heading the report's stated
    date confirms, where a misread year digit would put it years away or in the future."""
    start, end = report
    if period.end is None or end is None:
        return False
    return end - timedelta(days=800) <= period.end <= end + timedelta(days=1) and (
        start is None or period.end >= start - timedelta(days=800))


def untrusted_periods(periods: dict[int, Period], header_confidence: dict[int, float],
                      report: tuple[date | None, date | None] = (None, None)) -> dict[int, str]:
    """Period columns of an OCR'd header not to be trusted, with why.

    A misread header would file every figure under it in the wrong period. So a period column is
    dropped when its period repeats another column's; and, unless its period follows on from a
    neighbour's (`Q2 16/17` after `Q1 16/17`), when the engine was unsure of its header (and the
    report's own date does not confirm it, see within_report) or its period is of another kind
    than the rest (a `Q2` read as nothing leaves `16/17`, a year).
    """
    doubtful: dict[int, str] = {}
    cols = sorted(periods)
    seen: dict[tuple[Any, Any], int] = {}
    for col in cols:
        key = (periods[col].start, periods[col].end)
        if key in seen:
            doubtful[col] = doubtful[seen[key]] = f"period {periods[col].label!r} read in two header columns"
        seen.setdefault(key, col)

    def follows(a: Period, b: Period) -> bool:
        return a.end is not None and b.start is not None and (b.start - a.end).days == 1 and a.type == b.type

    kinds = [periods[c].type for c in cols]
    usual = max(set(kinds), key=kinds.count)
    for i, col in enumerate(cols):
        confidence = header_confidence.get(col, 100.0)
        here = periods[col]
        before = i > 0 and follows(periods[cols[i - 1]], here)
        after = i + 1 < len(cols) and follows(here, periods[cols[i + 1]])
        if col in doubtful or before or after:
            continue
        if confidence < OCR_MIN_CONFIDENCE and not within_report(here, report):
            doubtful[col] = f"period header {here.label!r} read with low OCR confidence ({confidence:.0f})"
        elif len(cols) > 2 and here.type != usual:
            # A lost `Q3` over `21/22` leaves a financial year among quarters.
            doubtful[col] = f"period header {here.label!r} is a {here.type} among {usual} columns"
    return doubtful


@dataclass(frozen=True)
class OcrTableContext:
    """What an OCR'd table says about its period columns as a whole."""

    percent_share: dict[int, float]  # period column -> share of its figures printed with `%`
    doubtful: dict[int, str]  # period column -> why its period header is not trusted
    unread: dict[int, str]  # column that should name a period but was not read -> why


def ocr_table_context(table: Table, header_rows: int, title_rows: set[int], period_columns: dict[int, Period],
                      role_columns: Sequence[int] = (),
                      report: tuple[date | None, date | None] = (None, None)) -> OcrTableContext:
    """Per column of an OCR'd table: the share of `%` figures, the period headers not to trust (see
    untrusted_periods), and the columns among the periods whose header named nothing (`Q4` read as
    `4` over `"46/17`): their figures are not dropped but quarantined."""
    cols = sorted(period_columns)
    body = range(header_rows, table.n_rows)
    shares = column_percent_shares([[table.grid[r][c].text for r in body] for c in cols])
    confidence: dict[int, float] = {}
    for col in range(table.n_cols):
        header = [table.grid[r][col] for r in range(header_rows) if r not in title_rows]
        known = [cell.confidence for cell in header if cell.confidence is not None]
        confidence[col] = min(known, default=100.0)
    unread: dict[int, str] = {}
    if cols:
        for col in range(cols[0] - 1, cols[-1] + 2):
            if not 0 <= col < table.n_cols or col in period_columns or col in role_columns:
                continue
            inside = cols[0] < col < cols[-1]
            if inside or confidence[col] < OCR_MIN_CONFIDENCE:
                header = " ".join(table.grid[r][col].text for r in range(header_rows) if r not in title_rows)
                unread[col] = f"period header not read: {header.strip()!r}"
    doubtful = untrusted_periods(period_columns, {c: confidence[c] for c in cols}, report)
    return OcrTableContext(dict(zip(cols, shares, strict=True)), doubtful, unread)


_QUARTER_CELL = re.compile(r"(?i)^\W*(Qtr|Q|Quarter)\s*\.?\s*([1-4])\W*$")


def _next_quarter(q: int) -> int:
    return q % 4 + 1


def repair_quarter_sequence(texts: Sequence[str], confidences: Sequence[float],
                            min_confidence: float = OCR_MIN_CONFIDENCE) -> list[Repaired]:
    """A header row of quarters (`Q1 Q2 Q3 Q4 Q1 ...`) with one cell misread (`a4`, `at`, or nothing):
    the quarter its neighbours imply, when they are read and run in order around it (or, at the end
    of the run, when the two before it or after it do and the cell was read unsure).

    Only a cell the engine was unsure of, or that holds no more than two letters or digits (`as`
    for `Q3`), is touched.
    """
    out: list[Repaired] = [(t, []) for t in texts]
    found = [_QUARTER_CELL.match(t.strip()) for t in texts]
    if sum(1 for m in found if m) < 3:
        return out

    def quarter(i: int) -> int | None:
        m = found[i] if 0 <= i < len(found) else None
        return int(m.group(2)) if m else None

    # One cell at a time, again and again: a repaired cell is a neighbour for the next (`a4 ai Q2 Q3`).
    for k in _fixable(texts, found):
        if found[k] or len(texts[k].strip()) > 4:
            continue  # a quarter already, or more than a quarter's worth of text
        if confidences[k] >= min_confidence and len(re.sub(r"\W", "", texts[k])) > 2:
            continue  # read with confidence as something else (`YTD`): not a quarter
        before, before2, after, after2 = quarter(k - 1), quarter(k - 2), quarter(k + 1), quarter(k + 2)
        # At the end of the run only a misread (some text, read unsure) is taken: an unreadable
        # cell there may head another column altogether.
        misread = bool(texts[k].strip()) and confidences[k] < min_confidence
        expected = None
        between = bool(before and after and after == _next_quarter(_next_quarter(before)))
        ends_run = bool(misread and before and before2 and before == _next_quarter(before2) and after is None)
        if before and (between or ends_run):
            expected, side = _next_quarter(before), k - 1
        elif misread and after and after2 and after2 == _next_quarter(after) and before is None:
            expected, side = (after + 2) % 4 + 1, k + 1
        if expected is None:
            continue
        prefix = found[side].group(1)  # type: ignore[union-attr]
        new = f"{prefix}{expected}"
        out[k] = (new, [f"{texts[k]!r} -> {new!r}: the quarter its neighbours in the header imply"])
        found[k] = _QUARTER_CELL.match(new)
    return out


def _fixable(texts: Sequence[str], found: list[re.Match[str] | None]) -> Iterator[int]:
    """Indexes of cells not read as quarters, swept left to right until a sweep repairs nothing."""
    while True:
        before = sum(1 for m in found if m)
        for k in range(len(texts)):
            if not found[k]:
                yield k
        if sum(1 for m in found if m) == before:
            return


_YEAR_CELL = re.compile(r"^\W*((?:19|20)?\d{2})\s*[/-]\s*((?:19|20)?\d{2})\W*$")


def _year_text(start: int, like: str) -> str:
    """The financial year starting in `start`, written the way `like` writes one (`17/18`, `2017/18`)."""
    match = _YEAR_CELL.match(like)
    assert match is not None
    first = str(start) if len(match.group(1)) == 4 else f"{start % 100:02d}"
    second = str(start + 1) if len(match.group(2)) == 4 else f"{(start + 1) % 100:02d}"
    return f"{first}/{second}"


def repair_year_sequence(texts: Sequence[str], confidences: Sequence[float], quarters: Sequence[int | None],
                         min_confidence: float = OCR_MIN_CONFIDENCE) -> list[Repaired]:
    """A header row of financial years under (or over) quarters with one cell misread (`1748` for
    `17/18`): the year its neighbours and its quarter imply (`Q3` after `Q2 17/18` is in 17/18; a
    `Q1` starts the next year). Only a cell read unsure, of no more than 7 characters, is touched,
    and only when every neighbour that can tell agrees.
    """
    out: list[Repaired] = [(t, []) for t in texts]
    years = [financial_year(t) if _YEAR_CELL.match(t.strip()) else None for t in texts]
    if sum(1 for y in years if y) < 3:
        return out
    for k, text in enumerate(texts):
        if years[k] or confidences[k] >= min_confidence or len(text.strip()) > 7 or quarters[k] is None:
            continue
        guesses = set()
        left, right = k - 1, k + 1
        if left >= 0 and years[left] and quarters[left] and quarters[k] == _next_quarter(quarters[left]):
            guesses.add(years[left][0] + (quarters[k] == 1))  # type: ignore[index]
        if right < len(texts) and years[right] and quarters[right] and quarters[right] == _next_quarter(quarters[k]):
            guesses.add(years[right][0] - (quarters[right] == 1))  # type: ignore[index]
        if len(guesses) == 1:
            like = texts[left] if left >= 0 and years[left] else texts[right]
            new = _year_text(guesses.pop(), like.strip().strip("'\".,"))
            out[k] = (new, [f"{text!r} -> {new!r}: the year its neighbours and its quarter imply"])
            years[k] = financial_year(new)
    return out


def quarter_of(text: str) -> int | None:
    match = _QUARTER_CELL.match(text.strip())
    return int(match.group(2)) if match else None


def repair_ocr_headers(doc: ExtractedDocument, max_rows: int = 6) -> None:
    """The header cells of the document's OCR'd tables repaired where the header itself says what
    they are (see repair_header), in place: before any reader reads a table."""
    for table in doc.tables:
        if table.engine.startswith(OCR_ENGINE):
            repair_header(table, max_rows)


def repair_header(table: Table, max_rows: int = 6) -> None:
    """Header cells misread where the header itself says what they are: a quarter between two
    others, then a financial year beside its neighbours under a known quarter."""
    rows = range(min(max_rows, table.n_rows))
    for r in rows:
        cells = table.distinct_cells(r)
        fixed = repair_quarter_sequence([c.text for c in cells], [c.confidence or 0.0 for c in cells])
        _apply(cells, fixed)
    quarter_at: dict[int, int] = {}
    for r in rows:
        for cell in table.distinct_cells(r):
            if cell.col_span == 1 and (q := quarter_of(cell.text)):
                quarter_at[cell.col] = q
    for r in rows:
        cells = table.distinct_cells(r)
        quarters = [quarter_at.get(c.col) if c.col_span == 1 else None for c in cells]
        _apply(cells, repair_year_sequence([c.text for c in cells], [c.confidence or 0.0 for c in cells], quarters))


def _apply(cells: list[Cell], fixed: list[Repaired]) -> None:
    for cell, (text, notes) in zip(cells, fixed, strict=True):
        if notes:
            cell.text, cell.repairs = text, [*cell.repairs, *notes]
