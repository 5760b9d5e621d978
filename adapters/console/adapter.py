"""Console chat: the same commands as Slack and Discord, typed in a terminal.

On a terminal it is an interactive chat rendered with rich, where typing a button's key clicks it.
When stdin is not a terminal it reads one command per line and prints each reply, so it can be scripted.
A terminal cannot show a picture, so a reply's image (the ``stats`` progress card) is written to a PNG file
in ``image_dir`` (the CLI puts it beside the database, under the user data directory by default; else a
temporary directory) and its path is printed; each learner's latest card of a kind replaces the previous one.
On request it is also opened in the system's image viewer (``adapters.console.viewer``): every new picture
with ``open_images``, the last one when the learner types ``open``.
A file (the ``export`` zip) is written the same way to ``file_dir`` (the CLI's ``exports`` beside ``images``),
readable by its owner only, since it holds everything the bot knows about them.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel

from adapters.console.render import button_keys, file_line, image_line, plain, render_plain, to_rich
from adapters.console.viewer import Opener, open_picture, system_opener
from bot import commands as cmd
from bot.context import Companion, Context, Upload
from bot.messages import Reply
from bot.render.workspace_content import unreadable_file

UPLOAD_LIMIT = 1024 * 1024  # read no more than this of a named file; the core refuses anything over its own limit

CONSOLE_WORKSPACE = "console"
CONSOLE_USER_IS_ADMIN = True
"""Whoever types in the console runs the bot, so they administer its workspace (the scheduled posts' check too)."""
LEAVE_WORDS = ("exit", "quit", ":q")
OPEN_WORD = "open"
GOODBYE = "Bye! Keep the streak going. 🔥"
NO_PICTURE_YET = "No picture to open yet: `stats` draws your progress card, then `open` shows it."


class ConsoleAdapter:
    def __init__(self, service: Companion, user: str, tz: str | None = None, image_dir: Path | None = None,
                 file_dir: Path | None = None, open_images: bool = False, opener: Opener = system_opener) -> None:
        """``open_images`` opens each picture as it is saved; ``opener`` is what opens one (tests pass a recorder)."""
        self.service = service
        self.open_images = open_images
        self.opener = opener
        self.last_image: Path | None = None
        self.image_dir = image_dir or Path(tempfile.gettempdir()) / "aipm-companion"
        self.file_dir = file_dir or self.image_dir
        self.context = Context(
            workspace_id=CONSOLE_WORKSPACE, platform="console", user_id=user, display_name=user,
            channel_id="console", is_dm=True, is_admin=CONSOLE_USER_IS_ADMIN, platform_tz=tz, workspace_name="Console",
        )
        self._last: Reply | None = None

    def send(self, line: str) -> Reply:
        """One line of input: a command, or the key of a button on the last reply."""
        text = line.strip()
        key = text.strip("[]").upper()
        if self._last is not None:
            for button_key, _label, action_id, value in button_keys(self._last):
                if key == button_key and not text.lower().startswith(("/aipm", "aipm")):
                    self._last = self.service.handle_action(self.context, action_id, value)
                    return self._last
        if len(key) == 1 and key.isalpha() and key not in "YN":
            text = f"answer {key}"  # a bare letter answers the open quiz, like clicking its button (y and n are yes and no)
        named = cmd.file_argument(text)
        self._last = self.service.handle_text(self.context, text) if named is None else self.upload(text, Path(named).expanduser())
        return self._last

    def upload(self, text: str, path: Path) -> Reply:
        """A command that names a file (``admin import track.yaml``): the file is read here and sent with it."""
        try:
            with path.open("rb") as file:
                data = file.read(UPLOAD_LIMIT + 1)
        except OSError as error:
            return unreadable_file(str(path), error.strerror or "it cannot be opened")
        return self.service.handle_upload(self.context, text, Upload(path.name, data))

    def run_script(self, lines: Iterable[str], out: TextIO) -> int:
        for line in lines:
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if is_leave(line):
                out.write(f"> {line.strip()}\n{GOODBYE}\n")
                return 0
            if is_open(line):
                out.write(f"> {line.strip()}\n{plain(self.open_last())}\n\n")
                out.flush()
                continue
            reply = self.send(line)
            image = self.save_image(reply)
            note = self.show(image)
            out.write(f"> {line.strip()}\n{render_plain(reply, image, self.save_file(reply))}\n" + (f"{note}\n" if note else "") + "\n")
            out.flush()
        return 0

    def run_interactive(self, console: Console | None = None) -> int:
        console = console or Console()
        console.print(Panel.fit("aipm-companion · type [bold]help[/bold], [bold]tip[/bold] or [bold]quiz[/bold]; [bold]open[/bold] shows the last picture; "
                                "[bold]exit[/bold] or Ctrl-D to leave", style="cyan"))
        while True:
            try:
                line = console.input("[bold green]you ›[/bold green] ")
            except (EOFError, KeyboardInterrupt):
                console.print(f"\n{GOODBYE}")
                return 0
            if not line.strip():
                continue
            if is_leave(line):
                console.print(GOODBYE)
                return 0
            if is_open(line):
                console.print(to_rich(self.open_last()))
                continue
            reply = self.send(line)
            image = self.save_image(reply)
            self._print(console, reply, image, self.save_file(reply))
            note = self.show(image)
            if note:
                console.print(f"[yellow]{escape(note)}[/yellow]")

    def show(self, image: Path | None) -> str | None:
        """Open a just-saved picture when asked to open each one; the sentence to print when that failed."""
        if image is None or not self.open_images:
            return None
        return open_picture(self.opener, image)

    def open_last(self) -> str:
        """``open``: the last picture saved in this chat, in the system's image viewer."""
        if self.last_image is None or not self.last_image.exists():
            return NO_PICTURE_YET
        return open_picture(self.opener, self.last_image) or f"Opened {self.last_image} in your image viewer."

    def save_image(self, reply: Reply) -> Path | None:
        """Write the reply's PNG and return its path; None when there is none or it could not be written."""
        if reply.image is None:
            return None
        path = self.image_dir / f"{_safe(self.context.user_id)}-{reply.image.filename}"
        try:
            self.image_dir.mkdir(parents=True, exist_ok=True)
            path.write_bytes(reply.image.png)
        except OSError:
            return None
        self.last_image = path
        return path

    def save_file(self, reply: Reply) -> Path | None:
        """Write the reply's file for its owner's eyes only (mode 0600) and return its path; None when there is none
        or it could not be written."""
        if reply.attachment is None:
            return None
        path = self.file_dir / f"{_safe(self.context.user_id)}-{_safe(reply.attachment.filename)}"
        try:
            self.file_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "wb") as out:
                out.write(reply.attachment.content)
            path.chmod(0o600)  # an older file of the same name keeps its mode through O_TRUNC
        except OSError:
            return None
        return path

    @staticmethod
    def _print(console: Console, reply: Reply, image_path: Path | None = None, file_path: Path | None = None) -> None:
        style = "red" if reply.kind == "error" else "cyan"
        body = []
        for section in reply.sections or ():
            if section.title:
                body.append(f"[bold]{to_rich(section.title)}[/bold]")
            body.append(to_rich(section.text))
        keys = button_keys(reply)
        if keys:
            body.append("  ".join(f"[bold magenta]\\[{k}][/bold magenta]" + ("" if k == label else f" {label}") for k, label, _, _ in keys))
        if reply.image is not None:
            body.append(f"[dim]{escape(image_line(reply, image_path))}[/dim]")
        if reply.attachment is not None:
            body.append(f"[dim]{escape(file_line(reply, file_path))}[/dim]")
        console.print(Panel("\n".join(body) or to_rich(reply.text), border_style=style))

    def run(self, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
        stdin = stdin or sys.stdin
        if stdin.isatty():
            return self.run_interactive()
        return self.run_script(stdin, stdout or sys.stdout)


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)


def is_open(line: str) -> bool:
    """``open`` is the console's own word (no platform has a picture to open), like ``exit``."""
    return line.strip().lower().removeprefix("/aipm ").strip() == OPEN_WORD


def is_leave(line: str) -> bool:
    """``exit`` and ``quit`` end a console chat, as they do in every other terminal program."""
    return line.strip().lower().removeprefix("/aipm ").strip() in LEAVE_WORDS
