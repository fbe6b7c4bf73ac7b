"""Indicator cards: one measure per card, printed without rules (seed 002's monthly report).

A card, as printed:

    Performance   % of assessments completed within 45 days   Target 18/19   Tolerance    <- header
    Indicator 3   Good = High/Increasing                       85%            80-90%
                  Prev. 12 months average    Oct-18                                       <- count block
    No. inside    1,110                      1,063
    Total         1,231                      1,165
    % Inside      90%                        91%
    Commentary                                                                            <- commentary
    We are maintaining good performance ...
    National Average            83%                                                       <- comparators

A card without a header is a heading line over a count block whose columns are relative periods
(`Prev. 12 months`). The reader walks the document's rows (normalise.rows) so that it does not
matter which pieces extraction found as tables and which as running text. Words it relies on
(`Target`, `Tolerance`, `Good =`, `Commentary`, comparator names) live in vocabulary.toml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from scorecards.normalise.cells import parse_cell
from scorecards.normalise.grid import ratio_problem
from scorecards.normalise.periods import (
    Period,
    fy_start_of,
    is_relative,
    is_year_to_date,
    parse_period,
    relative_period,
)
from scorecards.normalise.records import (
    BenchmarkRow,
    Commentary,
    Lineage,
    Measure,
    NormalisedDocument,
    Observation,
    QuarantineRow,
    TargetRow,
)
from scorecards.normalise.rows import Row, RowPiece
from scorecards.normalise.targets import parse_polarity, parse_target, target_unit, tolerance_bounds
from scorecards.normalise.values import strip_footnote, unit_from_label
from scorecards.normalise.vocab import phrase_match, vocabulary

HEADER_BLOCK_ROWS = 4  # rows under a card's header row that may still belong to it
_PAREN = re.compile(r"\(([^)]*)\)")


@dataclass
class Column:
    text: str
    x0: float
    x1: float

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class CardRow:
    label: str
    values: dict[int, RowPiece]
    row: Row


@dataclass
class Card:
    title: str
    section: str = ""
    polarity: str = ""
    target_header: str = ""
    target_text: str = ""
    tolerance_text: str = ""
    anchor: Row | None = None
    columns: list[Column] = field(default_factory=list)
    rows: list[CardRow] = field(default_factory=list)
    commentary: list[str] = field(default_factory=list)
    comparators: list[tuple[Row, RowPiece, RowPiece]] = field(default_factory=list)  # (row, name, figure)
    # Where the measure's title, section, polarity, target, tolerance and commentary were read from.
    read_from: list[Lineage] = field(default_factory=list)


# --- recognising rows -----------------------------------------------------------------------------


def _card_word(text: str) -> str | None:
    return phrase_match(strip_footnote(text)[0], "cards")


def _polarity_at(text: str) -> int:
    """Where a `Good = High/Increasing` phrase starts in the text, or -1."""
    lowered = text.lower()
    found = [lowered.find(lead) for lead in vocabulary()["cards"]["polarity_lead"] if lead in lowered]
    return min(found) if found else -1


def is_period_head(text: str) -> bool:
    """A count-block column heading, or the first line of one (`Prev. 12 months`, `Oct-18`, `Jul 2015-Jun`)."""
    text = " ".join(text.split())
    return is_relative(text) or parse_period(text) is not None


def comparator_name(text: str) -> str | None:
    core = _PAREN.sub("", strip_footnote(text)[0]).strip(" :")
    probe = " ".join(core.lower().split())
    for name in sorted(vocabulary()["comparators"]["names"], key=len, reverse=True):
        if probe == name or probe.startswith(name + " "):
            return core
    return None


def _split_run_in_heading(row: Row) -> None:
    """`...within timescale Target 22/23` as one piece (a title run into its neighbour): cut before `Target`.

    The cut's position is estimated from the character count: good enough to assign columns.
    """
    for k, piece in enumerate(row.pieces):
        words = "|".join(vocabulary()["cards"]["target"])
        match = re.search(r"(?<=\S)\s*((?:" + words + r")(?:\s+(?:19|20)?\d{2}\s*[/-]\s*(?:19|20)?\d{2})?)$",
                          piece.text, re.I)
        if match and match.start() > 0:
            share = match.start(1) / max(1, len(piece.text))
            cut = piece.x0 + share * (piece.x1 - piece.x0)
            left = RowPiece(piece.text[: match.start()].strip(), piece.x0, cut - 1, piece.lineage)
            right = RowPiece(piece.text[match.start(1):], cut, piece.x1, piece.lineage)
            row.pieces[k: k + 1] = [left, right]
            return


def _header_pieces(row: Row) -> tuple[RowPiece, RowPiece] | None:
    """(target heading, tolerance heading) when the row is a card header's top row."""
    if any(_card_word(p.text) == "tolerance" for p in row.pieces) and not any(
            _card_word(p.text) == "target" for p in row.pieces):
        _split_run_in_heading(row)
    target = next((p for p in row.pieces if _card_word(p.text) == "target"), None)
    tolerance = next((p for p in row.pieces if _card_word(p.text) == "tolerance"), None)
    if target is None or tolerance is None or tolerance.x0 < target.x0 or len(row.pieces) > 6:
        return None
    if not any(p.x1 <= target.x0 + 1 for p in row.pieces) or any(is_period_head(p.text) for p in row.pieces
                                                                  if p is not target):
        return None
    return target, tolerance


