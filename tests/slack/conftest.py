"""Fixtures: a fake Slack Web API, the core on a temp SQLite file, and the real adapter serving HTTP on port 0."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from pydantic import SecretStr
from slack_fake_api import FakeSlackApi
from slack_harness import FIXTURE_CONTENT, SIGNING_SECRET, FinishedLog, SlackClient

from adapters.slack.runner import SlackRunner
from app.settings import Settings
from app.wiring import Core, build_core
from bot.clock import FixedClock
from bot.content import CoursePolicy, load_curriculum

BOT_TOKEN = "xoxb-test-bot-token"
NOW = datetime(2025, 3, 12, 10, 0, tzinfo=UTC)


@pytest.fixture
def fake() -> Iterator[FakeSlackApi]:
    api = FakeSlackApi().start()
    yield api
    api.stop()


@pytest.fixture
def settings(fake: FakeSlackApi) -> Settings:
    return Settings(
        slack_bot_token=SecretStr(BOT_TOKEN), slack_signing_secret=SecretStr(SIGNING_SECRET), slack_api_url=fake.base_url,
        port=0, content_dir=FIXTURE_CONTENT,
    )


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def core(database_url: str, settings: Settings, clock: FixedClock) -> Iterator[Core]:
    built = build_core(settings, db=database_url, clock=clock, content=load_curriculum(FIXTURE_CONTENT, CoursePolicy.relaxed()))
    yield built
    built.store.close()


@pytest.fixture
def finished() -> FinishedLog:
    return FinishedLog()


@pytest.fixture
def runner(core: Core, finished: FinishedLog) -> Iterator[SlackRunner]:
    started = SlackRunner(core, host="127.0.0.1", port=0, on_finished=finished.record)
    started.start()
    yield started
    started.stop()


@pytest.fixture
def slack(runner: SlackRunner, fake: FakeSlackApi) -> SlackClient:
    return SlackClient(runner.url, fake)


@pytest.fixture
def count(core: Core) -> Callable[[str], int]:
    """Rows in a table of the test database."""

    def rows(table: str) -> int:
        return int(core.repo.db.query(f"SELECT COUNT(*) AS n FROM {table}")[0]["n"])

    return rows
