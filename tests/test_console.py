"""The console adapter and the CLI, driven from outside exactly as a user would."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

from adapters.console import ConsoleAdapter
from bot.service import CompanionService
from tests.charts.png import PNG_SIGNATURE, png_size

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args], input=stdin, capture_output=True, text=True, cwd=ROOT, env=full_env, timeout=60, check=False,
    )


def test_scripted_console_session_from_the_readme(tmp_path: Path) -> None:
    """`printf '/aipm tip\\n/aipm quiz\\n/aipm answer A\\n/aipm streak\\n' | aipm console`."""
    result = run_cli("console", "--db", str(tmp_path / "c.db"), "--user", "ada", stdin="/aipm tip\n/aipm quiz\n/aipm answer A\n/aipm streak\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    tip, quiz, answer, streak = out.split("\n> ")
    assert "Try this week" in tip
    assert all(f"{letter})" in quiz for letter in "ABCD")
    assert "[A]" in quiz
    assert "Right!" in answer or "Not quite" in answer
    assert "Correct answer" in answer
    assert "1 day" in streak


def test_console_buttons_are_clickable_by_key(service: CompanionService) -> None:
    console = ConsoleAdapter(service, user="ada", tz="Europe/Paris")
    out = io.StringIO()
    console.run_script(["quiz", "B", "B", "streak"], out)
    text = out.getvalue()
    assert "already answered" in text
    assert "1 day" in text


def test_console_wrong_answer_shows_why_that_option_is_wrong(service: CompanionService) -> None:
    console = ConsoleAdapter(service, user="ada", tz="Europe/Paris")
    out = io.StringIO()
    console.run_script(["quiz"], out)
    question = next(q for q in service.content.questions.values() if q.prompt[:40] in " ".join(out.getvalue().split()))
    wrong = next(letter for letter in question.letters if letter != question.answer)
    console.run_script([f"answer {wrong}"], out)
    feedback = question.feedback_for(wrong)
    assert feedback
    assert feedback[:50] in " ".join(out.getvalue().split())
    assert f"Why not {wrong}" in out.getvalue()


def test_console_tz_option_sets_a_new_learners_zone(service: CompanionService) -> None:
    console = ConsoleAdapter(service, user="kim", tz="Asia/Seoul")
    assert "Asia/Seoul" in console.send("settings").text


def test_content_validate_and_stats_json() -> None:
    validate = run_cli("content", "validate")
    assert validate.returncode == 0, validate.stderr
    assert "OK: 10 tracks" in validate.stdout
    stats = run_cli("content", "stats", "--json")
    data = json.loads(stats.stdout)
    assert data["tips"] >= 200
    assert data["questions"] >= 400
    assert set(data["correct_positions"]) == {"A", "B", "C", "D"}


def test_content_validate_reports_problems_and_fails(tmp_path: Path) -> None:
    (tmp_path / "tracks").mkdir()
    (tmp_path / "tracks" / "x.yaml").write_text("track:\n  id: x\n  title: X\n")
    result = run_cli("content", "validate", "--dir", str(tmp_path))
    assert result.returncode == 1
    assert f"{tmp_path / 'tracks' / 'x.yaml'}:" in result.stderr
    assert "not loaded" in result.stderr


def test_run_without_tokens_opens_the_console(tmp_path: Path) -> None:
    result = run_cli("run", "--db", str(tmp_path / "r.db"), stdin="/aipm help\n")
    assert result.returncode == 0, result.stderr
    assert "starting the console" in result.stderr
    assert "forget-me" in result.stdout


def test_db_backup_and_check(tmp_path: Path) -> None:
    db = tmp_path / "live.db"
    run_cli("console", "--db", str(db), "--user", "ada", stdin="quiz\nanswer A\n")
    backup = run_cli("db", "backup", str(tmp_path / "copy.db"), "--db", str(db))
    assert backup.returncode == 0, backup.stderr
    check = run_cli("db", "check", "--db", str(tmp_path / "copy.db"))
    assert check.returncode == 0
    assert "integrity ok" in check.stdout
    again = run_cli("db", "backup", str(tmp_path / "copy.db"), "--db", str(db))
    assert again.returncode == 1
    assert "already exists" in again.stderr
    (tmp_path / "junk.db").write_bytes(b"not a database" * 100)
    assert run_cli("db", "check", "--db", str(tmp_path / "junk.db")).returncode == 1


def test_discord_invite_url() -> None:
    result = run_cli("discord", "invite-url", "--application-id", "123456789012345678")
    assert result.returncode == 0
    assert "client_id=123456789012345678" in result.stdout
    assert "applications.commands" in result.stdout
    assert run_cli("discord", "invite-url", env={"DISCORD_APPLICATION_ID": ""}).returncode == 2


def test_console_learners_default_to_the_terminals_time_zone(tmp_path: Path) -> None:
    from adapters.console.local_zone import local_zone_name

    assert local_zone_name({"TZ": "Asia/Tokyo"}) == "Asia/Tokyo"
    assert local_zone_name({"TZ": ":europe/paris"}) == "Europe/Paris"
    link = tmp_path / "localtime"
    link.symlink_to("/usr/share/zoneinfo/America/Chicago")
    assert local_zone_name({}, link) == "America/Chicago"
    assert local_zone_name({"TZ": "Nowhere/Land"}, tmp_path / "missing") is None
    result = run_cli("console", "--db", str(tmp_path / "tz.db"), "--user", "kim", stdin="settings\n", env={"TZ": "Asia/Tokyo"})
    assert "Asia/Tokyo" in result.stdout


def test_console_stats_writes_the_progress_card_beside_the_database_and_prints_its_path(tmp_path: Path) -> None:
    result = run_cli("console", "--db", str(tmp_path / "c.db"), "--user", "ada", stdin="quiz\nA\nstats\n")
    assert result.returncode == 0, result.stderr
    card = tmp_path / "images" / "ada-progress.png"
    assert f"(image saved to {card}: Progress card: streak 1" in result.stdout
    assert png_size(card.read_bytes()) == (1280, 1440)


def test_console_adapter_saves_each_picture_in_its_image_dir(service: CompanionService, tmp_path: Path) -> None:
    console = ConsoleAdapter(service, user="ada/../x", tz="Europe/Paris", image_dir=tmp_path / "pictures")
    out = io.StringIO()
    console.run_script(["tip", "stats"], out)
    [saved] = (tmp_path / "pictures").iterdir()
    assert saved.name == "ada_.._x-progress.png"  # the user id cannot climb out of the directory
    assert saved.read_bytes().startswith(PNG_SIGNATURE)
    assert f"(image saved to {saved}: " in out.getvalue()
    assert "image" not in out.getvalue().split("> stats")[0]  # a tip has no picture