def _count_header(row: Row, relative_only: bool = False) -> list[Column] | None:
    """The period columns of a count block's heading row (pieces that all name periods)."""
    if not row.pieces or not all(is_period_head(p.text) for p in row.pieces):
        return None
    if relative_only and not any(is_relative(p.text) for p in row.pieces):
        return None
    return [Column(p.text, p.x0, p.x1) for p in row.pieces]


def _is_commentary_heading(row: Row) -> bool:
    return len(row.pieces) == 1 and _card_word(row.pieces[0].text) == "commentary"


def _comparator(row: Row) -> tuple[RowPiece, RowPiece] | None:
    """(name, figure) for a `National Average (2017)   31%` line."""
    pieces = row.pieces
    if len(pieces) == 1:  # running text with no wide gap: split the trailing figure off
        match = re.match(r"^(.*\S)\s+(\S+)$", pieces[0].text)
        if not match:
            return None
        whole = pieces[0]
        name = RowPiece(match.group(1), whole.x0, whole.x1, whole.lineage)
        figure = RowPiece(match.group(2), whole.x0, whole.x1, whole.lineage)
        pieces = [name, figure]
    if len(pieces) > 3 or not pieces[-1].is_figure or comparator_name(pieces[0].text) is None:
        return None
    if any(not p.text.strip() for p in pieces[1:-1]):
        return None
    return pieces[0], pieces[-1]


def _is_prose(row: Row) -> bool:
    return not row.figures and len(row.text.split()) >= 6


def _is_heading_line(row: Row) -> bool:
    piece = row.pieces[0]
    return (
        len(row.pieces) == 1 and not piece.is_figure and len(piece.text.split()) <= 14
        and not _is_commentary_heading(row) and comparator_name(piece.text) is None
        and not piece.text.startswith(("*", "†")) and _polarity_at(piece.text) < 0
        and _card_word(piece.text) not in ("target", "tolerance")
    )


def card_starts(rows: list[Row], i: int) -> bool:
    """Whether a card begins at rows[i]: a header with a polarity phrase, or a heading over relative periods."""
    if _header_pieces(rows[i]) is not None:
        block = rows[i: i + HEADER_BLOCK_ROWS + 1]
        return any(_polarity_at(row.text) >= 0 for row in block)
    return (
        i + 1 < len(rows) and _is_heading_line(rows[i]) and rows[i + 1].page == rows[i].page
        and _count_header(rows[i + 1], relative_only=True) is not None
    )


# --- reading a card -------------------------------------------------------------------------------


def _nearest(columns: list[tuple[str, float, float]], piece: RowPiece) -> int:
    """The column a piece sits in: the one it overlaps most, else the nearest by centre."""
    best, best_overlap = -1, 0.0
    for i, (_, x0, x1) in enumerate(columns):
        overlap = min(x1, piece.x1) - max(x0, piece.x0)
        if overlap > best_overlap:
            best, best_overlap = i, overlap
    if best >= 0:
        return best
    return min(range(len(columns)), key=lambda i: abs((columns[i][1] + columns[i][2]) / 2 - piece.centre))


