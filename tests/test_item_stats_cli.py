"""``aipm content item-stats`` and ``aipm content audit --db`` end to end: the real CLI over a real SQLite file
whose answers were written by the bot's own repository and use cases."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from app.cli import main
from bot.clock import FixedClock
from bot.content import CoursePolicy, load_curriculum
from bot.service import CompanionService, Context
from bot.store.drivers import open_store
from bot.store.drivers.sqlite import SqliteRepository
from tests.conftest import START
from tests.item_stats_fixture import HAND_R, ITEM, QUESTIONS, AnswerWriter, write_course

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def content(tmp_path: Path) -> Path:
    return write_course(tmp_path)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "aipm.db"
    store = open_store(str(path))
    writer = AnswerWriter(store)
    writer.hand_fixture("T1")
    writer.answer("T1", "U3", ITEM, "A", at_minutes=60)  # U3 tries again and gets it right: not a first attempt
    for user in ("V1", "V2"):  # another workspace, always right
        for question in QUESTIONS:
            writer.answer("T2", user, question, "A")
    store.close()
    return path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    code, out, err = _run(capsys, *argv, "--json")
    assert code == 0, err
    document: dict[str, Any] = json.loads(out)
    return document


def _question(document: dict[str, Any], question_id: str) -> dict[str, Any]:
    return next(q for q in document["questions"] if q["id"] == question_id)


def _answers(path: Path) -> int:
    repo = SqliteRepository(path)
    try:
        return int(repo.db.query("SELECT COUNT(*) FROM answers")[0][0])
    finally:
        repo.close()


def test_the_figures_match_the_hand_computed_fixture(capsys: pytest.CaptureFixture[str], content: Path, db: Path) -> None:
    document = _json(capsys, "content", "item-stats", "--dir", str(content), "--db", str(db), "--workspace", "T1")
    assert (document["workspace"], document["learners"], document["first_attempts"]) == ("T1", 6, 42)
    item = _question(document, ITEM)
    assert (item["first_attempts"], item["correct"], item["difficulty"]) == (6, 3, 0.5)
    assert item["discrimination"] == pytest.approx(HAND_R, abs=1e-4)
    assert item["discrimination_learners"] == 6
    assert {letter: o["chosen"] for letter, o in item["options"].items()} == {"A": 3, "B": 2, "C": 1, "D": 0}
    assert {letter: o["share"] for letter, o in item["options"].items()} == {"A": 0.5, "B": 0.3333, "C": 0.1667, "D": 0.0}
    assert item["options"]["A"]["key"] is True
    assert (item["reports"], item["flags"]) == (0, [])
    assert document["policy"]["min_first_attempts"] == 30
    assert "other first attempts" in document["discrimination"]


def test_every_workspace_is_read_without_workspace(capsys: pytest.CaptureFixture[str], content: Path, db: Path) -> None:
    document = _json(capsys, "content", "item-stats", "--dir", str(content), "--db", str(db))
    assert document["workspace"] is None
    assert (document["learners"], document["first_attempts"]) == (8, 56)
    assert _question(document, ITEM)["correct"] == 5


def test_the_text_states_the_method_and_the_minimum_samples(capsys: pytest.CaptureFixture[str], content: Path, db: Path) -> None:
    code, out, _ = _run(capsys, "content", "item-stats", "--dir", str(content), "--db", str(db), "--workspace", "T1")
    assert code == 0
    assert "6 learner(s), 42 first attempt(s) at 7 of 7 question(s)" in out
    assert "Only each learner's first attempt at a question counts" in out
    assert "at least 5 other first attempts" in out
    assert "once a question has 30 first attempts" in out
    assert "once 50 learners are in r" in out
    row = next(line for line in out.splitlines() if ITEM in line)
    assert "50%" in row
    assert "+0.71 (6)" in row
    assert "A* 50% B 33% C 17% D 0%" in row
    assert "Flagged: none." in out


def test_flags_and_reports_through_the_command(capsys: pytest.CaptureFixture[str], content: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "flags.db"
    store = open_store(str(path))
    writer = AnswerWriter(store)
    for n in range(30):  # 29 of 30 right (96.7%): one B (3.3%), nobody on C or D, so every distractor is dead
        writer.answer("T1", f"U{n}", ITEM, "B" if n == 0 else "A")
    for n in range(29):  # 29 first attempts: too few to flag, however easy
        writer.answer("T1", f"U{n}", "gamma-q-02", "A")
    store.close()
    argv = ("content", "item-stats", "--dir", str(content), "--db", str(path), "--workspace", "T1")

    item, under = (_question(_json(capsys, *argv), qid) for qid in (ITEM, "gamma-q-02"))
    assert (item["flags"], item["dead_distractors"]) == (["too-easy", "dead-distractor"], ["B", "C", "D"])
    assert (under["difficulty"], under["flags"]) == (1.0, [])

    # The one place reports come in (wired to Repository.report_counts when reports are stored).
    monkeypatch.setattr("app.content_cli.report_counts_for", lambda store, workspace: {"gamma-q-02": 2} if workspace == "T1" else {})
    reported = _question(_json(capsys, *argv), "gamma-q-02")
    assert (reported["reports"], reported["flags"]) == (2, ["reported"])
    _, out, _ = _run(capsys, *argv)
    assert "dead-distractor (BCD)" in out
    assert "Flagged: 1 too-easy, 1 dead-distractor, 1 reported." in out


def test_answers_given_through_the_bot_are_analysed(capsys: pytest.CaptureFixture[str], content: Path, tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    store = open_store(str(path))
    service = CompanionService(store.repo, load_curriculum(content, CoursePolicy.relaxed()), FixedClock(START))
    ctx = Context(workspace_id="T1", platform="console", user_id="ada", display_name="Ada", channel_id="C1")
    service.handle_text(ctx, "quiz")
    assert "Not quite" in service.handle_text(ctx, "answer C").text
    store.close()
    document = _json(capsys, "content", "item-stats", "--dir", str(content), "--db", str(path), "--workspace", "T1")
    assert (document["learners"], document["first_attempts"]) == (1, 1)
    [answered] = [q for q in document["questions"] if q["first_attempts"]]
    assert answered["id"] == ITEM  # the path's day 1 question
    assert (answered["correct"], answered["options"]["C"]["chosen"]) == (0, 1)


def test_an_unknown_workspace_is_refused_and_nothing_changes(capsys: pytest.CaptureFixture[str], content: Path, db: Path) -> None:
    before = _answers(db)
    code, out, err = _run(capsys, "content", "item-stats", "--dir", str(content), "--db", str(db), "--workspace", "T-nope")
    assert code == 1
    assert out == ""
    assert "No workspace 'T-nope'" in err
    assert "leave out --workspace" in err
    assert _answers(db) == before
    code, _, err = _run(capsys, "content", "audit", "--dir", str(content), "--advice", "--db", str(db), "--workspace", "T-nope")
    assert code == 1
    assert "No workspace 'T-nope'" in err


def test_an_empty_database_says_there_is_nothing_yet(capsys: pytest.CaptureFixture[str], content: Path, tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    SqliteRepository(path).close()
    code, out, _ = _run(capsys, "content", "item-stats", "--dir", str(content), "--db", str(path))
    assert code == 0
    assert "No answers yet" in out
    assert "nothing to analyse" in out
    document = _json(capsys, "content", "item-stats", "--dir", str(content), "--db", str(path))
    assert (document["learners"], document["first_attempts"], document["questions_answered"]) == (0, 0, 0)
    assert [q["id"] for q in document["questions"]] == QUESTIONS
    assert all(q["difficulty"] is None and q["flags"] == [] for q in document["questions"])


def test_a_database_that_does_not_exist_is_refused_and_not_created(capsys: pytest.CaptureFixture[str], content: Path, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "aipm.db"
    for argv in (("content", "item-stats"), ("content", "audit", "--advice")):
        code, out, err = _run(capsys, *argv, "--dir", str(content), "--db", str(missing))
        assert code == 1
        assert f"No database at {missing}" in err
        assert out == ""
    assert not missing.exists()
    assert not missing.parent.exists()
    code, _, err = _run(capsys, "content", "audit", "--dir", str(content), "--workspace", "T1")
    assert code == 1
    assert "give --db too" in err


def test_the_audit_shows_live_figures_only_when_a_database_is_given(capsys: pytest.CaptureFixture[str], content: Path, db: Path) -> None:
    static = _json(capsys, "content", "audit", "--dir", str(content), "--advice")
    assert "live" not in static
    with_live = _json(capsys, "content", "audit", "--dir", str(content), "--advice", "--db", str(db), "--workspace", "T1")
    assert {k: v for k, v in with_live.items() if k != "live"} == static
    assert with_live["live"]["workspace"] == "T1"
    assert _question(with_live["live"], ITEM)["discrimination"] == pytest.approx(HAND_R, abs=1e-4)

    _, out, _ = _run(capsys, "content", "audit", "--dir", str(content), "--advice")
    assert "Live answers" not in out
    _, out, _ = _run(capsys, "content", "audit", "--dir", str(content), "--advice", "--db", str(db), "--workspace", "T1")
    assert "Test-wise strategies" in out
    # The key is always the longest option here, so the strategy's items are listed with their live figures.
    assert "give themselves away to pick-longest: gamma-q-01 (live: 50% right, r +0.71 (6))" in out
    assert "Live answers (" in out
    assert "6 learner(s), 42 first attempt(s)" in out
    assert "Flagged: none." in out


def test_the_installed_command_runs_as_a_process(content: Path, db: Path, tmp_path: Path) -> None:
    command = [sys.executable, "-m", "app.cli", "content", "item-stats", "--dir", str(content)]
    done = subprocess.run([*command, "--db", str(db), "--json"], capture_output=True, text=True, cwd=ROOT, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["first_attempts"] == 56
    missing = subprocess.run([*command, "--db", str(tmp_path / "none.db")], capture_output=True, text=True, cwd=ROOT, timeout=120, check=False)
    assert missing.returncode == 1
    assert "No database at" in missing.stderr


WORKSPACE_TRACK = ROOT / "tests" / "fixtures" / "workspace" / "acme-policy.yaml"
WORKSPACE_QUESTIONS = ("acme-policy-q-01", "acme-policy-q-02")


def test_a_workspaces_own_track_is_analysed_with_its_workspace(
    capsys: pytest.CaptureFixture[str], content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``--workspace`` reads that workspace's curriculum: its imported track's questions are in it, not 'no longer in the course'."""
    path = tmp_path / "bot.db"
    monkeypatch.setenv("AIPM_CONTENT_DIR", str(content))
    monkeypatch.setenv("AIPM_CONTENT_POLICY", "relaxed")
    code, out, err = _run(capsys, "content", "import", "--workspace", "T1", "--db", str(path), str(WORKSPACE_TRACK))
    assert code == 0, err
    assert "Imported Acme AI policy" in out
    store = open_store(str(path))
    service = CompanionService(store.repo, load_curriculum(content, CoursePolicy.relaxed()), FixedClock(START))
    for user, letter in (("ada", "A"), ("bob", "B"), ("cy", "C")):
        ctx = Context(workspace_id="T1", platform="console", user_id=user, display_name=user.title(), is_dm=True)
        assert "Acme AI policy" in service.handle_text(ctx, "track acme-policy").text
        for _ in WORKSPACE_QUESTIONS:
            assert "Acme AI policy" in service.handle_text(ctx, "quiz").text
            assert service.handle_text(ctx, f"answer {letter}").kind == "answer"
    store.close()

    document = _json(capsys, "content", "item-stats", "--dir", str(content), "--db", str(path), "--workspace", "T1")

    assert document["outside_course"] == 0
    assert (document["learners"], document["first_attempts"]) == (3, 6)
    analysed = {q["id"]: q for q in document["questions"] if q["first_attempts"]}
    assert sorted(analysed) == sorted(WORKSPACE_QUESTIONS)
    first, second = analysed["acme-policy-q-01"], analysed["acme-policy-q-02"]
    assert (first["first_attempts"], first["correct"]) == (3, 1)  # key A: only ada
    assert (second["first_attempts"], second["correct"]) == (3, 1)  # key B: only bob
    assert {letter: o["chosen"] for letter, o in first["options"].items()} == {"A": 1, "B": 1, "C": 1}
    _, text, _ = _run(capsys, "content", "item-stats", "--dir", str(content), "--db", str(path), "--workspace", "T1")
    assert "acme-policy-q-01" in text
    assert "no longer in the course" not in text
