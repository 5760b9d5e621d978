"""The console opens a saved picture in the system's image viewer only when asked (--open-images,
AIPM_CONSOLE_OPEN_IMAGES=1, or typing `open`); the tests inject the opener and never start a real viewer."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from adapters.console import ConsoleAdapter, viewer
from adapters.console.adapter import NO_PICTURE_YET
from bot.service import CompanionService
from tests.charts.png import PNG_SIGNATURE
from tests.test_console import run_cli


class RecordingOpener:
    def __init__(self, error: OSError | None = None) -> None:
        self.opened: list[Path] = []
        self.error = error

    def __call__(self, path: Path) -> None:
        self.opened.append(path)
        if self.error is not None:
            raise self.error


def _console(service: CompanionService, tmp_path: Path, opener: RecordingOpener, *, open_images: bool = False) -> ConsoleAdapter:
    return ConsoleAdapter(service, user="ada", tz="Europe/Paris", image_dir=tmp_path / "images", open_images=open_images, opener=opener)


def _run(console: ConsoleAdapter, *lines: str) -> str:
    out = io.StringIO()
    assert console.run_script(lines, out) == 0
    return out.getvalue()


def test_with_open_images_each_saved_picture_is_opened(service: CompanionService, tmp_path: Path) -> None:
    opener = RecordingOpener()
    out = _run(_console(service, tmp_path, opener, open_images=True), "tip", "quiz", "A", "stats")
    card = tmp_path / "images" / "ada-progress.png"
    assert opener.opened == [card]  # the tip, quiz and answer had no picture
    assert card.read_bytes().startswith(PNG_SIGNATURE)  # written before it was opened
    assert f"(image saved to {card}: " in out
    assert "couldn't open" not in out


def test_without_the_request_nothing_is_opened_until_open_is_typed(service: CompanionService, tmp_path: Path) -> None:
    opener = RecordingOpener()
    console = _console(service, tmp_path, opener)
    out = _run(console, "stats")
    assert opener.opened == []
    card = tmp_path / "images" / "ada-progress.png"
    assert "type open to view it" in out
    out = _run(console, "open")
    assert opener.opened == [card]
    assert f"Opened {card} in your image viewer." in out
    _run(console, "/aipm open")
    assert opener.opened == [card, card]


def test_open_before_any_picture_says_how_to_get_one(service: CompanionService, tmp_path: Path) -> None:
    opener = RecordingOpener()
    out = _run(_console(service, tmp_path, opener), "open", "tip", "open")
    assert opener.opened == []
    assert out.count(NO_PICTURE_YET.replace("`", "")) == 2


def test_a_missing_viewer_is_a_friendly_line_and_the_chat_goes_on(service: CompanionService, tmp_path: Path) -> None:
    opener = RecordingOpener(viewer.NoViewer("xdg-open"))
    out = _run(_console(service, tmp_path, opener, open_images=True), "stats", "open", "streak")
    card = tmp_path / "images" / "ada-progress.png"
    assert out.count(f"(I couldn't open the picture: no image viewer here (xdg-open is not installed). It is saved at {card})") == 2
    assert "Traceback" not in out
    assert "> streak" in out


def test_a_viewer_that_fails_is_a_friendly_line_too(service: CompanionService, tmp_path: Path) -> None:
    opener = RecordingOpener(PermissionError(13, "Permission denied"))
    out = _run(_console(service, tmp_path, opener), "stats", "open")
    assert "(I couldn't open the picture (Permission denied). It is saved at " in out


def test_the_system_opener_uses_the_platforms_program_in_the_background(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    started: list[tuple[list[str], dict[str, object]]] = []
    monkeypatch.setattr(viewer.subprocess, "Popen", lambda args, **kwargs: started.append((args, kwargs)))
    monkeypatch.setattr(viewer.shutil, "which", lambda program: f"/usr/bin/{program}")
    for platform, program in (("linux", "xdg-open"), ("darwin", "open")):
        monkeypatch.setattr(viewer.sys, "platform", platform)
        viewer.system_opener(tmp_path / "card.png")
        args, kwargs = started[-1]
        assert args == [f"/usr/bin/{program}", str(tmp_path / "card.png")]
        assert kwargs["start_new_session"] is True  # the chat does not wait for the viewer to close
    monkeypatch.setattr(viewer.shutil, "which", lambda program: None)
    monkeypatch.setattr(viewer.sys, "platform", "linux")
    with pytest.raises(viewer.NoViewer, match="xdg-open"):
        viewer.system_opener(tmp_path / "card.png")
    assert len(started) == 2


@pytest.mark.skipif(sys.platform == "win32", reason="Windows opens files with os.startfile, not a program on PATH")
def test_the_cli_opens_pictures_on_request_only(tmp_path: Path) -> None:
    """No viewer on PATH, so the real default opener is exercised without starting anything."""
    no_viewer = {"PATH": str(tmp_path / "empty")}
    asked = run_cli("console", "--open-images", "--db", str(tmp_path / "a.db"), "--user", "ada", stdin="stats\n", env=no_viewer)
    assert asked.returncode == 0, asked.stderr
    assert "(I couldn't open the picture: no image viewer here (" in asked.stdout
    by_setting = run_cli("run", "--db", str(tmp_path / "b.db"), "--user", "ada", stdin="stats\n",
                         env={**no_viewer, "AIPM_CONSOLE_OPEN_IMAGES": "1"})
    assert "(I couldn't open the picture: no image viewer here (" in by_setting.stdout
    not_asked = run_cli("console", "--db", str(tmp_path / "c.db"), "--user", "ada", stdin="stats\nopen\n", env=no_viewer)
    before_open, after_open = not_asked.stdout.split("> open")
    assert "couldn't open" not in before_open
    assert "couldn't open" in after_open
    wrong = run_cli("console", "--db", str(tmp_path / "d.db"), stdin="stats\n", env={"AIPM_CONSOLE_OPEN_IMAGES": "maybe"})
    assert wrong.returncode == 2
    assert "AIPM_CONSOLE_OPEN_IMAGES must be 1 or 0" in wrong.stderr


def test_the_interactive_chat_opens_on_request_too(service: CompanionService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rich.console import Console

    lines = iter(["open", "stats", "open"])

    def typed(prompt: str = "") -> str:
        line = next(lines, None)
        if line is None:
            raise EOFError
        return line

    screen = Console(file=io.StringIO(), width=200)
    monkeypatch.setattr(screen, "input", typed)
    opener = RecordingOpener()
    assert _console(service, tmp_path, opener).run_interactive(screen) == 0
    shown = screen.file.getvalue()  # type: ignore[attr-defined]
    card = tmp_path / "images" / "ada-progress.png"
    assert opener.opened == [card]
    assert "No picture to open yet" in shown
    assert "in your image viewer." in shown
