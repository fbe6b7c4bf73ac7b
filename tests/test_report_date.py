"""The period a report states it covers, from its title block, running heads and stating phrases."""

from __future__ import annotations

from datetime import date

import pytest
from scorecards.extractors.model import ExtractedDocument, TextLine
from scorecards.normalise.periods import Period, parse_period
from scorecards.normalise.report_date import report_period, running_heads


def _lines(pages: list[list[str]]) -> list[TextLine]:
    return [TextLine(text, page=number, bbox=(40.0, 40.0 + 14 * row, 400.0, 50.0 + 14 * row))
            for number, page in enumerate(pages, start=1) for row, text in enumerate(page)]


def pdf(*pages: list[str], running_text: list[list[str]] | None = None) -> ExtractedDocument:
    """A PDF whose printed lines are `pages`; its running text (outside tables) is `running_text` if given."""
    printed = _lines(list(pages))
    text = _lines(running_text) if running_text is not None else printed
    return ExtractedDocument("report.pdf", "sha", "pdf", len(pages), [], text_lines=text, page_lines=printed)


def docx(*lines: str) -> ExtractedDocument:
    return ExtractedDocument("report.docx", "sha", "docx", 1, [],
                             text_lines=[TextLine(text, page=1, before_table=1) for text in lines])


def dates(period: Period | None) -> tuple[str, date | None, date | None] | None:
    return None if period is None else (period.type, period.start, period.end)


Q3_2024 = ("quarter", date(2024, 10, 1), date(2024, 12, 31))


@pytest.mark.parametrize(("lines", "expected"), [
    # a quarter over its year, on two lines: the stated quarter, not the bare year under it
    (["Kent County Council", "Quarterly Performance Report", "Quarter 3", "2024/25", "Produced by: Analytics"],
     Q3_2024),
    (["Performance Report Q3 2024/25"], Q3_2024),
    # a cover: the meeting's day is weaker than the quarter the subject states
    (["From: Leader of the Council", "To: Cabinet – 4 March 2025",
      "Subject: Quarterly Performance Report, Quarter 3, 2024/25"], Q3_2024),
    # ... and the period restated in brackets after a stating phrase is the report's own name for it
    (["Summary: This report presents", "performance to the end of December 2024 (Quarter 3, 2024/25)."], Q3_2024),
    # `as at` a month of a financial year; the quarter further on does not replace it
    (["Finance Monitoring Report", "As at November 2024-25 – Quarter 3"],
     ("month", date(2024, 11, 1), date(2024, 11, 30))),
    # a day stated by a phrase beats a month printed bare
    (["Performance Dashboard December 2024", "Position as at 31 December 2024"],
     ("point_in_time", date(2024, 12, 31), date(2024, 12, 31))),
    # a stated range of days, its phrase on one line and the days on the next (read month-first: 16 > 12)
    (["Police Department", "Volume 24 Number 28 CompStat", "Report Covering the Week", "7/10/2017 Through 7/16/2017"],
     ("", date(2017, 7, 10), date(2017, 7, 16))),
    (["National Weekly Round-Up", "Week Ending February 24, 2017"], ("", date(2017, 2, 18), date(2017, 2, 24))),
    (["Statement of Accounts", "for the year ended 31 March 2024"],
     ("financial_year", date(2023, 4, 1), date(2024, 3, 31))),
    # bare spans: the first in reading order (as the first reader of report dates did)
    (["Children's Social Care Dashboard", "Supporting information", "October 2024"],
     ("month", date(2024, 10, 1), date(2024, 10, 31))),
    (["Monthly Performance Report", "October 1st- 31st 2018"], ("month", date(2018, 10, 1), date(2018, 10, 31))),
    # only a meeting's day: weak, but the report states nothing better
    (["To: Cabinet – 4 March 2025", "Subject: Budget"], ("point_in_time", date(2025, 3, 4), date(2025, 3, 4))),
    # a span printed bare beats a single day printed bare
    (["To: County Council – 13 March 2025", "Subject: Treasury Management Mid-Year Update 2024-25"],
     ("financial_year", date(2024, 4, 1), date(2025, 3, 31))),
])
def test_the_period_the_opening_lines_state(lines: list[str], expected: tuple[str, date, date]) -> None:
    assert dates(report_period(pdf(lines))) == expected
    assert dates(report_period(docx(*lines))) == expected


COVER = ["Contents", "1 Introduction", "2 Summary", "3 Measures", "4 Commentary", "5 Glossary"]


