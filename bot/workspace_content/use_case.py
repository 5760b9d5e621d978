"""``admin import``, ``admin content`` and ``admin content remove``: a workspace's own tracks, by its admins.

An import is checked whole by the course's validator (``read_track_file``) and stored only when every rule
holds; the question audit then runs over it as advice. The stored YAML is the source of truth, so every
process serves the new version at its next request (``WorkspaceCurricula`` sees the revision change).
"""

from __future__ import annotations

from datetime import timedelta

from bot import commands as cmd
from bot.audit.report import audit_questions
from bot.commands.syntax import Syntax
from bot.content import ContentError, Question
from bot.content.track_text import read_track_file
from bot.context import Context, Upload
from bot.deps import Asker, Deps
from bot.dispatch import handles
from bot.messages import Reply
from bot.render import workspace_content as words

UPLOAD_WINDOW = timedelta(minutes=10)
MAX_TRACKS = 20
ADVICE_SHOWN = 5
AUDIT_MIN_QUESTIONS = 8
"""Below this, a guessing strategy's score is noise (two questions make any strategy 50% or 0%)."""


def awaits_upload(deps: Deps, ctx: Context) -> bool:
    return deps.repo.upload_expected(ctx.workspace_id, ctx.user_id, deps.clock.now())


@handles(cmd.AdminImport)
def admin_import(deps: Deps, asker: Asker, command: cmd.AdminImport) -> Reply:
    ctx = asker.ctx
    if command.upload is None:
        deps.repo.expect_upload(ctx.workspace_id, ctx.user_id, deps.clock.now() + UPLOAD_WINDOW)
        return words.send_the_file(asker.say, int(UPLOAD_WINDOW.total_seconds() // 60))
    return import_track(deps, ctx, command.upload)


def import_track(deps: Deps, ctx: Context, upload: Upload) -> Reply:
    """Validate the whole file against the course and the workspace's other tracks, then store it as the
    track's next version; nothing is stored on any problem."""
    others = deps.curricula.own_tracks(ctx.workspace_id)
    try:
        parsed = read_track_file(upload.data, upload.filename, deps.course, others)
    except ContentError as error:
        return words.import_refused(upload.filename, error.problems)
    if parsed.track.id not in {o.track.id for o in others} and len(others) >= MAX_TRACKS:
        return words.too_many_tracks(MAX_TRACKS, Syntax(ctx.platform))
    version = deps.repo.save_workspace_track(
        ctx.workspace_id, parsed.track.id, upload.filename, upload.data.decode("utf-8"), ctx.user_id, deps.clock.now(),
    )
    deps.repo.upload_received(ctx.workspace_id, ctx.user_id)
    advice = audit_advice(parsed.questions)
    return words.imported(parsed.track.id, parsed.track.title, len(parsed.tips), len(parsed.questions), version, advice, Syntax(ctx.platform))


def audit_advice(questions: list[Question]) -> list[str]:
    """What ``aipm content audit`` would flag in these questions, as a few sentences."""
    report = audit_questions(questions)
    failures = [f for s in report.strategies if not s.name.startswith("always-") for f in s.failures if "over the bank" in f]
    advice = [f"{f}: some questions give their answer away from the options alone" for f in failures] if len(questions) >= AUDIT_MIN_QUESTIONS else []
    advice += [f"{qid} asks for the wrong one (NOT/EXCEPT); careful readers trip on it, not beginners" for qid in report.negative_stems]
    advice += [f"the option {o['option']!r} appears verbatim in {', '.join(o['questions'])}" for o in report.shared_options]
    return advice[:ADVICE_SHOWN]


@handles(cmd.AdminContent)
def admin_content(deps: Deps, asker: Asker, command: cmd.AdminContent) -> Reply:
    stored = deps.repo.workspace_tracks(asker.ctx.workspace_id)
    titles = {t.id: t.title for t in deps.content.tracks}
    return words.content_list(stored, titles, asker.say)


@handles(cmd.RemoveContent)
def remove_content(deps: Deps, asker: Asker, command: cmd.RemoveContent) -> Reply:
    if deps.repo.remove_workspace_track(asker.ctx.workspace_id, command.track):
        return words.removed(command.track)
    return words.not_ours(command.track, deps.course.has_track(command.track), asker.say)
