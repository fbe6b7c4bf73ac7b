"""The validator service: Great Expectations kept warm in a process of its own, shared by runs.

Importing Great Expectations and building its context costs a CLI process about 3 s and 150 MiB
before any row is checked, more than reading a one-page report. With `validator = "service"` a run
hands its frames to a validator process instead: the first run starts one (its import overlaps the
run's own reading), and later runs find it warm. The service runs the very same suites through
`run_suite_here`; only where the work happens changes, never what is checked.

How it is found, and kept to its owner:
- it listens on a Unix socket in a folder only the user can enter (`runtime_dir()`), named after a
  key of the code and suites it validates with, so an upgrade or an edited suite gets a service of
  its own and never a stale one;
- every connection proves it holds the folder's secret (multiprocessing's HMAC handshake) before a
  frame is unpickled;
- a service holds a lock on its pid file for its lifetime: a lock that can be taken means no
  service, and a socket left by one that died is removed;
- it exits after `idle` seconds without a request.

Anything going wrong on the way (no Unix sockets on this system, a service that will not start or
dies mid-request) is logged and the suites run in this process instead: the service may make a run
faster, never lose it.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import hashlib
import logging
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from functools import cache
from importlib import metadata
from multiprocessing.connection import Client, Connection, Listener
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:  # the configuration reads VALIDATORS: this module imports pandas only when it runs suites
    import pandas as pd
    from scorecards.expectations.validate import Outcome, SuiteRunner

log = logging.getLogger("scorecards")

VALIDATORS = ("in-process", "service")
IDLE_SECONDS = 900.0  # a service unused this long exits
ANOTHER_RUNS = 75  # a service's exit status when another already serves its key (EX_TEMPFAIL)
START_SECONDS = 120.0  # how long a run waits for a service it started before validating itself
_HERE = Path(__file__).parent
# What a service's answers depend on: a change to any of these needs a new service.
_KEYED_FILES = ("validate.py", "service.py", "suite.py", "observations.json", "documents.json")


def check_validator(validator: str) -> None:
    """A ValueError naming the choices, for a validator that is not one."""
    if validator not in VALIDATORS:
        raise ValueError(f"validator must be one of {', '.join(VALIDATORS)}, not {validator!r}")


def supported() -> bool:
    """Unix sockets and file locks (everything but Windows)."""
    try:
        import fcntl  # noqa: F401
    except ImportError:
        return False
    return hasattr(socket, "AF_UNIX")


_SOCKET_PATH_MAX = 107  # bytes of a Unix socket's path (sun_path), its final NUL aside
_SOCKET_NAME_LENGTH = len("validator-0123456789abcdef.sock")


def runtime_dir() -> Path:
    """The user's private folder for services: $XDG_RUNTIME_DIR/scorecards, else (or when a socket's
    path there would be too long) one in the temp folder; created 0700, and refused when someone
    else owns it or can enter it."""
    base = os.environ.get("XDG_RUNTIME_DIR")
    candidates = [Path(base) / "scorecards"] if base else []
    candidates += [Path(tempfile.gettempdir()) / f"scorecards-{os.getuid()}", Path(f"/tmp/scorecards-{os.getuid()}")]
    fits = [c for c in candidates if len(os.fsencode(c)) + 1 + _SOCKET_NAME_LENGTH <= _SOCKET_PATH_MAX]
    if not fits:
        raise OSError(f"{candidates[0]}: too long a path for a Unix socket")
    folder = fits[0]
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    facts = folder.stat()
    if facts.st_uid != os.getuid() or facts.st_mode & 0o077:
        raise PermissionError(f"{folder}: not private to this user (mode {oct(facts.st_mode & 0o777)})")
    return folder


@cache
def service_key() -> str:
    """Names the service for this code, these suites, this interpreter and this Great Expectations
    (worked out once per process: the code a process runs does not change under it)."""
    digest = hashlib.sha256(sys.executable.encode())
    for name in _KEYED_FILES:
        digest.update(name.encode() + (_HERE / name).read_bytes())
    digest.update(metadata.version("great_expectations").encode())
    return digest.hexdigest()[:16]


def _secret(folder: Path) -> bytes:
    """The folder's secret, made on first use: written whole under a temporary name, then linked in
    place, so that a process racing to make it never reads it half written."""
    path = folder / "authkey"
    if not path.exists():
        descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".authkey-")  # 0600
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(secrets.token_bytes(32))
            with contextlib.suppress(FileExistsError):  # another process made it first: theirs it is
                os.link(temporary, path)
        finally:
            os.unlink(temporary)
    return path.read_bytes()


def _paths(folder: Path, key: str) -> tuple[str, Path, Path]:
    """(socket address, pid lock file, log file) of the service with this key."""
    return str(folder / f"validator-{key}.sock"), folder / f"validator-{key}.pid", folder / f"validator-{key}.log"


def _try_lock(path: Path) -> IO[str] | None:
    """The pid file, locked for this process; None while a live service holds it."""
    import fcntl

    handle = path.open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    return handle


def _held(pid_path: Path) -> bool:
    """Whether a live service holds this pid file (the lock is let go, not kept, when none does)."""
    lock = _try_lock(pid_path)
    if lock is None:
        return True
    lock.close()
    return False


# --- the service ------------------------------------------------------------------------------------

def serve(folder: Path, key: str, idle: float) -> int:
    """Listen until `idle` seconds pass without a request. Returns ANOTHER_RUNS at once when another
    service holds the key."""
    address, pid_path, _ = _paths(folder, key)
    lock = None
    for _ in range(20):  # a client may be holding the lock for a moment to see whether one of us runs
        lock = _try_lock(pid_path)
        if lock is not None:
            break
        time.sleep(0.01)
    if lock is None:
        return ANOTHER_RUNS
    lock.seek(0)
    lock.truncate()
    lock.write(str(os.getpid()))
    lock.flush()
    _tidy(folder, key)
    from scorecards.expectations.validate import _validators

    _validators()  # build the suites before saying we are here: a client's first request is answered at once
    # Great Expectations and its context live as long as the service: no collection need scan them again.
    gc.freeze()
    with contextlib.suppress(FileNotFoundError):
        os.unlink(address)  # left by a service that died: we hold the lock, so it is nobody's
    listener = Listener(address, family="AF_UNIX", authkey=_secret(folder))
    state = _State()
    threading.Thread(target=_stop_when_idle, args=(state, address, idle), daemon=True).start()
    while True:
        try:
            connection = listener.accept()
        except (OSError, EOFError) as exc:  # a client that failed the handshake, or left during it
            log.debug("validator service: refused a connection (%s)", exc)
            continue
        with state.lock:
            state.connections += 1
        # A thread per run: a long backfill holding its connection must not keep another run waiting.
        threading.Thread(target=_answer, args=(connection, state), daemon=True).start()


class _State:
    """What the service's threads share: one validation at a time (Great Expectations' context is not
    known to be thread-safe), the open connections, and when the last request ended."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.validating = threading.Lock()
        self.connections = 0
        self.last_request = time.monotonic()


