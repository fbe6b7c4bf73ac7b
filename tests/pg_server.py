"""A throwaway PostgreSQL server (Debian's postgresql package), for the team warehouse's tests and the
warehouse benchmark: initdb in a temporary folder, listening on loopback only."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


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
