"""Which files a run reads: the files named, and the report files under the folders named; and their content hash.

A folder's other entries (another file type, a broken or looping link) are passed over with a reason,
its hidden files and operating-system droppings without a word.
"""

from __future__ import annotations

import errno
import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

from scorecards.extractors import SUPPORTED_SUFFIXES

# Files a folder walk passes over without a word: operating-system and editor droppings, not reports.
OS_JUNK = frozenset({"thumbs.db", "desktop.ini", "ehthumbs.db"})


def is_junk(name: str) -> bool:
    """Hidden files (`.DS_Store`, `.~lock.x.odt#`), Office lock files (`~$report.docx`), `Thumbs.db`."""
    return name.startswith((".", "~$")) or name.lower() in OS_JUNK


def discover(paths: Iterable[Path], passed_over: dict[Path, str] | None = None,
             own_files: Iterable[Path] = ()) -> list[Path]:
    """Files named, plus report files found under folders named, sorted, once each.

    A file named explicitly is always tried, so an unknown type fails with a clear reason. Inside
    folders only the types the extractors read are picked up; every other entry is put in
    `passed_over` with the reason (`x.xlsx: unsupported file type '.xlsx'`, a broken or looping
    link, not a regular file), except hidden entries, OS junk (is_junk) and the run's own files
    (`own_files`: the warehouse and its write-ahead log, the corrections CSV), passed over silently.
    Links to folders are not followed (a link back up the tree would never end).
    """
    found: dict[Path, None] = {}
    skipped = passed_over if passed_over is not None else {}
    own = {Path(os.path.abspath(p)) for p in own_files}
    for path in paths:
        if not path.is_dir():
            found[path] = None
            continue
        for root, folders, files in os.walk(path):
            folders[:] = sorted(f for f in folders if not is_junk(f))
            for name in sorted(files) + [f for f in folders if Path(root, f).is_symlink()]:
                child = Path(root, name)
                if is_junk(name) or Path(os.path.abspath(child)) in own:
                    continue
                reason = _not_a_report(child)
                if reason:
                    skipped[child] = reason
                else:
                    found[child] = None
    return list(found)


def _not_a_report(path: Path) -> str:
    """Why a file found in a folder will not be read, or '' when it is a report file to try."""
    name = path.name
    if path.is_symlink():
        try:
            path.resolve(strict=True)
        except FileNotFoundError:
            return f"{name}: broken link (points to {os.readlink(path)}, which does not exist)"
        except (RuntimeError, OSError) as exc:  # RuntimeError: pathlib's own loop check
            if isinstance(exc, RuntimeError) or exc.errno == errno.ELOOP:
                return f"{name}: link loops (points to {os.readlink(path)})"
            return f"{name}: cannot follow link ({exc.strerror or exc})"
        if path.is_dir():
            return f"{name}: link to a folder, not followed (name the folder itself to ingest it)"
    if not path.is_file():
        return f"{name}: not a regular file"
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        return f"{name}: unsupported file type {suffix or '(none)'!r}"
    return ""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
