"""Load and validate the curriculum: YAML files checked by a schema, refused as a whole on any problem.

Every problem is reported as ``file:line: reason`` so an author can jump straight to it; nothing is
half-loaded, because a bot teaching from a partly broken course is worse than one that refuses to start.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from bot.content.course import CoursePolicy, Curriculum
from bot.content.schema import LETTERS, ContentError, PathFile, Question, Tip, TrackFile, TrackInfo
from bot.similarity import near_duplicates

# libyaml's C loader parses the whole course ~30x faster than a pure-Python one (start-up time matters).
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class _Document:
    """A parsed YAML file: the data, and its node tree for mapping a location back to a line."""

    data: Any
    root: yaml.Node | None


def line_of(document: Any, loc: Iterable[Any]) -> int:
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
    except (OSError, UnicodeDecodeError) as error:
        problems.append(f"{path}:1: cannot read the file: {error}")
        return None
    return parse_yaml_text(text, str(path), problems)


def parse_yaml_text(text: str, name: str, problems: list[str]) -> _Document | None:
    """YAML text as a document, or None with ``name:line: not valid YAML: ...`` added to ``problems``."""
    try:
        root = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        problems.append(f"{name}:{line}: not valid YAML: {error.problem or error}")
        return None
    except yaml.YAMLError as error:
        problems.append(f"{name}:1: not valid YAML: {error}")
        return None
    return _Document(data, root)


def validate_document(model: type[BaseModel], raw: _Document, path: Path | str, problems: list[str]) -> Any:
    try:
        return model.model_validate(raw.data)
    except ValidationError as error:
        for detail in error.errors():
            loc = detail["loc"]
            where = ".".join(str(p) for p in loc) or "file"
            problems.append(f"{path}:{line_of(raw, loc)}: {where}: {detail['msg']}")
    return None


def _item_line(raw: _Document, section: str, index: int) -> int:
    return line_of(raw, (section, index))


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
        parsed: TrackFile | None = validate_document(TrackFile, raw, path, problems)
        if parsed is None:
            continue
        if parsed.track.id != path.stem:
            problems.append(f"{path}:{line_of(raw, ('track', 'id'))}: track id {parsed.track.id!r} must match the file name {path.stem!r}")
        tracks.append(parsed.track)
        check_track_file(raw, path, parsed, where, tips, questions, policy, problems)
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
    parsed: PathFile | None = validate_document(PathFile, raw, path, problems)
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


def check_track_file(
    raw: _Document, path: Path | str, parsed: TrackFile, where: dict[str, str], tips: dict[str, Tip], questions: dict[str, Question],
    policy: CoursePolicy, problems: list[str],
) -> None:
    """The rules one track file must keep on its own and against ids already taken (``where``: id -> place);
    its items are added to ``tips``, ``questions`` and ``where``. A workspace's import runs the same rules."""
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
                        option_line = line_of(raw, (section, index, "options", LETTERS.index(letter)))
                        problems.append(f"{path}:{option_line}: {item.id} option {letter} is wrong but has no feedback: say which belief it stands for and why it fails here")
