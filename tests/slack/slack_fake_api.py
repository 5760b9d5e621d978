"""A fake Slack Web API on 127.0.0.1 that records every call, for the adapter to talk to via SLACK_API_URL.

It speaks the real wire formats (``/api/<method>`` with query, form or JSON bodies; ``response_url`` posts
under ``/response/<id>``), keeps posted messages per channel so conversations.history can find metadata,
and can be scripted to answer a method with an error or a 429 + Retry-After. Tests wait on recorded calls
with ``wait_for`` instead of sleeping.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

RESPONSE = "response"
UPLOAD = "upload"
DOWNLOAD = "download"


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    path: str

    @property
    def token(self) -> str | None:
        auth = self.headers.get("authorization", "")
        return auth.removeprefix("Bearer ") if auth else self.params.get("token")


@dataclass
class Scripted:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False
    """Do the call's work (a post is stored), then close the connection without answering."""
    hold: threading.Event | None = None
    """Do the call's work, then answer only once this is set (a slow network, released by the test)."""


class _Server(ThreadingHTTPServer):
    """socketserver's default listen backlog is 5: twenty replies released at once overflowed it and the
    kernel reset a connection (a flaky CI failure). Slack's real edge takes any number."""

    request_queue_size = 128


class FakeSlackApi:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.messages: dict[str, list[dict[str, Any]]] = {}
        self.oauth_access: dict[str, Any] = {}
        self.files: dict[str, bytes] = {}
        self.bot_token = "xoxb-test-bot-token"
        """Files a user shared, served at their ``url_private`` to a request with the bot token."""
        self._scripts: dict[str, list[Scripted]] = {}
        self._ts = itertools.count(1)
        self._cond = threading.Condition()
        self._server = _Server(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="fake-slack", daemon=True)

    # lifecycle and addresses ----------------------------------------------------------------------
    def start(self) -> FakeSlackApi:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def root(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def base_url(self) -> str:
        return f"{self.root}/api/"

    def response_url(self, response_id: str) -> str:
        return f"{self.root}/response/{response_id}"

    # scripting and inspection ---------------------------------------------------------------------
    def script_network(self, method: str, *, drop: bool = False, hold: threading.Event | None = None, times: int = 1) -> None:
        """The call goes through, but the answer is lost (``drop``) or late (``hold``)."""
        with self._cond:
            self._scripts.setdefault(method, []).extend(Scripted(0, {}, drop=drop, hold=hold) for _ in range(times))

    def script(self, method: str, status: int = 200, body: dict[str, Any] | None = None, headers: dict[str, str] | None = None, times: int = 1) -> None:
        """Answer the next ``times`` calls to ``method`` like this instead of the default."""
        with self._cond:
            self._scripts.setdefault(method, []).extend(Scripted(status, body or {"ok": False, "error": "scripted"}, headers or {}) for _ in range(times))

    def calls_to(self, method: str) -> list[Call]:
        with self._cond:
            return [c for c in self.calls if c.method == method]

    def responses(self, response_id: str) -> list[Call]:
        with self._cond:
            return [c for c in self.calls if c.method == RESPONSE and c.params.get("_id") == response_id]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0, where: Callable[[Call], bool] | None = None) -> list[Call]:
        """Block until at least ``count`` matching calls were recorded; fail the test on timeout."""
        def matching() -> list[Call]:
            return [c for c in self.calls if c.method == method and (where is None or where(c))]

        with self._cond:
            if not self._cond.wait_for(lambda: len(matching()) >= count, timeout=timeout):
                raise AssertionError(f"expected {count} call(s) to {method}, got {len(matching())}: {[c.method for c in self.calls]}")
            return matching()

    def wait_response(self, response_id: str, count: int = 1, timeout: float = 5.0) -> dict[str, Any]:
        return self.wait_for(RESPONSE, count, timeout, where=lambda c: c.params.get("_id") == response_id)[count - 1].params

    def share_file(self, name: str, data: bytes) -> dict[str, Any]:
        """A file a user uploaded, as a ``message`` event's ``files`` entry lists it; downloading it needs the bot token."""
        file_id = f"F{next(self._ts)}"
        path = f"/files-pri/T1-{file_id}/{name}"
        self.files[path] = data
        url = f"{self.root}{path}"
        return {"id": file_id, "name": name, "title": name, "mimetype": "text/yaml", "filetype": "yaml", "size": len(data),
                "url_private": url, "url_private_download": url + "?download=1"}

    # the API --------------------------------------------------------------------------------------
    def _answer(self, call: Call) -> Scripted:
        with self._cond:
            self.calls.append(call)
            self._cond.notify_all()
            queue = self._scripts.get(call.method)
            scripted = queue.pop(0) if queue else None
        if scripted is not None and not (scripted.drop or scripted.hold):
            return scripted
        if call.method in (RESPONSE, UPLOAD):
            return Scripted(200, {"ok": True})
        handler = getattr(self, "_api_" + call.method.replace(".", "_"), None)
        done = Scripted(200, handler(call.params) if handler else {"ok": True})
        if scripted is not None:
            done.drop, done.hold = scripted.drop, scripted.hold
        return done

    def _api_auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": "https://fake.slack.test/", "team": "Fake", "user": "aipm", "team_id": "T1", "user_id": "UBOT", "bot_id": "BBOT"}

    def _api_users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        user_id = str(params.get("user"))
        user = {"id": user_id, "name": user_id.lower(), "tz": "Asia/Kolkata", "is_admin": False, "is_owner": False}
        user.update(self.users.get(user_id, {}))
        return {"ok": True, "user": user}

    def _api_conversations_open(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "channel": {"id": f"D{params.get('users')}"}}

    def _api_chat_postMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel"))
        # Real time in the ts, as Slack does, so conversations.history's ``oldest`` works as it does there.
        message = {"ts": f"{int(time.time())}.{next(self._ts):06d}", "text": params.get("text"), "blocks": params.get("blocks"), "metadata": params.get("metadata")}
        with self._cond:
            self.messages.setdefault(channel, []).append(message)
        return {"ok": True, "channel": channel, "ts": message["ts"], "message": message}

    def _api_conversations_history(self, params: dict[str, Any]) -> dict[str, Any]:
        oldest = float(params.get("oldest") or 0)
        with_metadata = str(params.get("include_all_metadata")).lower() in ("true", "1")
        with self._cond:
            found = [m for m in self.messages.get(str(params.get("channel")), []) if float(m["ts"]) >= oldest]
        shown = [m if with_metadata else {k: v for k, v in m.items() if k != "metadata"} for m in reversed(found)]
        return {"ok": True, "messages": shown, "has_more": False}

    def _api_views_publish(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "view": {"id": "V1", "type": "home"}}

    def _api_files_getUploadURLExternal(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = f"F{next(self._ts)}"
        return {"ok": True, "upload_url": f"{self.root}/upload/{file_id}", "file_id": file_id}

    def _api_files_completeUploadExternal(self, params: dict[str, Any]) -> dict[str, Any]:
        files = json.loads(params["files"]) if isinstance(params.get("files"), str) else params.get("files") or []
        return {"ok": True, "files": [{"id": f["id"], "title": f.get("title")} for f in files]}

    def _api_oauth_v2_access(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.oauth_access or {"ok": False, "error": "invalid_code"}

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                url = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                data = self.rfile.read(length) if length else b""
                raw = "" if url.path.startswith("/upload/") else data.decode("utf-8")
                params: dict[str, Any] = dict(parse_qsl(url.query))
                if raw:
                    if (self.headers.get("Content-Type") or "").startswith("application/json"):
                        params.update(json.loads(raw))
                    else:
                        params.update(dict(parse_qsl(raw, keep_blank_values=True)))
                for key in ("blocks", "metadata", "view"):
                    if isinstance(params.get(key), str):
                        params[key] = json.loads(params[key])
                if url.path.startswith("/files-pri/"):
                    headers = {k.lower(): v for k, v in self.headers.items()}
                    fake._answer(Call(DOWNLOAD, {"_path": url.path}, headers, url.path))
                    found = fake.files.get(url.path)
                    allowed = headers.get("authorization") == f"Bearer {fake.bot_token}"
                    body = found if found is not None and allowed else b"<html>sign in to Slack</html>"  # as Slack answers a bad token
                    self.send_response(200)
                    self.send_header("Content-Type", "application/octet-stream" if found is not None and allowed else "text/html")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                if url.path.startswith("/response/"):
                    method = RESPONSE
                    params["_id"] = url.path.rsplit("/", 1)[-1]
                elif url.path.startswith("/upload/"):
                    method = UPLOAD
                    params = {"_id": url.path.rsplit("/", 1)[-1], "_bytes": data}
                else:
                    method = url.path.removeprefix("/api/")
                headers = {k.lower(): v for k, v in self.headers.items()}
                answer = fake._answer(Call(method, params, headers, url.path))
                if answer.hold is not None:
                    answer.hold.wait(30)
                if answer.drop:
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                payload = b"ok" if method == RESPONSE and answer.status == 200 else json.dumps(answer.body).encode()
                self.send_response(answer.status)
                self.send_header("Content-Type", "text/plain" if payload == b"ok" else "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            do_GET = _handle
            do_POST = _handle

        return Handler