def _read_header(rows: list[Row], i: int) -> tuple[Card, int]:
    head = rows[i]
    target, tolerance = _header_pieces(head)  # type: ignore[misc]
    left = [p for p in head.pieces if p.x1 <= target.x0 + 1]
    section_piece = left[0] if len(left) >= 2 else None
    title_x0 = left[1].x0 if section_piece is not None else left[0].x0
    # Columns: section | title | target | tolerance, split halfway between the headings.
    columns = [
        ("section", -1e9, title_x0 - 1),
        ("title", title_x0 - 1, target.x0 - 1),
        ("target", target.x0 - 1, tolerance.x0 - 1),
        ("tolerance", tolerance.x0 - 1, 1e9),
    ]
    texts: dict[str, list[str]] = {name: [] for name, _, _ in columns}
    read_from = [piece.lineage for piece in head.pieces]  # every piece goes into one of the texts
    target_head = ""
    for piece in head.pieces:
        if piece is target or piece is tolerance:
            word = "target" if piece is target else "tolerance"
            heading, value = _split_heading(piece.text)
            if word == "target":
                target_head = heading
            if value:
                texts[word].append(value)
        else:
            texts["section" if piece is section_piece else "title"].append(piece.text)
    head.consumed = True
    j = i + 1
    seen_polarity = _polarity_at(head.text) >= 0
    while j < len(rows) and j - i <= HEADER_BLOCK_ROWS and not seen_polarity:
        row = rows[j]
        if (row.page != head.page or _count_header(row) is not None or _is_commentary_heading(row)
                or _comparator(row) is not None or _header_pieces(row) is not None):
            break
        for piece in row.pieces:
            name = columns[_nearest([(n, a, b) for n, a, b in columns], piece)][0]
            texts[name].append(piece.text)
            read_from.append(piece.lineage)
        row.consumed = True
        seen_polarity = _polarity_at(row.text) >= 0
        j += 1
    title = " ".join(texts["title"])
    polarity_text = ""
    at = _polarity_at(title)
    if at >= 0:
        title, polarity_text = title[:at].strip(), title[at:].strip()
    else:
        for name in ("section", "target", "tolerance"):
            joined = " ".join(texts[name])
            at = _polarity_at(joined)
            if at >= 0:
                polarity_text = joined[at:]
                texts[name] = [joined[:at].strip()]
    card = Card(
        title=" ".join(title.split()),
        section=" ".join(" ".join(texts["section"]).split()),
        polarity=_polarity(polarity_text),
        target_header=target_head,
        target_text=" ".join(" ".join(texts["target"]).split()),
        tolerance_text=" ".join(" ".join(texts["tolerance"]).split()),
        anchor=head,
        read_from=read_from,
    )
    return card, j


def _split_heading(text: str) -> tuple[str, str]:
    """`Target 18/19 21%` -> (`Target 18/19`, `21%`): seed prints the figure beside its heading."""
    words = text.split()
    for k in range(len(words), 0, -1):
        head, rest = " ".join(words[:k]), " ".join(words[k:])
        if rest and (parse_target(rest) is not None or re.match(r"^[\d.,]+\s*%?\s*[-–]", rest)):
            return head, rest
    return " ".join(words), ""


def _polarity(text: str) -> str:
    """`Good = Low/Stable` -> lower_is_better: the word after `=` before any `/` says which way is good."""
    if not text:
        return ""
    match = re.search(r"=\s*([A-Za-z]+)", text)
    if match:
        return parse_polarity(f"good = {match.group(1)}") or parse_polarity(text)
    return parse_polarity(text)


