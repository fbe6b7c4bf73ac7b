"""Which extraction settings exist, their defaults, and their checks: frozen dataclasses validated when read.

As pdfplumber's `TableSettings`: each engine's knobs are one frozen dataclass (`PdfSettings` for the
PDF extractor, `TextSettings` for the text-alignment engine extractors.text_tables, `OcrSettings`
for extractors.ocr, `LayerSettings` for the text-layer judge extractors.text_layer), and `resolve`
turns a run's settings, the dict scorecards.toml and the API give with each section as a nested dict
(`{"parser": "pdfminer", "ocr_options": {"dpi": 200}}`), into one `ExtractionSettings`. A misspelt
key, a value of the wrong type or outside its choices is an error naming it, never silently ignored.
Values are kept as given (an int where a float is expected stays an int), so a dict and the
dataclasses built from it read a file the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from functools import cache
from typing import Any, ClassVar, Literal, Self, TypeAlias, get_args, get_origin, get_type_hints

from scorecards.extractors.legacy import DEFAULT_TIMEOUT_SECONDS

# Keys a run adds beside the extractors' own: the configuration's switches and what the flow passes on.
# `ocr` and `conversion_timeout` are read by the extractors (ExtractionSettings); `batch`,
# `known_labels`, `validator` and `validator_idle` are the flow's own and pass through unread.
RUN_KEYS = frozenset({"ocr", "conversion_timeout", "batch", "known_labels", "validator", "validator_idle"})

# What each kind of value must be, as an error message says it.
_KINDS: dict[Any, tuple[tuple[type, ...], str]] = {
    bool: ((bool,), "true or false"),
    int: ((int,), "a whole number"),
    float: ((int, float), "a number"),
    str: ((str,), "a string"),
}


class _Checked:
    """Type and choice checks on construction, for every settings dataclass (pdfplumber's
    TableSettings checks its strategies the same way, in __post_init__)."""

    SECTION: ClassVar[str] = ""  # the key of the section in a run's settings ("" for the top level)

    def __post_init__(self) -> None:
        if problems := self._problems():
            raise ValueError("; ".join(problems))

    def _problems(self) -> list[str]:
        hints = _hints(type(self))
        prefix = f"{self.SECTION}." if self.SECTION else ""
        return [p for f in fields(self) if (p := _problem(hints[f.name], getattr(self, f.name), prefix + f.name))]  # type: ignore[arg-type]


class _Section(_Checked):
    """A section of a run's settings, built from a dict of overrides over its defaults."""

    @classmethod
    def resolve(cls, value: Mapping[str, Any] | Self | None) -> Self:
        """The section itself, or one built from a dict of overrides (None: the defaults). Raises
        ValueError naming every unknown key and every bad value."""
        if isinstance(value, cls):
            return value
        problems: list[str] = []
        built = _nested(cls, value, cls.SECTION, problems)
        if problems:
            raise ValueError("; ".join(problems))
        return built


@dataclass(frozen=True)
class TextSettings(_Section):
    """Knobs of the text-alignment engine (extractors.text_tables). Lengths in ems of the words' font size."""

    SECTION = "text_settings"

    word_gap: float = 0.2  # em: a wider gap between characters is a space (as geometry.fill_text reads it)
    chunk_gap: float = 0.5  # em: a wider gap between words may separate two cells
    block_gap: float = 3.0  # em: a wider blank between lines ends a table
    min_support: int = 2  # lines with a gap at a column separator
    wide_gap: float = 3.0  # em: a gap this wide is a column separator even when only one line has it
    cross_share: float = 0.15  # share of lines whose words may cross a separator (spanning headers, overflow)
    merge_gap: float = 0.8  # em: a wrapped cell's next line is at most this far below the previous one
    min_rows: int = 2
    min_cols: int = 2
    prose_words: int = 5  # a cell line with this many words or more, mostly letters, reads as prose


