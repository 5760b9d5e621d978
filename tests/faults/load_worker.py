"""A bot process under load, for the kill -9 test: 50 learners answer while a daily push is in flight.

Each answer the core acknowledged is printed as ``ACK <user> <instance>`` only after the reply came back,
which is when a platform adapter would tell the learner. The daily push goes to a file-backed "platform"
(one line per accepted post, flushed and fsynced before the call returns), slowly, so that the test's
kill lands in the middle of it.
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
from datetime import datetime, timedelta
from pathlib import Path

from bot.clock import Clock, SystemClock
from bot.content import CoursePolicy, load_curriculum
from bot.delivery import Delivery
from bot.messages import ACTION_ANSWER, Reply
from bot.ports import Destination
from bot.service import CompanionService, Context
from bot.store.drivers import open_store
from bot.store.drivers.sql.delivery import SqlDeliveryStore
from bot.store.drivers.sql.repository import SqlRepository
from bot.store.records import Subscription

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "content"
PLATFORM = "load"
CHANNELS = 40


class FilePlatform:
    """A platform whose accepted posts are lines in a file, so a test can count them after a crash."""

    platform = PLATFORM

    def __init__(self, log: Path, delay: float = 0.0, announce: bool = False) -> None:
        self.log = log
        self.delay = delay
        self.announce = announce
        self._lock = asyncio.Lock()

    async def send(self, destination: Destination, reply: Reply, idempotency_key: str) -> str:
        async with self._lock:
            await asyncio.sleep(self.delay)  # a slow platform, so the push is still going when we are killed
            with self.log.open("a", encoding="utf-8") as handle:
                handle.write(f"{idempotency_key}\n")
                handle.flush()
                os.fsync(handle.fileno())
        if self.announce:
            sys.stdout.write(f"SENT {idempotency_key}\n")
            sys.stdout.flush()
        return idempotency_key

    async def find_sent(self, destination: Destination, idempotency_key: str, since: datetime) -> str | None:
        if not self.log.exists():
            return None
        return idempotency_key if idempotency_key in self.log.read_text(encoding="utf-8").split() else None

    async def is_admin(self, workspace_id: str, user_id: str) -> bool | None:
        """No people on this platform, so no admin-only post (the team report) goes through it."""
        return False


def subscribe_channels(repo: SqlRepository, clock: Clock) -> None:
    now = clock.now()
    repo.ensure_workspace("T1", PLATFORM, "Load", now)
    for index in range(CHANNELS):
        repo.upsert_subscription(Subscription(
            id=None, workspace_id="T1", platform=PLATFORM, channel_id=f"C{index}", kind="channel", user_id=None,
            local_time="09:00", tz="UTC", days="0,1,2,3,4,5,6", track="path", active=True,
            next_due_at=now - timedelta(minutes=1), created_by="admin", created_at=now,
        ))


def delivery_for(service: CompanionService, repo: SqlRepository, platform: FilePlatform) -> Delivery:
    return Delivery(service, SqlDeliveryStore(repo.db), {PLATFORM: platform})


def main(db_path: str, platform_log: str, learners: int = 50) -> None:
    store = open_store(db_path)
    repo = store.repo
    assert isinstance(repo, SqlRepository)
    service = CompanionService(repo, load_curriculum(FIXTURES, CoursePolicy.relaxed()), SystemClock())
    subscribe_channels(repo, service.clock)
    out_lock = threading.Lock()

    def learner(index: int) -> None:
        ctx = Context(workspace_id="T1", platform=PLATFORM, user_id=f"U{index}", display_name=f"learner {index}", channel_id="C1")
        while True:
            quiz = service.handle_text(ctx, "quiz")
            if quiz.quiz_instance_id is None:
                continue
            reply = service.handle_action(ctx, ACTION_ANSWER, f"{quiz.quiz_instance_id}:A")
            if reply.answer is not None and not reply.answer.already:
                with out_lock:
                    sys.stdout.write(f"ACK {ctx.user_id} {quiz.quiz_instance_id}\n")
                    sys.stdout.flush()

    threads = [threading.Thread(target=learner, args=(i,), daemon=True) for i in range(learners)]
    for thread in threads:
        thread.start()
    delivery_for(service, repo, FilePlatform(Path(platform_log), delay=0.05, announce=True)).sweep_now()
    threading.Event().wait()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
