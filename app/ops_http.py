"""A minimal ``/healthz`` + ``/metrics`` server for when no Slack HTTP server runs (Discord only, Socket Mode off).

Container orchestrators and Prometheus need the same two endpoints whichever adapters are configured.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

GetRoute = Callable[[], tuple[bytes, str]]


def health() -> tuple[bytes, str]:
    return json.dumps({"status": "ok"}).encode(), "application/json"


class OpsHttpServer:
    def __init__(self, host: str, port: int, routes: Mapping[str, GetRoute], health_problem: Callable[[], str | None] | None = None) -> None:
        """``health_problem`` returns None when the bot can work, else the reason (``/healthz`` answers 503)."""
        table = {"/healthz": health, **routes}

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                produce = table.get(path)
                if produce is None:
                    self.send_error(404)
                    return
                status = 200
                problem = health_problem() if path == "/healthz" and health_problem is not None else None
                if problem:
                    body, content_type, status = json.dumps({"status": "unavailable", "reason": problem}).encode(), "application/json", 503
                else:
                    body, content_type = produce()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.port = int(self.server.server_address[1])
        self._thread = threading.Thread(target=self.server.serve_forever, name="aipm-ops-http", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
