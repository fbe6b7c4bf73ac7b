"""Generate KPI pages printed as indicator strips, as PDF, with their exact truth.

Every title, figure and layout choice comes from this module's word lists and a seed. A page holds
a repeated header (`Appendix 1`), maybe a section heading, one to three measure blocks and a page
number. A block is a title of one to three lines with its RAG word at the right of the first line
(or alone just above it, just below the title, or run into the title with one space), a bar chart
with a column of axis numbers and a row of period labels, and the strip line:

    Latest: 94%    Target: 90%, Floor: 85%    Previous: 93% (Amber)

with the variants councils print: the colon missing or with no space after it, no comma between
target and floor, thousands separators, counts with no unit, other key words (`Current`,
`This period`, `Last`, `Tolerance`, `Threshold`), the line in three pieces or in one. Some strips
are followed by a stray copy of one of their items (`Floor: 85%`, `4% (Green)`: text-layer junk)
or a note; a block may break over a page (title at the foot, chart and strip on the next page);
the last page may end with an `Activity indicators` heading over chart titles.

Usage: ``python -m samples.strips OUT [--seed S]``.
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from samples.cards import wrap_words

FONTS = (("Helvetica", "Helvetica-Bold"), ("Times-Roman", "Times-Bold"))
STARTS = {"percent": ("Percentage of", "Proportion of"), "count": ("Number of", "Total number of")}
SUBJECTS = (
    "callers to the contact centre who rated the advisor who dealt with their call as good",
    "phone calls to the contact centre which were answered",
    "complaints responded to within timescale",
    "routine highway repairs reported by residents completed within 28 days",
    "emergency highway incidents attended within 2 hours of notification",
    "pupils with plans placed in independent or out of county special schools",
    "care leavers in education, employment or training",
    "foster households approved during the year",
    "people still at home 91 days after discharge from hospital into reablement services",
    "reviews completed within timescale by the Strengthening Independence Service (18-25)",
    "eligible people receiving an NHS Health Check",
    "planning applications decided within agreed timescales",
    "household waste sent for reuse, recycling or composting",
    "library visits made in person",
    "apprenticeship starts among young people",
    "adults with learning disabilities in paid employment",
    "children's social care referrals that were repeat referrals within 12 months",
    "requests for information completed within 20 working days",
    "homes brought back into use through the empty property programme",
    "new first-time patients receiving a full sexual health screen",
    "case holding posts filled by permanent qualified social workers",
    "older people supported to live independently at home",
)
TAILS = ("", "", "", "(excluding UASC)", "– rolling 12 months", "(Rolling 12 months)", "(aged 10-17)",
         "across all districts and boroughs of the county including those reported by partners",
         "reported by residents through the online fault reporting tool")
HEADINGS = ("Key Performance Indicators", "Performance Indicators", "Corporate Measures", "Service Standards")
NOTES = ("Figures for the latest quarter are provisional and may be revised.",
         "Reporting is based on the date in the quarter that the event occurs, with the count commencing "
         "from that point.")
ACTIVITY = ("Number of enquiries raised for action – by quarter", "Number of visits to the website – quarterly")
RAGS = ("GREEN", "AMBER", "RED")
WIDTH, HEIGHT = A4
TITLE_X, RAG_X, TITLE_WIDTH = 65.0, 485.0, 400.0
TITLE_SIZE, TITLE_PITCH = 11.0, 15.3
BOTTOM = 770.0  # lowest baseline for content; the page number sits under it


@dataclass
class StripModel:
    title: str
    section: str
    unit: str  # percent | count
    rag: str  # GREEN / AMBER / RED as printed
    rag_place: str  # same | above | below | merged
    latest_key: str
    latest: str  # printed figure
    latest_value: float
    previous_key: str
    previous: str
    previous_value: float
    previous_rag: str  # Green / Amber / Red
    target: str
    target_value: float
    floor_key: str
    floor: str
    floor_value: float
    polarity: str
    colons: tuple[str, str, str, str]  # after latest, target, floor, previous keys: ": ", ":" or " "
    comma: str  # between target and floor: ", " or " "
    joined: bool  # the strip printed as one string
    junk: str = ""  # a stray fragment printed under the strip
    note: str = ""
    split: bool = False  # title at the foot of one page, chart and strip on the next
    page: int = 0  # page of the strip line

    @property
    def latest_text(self) -> str:
        return f"{self.latest_key}{self.colons[0]}{self.latest}"

    @property
    def target_text(self) -> str:
        return f"Target{self.colons[1]}{self.target}{self.comma}{self.floor_text}"

    @property
    def floor_text(self) -> str:
        return f"{self.floor_key}{self.colons[2]}{self.floor}"

    @property
    def previous_text(self) -> str:
        return f"{self.previous_key}{self.colons[3]}{self.previous} ({self.previous_rag})"

    @property
    def tolerance_low(self) -> float | None:
        return self.floor_value if self.polarity == "higher_is_better" else None

    @property
    def tolerance_high(self) -> float | None:
        return self.floor_value if self.polarity == "lower_is_better" else None


@dataclass
class StripReport:
    seed: int
    fonts: tuple[str, str]
    header: str
    period_line: str  # printed under the title on page 1
    period: tuple[str, int, int] | None  # (month | quarter, year or FY start, month or quarter number)
    pages: list[list[StripModel]]  # strips in printing order, grouped by the page their block starts on
    headings: dict[int, str] = field(default_factory=dict)  # page index -> heading printed at its top
    activity: bool = False

    @property
    def name(self) -> str:
        return f"strips_{self.seed:03d}.pdf"

    @property
    def strips(self) -> list[StripModel]:
        return [strip for page in self.pages for strip in page]


def _figures(rng: random.Random, unit: str) -> dict[str, object]:
    polarity = rng.choice(("higher_is_better", "lower_is_better"))
    big = False  # counts of thousands, printed with separators
    if unit == "percent":
        decimals = rng.choice((0, 0, 1, 2))
        scale = 0.01 if decimals == 2 else 1.0
        target = round(rng.uniform(10, 90) * scale, decimals)
        gap = round(rng.uniform(1, 9) * scale, decimals) or scale
        spread = 10 * scale
        values = [round(min(100.0, max(0.0, target + rng.uniform(-spread, spread))), decimals) for _ in range(2)]
    else:
        decimals = 0
        big = rng.random() < 0.5
        target = float(rng.randint(1_000, 90_000) if big else rng.randint(100, 900))
        gap = float(max(1, round(target * rng.uniform(0.05, 0.2))))
        values = [float(max(0, round(target * rng.uniform(0.8, 1.2)))) for _ in range(2)]
    floor = round(target - gap if polarity == "higher_is_better" else target + gap, decimals)

    def fmt(value: float) -> str:
        if unit == "percent":
            return f"{value:.{decimals}f}%"
        return f"{value:,.0f}" if big else f"{value:.0f}"

    out: dict[str, object] = {"polarity": polarity}
    for name, value in (("target", target), ("floor", floor), ("latest", values[0]), ("previous", values[1])):
        out[name] = fmt(value)
        out[f"{name}_value"] = float(fmt(value).replace(",", "").rstrip("%"))
    return out


def _colon(rng: random.Random) -> str:
    return rng.choices((": ", ":", " "), (7, 1.5, 1.5))[0]


def random_strip_report(seed: int) -> StripReport:
    rng = random.Random(seed)
    kind = rng.choice(("quarter", "quarter", "month", "none"))
    fy = rng.randint(2018, 2024)
    if kind == "quarter":
        q = rng.randint(1, 4)
        period: tuple[str, int, int] | None = ("quarter", fy, q)
        period_line = f"Quarter {q} {fy}/{(fy + 1) % 100:02d}"
    elif kind == "month":
        month = rng.randint(1, 12)
        period = ("month", fy, month)
        period_line = f"{date(fy, month, 1):%B %Y}"
    else:
        period, period_line = None, "Performance Report"
    subjects = rng.sample(SUBJECTS, k=len(SUBJECTS))
    n_pages = rng.randint(1, 4)
    pages: list[list[StripModel]] = []
    headings = {0: rng.choice(HEADINGS)}
    section = headings[0]
    for p in range(n_pages):
        if p and rng.random() < 0.3:
            headings[p] = rng.choice([h for h in HEADINGS if h != section])
            section = headings[p]
        strips = []
        for _ in range(rng.randint(1, 3)):
            unit = rng.choice(("percent", "percent", "count"))
            tail = rng.choice(TAILS)
            title = " ".join(f"{rng.choice(STARTS[unit])} {subjects.pop()} {tail}".split())
            figures = _figures(rng, unit)
            junk = rng.choice(("floor", "tail")) if rng.random() < 0.25 else ""
            floor_key = rng.choice(("Floor", "Floor", "Tolerance", "Threshold"))
            strip = StripModel(
                title=title, section=section, unit=unit, rag=rng.choice(RAGS),
                rag_place=rng.choice(("same", "same", "above", "below", "merged")),
                latest_key=rng.choice(("Latest", "Latest", "Current", "This period")),
                previous_key=rng.choice(("Previous", "Previous", "Last")),
                previous_rag=rng.choice(RAGS).title(), floor_key=floor_key,
                colons=(_colon(rng), _colon(rng), _colon(rng), _colon(rng)), comma=rng.choice((", ", " ")),
                joined=rng.random() < 0.3, note=rng.choice(NOTES) if rng.random() < 0.2 else "",
                **figures,  # type: ignore[arg-type]
            )
            if junk == "floor":
                strip.junk = strip.floor_text
            elif junk == "tail":
                strip.junk = f"{strip.previous[-2:].lstrip('.,')} ({strip.previous_rag})"
            strips.append(strip)
        pages.append(strips)
    report = StripReport(seed, rng.choice(FONTS), rng.choice(("Appendix 1", "Appendix A", "Annex 2")),
                         period_line, period, pages, headings, activity=rng.random() < 0.5)
    # At most one block per report breaks over a page: the last block of a page that is not the last.
    if n_pages > 1 and rng.random() < 0.5:
        pages[rng.randrange(n_pages - 1)][-1].split = True
    return report


def period_dates(report: StripReport) -> dict[str, tuple[str, date | None, date | None]]:
    """(period type, start, end) of `Latest` and `Previous` as the reader should resolve them."""
    if report.period is None:
        return {"latest": ("", None, None), "previous": ("", None, None)}
    kind, year, number = report.period

    def month_range(y: int, m: int, months: int) -> tuple[date, date]:
        last_index = y * 12 + m - 1 + months - 1
        last_y, last_m = divmod(last_index, 12)
        following = date(last_y + (last_m + 1) // 12, (last_m + 1) % 12 + 1, 1)
        return date(y, m, 1), date.fromordinal(following.toordinal() - 1)

    if kind == "month":
        prev_y, prev_m = (year, number - 1) if number > 1 else (year - 1, 12)
        return {"latest": ("month", *month_range(year, number, 1)),
                "previous": ("month", *month_range(prev_y, prev_m, 1))}
    first = 4 + 3 * (number - 1)
    start_y, start_m = year + (first - 1) // 12, (first - 1) % 12 + 1
    prev_y, prev_m = (start_y, start_m - 3) if start_m > 3 else (start_y - 1, start_m + 9)
    return {"latest": ("quarter", *month_range(start_y, start_m, 3)),
            "previous": ("quarter", *month_range(prev_y, prev_m, 3))}


# --- drawing --------------------------------------------------------------------------------------


class _Page:
    """A top-down pen: y is the baseline's distance from the top of the page."""

    def __init__(self, path: Path, report: StripReport) -> None:
        self.pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
        self.font, self.bold = report.fonts
        self.report = report
        self.number = 0
        self.y = 0.0
        self._start()

    def _start(self) -> None:
        self.number += 1
        self.text(WIDTH - 65, 48, self.report.header, 11, right=True)
        self.y = 80.0

    def new_page(self) -> None:
        self.text(WIDTH / 2, 800, str(self.number + 4), 11, centre=True)
        self.pdf.showPage()
        self._start()

    def text(self, x: float, y: float, text: str, size: float, bold: bool = False, right: bool = False,
             centre: bool = False) -> None:
        self.pdf.setFont(self.bold if bold else self.font, size)
        if right:
            self.pdf.drawRightString(x, HEIGHT - y, text)
        elif centre:
            self.pdf.drawCentredString(x, HEIGHT - y, text)
        else:
            self.pdf.drawString(x, HEIGHT - y, text)

    def finish(self) -> None:
        self.text(WIDTH / 2, 800, str(self.number + 4), 11, centre=True)
        self.pdf.save()


