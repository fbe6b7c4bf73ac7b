"""Judging a page's text layer before trusting it (issue #13).

A scanned report is often published with a text layer that some earlier OCR engine laid under or
over the picture: drawn invisible (text render mode 3, so the reader sees the scan and can still
search it) or simply drawn first and covered by the page-sized image. Such a layer is read by
pdfplumber like any other, and a poor one (`5570` for `55%`, `me asure`, Cyrillic letters inside
Latin words, `1O0`) would go into the warehouse as figures nobody printed. So a page whose layer is
of that kind is judged first, and one that fails is read from its image instead (extractors/ocr.py).

Ordinary text pages are the normal case and are not judged: `judge_page` answers None for them
after looking only at what pdfplumber has already parsed (the characters, the images, and the
content streams it decoded), so they stay as fast as before. Everything else is only done for a
page whose layer is hidden.

How the render mode is found: pdfminer.six keeps the text render mode on the interpreter's text
state (`PDFTextState.render`, set by `do_Tr`) and never hands it to the characters it makes (an
`LTChar` gets the graphics state and colour space only, and pdfplumber's char dicts copy what the
`LTChar` has), so no char says whether it was drawn. A page can only hide text if one of its content
streams (or of the forms it draws) sets `3 Tr` or `7 Tr`. That is looked for in the streams pdfplumber
has already decoded (`hidden_text_estimate`, which also counts what is drawn in that mode: many
producers draw a few invisible spaces on ordinary pages), and only when enough text is drawn
invisible to make a layer is the page interpreted once more, with a device that notes the render
mode in force when each character is drawn (`_drawn_chars`).

The functions are pure: they read only the pdfplumber page passed in (its parsed objects, its
decoded streams, and, for a page with a hidden layer, its document once more through pdfminer), the
word list and the vocabulary (data files of normalise/vocab, loaded once, lazily, for the first
judged page).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from typing import Any

from scorecards.extractors.misreads import lost_percent, repair_digits
from scorecards.extractors.page_objects import INVISIBLE_MODES, form_xobjects
from scorecards.extractors.settings import LayerSettings
from scorecards.normalise.vocab import english_words, vocabulary_words

# `3 Tr` (or `7 Tr`, `3.0 Tr`) in a content stream: the operand and the operator.
_SETS_INVISIBLE = re.compile(rb"(?<![\d.+\-])[37](?:\.0*)?\s+Tr(?![A-Za-z0-9])")
# What the render mode estimate follows in a content stream: strings (first, so that nothing inside
# one is taken for an operator), q / Q, `n Tr`, and Do. The leading look-ahead skips other bytes fast.
_OPERATORS = re.compile(
    rb"(?=[(<qQD0-9])(?:"
    rb"(?P<string>\((?:\\.|[^\\()])*\)|<[0-9A-Fa-f\s]*>)"
    rb"|(?<![^\s\]\)>}])(?P<state>[qQ])(?![^\s\[(</%])"
    rb"|(?<![\d.+\-])(?P<tr>\d+)(?:\.\d*)?\s+Tr(?![A-Za-z0-9])"
    rb"|(?<![A-Za-z0-9])(?P<form>Do)(?![A-Za-z0-9])"
    rb")"
)
_ESCAPE = re.compile(rb"\\([0-7]{1,3})|\\.", re.S)
_BLANK_BYTES = frozenset(b" \t\r\n\xa0")
_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_BARE = re.compile(r"\d+(?:\.\d+)?")
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")  # `1,170`: a count, never a lost `%`
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)%")
_ACRONYM = re.compile(r"[A-Z][A-Z&.]*[A-Z](?:['’]?s)?")
_EDGE_PUNCT = "()[]{}<>\"'‘’“”,;:!?*†‡"
_EXAMPLES = 3


@dataclass(frozen=True)
class LayerVerdict:
    """Whether a hidden text layer can be read instead of the page image, with the evidence.

    `score` (0..1) is the word rate less the share of damaged tokens: a summary for inspect and
    reports; `trusted` is decided by the thresholds of LayerSettings, each failure named in
    `reasons` (a trusted layer has one reason: how well it read).
    """

    trusted: bool
    score: float
    reasons: tuple[str, ...]


# ---------------------------------------------------------------------------------------------
# Which layer: none, visible, invisible, under_image
# ---------------------------------------------------------------------------------------------


def _ink(chars: Iterable[Any]) -> Iterator[Any]:
    """Characters that print something (pdfplumber dicts or pdfminer LTChars)."""
    for ch in chars:
        text = ch["text"] if isinstance(ch, dict) else ch.get_text()
        if text and not text.isspace():
            yield ch


def _at_least(items: Iterable[Any], n: int) -> bool:
    """Whether items has n of them, without counting past n (a text page has thousands)."""
    if n <= 0:
        return True
    return any(i >= n for i, _ in enumerate(items, 1))


def _streams(page: Any) -> Iterator[bytes]:
    """The decoded content streams of the page and of every form it can draw (decoded once by
    pdfminer when pdfplumber read the page, and cached on the stream objects)."""
    from pdfminer.pdftypes import PDFStream, resolve1

    # The page's own streams are one content stream cut in pieces: the state runs on across them.
    yield b"\n".join(s.get_data() for ref in page.page_obj.contents if isinstance(s := resolve1(ref), PDFStream))
    for form in form_xobjects(page.page_obj.resources):
        yield form.get_data()


def _glyph_bytes(string: bytes) -> int:
    """How many non-blank bytes a PDF string operand holds (`(A\\240B)` 2, `<0041>` 1): at least as
    many as the characters it draws, whatever the font's encoding (two-byte codes count twice)."""
    if string[:1] == b"<":
        digits = re.sub(rb"[^0-9A-Fa-f]", b"", string)
        raw = bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode("ascii"))
    else:
        raw = _ESCAPE.sub(lambda m: bytes([int(m.group(1), 8) & 0xFF]) if m.group(1) else m.group(0)[1:],
                          string[1:-1])
    return sum(1 for b in raw if b not in _BLANK_BYTES)


