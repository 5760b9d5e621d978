"""``settings retention`` in the console: the scripted CLI session, and the next interval through the adapter."""

from __future__ import annotations

import io
from pathlib import Path

from adapters.console import ConsoleAdapter
from bot.service import CompanionService
from bot.store.drivers.sqlite import SqliteRepository
from tests.test_console import run_cli


def test_the_cli_sets_shows_and_refuses(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    script = "settings retention 0.85\nsettings\nsettings retention 0.5\nsettings retention 97\nsettings retention abc\nsettings\n"

    result = run_cli("console", "--db", str(db), "--user", "ada", "--tz", "UTC", stdin=script)

    assert result.returncode == 0, result.stderr
    replies = result.stdout.split("\n> ")
    assert "Desired retention set to 0.85 (85%)" in replies[0]
    assert "Desired retention: 0.85 (85%)" in replies[1]
    assert "0.5 is too low" in replies[2]
    assert "97 is not between 0.80 and 0.97" in replies[3]
    assert "Did you mean 97% (0.97)?" in replies[3]
    assert "abc is not a number I can read" in replies[4]
    assert "Desired retention: 0.85 (85%)" in replies[5], "refused input changed nothing"
    repo = SqliteRepository(db)
    try:
        learner = repo.get_learner("console", "ada")
        assert learner is not None
        assert learner.desired_retention == 0.85
    finally:
        repo.close()


def test_the_next_review_interval_follows_the_learners_retention(service: CompanionService, tmp_path: Path) -> None:
    def answer_right(user: str, *setup: str) -> str:
        console = ConsoleAdapter(service, user=user, tz="UTC", image_dir=tmp_path / "images", file_dir=tmp_path / "exports")
        console.run_script([*setup, "quiz"], io.StringIO())
        instance = service.repo.latest_open_quiz("console", user)
        assert instance is not None
        out = io.StringIO()
        console.run_script([f"answer {service.content.questions[instance.question_id].answer}"], out)
        return out.getvalue()

    assert "I'll bring this question back Wed 04 Mar" in answer_right("ada")
    assert "I'll bring this question back Fri 06 Mar" in answer_right("bob", "settings retention 85%")
    assert "I'll bring this question back Tue 03 Mar" in answer_right("cy", "settings retention 0.97")
