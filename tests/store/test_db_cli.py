"""``aipm db`` on both drivers, driven through the CLI as an operator would: migrate, check, backup, copy."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.cli import main
from bot.reviews import FSRS_DEFAULTS, ReviewScheduler
from bot.store import DatabaseUrl, StoreConfigurationError
from bot.store.drivers import open_store, resolve_url
from bot.store.drivers.postgres import pg_tool
from bot.store.drivers.sql.database import SqlDatabase
from bot.store.records import AnswerWrite, FittedParameters, Learner, QuizInstance, Subscription
from tests.pg_server import PostgresServer

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _fill(url: str, learners: int = 5) -> None:
    """A small installation: learners with answers, cards and activity, a subscription, an installation row."""
    store = open_store(url)
    scheduler = ReviewScheduler()
    try:
        store.repo.ensure_workspace("T1", "slack", "Acme", NOW)
        for n in range(learners):
            user = f"U{n}"
            store.repo.create_learner(Learner("T1", user, f"learner {n}", "UTC", "default", "path", "09:00", True, NOW, NOW))
            for q in range(3):
                instance = f"i{n}-{q}"
                store.repo.create_quiz_instance(QuizInstance(instance, "T1", f"q{q}", user, "D1", "command", NOW))
                store.repo.record_answer(
                    AnswerWrite("T1", instance, user, f"q{q}", "A", q % 2 == 0, 10, NOW, NOW.date()),
                    lambda state, correct=q % 2 == 0: scheduler.record(state, correct, NOW),
                )
        store.repo.upsert_subscription(Subscription(
            id=None, workspace_id="T1", platform="slack", channel_id="C1", kind="channel", user_id=None, local_time="09:00",
            tz="UTC", days="0,1,2,3,4", track="path", active=True, next_due_at=NOW, created_by="U0", created_at=NOW,
        ))
    finally:
        store.close()


def _counts(url: str) -> dict[str, int]:
    store = open_store(url)
    try:
        db: SqlDatabase = store.repo.db  # type: ignore[attr-defined]
        return {t: int(db.query(f"SELECT COUNT(*) FROM {t}")[0][0]) for t in ("learners", "answers", "cards", "activity", "subscriptions")}
    finally:
        store.close()


def test_a_url_wins_over_the_sqlite_shortcut_and_never_shows_its_password() -> None:
    url = resolve_url(None, "postgresql://aipm:hunter2@db.internal:5432/aipm", "/var/lib/aipm/aipm.db")
    assert url.driver == "postgres"
    assert "hunter2" not in url.redacted()
    assert "hunter2" not in repr(url)
    assert url.redacted() == "postgresql://aipm:***@db.internal:5432/aipm"
    assert resolve_url("/tmp/explicit.db", "postgresql://aipm@db/aipm", None) == DatabaseUrl("sqlite", "/tmp/explicit.db")
    assert resolve_url(None, None, "/tmp/shortcut.db") == DatabaseUrl("sqlite", "/tmp/shortcut.db")
    assert DatabaseUrl.parse("sqlite:///var/lib/aipm/aipm.db").target == "/var/lib/aipm/aipm.db"


@pytest.mark.parametrize("bad", ["mysql://root@db/aipm", "postgresql:///aipm", "sqlite://", ""])
def test_a_bad_url_is_refused_at_start_with_a_reason(bad: str) -> None:
    with pytest.raises(StoreConfigurationError):
        DatabaseUrl.parse(bad)


def test_the_cli_refuses_a_bad_url_in_one_friendly_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "migrate", "--db", "mysql://root:pw@db/aipm"]) == 1
    err = capsys.readouterr().err
    assert "not a database we support" in err
    assert "pw" not in err
    assert "Traceback" not in err


def test_migrate_creates_the_schema_on_an_empty_postgres_database(pg_server: PostgresServer, capsys: pytest.CaptureFixture[str]) -> None:
    url = pg_server.empty_database().replace("postgres@", "postgres:s3cr3t-pw@")  # trust auth ignores the password
    assert main(["db", "migrate", "--db", url]) == 0
    out = capsys.readouterr().out
    assert "schema up to date" in out
    assert "s3cr3t-pw" not in out
    store = open_store(url)
    try:
        db: SqlDatabase = store.repo.db  # type: ignore[attr-defined]
        tables = {r[0] for r in db.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")}
        assert {"learners", "answers", "cards", "outbox", "intake", "slack_installations", "aipm_migrations"} <= tables
    finally:
        store.close()
    assert main(["db", "migrate", "--db", url]) == 0  # twice is harmless


def test_check_on_postgres_says_ok_and_clears_expired_leases(pg_server: PostgresServer, capsys: pytest.CaptureFixture[str]) -> None:
    url = pg_server.new_database()
    store = open_store(url)
    from bot.store.delivery_store import Lease

    assert store.delivery.acquire_lease(Lease("sweep", "dead-process"), datetime(2020, 1, 1, tzinfo=UTC), 60)
    store.close()
    assert main(["db", "check", "--db", url]) == 0
    out = capsys.readouterr().out
    assert "integrity ok" in out
    assert "removed the sweep lease held by dead-process" in out


@pytest.mark.skipif(pg_tool("pg_dump") is None, reason="pg_dump is not installed")
def test_backup_on_postgres_is_a_pg_dump_archive_pg_restore_can_read(pg_server: PostgresServer, tmp_path: Path) -> None:
    url = pg_server.new_database()
    _fill(url)
    target = tmp_path / "backup.dump"
    assert main(["db", "backup", str(target), "--db", url]) == 0
    assert target.stat().st_mode & 0o077 == 0
    pg_restore = pg_tool("pg_restore")
    assert pg_restore is not None
    listing = subprocess.run([pg_restore, "--list", str(target)], capture_output=True, text=True, check=True).stdout
    assert "TABLE DATA public answers" in listing
    assert main(["db", "backup", str(target), "--db", url]) == 1  # never overwrites


def test_copy_moves_a_sqlite_installation_to_postgres_and_verifies_the_counts(
    pg_server: PostgresServer, tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    source = str(tmp_path / "small.db")
    _fill(source)
    target = pg_server.empty_database()
    assert main(["db", "copy", source, target]) == 0
    assert "every table's count matches" in capsys.readouterr().out
    assert _counts(target) == _counts(source) == {"learners": 5, "answers": 15, "cards": 15, "activity": 5, "subscriptions": 1}
    # The copy is a working database: new rows get fresh ids after the copied ones.
    store = open_store(target)
    try:
        created = store.repo.upsert_subscription(Subscription(
            id=None, workspace_id="T1", platform="slack", channel_id="C2", kind="channel", user_id=None, local_time="09:00",
            tz="UTC", days="0", track="path", active=True, next_due_at=NOW, created_by="U0", created_at=NOW,
        ))
        assert created.id == 2
        assert store.repo.leaderboard("T1", None, None, 10)[0].points > 0
    finally:
        store.close()


def test_copy_refuses_a_target_that_holds_data_unless_told(pg_server: PostgresServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = str(tmp_path / "small.db")
    _fill(source, learners=2)
    target = pg_server.new_database()
    _fill(target, learners=1)
    assert main(["db", "copy", source, target]) == 1
    assert "already holds data" in capsys.readouterr().err
    assert _counts(target)["learners"] == 1  # untouched
    assert main(["db", "copy", source, target, "--replace"]) == 0
    assert _counts(target)["learners"] == 2


def test_copy_back_from_postgres_to_sqlite(pg_server: PostgresServer, tmp_path: Path) -> None:
    source = pg_server.new_database()
    _fill(source, learners=3)
    target = str(tmp_path / "back.db")
    assert main(["db", "copy", source, target]) == 0
    assert _counts(target) == _counts(source)


def test_copy_carries_desired_retention_and_fitted_parameters(pg_server: PostgresServer, tmp_path: Path) -> None:
    source = str(tmp_path / "tuned.db")
    _fill(source, learners=1)
    fitted = FittedParameters(tuple(FSRS_DEFAULTS), 600, NOW)
    store = open_store(source)
    try:
        store.repo.set_learner_field("T1", "U0", "desired_retention", 0.85)
        store.repo.set_fsrs_parameters("T1", fitted)
    finally:
        store.close()
    target = pg_server.empty_database()
    assert main(["db", "copy", source, target]) == 0
    copied = open_store(target)
    try:
        learner = copied.repo.get_learner("T1", "U0")
        assert learner is not None
        assert (learner.desired_retention, copied.repo.get_fsrs_parameters("T1")) == (0.85, fitted)
    finally:
        copied.close()


@pytest.mark.parametrize(("name", "value", "says"), [
    ("AIPM_DELIVERY_PARTITIONS", "0", "AIPM_DELIVERY_PARTITIONS must be a whole number"),
    ("DISCORD_SHARD_COUNT", "many", "DISCORD_SHARD_COUNT must be a whole number"),
    ("AIPM_DATABASE_URL", "mysql://root:pw@db/aipm", "not a database we support"),
])
def test_a_bad_setting_stops_the_command_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], name: str, value: str, says: str,
) -> None:
    monkeypatch.setenv(name, value)
    assert main(["deliver-due"]) == 2
    err = capsys.readouterr().err
    assert says in err
    assert "Traceback" not in err
