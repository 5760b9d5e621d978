"""Parse the text after ``/aipm`` into a typed command. One table of commands, shared by every adapter."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Literal

Weekday = int  # 0 = Monday .. 6 = Sunday
WEEKDAYS: tuple[Weekday, ...] = (0, 1, 2, 3, 4)
EVERY_DAY: tuple[Weekday, ...] = (0, 1, 2, 3, 4, 5, 6)
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Help:
    topic: str | None = None


@dataclass(frozen=True)
class Tip:
    pass


@dataclass(frozen=True)
class Quiz:
    pass


@dataclass(frozen=True)
class Answer:
    letter: str


@dataclass(frozen=True)
class Streak:
    pass


@dataclass(frozen=True)
class Stats:
    pass


@dataclass(frozen=True)
class Review:
    pass


@dataclass(frozen=True)
class Leaderboard:
    scope: Literal["week", "all"] = "week"


@dataclass(frozen=True)
class Tracks:
    pass


@dataclass(frozen=True)
class ChooseTrack:
    name: str


@dataclass(frozen=True)
class ShowSettings:
    pass


@dataclass(frozen=True)
class SetTimeZone:
    tz: str


@dataclass(frozen=True)
class SetDailyTime:
    hhmm: str


@dataclass(frozen=True)
class SetNudges:
    enabled: bool


@dataclass(frozen=True)
class SetWorkspaceTimeZone:
    tz: str


@dataclass(frozen=True)
class Subscribe:
    hhmm: str | None = None
    tz: str | None = None
    track: str | None = None
    days: tuple[Weekday, ...] | None = None


@dataclass(frozen=True)
class Unsubscribe:
    pass


@dataclass(frozen=True)
class ForgetMe:
    confirmed: bool = False


Command = (
    Help | Tip | Quiz | Answer | Streak | Stats | Review | Leaderboard | Tracks | ChooseTrack | ShowSettings
    | SetTimeZone | SetDailyTime | SetNudges | SetWorkspaceTimeZone | Subscribe | Unsubscribe | ForgetMe
)


@dataclass(frozen=True)
class CommandSpec:
    """One row of the command table: its usage line and what it does, for help and suggestions."""

    name: str
    usage: str
    summary: str
    aliases: tuple[str, ...] = field(default=())


COMMAND_TABLE: tuple[CommandSpec, ...] = (
    CommandSpec("help", "help", "Show what I can do."),
    CommandSpec("tip", "tip", "Today's tip on AI product management."),
    CommandSpec("quiz", "quiz", "A question picked for you: new material first, then reviews."),
    CommandSpec("answer", "answer <A-E>", "Answer your open quiz.", ("a",)),
    CommandSpec("streak", "streak", "Your current and best streak, and freezes held."),
    CommandSpec("stats", "stats", "Your accuracy, by topic, and your activity."),
    CommandSpec("review", "review", "Questions due for spaced review, missed ones first."),
    CommandSpec("leaderboard", "leaderboard [week|all]", "Top learners here by points.", ("top",)),
    CommandSpec("tracks", "tracks", "The course tracks you can follow."),
    CommandSpec("track", "track <name>", "Follow a track (or `track path` for AI PM in 30 days)."),
    CommandSpec("settings", "settings", "Show your settings.", ("config",)),
    CommandSpec("settings tz", "settings tz <Area/City>", "Set your time zone, e.g. Europe/Berlin."),
    CommandSpec("settings time", "settings time <HH:MM>", "Your preferred daily time for direct messages."),
    CommandSpec("settings nudges", "settings nudges on|off", "Evening reminders when your streak is at risk."),
    CommandSpec("settings workspace-tz", "settings workspace-tz <Area/City>", "Admins: the default time zone here."),
    CommandSpec(
        "subscribe", "subscribe [HH:MM] [Area/City] [track] [weekdays|daily|mon,wed,...]",
        "Daily tip and quiz in this channel (admins), or in your DMs.",
    ),
    CommandSpec("unsubscribe", "unsubscribe", "Stop the daily post here."),
    CommandSpec("forget-me", "forget-me", "Delete everything I know about you (asks to confirm)."),
)

_TOP_LEVEL = sorted({spec.name.split()[0] for spec in COMMAND_TABLE} | {a for s in COMMAND_TABLE for a in s.aliases})
# [0-9], not \d: \d also matches other scripts' digits ("٩:3٠"), which would be stored as they were typed.
_HHMM = re.compile(r"^([01]?[0-9]|2[0-3]):([0-5][0-9])$")
_LETTER = re.compile(r"^[A-Ea-e]$")
_TRACK_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


class CommandError(ValueError):
    """Input that is not a command; ``str(error)`` is the friendly sentence shown to the user."""


def _suggest(word: str, choices: list[str]) -> str | None:
    found = difflib.get_close_matches(word, choices, n=1, cutoff=0.5)
    return found[0] if found else None


def parse_hhmm(text: str) -> str:
    """Normalise ``9:05`` to ``09:05``; raise CommandError for anything that is not a time of day."""
    match = _HHMM.match(text.strip())
    if not match:
        raise CommandError(f"`{text}` is not a time of day. Use 24-hour HH:MM, for example `09:00` or `17:30`.")
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def parse_days(text: str) -> tuple[Weekday, ...] | None:
    """Read ``weekdays``, ``daily``/``everyday`` or a comma list like ``mon,wed,fri``; None if not a day spec."""
    lowered = text.lower()
    if lowered in ("weekdays", "workdays"):
        return WEEKDAYS
    if lowered in ("daily", "everyday", "every-day"):
        return EVERY_DAY
    parts = [p[:3] for p in lowered.split(",") if p]
    if parts and all(p in DAY_NAMES for p in parts):
        return tuple(sorted({DAY_NAMES.index(p) for p in parts}))
    return None


def looks_like_tz(token: str) -> bool:
    return "/" in token or token.upper() in ("UTC", "GMT")


def _parse_subscribe(args: list[str]) -> Subscribe:
    hhmm = tz = track = None
    days: tuple[Weekday, ...] | None = None
    for token in args:
        if ":" in token:
            if hhmm is not None:
                raise CommandError("Give one time only, for example `subscribe 09:00 Europe/Paris`.")
            hhmm = parse_hhmm(token)
        elif looks_like_tz(token):
            tz = token
        elif (parsed := parse_days(token)) is not None:
            days = parsed
        elif _TRACK_NAME.match(token.lower()):
            if track is not None:
                raise CommandError("Give one track only. See `tracks` for their names.")
            track = token.lower()
        else:
            raise CommandError(
                f"I could not read `{token}`. Usage: `subscribe [HH:MM] [Area/City] [track] [weekdays|daily]`."
            )
    return Subscribe(hhmm=hhmm, tz=tz, track=track, days=days)


def _parse_settings(args: list[str]) -> Command:
    if not args:
        return ShowSettings()
    key, rest = args[0].lower(), args[1:]
    if key in ("tz", "timezone", "time-zone", "zone"):
        if len(rest) != 1:
            raise CommandError("Tell me one time zone, for example `settings tz Europe/Berlin`.")
        return SetTimeZone(rest[0])
    if key in ("workspace-tz", "server-tz", "default-tz"):
        if len(rest) != 1:
            raise CommandError("Tell me one time zone, for example `settings workspace-tz America/New_York`.")
        return SetWorkspaceTimeZone(rest[0])
    if key == "time":
        if len(rest) != 1:
            raise CommandError("Tell me one time, for example `settings time 08:30`.")
        return SetDailyTime(parse_hhmm(rest[0]))
    if key in ("nudges", "nudge", "reminders"):
        if len(rest) != 1 or rest[0].lower() not in ("on", "off"):
            raise CommandError("Use `settings nudges on` or `settings nudges off`.")
        return SetNudges(rest[0].lower() == "on")
    hint = _suggest(key, ["tz", "time", "nudges", "workspace-tz"])
    extra = f" Did you mean `settings {hint}`?" if hint else ""
    raise CommandError(f"There is no setting called `{key}`.{extra} Try `settings` to see them all.")


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
    if len(text) > 500:
        raise CommandError("That command is too long. Try `help` to see what I understand.")

    def no_args(command: Command) -> Command:
        if args:
            raise CommandError(f"`{head}` takes no extra words. Just send `{head}`.")
        return command

    if head in ("help", "?"):
        return Help(args[0].lower() if args else None)
    if head == "tip":
        return no_args(Tip())
    if head == "quiz":
        return no_args(Quiz())
    if head in ("answer", "a"):
        if len(args) != 1 or not _LETTER.match(args[0].rstrip(").")):
            raise CommandError("Answer with one letter, for example `answer B`.")
        return Answer(args[0].rstrip(").").upper())
    if head == "streak":
        return no_args(Streak())
    if head == "stats":
        return no_args(Stats())
    if head == "review":
        return no_args(Review())
    if head in ("leaderboard", "top"):
        if not args:
            return Leaderboard("week")
        if len(args) == 1 and args[0].lower() in ("week", "all"):
            return Leaderboard("week" if args[0].lower() == "week" else "all")
        raise CommandError("Use `leaderboard week` or `leaderboard all`.")
    if head == "tracks":
        return no_args(Tracks())
    if head == "track":
        if len(args) != 1:
            raise CommandError("Name one track, for example `track foundations`. See `tracks` for the list.")
        return ChooseTrack(args[0].lower())
    if head in ("settings", "config"):
        return _parse_settings(args)
    if head == "subscribe":
        return _parse_subscribe(args)
    if head == "unsubscribe":
        return no_args(Unsubscribe())
    if head in ("forget-me", "forgetme", "forget"):
        if not args:
            return ForgetMe(False)
        if len(args) == 1 and args[0].lower() == "confirm":
            return ForgetMe(True)
        raise CommandError("Send `forget-me` and I will ask you to confirm.")
    hint = _suggest(head, _TOP_LEVEL)
    if hint:
        raise CommandError(f"I don't know `{head}`. Did you mean `{hint}`? Try `help` for everything I can do.")
    raise CommandError(f"I don't know `{head}`. Try `help` for everything I can do.")
