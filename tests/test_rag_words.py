"""RAG words come from the vocabulary: every reader builds its RAG patterns from the [rag] section."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from scorecards.normalise import vocab
from scorecards.normalise.cells import ParseError, parse_value_cell
from scorecards.normalise.rag import colour_of, rag_from_bands, rag_from_position
from scorecards.normalise.records import Lineage
from scorecards.normalise.rows import Row, RowPiece
from scorecards.normalise.strips import find_strips, strip_items
from scorecards.normalise.targets import parse_bandings
from scorecards.normalise.vocab import rag_colour, rag_colours

STRIP = "Latest: 94% Target: 90% Previous: 93%"


def _row(top: float, *texts: tuple[float, str]) -> Row:
    pieces = [RowPiece(text, x, x + 6 * len(text), Lineage(1, 0, int(top), k, (x, top, x + 6 * len(text), top + 11)))
              for k, (x, text) in enumerate(texts)]
    return Row(1, top, pieces, 0, int(top))


def _title_and_rag(*title: tuple[float, str]) -> tuple[str, str]:
    """The title and RAG found for a strip under a title row of these pieces."""
    (strip,) = find_strips([_row(60, *title), _row(200, (100, STRIP))])
    return strip.title, strip.rag


def _clear_caches() -> None:
    vocab.clear_caches()


@pytest.fixture
def verde(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The project's vocabulary file with `verde` added to Green's words, loaded afresh."""
    text, found = re.subn(r"(?m)(^\[rag\]\n(?:.*\n)*?Green = \[)", r'\1"verde", ', vocab.VOCAB_FILE.read_text("utf-8"),
                          count=1)
    assert found == 1
    path = tmp_path / "vocabulary.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(vocab, "VOCAB_FILE", path)
    _clear_caches()
    yield
    _clear_caches()  # monkeypatch then restores the project's file, read afresh on the next call


def test_todays_rag_words_read_as_before() -> None:
    assert rag_colours() == ("Red", "Amber", "Green")
    assert [rag_colour(w) for w in ("red", "AMBER", "Green", "G", "verde")] == ["Red", "Amber", "Green", "", ""]
    items = strip_items(_row(200, (100, "Latest: 94% (GREEN) Target: 90% Previous: 93% ( amber )")))
    assert [(i.kind, i.value, i.rag) for i in items or []] == [
        ("latest", "94%", "Green"), ("target", "90%", ""), ("previous", "93%", "Amber")]
    assert _title_and_rag((65, "Calls answered"), (485, "red")) == ("Calls answered", "Red")
    assert _title_and_rag((65, "Calls answered AMBER")) == ("Calls answered", "Amber")
    assert _title_and_rag((65, "Calls answered amber")) == ("Calls answered amber", "")  # run in: capitals only
    bands = parse_bandings("Green: 98% and above Red below 90% amber 90% to 98%")
    assert [b.name for b in bands] == ["Red", "Amber", "Green"]
    assert rag_from_bands(98.0, bands) == "Green"
    assert parse_bandings("R below 90% G 90% and above") == []  # one-letter marks are known words, not colours
    assert (colour_of("AMBER band"), colour_of("a band"), colour_of("Good")) == ("Amber", "", "")
    assert (rag_from_position("Green*"), rag_from_position("Red/Amber")) == ("Green", "")
    assert parse_value_cell("88.7% Dec 17 amber")[0].value.reported_rag == "Amber"
    with pytest.raises(ParseError):
        parse_value_cell("88.7% G")


@pytest.mark.usefixtures("verde")
def test_a_word_added_to_the_vocabulary_reads_in_every_reader() -> None:
    assert rag_colour("VERDE") == "Green"
    items = strip_items(_row(200, (100, f"{STRIP} (Verde)")))
    assert [(i.kind, i.rag) for i in items or []] == [("latest", ""), ("target", ""), ("previous", "Green")]
    assert _title_and_rag((65, "Calls answered"), (485, "verde")) == ("Calls answered", "Green")
    assert _title_and_rag((65, "Calls answered VERDE")) == ("Calls answered", "Green")
    assert _title_and_rag((65, "Calls answered verde")) == ("Calls answered verde", "")
    assert [b.name for b in parse_bandings("Verde 90% and above Red below 90%")] == ["Red", "Green"]
    assert (colour_of("verde band"), rag_from_position("Verde")) == ("Green", "Green")
    assert parse_value_cell("88.7% Verde")[0].value.reported_rag == "Green"