def _title_height(strip: StripModel, font: str) -> float:
    lines = len(wrap_words(strip.title, font, TITLE_SIZE, TITLE_WIDTH))
    return lines * TITLE_PITCH + (TITLE_PITCH if strip.rag_place == "below" else 0.0)


CHART = 5 * 18.0 + 30.0  # axis column, period labels and the gap to the strip line
STRIP = 40.0  # the strip line, a junk line and the gap to the next block


def _draw_title(pen: _Page, strip: StripModel) -> None:
    lines = wrap_words(strip.title, pen.bold, TITLE_SIZE, TITLE_WIDTH)
    y = pen.y + TITLE_SIZE
    if strip.rag_place == "above":
        pen.text(RAG_X, y - 7.3, strip.rag, TITLE_SIZE, bold=True)
    for k, line in enumerate(lines):
        text = f"{line} {strip.rag}" if k == 0 and strip.rag_place == "merged" else line
        pen.text(TITLE_X, y + k * TITLE_PITCH, text, TITLE_SIZE, bold=True)
    if strip.rag_place == "same":
        pen.text(RAG_X, y, strip.rag, TITLE_SIZE, bold=True)
    if strip.rag_place == "below":
        pen.text(RAG_X, y + len(lines) * TITLE_PITCH, strip.rag, TITLE_SIZE, bold=True)
    pen.y += _title_height(strip, pen.bold) + 10


