"""``aipm reviews optimize --workspace ID`` as an operator runs it: a process, a database file, words and exit codes."""

from __future__ import annotations

from pathlib import Path

from bot.store.drivers.sqlite import SqliteRepository
from tests.conftest import START
from tests.optimizer import require_optimizer
from tests.test_console import run_cli
from tests.tuning_data import WS, cards, fill_workspace


def a_database(path: Path, **shape: int) -> Path:
    repo = SqliteRepository(path)
    try:
        fill_workspace(repo, START, **shape)
    finally:
        repo.close()
    return path


def snapshot(path: Path) -> tuple[object, ...]:
    repo = SqliteRepository(path)
    try:
        return (repo.get_fsrs_parameters(WS), cards(repo))
    finally:
        repo.close()


def test_below_512_reviews_it_says_how_many_more_are_needed_and_changes_nothing(tmp_path: Path) -> None:
    db = a_database(tmp_path / "a.db", learners=5, questions=10, answers_each=3)
    before = snapshot(db)

    result = run_cli("reviews", "optimize", "--workspace", WS, "--db", str(db))

    assert result.returncode == 0, result.stderr
    assert "Workspace T1 has 100 reviews the optimizer can learn from" in result.stdout
    assert "out of 150 answers). It needs 512: 412 more. Nothing changed" in result.stdout
    assert snapshot(db) == before


def test_an_unknown_workspace_is_a_friendly_error(tmp_path: Path) -> None:
    db = a_database(tmp_path / "a.db", learners=1, questions=1, answers_each=1)
    before = snapshot(db)

    result = run_cli("reviews", "optimize", "--workspace", "T-typo", "--db", str(db))

    assert result.returncode == 1
    assert f"There is no workspace `T-typo` in {db}. Workspaces there: T1." in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(db) == before


def test_a_missing_database_or_workspace_flag_says_so(tmp_path: Path) -> None:
    missing = run_cli("reviews", "optimize", "--workspace", WS, "--db", str(tmp_path / "none.db"))
    assert (missing.returncode, missing.stderr.strip()) == (1, f"No database at {tmp_path / 'none.db'}.")
    assert not (tmp_path / "none.db").exists()
    no_flag = run_cli("reviews", "optimize")
    assert no_flag.returncode == 2
    assert "--workspace" in no_flag.stderr


def test_help_says_what_it_needs(tmp_path: Path) -> None:
    result = run_cli("reviews", "optimize", "--help")
    assert result.returncode == 0
    assert "512 reviews" in result.stdout
    assert "aipm reviews optimize --workspace" in result.stdout


def test_with_enough_reviews_it_fits_stores_and_reschedules(tmp_path: Path) -> None:
    require_optimizer()
    db = a_database(tmp_path / "a.db", learners=12, questions=15, answers_each=4)
    parameters_before, cards_before = snapshot(db)

    result = run_cli("reviews", "optimize", "--workspace", WS, "--db", str(db))

    assert result.returncode == 0, result.stderr
    assert "Fitted FSRS to workspace T1's 540 reviews (720 answers) and stored the parameters" in result.stdout
    assert "rescheduled 180 cards..." in result.stdout
    assert "Rescheduled 180 cards in 1 transaction, each with its learner's desired retention." in result.stdout
    parameters_after, cards_after = snapshot(db)
    assert parameters_before is None
    assert parameters_after is not None
    assert cards_after != cards_before
