"""Pagination of the review site's lists: every list is cut into pages so no page grows with the warehouse."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

PER_PAGE = 100


def page_file(number: int) -> str:
    return "index.html" if number == 1 else f"page-{number}.html"


def pages_of(items: Sequence[Any], per_page: int = PER_PAGE) -> Iterator[tuple[int, int, Sequence[Any], str]]:
    """(number, total, slice, file name) for each page of a list; an empty list still has page 1."""
    total = max(1, -(-len(items) // per_page))
    for number in range(1, total + 1):
        yield number, total, items[(number - 1) * per_page:number * per_page], page_file(number)


def pack(items: Sequence[Any], per_page: int, size: Any, most: int) -> list[Sequence[Any]]:
    """Pages of at most `per_page` items and, where items differ in size (a revised figure with twenty
    versions), of at most `most` in total size; an item bigger than that alone still gets its own page."""
    pages: list[Sequence[Any]] = []
    current: list[Any] = []
    weight = 0
    for item in items:
        if current and (len(current) >= per_page or weight + size(item) > most):
            pages.append(current)
            current, weight = [], 0
        current.append(item)
        weight += size(item)
    return [*pages, current] if current or not pages else pages


def pager(number: int, total: int) -> dict[str, Any]:
    """Links to the first, last and nearby pages: a thousand pages must not mean a thousand links."""
    shown = sorted({1, total, *range(max(1, number - 3), min(total, number + 3) + 1)})
    return {"number": number, "total": total, "pages": [(n, page_file(n)) for n in shown],
            "prev": page_file(number - 1) if number > 1 else None,
            "next": page_file(number + 1) if number < total else None}
