"""A do-nothing Slack Web API on 127.0.0.1 for benchmarks: every method answers ``{"ok": true}``.

Benchmarks measure our process, not Slack; this only lets the bolt app start (``auth.test``) offline.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        method = self.path.rsplit("/", 1)[-1]
        body: dict[str, Any] = {"ok": True}
        if method == "auth.test":
            body.update({"url": "https://bench.slack.com/", "team": "Bench", "user": "aipm", "team_id": "T0", "user_id": "UBOT", "bot_id": "BBOT"})
        if method == "users.info":
            body["user"] = {"id": "U0", "tz": "UTC", "is_admin": False, "is_owner": False}
        if method == "chat.postMessage":
            body.update({"channel": "C0", "ts": "1.0"})
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST

    def log_message(self, format: str, *args: Any) -> None:
        return


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # the default of 5 resets connections when many replies arrive at once


class FakeSlackApi:
    def __init__(self) -> None:
        self.server = _Server(("127.0.0.1", 0), _Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/api/"

    def __enter__(self) -> FakeSlackApi:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
