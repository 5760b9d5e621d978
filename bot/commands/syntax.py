"""How a command is written on each platform: typed as is in the console, after ``/aipm`` on Slack, and on
Discord as the path of its generated slash command with its named options.

Discord cannot invoke a group, so bare ``settings`` is ``settings show`` there, and it calls a workspace a
server. Its adapter builds the command tree from ``discord_path``, so help and the tree cannot disagree.
A Slack slash command cannot carry a file, so there a file option is sent afterwards, in a DM.

Every sentence that names a command writes it with ``Syntax`` for the asker's platform, so nobody on
Discord is told to type what only the console takes, and the rule lives here rather than in each sentence.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.commands.table import COMMAND_TABLE, CommandSpec, Option

DISCORD_PATHS = {"settings": "settings show", "admin": "admin help", "settings workspace-tz": "settings server-tz",
                "admin content remove": "admin content-remove"}

Wording = Callable[["Syntax"], str]
"""A sentence that names commands, written once the asker's platform is known (a parse error, a refusal)."""


def discord_path(spec: CommandSpec) -> str:
    """Where ``spec`` lives under ``/aipm`` on Discord, e.g. ``quiz`` or ``settings tz``."""
    return DISCORD_PATHS.get(spec.name, spec.name)


def written(spec: CommandSpec, platform: str) -> str:
    """``spec`` as a person on ``platform`` enters it: ``settings tz <Area/City>``, or on Discord
    ``/aipm settings tz <zone>`` (required options in angle brackets, optional ones in square)."""
    if platform == "slack" and any(o.kind == "file" for o in spec.options):
        return f"{spec.name} (then send me the file in a DM)"
    if platform != "discord":
        return spec.usage
    options = (f"<{o.name}>" if o.required else f"[{o.name}]" for o in spec.options)
    return " ".join(("/aipm", discord_path(spec), *options))


class Syntax:
    """Commands as a person on ``platform`` ("console", "slack" or "discord") sends them, in backticks."""

    def __init__(self, platform: str) -> None:
        self.platform = platform

    def __call__(self, name: str, /, **values: str) -> str:
        """The command ``name`` (or an alias, as typed) with ``values`` for some of its options, by option name:
        ``settings tz Europe/Berlin`` in the console, ``/aipm settings tz Europe/Berlin`` on Slack and
        ``/aipm settings tz zone:Europe/Berlin`` on Discord."""
        return self._written(name, (), values)

    def usage(self, name: str, /, *blanks: str, **values: str) -> str:
        """The command ``name`` with its options as placeholders: ``admin resolve <id> <note>`` in the console,
        ``/aipm admin resolve <id> <note>`` on Slack (a file follows in a DM there), and on Discord with its
        options' names, ``/aipm settings tz <zone>``. Naming ``blanks`` (and ``values``) shows only those options:
        ``report <reason> <what you noticed>``, or ``/aipm report <reason> <text>`` on Discord."""
        if blanks or values:
            return self._written(name, blanks, values)
        spec = command_named(name)
        if self.platform == "discord":
            return _code(written(spec, "discord"))
        if any(o.kind == "file" for o in spec.options) and self.platform == "slack":
            return _code(*self._slash, spec.name)
        return _code(*self._slash, spec.usage)

    def _written(self, name: str, blanks: tuple[str, ...], values: dict[str, str]) -> str:
        """Console and Slack put the words in the table's option order, the order the Discord adapter sends
        them to the parser in too; Discord names each filled option (``zone:Europe/Berlin``)."""
        spec = command_named(name)
        unknown = {*blanks, *values} - {o.name for o in spec.options}
        if unknown:
            raise KeyError(f"{spec.name!r} has no option {', '.join(sorted(unknown))}")
        words: list[str] = []
        for option in spec.options:
            if option.name in values:
                shown = _shown(option, values[option.name])
                words.append(f"{option.name}:{shown}" if self.platform == "discord" else values[option.name])
            elif option.name in blanks:
                words.append(f"<{option.name if self.platform == 'discord' else option.placeholder or option.name}>")
        if self.platform == "discord":
            return _code("/aipm", discord_path(spec), *words)
        return _code(*self._slash, name, *words)

    def typed(self, text: str) -> str | None:
        """Words the parser reads that are no table command's options (``yes``, ``forget-me confirm``), as sent
        here: as they are in the console, after ``/aipm`` on Slack; None on Discord, which takes only its menu."""
        return None if self.platform == "discord" else _code(*self._slash, text)

    def write(self, wording: str | Wording) -> str:
        """A sentence as the asker reads it: as it is, or written for this platform."""
        return wording if isinstance(wording, str) else wording(self)

    @property
    def _slash(self) -> tuple[str, ...]:
        return () if self.platform == "console" else ("/aipm",)


def command_named(name: str) -> CommandSpec:
    """The table's command for ``name``, word by word, each word a name or an alias (``config tz``)."""
    spec: CommandSpec | None = None
    for word in name.split():
        spec = COMMAND_TABLE.find(word, None if spec is None else spec.name)
        if spec is None:
            raise KeyError(f"no command called {name!r}")
    if spec is None:
        raise KeyError("no command named")
    return spec


def _shown(option: Option, value: str) -> str:
    """A choice as Discord shows it once picked (``Unclear``, ``all time``); anything else as typed."""
    return next((shown for shown, chosen in option.choices if chosen == value), value)


def _code(*words: str) -> str:
    return "`" + " ".join(words) + "`"
