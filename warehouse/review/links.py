"""Names and links inside the review site: a safe file name for any document or measure, the anchor of
each table cell, and the link from a figure to its cell on its document's page."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Any


def safe_name(text: str, suffix: str = ".html") -> str:
    """A file name for any text: a readable ASCII slug plus a hash, so names never collide or escape."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:48] or "x"
    return f"{slug}-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:10]}{suffix}"


def cell_anchor(table_index: Any, row: Any, col: Any) -> str:
    return f"c-{table_index}-{row}-{col}"


def doc_link(doc_pages: dict[str, str], row: dict[str, Any]) -> str | None:
    """The document page of a row, narrowed to its cell's anchor when the row says where it was read."""
    page = doc_pages.get(row["source_file"])
    if page and row.get("table_index") is not None and row.get("row_index") is not None:
        return f"{page}#{cell_anchor(row['table_index'], row['row_index'], row['col_index'])}"
    return page
