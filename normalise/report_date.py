"""The period a report says it covers, read from its own words (its title, cover and running heads).

Where it looks, in this order; the first place that states any period decides:
1. the opening lines: the first `OPENING_LINES` lines of running text (title, subtitle, cover);
2. running heads: lines repeated at the top of two or more pages;
3. (PDF) the first lines printed on page 1, inside table regions too (a title drawn in a table),
   but there only a period stated by a phrase (a bare `2022/23` there is a header cell's);
4. phrases that state a period (`as at`, `covering`, `week ending`, `for the period ...`, `to the
   end of`) in short, heading-like lines of the first `FIRST_PAGES` pages.

Within a place, the candidates rank:
- a span stated by a phrase (`as at November 2024-25`, `Quarter 3 2024/25`, `Report Covering the
  Week 7/10/2017 Through 7/16/2017`, `W/E 02/24/17`);
- then a single day stated by a phrase (`as at 31 December 2024`);
- then a span printed bare (`October 2024`, `2024/25`);
- then a single day or whole years printed bare: a cover's `To: Cabinet – 4 March 2025` is the
  meeting's date, and a bare `2003` is as likely an Act's year as the report's;
- then reading order.
From place 2 on, a line that names several periods is a table's header row and is passed over.
`Quarter N` / `Qn` count as a stating phrase only in places 1-3: further on, `Q4 2025` is more
often a forecast or a comparison than the report's own period.

Lines of more than `MAX_WORDS` words are not read whole (prose that mentions a month is not a
title); phrases are found in any line of places 1-3, and across line breaks (`Quarter 3` over
`2024/25`). The opening lines are those the first reader of report dates used, so a report whose
title block states one period alone is dated as before.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass

from scorecards.extractors.model import ExtractedDocument, TextLine
from scorecards.normalise.periods import Period, parse_period

OPENING_LINES = 6  # as many as the title block of every layout read so far
FIRST_PAGES = 3
FIRST_LINES_WITHOUT_PAGES = 60  # Word: no pages, so the first lines stand for the first pages
MAX_WORDS = 20
HEAD_LINES = 2  # the lines at the top of a page that may be a running head
PHRASE_WORDS = 8  # how far after a stating phrase its period may run
HEADING_WORDS = 8  # later pages: a stating phrase counts in a line no longer than this

# Phrases that state the report's period; the period follows them (a week ending or quarter
# phrase is part of the period's own text, so the window starts with the phrase).
_STATES = re.compile(
    r"\b(?:as\s+at|as\s+of|covering(?:\s+the\s+(?:week|month|quarter|period|year))?"
    r"|for\s+the\s+(?:week|month|quarter|period|year)(?:\s+(?:ending|ended|to))?"
    r"|(?:week|month|quarter|period|year)\s+(?:ending|ended)|to\s+the\s+end\s+of|up\s+to(?:\s+the\s+end\s+of)?)\b"
    r"|\bW/E\b|\bW\.E\.",
    re.I,
)
_QUARTER_STATED = re.compile(r"\b(?:Quarter|Qtr|Q)\s*\.?\s*[1-4]\b", re.I)
_WORD = re.compile(r"\S+")
_SENTENCE_END = re.compile(r"[.;:]$")
_DIGITS_DOT = re.compile(r"\d[.]\d")  # `31.3.24` does not end a sentence
_RESTATED = re.compile(r"[^\S\n]*\(([^()]{1,40})\)")


@dataclass(frozen=True)
class _Candidate:
    period: Period
    tier: int  # 0 stated span, 1 stated day, 2 bare span, 3 bare day or whole years
    position: tuple[int, int]  # (line or block order, character offset)

    @property
    def rank(self) -> tuple[int, tuple[int, int]]:
        return self.tier, self.position


def _is_day_or_years(period: Period) -> bool:
    """A single day, or whole calendar (or US fiscal) years: weak evidence of the report's period."""
    assert period.start is not None and period.end is not None
    if period.start == period.end:
        return True
    whole_years = (period.start.month, period.start.day, period.end.day) in ((1, 1, 31), (10, 1, 30)) and (
        period.end.month == (12 if period.start.month == 1 else 9))
    return period.type == "" and whole_years


def _stated(text: str, lead: re.Match[str]) -> Period | None:
    """The period a stating phrase introduces: the longest reading that starts right after it.

    The window grows a word at a time (to the sentence's end, at most `PHRASE_WORDS`), so that
    `covering the week 7/10/2017 Through 7/16/2017` is the whole range, while in `As at November
    2024-25 – Quarter 3` the quarter further on does not replace the month the phrase names.
    A period restated in brackets straight after, ending the same day, is the report's own name
    for it: `to the end of December 2024 (Quarter 3, 2024/25)` is the quarter.
    """
    found: Period | None = None
    found_end = lead.end()
    for word in list(_WORD.finditer(text, lead.end()))[:PHRASE_WORDS]:
        window = text[lead.start():word.end()]
        period = parse_period(window)
        if period is not None and period.start is not None:
            at = window.find(period.label.split()[0])
            if 0 <= at <= lead.end() - lead.start() + 1 and period != found:
                # Where the reading ends: after its label as printed, else (a label put together
                # from parts, `Quarter 3 2024/25` from `Quarter 3, 2024/25`) after this word.
                whole = window.find(period.label)
                found, found_end = period, (lead.start() + whole + len(period.label) if whole >= 0 else word.end())
        if _SENTENCE_END.search(word.group(0)) and not _DIGITS_DOT.search(word.group(0)[-3:]):
            break
    restated = _RESTATED.match(text, found_end)
    if found is not None and found.start is not None and restated:
        again = parse_period(restated.group(1))
        if again is not None and again.start is not None and again.end == found.end and again.start < found.start:
            return again
    return found


