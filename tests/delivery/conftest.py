"""A delivery world: a real SQLite file, the 2-day test course, a fixed clock, a fake platform, virtual time."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest

from bot.clock import FixedClock
from bot.content import Curriculum
from bot.delivery import Delivery
from bot.delivery_config import DeliveryConfig
from bot.delivery_report import SweepReport
from bot.messages import ACTION_ANSWER, Reply
from bot.service import CompanionService, Context
from bot.store import Store
from bot.store.drivers import open_store
from bot.store.drivers.sql.delivery import SqlDeliveryStore
from bot.store.drivers.sql.repository import SqlRepository
from bot.store.records import Subscription
from tests.databases import fresh_database_url
from tests.delivery.fakes import FakeMessenger, VirtualTime

T = TypeVar("T")

MONDAY = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)


async def inline(work: Callable[[], T]) -> T:
    """Plan on the loop itself: virtual time only advances when no thread is working behind its back."""
    return work()


@dataclass
class World:
    path: str
    """The database URL (a SQLite file, or a PostgreSQL database on the second pass)."""
    curriculum: Curriculum
    clock: FixedClock
    messenger: FakeMessenger
    time: VirtualTime
    stores: list[Store] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.repo = self.open_repo()
        self.service = CompanionService(self.repo, self.curriculum, self.clock)
        self.store = SqlDeliveryStore(self.repo.db)

    def open_repo(self) -> SqlRepository:
        """The repository of a new store on the same database: another process's connections."""
        store = open_store(self.path)
        self.stores.append(store)
        assert isinstance(store.repo, SqlRepository)
        return store.repo

    def delivery(self, config: DeliveryConfig | None = None, store: Any = None, fresh_process: bool = False, **kwargs: Any) -> Delivery:
        """A sweeper; ``fresh_process`` opens its own connections, as a restarted process would."""
        service = self.service
        if fresh_process:
            repo = self.open_repo()
            service = CompanionService(repo, self.curriculum, self.clock)
            store = store or SqlDeliveryStore(repo.db)
        return Delivery(
            service, store or self.store, {self.messenger.platform: self.messenger}, config or DeliveryConfig(limits={}),
            monotonic=self.time.monotonic, sleep=self.time.sleep, offload=inline, **kwargs,
        )

    def sweep(self, delivery: Delivery | None = None) -> SweepReport:
        return self.time.run((delivery or self.delivery()).sweep())

    def at(self, instant: datetime) -> World:
        self.clock.set(instant)
        return self

    def admin(self, channel: str, workspace: str = "T1", user: str = "U-admin") -> Context:
        return Context(workspace_id=workspace, platform=self.messenger.platform, user_id=user, display_name=user, channel_id=channel, is_admin=True)

    def subscribe_channel(self, channel: str, args: str, workspace: str = "T1") -> Subscription:
        reply = self.service.handle_text(self.admin(channel, workspace), f"subscribe {args}")
        assert reply.kind == "subscribe", reply.text
        sub = self.repo.get_subscription(workspace, channel, "channel")
        assert sub is not None
        return sub

    def learner(self, user: str, tz: str = "UTC", workspace: str = "T1") -> Context:
        ctx = Context(workspace_id=workspace, platform=self.messenger.platform, user_id=user, display_name=user.title(), is_dm=True)
        reply = self.service.handle_text(ctx, f"settings tz {tz}")
        assert reply.kind == "settings", reply.text
        return ctx

    def subscribe_dm(self, ctx: Context, args: str = "") -> Subscription:
        reply = self.service.handle_text(ctx, f"subscribe {args}".strip())
        assert reply.kind == "subscribe", reply.text
        sub = self.repo.get_subscription(ctx.workspace_id, f"dm:{ctx.user_id}", "dm")
        assert sub is not None
        return sub

    def answer(self, ctx: Context, reply: Reply, correct: bool = True) -> Reply:
        """Click a letter on a posted quiz, as a learner would."""
        assert reply.quiz_instance_id is not None
        instance = self.repo.get_quiz_instance(ctx.workspace_id, reply.quiz_instance_id)
        assert instance is not None
        right = self.curriculum.questions[instance.question_id].answer
        letter = right if correct else ("A" if right != "A" else "B")
        return self.service.handle_action(ctx, ACTION_ANSWER, f"{reply.quiz_instance_id}:{letter}")

    def outbox(self, **where: str) -> list[dict[str, Any]]:
        clauses = " AND ".join(f"{column} = ?" for column in where) or "1 = 1"
        rows = self.repo.db.query(f"SELECT * FROM outbox WHERE {clauses} ORDER BY id", tuple(where.values()))
        return [dict(r) for r in rows]

    def subscription(self, sub_id: int | None) -> Subscription:
        assert sub_id is not None
        found = self.store.subscription(sub_id)
        assert found is not None
        return found

    def close(self) -> None:
        for store in self.stores:
            store.close()


@pytest.fixture
def world(tmp_path: Path, curriculum: Curriculum) -> Iterator[World]:
    clock = FixedClock(MONDAY)
    time = VirtualTime()
    made = World(fresh_database_url(tmp_path, "delivery.db"), curriculum, clock, FakeMessenger(clock, time=time), time)
    yield made
    made.close()


def no_limits(**changes: Any) -> DeliveryConfig:
    return replace(DeliveryConfig(limits={}), **changes)
