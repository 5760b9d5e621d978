"""Talk to the running Slack adapter exactly as Slack does: signed HTTP requests, real wire formats.

Slash commands go as forms, clicks as ``payload=<json>`` forms, events as JSON, each signed with v0
HMAC-SHA256 over ``v0:{timestamp}:{body}``. ``send``/``click`` then wait for what the adapter posted to the
command's response_url on the fake API, so tests read like a conversation.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from slack_fake_api import FakeSlackApi

SIGNING_SECRET = "test-signing-secret-0123456789abcdef"
TEAM = "T1"
FIXTURE_CONTENT = Path(__file__).resolve().parents[1] / "fixtures" / "content"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass
class HttpResult:
    status: int
    body: str
    seconds: float


def post(url: str, body: bytes, content_type: str, headers: dict[str, str] | None = None, timeout: float = 10) -> HttpResult:
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": content_type, **(headers or {})})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return HttpResult(response.status, response.read().decode(), time.perf_counter() - started)
    except urllib.error.HTTPError as error:
        return HttpResult(error.code, error.read().decode(), time.perf_counter() - started)


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    """Every button in a message's blocks: actions rows and section accessories."""
    found = []
    for block in message.get("blocks") or []:
        if block["type"] == "actions":
            found.extend(e for e in block["elements"] if e["type"] == "button")
        elif block.get("accessory", {}).get("type") == "button":
            found.append(block["accessory"])
    return found


def button(message: dict[str, Any], label: str) -> dict[str, Any]:
    for element in buttons(message):
        if element["text"]["text"] == label:
            return element
    raise AssertionError(f"no button {label!r} in {[b['text']['text'] for b in buttons(message)]}")


def all_text(message: dict[str, Any]) -> str:
    parts = [str(message.get("text") or "")]
    for block in message.get("blocks") or []:
        text = block.get("text")
        if isinstance(text, dict):
            parts.append(text["text"])
        for element in block.get("elements") or []:
            if isinstance(element.get("text"), str):
                parts.append(element["text"])
    return "\n".join(parts)


class FinishedLog:
    """Records (kind, outcome) as the adapter finishes each piece of background work, so tests can wait on it."""

    def __init__(self) -> None:
        self.entries: list[tuple[str, str]] = []
        self._cond = threading.Condition()

    def record(self, kind: str, outcome: str) -> None:
        with self._cond:
            self.entries.append((kind, outcome))
            self._cond.notify_all()

    def wait(self, kind: str, outcome: str, count: int = 1, timeout: float = 5.0) -> None:
        def seen() -> int:
            return sum(1 for entry in self.entries if entry == (kind, outcome))

        with self._cond:
            if not self._cond.wait_for(lambda: seen() >= count, timeout=timeout):
                raise AssertionError(f"expected {count} x {(kind, outcome)}, got {self.entries}")


class SlackClient:
    """Signed requests to ``/slack/events`` on the adapter under test."""

    def __init__(self, base_url: str, fake: FakeSlackApi, secret: str = SIGNING_SECRET) -> None:
        self.events_url = base_url + "/slack/events"
        self.fake = fake
        self.secret = secret
        self._ids = itertools.count(1)

    def signed(self, body: bytes, content_type: str, *, timestamp: int | None = None, secret: str | None = None, extra: dict[str, str] | None = None) -> HttpResult:
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        headers = {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": sign(secret or self.secret, stamp, body), **(extra or {})}
        return post(self.events_url, body, content_type, headers)

    # slash commands ---------------------------------------------------------------------------------
    def command_form(self, text: str, *, user: str = "U1", channel: str = "D1", channel_name: str = "directmessage", team: str = TEAM, response_id: str | None = None) -> tuple[bytes, str]:
        response_id = response_id or f"cmd{next(self._ids)}"
        form = {
            "token": "deprecated", "team_id": team, "team_domain": "fake", "channel_id": channel, "channel_name": channel_name,
            "user_id": user, "user_name": user.lower(), "command": "/aipm", "text": text, "api_app_id": "A1",
            "response_url": self.fake.response_url(response_id), "trigger_id": f"trig.{response_id}",
        }
        return urlencode(form).encode(), response_id

    def command(self, text: str, **where: Any) -> tuple[HttpResult, str]:
        body, response_id = self.command_form(text, **where)
        return self.signed(body, "application/x-www-form-urlencoded"), response_id

    def send(self, text: str, **where: Any) -> dict[str, Any]:
        """``/aipm text``; the message the adapter posted back to the response_url."""
        result, response_id = self.command(text, **where)
        assert result.status == 200, result
        return self.fake.wait_response(response_id)

    # clicks -----------------------------------------------------------------------------------------
    def action_payload(
        self, element: dict[str, Any], *, user: str = "U1", channel: str = "D1", action_ts: str | None = None,
        response_id: str | None = None, container: dict[str, Any] | None = None, team: str = TEAM,
    ) -> tuple[dict[str, Any], str]:
        response_id = response_id or f"act{next(self._ids)}"
        payload: dict[str, Any] = {
            "type": "block_actions", "team": {"id": team, "domain": "fake"}, "user": {"id": user, "username": user.lower(), "team_id": team},
            "api_app_id": "A1", "trigger_id": f"trig.{response_id}",
            "container": container or {"type": "message", "message_ts": "1.0", "channel_id": channel, "is_ephemeral": True},
            "channel": {"id": channel, "name": "directmessage" if channel.startswith("D") else "general"},
            "actions": [{
                "type": "button", "action_id": element["action_id"], "block_id": "b1", "value": element.get("value", ""),
                "text": element.get("text", {"type": "plain_text", "text": "?"}), "action_ts": action_ts or f"{time.time():.6f}",
            }],
        }
        if payload["container"]["type"] != "view":
            payload["response_url"] = self.fake.response_url(response_id)
        return payload, response_id

    def click_raw(self, payload: dict[str, Any], extra: dict[str, str] | None = None) -> HttpResult:
        return self.signed(urlencode({"payload": json.dumps(payload)}).encode(), "application/x-www-form-urlencoded", extra=extra)

    def click(self, element: dict[str, Any], **where: Any) -> dict[str, Any]:
        """Click a button element; the message the adapter posted back to the response_url."""
        payload, response_id = self.action_payload(element, **where)
        result = self.click_raw(payload)
        assert result.status == 200, result
        return self.fake.wait_response(response_id)

    # events -----------------------------------------------------------------------------------------
    def event(self, event: dict[str, Any], *, event_id: str = "Ev1", team: str = TEAM, retry_num: int | None = None) -> HttpResult:
        body = json.dumps({
            "token": "deprecated", "team_id": team, "api_app_id": "A1", "type": "event_callback", "event": event,
            "event_id": event_id, "event_time": int(time.time()),
            "authorizations": [{"team_id": team, "user_id": "UBOT", "is_bot": True, "is_enterprise_install": False}],
        }).encode()
        extra = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"} if retry_num is not None else None
        return self.signed(body, "application/json", extra=extra)

