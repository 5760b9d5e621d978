"""Reports in the console (whose user is its admin), and ``aipm content reports`` over the same database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_console import run_cli


def replies(stdout: str) -> list[str]:
    return stdout.split("\n> ")


def test_a_console_session_reports_lists_and_resolves(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    script = "report\nquiz\nA\n2\n4\nreport unclear\nreport bogus\nadmin reports\nadmin resolve 99 x\nadmin resolve 1 fixed the typo\nadmin reports\n"
    result = run_cli("console", "--db", db, "--user", "ada", stdin=script)
    assert result.returncode == 0, result.stderr
    nothing, _quiz, answer, picker, thanks, repeat, bogus, listed, unknown, resolved, empty = replies(result.stdout)
    assert "haven't answered a question here yet" in nothing
    assert "[2] Report a problem" in answer
    assert "[1] Wrong answer key  [2] Unclear  [3] Outdated  [4] Typo  [5] Other" in picker
    assert "reported as typo (report #1)" in thanks
    assert "already reported this question (as typo" in repeat
    assert "is not a reason I know" in bogus
    assert "#1 typo" in listed
    assert "There is no report #99 here" in unknown
    assert "Resolved report #1" in resolved
    assert "No open reports here" in empty

    listing = run_cli("content", "reports", "--json", "--db", db)
    assert listing.returncode == 0, listing.stderr
    [row] = json.loads(listing.stdout)
    assert (row["id"], row["reason"], row["status"], row["resolution"], row["workspace_id"]) == (1, "typo", "resolved", "fixed the typo", "console")
    assert row["track"] == row["question_id"].rsplit("-q-", 1)[0]
    assert json.loads(run_cli("content", "reports", "--json", "--open", "--db", db).stdout) == []
    table = run_cli("content", "reports", "--db", db)
    assert table.returncode == 0, table.stderr
    assert "Reports on questions: 1 (0 open)" in table.stdout


def test_forget_me_deletes_the_learners_reports(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    result = run_cli("console", "--db", db, "--user", "ada", stdin="quiz\nA\nreport typo teh\nforget-me\nyes\n")
    assert result.returncode == 0, result.stderr
    assert json.loads(run_cli("content", "reports", "--json", "--db", db).stdout) == []


def test_content_reports_without_a_database_says_so(tmp_path: Path) -> None:
    missing = tmp_path / "none.db"
    result = run_cli("content", "reports", "--db", str(missing))
    assert result.returncode == 1
    assert f"No database at {missing}" in result.stderr
    assert not missing.exists()


@pytest.mark.parametrize("value", ["0", "-2", "three"])
def test_a_bad_pause_threshold_stops_the_start_with_one_line(tmp_path: Path, value: str) -> None:
    result = run_cli("console", "--db", str(tmp_path / "c.db"), stdin="help\n", env={"AIPM_REPORT_PAUSE_THRESHOLD": value})
    assert result.returncode != 0
    assert "AIPM_REPORT_PAUSE_THRESHOLD must be a whole number of at least 1" in result.stderr


def test_the_pause_threshold_comes_from_the_environment(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    result = run_cli("console", "--db", db, "--user", "ada", stdin="quiz\nA\nreport typo\n", env={"AIPM_REPORT_PAUSE_THRESHOLD": "1"})
    assert result.returncode == 0, result.stderr
    assert "won't ask it here again until an admin resolves it" in result.stdout
