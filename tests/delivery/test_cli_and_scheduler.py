"""``aipm deliver-due`` through the real command line, and the one-job scheduler ``aipm serve`` starts."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.triggers.interval import IntervalTrigger

from app.cli import main
from app.deliver_cli import parse_instant
from app.scheduler import JOB_ID, DeliveryScheduler, delivery_config_from_env
from bot.clock import FixedClock, SystemClock
from bot.content import CoursePolicy, Curriculum, load_curriculum
from bot.delivery import Delivery
from bot.service import CompanionService, Context
from bot.store.drivers.sql.delivery import SqlDeliveryStore
from bot.store.drivers.sqlite import SqliteRepository
from tests.conftest import FIXTURE_CONTENT
from tests.delivery.conftest import MONDAY
from tests.delivery.fakes import FakeMessenger

PLATFORM_ENV = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_CLIENT_ID", "DISCORD_TOKEN")


@pytest.fixture
def console_db(tmp_path: Path, curriculum: Curriculum, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A database where the console user subscribed to a daily DM at 09:30 Berlin time, as `aipm console` would."""
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("AIPM_CONTENT_DIR", str(FIXTURE_CONTENT))
    monkeypatch.setenv("AIPM_CONTENT_POLICY", "relaxed")
    for name in (*PLATFORM_ENV, "AIPM_DELIVERY_GRACE_MINUTES"):
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / "console.db"
    repo = SqliteRepository(path)
    service = CompanionService(repo, curriculum, FixedClock(MONDAY))
    ctx = Context("console", "console", "alice", "alice", channel_id="console", is_dm=True, is_admin=True, platform_tz="Europe/Berlin")
    assert service.handle_text(ctx, "subscribe 09:30").kind == "subscribe"
    repo.close()
    return path


def test_deliver_due_twice_at_the_same_instant_sends_nothing_new(console_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["deliver-due", "--at", "2026-03-02T08:31:00Z", "--db", str(console_db)]
    assert main(argv) == 0
    first = capsys.readouterr()
    assert "── to @alice (daily:1:20260302) ──" in first.out
    assert "Probabilistic products need ranges" in first.out
    assert "sent 1 · recovered 0 · skipped 0 · failed 0" in first.out
    assert "sent    daily  console:@alice  daily:1:20260302" in first.out
    events = [json.loads(line) for line in first.err.splitlines() if line.strip()]  # one JSON object per line
    assert [e["event"] for e in events if "event" in e] == ["sweep_started", "planned", "post", "sweep_finished"]
    assert next(e for e in events if e.get("event") == "post")["status"] == "sent"

    assert main(argv) == 0
    second = capsys.readouterr()
    assert "sent 0" in second.out
    assert "── to" not in second.out


def test_deliver_due_before_the_time_sends_nothing(console_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["deliver-due", "--at", "2026-03-02T09:29:00+01:00", "--db", str(console_db)]) == 0
    assert "sent 0" in capsys.readouterr().out


def test_instants_without_an_offset_are_utc() -> None:
    assert parse_instant("2026-03-02T08:31") == datetime(2026, 3, 2, 8, 31, tzinfo=UTC)
    assert parse_instant("2026-03-02T09:31+01:00") == datetime(2026, 3, 2, 8, 31, tzinfo=UTC)


def test_grace_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIPM_DELIVERY_GRACE_MINUTES", "45")
    assert delivery_config_from_env().grace == timedelta(minutes=45)
    assert delivery_config_from_env(10).grace == timedelta(minutes=10)


def test_the_scheduler_is_one_coalescing_job_that_sweeps(tmp_path: Path, curriculum: Curriculum) -> None:
    clock = FixedClock(MONDAY)
    repo = SqliteRepository(tmp_path / "serve.db")
    service = CompanionService(repo, curriculum, clock)
    admin = Context("T1", "slack", "U-admin", channel_id="C1", is_admin=True)
    assert service.handle_text(admin, "subscribe 09:00 UTC").kind == "subscribe"
    clock.set(MONDAY + timedelta(hours=9))
    messenger = FakeMessenger(clock)
    scheduler = DeliveryScheduler(Delivery(service, SqlDeliveryStore(repo.db), {"slack": messenger}))
    try:
        [job] = scheduler.scheduler.get_jobs()
        assert job.id == JOB_ID
        assert isinstance(job.trigger, IntervalTrigger)
        assert job.trigger.interval == timedelta(minutes=1)
        assert job.max_instances == 1
        assert job.coalesce is True
        report = scheduler.run_sweep()
        assert report is not None
        assert report.counts["sent"] == 1
        again = scheduler.run_sweep()  # same loop, same instant: nothing new
        assert again is not None
        assert again.outcomes == []
    finally:
        scheduler.shutdown()
        repo.close()
    assert list(messenger.counts().values()) == [1]


def test_a_future_dated_sweep_that_died_does_not_wedge_delivery(console_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`deliver-due --at <tomorrow>` killed mid-sweep: its lease was timed on the real clock, so it expires in minutes."""
    real_now = SystemClock().now()
    tomorrow = (real_now + timedelta(days=1)).replace(hour=8, minute=31, second=0, microsecond=0)
    repo = SqliteRepository(console_db)
    store = SqlDeliveryStore(repo.db)
    dead = Delivery(CompanionService(repo, load_curriculum(FIXTURE_CONTENT, CoursePolicy.relaxed()), FixedClock(tomorrow)),
                    store, {"console": FakeMessenger(FixedClock(tomorrow), platform="console")}, holder="dead-host:1:abc",
                    lease_clock=SystemClock())
    assert store.acquire_lease(dead.lease, dead.lease_clock.now(), 300)  # what the killed sweep left behind
    holder, until = store.lease_info("delivery-sweep") or ("", real_now)
    assert holder == "dead-host:1:abc"
    assert until < real_now + timedelta(minutes=6), "the lease expires on the real clock, not the simulated one"

    assert main(["deliver-due", "--at", tomorrow.isoformat(), "--db", str(console_db)]) == 3
    busy = capsys.readouterr().out
    assert "dead-host:1:abc" in busy
    assert f"until {until:%Y-%m-%d %H:%M:%S} UTC" in busy

    with repo.db.write() as conn:  # the dead process's lease runs out, five minutes on
        conn.execute("UPDATE leases SET expires_at = expires_at - 400")
    assert main(["db", "check", "--db", str(console_db)]) == 0
    assert "repaired: removed the delivery-sweep lease held by dead-host:1:abc" in capsys.readouterr().out
    assert store.lease_info("delivery-sweep") is None
    repo.close()
    assert main(["deliver-due", "--at", tomorrow.isoformat(), "--db", str(console_db)]) == 0
    assert "sent 1" in capsys.readouterr().out
