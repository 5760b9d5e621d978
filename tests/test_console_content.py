"""A workspace's own track from the command line: ``aipm content import --workspace ID FILE`` into the
configured database, and ``admin import <path>`` inside the console chat (whose workspace id is ``console``)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.test_console import run_cli

TRACK = Path(__file__).parent / "fixtures" / "workspace" / "acme-policy.yaml"


def stored_tracks(db: Path) -> list[tuple[str, str, int]]:
    with sqlite3.connect(db) as conn:
        return [tuple(row) for row in conn.execute("SELECT workspace_id, track_id, version FROM workspace_tracks ORDER BY workspace_id")]


def test_the_cli_imports_a_track_that_only_its_workspace_sees(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    imported = run_cli("content", "import", "--workspace", "console", "--db", str(db), str(TRACK))
    assert imported.returncode == 0, imported.stderr
    assert "Imported Acme AI policy (acme-policy), 1 tip and 2 questions" in imported.stdout
    elsewhere = run_cli("content", "import", "--workspace", "T-other", "--db", str(db), str(TRACK))
    assert elsewhere.returncode == 0, elsewhere.stderr
    assert stored_tracks(db) == [("T-other", "acme-policy", 1), ("console", "acme-policy", 1)]

    chat = run_cli("console", "--db", str(db), "--user", "ada", stdin="tracks\ntrack acme-policy\nquiz\nA\n")
    assert chat.returncode == 0, chat.stderr
    assert "acme-policy — Acme AI policy" in chat.stdout
    assert "You're now following Acme AI policy" in chat.stdout
    assert "Quiz · Acme AI policy" in chat.stdout

    again = run_cli("content", "import", "--workspace", "console", "--db", str(db), str(TRACK))
    assert "Replaced with version 2" in again.stdout
    assert stored_tracks(db)[1] == ("console", "acme-policy", 2)


def test_the_cli_refuses_a_bad_file_with_its_lines_and_stores_nothing(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    bad = tmp_path / "foundations.yaml"
    bad.write_text(TRACK.read_text().replace("acme-policy", "foundations").replace("difficulty: 2", "difficulty: 7"))
    result = run_cli("content", "import", "--workspace", "console", "--db", str(db), str(bad))
    assert result.returncode == 1
    assert "foundations.yaml:2: track id 'foundations' is the course's own" in result.stderr
    assert "foundations.yaml:39: questions.1.difficulty" in result.stderr
    assert "Nothing was stored" in result.stderr
    missing = run_cli("content", "import", "--workspace", "console", "--db", str(db), str(tmp_path / "nope.yaml"))
    assert missing.returncode == 1
    assert "nope.yaml:1: cannot read the file" in missing.stderr
    assert stored_tracks(db) == []


def test_the_console_imports_lists_and_removes_its_own_track(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    script = f"admin import {TRACK}\nadmin content\ntrack acme-policy\nquiz\nA\nadmin content remove acme-policy\ntracks\nstats\n"
    result = run_cli("console", "--db", str(db), "--user", "ada", stdin=script)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Imported Acme AI policy (acme-policy)" in out
    assert "acme-policy Acme AI policy: version 1" in out
    assert "Removed acme-policy" in out
    after_removal = out.split("> tracks")[1]
    assert "acme-policy" not in after_removal.split("> stats")[0]
    assert "Answered: 1" in after_removal  # the answer stays in history
    assert stored_tracks(db) == []


def test_the_console_names_a_file_it_cannot_read(tmp_path: Path) -> None:
    result = run_cli("console", "--db", str(tmp_path / "c.db"), "--user", "ada", stdin=f"admin import {tmp_path / 'missing.yaml'}\nadmin import\n")
    assert "I couldn't read" in result.stdout
    assert "missing.yaml: No such file or directory. Nothing was stored." in result.stdout
    assert "Name the file: admin import path/to/track.yaml" in result.stdout


def test_no_tracks_yet_prints_an_example_file_that_imports_as_printed(tmp_path: Path) -> None:
    """A hosted admin has no repository to copy from: the reply is the file, printed as is (no fences, no markup)."""
    db = tmp_path / "c.db"
    shown = run_cli("console", "--db", str(db), "--user", "ada", stdin="settings tz Europe/Berlin\nadmin content\n")
    assert shown.returncode == 0, shown.stderr
    reply = shown.stdout.split("> admin content\n")[1]
    assert "send it with admin import <file>." in reply
    assert "repository" not in reply
    assert "```" not in reply
    example = tmp_path / "ours.yaml"
    example.write_text(reply[reply.index("track:\n"):])

    imported = run_cli("console", "--db", str(db), "--user", "ada", stdin=f"admin import {example}\n")
    assert "Imported Our AI policy (our-ai-policy), 1 tip and 1 question" in imported.stdout
