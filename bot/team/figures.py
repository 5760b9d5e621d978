"""The team's figures from one snapshot: pure arithmetic, no I/O, and nothing about any one person.

Small teams are protected here, once, so every way the figures leave (the reply, the picture, the weekly DM)
inherits it: a track or topic with fewer than ``MIN_LEARNERS`` distinct learners is never a row of its own but
part of one "other" row, and that row shows no figures either unless, together, at least ``MIN_LEARNERS``
learners are behind it. A team with fewer than ``MIN_LEARNERS`` learners gets no figures at all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from statistics import fmean

from bot.content import Curriculum
from bot.store.records import TeamMember, TeamSnapshot
from bot.streaks import compute_streak, excused_by_tz_change, local_date

MIN_LEARNERS = 3
HORIZON = timedelta(days=7)
STREAK_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("none", 0, 0), ("1-2 days", 1, 2), ("3-6 days", 3, 6), ("7-13 days", 7, 13), ("14+ days", 14, None),
)

Retrievability = Callable[[str, datetime], float]
"""``(card state, at) -> probability of recall``: the review scheduler's own (FSRS)."""


@dataclass(frozen=True)
class GroupRow:
    """One track or topic (``key``), or the grouped rest (``key`` None, ``merged`` of them).

    ``shown`` False: even grouped, fewer than ``MIN_LEARNERS`` learners are behind it, so no figure is given."""

    key: str | None
    learners: int
    answered: int
    correct: int
    recall_now: float | None = None
    recall_later: float | None = None
    merged: int = 0

    @property
    def shown(self) -> bool:
        return self.learners >= MIN_LEARNERS

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.answered if self.answered else None

    @property
    def fading(self) -> float:
        """How much recall drops over the horizon (0 when unknown)."""
        if self.recall_now is None or self.recall_later is None:
            return 0.0
        return self.recall_now - self.recall_later


@dataclass(frozen=True)
class TeamFigures:
    week_start: date
    learners: int
    active: tuple[int, int]
    """Learners who answered in the week reported on, and in the week before it."""
    streaks: tuple[tuple[str, int], ...] = ()
    tracks: tuple[GroupRow, ...] = ()
    topics: tuple[GroupRow, ...] = ()
    """Fading first: lowest recall at the horizon, then the biggest drop."""
    other_tracks: GroupRow | None = None
    other_topics: GroupRow | None = None

    @property
    def enough(self) -> bool:
        return self.learners >= MIN_LEARNERS


@dataclass
class _Tally:
    members: set[int] = field(default_factory=set)
    answered: int = 0
    correct: int = 0
    now: list[float] = field(default_factory=list)
    later: list[float] = field(default_factory=list)

    def absorb(self, other: _Tally) -> None:
        self.members |= other.members
        self.answered += other.answered
        self.correct += other.correct
        self.now += other.now
        self.later += other.later


def team_figures(snapshot: TeamSnapshot, content: Curriculum, recall: Retrievability, now: datetime, week_start: date) -> TeamFigures:
    learners = len(snapshot.members)
    active = (*snapshot.active_by_week, 0, 0)[:2]
    if learners < MIN_LEARNERS:
        return TeamFigures(week_start, learners, (active[0], active[1]))
    tracks: dict[str, _Tally] = defaultdict(_Tally)
    topics: dict[str, _Tally] = defaultdict(_Tally)
    for row in snapshot.answers:
        question = content.questions.get(row.question_id)
        if question is None:  # removed from the course since
            continue
        for tally in (tracks[question.track_id], *(topics[tag] for tag in question.tags)):
            tally.members.add(row.member)
            tally.answered += row.answered
            tally.correct += row.correct
    later = now + HORIZON
    for card in snapshot.cards:
        question = content.questions.get(card.question_id)
        if question is None:
            continue
        try:
            pair = (recall(card.state_json, now), recall(card.state_json, later))
        except (ValueError, KeyError, TypeError):
            continue  # a card the scheduler cannot read says nothing about memory
        for tag in question.tags:
            topics[tag].members.add(card.member)
            topics[tag].now.append(pair[0])
            topics[tag].later.append(pair[1])
    track_rows, other_tracks = _grouped(tracks)
    topic_rows, other_topics = _grouped(topics)
    topic_rows = sorted(topic_rows, key=lambda r: (r.recall_later if r.recall_later is not None else 2.0, -r.fading, r.key or ""))
    return TeamFigures(
        week_start, learners, (active[0], active[1]), streak_distribution(snapshot.members, now),
        tuple(sorted(track_rows, key=lambda r: (-r.answered, r.key or ""))), tuple(topic_rows), other_tracks, other_topics,
    )


def _grouped(tallies: Mapping[str, _Tally]) -> tuple[list[GroupRow], GroupRow | None]:
    """Rows for keys with enough learners; the others merged into one row (None when there are none)."""
    rows: list[GroupRow] = []
    rest = _Tally()
    merged = 0
    for key, tally in tallies.items():
        if len(tally.members) >= MIN_LEARNERS:
            rows.append(_row(key, tally))
        else:
            rest.absorb(tally)
            merged += 1
    return rows, (_row(None, rest, merged) if merged else None)


def _row(key: str | None, tally: _Tally, merged: int = 0) -> GroupRow:
    return GroupRow(
        key, len(tally.members), tally.answered, tally.correct,
        fmean(tally.now) if tally.now else None, fmean(tally.later) if tally.later else None, merged,
    )


def streak_distribution(members: Iterable[TeamMember], now: datetime) -> tuple[tuple[str, int], ...]:
    """How many learners have a current streak in each bucket, each streak as ``streak`` shows it."""
    counts = dict.fromkeys((label for label, _, _ in STREAK_BUCKETS), 0)
    for member in members:
        excused = [d for change in member.tz_changes for d in excused_by_tz_change(change.changed_at, change.old_tz, change.new_tz)]
        current = compute_streak(list(member.days), local_date(now, member.tz), excused).current
        label = next(label for label, low, high in STREAK_BUCKETS if current >= low and (high is None or current <= high))
        counts[label] += 1
    return tuple(counts.items())
