"""The trust check of OCR'd tables: one pass before any reader, one after every reader.

A figure's identity is its measure label, its section and its period heading as much as its value;
OCR can garble any of them. So every cell Tesseract read is judged, whatever layout reader reads
the table afterwards:

- before the readers (`judge_tables`), each text cell that could name a figure (a row label, a
  section title, a column heading) is doubtful when the engine was unsure of it and it holds words
  that are in no dictionary or vocabulary (`repeat pnts Gnu`), or stray signs (`hours of $47`);
  a doubtful label that matches a measure already known (the same organisation's other reports,
  confident labels elsewhere in the document) is repaired to it, with a note. A value cell is
  doubtful when the engine was unsure of it;
- after the readers (`enforce`), every observation whose value cell, row label, section or column
  heading is doubtful moves to quarantine with the reason and the picture of the doubtful cell,
  and a measure named only by a doubtful label is dropped with it.

Readers that check OCR'd value cells in their row's context themselves (the grid reader repairs
`5570` to `55%` where the row is a percentage) are trusted with their own value verdicts.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

from scorecards.extractors.misreads import repair_text
from scorecards.extractors.model import Cell, ExtractedDocument, Table
from scorecards.normalise.general import EMPTY, FIGURE, TEXT, cell_kind
from scorecards.normalise.ocr_repair import OCR_MIN_CONFIDENCE, OCR_MIN_STATUS_CONFIDENCE, quarter_of
from scorecards.normalise.periods import financial_year
from scorecards.normalise.records import NormalisedDocument, Observation, QuarantineRow
from scorecards.normalise.vocab import squash, vocabulary

# A label read with less confidence than this is checked word by word (clean print reads at 90+).
LABEL_CHECK_BELOW = 92.0
# ... and one read with less than this is doubtful whatever its words.
LABEL_MIN_CONFIDENCE = 45.0
# A doubtful label is repaired to a known one at least this similar (letters and digits compared).
REPAIR_SIMILARITY = 0.88
# Signs that no measure label, heading or section title prints, but that OCR makes of specks and strokes.
_ODD_SIGNS = re.compile(r"[$|{}~^¢§¥@\\_\[\]]")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
_UNKNOWN = "label read by OCR holds what no vocabulary knows"
# Layouts whose reader judges OCR'd value cells in context itself (normalise.grid).
SELF_CHECKING = frozenset({"quarterly_grid", "target_setting"})


@dataclass
class Trust:
    """What the pass before the readers found: doubtful cells (by id) with why, and labels repaired."""

    doubts: dict[int, tuple[str, Cell]] = field(default_factory=dict)
    repaired: dict[int, str] = field(default_factory=dict)  # cell id -> the repair note
    always: set[int] = field(default_factory=set)  # doubts every reader respects (see figure_doubt)


def is_ocr_table(table: Table) -> bool:
    return any(cell.confidence is not None for row in table.grid for cell in row)


def _distinct(table: Table) -> list[tuple[int, int, Cell]]:
    seen: set[int] = set()
    out = []
    for r, row in enumerate(table.grid):
        for c, cell in enumerate(row):
            if id(cell) not in seen:
                seen.add(id(cell))
                out.append((r, c, cell))
    return out


@cache
def _letter_pairs() -> tuple[tuple[str, str], ...]:
    pairs = vocabulary()["ocr_letters"]["pairs"]
    return tuple((a, b) for a, b in pairs) + tuple((b, a) for a, b in pairs)


def repair_word(word: str, is_word: Callable[[str], bool]) -> str | None:
    """The one dictionary word a misread word is one lookalike swap away from (`heip` -> `help`), else
    the one pair of words it splits into (`ofchildren`), or None when there is none or more than one."""
    found: set[str] = set()
    for wrong, right in _letter_pairs():
        start = word.find(wrong)
        while start >= 0:
            candidate = word[:start] + right + word[start + len(wrong):]
            if candidate.lower() != word.lower() and is_word(candidate.lower()):
                found.add(candidate)
            start = word.find(wrong, start + 1)
    if not found:  # a space the engine did not see (`ofchildren`): the one way to cut it into two words
        for k in range(1, len(word)):
            head, tail = word[:k], word[k:]
            if all((len(part) >= 2 or part.lower() == "a") and is_word(part.lower()) for part in (head, tail)):
                found.add(f"{head} {tail}")
    if len({f.lower() for f in found}) != 1:
        return None
    return max(found, key=lambda f: f[0].isupper())  # `lmprovement`: an `I` read as `l` starts a word


def repair_label_words(cell: Cell, is_word: Callable[[str], bool]) -> list[str]:
    """Unknown words of an OCR'd label the engine was unsure of, repaired in place where one lookalike
    swap makes each a word (see repair_word); the notes, or [] when any stays unknown."""
    fixes: list[tuple[str, str]] = []
    for raw, confidence in cell.word_confidences:
        if confidence >= LABEL_CHECK_BELOW:
            continue
        for word in unknown_words(raw, is_word):
            fixed = repair_word(word, is_word)
            if fixed is None:
                return []
            fixes.append((word, fixed))

    def fix(text: str) -> str:
        for word, fixed in fixes:
            text = re.sub(rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])", fixed, text)
        return text

    if fixes:
        cell.text = fix(cell.text)
        cell.word_confidences = [(fix(raw), confidence) for raw, confidence in cell.word_confidences]
        notes = [f"{word!r} -> {fixed!r}: letters OCR takes for one another" for word, fixed in fixes]
        cell.repairs = [*cell.repairs, *notes]
        return notes
    return []


# Marks at either end of a word or a figure that are specks more often than print: a leading minus
# before a figure is a sign, and is kept.
_STRAY_EDGE = re.compile(r"^(?:[-_'‘’`\".,:;~|]+(?=[A-Za-z(])|['‘’`\".,:;~|_]+(?=\d))"
                         r"|(?<=[A-Za-z)%\d])[.,:;'‘’`\"~|_-]+$")


def strip_stray_marks(cell: Cell) -> None:
    """Specks read as marks at either end of an OCR'd cell (`Good.`, `-Percentage of`, `"Stable`,
    `'76%`) dropped, with a note: a label that ends in a full stop is rare, a speck beside a word
    is not."""
    text = cell.text.strip()
    stripped = _STRAY_EDGE.sub("", text)
    if stripped != text and stripped and cell_kind(stripped) != EMPTY:
        cell.text = stripped
        cell.repairs = [*cell.repairs, f"{text!r} -> {stripped!r}: stray marks beside a word"]


# Lower-case letters whose capitals look the same but for size: the case OCR most often gets wrong.
_SIZE_ONLY = frozenset("cosvwxzi")


def capitalise_like_column(table: Table) -> None:
    """A label that starts with a small `i`, `c`, `o`, ... where every other label of its column
    starts with a capital (`inadequate` among `Outstanding`, `Good`, `Requires improvement`) is given
    its capital, with a note: those letters differ only in size, which a scan blurs."""
    for col in range(table.n_cols):
        cells = list({id(row[col]): row[col] for row in table.grid if row[col].col == col}.values())
        labels = [c for c in cells if c.confidence is not None and cell_kind(c.text) == TEXT and c.text[:1].isalpha()]
        if len(labels) < 3:
            continue
        small = [c for c in labels if c.text[0].islower()]
        if len(small) != 1 or small[0].text[0] not in _SIZE_ONLY:
            continue
        cell = small[0]
        fixed = cell.text[0].upper() + cell.text[1:]
        cell.repairs = [*cell.repairs, f"{cell.text!r} -> {fixed!r}: a capital read small, as every other label"
                                       " of the column starts with one"]
        cell.text = fixed


def unknown_words(text: str, is_word: Callable[[str], bool]) -> list[str]:
    """Words of a label that no dictionary or vocabulary knows. Acronyms (`UASC`, `CP`) and codes
    (`KS2`, `NI 62`) and words with capitals inside (`ChECS`) are taken as printed: every report
    has its own."""
    found = []
    for match in _WORD.finditer(text):
        core = match.group(0).strip("'’")
        if len(core) < 2 or sum(ch.isupper() for ch in core) >= 2:
            continue
        if text[match.end():match.end() + 1].isdigit():
            continue  # letters run into a number (`Qtr1`, `KS2`): a code
        if not is_word(core.lower()):
            found.append(core)
    return found


def label_doubt(cell: Cell, is_word: Callable[[str], bool]) -> str:
    """Why an OCR'd text cell cannot be trusted to name a figure, or "" when it can.

    Each word the engine was unsure of must be a word a dictionary or the vocabulary knows (a
    dictionary word read unsurely is taken: Tesseract scores hyphenated words 0), with no stray
    signs; and a cell with no known word at all must have been read with some confidence.
    """
    if cell.confidence is None or not cell.text.strip():
        return ""
    text = " ".join(cell.text.split())
    words = cell.word_confidences or [(token, cell.confidence) for token in text.split()]
    strange: list[str] = []
    for raw, confidence in words:
        if confidence >= LABEL_CHECK_BELOW:
            continue
        word = repair_text(raw)[0]
        strange += [repr(w) for w in unknown_words(word, is_word)]
        strange += [f"sign {sign!r}" for sign in _ODD_SIGNS.findall(word)]
    if strange:
        return f"{_UNKNOWN} ({', '.join(strange)}): {text!r}"
    known = [w for w in _WORD.findall(text) if len(w) >= 2 and (w.isupper() or is_word(w.lower()))]
    if not known and cell.confidence < LABEL_MIN_CONFIDENCE:
        return f"label read with low OCR confidence ({cell.confidence:.0f}): {text!r}"
    return ""


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _step(text: str) -> tuple[str, int] | None:
    """A heading's place in a sequence of quarters, months or years (`Q3` -> ("q", 2), `Oct-18` ->
    ("m", 9), `2022/23` -> ("y", 2022))."""
    if (q := quarter_of(text)) is not None:
        return "q", q - 1
    if (year := financial_year(text)) is not None:
        return "y", year[0]
    found = re.match(r"\W*([A-Za-z]{3})", text)
    if found and found.group(1).lower() in _MONTHS:
        return "m", _MONTHS.index(found.group(1).lower())
    return None


def follows_on(table: Table, cell: Cell) -> bool:
    """Whether a heading is the next quarter or month after its left neighbour, or the one before
    its right neighbour: a heading its row confirms, however unsure the engine was of it."""
    if not 0 <= cell.row < table.n_rows:
        return False
    row = [c for c in {id(c): c for c in table.grid[cell.row]}.values()]
    at = next((k for k, c in enumerate(row) if c is cell), None)
    here = _step(cell.text)
    if at is None or here is None:
        return False
    size = {"q": 4, "m": 12}.get(here[0], 1 << 30)  # years do not wrap
    for k, ahead in ((at - 1, 1), (at + 1, -1)):
        # The next heading along may stand a few columns away (a year over its quarters).
        there = next((_step(c.text) for c in (row[k:] if ahead < 0 else reversed(row[:k + 1]))
                      if _step(c.text) is not None), None) if 0 <= k < len(row) else None
        if there is not None and there[0] == here[0] and (there[1] + ahead) % size == here[1]:
            return True
    return False


# A figure the engine read as two with a single space between (`87 7%` for `87.7%`, `1 270` for
# `1,270`): a point or comma was lost, and no reader can tell which.
_RUN_TOGETHER = re.compile(r"(?<![\d/.,])\d{1,3} \d{1,3}(?:\.\d+)?%|(?<![\d/.,])\d{1,3} \d{3}(?![\d/%])")


def value_doubt(cell: Cell) -> str:
    """Why an OCR'd figure or status cell cannot be trusted, or "": the engine was unsure of it."""
    if cell.confidence is None:
        return ""
    kind = cell_kind(cell.text)
    bar = OCR_MIN_CONFIDENCE if kind == FIGURE else OCR_MIN_STATUS_CONFIDENCE
    if kind != EMPTY and cell.confidence < bar:
        return f"low OCR confidence ({cell.confidence:.0f}): {cell.ocr_text or cell.text!r}"
    return ""


