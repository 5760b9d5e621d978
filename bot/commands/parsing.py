"""Turn the text after ``/aipm`` into a typed command, driven by the command table.

What is not a command may still be small talk (``hi``, ``thanks``) or the answer to a pending question
(``yes``, ``no``); anything else gets the closest command suggested.
"""

from __future__ import annotations

from typing import Any

from bot.commands.table import COMMAND_TABLE, CommandSpec
from bot.commands.types import Command, Confirm, Greet, Help, Mood
from bot.commands.typos import suggest
from bot.commands.values import CommandError

MAX_LENGTH = 500
_GREETINGS: dict[str, Mood] = {
    "hi": "hello", "hello": "hello", "hey": "hello", "hiya": "hello", "howdy": "hello", "yo": "hello",
    "thanks": "thanks", "thank": "thanks", "thx": "thanks", "ty": "thanks", "cheers": "thanks",
    "bye": "bye", "goodbye": "bye", "quit": "bye", "exit": "bye",
}
_YES = ("yes", "y", "yeah", "yep")
_NO = ("no", "n", "nope", "nah", "cancel")


def parse_command(text: str) -> Command:
    """Turn ``"quiz"``, ``"/aipm answer b"`` or ``"settings tz Europe/Paris"`` into a Command.

    Raises CommandError with a sentence that names the closest command when the input is unknown.
    """
    tokens = text.strip().split()
    if tokens and tokens[0].lower() in ("/aipm", "aipm"):
        tokens = tokens[1:]
    if not tokens:
        return Help()
    head, args = tokens[0].lower(), tokens[1:]
    if len(text) > MAX_LENGTH:
        raise CommandError(lambda say: f"That command is too long. Try {say('help')} to see what I understand.")
    spec = COMMAND_TABLE.find(head)
    if spec is not None:
        command: Command = _read(spec, head, args)
        return command
    words = " ".join(tokens).lower().strip("!.?, ")
    mood = _GREETINGS.get(head.strip("!.?,")) if len(tokens) <= 3 else None
    if mood is not None:
        return Greet(mood)
    if words in _YES or words in _NO:
        return Confirm(words in _YES)
    hint = suggest(head, COMMAND_TABLE.suggestions())
    if hint:
        raise CommandError(lambda say: f"I don't know `{head}`. Did you mean {say(hint)}? Try {say('help')} for everything I can do.")
    raise CommandError(lambda say: f"I don't know `{head}`. Try {say('help')} for everything I can do.")


def file_argument(text: str) -> str | None:
    """The file ``text`` names for a command's ``file`` option (``admin import track.yaml``), or None: the
    console reads that path and hands the core the file itself."""
    try:
        command = parse_command(text)
    except CommandError:
        return None
    spec = COMMAND_TABLE.spec_for(command)
    if spec is None or not any(option.kind == "file" for option in spec.options):
        return None
    named = getattr(command, "file", None)
    return named if isinstance(named, str) else None


def needs_admin(text: str, in_private: bool) -> bool:
    """Whether the outcome of ``text`` depends on the asker being an admin (so a platform look-up is worth it)."""
    try:
        command = parse_command(text)
    except CommandError:
        return False
    return COMMAND_TABLE.admin_refusal(command, in_private) is not None


def _read(spec: CommandSpec, said: str, args: list[str]) -> Any:
    """A subcommand when the next word names one (``settings tz ...``), else the command's own words."""
    if args:
        sub = COMMAND_TABLE.find(args[0].lower(), parent=spec.name)
        if sub is not None:
            return _read(sub, args[0].lower(), args[1:])
    if spec.parse is not None:
        return spec.parse(said, args)
    if args:
        raise CommandError(lambda say: f"`{said}` takes no extra words. Just send {say(spec.name)}.")
    return spec.command()
