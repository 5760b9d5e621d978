"""Requests Slack did not sign, or that no Slack would send, are refused before anything runs."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Callable
from urllib.parse import urlencode

import pytest
from slack_fake_api import FakeSlackApi
from slack_harness import SlackClient, post, sign

TABLES = ("workspaces", "learners", "quiz_instances", "answers")


def _nothing_stored(count: Callable[[str], int], fake: FakeSlackApi) -> None:
    assert {t: count(t) for t in TABLES} == dict.fromkeys(TABLES, 0)
    assert [c.method for c in fake.calls if c.method != "auth.test"] == []


def test_wrong_signature_is_401_and_nothing_runs(slack: SlackClient, fake: FakeSlackApi, count: Callable[[str], int]) -> None:
    body, _ = slack.command_form("quiz")
    assert slack.signed(body, "application/x-www-form-urlencoded", secret="not-the-secret").status == 401
    _nothing_stored(count, fake)


def test_missing_signature_headers_are_401(slack: SlackClient, fake: FakeSlackApi, count: Callable[[str], int]) -> None:
    body, _ = slack.command_form("quiz")
    assert post(slack.events_url, body, "application/x-www-form-urlencoded").status == 401
    _nothing_stored(count, fake)


def test_stale_timestamp_is_401_even_with_a_valid_signature(slack: SlackClient, fake: FakeSlackApi, count: Callable[[str], int]) -> None:
    body, _ = slack.command_form("quiz")
    assert slack.signed(body, "application/x-www-form-urlencoded", timestamp=int(time.time()) - 600).status == 401
    _nothing_stored(count, fake)


def test_a_tampered_body_is_401(slack: SlackClient, fake: FakeSlackApi, count: Callable[[str], int]) -> None:
    body, _ = slack.command_form("quiz")
    stamp = str(int(time.time()))
    headers = {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": sign(slack.secret, stamp, body)}
    assert post(slack.events_url, body.replace(b"quiz", b"tips"), "application/x-www-form-urlencoded", headers).status == 401
    _nothing_stored(count, fake)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"payload=%7Bnot-json", "application/x-www-form-urlencoded"),
        (urlencode({"payload": json.dumps({"type": "block_actions", "team": {"id": "T1"}, "user": {"id": "U1"}, "actions": []})}).encode(), "application/x-www-form-urlencoded"),
        (urlencode({"payload": json.dumps(["a", "list"])}).encode(), "application/x-www-form-urlencoded"),
        (urlencode({"command": "/aipm", "text": "quiz", "team_id": "T1", "channel_id": "C1"}).encode(), "application/x-www-form-urlencoded"),
        (json.dumps({"type": "event_callback", "team_id": "T1", "event_id": "Ev9"}).encode(), "application/json"),
        (json.dumps({"type": "event_callback", "team_id": "T1", "event": {"type": "app_home_opened"}}).encode(), "application/json"),
        (b"{\"type\": \"event_callback\", ", "application/json"),
        (b"", "application/json"),
        (b"\xff\xfe\x00", "application/json"),
        (json.dumps({"no": "type"}).encode(), "application/json"),
    ],
    ids=["bad-json", "no-actions", "not-an-object", "command-without-user", "event-without-event", "event-without-id", "truncated-json", "empty", "not-utf8", "no-type"],
)
def test_malformed_payloads_are_400_and_nothing_is_stored(
    slack: SlackClient, fake: FakeSlackApi, count: Callable[[str], int], body: bytes, content_type: str,
) -> None:
    assert slack.signed(body, content_type).status == 400
    _nothing_stored(count, fake)


def test_url_verification_echoes_the_challenge(slack: SlackClient) -> None:
    result = slack.signed(json.dumps({"type": "url_verification", "challenge": "abc123", "token": "x"}).encode(), "application/json")
    assert result.status == 200
    assert "abc123" in result.body


def test_healthz(slack: SlackClient) -> None:
    with urllib.request.urlopen(slack.events_url.replace("/slack/events", "/healthz"), timeout=5) as response:
        assert response.status == 200
        assert json.loads(response.read()) == {"status": "ok"}