def figure_doubt(cell: Cell) -> str:
    """Why an OCR'd figure cannot be trusted whatever its reader makes of it, or "": figures run
    together where a point or a comma was lost."""
    if cell.confidence is None or not (found := _RUN_TOGETHER.search(cell.text)):
        return ""
    return f"figures run together where a point or comma may be lost ({found.group(0)!r}): {cell.text!r}"


def _best_match(text: str, known: Sequence[str]) -> tuple[str, float] | None:
    """The known label most like `text`, when it is clearly the one (no other nearly as close)."""
    probe = squash(text)
    if len(probe) < 6:
        return None
    scored = sorted(((difflib.SequenceMatcher(None, probe, squash(k)).ratio(), k) for k in known
                     if abs(len(squash(k)) - len(probe)) <= 0.3 * len(probe)), reverse=True)
    if not scored or scored[0][0] < REPAIR_SIMILARITY:
        return None
    if len(scored) > 1 and scored[1][0] >= scored[0][0] - 0.03 and squash(scored[1][1]) != squash(scored[0][1]):
        return None
    return scored[0][1], scored[0][0]


def judge_tables(doc: ExtractedDocument, is_word: Callable[[str], bool],
                 known_labels: Sequence[str] = ()) -> Trust:
    """Judge every cell of the document's OCR'd tables (see the module's docstring); repairs in place.

    known_labels: measure labels the warehouse already holds for this organisation. Labels read
    with confidence elsewhere in the document (text-layer pages, other OCR'd tables) are added.
    """
    trust = Trust()
    ocr_tables = [t for t in doc.tables if is_ocr_table(t)]
    if not ocr_tables:
        return trust
    texts: list[tuple[Cell, str]] = []
    for table in doc.tables:
        for _, _, cell in _distinct(table):
            if cell.confidence is not None:
                strip_stray_marks(cell)
            if cell_kind(cell.text) == TEXT:
                why = label_doubt(cell, is_word) if cell.confidence is not None else ""
                texts.append((cell, "" if why and follows_on(table, cell) else why))
    for table in ocr_tables:
        capitalise_like_column(table)
    confident = [" ".join(c.text.split()) for c, why in texts if not why and len(squash(c.text)) >= 6]
    known = list(dict.fromkeys([*known_labels, *confident]))
    for cell, why in texts:
        if not why:
            continue
        if why.startswith(_UNKNOWN) and (notes := repair_label_words(cell, is_word)) and not label_doubt(
                cell, is_word):
            trust.repaired[id(cell)] = "; ".join(notes)
            continue
        match = _best_match(cell.text, known)
        if match is not None:
            label, similarity = match
            note = f"{cell.text!r} -> {label!r}: label matched a known measure ({similarity:.2f})"
            cell.text = label
            cell.repairs = [*cell.repairs, note]
            trust.repaired[id(cell)] = note
        else:
            trust.doubts[id(cell)] = (why, cell)
    for table in ocr_tables:
        for _, _, cell in _distinct(table):
            if id(cell) in trust.doubts or cell_kind(cell.text) == TEXT:
                continue
            if why := figure_doubt(cell):
                trust.doubts[id(cell)] = (why, cell)
                trust.always.add(id(cell))
            elif why := value_doubt(cell):
                trust.doubts[id(cell)] = (why, cell)
    return trust


