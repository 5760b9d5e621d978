"""Slack gets its ack at once, however slow the core is; the answer follows on the response_url."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from slack_fake_api import FakeSlackApi
from slack_harness import FinishedLog, SlackClient, all_text
from slack_sdk import WebClient

from adapters.slack.runner import SlackRunner
from app.wiring import Core
from bot.messages import Reply
from bot.service import Context


class SlowService:
    """The real service behind work that waits until the test releases it.

    The wait is in the request's work before its transaction (where a slow ``users.info`` or any other
    platform call sits), not inside the use case: a use case is applied in one write transaction with its
    intake mark, and a core call that blocked there would hold the database's write lock, which the next
    request's intake admission needs before its ack.
    """

    def __init__(self, core: Core) -> None:
        self.inner = core.service
        self.release = threading.Event()
        self.entered = threading.Event()

    def hold(self) -> None:
        self.entered.set()
        if not self.release.wait(timeout=10):
            raise TimeoutError("the test never released the slow service")

    def handle_text(self, ctx: Context, text: str) -> Reply:
        return self.inner.handle_text(ctx, text)

    def handle_action(self, ctx: Context, action_id: str, value: str) -> Reply:
        return self.inner.handle_action(ctx, action_id, value)

    def home(self, ctx: Context) -> Reply:
        return self.inner.home(ctx)


@pytest.fixture
def slow(core: Core) -> SlowService:
    return SlowService(core)


@pytest.fixture
def slow_runner(core: Core, slow: SlowService, finished: FinishedLog) -> Iterator[SlackRunner]:
    runner = SlackRunner(core, host="127.0.0.1", port=0, service=slow, on_finished=finished.record)
    contexts = runner.handlers.contexts
    for_command = contexts.for_command

    def slow_context(body: dict[str, Any], client: WebClient) -> Context:
        slow.hold()
        return for_command(body, client)

    contexts.for_command = slow_context  # type: ignore[method-assign]
    runner.start()
    yield runner
    slow.release.set()
    runner.stop()


def test_the_ack_arrives_while_the_core_is_still_working(slow_runner: SlackRunner, slow: SlowService, fake: FakeSlackApi) -> None:
    slack = SlackClient(slow_runner.url, fake)
    result, response_id = slack.command("quiz")
    assert result.status == 200
    assert result.seconds < 3
    assert slow.entered.wait(5), "the work never started"
    assert fake.responses(response_id) == []
    slow.release.set()
    message = fake.wait_response(response_id)
    assert "Tap a letter" in all_text(message)


def test_many_slow_commands_are_all_acked_before_any_finishes(slow_runner: SlackRunner, slow: SlowService, fake: FakeSlackApi) -> None:
    slack = SlackClient(slow_runner.url, fake)
    sent = [slack.command("tip", user=f"U{i}") for i in range(20)]
    assert all(result.status == 200 and result.seconds < 3 for result, _ in sent)
    assert fake.calls_to("response") == []
    slow.release.set()
    fake.wait_for("response", count=20)
