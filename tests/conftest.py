"""Shared fixtures. Every document a test reads is made here, by the tests: nothing needs ../shared."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pg_server import PostgresServer

# Prefect must not touch the user's ~/.prefect, and its test server must not phone home.
_PREFECT_HOME = tempfile.mkdtemp(prefix="scorecards-prefect-")
os.environ["PREFECT_HOME"] = _PREFECT_HOME
os.environ["PREFECT_LOCAL_STORAGE_PATH"] = os.path.join(_PREFECT_HOME, "storage")
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ.pop("PREFECT_API_URL", None)
# Validator services the tests start (every CLI run asks for one) live in a folder of the session's,
# not the user's, and stop at the session's end (pytest_sessionfinish) or a minute after their last run.
os.environ["XDG_RUNTIME_DIR"] = tempfile.mkdtemp(prefix="scorecards-run-")
os.environ["SCORECARDS_VALIDATOR_IDLE"] = "60"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    from scorecards.expectations.service import stop_service

    stop_service()


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=60):
        yield


@pytest.fixture(scope="session")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Generated grid reports in both styles and both formats, made once per test session."""
    from samples.generate import random_report
    from samples.pdf_render import write_pdf
    from samples.word_render import write_docx

    folder = tmp_path_factory.mktemp("reports")
    made: dict[str, Path] = {}
    for style, seed in (("contract", 11), ("improvement", 12)):
        model = random_report(seed, style, n_measures=10)
        made[f"{style}.pdf"] = write_pdf(model, folder / f"{style}.pdf")
        made[f"{style}.docx"] = write_docx(model, folder / f"{style}.docx")
    return made


@pytest.fixture
def warehouse_file(tmp_path: Path) -> str:
    return str(tmp_path / "warehouse.duckdb")


# --- A throwaway PostgreSQL server, for the team warehouse's tests (tests/pg_server.py) ---------------------

@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    server = PostgresServer()
    yield server
    server.stop()


@pytest.fixture(params=["duckdb", "postgresql"])
def new_location(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], str]]:
    """Makes empty warehouses of one backend (each test runs once with DuckDB files, once with PostgreSQL)."""
    made = iter(range(1_000))

    def make() -> str:
        if request.param == "duckdb":
            return str(tmp_path / f"warehouse_{next(made)}.duckdb")
        return request.getfixturevalue("postgres").new_database()

    yield make
