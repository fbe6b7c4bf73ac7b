"""Serves a built review site over HTTP on localhost, for `scorecards review --serve`."""

from __future__ import annotations

import http.server
from functools import partial
from pathlib import Path
from typing import Any


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # a server for one reviewer: no access log
        pass


def serve_site(out: Path, port: int = 8800, host: str = "127.0.0.1") -> http.server.ThreadingHTTPServer:
    """An HTTP server for the built site on localhost (call serve_forever); port 0 picks a free one."""
    handler = partial(_QuietHandler, directory=str(out))
    return http.server.ThreadingHTTPServer((host, port), handler)
