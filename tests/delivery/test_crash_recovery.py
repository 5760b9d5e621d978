"""A crash at any step of a send, then a restart on the same database file: every post exactly once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.store.drivers.sql.delivery import SqlDeliveryStore
from tests.delivery.conftest import MONDAY, World
from tests.delivery.fakes import CrashingStore, SimulatedCrash

DUE = MONDAY + timedelta(hours=9)


def _two_subscriptions(world: World) -> None:
    world.subscribe_channel("C1", "09:00 UTC")
    world.subscribe_dm(world.learner("U-ada"), "09:00")


@pytest.mark.parametrize(
    ("store_step", "platform_step", "rows_left"),
    [
        (("commit_claims", 1), None, "pending"),  # planned, nothing sent
        (("record_attempts", 1), None, "sending"),  # marked sending, the platform never called
        (None, "before", "sending"),  # inside send, before the platform had it
        (None, "during", "sending"),  # the platform accepted it, we died before marking it sent
        (("record_attempts", 2), None, "sent"),  # marked sent, died before anything else
    ],
)
def test_a_crash_at_any_step_neither_drops_nor_repeats(
    world: World, store_step: tuple[str, int] | None, platform_step: str | None, rows_left: str,
) -> None:
    _two_subscriptions(world)
    world.at(DUE)
    store = CrashingStore(SqlDeliveryStore(world.open_repo().db), *store_step) if store_step else None
    world.messenger.crash = platform_step
    crashed = world.delivery(store=store, fresh_process=True)
    with pytest.raises(SimulatedCrash):
        world.sweep(crashed)
    assert rows_left in {row["status"] for row in world.outbox()}

    world.at(DUE + timedelta(minutes=1))
    restarted = world.delivery(fresh_process=True)  # a new process: new connections, new lease holder
    report = world.sweep(restarted)

    counts = world.messenger.counts()
    assert sorted(counts) == ["daily:1:20260302", "daily:2:20260302"]
    assert set(counts.values()) == {1}, counts
    assert {row["status"] for row in world.outbox()} == {"sent"}
    if platform_step == "during":
        assert report.counts["recovered"] == 1  # found with find_sent, not sent again
        assert world.messenger.lookups
    assert world.sweep(world.delivery(fresh_process=True)).outcomes == []


def test_a_dead_sweepers_lease_blocks_until_it_expires(world: World) -> None:
    world.subscribe_channel("C1", "09:00 UTC")
    world.at(DUE)
    with world.store.db.write() as conn:
        conn.execute("INSERT INTO leases (name, holder, expires_at) VALUES ('delivery-sweep', 'dead-host:1:abc', ?)", (int(DUE.timestamp()) + 300,))
    assert world.sweep().lease_busy
    assert world.messenger.posts == []
    world.at(DUE + timedelta(minutes=5, seconds=1))
    report = world.sweep()
    assert not report.lease_busy
    assert report.counts["sent"] == 1


def test_a_post_planned_before_a_crash_is_not_sent_after_forget_me(world: World) -> None:
    ada = world.learner("U-ada")
    world.subscribe_dm(ada, "09:00")
    world.at(DUE)
    with pytest.raises(SimulatedCrash):
        world.sweep(world.delivery(store=CrashingStore(world.store, "commit_claims")))
    assert world.service.handle_text(ada, "forget-me confirm").kind == "forget"
    report = world.sweep(world.delivery(fresh_process=True))
    assert report.counts["skipped"] == 1
    assert world.messenger.posts == []
