"""The values inside commands: times of day, weekday lists, time-zone-looking words and track names."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING

from bot.commands.types import DAY_NAMES, EVERY_DAY, WEEKDAYS, Weekday
from bot.commands.typos import suggest

if TYPE_CHECKING:
    from bot.commands.syntax import Syntax, Wording

# [0-9], not \d: \d also matches other scripts' digits ("٩:3٠"), which would be stored as they were typed.
_HHMM = re.compile(r"^([01]?[0-9]|2[0-3]):([0-5][0-9])$")


class CommandError(ValueError):
    """Input that is not a command, with the friendly sentence shown to the user.

    A sentence that names commands is a ``Wording``: parsing does not know where the text was typed, so
    whoever answers writes it for the asker's platform (``sentence``); ``str(error)`` is the console's.
    """

    def __init__(self, message: str | Wording) -> None:
        super().__init__(message if isinstance(message, str) else "")
        self.wording = message

    def sentence(self, say: Syntax) -> str:
        return say.write(self.wording)

    def __str__(self) -> str:
        from bot.commands.syntax import Syntax  # here, not above: writing a command needs the table, whose parsers raise this

        return self.sentence(Syntax("console"))


class NotAnOption(CommandError):
    """``answer Z``: a letter, but not one a question can have. The service names the letters the open quiz has."""

    def __init__(self, letter: str) -> None:
        self.letter = letter.upper()
        super().__init__(lambda say: f"`{self.letter}` is not an option. Answer with one letter, for example {say('answer', letter='B')}.")


def _track_key(text: str) -> str:
    return " ".join(text.lower().replace("-", " ").replace("_", " ").split())


def resolve_track(name: str, tracks: list[tuple[str, str]]) -> str:
    """The id of the track ``name`` means, from ``(id, title)`` pairs; raise CommandError when it is unclear.

    People type titles, prefixes and any case (``Data fluency``, ``data``, ``FOUNDATIONS``), so an exact id or
    title wins, then a unique prefix of an id, a title or a word of a title. Several matches list the candidates.
    """
    key = _track_key(name)
    if not key:
        raise CommandError(lambda say: f"Name one track, for example {say('track', name='foundations')}. See {say('tracks')} for the list.")
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
            raise _ambiguous(name, found)
    hint = suggest(key, [tid for tid, _ in tracks]) or suggest(key, [title for _, title in tracks])
    hint_id = next((tid for tid, title in tracks if hint in (tid, title)), None)
    listed = ", ".join(f"`{tid}` ({title})" for tid, title in tracks)
    raise CommandError(lambda say: f"There is no track called `{name}`.{_did_you_mean(say, hint_id)} The tracks are: {listed}.")


def _ambiguous(name: str, found: list[tuple[str, str]]) -> CommandError:
    listed = ", ".join(f"`{tid}` ({title})" for tid, title in found)
    return CommandError(lambda say: f"`{name}` could be more than one track: {listed}. Send {say('track')} with one of those names.")


def _did_you_mean(say: Syntax, track_id: str | None) -> str:
    return f" Did you mean {say('track', name=track_id)}?" if track_id else ""


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


# A fraction (0.85, .85, 0,85) or a percentage (85%, 87.5%); [0-9] again, so other scripts' digits are refused.
_RETENTION = re.compile(r"^([0-9]*[.,]?[0-9]+)(%?)$")
RETENTION_RANGE = (Decimal("0.80"), Decimal("0.97"))
_RANGE_WORDS = "between 0.80 and 0.97, such as `0.85` or `85%`"


def parse_retention(text: str) -> float:
    """``0.85`` or ``85%`` as 0.85; raise CommandError, saying why, for anything outside 0.80-0.97.

    A bare ``85`` is refused rather than guessed: ``settings retention 1`` could mean 100% or a typo for
    0.91, so the learner is asked to write the percent sign, and no number silently means two things.
    """
    match = _RETENTION.match(text.strip())
    if match is None:
        raise CommandError(f"`{text}` is not a number I can read. Give a desired retention {_RANGE_WORDS}.")
    value = Decimal(match.group(1).replace(",", "."))
    if match.group(2):
        value /= 100
    elif value > 1:
        low, high = RETENTION_RANGE
        if low * 100 <= value <= high * 100:
            raise CommandError(f"`{text}` is not between 0.80 and 0.97: write a fraction or a percentage. Did you mean `{text}%` ({_shown(value / 100)})?")
        raise CommandError(f"`{text}` is not a desired retention. Give one {_RANGE_WORDS}.")
    low, high = RETENTION_RANGE
    if value < low:
        raise CommandError(f"`{text}` is too low: reviews would come so late that you'd often have forgotten the answer. Choose {_RANGE_WORDS}.")
    if value > high:
        raise CommandError(f"`{text}` is too high: reviews would pile up for very little gain. Choose {_RANGE_WORDS}.")
    return float(round(value, 4))


def _shown(value: Decimal) -> str:
    return f"{value.normalize():f}"
