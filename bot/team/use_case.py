"""``team`` (admins) and ``admin report on|off``: the report now, or by DM every Monday.

The weekly report is a subscription of kind ``report`` to the admin's own DMs (``dm:<user>``), so the daily
sweep finds it, plans it into the outbox under the key ``report:<subscription>:<date>`` and sends it exactly
once per week, across crashes and restarts, like every other scheduled post.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot import commands as cmd
from bot.deps import Asker, Deps
from bot.dispatch import handles
from bot.messages import Reply
from bot.render.team import admin_report_off, admin_report_on
from bot.schedule import format_days_field, next_occurrence
from bot.store.records import Subscription
from bot.team.report import MONDAY, REPORT_KIND, REPORT_TIME, team_report


@handles(cmd.TeamReport)
def team(deps: Deps, asker: Asker, command: cmd.TeamReport) -> Reply:
    """Admins only (the command table's rule, applied by the facade before this runs)."""
    return team_report(deps, asker.ctx.workspace_id, asker.say)


@handles(cmd.SetAdminReport)
def set_admin_report(deps: Deps, asker: Asker, command: cmd.SetAdminReport) -> Reply:
    ctx, learner = asker.ctx, asker.learner
    channel_id = f"dm:{learner.user_id}"
    if not command.enabled:
        return admin_report_off(deps.repo.deactivate_subscription(ctx.workspace_id, channel_id, REPORT_KIND), asker.say)
    now = deps.clock.now()
    existing = deps.repo.get_subscription(ctx.workspace_id, channel_id, REPORT_KIND)
    sub = Subscription(
        id=None, workspace_id=ctx.workspace_id, platform=ctx.platform, channel_id=channel_id, kind=REPORT_KIND,
        user_id=learner.user_id, local_time=REPORT_TIME, tz=learner.tz, days=format_days_field(MONDAY), track=learner.track,
        active=True, next_due_at=next_occurrence(REPORT_TIME, learner.tz, MONDAY, now), created_by=learner.user_id, created_at=now,
    )
    if existing is not None and existing.active and existing.tz == learner.tz and existing.next_due_at is not None:
        stored = existing  # already on: keep its schedule, so asking twice never moves this week's report
    else:
        stored = deps.repo.upsert_subscription(sub)
    first = stored.next_due_at or now
    return admin_report_on(first.astimezone(ZoneInfo(stored.tz)), stored.tz, asker.say)