def _read_counts(rows: list[Row], j: int, card: Card) -> int:
    """The count block from its heading row at rows[j]; returns the first row after it."""
    header = rows[j]
    columns = _count_header(header) or []
    header.consumed = True
    j += 1
    first_x0 = min(c.x0 for c in columns)
    # Heading continuation lines (`average`, `(3 Year Average)`) sit under the columns, with no label.
    while j < len(rows):
        row = rows[j]
        heading_part = not row.figures or _continues_heading(row, columns, first_x0)
        if (not heading_part or row.page != header.page or any(p.x1 < first_x0 - 4 for p in row.pieces)
                or _is_prose(row) or _is_commentary_heading(row) or _comparator(row) is not None):
            break
        for piece in row.pieces:
            column = columns[_nearest([(c.text, c.x0, c.x1) for c in columns], piece)]
            column.text = f"{column.text} {piece.text}"
            column.x0, column.x1 = min(column.x0, piece.x0), max(column.x1, piece.x1)
        row.consumed = True
        j += 1
    card.columns = columns
    spans = [(c.text, c.x0, c.x1) for c in columns]
    first_x0 = min(c.x0 for c in columns)
    while j < len(rows):
        row = rows[j]
        if card_starts(rows, j) or _is_commentary_heading(row) or _comparator(row) is not None:
            break
        label = [p for p in row.pieces if p.x0 < first_x0 - 2 and not p.is_figure]
        values = [p for p in row.pieces if p not in label]
        if values and not all(p.is_figure for p in values):
            break
        if not values:
            # A label wrapped onto its own line continues the row above it.
            aligned = card.rows and label and abs(label[0].x0 - card.rows[-1].row.pieces[0].x0) <= 3
            text = label[0].text if label else ""
            if aligned and (text[:1].islower() or text[:1] in "(&/-" or len(text.split()) <= 2):
                card.rows[-1].label = f"{card.rows[-1].label} {' '.join(p.text for p in label)}"
                row.consumed = True
                j += 1
                continue
            break
        if not label:
            break
        placed: dict[int, RowPiece] = {}
        for piece in values:
            placed.setdefault(_nearest(spans, piece), piece)
        card.rows.append(CardRow(" ".join(p.text for p in label), placed, row))
        row.consumed = True
        j += 1
    return j


def _continues_heading(row: Row, columns: list[Column], first_x0: float) -> bool:
    """A bare year under a wrapped range heading (`Oct 2015 – Sep` / `2016`) is heading, not a figure."""
    return (
        len(row.pieces) <= len(columns)
        and all(p.x0 >= first_x0 - 4 and re.fullmatch(r"(?:19|20)\d{2}", p.text) for p in row.pieces)
    )


def read_cards(rows: list[Row]) -> list[Card]:
    """Every card in the row stream; rows read as part of a card are marked consumed."""
    cards: list[Card] = []
    i = 0
    while i < len(rows):
        if rows[i].consumed or not card_starts(rows, i):
            i += 1
            continue
        start = i
        if _header_pieces(rows[i]) is not None:
            card, i = _read_header(rows, i)
        else:
            card = Card(title=rows[i].pieces[0].text, anchor=rows[i], read_from=[rows[i].pieces[0].lineage])
            rows[i].consumed = True
            i += 1
        commentary_open = False
        while i < len(rows) and not card_starts(rows, i):
            row = rows[i]
            if row.consumed:  # read already (a rates table)
                break
            if not card.columns and _count_header(row) is not None:
                i = _read_counts(rows, i, card)
                continue
            if _is_commentary_heading(row):
                commentary_open, row.consumed = True, True
            elif (found := _comparator(row)) is not None:
                card.comparators.append((row, *found))
                row.consumed, commentary_open = True, False
            elif row.text.startswith(("*", "†")):
                pass  # a footnote: the document's footnote list keeps it
            elif not row.figures and (commentary_open or _is_prose(row)):
                card.commentary.append(row.text)
                card.read_from += [piece.lineage for piece in row.pieces]
                row.consumed = True
            else:
                break
            i += 1
        cards.append(card)
        for row in rows[start:i]:
            if row.consumed:
                row.owner = card.title or "an indicator card"
    return cards


# --- from cards to rows ---------------------------------------------------------------------------


def _card_unit(card: Card) -> str:
    return target_unit(card.target_text) or unit_from_label(card.title) or "count"


