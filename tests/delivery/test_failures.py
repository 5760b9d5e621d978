"""Rate limits, server errors, a removed bot, downtime and a second sweeper."""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta

from bot.delivery_pacing import PlatformLimits, Rate
from bot.delivery_report import SweepReport
from bot.messages import Reply
from bot.ports import Destination, PermanentDeliveryError, TransientDeliveryError
from bot.store.delivery_store import Lease
from bot.store.drivers.sql.delivery import SqlDeliveryStore
from bot.store.repository import StoreUnavailable
from tests.delivery.conftest import MONDAY, World, no_limits
from tests.delivery.fakes import Failure

DUE = MONDAY + timedelta(hours=9)


def test_a_429_waits_retry_after_and_sends_once_without_lookups(world: World) -> None:
    world.subscribe_channel("C1", "09:00 UTC")
    world.messenger.fail("C1", Failure(TransientDeliveryError("ratelimited", retry_after=7)), Failure(TransientDeliveryError("ratelimited", retry_after=3)))
    report = world.at(DUE).sweep()
    assert report.counts["sent"] == 1
    assert len(world.messenger.attempts) == 3
    assert len(world.messenger.posts) == 1
    assert world.time.now >= 10  # waited 7 s, then 3 s, as told
    assert world.messenger.lookups == []  # a 429 proves nothing was posted: no need to look


def test_5xx_backs_off_exponentially_and_checks_before_resending(world: World) -> None:
    world.subscribe_channel("C1", "09:00 UTC")
    world.messenger.fail("C1", Failure(TransientDeliveryError("503")), Failure(TransientDeliveryError("502")))
    report = world.at(DUE).sweep()
    assert report.counts["sent"] == 1
    assert [s for s in world.time.sleeps if s > 0] == [1.0, 2.0]
    assert len(world.messenger.lookups) == 2  # a 5xx might hide a post that went through


def test_a_timeout_after_the_platform_accepted_is_not_posted_twice(world: World) -> None:
    world.subscribe_channel("C1", "09:00 UTC")
    world.messenger.fail("C1", Failure(TransientDeliveryError("timeout"), accepted=True))
    report = world.at(DUE).sweep()
    assert report.counts["recovered"] == 1
    assert list(world.messenger.counts().values()) == [1]


def test_a_slow_original_is_given_time_to_land_before_anyone_looks(world: World) -> None:
    """The client timed out, the platform took the post and shows it 30 s later: wait, look, find, never resend."""
    world.subscribe_channel("C1", "09:00 UTC")
    timeout = TransientDeliveryError("timed out", outcome_unknown=True)
    world.messenger.fail("C1", Failure(timeout, accepted=True, lands_after=30.0))
    report = world.at(DUE).sweep()
    assert report.counts["recovered"] == 1
    assert list(world.messenger.counts().values()) == [1]
    assert len(world.messenger.lookups) == 1, "one look, after the wait, finds it"
    assert max(world.time.sleeps) >= 45.0


def test_a_timeout_with_nothing_posted_is_sent_once_after_the_wait(world: World) -> None:
    world.subscribe_channel("C1", "09:00 UTC")
    world.messenger.fail("C1", Failure(TransientDeliveryError("timed out", outcome_unknown=True)))
    report = world.at(DUE).sweep()
    assert report.counts["sent"] == 1
    assert list(world.messenger.counts().values()) == [1]
    assert world.messenger.lookups, "the unknown outcome was checked before the resend"


def test_persistent_errors_wait_for_the_next_sweep_then_succeed(world: World) -> None:
    world.subscribe_channel("C1", "09:00 UTC")
    world.messenger.fail("C1", *[Failure(TransientDeliveryError("500")) for _ in range(5)])
    delivery = world.delivery(no_limits(max_attempts=4))
    first = world.at(DUE).sweep(delivery)
    assert first.counts["retrying"] == 1
    [row] = world.outbox()
    assert row["status"] == "sending"  # might have been posted: the next try looks first
    assert row["attempts"] == 4
    assert world.sweep(delivery).outcomes == []  # not yet: the back-off has not elapsed
    second = world.at(DUE + timedelta(minutes=1)).sweep(delivery)
    assert second.counts["sent"] == 1
    assert list(world.messenger.counts().values()) == [1]