def _stop_when_idle(state: _State, address: str, idle: float) -> None:
    """Exit once no run is connected and none has asked anything for `idle` seconds."""
    while True:
        time.sleep(min(idle, 5.0))
        with state.lock:
            if state.connections == 0 and time.monotonic() - state.last_request >= idle:
                with contextlib.suppress(OSError):
                    os.unlink(address)
                os._exit(0)  # accept() blocks the main thread; nothing of ours is left unwritten


def _tidy(folder: Path, key: str, older_than: float = 86_400.0) -> None:
    """Remove what services of other keys (earlier versions of the code or suites) left: their socket,
    pid file and log, once no service holds them and the log is a day old (kept that long to read)."""
    for pid_path in folder.glob("validator-*.pid"):
        other = pid_path.stem.removeprefix("validator-")
        if other == key:
            continue
        address, _, log_path = _paths(folder, other)
        try:
            if time.time() - log_path.stat().st_mtime < older_than:
                continue
        except FileNotFoundError:
            pass
        lock = _try_lock(pid_path)
        if lock is None:
            continue  # that service still runs
        for path in (Path(address), log_path, pid_path):
            path.unlink(missing_ok=True)
        lock.close()


def _answer(connection: Connection, state: _State) -> None:
    try:
        while True:
            try:
                request = connection.recv()
            except (EOFError, OSError):
                return
            with state.validating:
                reply = _reply(request)
            with state.lock:
                state.last_request = time.monotonic()
            try:
                connection.send(reply)
            except (OSError, EOFError):
                return
    finally:
        connection.close()
        with state.lock:
            state.connections -= 1
            state.last_request = time.monotonic()


def _reply(request: Any) -> tuple[str, Any]:
    from scorecards.expectations.validate import run_suite_here

    try:
        kind, *args = request
        if kind == "ping":
            return "ok", os.getpid()
        if kind == "validate":
            frame, suite_name = args
            return "ok", run_suite_here(frame, suite_name)
        return "error", f"unknown request {kind!r}"
    except Exception as exc:  # a suite that cannot run: the client raises it as its own
        return "error", f"{type(exc).__name__}: {exc}"


# --- the client -------------------------------------------------------------------------------------