def _column_periods(card: Card, report_month: Period | None) -> list[Period | None]:
    ytd = any(is_year_to_date(c.text) for c in card.columns) or any(is_year_to_date(r.label) for r in card.rows)
    months = [p for c in card.columns if (p := parse_period(c.text)) is not None and p.type == "month"]
    reference = report_month if report_month is not None and report_month.type == "month" else (
        max(months, key=lambda p: p.start) if months else None)  # type: ignore[arg-type,return-value]
    periods: list[Period | None] = []
    for column in card.columns:
        text = " ".join(column.text.split())
        period = relative_period(text, reference) or parse_period(text)
        if period is not None and ytd and period.type == "month" and period.start is not None:
            period = Period(period.label, "year_to_date", fy_start_of(period.start), period.end)
        if period is not None and period.label != text and period.type != "month":
            period = Period(text, period.type, period.start, period.end)
        periods.append(period)
    return periods


def _share_matches(share: float, numerator: float, denominator: float, decimals: int) -> bool:
    return denominator > 0 and abs(100 * numerator / denominator - share) <= 0.5 * 10 ** -decimals + 1e-9


def _decimals(text: str) -> int:
    match = re.search(r"\.(\d+)", text)
    return len(match.group(1)) if match else 0


def _ratio_rows(percent: CardRow, counts: list[CardRow], n_columns: int) -> tuple[CardRow, CardRow] | None:
    """The (numerator, denominator) count rows that give the percentage row, if any pair does.

    The pair that agrees in most columns wins (then the larger denominator: the `Total` row); it
    must agree in at least half of them. A column where it does not agree is the report's own
    inconsistency, and the caller quarantines that figure with the reason.
    """
    best: tuple[int, float, CardRow, CardRow] | None = None
    for top in counts:
        for bottom in counts:
            if top is bottom:
                continue
            checked = agreed = 0
            for c in range(n_columns):
                if c not in percent.values or c not in top.values or c not in bottom.values:
                    continue
                share = parse_cell(percent.values[c].text).value
                n, d = parse_cell(top.values[c].text).value, parse_cell(bottom.values[c].text).value
                if share is None or n is None or d is None:
                    continue
                checked += 1
                agreed += _share_matches(share, n, d, _decimals(percent.values[c].text))
            if agreed and 2 * agreed >= checked and (best is None or (agreed, _total(bottom)) > best[:2]):
                best = (agreed, _total(bottom), top, bottom)
    return (best[2], best[3]) if best else None


def _is_complement(row: CardRow, pair: tuple[CardRow, CardRow]) -> bool:
    """`No. outside` beside `No. inside` and `Total`: the denominator less the numerator, nothing new."""
    top, bottom = pair
    columns = [c for c in row.values if c in top.values and c in bottom.values]
    for c in columns:
        value, n, d = (parse_cell(r.values[c].text).value for r in (row, top, bottom))
        if value is None or n is None or d is None or abs(d - n - value) > 1e-9:
            return False
    return bool(columns)


def _total(row: CardRow) -> float:
    return sum(parse_cell(p.text).value or 0.0 for p in row.values.values())


