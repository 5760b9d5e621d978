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


Mood = Literal["hello", "thanks", "bye"]


@dataclass(frozen=True)
class Greet:
    """Small talk people type before they know the commands: ``hi``, ``thanks``, ``bye``."""

    mood: Mood = "hello"


@dataclass(frozen=True)
class Confirm:
    """A bare ``yes`` or ``no``: the answer to whatever "Are you sure?" is pending."""

    yes: bool


Command = (
    Help | Tip | Quiz | Answer | Streak | Stats | Review | Leaderboard | Tracks | ChooseTrack | ShowSettings
    | SetTimeZone | SetDailyTime | SetNudges | SetWorkspaceTimeZone | Subscribe | Unsubscribe | ForgetMe
    | Greet | Confirm
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
    CommandSpec("track", "track <name>", "Follow a track by id, title or the start of either (or `track path` for AI PM in 30 days)."),
    CommandSpec("settings", "settings", "Show your settings.", ("config",)),
    CommandSpec("settings tz", "settings tz <Area/City>", "Set your time zone: a city (`new york`, `São Paulo`) or an IANA name (Europe/Berlin)."),
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
_ANY_LETTER = re.compile(r"^[A-Za-z]$")
_GREETINGS: dict[str, Mood] = {
    "hi": "hello", "hello": "hello", "hey": "hello", "hiya": "hello", "howdy": "hello", "yo": "hello",
    "thanks": "thanks", "thank": "thanks", "thx": "thanks", "ty": "thanks", "cheers": "thanks",
    "bye": "bye", "goodbye": "bye", "quit": "bye", "exit": "bye",
}
_YES = ("yes", "y", "yeah", "yep")
_NO = ("no", "n", "nope", "nah", "cancel")
_TRACK_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


class CommandError(ValueError):
    """Input that is not a command; ``str(error)`` is the friendly sentence shown to the user."""


class NotAnOption(CommandError):
    """``answer Z``: a letter, but not one a question can have. The service names the letters the open quiz has."""

    def __init__(self, letter: str) -> None:
        self.letter = letter.upper()
        super().__init__(f"`{self.letter}` is not an option. Answer with one letter, for example `answer B`.")


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance, counting a swap of two neighbours as one edit (``alpah`` is one from ``alpha``)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]


def close_enough(word: str, candidate: str) -> bool:
    """A typo of ``candidate``, not merely a word that shares some letters with it.

    Short words allow one edit that keeps the first letter; longer ones allow two edits at a difflib ratio
    of 0.75 or more, so ``clear`` never suggests ``leaderboard``.
    """
    word, candidate = word.lower(), candidate.lower()
    if len(word) < 3:
        return False  # one letter off a one- or two-letter word is a different word
    distance = edit_distance(word, candidate)
    if min(len(word), len(candidate)) <= 4:  # short words: one edit, keeping the first letter (`stop` is not `top`)
        return distance <= 1 and word[0] == candidate[0]
    if distance <= 1:
        return True
    return distance <= 2 and difflib.SequenceMatcher(None, word, candidate).ratio() >= 0.75


def suggest(word: str, choices: list[str]) -> str | None:
    """The closest choice that is a plausible typo of ``word``, or None."""
    ranked = sorted(choices, key=lambda c: (edit_distance(word.lower(), c.lower()), c))
    return next((c for c in ranked if close_enough(word, c)), None)



def _track_key(text: str) -> str:
    return " ".join(text.lower().replace("-", " ").replace("_", " ").split())


def resolve_track(name: str, tracks: list[tuple[str, str]]) -> str:
    """The id of the track ``name`` means, from ``(id, title)`` pairs; raise CommandError when it is unclear.

    People type titles, prefixes and any case (``Data fluency``, ``data``, ``FOUNDATIONS``), so an exact id or
    title wins, then a unique prefix of an id, a title or a word of a title. Several matches list the candidates.
    """
    key = _track_key(name)
    if not key:
        raise CommandError("Name one track, for example `track foundations`. See `tracks` for the list.")
    for track_id, title in tracks:
        if key in (_track_key(track_id), _track_key(title)):
            return track_id
    for matches_word in (
        lambda tid, title: _track_key(tid).startswith(key) or _track_key(title).startswith(key),
        lambda tid, title: any(word.startswith(key) for word in _track_key(f"{tid} {title}").split()),
    ):
        found = [(tid, title) for tid, title in tracks if matches_word(tid, title)]
        if len(found) == 1:
            return found[0][0]
        if found:
            listed = ", ".join(f"`{tid}` ({title})" for tid, title in found)
            raise CommandError(f"`{name}` could be more than one track: {listed}. Send `track` with one of those names.")
    hint = suggest(key, [tid for tid, _ in tracks]) or suggest(key, [title for _, title in tracks])
    hint_id = next((tid for tid, title in tracks if hint in (tid, title)), None)
    did_you_mean = f" Did you mean `track {hint_id}`?" if hint_id else ""
    listed = ", ".join(f"`{tid}` ({title})" for tid, title in tracks)
    raise CommandError(f"There is no track called `{name}`.{did_you_mean} The tracks are: {listed}.")


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
        if not rest:
            raise CommandError("Tell me one time zone, for example `settings tz Europe/Berlin`.")
        return SetTimeZone(" ".join(rest))  # city names have spaces: `settings tz new york`
    if key in ("workspace-tz", "server-tz", "default-tz"):
        if not rest:
            raise CommandError("Tell me one time zone, for example `settings workspace-tz America/New_York`.")
        return SetWorkspaceTimeZone(" ".join(rest))
    if key == "time":
        if len(rest) != 1:
            raise CommandError("Tell me one time, for example `settings time 08:30`.")
        return SetDailyTime(parse_hhmm(rest[0]))
    if key in ("nudges", "nudge", "reminders"):
        if len(rest) != 1 or rest[0].lower() not in ("on", "off"):
            raise CommandError("Use `settings nudges on` or `settings nudges off`.")
        return SetNudges(rest[0].lower() == "on")
    hint = suggest(key, ["tz", "time", "nudges", "workspace-tz"])
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
        letter = args[0].rstrip(").") if len(args) == 1 else ""
        if _ANY_LETTER.match(letter) and not _LETTER.match(letter):
            raise NotAnOption(letter)
        if not _LETTER.match(letter):
            raise CommandError("Answer with one letter, for example `answer B`.")
        return Answer(letter.upper())
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
        if not args:
            raise CommandError("Name one track, for example `track foundations`. See `tracks` for the list.")
        return ChooseTrack(" ".join(args).lower())  # titles have spaces: `track data fluency`
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
    words = " ".join(tokens).lower().strip("!.?, ")
    mood = _GREETINGS.get(head.strip("!.?,")) if len(tokens) <= 3 else None
    if mood is not None:
        return Greet(mood)
    if words in _YES or words in _NO:
        return Confirm(words in _YES)
    hint = suggest(head, _TOP_LEVEL)
    if hint:
        raise CommandError(f"I don't know `{head}`. Did you mean `{hint}`? Try `help` for everything I can do.")
    raise CommandError(f"I don't know `{head}`. Try `help` for everything I can do.")
