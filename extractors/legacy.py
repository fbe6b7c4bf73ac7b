"""Legacy word-processor files (.doc, .odt, .rtf): converted to .docx by LibreOffice, then read as Word.

The conversion runs headless in a temporary folder with its own LibreOffice profile (so parallel
conversions do not fight over one profile lock), and is killed when it overruns its time limit.
The original file is never touched.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from scorecards.extractors.model import ExtractedDocument, ExtractionError

DEFAULT_TIMEOUT_SECONDS = 120.0


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_docx(path: Path, workdir: Path, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> Path:
    """Convert one file into workdir; raises ExtractionError naming the file on any failure."""
    return convert(path, workdir, "docx:MS Word 2007 XML", "docx", timeout)


def convert(path: Path, workdir: Path, target: str, suffix: str, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> Path:
    """One file converted by LibreOffice headless (`--convert-to target`) into workdir, with its own
    profile there; the file `<stem>.<suffix>` it made. Raises ExtractionError naming the file."""
    program = soffice()
    if program is None:
        raise ExtractionError(f"{path.name}: LibreOffice is not installed (needed for {path.suffix} files)")
    profile = (workdir / "profile").as_uri()
    command = [
        program, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nolockcheck",
        "--convert-to", target, "--outdir", str(workdir), str(path.resolve()),
    ]
    # A new session, so that a hung conversion can be killed with every helper process it started.
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
        env={**os.environ, "HOME": str(workdir)},
    )
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise ExtractionError(f"{path.name}: LibreOffice conversion timed out after {timeout:g} s") from None
    converted = workdir / f"{path.stem}.{suffix}"
    if process.returncode != 0 or not converted.exists():
        lines = output.decode(errors="replace").splitlines()
        said = " ".join(" ".join(line for line in lines if not line.startswith("Warning:")).split())[-200:]
        raise ExtractionError(f"{path.name}: LibreOffice could not convert it ({said or 'no output'})")
    return converted


def extract_legacy(path: Path, sha256: str, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> ExtractedDocument:
    from scorecards.extractors.word import extract_docx

    if path.stat().st_size == 0:
        raise ExtractionError(f"{path.name}: empty file")
    with tempfile.TemporaryDirectory(prefix="scorecards-convert-") as tmp:
        converted = convert_to_docx(path, Path(tmp), timeout)
        doc = extract_docx(converted, sha256)
    doc.source_file = path.name
    doc.kind = path.suffix.lower().lstrip(".")
    return doc
