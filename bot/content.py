"""Load and validate the curriculum: YAML files checked by a schema, refused as a whole on any problem.

Every problem is reported as ``file:line: reason`` so an author can jump straight to it; nothing is
half-loaded, because a bot teaching from a partly broken course is worse than one that refuses to start.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bot.similarity import near_duplicates

# libyaml's C loader parses the whole course ~30x faster than a pure-Python one (start-up time matters).
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
LETTERS = "ABCDE"
PATH_TRACK_ID = "path"
_ID = r"[a-z0-9]+(?:-[a-z0-9]+)*"
_TAG = re.compile(rf"^{_ID}$")


class ContentError(Exception):
    """The curriculum is invalid; ``problems`` lists every ``file:line: reason``."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def _clean(text: str) -> str:
    return " ".join(text.split())


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, populate_by_name=True)


class TrackInfo(_Strict):
    id: str = Field(pattern=rf"^{_ID}$", max_length=48)
    title: str = Field(min_length=3, max_length=60)
    summary: str = Field(min_length=10, max_length=300)
    order: int = Field(ge=1, le=99)


def _check_tags(tags: list[str]) -> list[str]:
    for tag in tags:
        if not _TAG.match(tag):
            raise ValueError(f"tag {tag!r} must be lowercase-with-dashes")
    if len(set(tags)) != len(tags):
        raise ValueError("tags repeat")
    return tags


class Tip(_Strict):
    id: str = Field(pattern=rf"^{_ID}-tip-\d{{2,3}}$")
    title: str = Field(min_length=3, max_length=80)
    body: str = Field(min_length=40, max_length=600)
    try_this: str = Field(min_length=10, max_length=240)
    tags: list[str] = Field(min_length=1, max_length=4)
    difficulty: int = Field(ge=1, le=3)
    cite: str | None = Field(default=None, max_length=80)

    _tags = field_validator("tags")(_check_tags)

    @property
    def track_id(self) -> str:
        return self.id.rsplit("-tip-", 1)[0]

    @property
    def similarity_text(self) -> str:
        return f"{self.title} {self.body}"


class Option(_Strict):
    """One choice of a question. A wrong option carries ``feedback``: the belief it stands for and why it
    fails here, shown to the learner who picked it (the question's explanation covers the key)."""

    text: str = Field(min_length=1, max_length=160)
    feedback: str | None = Field(default=None, min_length=20, max_length=300)

    @model_validator(mode="before")
    @classmethod
    def _from_plain_text(cls, value: Any) -> Any:
        # A bare string is an option without feedback: allowed for drafts and a workspace's own files;
        # the bundled course's policy asks for feedback on every wrong option.
        return {"text": value} if isinstance(value, str) else value


class Question(_Strict):
    id: str = Field(pattern=rf"^{_ID}-q-\d{{2,3}}$")
    prompt: str = Field(min_length=10, max_length=400)
    choices: list[Option] = Field(alias="options", min_length=3, max_length=5)
    answer: str = Field(pattern=r"^[A-E]$")
    explanation: str = Field(min_length=20, max_length=600)
    tags: list[str] = Field(min_length=1, max_length=4)
    difficulty: int = Field(ge=1, le=3)
    cite: str | None = Field(default=None, max_length=80)

    _tags = field_validator("tags")(_check_tags)

    @field_validator("choices")
    @classmethod
    def _options_distinct(cls, choices: list[Option]) -> list[Option]:
        if len({_clean(o.text).lower() for o in choices}) != len(choices):
            raise ValueError("two options have the same text")
        return choices

    @model_validator(mode="after")
    def _answer_exists(self) -> Question:
        if LETTERS.index(self.answer) >= len(self.choices):
            raise ValueError(f"answer {self.answer} names no option (there are {len(self.choices)})")
        if self.choices[self.correct_index].feedback:
            raise ValueError(f"option {self.answer} is the answer: it takes no feedback (the explanation says why it is right)")
        return self

    @cached_property
    def options(self) -> list[str]:
        """The options' texts, in letter order."""
        return [choice.text for choice in self.choices]

    def feedback_for(self, letter: str) -> str | None:
        """Why the option ``letter`` is wrong, for a learner who picked it (None for the key or no feedback)."""
        index = LETTERS.find(letter)
        return self.choices[index].feedback if 0 <= index < len(self.choices) else None

    @property
    def missing_feedback(self) -> list[str]:
        """Letters of wrong options that carry no feedback."""
        return [LETTERS[i] for i, c in enumerate(self.choices) if i != self.correct_index and not c.feedback]

    @property
    def track_id(self) -> str:
        return self.id.rsplit("-q-", 1)[0]

    @property
    def correct_index(self) -> int:
        return LETTERS.index(self.answer)

    @property
    def letters(self) -> str:
        return LETTERS[: len(self.options)]

    @property
    def similarity_text(self) -> str:
        return f"{self.prompt} {' '.join(self.options)}"


