"""The typed commands the parser produces and the use cases take: one frozen dataclass per command."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.context import Upload

Weekday = int  # 0 = Monday .. 6 = Sunday
WEEKDAYS: tuple[Weekday, ...] = (0, 1, 2, 3, 4)
EVERY_DAY: tuple[Weekday, ...] = (0, 1, 2, 3, 4, 5, 6)
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
REPORT_REASONS = ("wrong-key", "unclear", "outdated", "typo", "other")
"""Why a learner reports a question: the answer key is wrong, it reads unclearly, it is out of date, a typo, or else."""
REPORT_REASON_LABELS = {"wrong-key": "Wrong answer key", "unclear": "Unclear", "outdated": "Outdated", "typo": "Typo", "other": "Other"}


@dataclass(frozen=True)
class Help:
    topic: str | None = None


@dataclass(frozen=True)
class AdminHelp:
    """Bare ``admin``: the commands admins have here."""


@dataclass(frozen=True)
class AdminImport:
    """``admin import``: a track of the workspace's own. ``file`` is the file as named in the command (the
    console reads that path); ``upload`` the file itself, attached by the adapter. Without one, the asker is
    told how to send it (Slack: in a DM)."""

    file: str | None = None
    upload: Upload | None = None


@dataclass(frozen=True)
class AdminContent:
    """``admin content``: the tracks this workspace imported, with their versions."""


@dataclass(frozen=True)
class RemoveContent:
    """``admin content remove <track>``: take one of the workspace's own tracks away (answers stay)."""

    track: str


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
class SetRetention:
    """``settings retention 0.85``: how likely the learner wants to still know a review when it comes back."""

    retention: float


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
class Export:
    """``export``: everything the bot holds about the asker in this workspace, as a file only they get."""


@dataclass(frozen=True)
class TeamReport:
    """``team``: admins see the team's activity, streaks, accuracy and what it is forgetting, with nobody singled out."""


@dataclass(frozen=True)
class SetAdminReport:
    """``admin report on|off``: the team report by DM every Monday, for the admin who asks."""

    enabled: bool


@dataclass(frozen=True)
class ForgetMe:
    confirmed: bool = False


@dataclass(frozen=True)
class ReportProblem:
    """``report [<question-id>] [<reason> [text]]``: about the learner's last answered question unless one is named;
    without a reason it asks for one (the same choice the "Report a problem" button offers)."""

    reason: str | None = None
    text: str = ""
    question_id: str | None = None


@dataclass(frozen=True)
class AdminReports:
    """``admin reports``: this workspace's open reports, by question."""


@dataclass(frozen=True)
class AdminResolve:
    """``admin resolve <id> <note>``: close the open reports on that report's question here, unpausing it."""

    report_id: int
    note: str


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
    Help | AdminHelp | AdminImport | AdminContent | RemoveContent | Tip | Quiz | Answer | Streak | Stats | Review | Leaderboard | Tracks
    | ChooseTrack | ShowSettings | SetTimeZone | SetDailyTime | SetNudges | SetRetention | SetWorkspaceTimeZone | Subscribe | Unsubscribe
    | Export | TeamReport | SetAdminReport | ForgetMe | ReportProblem | AdminReports | AdminResolve | Greet | Confirm
)

