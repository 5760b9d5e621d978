"""Sweeps shared by partition: several sweepers split a fan-out, each workspace with one of them, every post once."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import timedelta

from bot.delivery import LEASE_NAME, pacing_limits
from bot.delivery_config import DeliveryConfig
from bot.ports import PlatformLimits, Rate
from bot.store.delivery_store import Lease
from bot.store.drivers.sql.database import shard_of
from tests.delivery.conftest import MONDAY, World

PARTITIONS = 4
WORKSPACES = [f"T{n}" for n in range(12)]


def _subscribe_everywhere(world: World) -> None:
    for workspace in WORKSPACES:
        for channel in ("C1", "C2"):
            world.subscribe_channel(channel, "09:00 UTC daily", workspace=workspace)


def _partition(workspace: str) -> int:
    return shard_of(workspace) % PARTITIONS


def test_a_sweeper_skips_partitions_another_holds_and_the_other_finishes_them(world: World) -> None:
    _subscribe_everywhere(world)
    assert len({_partition(w) for w in WORKSPACES}) > 1, "the test workspaces must fall in several partitions"
    config = DeliveryConfig(limits={}, partitions=PARTITIONS)
    busy = {0, 1}
    for index in busy:  # another live process is sweeping partitions 0 and 1
        assert world.store.acquire_lease(Lease(f"{LEASE_NAME}:{index}/{PARTITIONS}", "other-process"), MONDAY + timedelta(hours=9), 300)

    first = world.at(MONDAY + timedelta(hours=9)).sweep(world.delivery(config, holder="this-process"))
    sent_first = {p.destination.workspace_id for p in world.messenger.posts}
    assert not first.lease_busy, "some partitions were free"
    assert sent_first == {w for w in WORKSPACES if _partition(w) not in busy}

    for index in busy:  # the other process finishes and lets go
        world.store.release_lease(Lease(f"{LEASE_NAME}:{index}/{PARTITIONS}", "other-process"))
    world.sweep(world.delivery(config, holder="other-process", fresh_process=True))
    posts = Counter((p.destination.workspace_id, p.destination.channel_id) for p in world.messenger.posts)
    assert set(posts) == {(w, c) for w in WORKSPACES for c in ("C1", "C2")}
    assert set(posts.values()) == {1}, "every channel once, whichever sweeper had its partition"


def test_when_every_partition_is_held_the_sweep_says_busy_and_sends_nothing(world: World) -> None:
    _subscribe_everywhere(world)
    config = DeliveryConfig(limits={}, partitions=PARTITIONS)
    for index in range(PARTITIONS):
        world.store.acquire_lease(Lease(f"{LEASE_NAME}:{index}/{PARTITIONS}", "other-process"), MONDAY + timedelta(hours=9), 300)
    report = world.at(MONDAY + timedelta(hours=9)).sweep(world.delivery(config, holder="this-process"))
    assert report.lease_busy
    assert world.messenger.posts == []


def test_two_partitioned_sweepers_in_turn_post_everything_once(world: World) -> None:
    _subscribe_everywhere(world)
    config = DeliveryConfig(limits={}, partitions=PARTITIONS)
    world.at(MONDAY + timedelta(hours=9))
    one, two = world.delivery(config, holder="a"), world.delivery(config, holder="b", fresh_process=True)
    world.sweep(one)
    world.sweep(two)
    world.sweep(one)
    assert set(world.messenger.counts().values()) == {1}
    assert len(world.messenger.posts) == 2 * len(WORKSPACES)


def test_each_sweeper_paces_at_its_share_of_a_platform_wide_limit() -> None:
    limits = {"discord": PlatformLimits(per_channel=Rate(1.0, 5), overall=Rate(50.0, 50))}
    shared = pacing_limits(replace(DeliveryConfig(limits=limits), sweepers=2), {})
    assert shared["discord"].overall == Rate(25.0, 25)
    assert shared["discord"].per_channel == Rate(1.0, 5), "a channel is swept by one process at a time"
    assert pacing_limits(DeliveryConfig(limits=limits), {})["discord"].overall == Rate(50.0, 50)


def test_a_sweeper_with_a_different_partition_count_refuses_to_run_and_says_why(world: World) -> None:
    _subscribe_everywhere(world)
    at = MONDAY + timedelta(hours=9)
    assert world.store.acquire_lease(Lease(f"{LEASE_NAME}:1/{PARTITIONS}", "partitioned-process"), at, 300)
    whole = world.at(at).sweep(world.delivery(DeliveryConfig(limits={}), holder="unpartitioned-process"))
    assert whole.lease_busy
    assert any("AIPM_DELIVERY_PARTITIONS" in error for error in whole.errors)
    other = world.sweep(world.delivery(DeliveryConfig(limits={}, partitions=2), holder="two-partition-process"))
    assert other.lease_busy
    assert world.messenger.posts == [], "nothing sent while the processes disagree"