@dataclass(frozen=True)
class OcrSettings(_Section):
    """How scanned pages and pictures of tables are read (extractors.ocr, `ocr_options`)."""

    SECTION = "ocr_options"

    dpi: float = 300  # Tesseract reads best with capitals 20-30 px high; report text is 7-9 pt
    tesseract: str = "tesseract"
    lang: str = "eng"
    psm: int = 11  # one column of text of varied sizes: measured best on ruled scans (11 drops leading digits)
    timeout: float = 180  # seconds per image (command-line engine only)
    threads: int = 1  # OMP_THREAD_LIMIT: Tesseract's own threads only contend on a small machine
    # "api" (tesserocr, the model loaded once per thread), "cli" (a process per image), "auto": api where installed
    engine: Literal["auto", "api", "cli"] = "auto"
    workers: int = 2  # pages of one file read at a time (threads)
    strip_height: int = 6000  # pixels: cells are read stacked in strips no taller than this
    picture_min_width: float = 150.0  # points: an image on a text page this wide and ...
    picture_min_height: float = 60.0  # ... this high may be a picture of a table, and is OCR'd ...
    picture_min_rows: int = 4  # ... when it holds this many lines of several letters (not a chart, not a photo)
    max_skew: float = 5.0  # degrees searched either way when deskewing
    min_chars: int = 10  # a page with fewer text-layer characters has no usable text layer
    min_image_cover: float = 0.5  # ... and needs OCR when images cover at least this share of it
    # "all": every cell with ink is read again on its own; "doubtful": only unsure ones
    reread: Literal["all", "doubtful"] = "all"
    reread_below: float = 90.0  # "doubtful": cells read with less confidence (or ink read as nothing)


@dataclass(frozen=True)
class LayerSettings(_Section):
    """The text-layer judge's thresholds (extractors.text_layer, `layer_options`)."""

    SECTION = "layer_options"

    # Which layer a page has.
    min_chars: int = 10  # fewer printable characters: no usable text layer ("none"), as needs_ocr counts
    min_image_cover: float = 0.8  # a scan: images covering this share of the page (a map or chart covers less)
    min_layer_share: float = 0.5  # share of the page's characters that must be invisible (or under the image)
    # Words: the layer must read as English and the report's own vocabulary.
    min_word_length: int = 3  # shorter words are not rated: the word list knows nearly every pair of letters
    min_rated_words: int = 10  # with fewer rated words the word rate says nothing and is not judged
    min_word_rate: float = 0.70  # share of rated words found in the word list or vocabulary
    max_acronym_length: int = 5  # an unknown all-capital word this short is an acronym (UASC), not rated
    # Damage: each kind counted over the page; more than max_* fails the layer.
    max_homoglyph_words: int = 0  # a Cyrillic or Greek lookalike inside a Latin word is never printed on purpose
    max_letter_figures: int = 0  # `1O0`, `9l%`: a letter inside a figure
    max_confusions: int = 0  # `5570` for `55%`: a wrong figure is worse than a missing one
    max_split_share: float = 0.02  # share of rated words that are fragments of a split word (`me asure`) ...
    min_split_words: int = 2  # ... and at least this many
    # Digit/percent confusions (`5570` for `55%`), see percent_confusions.
    percent_band: float = 25.0  # points between a suspect's reading and a percentage of its row
    min_suspects: int = 3  # suspects needed in a row of figures without percentages, or on the page
    suspect_run_share: float = 0.5  # ... and their share of that row's figures
    suspect_share: float = 0.25  # ... or their share of the page's figures of 100 and more


def _lines_both_ways() -> dict[str, Any]:
    return {"vertical_strategy": "lines", "horizontal_strategy": "lines"}