def hidden_text_estimate(page: Any) -> int:
    """At least as many printable characters as the page draws invisible (render mode 3 or 7),
    counted in the content streams without interpreting them.

    Many producers draw a few spaces or dots invisible (`3 Tr ( ) Tj`) on ordinary pages; only
    where this estimate could make a layer is the page interpreted again. The render mode is
    followed through `Tr`, `q` and `Q` (it is part of the graphics state), and the string operands
    drawn in an invisible mode are counted; a form drawn then (`Do`) may hold any amount of text in
    the inherited mode and counts as a whole layer. A cheap test on bytes pdfminer has already
    decoded: a page that never sets an invisible mode costs one substring search per stream.
    """
    estimate = 0
    for data in _streams(page):
        if b"Tr" not in data or not _SETS_INVISIBLE.search(data):
            continue
        mode, saved = 0, []
        for m in _OPERATORS.finditer(data):
            string, state, tr, form = m.group("string"), m.group("state"), m.group("tr"), m.group("form")
            if tr is not None:
                mode = int(tr)
            elif state == b"q":
                saved.append(mode)
            elif state == b"Q":
                mode = saved.pop() if saved else mode
            elif mode in INVISIBLE_MODES:
                if form is not None:
                    return 1 << 30
                if string is not None:
                    estimate += _glyph_bytes(string)
    return estimate


