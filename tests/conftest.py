"""Shared fixtures: a real SQLite file, the small test curriculum, a fixed clock and a conversation helper."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.clock import FixedClock
from bot.content import CoursePolicy, Curriculum, load_curriculum
from bot.messages import Button, Reply
from bot.service import CompanionService, Context
from bot.store import Store
from bot.store.drivers import open_store
from bot.store.drivers.sqlite import SqliteRepository
from tests.databases import database_under_test, fresh_database_url, require_postgres
from tests.pg_server import PostgresServer, shared_server, why_unavailable

# No test reads or writes the user's own data directory (the default database lives there): this run, and the
# processes it starts, get a fresh one.
os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="aipm-test-data-")
os.environ.pop("AIPM_DB", None)

FIXTURE_CONTENT = Path(__file__).parent / "fixtures" / "content"
START = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # a Monday


@pytest.fixture(scope="session")
def curriculum() -> Curriculum:
    return load_curriculum(FIXTURE_CONTENT, CoursePolicy.relaxed())


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[SqliteRepository]:
    repository = SqliteRepository(tmp_path / "aipm.db")
    yield repository
    repository.close()


@pytest.fixture
def service(repo: SqliteRepository, curriculum: Curriculum, clock: FixedClock) -> CompanionService:
    return CompanionService(repo, curriculum, clock)


@dataclass
class Chat:
    """A conversation with the bot that reads like one: ``chat.send("quiz")``, ``chat.click("B")``."""

    service: CompanionService
    ctx: Context
    last: Reply | None = None

    def send(self, text: str) -> Reply:
        self.last = self.service.handle_text(self.ctx, text)
        return self.last

    def button(self, label: str, reply: Reply | None = None) -> Button:
        source = reply or self.last
        assert source is not None, "no reply to click on"
        matches = [b for b in source.buttons if b.label == label]
        assert matches, f"no button {label!r} in {[b.label for b in source.buttons]}"
        return matches[0]

    def click(self, label: str, reply: Reply | None = None) -> Reply:
        button = self.button(label, reply)
        self.last = self.service.handle_action(self.ctx, button.action_id, button.value)
        return self.last

    def as_user(self, user_id: str, **changes: object) -> Chat:
        return Chat(self.service, replace(self.ctx, user_id=user_id, display_name=user_id, **changes))  # type: ignore[arg-type]


@pytest.fixture
def chat(service: CompanionService) -> Chat:
    ctx = Context(workspace_id="T1", platform="console", user_id="U1", display_name="Ada", channel_id="C1")
    return Chat(service, ctx)


# PostgreSQL --------------------------------------------------------------------------------------
@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """A fresh database for one test: a SQLite file, or (``AIPM_TEST_DB=postgres``) a new PostgreSQL database."""
    return fresh_database_url(tmp_path)


@pytest.fixture(params=["sqlite", "postgres"])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """The same test on every driver: the contract suite's fixture."""
    store = open_store(fresh_database_url(tmp_path, "contract.db", driver=request.param))
    yield store
    store.close()


@pytest.fixture(scope="session")
def pg_server() -> PostgresServer:
    """The session's throwaway PostgreSQL cluster (skipped where PostgreSQL is missing, except under CI)."""
    require_postgres()
    return shared_server()


def pytest_configure(config: pytest.Config) -> None:
    """The PostgreSQL pass of ``make test`` ends at once, in one line, where PostgreSQL cannot run (not under CI)."""
    if database_under_test() == "postgres" and not os.environ.get("CI"):
        reason = why_unavailable()
        if reason is not None:
            pytest.exit(f"skipping the PostgreSQL pass: {reason}", returncode=0)
