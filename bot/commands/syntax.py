"""How a command is written on each platform: typed as is in the console, after ``/aipm`` on Slack, and on
Discord as the path of its generated slash command with its named options.

Discord cannot invoke a group, so bare ``settings`` is ``settings show`` there, and it calls a workspace a
server. Its adapter builds the command tree from ``discord_path``, so help and the tree cannot disagree.
A Slack slash command cannot carry a file, so there a file option is sent afterwards, in a DM.
"""

from __future__ import annotations

from bot.commands.table import CommandSpec

DISCORD_PATHS = {"settings": "settings show", "admin": "admin help", "settings workspace-tz": "settings server-tz",
                "admin content remove": "admin content-remove"}


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
