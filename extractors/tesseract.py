"""Tesseract, one image in and its words out, with retries: the only module that talks to the engine.

Through its API (tesserocr) by default: the model is loaded once per thread and kept, where the
command line loads it again for every image (about a third of a second each) and costs a process.
The command line stays as the fallback where tesserocr is not installed (`engine = "cli"` forces it).

An image Tesseract fails on ("Error during processing", a timeout, an image too large for it) is
tried again another way: another page segmentation mode, then at two-thirds of the resolution.
Only when every way fails is `OcrFailed` raised, naming what was tried, so that the caller can
record the page (or cell) as unread and go on with the rest of the document.
"""
from __future__ import annotations

import logging
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import threading
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from scorecards.extractors.model import ExtractionError, Word
from scorecards.extractors.settings import OcrSettings

# Tesseract's own OpenMP threads only contend with our page threads on a small machine; the variable
# is read when the library loads, so it is set before tesserocr is first imported.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

# Tesseract cannot take an image taller or wider than this (its `Image too large` error).
MAX_SIDE = 32000
_SPECK = set(".,'`:;_~^°\"‘’“”")


class OcrFailed(ExtractionError):
    """Every way of reading an image failed; the message says what was tried and why it failed."""


# ---------------------------------------------------------------------------------------------
# Engines
# ---------------------------------------------------------------------------------------------


@cache
def _tesserocr() -> Any | None:
    try:
        import tesserocr
    except ImportError:
        return None
    return tesserocr


@cache
def tessdata_path(lang: str = "eng") -> str | None:
    """Where the language models are: TESSDATA_PREFIX, else where the system's tesseract keeps them.

    The tesserocr wheel carries the engine but no models; Debian's tesseract-ocr-eng package has them.
    """
    candidates = [os.environ.get("TESSDATA_PREFIX", "")]
    binary = shutil.which("tesseract")
    if binary:
        done = subprocess.run([binary, "--list-langs"], capture_output=True, text=True, check=False)
        found = re.search(r'"([^"]+)"', done.stdout + done.stderr)
        if found:
            candidates.append(found.group(1))
    candidates += [f"/usr/share/tesseract-ocr/{v}/tessdata" for v in ("5", "4.00")] + ["/usr/share/tessdata",
                                                                                       "/usr/local/share/tessdata"]
    for folder in candidates:
        if folder and (Path(folder) / f"{lang}.traineddata").exists():
            return str(Path(folder)) + os.sep
    return None


_local = threading.local()


def _api(lang: str) -> Any:
    """This thread's Tesseract (tesserocr objects are not shared between threads)."""
    apis: dict[str, Any] = _local.__dict__.setdefault("apis", {})
    if lang not in apis:
        tesserocr = _tesserocr()
        path = tessdata_path(lang)
        if tesserocr is None or path is None:
            raise ExtractionError(f"Tesseract models for {lang!r} not found (install tesseract-ocr-{lang})")
        apis[lang] = tesserocr.PyTessBaseAPI(path=path, lang=lang)
    return apis[lang]


def engine_name(cfg: OcrSettings) -> str:
    """`api` (tesserocr) or `cli`: what `engine = "auto"` resolves to on this machine."""
    if cfg.engine == "auto":
        return "api" if _tesserocr() is not None and tessdata_path(cfg.lang) else "cli"
    return cfg.engine


def _read_api(image: np.ndarray, psm: int, dpi: int, cfg: OcrSettings) -> str:
    from PIL import Image

    api = _api(cfg.lang)
    api.SetPageSegMode(psm)
    api.SetVariable("user_defined_dpi", str(dpi))
    api.SetImage(Image.fromarray(image))
    tsv = api.GetTSVText(0)
    api.Clear()
    if tsv is None:
        raise RuntimeError("Error during processing.")
    return str(tsv)


def _read_cli(image: np.ndarray, psm: int, dpi: int, cfg: OcrSettings) -> str:
    binary = shutil.which(cfg.tesseract)
    if binary is None:
        raise ExtractionError(f"scanned page but Tesseract is not installed ({cfg.tesseract!r})")
    env = {**os.environ, "OMP_THREAD_LIMIT": str(cfg.threads)}
    with tempfile.TemporaryDirectory(prefix="scorecards-ocr-") as tmp:
        png = Path(tmp) / "page.png"
        cv2.imwrite(str(png), image)
        command = [binary, str(png), "stdout", "-l", cfg.lang, "--psm", str(psm), "--dpi", str(dpi), "tsv"]
        try:
            done = subprocess.run(command, capture_output=True, timeout=cfg.timeout, env=env, check=False)
        except subprocess.TimeoutExpired as exc:
            raise RuntimeError(f"timed out after {cfg.timeout} s") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RuntimeError(message[-1] if message else f"exit code {done.returncode}")
    return done.stdout.decode("utf-8", "replace")


# ---------------------------------------------------------------------------------------------
# Reading with retries
# ---------------------------------------------------------------------------------------------

