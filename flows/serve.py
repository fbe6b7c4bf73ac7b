"""`scorecards serve`: a real Prefect server, the `nightly-ingest` deployment on a cron schedule, and
the process that runs it, in one command.

Prefect's temporary local server cannot schedule flows, so this starts `prefect server start`
(SQLite under PREFECT_HOME) unless PREFECT_API_URL already names a server to use.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

DEPLOYMENT = "nightly-ingest"
START_TIMEOUT_SECONDS = 120.0


def _prefect_command() -> list[str]:
    beside = Path(sys.executable).with_name("prefect")
    return [str(beside)] if beside.exists() else [shutil.which("prefect") or "prefect"]


def wait_for_api(api_url: str, timeout: float = START_TIMEOUT_SECONDS) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{api_url.rstrip('/')}/health", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"the Prefect server at {api_url} did not answer within {timeout:g} s")
        time.sleep(0.5)


def start_server(host: str, port: int) -> subprocess.Popen[bytes]:
    """`prefect server start` in its own process group, so stopping serve stops the server too."""
    env = {
        **os.environ,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        # The UI asks the API at the configured port, not the one given to `server start`.
        "PREFECT_SERVER_API_HOST": host,
        "PREFECT_SERVER_API_PORT": str(port),
        "PREFECT_UI_API_URL": f"http://{host}:{port}/api",
    }
    env.pop("PREFECT_API_URL", None)
    command = [*_prefect_command(), "server", "start", "--host", host, "--port", str(port)]
    return subprocess.Popen(command, env=env, start_new_session=True)


def serve(
    inbox: str, warehouse: str, cron: str, host: str = "127.0.0.1", port: int = 4200, workers: int = 1,
    settings: dict[str, object] | None = None, corrections: str | None = None, dask: str | None = None,
) -> None:
    """Run until interrupted: scheduled (and manually triggered) nightly runs execute here.

    `corrections` is the reviewers' CSV; each nightly run copies it into the warehouse first, so a
    decision committed during the day applies to that night's loads.
    """
    server = None
    api_url = os.environ.get("PREFECT_API_URL")
    if not api_url:
        server = start_server(host, port)
        api_url = f"http://{host}:{port}/api"
        os.environ["PREFECT_API_URL"] = api_url
    try:
        wait_for_api(api_url)
        print(f"Prefect API {api_url}; UI at {api_url.removesuffix('/api')}", flush=True)
        from scorecards.flows.ingest import nightly_ingest  # after PREFECT_API_URL is set: Prefect reads it at import
        from scorecards.warehouse import is_server

        # A DuckDB file by its full path (the runs may start elsewhere); a server's URL as it is.
        location = warehouse if is_server(warehouse) else str(Path(warehouse).resolve())
        parameters = {"inbox": str(Path(inbox).resolve()), "warehouse": location,
                      "workers": workers, "settings": settings or {},
                      "corrections": str(Path(corrections).resolve()) if corrections else None, "dask": dask}
        print(f"deployment {nightly_ingest.name}/{DEPLOYMENT}: {cron!r} over {parameters['inbox']}", flush=True)
        nightly_ingest.serve(name=DEPLOYMENT, cron=cron, parameters=parameters)
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