@dataclass(frozen=True)
class PdfSettings(_Checked):
    """The PDF extractor's knobs (extractors.pdf): which engines run, and which tables are kept."""

    # "auto": ask camelot's lattice only for pages with drawn rules both ways where pdfplumber's best
    # table scores below camelot_below; "always": on every page; "never": pdfplumber alone.
    camelot: Literal["auto", "always", "never"] = "auto"
    camelot_below: float = 0.9
    # "auto": read tables from word alignment wherever no ruled table reads well (quality below
    # ruled_ok); "never": ruled tables only.
    text: Literal["auto", "never"] = "auto"
    ruled_ok: float = 0.9
    text_settings: TextSettings = field(default_factory=TextSettings)
    # A text-aligned "table" more than this share of whose columns read as running text is a page
    # set in columns, not a table.
    max_prose: float = 0.5
    # Tables scoring below this are noise (a frame around a paragraph, a grid cut through words).
    min_quality: float = 0.3
    min_rows: int = 2
    min_cols: int = 2
    stitch: bool = True  # join a table continued on the next page into one
    # "pdfium": read each page's characters, rules and images through pdfium (C++, several times
    # faster), falling back to pdfminer for the pages pdfium would read differently (page_objects);
    # "pdfminer": pdfplumber's own parse of every page.
    parser: Literal["pdfium", "pdfminer"] = "pdfium"
    # pdfplumber's own TableFinder settings, checked by pdfplumber's TableSettings. A dict, so left
    # out of the hash.
    pdfplumber_table_settings: Mapping[str, Any] = field(default_factory=_lines_both_ways, hash=False)

    def __post_init__(self) -> None:
        if isinstance(self.pdfplumber_table_settings, Mapping):  # a copy: the caller's dict is not shared
            object.__setattr__(self, "pdfplumber_table_settings", dict(self.pdfplumber_table_settings))
        super().__post_init__()

    def _problems(self) -> list[str]:
        problems = super()._problems()
        if isinstance(self.pdfplumber_table_settings, Mapping):
            problems += _table_settings_problems(self.pdfplumber_table_settings)
        return problems


@dataclass(frozen=True)
class ExtractionSettings(_Checked):
    """Everything the extractors read from one run's settings: see `resolve`."""

    pdf: PdfSettings = field(default_factory=PdfSettings)
    ocr_options: OcrSettings = field(default_factory=OcrSettings)
    layer_options: LayerSettings = field(default_factory=LayerSettings)
    ocr: bool = True  # OCR pages without a usable text layer (`ocr = false` in scorecards.toml turns it off)
    conversion_timeout: float = DEFAULT_TIMEOUT_SECONDS  # seconds LibreOffice may take per legacy file


# The forms a run's settings come in: today's dict (sections as nested dicts), or the dataclasses.
SettingsInput: TypeAlias = Mapping[str, Any] | ExtractionSettings | PdfSettings | None

# The sections of a run's settings beside the PDF extractor's own keys (text_settings is one of those).
_SECTIONS: dict[str, type[_Section]] = {"ocr_options": OcrSettings, "layer_options": LayerSettings}


def resolve(settings: SettingsInput) -> ExtractionSettings:
    """A run's settings as frozen dataclasses, each section's dict over its defaults.

    Accepts today's dict (top-level PDF keys, `text_settings`, `ocr_options`, `layer_options`, and
    the run keys RUN_KEYS), an ExtractionSettings (returned as it is), a PdfSettings (the other
    sections at their defaults) or None (every default). Raises ValueError naming every unknown key,
    at the top level and inside each section, and every value of the wrong type or outside its choices.
    """
    if settings is None:
        return ExtractionSettings()
    if isinstance(settings, ExtractionSettings):
        return settings
    if isinstance(settings, PdfSettings):
        return ExtractionSettings(pdf=settings)
    if not isinstance(settings, Mapping):
        raise ValueError(f"settings must be a table of settings, not {type(settings).__name__}")
    pdf_keys = {f.name for f in fields(PdfSettings)}
    known = pdf_keys | set(_SECTIONS) | RUN_KEYS
    problems = []
    if unknown := [key for key in settings if key not in known]:
        problems.append(f"unknown setting(s) {', '.join(map(repr, unknown))} (known: {', '.join(sorted(known))})")
    pdf = _build(PdfSettings, {k: v for k, v in settings.items() if k in pdf_keys}, "", problems)
    sections = {name: _nested(kind, settings.get(name), name, problems) for name, kind in _SECTIONS.items()}
    switches = {key: settings[key] for key in ("ocr", "conversion_timeout") if key in settings}
    built = _construct(ExtractionSettings, {"pdf": pdf, **sections, **switches}, problems)
    if problems:
        raise ValueError("; ".join(problems))
    return built


