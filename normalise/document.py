"""Normalise a whole extracted document: decide each table's layout from its structure and read it.

Layouts, tried in this order:
- `outcome_block`: a small `Ultimate Outcome` / `Objectives` table; it names the outcome of the
  long-list tables after it;
- `measure_long_list`: measure columns each followed by flag columns (`Existing`, `Target`, `DoT`);
- `kpi_card`: parts of indicator cards (normalise.cards) and indicator strips (`Latest: 94%
  Target: 90%, Floor: 85%  Previous: 93% (Amber)`, normalise.strips), found by walking the page's
  rows, so a card read partly from small tables and partly from running text is one card;
- `indicator_index`: the report's list of indicators (`KPI 1 | % of ...`): measures only;
- `rates_table`: a measure per row, period columns beside comparator columns (normalise.rates);
- `audit_judgements`: period columns over rows named by judgement grades (normalise.audit);
- `quarterly_grid` / `target_setting`: period columns under a header (normalise.grid);
- `general`: any other table of figures, read by its structure alone (normalise.general): header
  rows over value columns, label columns beside them, periods split from breakdowns.

Readers claim tables through one protocol: a specialised reader that claims a table (a grid,
a long-list, an index) keeps it only when it reads at least as many of the table's figure cells as
the general reader would; a table whose body holds figures under period headings is never a
long-list. The claims and the winner are in each table's reason (`documents`, `scorecards inspect`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence

from scorecards.extractors.model import ExtractedDocument, Table, TextLine
from scorecards.normalise.accounting import cells_at, figure_cells_of, finish_accounting
from scorecards.normalise.audit import is_audit_table, read_audit_table, stream_of
from scorecards.normalise.cards import Card, card_records, read_cards
from scorecards.normalise.general import Context, Reading, absorb_into, column_extent, read_general
from scorecards.normalise.grid import GridLayout, GridReader, find_layout, layout_name
from scorecards.normalise.indicator_index import indicator_number, is_indicator_index, read_indicator_index
from scorecards.normalise.longlist import find_sides, outcome_block, read_long_list
from scorecards.normalise.ocr_repair import repair_ocr_headers
from scorecards.normalise.ocr_trust import enforce, judge_tables
from scorecards.normalise.periods import Period
from scorecards.normalise.rates import header_rows as rates_header_rows
from scorecards.normalise.rates import is_rates_table, read_rates_rows, read_rates_table
from scorecards.normalise.records import (
    Commentary,
    Lineage,
    NormalisedDocument,
    Observation,
    QuarantineRow,
    TableReport,
)
from scorecards.normalise.report_date import report_period
from scorecards.normalise.rows import Row, document_rows
from scorecards.normalise.strips import has_strips, read_strips
from scorecards.normalise.vocab import is_known_word

# Cheap test before walking a document's rows for cards: a card has a tolerance or a relative period.
_CARD_HINT = re.compile(r"\b(?:Tolerance|Prev(?:ious)?\.?\s)", re.I)


def decide_layout(table: Table) -> tuple[str, str, int]:
    """(layout, why, header rows) for one table, from its structure alone."""
    block = outcome_block(table)
    if block is not None:
        return "outcome_block", f"names the outcome {block[0]!r}", 0
    sides = find_sides(table)
    if sides is not None:
        names = ", ".join(repr(side.name) for side in sides[1]) or "one side"
        return "measure_long_list", f"measure columns with flag columns: {names}", sides[0]
    if is_indicator_index(table):
        return "indicator_index", "indicator ids beside their names, no figures", 1
    if is_rates_table(table):
        return "rates_table", "comparator columns beside period columns", rates_header_rows(table)
    grid = find_layout(table)
    if grid is None:
        return "general", "no specialised reader claims it", 0
    if is_audit_table(table, grid):
        return "audit_judgements", f"judgement rows under {_grid_reason(grid)}", grid.header_rows
    return layout_name(grid), _grid_reason(grid), grid.header_rows


def heading_above(doc: ExtractedDocument, table: Table) -> str:
    """The nearest heading line before a table: on its page above it, else the last on earlier pages.

    Footnotes and long prose are not headings.
    """
    def is_heading(line: TextLine) -> bool:
        return bool(line.text) and not line.text.startswith(("*", "†")) and len(line.text.split()) <= 16

    def is_before(line: TextLine) -> bool:
        if line.before_table is not None:  # Word: paragraphs are ordered among the tables
            return line.before_table <= index
        if line.page != table.page:
            return line.page < table.page
        return line.bbox is not None and table.bbox is not None and line.bbox[3] <= table.bbox[1] + 1

    index = doc.tables.index(table) + 1
    before = [line for line in doc.text_lines if is_before(line)]
    return next((line.text for line in reversed(before) if is_heading(line)), "")


TITLE_GAP = 24.0  # points: a line this close above a table (or above its title) belongs to it


def _lines_between(doc: ExtractedDocument, previous: Table, table: Table) -> list[TextLine]:
    """PDF running-text lines after `previous` ends and before `table` starts."""
    last_page = previous.pages[-1] if previous.pages else previous.page

    def after(line: TextLine) -> bool:
        if line.page != last_page:
            return line.page > last_page
        # A table joined over pages keeps its first piece's box: on a later page only the page counts.
        if last_page != previous.page:
            return False
        return line.bbox is not None and previous.bbox is not None and line.bbox[1] >= previous.bbox[3] - 1

    def before(line: TextLine) -> bool:
        if line.page != table.page:
            return line.page < table.page
        return line.bbox is not None and table.bbox is not None and line.bbox[3] <= table.bbox[1] + 1

    return [line for line in doc.text_lines if after(line) and before(line)]


def audit_names(doc: ExtractedDocument, table: Table, grid: GridLayout, carried: str,
                previous: Table | None = None) -> tuple[str, str]:
    """(measure heading, stream) of an audit table.

    A stream's title is normally the table's own first row. Printed without a band behind it, the
    title is a line just above the table instead: then the line just above that, if any, is the
    heading the streams sit under, else the heading carried from the stream before (`carried`).
    A titled table straight after another audit table, with no line between them, carries on
    under that table's heading (which may have changed inside it).
    """
    if stream_of(table, grid) or table.bbox is None:
        if carried and previous is not None and doc.kind == "pdf" and not _lines_between(doc, previous, table):
            return carried, ""
        return heading_above(doc, table), ""
    above = sorted((line for line in doc.text_lines if line.page == table.page and line.bbox is not None
                    and line.bbox[3] <= table.bbox[1] + 1 and len(line.text.split()) <= 16
                    and not line.text.startswith(("*", "†"))), key=lambda line: line.bbox[3])  # type: ignore[index]
    if not above or table.bbox[1] - above[-1].bbox[3] > TITLE_GAP:  # type: ignore[index]
        return heading_above(doc, table), ""
    title = above[-1]
    if len(above) >= 2 and title.bbox[1] - above[-2].bbox[3] <= TITLE_GAP:  # type: ignore[index]
        return above[-2].text, title.text
    if carried:
        return carried, title.text
    return heading_above(doc, table), ""


def _grid_reason(grid: GridLayout) -> str:
    return f"{len(grid.period_columns)} period columns under {grid.header_rows} header rows"


ORGANISATION_LINES = 8
_BOROUGH_OF = re.compile(r"\b(?:(?:London|Royal)\s+)?Borough\s+of\s+(?:[A-Z][\w'’\-]+\s?){1,3}")


def organisation_of(doc: ExtractedDocument) -> str:
    """The reporting body named in the opening lines (`... of Birmingham Children's Trust`), or ''.

    Lines are joined first, because a title often wraps inside the body's name. The body is a
    kind from the vocabulary (`Children's Trust`, `County Council`) after one or two capitalised
    place words that are not report words (`Quarterly`, `Performance`).
    """
    from scorecards.normalise.vocab import vocabulary

    words = vocabulary()["organisations"]
    text = " ".join(line.text for line in doc.text_lines[:ORGANISATION_LINES]).replace("’", "'")
    if (borough := _BOROUGH_OF.search(text)) is not None:
        return borough.group(0).strip()
    for kind in sorted(words["kinds"], key=len, reverse=True):
        for match in re.finditer(r"\b" + re.escape(kind) + r"\b", text, re.I):
            place: list[str] = []
            for word in reversed(text[: match.start()].split()):
                if len(place) == 2 or not word[:1].isupper() or word.lower().strip(",.:") in words["not_places"]:
                    break
                place.insert(0, word)
            if place:
                return f"{' '.join(place)} {match.group(0)}"
    return ""


def frequency_of(period: Period | None) -> str:
    """A report covering one month reports monthly, one quarter quarterly (how its measures are reported)."""
    if period is None:
        return ""
    return {"month": "Monthly", "quarter": "Quarterly"}.get(period.type, "")


def find_cards(doc: ExtractedDocument, frequency: str, out: NormalisedDocument) -> tuple[list[Card], list[Row]]:
    """Indicator cards (PDF, or Word by column), and the document's rows they were read from.

    Rates tables beside them are read from the same rows (into `out`), so that a region that
    extraction found as one table holding both is still read right.
    """
    texts = [line.text for line in doc.page_lines or doc.text_lines]
    if doc.kind == "docx":  # headings of cards sit in table cells in Word
        texts += [cell.text for table in doc.tables for row in table.grid for cell in row[:4]]
    if not any(_CARD_HINT.search(text) for text in texts):
        return [], []
    rows = document_rows(doc)
    if doc.page_lines:  # positions of every printed piece: rates tables are read from rows too
        read_rates_rows(rows, doc.page_lines, frequency, out)
    return read_cards(rows), rows


def card_tables(rows: list[Row]) -> dict[int, str]:
    """Table number -> who read part of it from the rows (a card's title, or `rates table`)."""
    claimed: dict[int, str] = {}
    for row in rows:
        if row.consumed:
            for piece in row.pieces:
                if piece.lineage.table_index:
                    claimed.setdefault(piece.lineage.table_index, row.owner)
    return claimed


def table_layouts(doc: ExtractedDocument, claimed: dict[int, str]) -> list[tuple[str, str, int]]:
    """(layout, why, header rows) of every table, cards included: what `documents` and inspect show."""
    decided = []
    for index, table in enumerate(doc.tables, start=1):
        if claimed.get(index) == "rates table":
            decided.append(("rates_table", "comparator columns beside period columns, read by position", 0))
        elif index in claimed:
            title = claimed[index] or "an indicator card"
            decided.append(("kpi_card", f"part of the card {title[:60]!r} (header, counts or comparators)", 0))
        else:
            decided.append(decide_layout(table))
    return decided


def _quarantine_unread_rows(rows: list[Row], claimed: dict[int, str], out: NormalisedDocument) -> None:
    """Figures in a card's tables that no part of the card explains go to quarantine, not away."""
    for row in rows:
        if row.consumed:
            continue
        for piece in row.figures:
            table = piece.lineage.table_index
            if table in claimed:
                reason = (f"table {table}: a figure beside {claimed[table][:60]!r} "
                          "that is not part of its rows, counts or comparators")
                out.quarantine.append(QuarantineRow("", "", "", piece.text, reason, piece.lineage))


def normalise_document(doc: ExtractedDocument,
                       known_labels: Mapping[str, Sequence[str]] | Sequence[str] = ()) -> NormalisedDocument:
    """The tidy rows of one document. known_labels: measure labels the warehouse already holds, per
    organisation (or a plain list), against which doubtful OCR'd labels are repaired."""
    out = NormalisedDocument()
    organisation = organisation_of(doc)
    known = known_labels.get(organisation, ()) if isinstance(known_labels, Mapping) else known_labels
    repair_ocr_headers(doc)  # OCR'd header cells their neighbours imply (`a4` between `Q3` and `Q1`)
    trust = judge_tables(doc, is_known_word, known)  # OCR'd cells judged before any reader
    if doc.text_lines:
        out.title = doc.text_lines[0].text
    out.organisation = organisation
    period = report_period(doc)
    if period is not None:
        out.report_period_label, out.report_period_start, out.report_period_end = (
            period.label, period.start, period.end)
    for line in doc.text_lines:
        if line.text.startswith(("*", "†")):
            out.commentary.append(Commentary("", "footnote", line.text, line.page))
    frequency = frequency_of(period)
    cards, rows = find_cards(doc, frequency, out)
    for card in cards:
        card_records(card, period, frequency, out)
    if has_strips(line.text for line in doc.page_lines or doc.text_lines):
        rows = rows or document_rows(doc)
        read_strips(rows, period, out)
    claimed = card_tables(rows)
    _quarantine_unread_rows(rows, claimed, out)
    described = {n for card in cards if (n := indicator_number(card.section)) is not None}
    outcome: tuple[str, str] | None = None
    audit_heading = ""  # the heading audit streams sit under, carried from one stream's table to the next
    previous_audit: Table | None = None
    previous: tuple[Table, Reading] | None = None  # the last table the general reader read
    titles: dict[int, str] = {}  # table number -> title, of the tables the general reader read
    for index, (table, decided) in enumerate(zip(doc.tables, table_layouts(doc, claimed), strict=True), start=1):
        layout, reason, header_rows = decided
        if layout == "kpi_card" or index in claimed:
            out.tables.append(TableReport(index, table.page, table.engine, layout, reason, header_rows, table.quality))
            continue
        if layout in CONTESTED or layout == "general":
            context = Context(heading_above(doc, table), period, _continued_paths(previous, table),
                              _columns_above(previous, table))
            layout, reason, header_rows, reading = _contest(table, index, decided, (outcome, described), context, out)
            if reading is not None:
                previous = (table, reading)
                titles[index] = reading.title
            out.tables.append(TableReport(index, table.page, table.engine, layout, reason, header_rows, table.quality))
            continue
        out.tables.append(TableReport(index, table.page, table.engine, layout, reason, header_rows, table.quality))
        if layout == "rates_table":
            read_rates_table(table, index, doc.text_lines, frequency, out)
        elif layout == "outcome_block":
            outcome = outcome_block(table)
        elif layout == "audit_judgements":
            grid = find_layout(table)
            heading, stream = audit_names(doc, table, grid, audit_heading, previous_audit)  # type: ignore[arg-type]
            audit_heading = read_audit_table(table, index, grid, heading, out, stream)  # type: ignore[arg-type]
            previous_audit = table
    enforce(doc, out, trust, {t.table_index: t.layout for t in out.tables})
    tell_apart(out, titles)
    for failed in doc.failed_pages:  # nothing of the page could be read: the whole page goes to a reviewer
        box = (0.0, 0.0, *failed.size) if failed.size else None
        out.quarantine.append(QuarantineRow("", "", "", "", failed.why, Lineage(failed.page, 0, 0, 0, box, "ocr")))
    finish_accounting(doc, out)
    return out


def tell_apart(out: NormalisedDocument, titles: dict[int, str]) -> None:
    """Figures of general tables that share a measure, breakdown and period but are not the same figure.

    A row label repeated in several tables (`Maintained Special School` in a table of spend and one
    of pupils) or under several sections is split by what differs: the section, else the table's
    title, prefixed to the breakdown. A figure printed twice with the same value (a total repeated
    in a second block) is one figure: the second cell is cited by it, not made another row.
    """
    def key(o: Observation) -> tuple[str, str, str]:
        return (o.measure_label, o.breakdown, o.period_label)

    general = [o for o in out.observations if o.lineage.table_index in titles]
    groups: dict[tuple[str, str, str], list[Observation]] = {}
    for o in general:
        groups.setdefault(key(o), []).append(o)
    for same in groups.values():
        if len(same) < 2:
            continue
        if len({o.section for o in same}) == len(same):
            for o in same:
                o.breakdown = " / ".join(p for p in (o.section, o.breakdown) if p)
        elif len({titles[o.lineage.table_index] for o in same}) == len(same):
            for o in same:
                o.breakdown = " / ".join(p for p in (titles[o.lineage.table_index], o.breakdown) if p)
    seen: dict[tuple[str, str, str], Observation] = {}
    repeats: list[Observation] = []
    for o in general:
        first = seen.setdefault(key(o), o)
        if first is not o and first.value == o.value and first.status == o.status:
            repeats.append(o)
    for o in repeats:
        out.cite(o.lineage)
    if repeats:
        dropped = {id(o) for o in repeats}
        out.observations = [o for o in out.observations if id(o) not in dropped]


# Layouts whose claim is weighed against the general reader's reading of the same table.
CONTESTED = {"quarterly_grid", "target_setting", "measure_long_list", "indicator_index"}


# What a specialised reader needs from the tables before: the outcome block over a long-list, and
# the indicators that cards already describe (an index gives measures only for the others).
Before = tuple[tuple[str, str] | None, set[int]]


def _read_specialised(table: Table, index: int, layout: str, before: Before, out: NormalisedDocument) -> None:
    outcome, described = before
    if layout == "indicator_index":
        read_indicator_index(table, index, described, out)
    elif layout == "measure_long_list":
        read_long_list(table, index, outcome, out)
    else:
        GridReader(table, index, out).read(find_layout(table))  # type: ignore[arg-type]


def read_cells(table: Table, part: NormalisedDocument, index: int) -> int:
    """How well a reading reads table `index`: the figure cells it turned into observations or cited
    rows, less the figures it gave the same identity (measure, breakdown, period) as another (a
    reader that cannot tell two columns apart has not read them) and the rows it made of a line
    with no figure at all."""
    mine = [o for o in part.observations if o.lineage.table_index == index]
    places = [(index, o.lineage.row_index, o.lineage.col_index) for o in mine] + list(part.cited)
    read = cells_at(table, index, places)
    cells = sum(1 for _, _, cell in figure_cells_of(table) if id(cell) in read)
    keys = Counter((o.measure_label, o.breakdown, o.period_label) for o in mine if o.status == "reported")
    # A line of blanks read as a measure (a section title taken for a label) invents its rows.
    rows: dict[int, set[str]] = {}
    for o in mine:
        rows.setdefault(o.lineage.row_index, set()).add(o.status)
    invented = sum(1 for o in mine if rows[o.lineage.row_index] == {"missing"})
    return cells - sum(n - 1 for n in keys.values()) - invented


def _contest(table: Table, index: int, decided: tuple[str, str, int], before: Before,
             context: Context, out: NormalisedDocument) -> tuple[str, str, int, Reading | None]:
    """Read a table with the reader that reads most of it: the claimant, or else the general reader."""
    layout, reason, header_rows = decided
    if layout != "general" and _is_ocr(table):
        # Only the specialised readers check OCR'd cells' confidence yet: their claim on a scan stands.
        _read_specialised(table, index, layout, before, out)
        return layout, f"{reason} (OCR: the claimant's confidence checks apply)", header_rows, None
    general = NormalisedDocument()
    reading = read_general(table, index, context, general)
    general_cells = read_cells(table, general, index)
    if layout != "general":
        special = NormalisedDocument()
        _read_specialised(table, index, layout, before, special)
        special_cells = read_cells(table, special, index)
        if layout == "measure_long_list" and reading.figures and any(
                o.period_label for o in general.observations):
            special_cells = -1  # figures under period headings: whatever else it is, not a long-list
        if special_cells >= general_cells:
            absorb_into(out, special)
            return layout, f"{reason} (claims {special_cells} cells; the general reader {general_cells})", \
                header_rows, None
        reason = f"{layout} claimed it but read {max(special_cells, 0)} cells, the general reader {general_cells}"
    else:
        reason = "no specialised reader claims it"
    absorb_into(out, general)
    return "general", f"{reading.reason}; {reason}", reading.header_rows, reading


def _is_ocr(table: Table) -> bool:
    return any(cell.confidence is not None for row in table.grid for cell in row)


def _continued_paths(previous: tuple[Table, Reading] | None, table: Table) -> list[list[str]] | None:
    """The column headings of the table this one carries on from the next page, without a header of its own."""
    if previous is None:
        return None
    before, reading = previous
    last_page = max(before.pages or [before.page])
    # On the next page; or on the same page right below it, where the table was cut in two (a
    # printed gap the reader took for its end).
    return reading.column_paths if table.page == last_page + 1 and reading.column_paths else None


def _columns_above(previous: tuple[Table, Reading] | None, table: Table) -> list[tuple[float, float, list[str]]] | None:
    """The value columns (x extent, headings) of the general table right above this one on its page:
    the text engine may cut one table in two at a gap, the lower part without a header."""
    if previous is None:
        return None
    before, reading = previous
    if not (table.page == max(before.pages or [before.page]) and before.bbox is not None and table.bbox is not None
            and 0 <= table.bbox[1] - before.bbox[3] <= 40.0 and reading.column_paths):
        return None
    out = []
    for col, path in zip(reading.path_columns, reading.column_paths, strict=True):
        extent = column_extent(before, col)
        if extent is None:
            return None
        out.append((extent[0], extent[1], path))
    return out
