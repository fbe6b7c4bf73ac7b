"""scorecards: children's social care performance reports (PDF, Word, scans) into a tidy, validated warehouse.

    >>> import scorecards
    >>> reading = scorecards.read("samples/reports/contract_000.pdf")
    >>> reading.observations.head()

The same as the CLI: `read` (one file, no warehouse), `ingest` (files into a warehouse),
`open_warehouse` (its contract views as DataFrames), `inspect` (the tables found), `review` (the
review site). See scorecards.api for each call.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from scorecards.api import Reading, ingest, inspect, open_warehouse, read, review

try:
    __version__ = version("scorecards")  # the version lives in pyproject.toml alone
except PackageNotFoundError:  # pragma: no cover - a checkout on sys.path without an install
    __version__ = "0+unknown"

__all__ = ["Reading", "__version__", "ingest", "inspect", "open_warehouse", "read", "review"]
