"""``export`` in the console: the zip is written beside the database for its owner only, and its path printed."""

from __future__ import annotations

import io
import stat
from pathlib import Path

from adapters.console import ConsoleAdapter
from bot.service import CompanionService
from tests.export_files import REVLOG_HEADER, holds_nothing, open_export
from tests.test_console import run_cli


def test_the_cli_writes_the_export_beside_the_database_and_prints_its_path(tmp_path: Path) -> None:
    result = run_cli("console", "--db", str(tmp_path / "c.db"), "--user", "ada", stdin="tip\nquiz\nA\nexport\n")
    assert result.returncode == 0, result.stderr
    saved = tmp_path / "exports" / "ada-aipm-export.zip"
    assert f"(file saved to {saved}: Your data export)" in result.stdout
    assert "1 answer, 1 tip seen, 1 active day" in result.stdout
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    opened = open_export(saved.read_bytes())
    assert opened.header == REVLOG_HEADER
    [row] = opened.rows
    assert row["review_rating"] in ("1", "3")
    assert row["review_state"] == "0"
    assert opened.document["workspace"]["id"] == "console"
    assert [a["letter"] for a in opened.document["answers"]] == ["A"]


def test_forget_me_after_export_leaves_an_export_with_nothing_in_it(tmp_path: Path) -> None:
    result = run_cli("console", "--db", str(tmp_path / "c.db"), "--user", "ada",
                     stdin="quiz\nA\nexport\nforget-me\nyes\nexport\n")
    assert result.returncode == 0, result.stderr
    exports = result.stdout.split("> export")
    assert len(exports) == 3
    assert "1 answer" in exports[1]
    assert "I deleted everything I had about you here" in exports[1]
    assert "I hold nothing about you here yet" in exports[2]
    assert holds_nothing(open_export((tmp_path / "exports" / "ada-aipm-export.zip").read_bytes()))


def test_a_file_that_cannot_be_written_is_said_so(service: CompanionService, tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the folder should be")
    console = ConsoleAdapter(service, user="ada", image_dir=tmp_path / "images", file_dir=blocked)
    out = io.StringIO()
    console.run_script(["export"], out)
    assert "(file aipm-export.zip, " in out.getvalue()
    assert "could not be written" in out.getvalue()


def test_other_replies_write_no_file(service: CompanionService, tmp_path: Path) -> None:
    console = ConsoleAdapter(service, user="ada", image_dir=tmp_path / "images", file_dir=tmp_path / "exports")
    console.run_script(["tip", "quiz", "help"], io.StringIO())
    assert not (tmp_path / "exports").exists()
