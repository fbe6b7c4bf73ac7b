"""Shared fixtures. Every document a test reads is made here, by the tests: nothing needs ../shared."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Prefect must not touch the user's ~/.prefect, and its test server must not phone home.
_PREFECT_HOME = tempfile.mkdtemp(prefix="scorecards-prefect-")
os.environ["PREFECT_HOME"] = _PREFECT_HOME
os.environ["PREFECT_LOCAL_STORAGE_PATH"] = os.path.join(_PREFECT_HOME, "storage")
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ.pop("PREFECT_API_URL", None)


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=60):
        yield


@pytest.fixture(scope="session")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Generated grid reports in both styles and both formats, made once per test session."""
    from samples.generate import random_report, write_docx, write_pdf

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


# --- A throwaway PostgreSQL server (Debian's postgresql package), for the team warehouse's tests -------------

class PostgresServer:
    """A PostgreSQL server of the tests' own: initdb in a temporary folder, listening on loopback only.

    Debian keeps initdb and pg_ctl out of PATH (/usr/lib/postgresql/<version>/bin), and initdb refuses
    to run as root, so as root the server runs as the package's `postgres` user."""

    def __init__(self) -> None:
        import glob
        import pwd
        import shutil
        import socket

        found = shutil.which("initdb") or max(glob.glob("/usr/lib/postgresql/*/bin/initdb"), default=None,
                                               key=lambda p: int(p.split("/")[-3]))
        if found is None:
            raise RuntimeError("PostgreSQL is not installed: run scripts/setup.sh (apt-get install postgresql)")
        bindir = Path(found).parent
        self.folder = Path(tempfile.mkdtemp(prefix="scorecards-pg-"))
        self.run_as: list[str] = []
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(self.folder, user.pw_uid, user.pw_gid)
            self.run_as = ["runuser", "-u", "postgres", "--"]
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        data = self.folder / "data"
        self._run([str(bindir / "initdb"), "-D", str(data), "-U", "scorecards", "--auth=trust", "--encoding=UTF8",
                   "--no-sync"])
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} -c fsync=off "
                   "-c full_page_writes=off -c synchronous_commit=off -c max_connections=60")
        self.pg_ctl = [str(bindir / "pg_ctl"), "-D", str(data)]
        self._run([*self.pg_ctl, "-o", options, "-l", str(self.folder / "server.log"), "-w", "-t", "60", "start"])
        self._databases = 0

    def _run(self, command: list[str]) -> None:
        import subprocess

        done = subprocess.run([*self.run_as, *command], capture_output=True, text=True, timeout=120)
        if done.returncode:
            raise RuntimeError(f"{' '.join(command)} failed: {done.stdout}{done.stderr}")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://scorecards@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A fresh, empty database's URL."""
        import psycopg

        self._databases += 1
        name = f"warehouse_{os.getpid()}_{self._databases}"
        with psycopg.connect(self.url(), autocommit=True) as con:
            con.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def stop(self) -> None:
        import shutil

        try:
            self._run([*self.pg_ctl, "-m", "immediate", "stop"])
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


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
