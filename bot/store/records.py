"""Plain records the repository reads and writes; no behaviour, no storage details."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class Workspace:
    id: str
    platform: str
    name: str
    default_tz: str | None
    created_at: datetime


@dataclass(frozen=True)
class Learner:
    workspace_id: str
    user_id: str
    display_name: str
    tz: str
    tz_source: str  # "platform", "workspace", "user" or "default"
    track: str
    daily_time: str
    nudges: bool
    created_at: datetime
    last_seen_at: datetime
    desired_retention: float = 0.9
    """The recall probability FSRS schedules this learner's reviews for (``settings retention``)."""


@dataclass(frozen=True)
class QuizInstance:
    id: str
    workspace_id: str
    question_id: str
    owner_user_id: str | None  # None: a channel quiz anyone may answer once
    channel_id: str | None
    origin: str  # "quiz", "review", "channel", "dm"
    created_at: datetime


@dataclass(frozen=True)
class AnswerWrite:
    workspace_id: str
    instance_id: str
    user_id: str
    question_id: str
    letter: str
    correct: bool
    points: int
    answered_at: datetime
    local_date: date


@dataclass(frozen=True)
class CardRow:
    question_id: str
    due_at: datetime
    reps: int
    lapses: int
    last_correct: bool


@dataclass(frozen=True)
class ActivityDay:
    day: date
    answered: int
    correct: int


@dataclass(frozen=True)
class TzChange:
    changed_at: datetime
    old_tz: str
    new_tz: str


@dataclass(frozen=True)
class LeaderRow:
    user_id: str
    display_name: str
    points: int
    answered: int
    correct: int


@dataclass(frozen=True)
class Subscription:
    id: int | None
    workspace_id: str
    platform: str
    channel_id: str
    kind: str  # "channel" or "dm"
    user_id: str | None
    local_time: str
    tz: str
    days: str  # comma list of weekday numbers, 0 = Monday
    track: str
    active: bool
    next_due_at: datetime | None
    created_by: str
    created_at: datetime
    path_day: int = 0


@dataclass(frozen=True)
class AnswerRow:
    """One stored answer, as the learner's export lists it."""

    instance_id: str
    question_id: str
    letter: str
    correct: bool
    points: int
    answered_at: datetime
    local_date: date


@dataclass(frozen=True)
class TipView:
    tip_id: str
    shown_at: datetime


@dataclass(frozen=True)
class CardState:
    """A review card with its FSRS state as stored (``state_json`` is the scheduler's own card)."""

    question_id: str
    state_json: str
    due_at: datetime
    reps: int
    lapses: int
    last_correct: bool


@dataclass(frozen=True)
class Report:
    """A learner's report of a problem with a question, in one workspace; open until an admin resolves it."""

    id: int
    workspace_id: str
    user_id: str
    question_id: str
    reason: str
    text: str
    created_at: datetime
    resolved_at: datetime | None = None
    resolution: str | None = None

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


@dataclass(frozen=True)
class LearnerExport:
    """Every row one learner left in one workspace: exactly what ``delete_learner`` removes, oldest first."""

    learner: Learner
    answers: tuple[AnswerRow, ...]
    quizzes: tuple[QuizInstance, ...]
    tips: tuple[TipView, ...]
    activity: tuple[ActivityDay, ...]
    tz_changes: tuple[TzChange, ...]
    cards: tuple[CardState, ...]
    subscriptions: tuple[Subscription, ...]
    reports: tuple[Report, ...] = ()


@dataclass(frozen=True, slots=True)
class FirstAttempt:
    """A learner's first answer to one question: the only answer item analysis counts, because every later
    one follows the feedback and the review schedule rather than what the learner knew coming in."""

    workspace_id: str
    user_id: str
    question_id: str
    letter: str
    correct: bool


@dataclass(frozen=True)
class TeamMember:
    """One learner as the team report sees them: no name or id, only what a streak needs (their zone, their
    active days and the zone moves that excuse a day). ``TeamSnapshot.members`` numbers them by position."""

    tz: str
    days: tuple[date, ...]
    tz_changes: tuple[TzChange, ...] = ()


@dataclass(frozen=True)
class TeamAnswers:
    """How often member number ``member`` answered one question, and how often rightly."""

    member: int
    question_id: str
    answered: int
    correct: int


@dataclass(frozen=True)
class TeamCard:
    """One member's FSRS card for one question, as the scheduler stored it."""

    member: int
    question_id: str
    state_json: str


@dataclass(frozen=True)
class TeamSnapshot:
    """A workspace's learning in one read, for figures about the team: learners are numbers, never names or ids.

    ``members`` are the learners who have answered at least once; ``active_by_week`` counts the learners who
    answered in each of the windows asked for."""

    members: tuple[TeamMember, ...]
    active_by_week: tuple[int, ...]
    answers: tuple[TeamAnswers, ...]
    cards: tuple[TeamCard, ...]

@dataclass(frozen=True)
class FittedParameters:
    """FSRS parameters fitted to one workspace's review log by ``aipm reviews optimize``."""

    parameters: tuple[float, ...]
    reviews: int
    """How many reviews the fit counted (repeat answers at least a day after the previous one)."""
    fitted_at: datetime


@dataclass(frozen=True)
class LearnerAnswers:
    """One learner's answers in a workspace, oldest first: their review log, as ``export`` writes it."""

    user_id: str
    answers: tuple[AnswerRow, ...]


@dataclass(frozen=True)
class CardKey:
    """One review card: a learner's card for one question."""

    user_id: str
    question_id: str


@dataclass(frozen=True)
class WorkspaceTrack:
    """A track a workspace's admin imported: the YAML as sent (validated again when loaded), and which version."""

    workspace_id: str
    track_id: str
    version: int
    filename: str
    source: str
    imported_by: str
    imported_at: datetime
