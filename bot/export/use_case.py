"""``export``: one read of the learner's rows, turned into the zip the adapter hands them privately."""

from __future__ import annotations

from datetime import datetime

from bot import commands as cmd
from bot.deps import Asker, Deps
from bot.dispatch import handles
from bot.export.package import ZIP_NAME, export_document, export_zip
from bot.export.revlog import revlog
from bot.messages import Reply
from bot.render.export import export_reply
from bot.store.records import LearnerExport
from bot.streaks import StreakState, compute_streak, excused_by_tz_change, local_date


@handles(cmd.Export)
def export(deps: Deps, asker: Asker, command: cmd.Export) -> Reply:
    """Always a file: the asker's record exists by now (the request made it), so an export is never empty of
    everything; a learner with nothing else stored gets that record and empty lists, and a sentence saying so."""
    learner = asker.learner
    data = deps.repo.export_learner(learner.workspace_id, learner.user_id)
    if data is None:  # deleted between the request's look-up and this read (a forget-me from another device)
        data = LearnerExport(learner, (), (), (), (), (), (), ())
    now = deps.clock.now()
    rows = revlog(data.answers, lambda state, correct, at: deps.reviews.record(state, correct, at).state_json)
    workspace, fitted = deps.repo.get_workspace(learner.workspace_id), deps.repo.get_fsrs_parameters(learner.workspace_id)
    imported = [t for t in deps.repo.workspace_tracks(learner.workspace_id) if t.imported_by == learner.user_id]
    document = export_document(data, workspace, deps.content, _streak(data, now), now, fitted, imported)
    return export_reply(data, ZIP_NAME, export_zip(document, rows, now), asker.say)


def _streak(data: LearnerExport, now: datetime) -> StreakState:
    """The streak as ``streak`` shows it today, from the same snapshot as the rest of the file."""
    excused = [d for change in data.tz_changes for d in excused_by_tz_change(change.changed_at, change.old_tz, change.new_tz)]
    return compute_streak([a.day for a in data.activity], local_date(now, data.learner.tz), excused)
