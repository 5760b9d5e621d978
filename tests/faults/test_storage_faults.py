"""A locked, read-only or full database: a clear "try again", the bot keeps running, nothing half-written."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

import pytest

from bot.learning import quizzes
from bot.service import TRY_AGAIN
from bot.store.drivers.sqlite import SqliteRepository
from tests.conftest import Chat

TABLES = ("answers", "cards", "activity", "quiz_instances", "tip_views", "learners", "subscriptions")


def counts(repo: SqliteRepository) -> dict[str, int]:
    return {t: int(repo.db.query(f"SELECT COUNT(*) AS n FROM {t}")[0]["n"]) for t in TABLES}


def lock_exclusively(repo: SqliteRepository) -> Callable[[], None]:
    repo.db.connection().execute("PRAGMA busy_timeout = 50")
    holder = sqlite3.connect(repo.path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")

    def release() -> None:
        holder.execute("ROLLBACK")
        holder.close()
        repo.db.connection().execute("PRAGMA busy_timeout = 5000")

    return release


def make_read_only(repo: SqliteRepository) -> Callable[[], None]:
    """A connection that can only read, as one opened while the file was read-only stays forever.

    The repository discards such a connection on its first refused write and opens a fresh one, so
    restoring may find it closed already: that is the recovery under test.
    """
    conn = repo.db.connection()
    conn.execute("PRAGMA query_only = ON")

    def restore() -> None:
        with suppress(sqlite3.ProgrammingError):
            conn.execute("PRAGMA query_only = OFF")

    return restore


def fill_disk(repo: SqliteRepository) -> Callable[[], None]:
    """SQLITE_FULL, exactly as a full disk reports it: the file may not grow and its pages are packed.

    The file is capped at its current size, then the answers table is packed with the smallest rows
    that fit, so the next real answer needs a page the "disk" cannot give.
    """
    conn = repo.db.connection()
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")
    filler = 0
    while True:
        try:
            conn.execute(
                "INSERT INTO answers (workspace_id, instance_id, user_id, question_id, letter, correct, points, answered_at, local_date)"
                " VALUES ('F', ?, '', '', '', 0, 0, 0, '')",
                (f"{filler}",),
            )
        except sqlite3.OperationalError as error:
            if "full" not in str(error):
                raise
            break
        filler += 1

    def restore() -> None:
        with suppress(sqlite3.ProgrammingError):  # discarded after its full-disk error (see make_read_only)
            conn.execute("PRAGMA max_page_count = 1073741823")
        repo.db.connection().execute("DELETE FROM answers WHERE workspace_id = 'F'")

    return restore


FAULTS = {"locked": lock_exclusively, "read-only": make_read_only, "full": fill_disk}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_answer_during_a_storage_fault_is_refused_cleanly_then_works(chat: Chat, repo: SqliteRepository, fault: str) -> None:
    chat.send("quiz")
    quiz = chat.last
    # Grow the file a little so a later answer needs new pages when the disk is "full".
    for _ in range(30):
        chat.send("tip")
    before = counts(repo)
    restore = FAULTS[fault](repo)
    try:
        during = counts(repo)
        reply = chat.click("A", quiz)
        assert reply.kind == "error"
        assert reply.text == TRY_AGAIN
        assert "Traceback" not in reply.text
        assert counts(repo) == during
    finally:
        restore()
    assert counts(repo) == before  # nothing half-written
    retry = chat.click("A", quiz)
    assert retry.kind == "answer"
    assert counts(repo)["answers"] == 1


@pytest.mark.parametrize("fault", list(FAULTS))
def test_every_command_survives_a_storage_fault(chat: Chat, repo: SqliteRepository, fault: str) -> None:
    chat.send("quiz")
    restore = FAULTS[fault](repo)
    try:
        for text in ("tip", "quiz", "answer A", "streak", "stats", "review", "leaderboard", "settings tz Europe/Paris", "forget-me confirm"):
            reply = chat.send(text)
            assert "Traceback" not in reply.text
    finally:
        restore()
    assert chat.send("streak").kind == "streak"


def test_unexpected_errors_become_a_friendly_reply(chat: Chat, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("bug")

    monkeypatch.setattr(quizzes, "pick_question", explode)
    reply = chat.send("quiz")
    assert reply.kind == "error"
    assert "Something went wrong" in reply.text
    assert "ZeroDivisionError" not in reply.text
