"""Check the shape of an inbound Slack body before bolt sees it, and name each delivery for deduplication.

Bolt assumes well-formed payloads: a slash command without ``user_id`` or a ``payload=`` that is not JSON
would surface as a 500 or an unhandled 404 after middleware has run. Rejecting them here with 400, after
the signature check and before dispatch, means nothing malformed ever reaches the core or the database.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import parse_qsl

# Set on a request our HTTP server has written to the intake ("admitted") or that recovery re-dispatches
# ("recover"); never taken from outside (the server drops it from incoming headers).
INTAKE_HEADER = "x-aipm-intake"
SLASH_COMMAND_FIELDS = ("command", "team_id", "user_id", "channel_id", "response_url")


class MalformedPayload(ValueError):
    """The body is signed but is not a Slack payload we can act on."""


def parse_body(raw: str, content_type: str | None) -> dict[str, Any]:
    """The body as Slack means it: JSON for events, a form for commands, ``payload=<json>`` for interactions."""
    if not raw.strip():
        raise MalformedPayload("empty body")
    media = (content_type or "").split(";")[0].strip().lower()
    try:
        if media == "application/json" or raw.lstrip().startswith("{"):
            body = json.loads(raw)
        else:
            form = dict(parse_qsl(raw, keep_blank_values=True, strict_parsing=True))
            body = json.loads(form["payload"]) if "payload" in form else form
    except (ValueError, KeyError, RecursionError) as error:  # RecursionError: JSON nested absurdly deep
        raise MalformedPayload(f"unreadable body: {error.__class__.__name__}") from error
    if not isinstance(body, dict):
        raise MalformedPayload("the body is not an object")
    return body


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value:
        raise MalformedPayload(f"missing {key}")
    return value


def _object(body: dict[str, Any], key: str) -> dict[str, Any]:
    value = body.get(key)
    if not isinstance(value, dict):
        raise MalformedPayload(f"missing {key}")
    return value


# Fields bolt reads while routing, and the only shapes it copes with; anything else is refused up front.
_OBJECT_FIELDS = ("team", "user", "channel", "container", "event", "view", "enterprise", "message", "state")
_TEXT_FIELDS = (
    "team_id", "user_id", "channel_id", "enterprise_id", "api_app_id", "trigger_id", "response_url", "type", "token",
    "event_id", "callback_id", "command", "text", "challenge",
)
_ID_HOLDERS = ("user", "channel", "team", "enterprise")


def _check_shapes(body: dict[str, Any]) -> None:
    for key in ("event", "view"):  # bolt calls .get() on these whenever the key is present
        if key in body and not isinstance(body[key], dict):
            raise MalformedPayload(f"{key} must be an object")
    response_urls = body.get("response_urls")
    if response_urls is not None and (not isinstance(response_urls, list) or not all(isinstance(r, dict) for r in response_urls)):
        raise MalformedPayload("response_urls must be a list of objects")
    for key in _OBJECT_FIELDS:
        if body.get(key) is not None and not isinstance(body[key], dict):
            raise MalformedPayload(f"{key} must be an object")
    # Slack's URL handshake is answered from its challenge alone; the deprecated token beside it is not read.
    text_fields = [k for k in _TEXT_FIELDS if k != "token"] if body.get("type") == "url_verification" else _TEXT_FIELDS
    for key in text_fields:
        if body.get(key) is not None and not isinstance(body[key], str):
            raise MalformedPayload(f"{key} must be text")
    if body.get("is_enterprise_install") is not None and not isinstance(body["is_enterprise_install"], bool | str):
        raise MalformedPayload("is_enterprise_install must be a boolean")
    authorizations = body.get("authorizations")
    if authorizations is not None and (not isinstance(authorizations, list) or not all(isinstance(a, dict) for a in authorizations)):
        raise MalformedPayload("authorizations must be a list of objects")
    for holder in ("event", "view", "container", "message"):
        inner = body.get(holder)
        if isinstance(inner, dict):
            for key in _ID_HOLDERS:
                value = inner.get(key)
                if value is not None and not isinstance(value, str | dict):
                    raise MalformedPayload(f"{holder}.{key} must be text or an object")
            for key in ("type", "channel_id", "user_id", "team_id", "id"):
                if inner.get(key) is not None and not isinstance(inner[key], str):
                    raise MalformedPayload(f"{holder}.{key} must be text")
    for key in _ID_HOLDERS:
        inner = body.get(key)
        if isinstance(inner, dict) and inner.get("id") is not None and not isinstance(inner["id"], str):
            raise MalformedPayload(f"{key}.id must be text")


def bolt_safe_body(raw: str, body: dict[str, Any]) -> str:
    """The raw body bolt should parse: a form whose text merely contains the word "payload" is re-encoded.

    Bolt treats any form body containing "payload" as an interactive ``payload=`` and drops the command;
    escaping one letter (``%70`` is "p") keeps the decoded values identical while hiding the word.
    """
    if "command" in body and "payload" in raw and not raw.lstrip().startswith("{"):  # forms only: JSON is parsed as is
        return raw.replace("payload", "%70ayload")
    return raw


def validate(body: dict[str, Any]) -> str:
    """The payload's kind (``command``, ``block_actions``, ``event_callback``, ...); raise MalformedPayload if unusable."""
    _check_shapes(body)
    if "command" in body:
        for field in SLASH_COMMAND_FIELDS:
            _text(body, field)
        if not isinstance(body.get("text", ""), str):
            raise MalformedPayload("text must be a string")
        return "command"
    kind = body.get("type")
    if body.get("ssl_check") == "1":
        return "ssl_check"
    if not isinstance(kind, str):
        raise MalformedPayload("no payload type")
    if kind == "url_verification":
        _text(body, "challenge")
    elif kind == "event_callback":
        _text(body, "team_id")
        _text(body, "event_id")
        _text(_object(body, "event"), "type")
    elif kind == "block_actions":
        _text(_object(body, "team"), "id")
        _text(_object(body, "user"), "id")
        actions = body.get("actions")
        if not isinstance(actions, list) or not actions or not all(isinstance(a, dict) for a in actions):
            raise MalformedPayload("missing actions")
        _text(actions[0], "action_id")
        if not isinstance(actions[0].get("value", ""), str):
            raise MalformedPayload("action value must be a string")
        container = body.get("container") or {}
        if body.get("response_url") is None and container.get("type") != "view":
            raise MalformedPayload("missing response_url")
    return kind