def test_a_removed_bot_switches_the_subscription_off_and_tells_the_admin_once(world: World) -> None:
    sub = world.subscribe_channel("C9", "09:00 UTC daily")
    world.subscribe_channel("C1", "09:00 UTC daily")
    world.messenger.gone["C9"] = PermanentDeliveryError("channel_not_found")
    report = world.at(DUE).sweep()
    assert report.counts == {"sent": 1, "recovered": 0, "skipped": 0, "failed": 1, "retrying": 0, "deferred": 0}
    assert world.subscription(sub.id).active is False
    [notice] = [p for p in world.messenger.posts if p.destination.kind == "dm"]
    assert notice.destination.user_id == "U-admin"
    assert "switched that subscription off" in notice.reply.text
    assert world.repo.db.query("SELECT delivered FROM delivery_notices")[0]["delivered"] == 1
    for day in range(1, 8):
        world.at(DUE + timedelta(days=day)).sweep()
    assert [a for a in world.messenger.attempts if a[0] == "C9"] == [("C9", f"daily:{sub.id}:20260302")]  # no retry storm
    assert len(world.messenger.posts_to("C1")) == 8 + 1  # the healthy channel carried on (plus its Monday recap)


def test_a_learner_who_blocked_the_bot_is_not_told_about_it(world: World) -> None:
    sub = world.subscribe_dm(world.learner("U-ada"), "09:00")
    world.messenger.gone["dm:U-ada"] = PermanentDeliveryError("cannot_dm_user")
    assert world.at(DUE).sweep().counts["failed"] == 1
    assert world.messenger.posts == []
    assert world.subscription(sub.id).active is False
    assert world.repo.db.query("SELECT delivered FROM delivery_notices")[0]["delivered"] == 0


def test_downtime_shorter_than_the_grace_window_catches_up(world: World) -> None:
    sub = world.subscribe_channel("C1", "09:00 UTC")
    report = world.at(DUE + timedelta(hours=2, minutes=30)).sweep()
    assert report.counts["sent"] == 1
    assert world.messenger.posts[0].key == f"daily:{sub.id}:20260302"


def test_downtime_longer_than_the_grace_window_skips_and_records_it(world: World) -> None:
    sub = world.subscribe_channel("C1", "09:00 UTC")
    report = world.at(DUE + timedelta(hours=3, minutes=30)).sweep()
    assert report.counts["skipped"] == 1
    assert world.messenger.posts == []
    [row] = world.outbox()
    assert row["status"] == "skipped"
    assert "grace" in row["error"]
    world.at(DUE + timedelta(days=1)).sweep()
    assert [p.key for p in world.messenger.posts] == [f"daily:{sub.id}:20260303"]


def test_days_of_downtime_post_only_today_and_skip_the_rest(world: World) -> None:
    sub = world.subscribe_channel("C1", "09:00 UTC weekdays")
    report = world.at(DUE + timedelta(days=3, hours=1)).sweep()  # Thursday 10:00
    assert report.keys("sent") == [f"daily:{sub.id}:20260305"]
    assert sorted(report.keys("skipped")) == [f"daily:{sub.id}:2026030{d}" for d in (2, 3, 4)]


def test_a_custom_grace_window_is_honoured(world: World) -> None:
    world.subscribe_channel("C1", "09:00 UTC")
    late = world.at(DUE + timedelta(minutes=45))
    assert late.sweep(world.delivery(no_limits(grace=timedelta(minutes=30)))).counts["skipped"] == 1


def test_a_post_that_keeps_failing_past_the_grace_window_is_skipped(world: World) -> None:
    world.subscribe_channel("C1", "09:00 UTC")
    world.messenger.fail("C1", *[Failure(TransientDeliveryError("503")) for _ in range(4)])
    assert world.at(DUE).sweep().counts["retrying"] == 1
    assert world.at(DUE + timedelta(hours=3, minutes=1)).sweep().counts["skipped"] == 1
    assert world.messenger.posts == []