# The mode to try when the first fails: a page read as sparse text is tried as one block, and back.
_OTHER_PSM = {11: 6, 6: 4, 4: 6, 3: 6, 12: 6}


def _attempts(psm: int, dpi: int) -> list[tuple[int, float]]:
    """(page segmentation mode, scale) in the order tried."""
    other = _OTHER_PSM.get(psm, 6)
    return [(psm, 1.0), (other, 1.0), (psm, 2 / 3)]


def read_image(image: np.ndarray, psm: int, dpi: int, cfg: OcrSettings, name: str,
               scale: float = 1.0) -> list[Word]:
    """The words of one image (pixels), in points at `scale` pixels per point, trying again on failure.

    Raises OcrFailed when every attempt failed (and ExtractionError when there is no engine at all).
    """
    if image.size == 0:
        return []
    tried: list[str] = []
    reader = _read_api if engine_name(cfg) == "api" else _read_cli
    for mode, factor in _attempts(psm, dpi):
        picture = image
        if factor != 1.0:
            picture = cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
        if max(picture.shape[:2]) > MAX_SIDE:
            tried.append(f"psm {mode} at {round(dpi * factor)} dpi: image too large ({picture.shape[1]}x"
                         f"{picture.shape[0]} px)")
            continue
        try:
            tsv = reader(picture, mode, round(dpi * factor), cfg)
        except ExtractionError:
            raise
        except Exception as exc:  # the engine's own failure: try the next way
            tried.append(f"psm {mode} at {round(dpi * factor)} dpi: {exc}")
            continue
        return parse_tsv(tsv, scale * factor)
    raise OcrFailed(f"{name}: OCR failed ({'; '.join(tried)})")


def read_boxes(image: np.ndarray, boxes: Sequence[tuple[int, int, int, int]], psm: int, dpi: int,
               cfg: OcrSettings, name: str, scale: float = 1.0) -> list[list[Word]] | None:
    """The words of each box (x0, y0, x1, y1 in pixels) of one image, each box read on its own, in
    points at `scale` pixels per point; None when the engine is the command line (a process per
    box would cost too much: the caller stacks boxes in strips instead).

    Through the API the image is handed over once and each box is a rectangle of it: Tesseract
    lays out only that cell, so a cell reads as it would cropped, without a crop or a process. A box
    the engine fails on is tried in another mode, then left with no words (its ink then makes it
    unreadable, and it goes to quarantine).
    """
    if engine_name(cfg) != "api":
        return None
    from PIL import Image

    api = _api(cfg.lang)
    api.SetVariable("user_defined_dpi", str(dpi))
    api.SetImage(Image.fromarray(image))
    out: list[list[Word]] = []
    try:
        for x0, y0, x1, y1 in boxes:
            words: list[Word] = []
            for mode in (psm, _OTHER_PSM.get(psm, 6)):
                api.SetPageSegMode(mode)
                api.SetRectangle(x0, y0, max(1, x1 - x0), max(1, y1 - y0))
                tsv = api.GetTSVText(0)
                if tsv is not None:
                    words = parse_tsv(tsv, scale)
                    break
            else:
                logging.getLogger(__name__).warning("%s: box %s left unread", name, (x0, y0, x1, y1))
            out.append(words)
    finally:
        api.Clear()
    return out


def parse_tsv(tsv: str, scale: float, offset: tuple[float, float] = (0.0, 0.0)) -> list[Word]:
    """Words with boxes (points) and confidences from Tesseract's TSV; specks read as punctuation dropped.

    A word's box grows round any speck beside it, so each word gets the median top and bottom of
    its Tesseract line: words of one printed line then line up, as characters of a text layer do.
    """
    rows: list[tuple[tuple[str, ...], Word]] = []
    for line in tsv.splitlines():
        fields = line.split("\t")
        if len(fields) < 12 or fields[0] != "5":  # word rows only (the CLI adds a header line)
            continue
        text = fields[11].strip()
        conf = float(fields[10])
        if not text or conf < 0 or all(ch in _SPECK for ch in text):
            continue
        left, top, width, height = (int(v) for v in fields[6:10])
        word = Word(text, left / scale + offset[0], top / scale + offset[1], (left + width) / scale + offset[0],
                    (top + height) / scale + offset[1], conf)
        rows.append((tuple(fields[1:5]), word))
    by_line: dict[tuple[str, ...], list[Word]] = {}
    for key, word in rows:
        by_line.setdefault(key, []).append(word)
    for words in by_line.values():
        top = statistics.median(w.top for w in words)
        bottom = statistics.median(w.bottom for w in words)
        for w in words:
            w.top, w.bottom = top, bottom
    return [word for _, word in rows]


def font_size(words: Sequence[Word]) -> float:
    """A realistic font size (points) for the page's words: the typical word box is ~0.75 em high."""
    heights = [w.bottom - w.top for w in words if any(ch.isalnum() for ch in w.text)]
    return max(4.0, statistics.median(heights) / 0.75) if heights else 8.0