def _identity_cells(table: Table, row: int, col: int) -> list[Cell]:
    """The text cells that name the figure at (row, col): its row's cells to the left, the column's
    headings (text cells above the column's first figure) and the nearest section title above (a
    row whose only text stands left of the column)."""
    here = table.grid[row][col]
    cells = [table.grid[row][c] for c in range(col)]
    first_figure = next((r for r in range(table.n_rows) if cell_kind(table.grid[r][col].text) == FIGURE), row)
    cells += [table.grid[r][col] for r in range(min(first_figure, row))]
    for r in range(row - 1, -1, -1):
        texts = [c for c in {id(c): c for c in table.grid[r]}.values() if c.text.strip()]
        if any(cell_kind(c.text) == FIGURE for c in texts):
            continue
        if len(texts) == 1 and texts[0].col < col:
            cells.append(texts[0])
            break
    named = [c for c in cells if c is not here and cell_kind(c.text) == TEXT]
    return list({id(c): c for c in named}.values())


def enforce(doc: ExtractedDocument, out: NormalisedDocument, trust: Trust,
            self_checked: Mapping[int, str]) -> None:
    """Move to quarantine every observation whose value, label, section or heading is doubtful.

    self_checked: table number -> layout, for tables whose reader judged its value cells itself.
    """
    if not any(is_ocr_table(t) for t in doc.tables):
        return
    kept: list[Observation] = []
    dropped_labels: set[str] = set()
    for obs in out.observations:
        where = obs.lineage
        table = doc.tables[where.table_index - 1] if 0 < where.table_index <= len(doc.tables) else None
        if table is None or not is_ocr_table(table) or not (0 <= where.row_index < table.n_rows
                                                             and 0 <= where.col_index < table.n_cols):
            kept.append(obs)
            continue
        value = table.grid[where.row_index][where.col_index]
        names = _identity_cells(table, where.row_index, where.col_index)
        doubt = None
        if id(value) in trust.doubts and (id(value) in trust.always
                                          or self_checked.get(where.table_index) not in SELF_CHECKING):
            doubt = trust.doubts[id(value)]
        else:
            doubt = next((trust.doubts[id(c)] for c in names if id(c) in trust.doubts), None)
        if doubt is None:
            notes = [trust.repaired[id(c)] for c in names if id(c) in trust.repaired]
            if notes:
                obs.repairs = "; ".join([*filter(None, [obs.repairs]), *notes])
            kept.append(obs)
            continue
        why, cell = doubt
        out.quarantine.append(QuarantineRow(obs.measure_label, obs.breakdown, obs.period_label, obs.raw_text,
                                            why, where, cell.crop_png or value.crop_png))
        if cell is not value:
            dropped_labels.add(obs.measure_label)
    out.observations = _odd_period_columns(doc, kept, out)
    still_named = {o.measure_label for o in kept}
    out.measures = [m for m in out.measures if m.measure_label not in dropped_labels - still_named]


