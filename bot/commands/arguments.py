"""Reading the words after a command's name: one function per command that takes any.

Each has the table's ``Parser`` shape: the name as typed (for error messages) and the remaining words.
"""

from __future__ import annotations

import re

from bot.commands.types import (
    AdminImport,
    Answer,
    ChooseTrack,
    ForgetMe,
    Help,
    Leaderboard,
    RemoveContent,
    SetAdminReport,
    SetDailyTime,
    SetNudges,
    SetRetention,
    SetTimeZone,
    SetWorkspaceTimeZone,
    Subscribe,
    Weekday,
)
from bot.commands.values import CommandError, NotAnOption, parse_days, parse_hhmm, parse_retention
from bot.timezones import zone_span

_LETTER = re.compile(r"^[A-Ea-e]$")
_ANY_LETTER = re.compile(r"^[A-Za-z]$")
_TRACK_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


def help_topic(said: str, args: list[str]) -> Help:
    return Help(args[0].lower() if args else None)


def answer_letter(said: str, args: list[str]) -> Answer:
    letter = args[0].rstrip(").") if len(args) == 1 else ""
    if _ANY_LETTER.match(letter) and not _LETTER.match(letter):
        raise NotAnOption(letter)
    if not _LETTER.match(letter):
        raise CommandError(lambda say: f"Answer with one letter, for example {say('answer', letter='B')}.")
    return Answer(letter.upper())


def leaderboard_scope(said: str, args: list[str]) -> Leaderboard:
    if not args:
        return Leaderboard("week")
    if len(args) == 1 and args[0].lower() in ("week", "all"):
        return Leaderboard("week" if args[0].lower() == "week" else "all")
    raise CommandError(lambda say: f"Use {say('leaderboard', scope='week')} or {say('leaderboard', scope='all')}.")


def track_name(said: str, args: list[str]) -> ChooseTrack:
    if not args:
        raise CommandError(lambda say: f"Name one track, for example {say('track', name='foundations')}. See {say('tracks')} for the list.")
    return ChooseTrack(" ".join(args).lower())  # titles have spaces: `track data fluency`


def time_zone(said: str, args: list[str]) -> SetTimeZone:
    if not args:
        raise CommandError(lambda say: f"Tell me one time zone, for example {say('settings tz', zone='Europe/Berlin')}.")
    return SetTimeZone(" ".join(args))  # city names have spaces: `settings tz new york`


def workspace_time_zone(said: str, args: list[str]) -> SetWorkspaceTimeZone:
    if not args:
        raise CommandError(lambda say: f"Tell me one time zone, for example {say('settings workspace-tz', zone='America/New_York')}.")
    return SetWorkspaceTimeZone(" ".join(args))


def daily_time(said: str, args: list[str]) -> SetDailyTime:
    if len(args) != 1:
        raise CommandError(lambda say: f"Tell me one time, for example {say('settings time', time='08:30')}.")
    return SetDailyTime(parse_hhmm(args[0]))


def nudges(said: str, args: list[str]) -> SetNudges:
    if len(args) != 1 or args[0].lower() not in ("on", "off"):
        raise CommandError(lambda say: f"Use {say('settings nudges', state='on')} or {say('settings nudges', state='off')}.")
    return SetNudges(args[0].lower() == "on")


def retention(said: str, args: list[str]) -> SetRetention:
    if len(args) != 1:
        raise CommandError(lambda say: (
            f"Tell me one desired retention between 0.80 and 0.97, for example {say('settings retention', target='0.85')} "
            f"or {say('settings retention', target='85%')}."
        ))
    return SetRetention(parse_retention(args[0]))


def subscription(said: str, args: list[str]) -> Subscribe:
    """``subscribe [HH:MM] [zone] [track] [days]`` in any order; the zone may be several words (``new york``)."""
    hhmm = track = None
    days: tuple[Weekday, ...] | None = None
    rest: list[str] = []
    for token in args:
        if ":" in token:
            if hhmm is not None:
                raise CommandError(lambda say: f"Give one time only, for example {say('subscribe', time='09:00', tz='Europe/Paris')}.")
            hhmm = parse_hhmm(token)
        elif (parsed := parse_days(token)) is not None:
            days = parsed
        else:
            rest.append(token)
    tz, rest = _take_zone(rest)
    for token in rest:
        if not _TRACK_NAME.match(token.lower()):
            raise _unreadable(token)
        if track is not None:
            raise CommandError(lambda say: f"Give one track only. See {say('tracks')} for their names.")
        track = token.lower()
    return Subscribe(hhmm=hhmm, tz=tz, track=track, days=days)


def _take_zone(words: list[str]) -> tuple[str | None, list[str]]:
    """The zone among ``words`` (as typed, possibly several words) and the words left around it."""
    span = zone_span(words)
    if span is None:
        return None, words
    start, stop = span
    return " ".join(words[start:stop]), words[:start] + words[stop:]


def _unreadable(token: str) -> CommandError:
    return CommandError(lambda say: f"I could not read `{token}`. Usage: {say.usage('subscribe')}.")


def forget_confirmation(said: str, args: list[str]) -> ForgetMe:
    if not args:
        return ForgetMe(False)
    if len(args) == 1 and args[0].lower() == "confirm":
        return ForgetMe(True)
    raise CommandError(lambda say: f"Send {say('forget-me')} and I will ask you to confirm.")


def admin_report(said: str, args: list[str]) -> SetAdminReport:
    if len(args) != 1 or args[0].lower() not in ("on", "off"):
        raise CommandError(lambda say: (
            f"Use {say('admin report', state='on')} for the team report by DM every Monday, or {say('admin report', state='off')} to stop it."
        ))
    return SetAdminReport(args[0].lower() == "on")


def import_file(said: str, args: list[str]) -> AdminImport:
    """The file's name when one is typed (the console's path; paths may have spaces), else none yet."""
    return AdminImport(" ".join(args) or None)


def removed_track(said: str, args: list[str]) -> RemoveContent:
    if len(args) != 1 or not _TRACK_NAME.match(args[0].lower()):
        raise CommandError(lambda say: (
            f"Name one of your tracks by its id, for example {say('admin content remove', track='acme-policy')}. {say('admin content')} lists them."
        ))
    return RemoveContent(args[0].lower())