class ServiceRunner:
    """A SuiteRunner that validates in the service: started on first need (`start()` starts it early,
    so that its import overlaps the run's reading), and the suites run here if it cannot be reached."""

    def __init__(self, idle: float = IDLE_SECONDS, start_seconds: float = START_SECONDS) -> None:
        self.idle = idle
        self.start_seconds = start_seconds
        self._connection: Connection | None = None
        self._started: subprocess.Popen[bytes] | None = None
        self._place: tuple[Path, str] | None = None  # (runtime folder, key): worked out once, not per retry
        self._broken = not supported()
        if self._broken:
            log.info("validator service: not supported here; validating in this process")

    def start(self) -> None:
        """Start a service for this key unless one is running. Returns at once."""
        if self._broken or self._connection is not None:
            return
        try:
            _, pid_path, log_path = _paths(*self._where())
            if _held(pid_path):
                return  # a live service holds the key (it may still be warming up)
            with log_path.open("ab") as log_file:
                self._started = subprocess.Popen(
                    [sys.executable, "-m", "scorecards.expectations.service", "--idle", str(self.idle)],
                    stdin=subprocess.DEVNULL, stdout=log_file, stderr=log_file, close_fds=True,
                    start_new_session=True,  # outlives this run, and is not part of its terminal's job
                    cwd="/",  # and keeps no folder of the user's busy
                )
            log.info("validator service started (pid %d, exits after %.0f s idle; log %s)",
                     self._started.pid, self.idle, log_path)
        except Exception as exc:
            self._give_up(f"could not start it ({type(exc).__name__}: {exc})")

    def __call__(self, frame: pd.DataFrame, suite_name: str) -> list[Outcome]:
        if not self._broken:
            try:
                reply = self._request(("validate", frame, suite_name))
            except Exception as exc:  # unreachable, or died mid-request: the run goes on here
                self._give_up(f"{type(exc).__name__}: {exc}")
            else:
                kind, answer = reply
                if kind == "error":
                    raise RuntimeError(answer)
                return answer
        from scorecards.expectations.validate import run_suite_here

        return run_suite_here(frame, suite_name)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _give_up(self, why: str) -> None:
        log.warning("validator service: %s; validating in this process", why)
        self._broken = True
        self.close()

    def _request(self, request: tuple[Any, ...]) -> tuple[str, Any]:
        if self._connection is not None:
            try:
                self._connection.send(request)
                return self._connection.recv()
            except (OSError, EOFError):  # the service was stopped since: once more, through a new one
                self.close()
        self._connection = self._connect()
        self._connection.send(request)
        return self._connection.recv()

    def _where(self) -> tuple[Path, str]:
        if self._place is None:
            self._place = runtime_dir(), service_key()
        return self._place

    def _connect(self) -> Connection:
        folder, key = self._where()
        address, _, log_path = _paths(folder, key)
        secret = _secret(folder)
        deadline = time.monotonic() + self.start_seconds
        while True:
            try:
                return Client(address, family="AF_UNIX", authkey=secret)
            except (FileNotFoundError, ConnectionRefusedError):
                pass
            if self._started is not None:
                status = self._started.poll()
                if status == ANOTHER_RUNS:
                    self._started = None  # another run's service holds the key: wait for that one
                elif status is not None:
                    raise RuntimeError(f"it exited with status {status} (see {log_path})")
            if self._started is None:
                self.start()  # none is running (or the one that was died): start one; else a no-op
            if time.monotonic() > deadline:
                raise TimeoutError(f"not ready after {self.start_seconds:.0f} s (see {log_path})")
            time.sleep(0.05)


@contextlib.contextmanager
def suite_runner(validator: str = "in-process", idle: float = IDLE_SECONDS) -> Iterator[SuiteRunner]:
    """The SuiteRunner a run validates with: Great Expectations in this process, or the validator
    service (started now, so that it warms up while the run reads; its connection closed at the end)."""
    check_validator(validator)
    if validator == "in-process":
        from scorecards.expectations.validate import run_suite_here

        yield run_suite_here
        return
    runner = ServiceRunner(idle)
    runner.start()
    try:
        yield runner
    finally:
        runner.close()


def service_pid() -> int | None:
    """The pid of this key's running service, or None when none runs."""
    _, pid_path, _ = _paths(runtime_dir(), service_key())
    return (int(pid_path.read_text() or 0) or None) if _held(pid_path) else None


def service_status() -> str:
    """One line: whether this key's service runs, its pid and its socket."""
    if not supported():
        return "validator service: not supported here (runs validate in their own process)"
    folder, key = runtime_dir(), service_key()
    address, _, log_path = _paths(folder, key)
    pid = service_pid()
    if pid is None:
        return f"validator service: not running (the next run with validator = \"service\" starts one; key {key})"
    return f"validator service: running, pid {pid}, socket {address}, log {log_path}"


def stop_service() -> bool:
    """Stop this key's service, if one runs (for tests and `scorecards validator --stop`). True if one did."""
    import signal

    address, pid_path, _ = _paths(runtime_dir(), service_key())
    pid = service_pid()
    if pid is None:
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _held(pid_path):
        time.sleep(0.05)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(address)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The validator service (started by runs; see module docs).")
    parser.add_argument("--idle", type=float, default=IDLE_SECONDS, help="seconds without a request before it exits")
    args = parser.parse_args(argv)
    # Its log holds what went wrong; Great Expectations announces much at INFO that did not.
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return serve(runtime_dir(), service_key(), args.idle)


if __name__ == "__main__":
    sys.exit(main())