def card_records(card: Card, report_month: Period | None, frequency: str, out: NormalisedDocument) -> None:
    """Observations, the measure, its target, commentary and comparators of one card."""
    anchor = card.anchor
    page = anchor.page if anchor else 0
    where = anchor.pieces[0].lineage if anchor else Lineage(page, 0, 0, 0)
    unit = _card_unit(card)
    target_value = parse_target(card.target_text)
    low, high = tolerance_bounds(card.tolerance_text, target_value, card.polarity) if card.tolerance_text else (
        None, None)
    out.measures.append(Measure(
        card.title, card.section, card.polarity, frequency, card.target_text, target_value, card.tolerance_text,
        low, high, page=page, table_index=where.table_index, row_index=where.row_index,
    ))
    year = re.sub(r"^\S+\s*", "", card.target_header)
    if card.target_text:
        out.targets.append(TargetRow(card.title, year, card.target_text, target_value, True, page))
    for text in card.commentary:
        out.commentary.append(Commentary(card.title, "commentary", text, page))
    for place in card.read_from:
        out.cite(place)
    periods = _column_periods(card, report_month)
    for row, name, figure in card.comparators:
        _comparator_record(card, row, name, figure, unit, out)
    if not card.rows:
        return
    percent_rows = [r for r in card.rows if all(parse_cell(p.text).unit == "percent" for p in r.values.values())]
    count_rows = [r for r in card.rows if r not in percent_rows]
    pair = _ratio_rows(percent_rows[0], count_rows, len(card.columns)) if len(percent_rows) == 1 else None
    if pair is not None:
        reported = [(percent_rows[0], "")]
        extra = [r for r in count_rows if r not in pair and not _is_complement(r, pair)]
        for row in count_rows:
            if row not in extra and row not in pair:  # `No. outside`: checked to be Total less No. inside
                for piece in row.values.values():
                    out.cite(piece.lineage)
    else:
        extra = []
        several = len(card.rows) > 1
        reported = [(r, r.label if several else "") for r in card.rows]
    for row in card.rows:  # a row's label names it: the breakdown, or the count a ratio is read from
        for piece in row.row.pieces:
            if not piece.is_figure:  # its label pieces (a figure beside another in one column is not one)
                out.cite(piece.lineage)
    for row, breakdown in reported + [(r, r.label) for r in extra]:
        ratio = pair if pair is not None and row is percent_rows[0] else None
        for c, period in enumerate(periods):
            _observation(card, row, breakdown, c, period, ratio, unit, out)


def _observation(
    card: Card, row: CardRow, breakdown: str, c: int, period: Period | None,
    ratio: tuple[CardRow, CardRow] | None, unit: str, out: NormalisedDocument,
) -> None:
    piece = row.values.get(c)
    label_piece = row.row.pieces[0]
    where = piece.lineage if piece else Lineage(
        label_piece.lineage.page, label_piece.lineage.table_index, label_piece.lineage.row_index, c + 1,
        None, label_piece.lineage.engine)
    period_label = " ".join(card.columns[c].text.split())
    if period is None:
        if piece is not None:
            out.quarantine.append(QuarantineRow(card.title, breakdown, period_label, piece.text,
                                                f"card {card.title!r}: period {period_label!r} not understood", where))
        return
    if piece is None:
        out.observations.append(Observation(
            card.title, breakdown, period.label, period.type, period.start, period.end, None, unit, None, None,
            "missing", "", "", where, section=card.section))
        return
    value = parse_cell(piece.text)
    if value.status is None:
        out.quarantine.append(QuarantineRow(card.title, breakdown, period.label, piece.text, value.reason, where))
        return
    numerator = denominator = None
    if ratio is not None:
        top, bottom = ratio[0].values.get(c), ratio[1].values.get(c)
        numerator = parse_cell(top.text).value if top else None
        denominator = parse_cell(bottom.text).value if bottom else None
        for count in (top, bottom):
            if count is not None:  # read into this figure's numerator / denominator
                out.cite(count.lineage)
    figure_unit = value.unit or (unit if unit != "percent" else "count")
    problem = ratio_problem(value.value, figure_unit, numerator, denominator)
    if problem:
        out.quarantine.append(QuarantineRow(card.title, breakdown, period.label, piece.text, problem, where))
        return
    out.observations.append(Observation(
        card.title, breakdown, period.label, period.type, period.start, period.end, value.value, figure_unit,
        numerator, denominator, value.status, value.reported_rag, piece.text, where, section=card.section,
        footnote=value.footnote,
    ))


def _comparator_record(
    card: Card, row: Row, name: RowPiece, figure: RowPiece, unit: str, out: NormalisedDocument
) -> None:
    comparator = comparator_name(name.text) or name.text
    inside = _PAREN.search(name.text)
    period = parse_period(inside.group(1)) if inside else None
    period_label = period.label if period else (inside.group(1).strip() if inside else "")
    value = parse_cell(figure.text)
    if value.value is None:
        return
    out.benchmarks.append(BenchmarkRow(
        card.title, comparator, period_label, period.start if period else None, period.end if period else None,
        value.value, value.unit or unit, f"{name.text} {figure.text}", row.page,
    ))
    out.cite(name.lineage)
    out.cite(figure.lineage)