class TrackFile(_Strict):
    track: TrackInfo
    tips: list[Tip] = Field(default_factory=list)
    questions: list[Question] = Field(default_factory=list)


class PathDay(_Strict):
    day: int = Field(ge=1, le=366)
    tip: str
    questions: list[str] = Field(min_length=1, max_length=6)


class PathInfo(_Strict):
    id: str = Field(pattern=rf"^{_ID}$")
    title: str
    summary: str = ""


class PathFile(_Strict):
    path: PathInfo
    days: list[PathDay] = Field(min_length=1)


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


@dataclass(frozen=True)
class _Document:
    """A parsed YAML file: the data, and its node tree for mapping a location back to a line."""

    data: Any
    root: yaml.Node | None


def _line_of(document: Any, loc: Iterable[Any]) -> int:
    """The 1-based line of the deepest YAML node a pydantic error location reaches."""
    node = document.root if isinstance(document, _Document) else None
    if node is None:
        return 1
    line = node.start_mark.line + 1
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            found = next((pair for pair in node.value if getattr(pair[0], "value", None) == key), None)
            if found is None:
                break
            line = found[0].start_mark.line + 1
            node = found[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _read_yaml(path: Path, problems: list[str]) -> _Document | None:
    try:
        text = path.read_text(encoding="utf-8")
        root = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        problems.append(f"{path}:{line}: not valid YAML: {error.problem or error}")
        return None
    except yaml.YAMLError as error:
        problems.append(f"{path}:1: not valid YAML: {error}")
        return None
    except (OSError, UnicodeDecodeError) as error:
        problems.append(f"{path}:1: cannot read the file: {error}")
        return None
    return _Document(data, root)


def _validate(model: type[BaseModel], raw: _Document, path: Path, problems: list[str]) -> Any:
    try:
        return model.model_validate(raw.data)
    except ValidationError as error:
        for detail in error.errors():
            loc = detail["loc"]
            where = ".".join(str(p) for p in loc) or "file"
            problems.append(f"{path}:{_line_of(raw, loc)}: {where}: {detail['msg']}")
    return None


def _item_line(raw: _Document, section: str, index: int) -> int:
    return _line_of(raw, (section, index))


def load_curriculum(directory: str | Path, policy: CoursePolicy | None = None) -> Curriculum:
    """Read every track file and the path under ``directory``; raise ContentError listing every problem."""
    policy = policy or CoursePolicy()
    root = Path(directory)
    problems: list[str] = []
    track_files = sorted((root / "tracks").glob("*.yaml")) if (root / "tracks").is_dir() else []
    if not track_files:
        raise ContentError([f"{root / 'tracks'}:1: no track files (*.yaml) found"])
    tracks: list[TrackInfo] = []
    tips: dict[str, Tip] = {}
    questions: dict[str, Question] = {}
    where: dict[str, str] = {}
    for path in track_files:
        raw = _read_yaml(path, problems)
        if raw is None:
            continue
        parsed: TrackFile | None = _validate(TrackFile, raw, path, problems)
        if parsed is None:
            continue
        if parsed.track.id != path.stem:
            problems.append(f"{path}:{_line_of(raw, ('track', 'id'))}: track id {parsed.track.id!r} must match the file name {path.stem!r}")
        tracks.append(parsed.track)
        sections: tuple[tuple[str, Sequence[Tip | Question]], ...] = (("tips", parsed.tips), ("questions", parsed.questions))
        for section, items in sections:
            for index, item in enumerate(items):
                line = _item_line(raw, section, index)
                if item.track_id != parsed.track.id:
                    problems.append(f"{path}:{line}: id {item.id!r} must start with the track id {parsed.track.id!r}")
                if item.id in where:
                    problems.append(f"{path}:{line}: id {item.id!r} is already used at {where[item.id]}")
                    continue
                where[item.id] = f"{path}:{line}"
                if isinstance(item, Tip):
                    tips[item.id] = item
                else:
                    questions[item.id] = item
                    if policy.required_options is not None and len(item.options) != policy.required_options:
                        problems.append(f"{path}:{line}: {item.id} has {len(item.options)} options; the course uses exactly {policy.required_options}")
                    if policy.require_feedback:
                        for letter in item.missing_feedback:
                            option_line = _line_of(raw, (section, index, "options", LETTERS.index(letter)))
                            problems.append(f"{path}:{option_line}: {item.id} option {letter} is wrong but has no feedback: say which belief it stands for and why it fails here")
    orders = Counter(t.order for t in tracks)
    for track in tracks:
        if orders[track.order] > 1:
            problems.append(f"{root / 'tracks' / (track.id + '.yaml')}:1: track order {track.order} is used by more than one track")
    pools: tuple[tuple[str, Sequence[Tip | Question]], ...] = (("tip", list(tips.values())), ("question", list(questions.values())))
    for kind, items in pools:
        for first, second, score in near_duplicates([(i.id, i.similarity_text) for i in items]):
            problems.append(f"{where[second]}: {kind} {second} is nearly the same as {first} at {where[first]} (similarity {score:.2f})")
    path_file = _load_path(root / "path.yaml", tips, questions, policy, problems)
    _check_policy(root, tracks, tips, questions, policy, problems)
    if problems:
        raise ContentError(problems)
    return Curriculum(tracks=sorted(tracks, key=lambda t: t.order), tips=tips, questions=questions, path=path_file, source_dir=root)


def _load_path(path: Path, tips: dict[str, Tip], questions: dict[str, Question], policy: CoursePolicy, problems: list[str]) -> PathFile | None:
    if not path.exists():
        if policy.path_days:
            problems.append(f"{path}:1: the guided path file is missing")
        return None
    raw = _read_yaml(path, problems)
    if raw is None:
        return None
    parsed: PathFile | None = _validate(PathFile, raw, path, problems)
    if parsed is None:
        return None
    used_questions: set[str] = set()
    for index, day in enumerate(parsed.days):
        line = _item_line(raw, "days", index)
        if day.day != index + 1:
            problems.append(f"{path}:{line}: day {day.day} is out of order; expected day {index + 1}")
        if day.tip not in tips:
            problems.append(f"{path}:{line}: day {day.day} names unknown tip {day.tip!r}")
        for qid in day.questions:
            if qid not in questions:
                problems.append(f"{path}:{line}: day {day.day} names unknown question {qid!r}")
            elif qid in used_questions:
                problems.append(f"{path}:{line}: question {qid!r} appears on more than one day")
            used_questions.add(qid)
    if policy.path_days and len(parsed.days) != policy.path_days:
        problems.append(f"{path}:1: the guided path has {len(parsed.days)} days; it needs {policy.path_days}")
    return parsed


def _check_policy(root: Path, tracks: list[TrackInfo], tips: dict[str, Tip], questions: dict[str, Question], policy: CoursePolicy, problems: list[str]) -> None:
    if len(tracks) < policy.min_tracks:
        problems.append(f"{root / 'tracks'}:1: {len(tracks)} tracks; the course needs at least {policy.min_tracks}")
    if len(tips) < policy.min_tips_total:
        problems.append(f"{root / 'tracks'}:1: {len(tips)} tips in all; the course needs at least {policy.min_tips_total}")
    if len(questions) < policy.min_questions_total:
        problems.append(f"{root / 'tracks'}:1: {len(questions)} questions in all; the course needs at least {policy.min_questions_total}")
    for track in tracks:
        file = root / "tracks" / f"{track.id}.yaml"
        track_tips = [t for t in tips.values() if t.track_id == track.id]
        track_questions = [q for q in questions.values() if q.track_id == track.id]
        if len(track_tips) < policy.min_tips_per_track:
            problems.append(f"{file}:1: {len(track_tips)} tips; each track needs at least {policy.min_tips_per_track}")
        if len(track_questions) < policy.min_questions_per_track:
            problems.append(f"{file}:1: {len(track_questions)} questions; each track needs at least {policy.min_questions_per_track}")
        if policy.min_questions_per_track:
            for kind, items in (("questions", track_questions), ("tips", track_tips)):
                missing = {1, 2, 3} - {i.difficulty for i in items}
                if items and missing:
                    problems.append(f"{file}:1: no {kind} at difficulty {sorted(missing)}; every track spreads across 1-3")
    if questions and policy.max_position_share < 1.0:
        positions = Counter(q.answer for q in questions.values())
        for letter, count in sorted(positions.items()):
            share = count / len(questions)
            if share > policy.max_position_share:
                problems.append(
                    f"{root / 'tracks'}:1: {share:.0%} of correct answers are {letter}; no position may exceed {policy.max_position_share:.0%}"
                )