def _draw_chart(pen: _Page, rng: random.Random, unit: str) -> None:
    top = max(100, 25 * rng.randint(2, 4))
    for k in range(5):
        value = top - k * top // 4
        pen.text(95, pen.y + 8 + k * 18, f"{value}%" if unit == "percent" and rng.random() < 0.5 else str(value),
                 8, right=True)
    base = pen.y + 8 + 4 * 18
    pen.pdf.setFillGray(0.6)
    for k in range(6):
        height = rng.uniform(10, 70)
        pen.pdf.rect(110 + k * 60, HEIGHT - base, 30, height, stroke=0, fill=1)
    pen.pdf.setFillGray(0)
    year = rng.randint(19, 23)
    for k in range(6):
        label = f"{('Mar', 'Jun', 'Sep', 'Dec')[k % 4]}-{year + k // 4}"
        pen.text(125 + k * 60, base + 12, label, 8, centre=True)
    pen.y = base + 38


def _draw_strip(pen: _Page, strip: StripModel) -> None:
    y = pen.y
    if strip.joined:
        pen.text(100, y, f"{strip.latest_text} {strip.target_text} {strip.previous_text}", 11)
    else:  # three pieces, each at least 20pt clear of the one before
        x = 100.0
        for text, at in ((strip.latest_text, 100.0), (strip.target_text, 230.0), (strip.previous_text, 395.0)):
            x = max(at, x)
            pen.text(x, y, text, 11)
            x += stringWidth(text, pen.font, 11) + 20
    if strip.junk:
        pen.text(265 if strip.junk.startswith(strip.floor_key) else 423, y + 15.8, strip.junk, 11)
    pen.y += STRIP
    if strip.note:
        for line in wrap_words(strip.note, pen.font, 8, 460):
            pen.text(TITLE_X, pen.y - 12, line, 8)
            pen.y += 10.4
        pen.y += 8


