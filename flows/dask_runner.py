"""Extraction on a Dask cluster (issue #16): the task runner of an ingest given `--dask`.

`--dask tcp://host:8786` connects to a running scheduler (workers started on other machines with
`dask worker tcp://host:8786 --nworkers 1 --nthreads 1`); `--dask local` starts a LocalCluster here
of `--workers` worker processes, one thread each (Tesseract and the PDF parsers are CPU-bound and
hold the GIL for much of their work: processes, not threads, use the cores).

prefect-dask and distributed come with `pip install "scorecards[teams]"`; they are imported only
when Dask is asked for.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

log = logging.getLogger("scorecards")

LOCAL = "local"
MISSING = ("extraction on Dask needs prefect-dask and distributed, which are not installed: "
           'pip install "scorecards[teams]"')


def dask_task_runner(address: str, workers: int = 1) -> Any:
    """A prefect-dask DaskTaskRunner: the scheduler at `address`, or for "local" a new local cluster of
    `workers` worker processes with a thread each (started on the first task, closed with the runner)."""
    local = address.strip().lower() == LOCAL
    if not local and "://" not in address and ":" not in address:
        raise ValueError(f"--dask {address!r}: expected a scheduler address (tcp://host:8786) or 'local'")
    try:
        from prefect_dask import DaskTaskRunner
    except ImportError as exc:
        raise RuntimeError(MISSING) from exc
    if local:
        # The run's own scheduler and nannies live in this process: not every worker's start and stop.
        logging.getLogger("distributed").setLevel(logging.WARNING)
        return DaskTaskRunner(cluster_kwargs={
            "n_workers": max(1, int(workers)), "threads_per_worker": 1, "processes": True,
            "dashboard_address": None,  # no web server (and no bokeh) for a run's own cluster
            "silence_logs": logging.WARNING,
        })
    return DaskTaskRunner(address=address)


def worker_name() -> str:
    """Where this code runs: the Dask worker's address and process id, or "" outside a Dask worker."""
    try:
        from distributed import get_worker

        worker = get_worker()
    except (ImportError, ValueError):
        return ""
    return f"{worker.address} pid {os.getpid()}"


@contextmanager
def shared_api(address: str) -> Iterator[None]:
    """Make the Dask workers report their task runs to this run's Prefect API.

    With PREFECT_API_URL set, the workers get it with each task (prefect-dask sends the settings).
    Without it the flow runs on a temporary server of its own, which every worker process would
    otherwise start again for itself, on the same database file ("database is locked"): here its
    address is made the API URL for the tasks. That address is on this machine's loopback, which
    workers on other machines cannot reach: they want a Prefect server (`prefect server start
    --host 0.0.0.0`) and PREFECT_API_URL pointing at it.
    """
    from prefect.settings import PREFECT_API_URL, temporary_settings

    if PREFECT_API_URL.value():
        yield
        return
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()  # the flow's own temporary server (one per process), already running
    server.start()
    if address.strip().lower() != LOCAL and not any(h in address for h in ("127.0.0.1", "localhost", "[::1]")):
        log.warning("Dask workers at %s report to this run's temporary Prefect server at %s, on loopback: "
                    "workers on other machines cannot reach it. Start a Prefect server and set PREFECT_API_URL.",
                    address, server.api_url)
    with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
        yield
