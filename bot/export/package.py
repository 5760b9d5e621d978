"""The export file: a zip holding ``aipm-export.json`` (everything, readable) and ``fsrs-revlog.csv``.

One file is kinder than two on every platform (one upload, one attachment, one path printed). The JSON names
each question and tip by id and, where the course still has it, by its text, so the file means something
without the bot; instants are ISO 8601 in UTC, days are the learner's local dates.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.commands import DAY_NAMES
from bot.content import Curriculum
from bot.export.revlog import HEADER, RevlogRow, card_id, revlog_csv
from bot.store.records import FittedParameters, LearnerExport, Subscription, Workspace, WorkspaceTrack
from bot.streaks import StreakState

ZIP_NAME = "aipm-export.zip"
JSON_NAME = "aipm-export.json"
CSV_NAME = "fsrs-revlog.csv"
FORMAT = "aipm-companion learner export"
VERSION = 1


def export_document(data: LearnerExport, workspace: Workspace | None, content: Curriculum, streak: StreakState,
                    exported_at: datetime, fitted: FittedParameters | None = None, imported: Sequence[WorkspaceTrack] = ()) -> dict[str, Any]:
    """``imported``: the workspace's own tracks this learner imported as an admin (the track is the workspace's;
    that they imported it is theirs, and forget-me removes it)."""
    learner = data.learner
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _at(exported_at),
        "workspace": {"id": learner.workspace_id, "platform": workspace.platform if workspace else None,
                      "name": workspace.name if workspace else None, "fsrs_parameters": _fitted(fitted)},
        "learner": {"user_id": learner.user_id, "display_name": learner.display_name,
                    "first_seen_at": _at(learner.created_at), "last_seen_at": _at(learner.last_seen_at)},
        "settings": {"time_zone": learner.tz, "time_zone_source": learner.tz_source, "track": learner.track,
                     "daily_time": learner.daily_time, "nudges": learner.nudges, "desired_retention": learner.desired_retention},
        "streak": {"current": streak.current, "best": streak.best, "freezes": streak.freezes,
                   "last_active_day": streak.last_active.isoformat() if streak.last_active else None},
        "activity_days": [{"day": d.day.isoformat(), "answered": d.answered, "correct": d.correct} for d in data.activity],
        "time_zone_changes": [{"changed_at": _at(c.changed_at), "from": c.old_tz, "to": c.new_tz} for c in data.tz_changes],
        "answers": [
            {"answered_at": _at(a.answered_at), "local_day": a.local_date.isoformat(), "question_id": a.question_id,
             "card_id": card_id(a.question_id), "question": _prompt(content, a.question_id), "letter": a.letter,
             "option": _option(content, a.question_id, a.letter), "correct": a.correct, "points": a.points, "quiz_id": a.instance_id}
            for a in data.answers
        ],
        "quizzes_shown": [
            {"quiz_id": q.id, "question_id": q.question_id, "origin": q.origin, "channel_id": q.channel_id, "shown_at": _at(q.created_at)}
            for q in data.quizzes
        ],
        "tips_seen": [{"tip_id": t.tip_id, "title": _tip_title(content, t.tip_id), "shown_at": _at(t.shown_at)} for t in data.tips],
        "review_cards": [
            {"question_id": c.question_id, "card_id": card_id(c.question_id), "question": _prompt(content, c.question_id),
             "due_at": _at(c.due_at), "reviews": c.reps, "lapses": c.lapses, "last_correct": c.last_correct,
             "fsrs": _json_or_text(c.state_json)}
            for c in data.cards
        ],
        "subscriptions": [_subscription(s) for s in data.subscriptions],
        "reports": [
            {"report_id": r.id, "question_id": r.question_id, "question": _prompt(content, r.question_id), "reason": r.reason,
             "text": r.text, "reported_at": _at(r.created_at), "resolved_at": _at(r.resolved_at) if r.resolved_at else None,
             "resolution": r.resolution}
            for r in data.reports
        ],
        "tracks_imported": [{"track_id": t.track_id, "version": t.version, "file": t.filename, "imported_at": _at(t.imported_at)} for t in imported],
        "files": {CSV_NAME: "The review log in the FSRS optimizer's columns (" + ", ".join(HEADER) + "): one row per answer, "
                            "rating 3 for right and 1 for wrong, state before the review (0 new, 1 learning, 2 review, 3 relearning), duration not measured (empty)."},
    }


def export_zip(document: dict[str, Any], rows: list[RevlogRow], exported_at: datetime) -> bytes:
    """The zip, byte for byte the same for the same data and time (entries dated ``exported_at``)."""
    stamp = exported_at.timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in ((JSON_NAME, json.dumps(document, ensure_ascii=False, indent=2) + "\n"), (CSV_NAME, revlog_csv(rows))):
            entry = zipfile.ZipInfo(name, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, text.encode("utf-8"))
    return buffer.getvalue()


def _at(instant: datetime) -> str:
    return instant.isoformat().replace("+00:00", "Z")


def _prompt(content: Curriculum, question_id: str) -> str | None:
    question = content.questions.get(question_id)
    return question.prompt if question else None


def _option(content: Curriculum, question_id: str, letter: str) -> str | None:
    question = content.questions.get(question_id)
    if question is None or letter not in question.letters:
        return None
    return question.options[question.letters.index(letter)]


def _tip_title(content: Curriculum, tip_id: str) -> str | None:
    tip = content.tips.get(tip_id)
    return tip.title if tip else None


def _json_or_text(state: str) -> Any:
    try:
        return json.loads(state)
    except ValueError:
        return state


def _fitted(fitted: FittedParameters | None) -> dict[str, Any] | None:
    """The workspace's fitted FSRS parameters that scheduled these reviews; None: FSRS's defaults did."""
    if fitted is None:
        return None
    return {"parameters": list(fitted.parameters), "fitted_to_reviews": fitted.reviews, "fitted_at": _at(fitted.fitted_at)}


def _subscription(s: Subscription) -> dict[str, Any]:
    days = [DAY_NAMES[int(d)] for d in s.days.split(",") if d.strip().isdigit() and int(d) < len(DAY_NAMES)]
    return {"channel_id": s.channel_id, "kind": s.kind, "local_time": s.local_time, "time_zone": s.tz, "days": days,
            "track": s.track, "active": s.active, "next_post_at": _at(s.next_due_at) if s.next_due_at else None,
            "created_at": _at(s.created_at)}