# ---------------------------------------------------------------------------------------------
# Building and checking
# ---------------------------------------------------------------------------------------------


@cache
def _hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls)


def _problem(kind: Any, value: Any, name: str) -> str:
    """Why `value` cannot be setting `name` of type `kind`, or "" when it can."""
    if get_origin(kind) is Literal:
        choices = get_args(kind)
        if isinstance(value, str) and value in choices:
            return ""
        return f"setting {name!r} must be one of {', '.join(map(repr, choices))}, not {value!r}"
    if (isinstance(kind, type) and issubclass(kind, _Checked)) or get_origin(kind) is Mapping:
        if isinstance(value, kind if isinstance(kind, type) else Mapping):
            return ""
        return f"setting {name!r} must be a table of settings, not {type(value).__name__}"
    types, said = _KINDS[kind]
    if isinstance(value, types) and (kind is bool or not isinstance(value, bool)):
        return ""
    return f"setting {name!r} must be {said}, not {type(value).__name__} {value!r}"


def _nested(cls: type[_Section], value: Any, section: str, problems: list[str]) -> Any:
    """A section from its dict (None: the defaults), its problems added to `problems`."""
    if value is None:
        return cls()
    if isinstance(value, cls):
        return value
    if not isinstance(value, Mapping):
        problems.append(f"setting {section!r} must be a table of settings, not {type(value).__name__}")
        return cls()
    return _build(cls, value, section, problems)


def _build(cls: type[_Checked], values: Mapping[str, Any], section: str, problems: list[str]) -> Any:
    """One settings dataclass from a dict of overrides (nested sections as dicts), its problems added
    to `problems`: the defaults stand in for what could not be built, so that every problem is named."""
    hints = _hints(cls)
    known = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    if section and (unknown := [key for key in values if key not in known]):
        problems.append(f"unknown setting(s) {', '.join(f'{section}.{key}' for key in unknown)} "
                        f"(known in {section}: {', '.join(sorted(known))})")
    given = {}
    for key, value in values.items():
        if key not in known:
            continue
        kind = hints[key]
        nested = isinstance(kind, type) and issubclass(kind, _Section)
        given[key] = _nested(kind, value, kind.SECTION, problems) if nested else value
    return _construct(cls, given, problems)


def _construct(cls: type[_Checked], given: dict[str, Any], problems: list[str]) -> Any:
    try:
        return cls(**given)
    except ValueError as exc:
        problems.append(str(exc))
        return cls()


def _table_settings_problems(value: Mapping[str, Any]) -> list[str]:
    """pdfplumber's own check of its TableFinder settings (keys prefixed `text_` are its word settings)."""
    from pdfplumber.table import TableSettings  # imported here: only settings that change pdfplumber's load it

    if value == _lines_both_ways():
        return []
    name = "pdfplumber_table_settings"
    known = {f.name for f in fields(TableSettings)} - {"text_settings"}
    if unknown := [key for key in value if key not in known and not str(key).startswith("text_")]:
        return [f"unknown setting(s) {', '.join(f'{name}.{key}' for key in unknown)} "
                f"(known in {name}: {', '.join(sorted(known))}, text_*)"]
    try:
        TableSettings.resolve(dict(value))
    except (TypeError, ValueError) as exc:
        return [f"setting {name!r}: {exc}"]
    return []
