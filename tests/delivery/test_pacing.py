"""Token buckets and fan-out pacing, on virtual time: limits hold, and a busy workspace delays only itself."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import timedelta

import pytest

from adapters.discord.messenger import DISCORD_LIMITS
from bot.delivery_pacing import Pacer, PlatformLimits, PriorityGate, Rate, TokenBucket
from bot.ports import Destination
from bot.store.drivers.sql.database import to_ts
from tests.delivery.conftest import MONDAY, World, no_limits
from tests.delivery.fakes import VirtualTime


def _dest(channel: str, workspace: str = "T1", platform: str = "slack") -> Destination:
    return Destination(workspace, platform, channel, "channel")


def test_a_bucket_allows_its_burst_then_its_rate() -> None:
    bucket = TokenBucket(Rate(1.0, 3))
    times = []
    for _ in range(6):
        at = bucket.earliest(0.0)
        bucket.take(at)
        times.append(at)
    assert times == [0.0, 0.0, 0.0, 1.0, 2.0, 3.0]
    assert bucket.earliest(10.0) == 10.0  # refilled while idle


def _passes(pacer: Pacer, time: VirtualTime, destinations: list[Destination]) -> list[float]:
    """Start a wait for each destination at once, in order; return when each was let through."""

    async def one(destination: Destination) -> float:
        await pacer.wait(destination)
        return time.now

    async def all_of_them() -> list[float]:
        return list(await asyncio.gather(*(one(d) for d in destinations)))

    return time.run(all_of_them())


def test_the_pacer_takes_a_token_from_every_bucket_of_a_destination() -> None:
    time = VirtualTime()
    pacer = Pacer({"slack": PlatformLimits(per_channel=Rate(1.0, 2), per_workspace=Rate(4.0, 4))}, time.monotonic, time.sleep)
    passed = _passes(pacer, time, [_dest(f"C{i}") for i in range(2, 6)] + [_dest("C1")] * 3 + [_dest("C1", workspace="T2")])
    assert passed[:4] == [0.0, 0.0, 0.0, 0.0]  # the workspace's burst
    assert passed[4:7] == [0.25, 0.5, 1.25]  # the workspace's rate, then the channel's (burst 2, 1/s)
    assert passed[7] == 0.0  # another workspace is not held up


def test_retry_after_pauses_the_channel_and_workspace_but_not_the_platform() -> None:
    time = VirtualTime()
    pacer = Pacer({"discord": DISCORD_LIMITS}, time.monotonic, time.sleep)
    pacer.back_off(_dest("C1", platform="discord"), 5.0)
    blocked, other = _passes(pacer, time, [_dest("C1", platform="discord"), _dest("C2", platform="discord")])
    assert blocked == pytest.approx(5.0)
    assert other < 0.1


def test_idle_buckets_are_forgotten() -> None:
    time = VirtualTime()
    pacer = Pacer({"slack": PlatformLimits(per_channel=Rate(1.0, 1))}, time.monotonic, time.sleep)
    _passes(pacer, time, [_dest("C1")])
    time.now = 10.0
    assert pacer.forget_idle() == 1


def _conforms(times: list[float], rate: Rate, slack: float = 1e-9) -> bool:
    """Replay the platform's own bucket over the send times: would any send have been refused?"""
    bucket = TokenBucket(rate)
    for at in sorted(times):
        if bucket.earliest(at) > at + slack:
            return False
        bucket.take(at)
    return True


def test_fan_out_respects_workspace_and_channel_limits_and_stays_near_the_bound(world: World) -> None:
    limits = {"slack": PlatformLimits(per_channel=Rate(1.0, 3), per_workspace=Rate(20.0, 20))}
    busy = [world.subscribe_channel(f"B{i}", "09:00 UTC", workspace="BIG") for i in range(60)]
    quiet = [world.subscribe_channel(f"Q{i}", "09:00 UTC", workspace="SMALL") for i in range(10)]
    assert len(busy) + len(quiet) == 70
    world.messenger.latency = 0.05
    report = world.at(MONDAY + timedelta(hours=9)).sweep(world.delivery(no_limits(limits=limits, headroom=1.0, max_concurrency=8)))
    assert report.counts["sent"] == 70

    by_workspace: dict[str, list[float]] = defaultdict(list)
    for post in world.messenger.posts:  # times the platform saw them, after latency
        by_workspace[post.destination.workspace_id].append(post.monotonic)
    assert _conforms(by_workspace["BIG"], Rate(20.0, 20))
    bound = (60 - 20) / 20.0
    assert bound <= max(by_workspace["BIG"]) <= bound * 1.2
    assert max(by_workspace["SMALL"]) < 0.5  # not queued behind the busy workspace
    assert world.messenger.max_in_flight <= 8


def test_concurrency_is_bounded(world: World) -> None:
    for i in range(20):
        world.subscribe_channel(f"C{i}", "09:00 UTC", workspace=f"T{i}")
    world.messenger.latency = 1.0
    world.at(MONDAY + timedelta(hours=9)).sweep(world.delivery(no_limits(max_concurrency=4)))
    assert world.messenger.max_in_flight == 4
    assert world.time.now == pytest.approx(5.0)  # 20 sends, 4 at a time, 1 s each
    assert to_ts(world.clock.now()) == to_ts(MONDAY + timedelta(hours=9))  # virtual time never touched the wall clock


def test_a_full_gate_lets_the_busiest_waiter_in_first() -> None:
    gate = PriorityGate(1)
    order: list[str] = []

    async def holder() -> None:
        await gate.acquire()
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        gate.release()

    async def waiter(name: str, backlog: float) -> None:
        await gate.acquire(backlog)
        order.append(name)
        gate.release()

    async def scene() -> None:
        await asyncio.gather(holder(), waiter("small", 1), waiter("busy", 600), waiter("medium", 20), waiter("small-2", 1))

    asyncio.run(scene())
    assert order == ["busy", "medium", "small", "small-2"]


def test_delivery_paces_each_platform_by_its_messengers_own_limits() -> None:
    """The core knows no platform's numbers: the adapters' messengers state them, and configuration may override."""
    from adapters.console.messenger import ConsoleMessenger
    from adapters.slack.messenger import SLACK_LIMITS, SlackMessenger
    from bot.delivery import pacing_limits
    from bot.delivery_config import DeliveryConfig

    slack = SlackMessenger(lambda workspace: None, lambda token: None)  # type: ignore[arg-type,return-value]
    messengers = {"slack": slack, "console": ConsoleMessenger()}
    assert pacing_limits(DeliveryConfig(), messengers) == {"slack": SLACK_LIMITS}  # the console has none
    assert pacing_limits(DeliveryConfig(limits={}), messengers) == {}
