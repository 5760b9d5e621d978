"""Item analysis from live answers: is each question measuring what the learners know?

The audit (``bot.audit``) asks whether a question can be guessed from its wording; this asks what real
learners did with it. Only first attempts count: a learner's later answers to the same question follow its
feedback and the review schedule, so they say more about the bot than about the item. From them, per
question:

- **difficulty**: the share of first attempts that were right (classical test theory's *p*);
- **discrimination**: the point-biserial correlation between getting this item right (0/1) and the learner's
  accuracy on their *other* first attempts (the rest score, so the item is not correlated with itself), over
  learners with enough other first attempts for that accuracy to mean something. Negative means the learners
  who do well elsewhere tend to miss this one: a wrong key, or a distractor that is defensibly right;
- **option shares**: how often each option (as written in the content, letters are never shuffled) is chosen.

Flags wait for a minimum sample (``ItemStatsPolicy``), so a workspace of five people sees figures but no
verdicts. Pure: records in, figures out; the caller reads the answers and the question reports.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from bot.content import Question
from bot.store.records import FirstAttempt

TOO_EASY = "too-easy"
TOO_HARD = "too-hard"
NEGATIVE_DISCRIMINATION = "negative-discrimination"
DEAD_DISTRACTOR = "dead-distractor"
REPORTED = "reported"
FLAGS = (TOO_EASY, TOO_HARD, NEGATIVE_DISCRIMINATION, DEAD_DISTRACTOR, REPORTED)


@dataclass(frozen=True)
class ItemStatsPolicy:
    """Where a figure becomes a flag, and how much evidence a flag waits for.

    30 first attempts put a share's standard error under 9 points, enough to tell 97% from 80%; a
    correlation's is about 1/sqrt(n), so discrimination waits for 50 learners (about 0.14). A rest score
    over fewer than 5 other answers is mostly noise, so such learners are left out of the correlation.
    A report needs no sample: one learner saying a question is wrong is worth reading.
    """

    too_easy_above: float = 0.95
    too_hard_below: float = 0.20
    dead_distractor_below: float = 0.05
    min_first_attempts: int = 30
    """Before too-easy, too-hard and dead-distractor flags."""
    min_rest_answers: int = 5
    """Other first attempts a learner needs to count in the discrimination."""
    min_discrimination_learners: int = 50
    """Learners counted in the discrimination before the negative-discrimination flag."""


@dataclass(frozen=True)
class OptionShare:
    letter: str
    text: str
    chosen: int
    share: float | None  # None before anyone answered
    is_key: bool


@dataclass(frozen=True)
class ItemStats:
    question_id: str
    track_id: str
    key: str
    first_attempts: int
    correct: int
    difficulty: float | None
    discrimination: float | None  # None when undefined: too few learners, or everyone scored alike
    discrimination_learners: int
    options: tuple[OptionShare, ...]
    unknown_letters: int  # first attempts naming a letter the question no longer has (its options were cut)
    reports: int
    flags: tuple[str, ...]
    dead_distractors: tuple[str, ...]


@dataclass(frozen=True)
class ItemStatsReport:
    items: tuple[ItemStats, ...]
    learners: int
    first_attempts: int
    outside_course: int  # first attempts at questions the course no longer has
    policy: ItemStatsPolicy = field(default_factory=ItemStatsPolicy)

    @property
    def answered(self) -> tuple[ItemStats, ...]:
        return tuple(item for item in self.items if item.first_attempts)

    @property
    def flagged(self) -> tuple[ItemStats, ...]:
        return tuple(item for item in self.items if item.flags)

    def flag_counts(self) -> dict[str, int]:
        return {flag: sum(flag in item.flags for item in self.items) for flag in FLAGS}

    def as_dict(self) -> dict[str, Any]:
        return {
            "learners": self.learners,
            "first_attempts": self.first_attempts,
            "outside_course": self.outside_course,
            "questions_answered": len(self.answered),
            "policy": asdict(self.policy),
            "discrimination": "point-biserial of the item (right 1, wrong 0) against the learner's accuracy on their other "
                              f"first attempts, over learners with at least {self.policy.min_rest_answers} other first attempts",
            "flag_counts": self.flag_counts(),
            "questions": [_item_dict(item) for item in self.items],
        }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _item_dict(item: ItemStats) -> dict[str, Any]:
    return {
        "id": item.question_id, "track": item.track_id, "key": item.key,
        "first_attempts": item.first_attempts, "correct": item.correct, "difficulty": _rounded(item.difficulty),
        "discrimination": _rounded(item.discrimination), "discrimination_learners": item.discrimination_learners,
        "options": {o.letter: {"chosen": o.chosen, "share": _rounded(o.share), "key": o.is_key} for o in item.options},
        "unknown_letters": item.unknown_letters, "reports": item.reports,
        "flags": list(item.flags), "dead_distractors": list(item.dead_distractors),
    }


class _Sums:
    """Running sums for one question: counts, option picks, and the moments of (item, rest score)."""

    __slots__ = ("correct", "m", "n", "picks", "sx", "sxy", "sy", "syy")

    def __init__(self) -> None:
        self.n = self.correct = self.m = 0
        self.picks: dict[str, int] = {}
        self.sx = self.sy = self.syy = self.sxy = 0.0


def point_biserial(m: int, sx: float, sy: float, syy: float, sxy: float) -> float | None:
    """Pearson's r of a 0/1 variable x with y from their sums over m pairs (for 0/1, sum x^2 = sum x)."""
    if m < 2:
        return None
    mean_x, mean_y = sx / m, sy / m
    var_x, var_y = mean_x * (1 - mean_x), syy / m - mean_y * mean_y
    if var_x <= 0 or var_y <= 1e-12:
        return None
    return (sxy / m - mean_x * mean_y) / math.sqrt(var_x * var_y)


