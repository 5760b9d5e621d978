"""The loaded course, indexed for look-ups, and the editorial bar (``CoursePolicy``) a bundled course must reach."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from bot.content.schema import LETTERS, PATH_TRACK_ID, PathFile, Question, Tip, TrackFile, TrackInfo


@dataclass(frozen=True)
class CoursePolicy:
    """What the bundled course must reach: volume, difficulty spread and answer-position balance.

    Structural rules always apply; this policy is the editorial bar on top and can be relaxed for
    small test fixtures.
    """

    min_tracks: int = 10
    min_tips_per_track: int = 20
    min_questions_per_track: int = 40
    min_tips_total: int = 200
    min_questions_total: int = 400
    required_options: int | None = 4
    max_position_share: float = 0.30
    path_days: int | None = 30
    require_feedback: bool = True

    @classmethod
    def relaxed(cls) -> CoursePolicy:
        return cls(0, 0, 0, 0, 0, None, 1.0, None, False)

    @classmethod
    def named(cls, name: str | None) -> CoursePolicy:
        """``course`` (the default) or ``relaxed`` (structure only: for drafts and small test courses)."""
        if name in (None, "", "course"):
            return cls()
        if name == "relaxed":
            return cls.relaxed()
        raise ValueError(f"unknown content policy {name!r}; use 'course' or 'relaxed'")


@dataclass
class Curriculum:
    """The loaded course, indexed for the service's look-ups."""

    tracks: list[TrackInfo]
    tips: dict[str, Tip]
    questions: dict[str, Question]
    path: PathFile | None = None
    source_dir: Path | None = None
    _by_track: dict[str, tuple[list[Tip], list[Question]]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for track in self.tracks:
            tips = sorted((t for t in self.tips.values() if t.track_id == track.id), key=lambda t: (t.difficulty, t.id))
            questions = sorted(
                (q for q in self.questions.values() if q.track_id == track.id), key=lambda q: (q.difficulty, q.id)
            )
            self._by_track[track.id] = (tips, questions)

    def with_tracks(self, files: Sequence[TrackFile]) -> Curriculum:
        """The course plus a workspace's own tracks (listed after the course's, by their order): what that
        workspace's learners see. The guided path stays the course's."""
        own = sorted(files, key=lambda f: (f.track.order, f.track.id))
        return Curriculum(
            tracks=[*self.tracks, *(f.track for f in own)], tips={**self.tips, **{t.id: t for f in own for t in f.tips}},
            questions={**self.questions, **{q.id: q for f in own for q in f.questions}}, path=self.path, source_dir=self.source_dir,
        )

    def followed(self, track_id: str) -> str:
        """The track a learner following ``track_id`` is taught from: it, or where newcomers start when it is
        gone (a workspace removed its own track)."""
        if self.has_track(track_id):
            return track_id
        return PATH_TRACK_ID if self.path else self.tracks[0].id

    def track(self, track_id: str) -> TrackInfo | None:
        return next((t for t in self.tracks if t.id == track_id), None)

    def track_tips(self, track_id: str) -> list[Tip]:
        """A track's tips in teaching order: easy first, then by id."""
        return self._by_track.get(track_id, ([], []))[0]

    def track_questions(self, track_id: str) -> list[Question]:
        return self._by_track.get(track_id, ([], []))[1]

    @cached_property
    def path_tip_order(self) -> list[str]:
        return [d.tip for d in self.path.days] if self.path else []

    @cached_property
    def path_question_order(self) -> list[str]:
        return [q for d in self.path.days for q in d.questions] if self.path else []

    @cached_property
    def course_tip_order(self) -> list[str]:
        """Every tip: the path first, then each track in course order."""
        seen = list(self.path_tip_order)
        rest = [t.id for tr in self.tracks for t in self.track_tips(tr.id) if t.id not in set(seen)]
        return seen + rest

    @cached_property
    def course_question_order(self) -> list[str]:
        seen = list(self.path_question_order)
        already = set(seen)
        return seen + [q.id for tr in self.tracks for q in self.track_questions(tr.id) if q.id not in already]

    def tip_order(self, track_id: str) -> list[str]:
        if track_id == PATH_TRACK_ID:
            return self.course_tip_order
        return [t.id for t in self.track_tips(track_id)]

    def question_order(self, track_id: str) -> list[str]:
        if track_id == PATH_TRACK_ID:
            return self.course_question_order
        return [q.id for q in self.track_questions(track_id)]

    def has_track(self, track_id: str) -> bool:
        return (track_id == PATH_TRACK_ID and self.path is not None) or self.track(track_id) is not None

    def track_title(self, track_id: str) -> str:
        if track_id == PATH_TRACK_ID:
            return self.path.path.title if self.path else "The whole course"
        track = self.track(track_id)
        return track.title if track else track_id

    def stats(self) -> dict[str, Any]:
        """Counts by track, kind and difficulty, and the spread of correct-answer positions."""
        by_track: dict[str, Any] = {}
        for track in self.tracks:
            tips, questions = self._by_track[track.id]
            by_track[track.id] = {
                "title": track.title,
                "tips": len(tips),
                "questions": len(questions),
                "tips_by_difficulty": {str(d): sum(t.difficulty == d for t in tips) for d in (1, 2, 3)},
                "questions_by_difficulty": {str(d): sum(q.difficulty == d for q in questions) for d in (1, 2, 3)},
            }
        positions = Counter(q.answer for q in self.questions.values())
        total = len(self.questions) or 1
        return {
            "tracks": len(self.tracks),
            "tips": len(self.tips),
            "questions": len(self.questions),
            "path_days": len(self.path.days) if self.path else 0,
            "by_track": by_track,
            "correct_positions": {letter: positions.get(letter, 0) for letter in LETTERS if positions.get(letter)},
            "correct_position_share": {
                letter: round(positions.get(letter, 0) / total, 3) for letter in LETTERS if positions.get(letter)
            },
        }