def action_key(body: dict[str, Any]) -> str:
    """One click, however often Slack delivers it: the same user, action and ``action_ts``."""
    action = body["actions"][0]
    return ":".join(
        ("action", str(body["team"]["id"]), str(body["user"]["id"]), str(action.get("action_ts", "")), str(action["action_id"]), str(action.get("value", "")))
    )


def event_key(body: dict[str, Any]) -> str:
    """Slack repeats ``event_id`` on every retry of the same event."""
    return f"event:{body['event_id']}"


def command_key(body: dict[str, Any]) -> str:
    """``trigger_id`` is unique to one invocation: a replayed signed command carries the same one."""
    trigger = body.get("trigger_id") or hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:32]
    return f"command:{body['team_id']}:{trigger}:{body['user_id']}"


def intake_key(body: dict[str, Any], kind: str) -> str | None:
    """The intake key of a request we apply (a command, a click, a Home tab opening); None for the rest.

    Other events (token revocation, URL checks) are idempotent and handled by bolt alone.
    """
    if kind == "command":
        return f"slack:{command_key(body)}"
    if kind == "block_actions":
        return f"slack:{action_key(body)}"
    if kind == "event_callback" and (body.get("event") or {}).get("type") == "app_home_opened":
        return f"slack:{event_key(body)}"
    if kind == "event_callback" and is_dm_file(body.get("event") or {}):
        return f"slack:{event_key(body)}"
    return None


def is_dm_file(event: dict[str, Any]) -> bool:
    """A person (not a bot) sent a file in their DM with the bot: maybe the track an admin said would follow."""
    return (
        event.get("type") == "message" and event.get("channel_type") == "im" and isinstance(event.get("files"), list)
        and bool(event["files"]) and not event.get("bot_id") and isinstance(event.get("user"), str)
    )
