"""The reading's fast paths give exactly what their plain definitions give, for any input drawn.

Speed work replaced a few plain expressions in the hottest loops (a numpy update per span, a `min`
over every grid line, a count over every nearby start) with bisection and one-pass counting. Each is
checked here against the plain expression it replaced, on drawn inputs, edge cases included.
"""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scorecards.extractors.geometry import _index
from scorecards.extractors.model import Word
from scorecards.extractors.settings import TextSettings
from scorecards.extractors.text_tables import Line, _aligned_starts, _coverage, chunks

spans = st.lists(st.tuples(st.integers(-30, 130), st.integers(-30, 130)), max_size=40)


@given(spans, st.integers(1, 100))
def test_coverage_counts_as_a_numpy_update_per_span_would(drawn: list[tuple[int, int]], size: int) -> None:
    plain = np.zeros(size)
    for start, stop in drawn:
        plain[start:stop] += 1
    fast = _coverage(drawn, size)
    assert fast.dtype == plain.dtype
    assert np.array_equal(fast, plain)


grid_lines = st.lists(st.floats(-1000, 1000, allow_nan=False), min_size=1, max_size=30).map(
    lambda values: sorted(set(values)))


@given(grid_lines, st.floats(-1200, 1200, allow_nan=False))
def test_nearest_grid_line_is_the_first_of_the_nearest(lines: list[float], value: float) -> None:
    assert _index(lines, value) == min(range(len(lines)), key=lambda i: abs(lines[i] - value))


@given(grid_lines)
def test_a_value_halfway_between_two_lines_goes_to_the_lower(lines: list[float]) -> None:
    for i in range(len(lines) - 1):
        middle = (lines[i] + lines[i + 1]) / 2
        assert _index(lines, middle) == min(range(len(lines)), key=lambda k: abs(lines[k] - middle))


def _plain_aligned_starts(lines: list[Line], left: int, right: int, text: TextSettings) -> np.ndarray:
    """_aligned_starts as first written: every start within a point of a gap's end, counted one by one."""
    starts = [run[0].x0 for line in lines for run in chunks(line, text.chunk_gap)]
    out = np.zeros(right - left, dtype=bool)
    for line in lines:
        runs = chunks(line, text.chunk_gap)
        for a, b in itertools.pairwise(runs):
            x0 = b[0].x0
            if sum(1 for x in starts if abs(x - x0) <= 1.0) >= text.min_support:
                out[int(np.ceil(a[-1].x1)) - left: int(x0) - left + 1] = True
    return out


# Word starts on a coarse lattice with small offsets: many starts land within a point of one another,
# and some a hair either side of a point apart (0.999..1.001), where the exact test decides.
offsets = st.sampled_from([0.0, 0.5, 0.999, 0.9995, 1.0, 1.0005, 1.001, -0.999, -1.0, -1.0005, 2.0])


@st.composite
def drawn_lines(draw: st.DrawFn) -> list[Line]:
    lines = []
    for row in range(draw(st.integers(1, 8))):
        columns = sorted(draw(st.sets(st.sampled_from([20, 60, 100, 140, 180, 220]), min_size=1)))
        words = []
        for column in columns:
            x = column + draw(offsets)
            width = draw(st.sampled_from([4.0, 12.0, 25.0]))
            words.append(Word("w", x0=x, top=row * 12.0, x1=x + width, bottom=row * 12.0 + 8.0, size=8.0, font="F"))
        lines.append(Line(words))
    return lines


@settings(max_examples=200)
@given(drawn_lines(), st.integers(1, 4))
def test_aligned_starts_count_as_the_plain_count_does(lines: list[Line], min_support: int) -> None:
    text = TextSettings(min_support=min_support)
    left = int(min(line.x0 for line in lines)) - 1
    right = int(max(line.x1 for line in lines)) + 2
    assert np.array_equal(_aligned_starts(lines, left, right, text), _plain_aligned_starts(lines, left, right, text))