def _odd_period_columns(doc: ExtractedDocument, observations: list[Observation],
                        out: NormalisedDocument) -> list[Observation]:
    """Observations kept, less those of an OCR'd table's one period column whose period is of another
    kind than all its others (`Q1 {Apr 16)` read as the month `Apr 16` among quarters): a misread
    heading, whose figures go to quarantine."""
    by_table: dict[int, dict[int, set[str]]] = {}
    for obs in observations:
        where = obs.lineage
        table = doc.tables[where.table_index - 1] if 0 < where.table_index <= len(doc.tables) else None
        if table is not None and is_ocr_table(table) and obs.period_type:
            by_table.setdefault(where.table_index, {}).setdefault(where.col_index, set()).add(obs.period_type)
    odd: dict[tuple[int, int], str] = {}
    for index, columns in by_table.items():
        kinds = [next(iter(k)) for k in columns.values() if len(k) == 1]
        if len(kinds) < 3:
            continue
        usual = max(set(kinds), key=kinds.count)
        strays = [col for col, k in columns.items() if k != {usual}]
        if len(strays) == 1 and kinds.count(usual) == len(kinds) - 1:
            odd[(index, strays[0])] = f"period heading read as a {next(iter(columns[strays[0]]))} among {usual} columns"
    if not odd:
        return observations
    kept = []
    for obs in observations:
        why = odd.get((obs.lineage.table_index, obs.lineage.col_index))
        if why is None:
            kept.append(obs)
            continue
        cell = doc.tables[obs.lineage.table_index - 1].grid[obs.lineage.row_index][obs.lineage.col_index]
        out.quarantine.append(QuarantineRow(obs.measure_label, obs.breakdown, obs.period_label, obs.raw_text,
                                            f"{why}: {obs.period_label!r}", obs.lineage, cell.crop_png))
    return kept