class BlockingMessenger:
    """Holds the first send open until told to finish, so a second sweeper can try its luck meanwhile."""

    platform = "slack"

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.entered = threading.Event()
        self.release = threading.Event()

    async def send(self, destination: Destination, reply: Reply, idempotency_key: str) -> str:
        self.entered.set()
        await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 10)
        return await self.inner.send(destination, reply, idempotency_key)  # type: ignore[attr-defined]

    async def find_sent(self, destination: Destination, idempotency_key: str, since: object) -> str | None:
        return await self.inner.find_sent(destination, idempotency_key, since)  # type: ignore[attr-defined]

    async def is_admin(self, workspace_id: str, user_id: str) -> bool | None:
        return await self.inner.is_admin(workspace_id, user_id)  # type: ignore[attr-defined]


def test_two_sweepers_at_once_never_double_send(world: World) -> None:
    for i in range(5):
        world.subscribe_channel(f"C{i}", "09:00 UTC")
    world.at(DUE)
    blocking = BlockingMessenger(world.messenger)
    first = world.delivery(fresh_process=True)
    first.messengers = {"slack": blocking}  # type: ignore[dict-item]
    results: dict[str, SweepReport] = {}
    thread = threading.Thread(target=lambda: results.setdefault("first", first.sweep_now()))
    thread.start()
    assert blocking.entered.wait(10)
    second = world.sweep(world.delivery(fresh_process=True))  # while the first is mid-send
    blocking.release.set()
    thread.join(10)

    assert second.lease_busy
    assert second.outcomes == []
    assert results["first"].counts["sent"] == 5
    assert sorted(world.messenger.counts().values()) == [1] * 5
    assert world.sweep(world.delivery(fresh_process=True)).outcomes == []


def test_a_sweeper_that_lost_its_lease_stops_sending(world: World) -> None:
    for i in range(3):
        world.subscribe_channel(f"C{i}", "09:00 UTC")
    world.at(DUE)
    store = SqlDeliveryStore(world.open_repo().db)
    original_send = world.messenger.send

    async def steal_after_first(destination: Destination, reply: Reply, key: str) -> str:
        with world.store.db.write() as conn:  # another process takes over (ours looked expired to it)
            conn.execute("UPDATE leases SET holder = 'thief', expires_at = expires_at + 600")
        return await original_send(destination, reply, key)

    world.messenger.send = steal_after_first  # type: ignore[method-assign]
    one_a_second = no_limits(limits={"slack": PlatformLimits(per_workspace=Rate(1.0, 1))})  # each send marked on its own
    report = world.sweep(world.delivery(one_a_second, store=store))
    assert report.counts["sent"] == 1
    assert report.counts["deferred"] == 2
    world.messenger.send = original_send  # type: ignore[method-assign]
    with world.store.db.write() as conn:
        conn.execute("DELETE FROM leases")
    assert world.sweep(world.delivery(fresh_process=True)).counts["sent"] == 2
    assert sorted(world.messenger.counts().values()) == [1, 1, 1]


class FlakyStore:
    """The database refuses the first claim commit (locked for longer than the busy timeout)."""

    def __init__(self, inner: SqlDeliveryStore) -> None:
        self.inner = inner
        self.refusals = 1

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    def commit_claims(self, *args: object) -> object:
        if self.refusals:
            self.refusals -= 1
            raise StoreUnavailable("database unavailable: OperationalError: database is locked")
        return self.inner.commit_claims(*args)  # type: ignore[arg-type]


def test_a_busy_database_postpones_planning_without_losing_anything(world: World) -> None:
    world.subscribe_channel("C1", "09:00 UTC")
    delivery = world.delivery(store=FlakyStore(world.store))
    first = world.at(DUE).sweep(delivery)
    assert first.errors
    assert first.outcomes == []
    other = Lease(delivery.lease.name, "another-process")
    assert world.store.acquire_lease(other, DUE, 1)  # the lease was released all the same
    world.store.release_lease(other)
    second = world.at(DUE + timedelta(minutes=1)).sweep(delivery)
    assert second.counts["sent"] == 1
