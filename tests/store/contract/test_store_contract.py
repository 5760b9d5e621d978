"""The Store's own operations on every driver: health, integrity check, online backup."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bot.store import Store
from bot.store.drivers import open_store
from tests.conftest import START
from tests.store.contract.builders import WS, CountingSchedule, add_learner, answer, quiz


def test_a_healthy_store_says_so(any_store: Store) -> None:
    assert any_store.health_problem() is None
    assert any_store.check() == []
    add_learner(any_store, "U1")
    assert any_store.check() == []


def test_a_backup_holds_the_rows_and_never_overwrites(any_store: Store, tmp_path: Path) -> None:
    add_learner(any_store, "U1")
    any_store.repo.create_quiz_instance(quiz("q-1"))
    any_store.repo.record_answer(answer("q-1"), CountingSchedule())
    target = tmp_path / "backups" / "aipm.backup"
    assert any_store.backup(str(target))
    assert target.stat().st_size > 0
    assert target.stat().st_mode & 0o077 == 0, "a backup holds bot tokens: owner only"
    with pytest.raises(FileExistsError):
        any_store.backup(str(target))
    if any_store.url.driver == "sqlite":
        copy = open_store(str(target))
        try:
            assert copy.repo.get_answer_letter(WS, "q-1", "U1") == "A"
        finally:
            copy.close()
    else:
        from bot.store.drivers.postgres import pg_tool

        pg_restore = pg_tool("pg_restore")
        assert pg_restore is not None
        listing = subprocess.run([pg_restore, "--list", str(target)], capture_output=True, text=True, check=True).stdout
        assert "TABLE DATA public answers" in listing


def test_reopening_a_store_keeps_its_rows(any_store: Store) -> None:
    any_store.repo.ensure_workspace(WS, "slack", "Acme", START)
    again = open_store(any_store.url)
    try:
        assert again.repo.get_workspace(WS) == any_store.repo.get_workspace(WS)
        assert again.check() == []
    finally:
        again.close()