def _phrases(lines: list[TextLine], order: int, quarters: bool,
             max_line_words: int | None = None) -> list[_Candidate]:
    """Periods stated by phrases in the lines read as one text (phrases run across line breaks).

    With `max_line_words`, only phrases that start in a line that short count: on later pages a
    stating phrase in a heading (`Report Covering the Week`) is the report's, one in prose
    (`as of October 2024, job vacancies ...`) is about something else.
    """
    texts = [" ".join(line.text.split()) for line in lines]
    text = " ".join(texts)
    starts = [sum(len(t) + 1 for t in texts[:i]) for i in range(len(texts))]
    found = []
    leads = list(_STATES.finditer(text)) + (list(_QUARTER_STATED.finditer(text)) if quarters else [])
    for lead in leads:
        line = texts[bisect_right(starts, lead.start()) - 1]
        if max_line_words is not None and len(line.split()) > max_line_words:
            continue
        period = _stated(text, lead)
        if period is not None:
            found.append(_Candidate(period, 1 if _is_day_or_years(period) else 0, (order, lead.start())))
    return found


def _bare(line: TextLine, order: int) -> _Candidate | None:
    """A short line read whole as a period (a title's `Scorecard - Q3 2016-17`, a cover's date)."""
    if len(line.text.split()) > MAX_WORDS:
        return None
    period = parse_period(line.text)
    if period is None or period.start is None:
        return None
    return _Candidate(period, 3 if _is_day_or_years(period) else 2, (order, 0))


def _title_block(lines: list[TextLine], order: int = 0) -> list[_Candidate]:
    """A block of title-like lines: each short line read whole, and the phrases stated across them."""
    bare = [found for i, line in enumerate(lines) if (found := _bare(line, order + i)) is not None]
    return bare + _phrases(lines, order, quarters=True)


def _printed_lines(doc: ExtractedDocument) -> list[TextLine]:
    return doc.page_lines if doc.kind == "pdf" and doc.page_lines else doc.text_lines


def running_heads(doc: ExtractedDocument) -> list[TextLine]:
    """Lines printed at the top of two or more pages with the same text (a PDF's running heads)."""
    if doc.kind != "pdf":
        return []
    tops: dict[int, list[TextLine]] = {}
    for line in _printed_lines(doc):
        page = tops.setdefault(line.page, [])
        if len(page) < HEAD_LINES and line.text.strip():
            page.append(line)
    counts = Counter(" ".join(line.text.split()) for page in tops.values() for line in page)
    heads: list[TextLine] = []
    for page in sorted(tops):
        for line in tops[page]:
            text = " ".join(line.text.split())
            if counts[text] >= 2 and all(" ".join(h.text.split()) != text for h in heads):
                heads.append(line)
    return heads


def _first_pages(doc: ExtractedDocument) -> list[list[TextLine]]:
    """The first pages' printed lines, page by page (Word: its first lines as one page)."""
    if doc.kind != "pdf":
        return [doc.text_lines[:FIRST_LINES_WITHOUT_PAGES]]
    pages: dict[int, list[TextLine]] = {}
    for line in _printed_lines(doc):
        if line.page <= FIRST_PAGES:
            pages.setdefault(line.page, []).append(line)
    return [pages[page] for page in sorted(pages)]


def _names_one_period(line: TextLine) -> bool:
    """Whether a line names at most one period: a header row of periods (`Q1 (Jun 20) Q2 (Sep 20)`)
    is a table's, and names no period of the report's own."""
    text = " ".join(line.text.split())
    first = parse_period(text)
    if first is None:
        return True
    again = parse_period(text.replace(first.label, " ", 1))
    return again is None or (again.start, again.end) == (first.start, first.end)


def report_period(doc: ExtractedDocument) -> Period | None:
    """The period the report states it covers (see the module docstring), or None."""
    heads = [head for head in running_heads(doc) if _names_one_period(head)]
    page_one = [line for line in doc.page_lines if line.page == 1][:OPENING_LINES] if doc.kind == "pdf" else []
    page_one = [line for line in page_one if _names_one_period(line)]
    places = [
        lambda: _title_block(doc.text_lines[:OPENING_LINES]),
        lambda: [found for i, head in enumerate(heads) for found in _title_block([head], i)],
        # Table regions: only a period stated by a phrase; a header cell's `2022/23` is the table's.
        lambda: [found for found in _title_block(page_one) if found.tier < 2],
        lambda: [found for i, lines in enumerate(_first_pages(doc))
                 for found in _phrases([line for line in lines if _names_one_period(line)], i, quarters=False,
                                       max_line_words=HEADING_WORDS)],
    ]
    for place in places:
        candidates = place()
        if candidates:
            return min(candidates, key=lambda c: c.rank).period
    return None
