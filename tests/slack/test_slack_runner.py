"""The runner's configuration rules, its worker pool, and what it must never write to the logs."""

from __future__ import annotations

import logging
import threading
import time
import urllib.request
from urllib.parse import parse_qsl

import pytest
from pydantic import SecretStr
from slack_fake_api import FakeSlackApi
from slack_harness import SIGNING_SECRET, SlackClient, all_text, button, post

from adapters.slack.ack_first import AckFirst, AckFirstExecutor
from adapters.slack.app import api_base_url
from adapters.slack.runner import SlackRunner
from app.wiring import Core


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"slack_signing_secret": None}, "SLACK_SIGNING_SECRET"),
        ({"slack_bot_token": None}, "SLACK_BOT_TOKEN"),
        ({"slack_bot_token": None, "slack_client_id": "1.2"}, "SLACK_CLIENT_SECRET"),
        ({"slack_app_token": SecretStr("xapp-1"), "slack_bot_token": None}, "Socket Mode needs SLACK_BOT_TOKEN"),
    ],
)
def test_incomplete_configuration_is_refused_with_a_sentence(core: Core, changes: dict[str, object], message: str) -> None:
    core.settings = core.settings.model_copy(update=changes)
    with pytest.raises(ValueError, match=message):
        SlackRunner(core)


def test_modes_follow_the_environment(core: Core) -> None:
    assert SlackRunner(core).socket_mode is False
    core.settings = core.settings.model_copy(update={"slack_app_token": SecretStr("xapp-1")})
    assert SlackRunner(core).socket_mode is True


def test_host_defaults_to_all_interfaces_and_follows_HOST(core: Core, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HOST", raising=False)
    assert SlackRunner(core).host == "0.0.0.0"
    monkeypatch.setenv("HOST", "127.0.0.1")
    assert SlackRunner(core).host == "127.0.0.1"


def test_api_url_always_ends_with_a_slash() -> None:
    assert api_base_url(None) == "https://slack.com/api/"
    assert api_base_url("http://127.0.0.1:9/api") == "http://127.0.0.1:9/api/"


def test_work_waits_while_a_request_is_mid_ack_and_never_longer_than_max_delay() -> None:
    gate = AckFirst(quiet=0.0, max_delay=5.0)
    work = AckFirstExecutor(gate, max_workers=2)
    ran = threading.Event()
    gate.request_started()
    future = work.submit(ran.set)
    assert not ran.wait(0.05)
    gate.request_finished()
    assert ran.wait(5)
    future.result(timeout=5)

    impatient = AckFirst(quiet=0.0, max_delay=0.05)
    work2 = AckFirstExecutor(impatient, max_workers=1)
    impatient.request_started()
    started = time.monotonic()
    work2.submit(lambda: None).result(timeout=5)
    assert time.monotonic() - started < 2
    work.shutdown()
    work2.shutdown()


def test_secrets_never_reach_the_logs(slack: SlackClient, fake: FakeSlackApi, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    quiz = slack.send("quiz")
    slack.click(button(quiz, "A"))
    slack.send("stats")
    logged = "\n".join(f"{r.getMessage()} {r.args}" for r in caplog.records)
    assert logged
    assert "xoxb-test-bot-token" not in logged
    assert SIGNING_SECRET not in logged


def test_extra_get_routes_are_served_next_to_healthz(core: Core) -> None:
    runner = SlackRunner(core, host="127.0.0.1", port=0)
    runner.add_get_route("/metrics", lambda: (b"aipm_up 1\n", "text/plain; version=0.0.4"))
    runner.start()
    try:
        with urllib.request.urlopen(runner.url + "/metrics", timeout=5) as response:
            assert response.read() == b"aipm_up 1\n"
            assert response.headers["Content-Type"].startswith("text/plain")
    finally:
        runner.stop()


def test_socket_mode_serves_the_same_app_without_a_public_events_url(core: Core, fake: FakeSlackApi, monkeypatch: pytest.MonkeyPatch) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler
    from slack_bolt.adapter.socket_mode.internals import run_bolt_app
    from slack_sdk.socket_mode.request import SocketModeRequest

    connected: list[str] = []
    monkeypatch.setattr(SocketModeHandler, "connect", lambda self: connected.append(self.app_token))
    core.settings = core.settings.model_copy(update={"slack_app_token": SecretStr("xapp-test"), "slack_signing_secret": None})
    runner = SlackRunner(core, host="127.0.0.1", port=0)
    runner.start()
    try:
        assert connected == ["xapp-test"]
        assert runner.app is not None
        client = SlackClient(runner.url, fake)
        form, response_id = client.command_form("tip")
        payload = dict(parse_qsl(form.decode()))
        response = run_bolt_app(runner.app, SocketModeRequest(type="slash_commands", envelope_id="env1", payload=payload))
        assert response.status == 200
        assert "Try this week" in all_text(fake.wait_response(response_id))
        assert post(client.events_url, form, "application/x-www-form-urlencoded").status == 404
        with urllib.request.urlopen(runner.url + "/healthz", timeout=5) as health:
            assert health.status == 200
    finally:
        runner.stop()