def _drawn_chars(page: Any) -> list[tuple[Any, int]]:
    """Every character of the page as pdfminer draws it (an LTChar) with the text render mode in
    force then. pdfminer does not keep the mode on a character, so the page is interpreted again
    with a device that notes it: only for pages where hidden_text_estimate finds a layer's worth of
    text drawn after `3 Tr`."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.pdfinterp import PDFPageInterpreter

    class ModeRecorder(PDFPageAggregator):
        def __init__(self, rsrcmgr: Any, pageno: int) -> None:
            super().__init__(rsrcmgr, pageno=pageno, laparams=None)
            self.mode = 0
            self.drawn: list[tuple[Any, int]] = []

        def render_string(self, textstate: Any, seq: Any, ncs: Any, graphicstate: Any) -> None:
            self.mode = int(textstate.render)
            super().render_string(textstate, seq, ncs, graphicstate)

        def render_char(self, *args: Any, **kwargs: Any) -> float:
            adv = super().render_char(*args, **kwargs)
            self.drawn.append((self.cur_item._objs[-1], self.mode))
            return float(adv)

    device = ModeRecorder(page.pdf.rsrcmgr, page.page_number)
    PDFPageInterpreter(page.pdf.rsrcmgr, device).process_page(page.page_obj)
    return device.drawn


def _area(box: tuple[float, float, float, float], frame: tuple[float, float, float, float]) -> float:
    w = min(box[2], frame[2]) - max(box[0], frame[0])
    h = min(box[3], frame[3]) - max(box[1], frame[1])
    return w * h if w > 0 and h > 0 else 0.0


def _walk(objs: Iterable[Any]) -> Iterator[Any]:
    """Layout objects in the order they were drawn, forms opened."""
    from pdfminer.layout import LTContainer

    for obj in objs:
        if isinstance(obj, LTContainer):
            yield from _walk(obj)
        else:
            yield obj


def _covering_images(page: Any, cfg: LayerSettings) -> bool:
    """Whether the page's images together cover at least min_image_cover of it (pdfplumber's dicts)."""
    width, height = float(page.width), float(page.height)
    if width <= 0 or height <= 0 or not page.images:
        return False
    frame = (0.0, 0.0, width, height)
    covered = sum(_area((float(i["x0"]), float(i["top"]), float(i["x1"]), float(i["bottom"])), frame)
                  for i in page.images)
    return covered / (width * height) >= cfg.min_image_cover


def chars_under_image(page: Any, settings: Mapping[str, Any] | LayerSettings | None = None) -> list[Any]:
    """Characters (LTChars, spaces included) drawn before an image that was then drawn over them, on
    a page whose images cover at least min_image_cover of it: a scan laid over its own text layer.

    Text drawn after the image is on top of it (a report printed over a background picture) and is
    ordinary visible text.
    """
    cfg = LayerSettings.resolve(settings)
    if not _covering_images(page, cfg):
        return []
    from pdfminer.layout import LTChar, LTImage

    layout = page.layout
    frame = tuple(layout.bbox)
    images: list[tuple[int, tuple[float, float, float, float]]] = []
    chars: list[tuple[int, Any]] = []
    for order, obj in enumerate(_walk(layout)):
        if isinstance(obj, LTImage) and _area(obj.bbox, frame) > 0:
            images.append((order, obj.bbox))
        elif isinstance(obj, LTChar):
            chars.append((order, obj))
    under = []
    for order, ch in chars:
        cx, cy = (ch.x0 + ch.x1) / 2, (ch.y0 + ch.y1) / 2
        if any(later > order and box[0] <= cx <= box[2] and box[1] <= cy <= box[3] for later, box in images):
            under.append(ch)
    return under


def _hidden_layer(page: Any, cfg: LayerSettings) -> tuple[str, list[Any]]:
    """(kind, the layer's characters: LTChars, or pdfplumber dicts for a visible layer)."""
    if not _at_least(_ink(page.chars), cfg.min_chars):
        return "none", []
    total: int | None = None
    estimate = hidden_text_estimate(page)
    if estimate >= cfg.min_chars:
        total = sum(1 for _ in _ink(page.chars))
    if total is not None and estimate >= cfg.min_layer_share * total:
        invisible = [ch for ch, mode in _drawn_chars(page) if mode in INVISIBLE_MODES]
        ink = sum(1 for _ in _ink(invisible))
        if ink >= cfg.min_chars and ink >= cfg.min_layer_share * total:
            return "invisible", invisible
    under = chars_under_image(page, cfg)
    if under:
        total = total if total is not None else sum(1 for _ in _ink(page.chars))
        ink = sum(1 for _ in _ink(under))
        if ink >= cfg.min_chars and ink >= cfg.min_layer_share * total:
            return "under_image", under
    return "visible", page.chars


def layer_kind(page: Any, settings: Mapping[str, Any] | LayerSettings | None = None) -> str:
    """What text layer a pdfplumber page has: "none" (fewer than min_chars printable characters),
    "visible" (ordinary text, drawn to be read), "invisible" (most characters drawn in render mode 3
    or 7: an OCR layer behind a scan), or "under_image" (most characters drawn first and then
    covered by an image over most of the page: a scan laid over its own text layer)."""
    return _hidden_layer(page, LayerSettings.resolve(settings))[0]


# ---------------------------------------------------------------------------------------------
# The words: English, the report's vocabulary, and the damage an OCR engine does
# ---------------------------------------------------------------------------------------------


@cache
def lexicon() -> frozenset[str]:
    """Every word a clean layer may be made of: the English word list and the project's vocabulary."""
    return english_words() | vocabulary_words()


def _stems(word: str) -> Iterator[str]:
    """The word and the stems its commonest endings leave (`comparators` -> `comparator`), stems of
    three letters or more: the word list has most inflections, the vocabulary few."""
    yield word
    for ending, swaps in (("ies", ("y",)), ("es", ("",)), ("s", ("",)), ("ed", ("", "e")),
                          ("ing", ("", "e")), ("ly", ("",)), ("ers", ("", "e")), ("er", ("", "e"))):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            for swap in swaps:
                yield word[: -len(ending)] + swap


def is_known(word: str, words: AbstractSet[str]) -> bool:
    """Whether a word (any case, possessive or hyphenated) is in `words`, allowing common endings."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    w = w.rstrip("'")
    if not w:
        return False
    if any(stem in words for stem in _stems(w)):
        return True
    parts = [p for p in w.split("-") if p]
    return len(parts) > 1 and all(any(s in words for s in _stems(p)) for p in parts)


@cache
def _lookalikes() -> frozenset[str]:
    """Letters of other scripts that pass for Latin ones (vocabulary `ocr_homoglyphs`)."""
    from scorecards.normalise.vocab import vocabulary

    return frozenset(k for k in vocabulary()["ocr_homoglyphs"] if k.isalpha() and not k.isascii())


def _script(ch: str) -> str:
    return unicodedata.name(ch, "").split(" ", 1)[0]


def has_homoglyph(token: str) -> bool:
    """A Latin word with a Cyrillic or Greek lookalike in it (`Туре`), or a word made only of
    lookalikes of another script (`СР`): what OCR writes for a Latin word, never the report."""
    letters = [ch for ch in token if ch.isalpha()]
    foreign = [ch for ch in letters if not ch.isascii() and _script(ch) in ("CYRILLIC", "GREEK")]
    if not foreign:
        return False
    latin = any(_script(ch) == "LATIN" for ch in letters)
    return latin or all(ch in _lookalikes() for ch in letters)


def _core(token: str) -> str:
    """A token without the punctuation around it (brackets, quotes, commas, footnote stars)."""
    return token.strip(_EDGE_PUNCT).rstrip(".") if not re.fullmatch(r"\d+\.\d+", token) else token


def _tokens(words: Sequence[str]) -> list[str]:
    """The page's tokens in reading order: words split at spaces, and at slashes between letters
    (`child/young`); figures and periods (`2018/19`) kept whole."""
    out: list[str] = []
    for item in words:
        for token in item.split():
            core = _core(token)
            if not core:
                continue
            if "/" in core and not any(ch.isdigit() for ch in core):
                out += [p for p in core.split("/") if p]
            else:
                out.append(core)
    return out


def _is_word(token: str) -> bool:
    return _WORD.fullmatch(token) is not None


def _broken_word(token: str) -> bool:
    """Letters with a digit or a sign between them (`chi1dren`, `Ch!ldren`) and no digit at either
    end (`KPI8`, `s47`, `12m` and `1st` are codes and figures): a word the engine misread."""
    letters = [i for i, ch in enumerate(token) if ch.isalpha()]
    if not letters or token[0].isdigit() or token[-1].isdigit():
        return False
    return any(not (ch.isalpha() or ch in "'’-") for ch in token[letters[0]:letters[-1] + 1])


def _rated(token: str, words: AbstractSet[str], cfg: LayerSettings) -> bool:
    """Whether a token counts in the word rate: a word, or a broken word, of min_word_length
    letters or more, except an unknown short all-capital acronym (`UASC`, `ICPCs`, `P&TC`), which
    no word list has."""
    if sum(ch.isalpha() for ch in token) < cfg.min_word_length:
        return False
    if _ACRONYM.fullmatch(token) and len(token) <= cfg.max_acronym_length + 2 and not is_known(token, words):
        return False
    return _is_word(token) or _broken_word(token)


def _letter_figure(token: str) -> bool:
    """A figure with a letter inside (`1O0`, `9l%`), as extractors.misreads.repair_digits finds."""
    return bool(repair_digits(token)[1])


def _glued_sign(token: str) -> bool:
    """A figure whose `%` was read as letters or a degree sign (`55%o`, `557o`, `55°o`): never clean."""
    return not _BARE.fullmatch(token) and lost_percent(token) is not None


def percent_confusions(tokens: Sequence[str], settings: Mapping[str, Any] | LayerSettings | None = None) -> list[str]:
    """Figures on the page that are a percentage whose `%` was read as digits (`5570` for `55%`).

    A figure like `5570` may be a count (a suspect). Figures printed next to each other, with no
    word between them, are a run (the figures of one row). A suspect is taken for a lost `%`:
    - in a run with percentages, when its reading (`55`) lies within percent_band points of one
      of them (`89% 91% 8970 86%`);
    - in a run without, when at least min_suspects of the run's figures, and suspect_run_share of
      them, are suspects (a row of percentages all misread: `5570 5470 5470 5570`);
    - anywhere, when at least min_suspects of the page's figures of 100 and more, and
      suspect_share of them, are suspects: counts end in 70, 76 or 96 about three times in a
      hundred, so a clean page of counts with a few `170`s passes.
    A figure with its sign glued on as letters (`55%o`, `557o`) is always one.
    """
    cfg = LayerSettings.resolve(settings)
    glued = {i for i, t in enumerate(tokens) if _glued_sign(t)}
    suspects = {i for i, t in enumerate(tokens) if _BARE.fullmatch(t) and lost_percent(t)}
    figure = [bool(_BARE.fullmatch(t) or _GROUPED.fullmatch(t) or _PERCENT.fullmatch(t)) or i in glued
              for i, t in enumerate(tokens)]
    confused = set(glued)
    run: list[int] = []
    for i in [*range(len(tokens)), len(tokens)]:
        if i < len(tokens) and figure[i]:
            run.append(i)
            continue
        if run and (in_run := [j for j in run if j in suspects]):
            percents = [float(m.group(1)) for j in run if (m := _PERCENT.fullmatch(tokens[j]))]
            if percents:
                for j in in_run:
                    reading = float((lost_percent(tokens[j]) or "nan%").rstrip("%"))
                    if any(abs(p - reading) <= cfg.percent_band for p in percents):
                        confused.add(j)
            elif len(in_run) >= cfg.min_suspects and len(in_run) >= cfg.suspect_run_share * len(run):
                confused.update(in_run)
        run = []
    large = [t for t in tokens if _GROUPED.fullmatch(t) or (_BARE.fullmatch(t) and float(t) >= 100)]
    if len(suspects) >= cfg.min_suspects and len(suspects) >= cfg.suspect_share * len(large):
        confused |= suspects
    return [tokens[i] for i in sorted(confused)]


def split_words(tokens: Sequence[str], words: AbstractSet[str]) -> list[str]:
    """Pairs of neighbouring tokens that are one word cut in two (`me asure`, `Improvin g`): at least
    one of them is not a word, and the two joined are."""
    found = []
    for a, b in pairwise(tokens):
        if not (_is_word(a) and _is_word(b)) or len(a) + len(b) < 4:
            continue
        if (not is_known(a, words) or not is_known(b, words)) and is_known(a + b, words):
            found.append(f"{a} {b}")
    return found


def _examples(items: Sequence[str]) -> str:
    shown = ", ".join(repr(t) for t in items[:_EXAMPLES])
    return f" ({shown}{', ...' if len(items) > _EXAMPLES else ''})"


def judge_layer(words: Sequence[str], vocabulary: AbstractSet[str] | None = None,
                settings: Mapping[str, Any] | LayerSettings | None = None) -> LayerVerdict:
    """Whether a page's words (in reading order) read as a clean text layer.

    The layer fails on any of: a word rate (rated words found in `vocabulary`, by default the
    English word list with the project's vocabulary) below min_word_rate; words with lookalike
    letters of another script; figures with letters inside; digit/percent confusions; too many
    words split in two. Each failure is one reason, with examples; the score is the word rate less
    the share of damaged tokens.
    """
    cfg = LayerSettings.resolve(settings)
    known = lexicon() if vocabulary is None else vocabulary
    tokens = _tokens(words)
    if not tokens:
        return LayerVerdict(False, 0.0, ("no words in the text layer",))
    rated = [t for t in tokens if _rated(t, known, cfg)]
    hits = sum(1 for t in rated if is_known(t, known))
    rate = hits / len(rated) if rated else 1.0
    glyphs = [t for t in tokens if has_homoglyph(t)]
    confusions = percent_confusions(tokens, cfg)
    lettered = [t for t in tokens if t not in confusions and _letter_figure(t)]
    splits = split_words(tokens, known)
    split_share = 2 * len(splits) / max(len(rated), 1)

    reasons: list[str] = []
    if len(rated) >= cfg.min_rated_words and rate < cfg.min_word_rate:
        reasons.append(f"word rate {rate:.2f} < {cfg.min_word_rate:.2f}")
    if len(glyphs) > cfg.max_homoglyph_words:
        reasons.append(f"homoglyphs in {len(glyphs)} word{'s' * (len(glyphs) != 1)}{_examples(glyphs)}")
    if len(confusions) > cfg.max_confusions:
        reasons.append(f"{len(confusions)} digit/percent confusion{'s' * (len(confusions) != 1)}"
                       f"{_examples(confusions)}")
    if len(lettered) > cfg.max_letter_figures:
        reasons.append(f"letters inside {len(lettered)} figure{'s' * (len(lettered) != 1)}{_examples(lettered)}")
    if len(splits) >= cfg.min_split_words and split_share > cfg.max_split_share:
        reasons.append(f"{split_share:.0%} of words split{_examples(splits)}")
    if not rated and not any(ch.isdigit() for t in tokens for ch in t):
        reasons.append("no words or figures to read in the text layer")

    damaged = len(glyphs) + len(confusions) + len(lettered) + 2 * len(splits)
    score = max(0.0, min(1.0, rate - damaged / len(tokens)))
    if reasons:
        return LayerVerdict(False, round(score, 3), tuple(reasons))
    summary = f"word rate {rate:.2f} of {len(rated)} words" if rated else "figures only"
    return LayerVerdict(True, round(score, 3), (f"text layer reads cleanly: {summary}",))


def layer_words(page: Any, settings: Mapping[str, Any] | LayerSettings | None = None) -> tuple[str, list[str]]:
    """(layer kind, the words of its hidden layer in reading order; none for "none" and "visible")."""
    cfg = LayerSettings.resolve(settings)
    kind, chars = _hidden_layer(page, cfg)
    if kind in ("none", "visible"):
        return kind, []
    from pdfplumber.utils import extract_words

    dicts = [page.process_object(ch) for ch in chars]
    return kind, [w["text"] for w in extract_words(dicts)]


def judge_page(page: Any, settings: Mapping[str, Any] | LayerSettings | None = None) -> LayerVerdict | None:
    """The verdict on a pdfplumber page's hidden text layer (invisible, or under a page-sized image),
    or None for a page without one: an ordinary text page is not judged (it costs a look at the
    characters, images and decoded content streams pdfplumber already has), nor is a page with no
    text (needs_ocr decides that one). `settings` override LayerSettings' defaults."""
    kind, words = layer_words(page, settings)
    if kind in ("none", "visible"):
        return None
    return judge_layer(words, None, settings)
