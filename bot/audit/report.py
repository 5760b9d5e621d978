"""The item-writing audit: does the question bank measure knowledge, or reward guessing from the options?

Every right answer feeds streaks, points, leaderboards and review schedules, so the bank has to earn it.
The audit scores each test-wise strategy over the whole bank and per track, checks answer-position
balance, and lists the items that give themselves away so a writer knows what to fix. For the bundled
course it is a gate (``make test`` fails past the limits); for a workspace's own files it is advice.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.audit.strategies import (
    RANK_NAMES,
    convergence_pick,
    cross_validated_classifier_picks,
    key_length_rank,
    length_rank_picks,
    stem_overlap_pick,
)
from bot.content import LETTERS, Question
from bot.similarity import near_duplicates

# A stem that asks for the wrong one trips careful readers, not uninformed ones.
_NEGATIVE_STEM = re.compile(
    r"\b(?:NOT|EXCEPT|LEAST)\b|\b(?i:which (?:of these|option|one) (?:is|does|would|should) not|all of the following except|least (?:likely|useful|important))\b"
)
# Lower than the validator's refusal threshold: these are pairs worth a second look, not errors.
ADVICE_SIMILARITY = 0.3
WORST_ITEMS_SHOWN = 8


@dataclass(frozen=True)
class AuditLimits:
    """How far above chance a guessing strategy may score: over the bank, and in any one track.

    With four options chance is 25%, so the defaults allow 35% over the bank and 40% in a track.
    A track is small (40 items), so its allowance is wider for sampling noise.
    """

    bank_above_chance: float = 0.10
    track_above_chance: float = 0.15


@dataclass(frozen=True)
class StrategyScore:
    name: str
    description: str
    bank: float
    limit_bank: float
    by_track: dict[str, float]
    limit_track: float
    worst_items: list[dict[str, Any]]

    @property
    def failures(self) -> list[str]:
        found = []
        if self.bank > self.limit_bank + 1e-9:
            found.append(f"{self.name} scores {self.bank:.1%} over the bank (limit {self.limit_bank:.0%})")
        for track, score in sorted(self.by_track.items()):
            if score > self.limit_track + 1e-9:
                found.append(f"{self.name} scores {score:.1%} in {track} (limit {self.limit_track:.0%})")
        return found


@dataclass
class AuditReport:
    questions: int
    chance: float
    strategies: list[StrategyScore]
    positions: dict[str, int]
    key_length_ranks: dict[str, dict[str, int]]
    near_duplicates: list[dict[str, Any]] = field(default_factory=list)
    negative_stems: list[str] = field(default_factory=list)
    shared_options: list[dict[str, Any]] = field(default_factory=list)

    @property
    def failures(self) -> list[str]:
        return [failure for strategy in self.strategies for failure in strategy.failures]

    @property
    def ok(self) -> bool:
        return not self.failures

    def strategy(self, name: str) -> StrategyScore:
        return next(s for s in self.strategies if s.name == name)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "questions": self.questions,
            "chance": round(self.chance, 4),
            "failures": self.failures,
            "strategies": {
                s.name: {
                    "description": s.description,
                    "bank": round(s.bank, 4),
                    "limit_bank": round(s.limit_bank, 4),
                    "by_track": {track: round(score, 4) for track, score in s.by_track.items()},
                    "limit_track": round(s.limit_track, 4),
                    "worst_items": s.worst_items,
                }
                for s in self.strategies
            },
            "correct_positions": self.positions,
            "key_length_rank_by_track": self.key_length_ranks,
            "near_duplicates": self.near_duplicates,
            "negative_stems": self.negative_stems,
            "shared_options": self.shared_options,
        }


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _score(name: str, description: str, picks: dict[str, float], questions: Sequence[Question], chance: float,
           limits: AuditLimits, ranking: Callable[[Question], float] | None = None) -> StrategyScore:
    by_track: dict[str, list[float]] = {}
    for question in questions:
        by_track.setdefault(question.track_id, []).append(picks[question.id])
    track_scores = {track: _mean(values) for track, values in by_track.items()}
    # The items a writer should fix first: those the strategy wins, from its best track down.
    won = [q for q in questions if picks[q.id] >= 0.5]
    won.sort(key=lambda q: (-(ranking(q) if ranking else 0.0), -track_scores[q.track_id], q.id))
    worst = [{"id": q.id, "key": q.answer, "key_text": q.options[q.correct_index],
              **({"margin": round(ranking(q), 3)} if ranking else {})} for q in won[:WORST_ITEMS_SHOWN]]
    return StrategyScore(
        name=name, description=description, bank=_mean([picks[q.id] for q in questions]),
        limit_bank=chance + limits.bank_above_chance, by_track=track_scores,
        limit_track=chance + limits.track_above_chance, worst_items=worst,
    )


def audit_questions(questions: Sequence[Question], limits: AuditLimits | None = None) -> AuditReport:
    """Run every test-wise strategy and the item-writing checks over ``questions``."""
    limits = limits or AuditLimits()
    questions = sorted(questions, key=lambda q: q.id)
    chance = _mean([1 / len(q.options) for q in questions])
    strategies: list[StrategyScore] = []
    most_options = max((len(q.options) for q in questions), default=0)
    for rank in range(1, most_options + 1):
        pick = length_rank_picks(rank)
        strategies.append(_score(f"pick-{RANK_NAMES[rank - 1]}", f"always pick the {RANK_NAMES[rank - 1]} option",
                                 {q.id: pick(q) for q in questions}, questions, chance, limits))
    strategies.append(_score("most-stem-overlap", "pick the option sharing most words with the question",
                             {q.id: stem_overlap_pick(q) for q in questions}, questions, chance, limits))
    strategies.append(_score("most-like-the-others", "pick the option sharing most words with the other options",
                             {q.id: convergence_pick(q) for q in questions}, questions, chance, limits))
    classified = cross_validated_classifier_picks(questions)
    strategies.append(_score(
        "options-only-classifier", "a word classifier trained on the other tracks' options (never the stem)",
        {qid: score for qid, (score, _) in classified.items()}, questions, chance, limits,
        ranking=lambda q: classified[q.id][1],
    ))
    for letter in LETTERS[:most_options]:
        picks = {q.id: float(q.answer == letter) for q in questions}
        strategies.append(_score(f"always-{letter}", f"always answer {letter}", picks, questions, chance, limits))
    positions = Counter(q.answer for q in questions)
    ranks: dict[str, Counter[int]] = {}
    for question in questions:
        ranks.setdefault(question.track_id, Counter())[key_length_rank(question)] += 1
    return AuditReport(
        questions=len(questions), chance=chance, strategies=strategies,
        positions={letter: positions.get(letter, 0) for letter in LETTERS[:most_options]},
        key_length_ranks={track: {RANK_NAMES[r - 1]: counts.get(r, 0) for r in range(1, most_options + 1)} for track, counts in ranks.items()},
        near_duplicates=_cross_track_near_duplicates(questions),
        negative_stems=[q.id for q in questions if _NEGATIVE_STEM.search(q.prompt)],
        shared_options=_shared_options(questions),
    )


def _cross_track_near_duplicates(questions: Sequence[Question]) -> list[dict[str, Any]]:
    track_of = {q.id: q.track_id for q in questions}
    pairs = near_duplicates([(q.id, q.similarity_text) for q in questions], threshold=ADVICE_SIMILARITY)
    return [{"first": a, "second": b, "similarity": round(score, 3)} for a, b, score in pairs if track_of[a] != track_of[b]]


def _shared_options(questions: Sequence[Question]) -> list[dict[str, Any]]:
    """Option texts that appear, word for word, in more than one question (a reusable template)."""
    seen: dict[str, list[str]] = {}
    for question in questions:
        for text in question.options:
            seen.setdefault(" ".join(text.lower().split()), []).append(question.id)
    return [{"option": text, "questions": sorted(set(ids))} for text, ids in sorted(seen.items()) if len(set(ids)) > 1]