def test_opening_lines_beat_phrases_on_later_pages() -> None:
    doc = pdf(["Children's Services Dashboard", "October 2024", *COVER], ["Position as at 31 March 2024"])
    assert dates(report_period(doc)) == ("month", date(2024, 10, 1), date(2024, 10, 31))


def test_a_stating_phrase_in_a_heading_on_a_later_page() -> None:
    doc = pdf(["Treasury Management Strategy", *COVER], ["Summary of borrowing", "Position as at 31 December 2024"])
    assert dates(report_period(doc)) == ("point_in_time", date(2024, 12, 31), date(2024, 12, 31))


def test_phrases_in_later_prose_and_later_quarters_are_not_the_reports() -> None:
    doc = pdf(["Treasury Management Strategy", *COVER], [
        "Research from economists has alluded to an increase in construction workers needed; as of October 2024,",
        "job vacancies in the construction sector were still higher than before the pandemic began in the country",
        "Bank Rate forecast Q4 2025",
    ])
    assert report_period(doc) is None


def test_a_running_head_states_the_period_when_the_title_does_not() -> None:
    doc = pdf(["Appendix 1", "Key Performance Indicators", "Measure"],
              ["Quarterly Performance Report Q3 2024/25", "Children's services"],
              ["Quarterly Performance Report Q3 2024/25", "Adult social care"])
    assert dates(report_period(doc)) == Q3_2024
    assert [line.text for line in running_heads(doc)] == ["Quarterly Performance Report Q3 2024/25"]


def test_a_repeated_header_row_of_periods_is_a_tables_not_the_reports() -> None:
    header = "Q1 (Jun 20) Q2 (Sep 20) Q3 (Dec 20) Q4 (Mar 21)"
    doc = pdf(["Case audits"], [header, "Good 12 14 15 13"], [header, "Requires improvement 3 2 2 4"],
              running_text=[["Case audits"], ["Good 12 14 15 13"], ["Requires improvement 3 2 2 4"]])
    assert report_period(doc) is None


def test_a_title_printed_inside_a_table_region_states_its_week() -> None:
    """The title block sits in a table region: not running text, but printed on page 1."""
    doc = pdf(["National Weekly Ag Energy Round-Up Fri, Feb 24, 2017 USDA Market News",
               "W/E 02/24/17 Last Week Year Ago Internet Report Link", "Iowa 1.35- 1.42 1.38- 1.43 1.27- 1.35"],
              running_text=[["Crude Soybean Oil (cents/lb)", "Central Illinois Crude Soybean Oil"]])
    period = report_period(doc)
    assert period is not None and period.label == "W/E 02/24/17"
    assert dates(period) == ("", date(2017, 2, 18), date(2017, 2, 24))


def test_a_bare_header_cell_inside_a_table_region_is_not_the_reports() -> None:
    doc = pdf(["Key Performance Indicators", "2022/23", "Measure Qtr1 Qtr2 Qtr3 Qtr4"],
              running_text=[["Key Performance Indicators"]])
    assert report_period(doc) is None


def test_nothing_stated() -> None:
    assert report_period(pdf(["Appendix M", "Treasury Management Strategy"])) is None
    assert report_period(ExtractedDocument("empty.pdf", "sha", "pdf", 0, [])) is None


def _first_reader(doc: ExtractedDocument) -> Period | None:
    """The rule report dates were first read by: the first of the first six lines that parses."""
    for line in doc.text_lines[:6]:
        if len(line.text.split()) <= 20:
            period = parse_period(line.text)
            if period is not None and period.start is not None:
                return period
    return None


@pytest.mark.parametrize("lines", [
    ["Northshire Council Key Performance Indicators", "Northshire: Contract Performance Scorecard, Qtr2 2018/19"],
    ["Practice Improvement Programme: Quarterly Performance Scorecard - Q3 2016-17"],
    ["Monthly Performance Report", "October 1st- 31st 2018"],
    ["Looked After Children Performance Report - Northshire", "Proposed Targets and RAG Bandings for 2019/20",
     "DRAFT", "Unless stated otherwise, the proposed targets below were agreed by the Board on 12 March 2018."],
    ["Northshire Corporate Parenting Performance Report", "Target Setting Proposals 2020/21"],
    ["Bhandara - Key Indicators", "DLHS-4 (2012-13) DLHS-3 (2007-08)"],
])
def test_title_blocks_read_as_before(lines: list[str]) -> None:
    doc = pdf(lines)
    assert _first_reader(doc) is not None
    assert report_period(doc) == _first_reader(doc)