def write_pdf(report: StripReport, path: Path) -> Path:
    rng = random.Random(report.seed * 7919 + 1)
    pen = _Page(path, report)
    pen.text(TITLE_X, pen.y, "Quarterly Performance Report", 14, bold=True)
    pen.text(TITLE_X, pen.y + 18, report.period_line, 11)
    pen.y += 44
    for p, strips in enumerate(report.pages):
        if p:
            pen.new_page()
        if p in report.headings:
            pen.text(TITLE_X, pen.y, report.headings[p], 12, bold=True)
            pen.y += 20
        for strip in strips:
            title = _title_height(strip, pen.bold) + 10
            note = 40.0 if strip.note else 0.0
            if pen.y + (title if strip.split else title + CHART + STRIP + note) > BOTTOM:
                pen.new_page()
            _draw_title(pen, strip)
            if strip.split:
                pen.new_page()
            _draw_chart(pen, rng, strip.unit)
            _draw_strip(pen, strip)
            strip.page = pen.number
    if report.activity and pen.y + 120 < BOTTOM:
        pen.text(TITLE_X, pen.y, "Activity indicators", 12, bold=True)
        pen.y += 24
        for title in ACTIVITY:
            if pen.y + CHART > BOTTOM:
                break
            pen.text(180, pen.y, title, 10, bold=True)
            pen.y += 6
            _draw_chart(pen, rng, "count")
    pen.finish()
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    report = random_strip_report(args.seed)
    print(write_pdf(report, args.out / report.name))


if __name__ == "__main__":
    main()
