"""One configuration file, `scorecards.toml`, with environment overrides.

Looked for in the working directory (or where SCORECARDS_CONFIG points). Every key can be
overridden by an environment variable SCORECARDS_<KEY> (e.g. SCORECARDS_WORKERS=2), and command
line options override both.

    [scorecards]
    inbox = "inbox"                  # folder the nightly run ingests
    warehouse = "warehouse.duckdb"   # DuckDB file, or "postgresql://user@host/db" for a team
    schedule = "0 2 * * *"           # cron, local time of the Prefect server
    workers = 1                      # extraction processes (loading stays one writer)
    ocr = true                       # OCR pages without a text layer
    conversion_timeout = 120         # seconds LibreOffice may take per legacy file
    corrections = "corrections.csv"  # reviewers' decisions, kept under version control
    batch = 64                       # files validated together and loaded through one connection
    dask = ""                        # a Dask scheduler (tcp://host:8786) or "local": extract on Dask
    parser = "pdfium"                # PDF pages read by pdfium (fast) or "pdfminer" (pdfplumber's own)
    validator = "service"            # Great Expectations kept warm in a service shared by runs, or "in-process"
    validator_idle = 900             # seconds the validator service waits for another run before it exits
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from scorecards.expectations.service import check_validator
from scorecards.extractors.settings import PdfSettings


@dataclass(frozen=True)
class Config:
    inbox: str = "inbox"
    warehouse: str = "warehouse.duckdb"
    schedule: str = "0 2 * * *"
    workers: int = 1
    ocr: bool = True
    conversion_timeout: float = 120.0
    corrections: str = "corrections.csv"
    batch: int = 64
    dask: str = ""
    parser: str = "pdfium"
    validator: str = "service"
    validator_idle: float = 900.0

    def __post_init__(self) -> None:
        PdfSettings(parser=self.parser)  # the extractor's own check: a parser it has, or a ValueError naming it
        check_validator(self.validator)  # the service's own check, likewise
        if self.validator_idle <= 0:
            raise ValueError(f"validator_idle must be a number of seconds above 0, not {self.validator_idle!r}")

    def extract_settings(self) -> dict[str, Any]:
        """The part of the configuration the extractors read."""
        return {"ocr": self.ocr, "conversion_timeout": self.conversion_timeout, "parser": self.parser}

    def ingest_settings(self) -> dict[str, Any]:
        """What an ingest run reads: the extractors' part, how many files go in a batch, and where
        they are validated."""
        return {**self.extract_settings(), "batch": self.batch, "validator": self.validator,
                "validator_idle": self.validator_idle}


def _coerce(kind: type, text: str) -> Any:
    if kind is bool:
        return text.strip().lower() in ("1", "true", "yes", "on")
    return kind(text)


def load_config(path: Path | None = None, environ: dict[str, str] | None = None) -> Config:
    environ = dict(os.environ if environ is None else environ)
    path = path or Path(environ.get("SCORECARDS_CONFIG", "scorecards.toml"))
    values: dict[str, Any] = {}
    if path.exists():
        with path.open("rb") as handle:
            data = tomllib.load(handle)
        values.update(data.get("scorecards", data))
    known = {f.name: f for f in fields(Config)}
    unknown = set(values) - set(known)
    if unknown:
        raise ValueError(f"{path}: unknown setting(s) {', '.join(sorted(unknown))}")
    defaults = Config()
    for name in known:
        override = environ.get(f"SCORECARDS_{name.upper()}")
        if override is not None:
            values[name] = _coerce(type(getattr(defaults, name)), override)
    return Config(**values)
