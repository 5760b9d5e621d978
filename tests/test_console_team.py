"""``team`` and ``admin report on`` in the console, and the weekly report through ``aipm deliver-due``."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import cast

from adapters.console.adapter import ConsoleAdapter
from adapters.console.messenger import ConsoleMessenger
from bot.context import Companion
from bot.store.drivers.sqlite import SqliteRepository
from tests.charts.png import png_size
from tests.test_console import run_cli

LEARNERS = ("adaline", "bobbert", "cyrilla")


def test_the_console_prints_the_report_saves_its_picture_and_delivers_the_weekly_dm_once(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    for user in LEARNERS:
        learned = run_cli("console", "--db", db, "--user", user, "--tz", "UTC", stdin="quiz\nA\n")
        assert learned.returncode == 0, learned.stderr

    result = run_cli("console", "--db", db, "--user", "boss", "--tz", "UTC", stdin="team\nadmin report on\n")

    assert result.returncode == 0, result.stderr
    team = result.stdout.split("> admin report on")[0]
    assert "Active learners: 3 this week" in team
    assert "Accuracy per track" in team
    assert "Mean chance of recall now → in 7 days (FSRS), fading first" in team
    for user in LEARNERS:
        assert user not in team
    saved = tmp_path / "images" / "boss-team.png"
    assert f"(image saved to {saved}: Team report: 3 learners active this week" in team
    assert png_size(saved.read_bytes()) == (1280, 1920)
    assert "the team report comes to you by direct message every Monday at 09:00 (UTC)" in result.stdout

    repo = SqliteRepository(tmp_path / "c.db")
    sub = repo.get_subscription("console", "dm:boss", "report")
    repo.close()
    assert sub is not None
    assert sub.next_due_at is not None
    at = (sub.next_due_at + timedelta(minutes=1)).isoformat()
    key = f"report:{sub.id}:{sub.next_due_at:%Y%m%d}"

    first = run_cli("deliver-due", "--at", at, "--db", db)
    assert first.returncode == 0, first.stderr
    assert f"── to @boss ({key}) ──" in first.stdout
    assert "Active learners: 3 last week" in first.stdout
    again = run_cli("deliver-due", "--at", at, "--db", db)
    assert "sent 0" in again.stdout
    assert "── to" not in again.stdout


def test_the_console_messenger_answers_the_admin_check_as_the_console_context_does(tmp_path: Path) -> None:
    """Whoever types in the console runs the bot: its weekly report is checked by the same rule as its requests."""
    adapter = ConsoleAdapter(cast(Companion, None), "boss", image_dir=tmp_path)
    assert asyncio.run(ConsoleMessenger().is_admin(adapter.context.workspace_id, "boss")) is adapter.context.is_admin is True