def item_stats(
    questions: Sequence[Question], attempts: Iterable[FirstAttempt], reports: Mapping[str, int] | None = None,
    policy: ItemStatsPolicy | None = None,
) -> ItemStatsReport:
    """Figures and flags for every question in ``questions`` (in that order) from learners' first attempts.

    ``attempts`` must hold at most one record per learner and question (``Repository.first_attempts``);
    ``reports`` counts learners' reports per question id (empty until reports are stored).
    """
    policy = policy or ItemStatsPolicy()
    reports = reports or {}
    known = {q.id for q in questions}
    kept: list[tuple[tuple[str, str], str, str, int]] = []
    totals: dict[tuple[str, str], list[int]] = {}
    outside = 0
    for attempt in attempts:
        if attempt.question_id not in known:
            outside += 1
            continue
        learner = (attempt.workspace_id, attempt.user_id)
        x = int(attempt.correct)
        kept.append((learner, attempt.question_id, attempt.letter, x))
        total = totals.setdefault(learner, [0, 0])
        total[0] += 1
        total[1] += x
    sums = {qid: _Sums() for qid in known}
    for learner, question_id, letter, x in kept:
        s = sums[question_id]
        s.n += 1
        s.correct += x
        s.picks[letter] = s.picks.get(letter, 0) + 1
        answered, right = totals[learner]
        if answered - 1 >= policy.min_rest_answers:
            rest = (right - x) / (answered - 1)
            s.m += 1
            s.sx += x
            s.sy += rest
            s.syy += rest * rest
            s.sxy += x * rest
    items = tuple(_item(q, sums[q.id], reports.get(q.id, 0), policy) for q in questions)
    return ItemStatsReport(items=items, learners=len(totals), first_attempts=len(kept), outside_course=outside, policy=policy)


def _item(question: Question, s: _Sums, reports: int, policy: ItemStatsPolicy) -> ItemStats:
    difficulty = s.correct / s.n if s.n else None
    options = tuple(
        OptionShare(letter, text, s.picks.get(letter, 0), s.picks.get(letter, 0) / s.n if s.n else None, letter == question.answer)
        for letter, text in zip(question.letters, question.options, strict=True)
    )
    discrimination = point_biserial(s.m, s.sx, s.sy, s.syy, s.sxy)
    flags: list[str] = []
    dead: tuple[str, ...] = ()
    if difficulty is not None and s.n >= policy.min_first_attempts:
        if difficulty > policy.too_easy_above:
            flags.append(TOO_EASY)
        if difficulty < policy.too_hard_below:
            flags.append(TOO_HARD)
    if discrimination is not None and s.m >= policy.min_discrimination_learners and discrimination < 0:
        flags.append(NEGATIVE_DISCRIMINATION)
    if s.n >= policy.min_first_attempts:
        dead = tuple(o.letter for o in options if not o.is_key and (o.share or 0.0) < policy.dead_distractor_below)
        if dead:
            flags.append(DEAD_DISTRACTOR)
    if reports > 0:
        flags.append(REPORTED)
    return ItemStats(
        question_id=question.id, track_id=question.track_id, key=question.answer, first_attempts=s.n, correct=s.correct,
        difficulty=difficulty, discrimination=discrimination, discrimination_learners=s.m, options=options,
        unknown_letters=s.n - sum(o.chosen for o in options), reports=reports, flags=tuple(flags), dead_distractors=dead,
    )
