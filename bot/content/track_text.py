"""One track file sent by a workspace's admin: checked by the course's own rules, or refused as a whole.

The same schema and per-file rules as ``load_curriculum`` (``check_track_file``), with every problem as
``file:line: reason``; on top, what only an import can get wrong: a track id the course (or another of the
workspace's tracks) already uses, a file too large, or a track with nothing to teach from.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.content.course import CoursePolicy, Curriculum
from bot.content.loading import check_track_file, line_of, parse_yaml_text, validate_document
from bot.content.schema import PATH_TRACK_ID, ContentError, Question, Tip, TrackFile
from bot.similarity import near_duplicates

MAX_BYTES = 256 * 1024
MAX_ITEMS = 300
"""Tips and questions together in one file: a generous track is 60."""

WORKSPACE_POLICY = CoursePolicy.relaxed()
"""Structure only: a company's policy track need not carry the bundled course's volume or feedback bar."""


def read_track_file(data: bytes | str, name: str, course: Curriculum, others: Sequence[TrackFile] = ()) -> TrackFile:
    """The track in ``data`` (the file called ``name``), valid beside ``course`` and the workspace's ``others``
    (a track with the same id there is the one this replaces, so it does not count); else ContentError."""
    size = len(data.encode("utf-8") if isinstance(data, str) else data)
    if size > MAX_BYTES:
        raise ContentError([f"{name}:1: the file is {size // 1024} KB; a track file may be at most {MAX_BYTES // 1024} KB"])
    try:
        text = data if isinstance(data, str) else data.decode("utf-8")
    except UnicodeDecodeError:
        raise ContentError([f"{name}:1: not UTF-8 text; save the file as UTF-8 YAML"]) from None
    problems: list[str] = []
    raw = parse_yaml_text(text, name, problems)
    if raw is None:
        raise ContentError(problems)
    parsed: TrackFile | None = validate_document(TrackFile, raw, name, problems)
    header = raw.data.get("track") if isinstance(raw.data, dict) else None
    named = header.get("id") if isinstance(header, dict) else None
    where: dict[str, str] = {}
    if isinstance(named, str) and (named == PATH_TRACK_ID or course.track(named) is not None):
        # Said even when other rules fail too; its items then share the course's ids, and this one line says why.
        problems.insert(0, f"{name}:{line_of(raw, ('track', 'id'))}: track id {named!r} is the course's own; "
                           f"give your track an id of its own, such as 'our-{named}'")
    else:
        where.update(dict.fromkeys((*course.tips, *course.questions), "the course"))
    if parsed is None:
        raise ContentError(problems)
    track_id = parsed.track.id
    for other in others:
        if other.track.id != track_id:
            where.update({tip.id: f"your track {other.track.id!r}" for tip in other.tips})
            where.update({question.id: f"your track {other.track.id!r}" for question in other.questions})
    tips: dict[str, Tip] = {}
    questions: dict[str, Question] = {}
    check_track_file(raw, name, parsed, where, tips, questions, WORKSPACE_POLICY, problems)
    items = len(parsed.tips) + len(parsed.questions)
    if items > MAX_ITEMS:
        problems.append(f"{name}:1: {items} tips and questions; a track file may hold at most {MAX_ITEMS}")
    if not parsed.tips or not parsed.questions:
        problems.append(f"{name}:1: a track needs at least one tip and one question (it has {len(parsed.tips)} and {len(parsed.questions)})")
    for kind, pool in (("tip", list(tips.values())), ("question", list(questions.values()))):
        found = {item.id: item for item in pool}
        for first, second, score in near_duplicates([(i.id, i.similarity_text) for i in found.values()]):
            problems.append(f"{where[second]}: {kind} {second} is nearly the same as {first} at {where[first]} (similarity {score:.2f})")
    if problems:
        raise ContentError(problems)
    return parsed
