"""``settings``: show them, and set a learner's zone, daily time and nudges, or (admins) the workspace's zone."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot import commands as cmd
from bot.deps import Asker, Deps
from bot.dispatch import handles
from bot.learners import set_learner_field
from bot.messages import Reply
from bot.render.settings import DailyDm, Scheduling, daily_time_set, nudges_set, retention_set, settings_reply, tz_set, workspace_tz_set
from bot.schedule import describe_days, parse_days_field
from bot.subscriptions import follow_learner, zone_or_error
from bot.timezones import ZoneCommand, zone_note

WORKSPACE_TZ = ZoneCommand("settings workspace-tz")


@handles(cmd.ShowSettings)
def show_settings(deps: Deps, asker: Asker, command: cmd.ShowSettings) -> Reply:
    ctx, learner = asker.ctx, asker.learner
    workspace = deps.repo.get_workspace(ctx.workspace_id)
    dm = deps.repo.get_subscription(ctx.workspace_id, f"dm:{learner.user_id}", "dm")
    daily_dm = (
        DailyDm(dm.local_time, dm.tz, describe_days(parse_days_field(dm.days)), deps.content.track_title(dm.track)) if dm and dm.active else None
    )
    fitted = deps.repo.get_fsrs_parameters(ctx.workspace_id)
    scheduling = Scheduling(learner.desired_retention, fitted.reviews if fitted else None, fitted.fitted_at if fitted else None)
    return settings_reply(
        learner.tz, learner.tz_source, deps.content.track_title(learner.track), learner.track, learner.daily_time, learner.nudges,
        daily_dm, workspace.default_tz if workspace else None, scheduling, asker.say,
    )


@handles(cmd.SetTimeZone)
def set_tz(deps: Deps, asker: Asker, command: cmd.SetTimeZone) -> Reply:
    zone = zone_or_error(command.tz, asker)
    if isinstance(zone, Reply):
        return zone
    learner = asker.learner
    deps.repo.set_learner_tz(learner.workspace_id, learner.user_id, zone, "user", deps.clock.now())
    follow_learner(deps, learner, tz=zone)
    return tz_set(zone, deps.clock.now().astimezone(ZoneInfo(zone)), zone_note(zone))


@handles(cmd.SetDailyTime)
def set_daily_time(deps: Deps, asker: Asker, command: cmd.SetDailyTime) -> Reply:
    set_learner_field(deps, asker.learner, "daily_time", command.hhmm)
    follow_learner(deps, asker.learner, local_time=command.hhmm)
    return daily_time_set(command.hhmm, asker.learner.tz)


@handles(cmd.SetNudges)
def set_nudges(deps: Deps, asker: Asker, command: cmd.SetNudges) -> Reply:
    set_learner_field(deps, asker.learner, "nudges", command.enabled)
    return nudges_set(command.enabled)


@handles(cmd.SetRetention)
def set_retention(deps: Deps, asker: Asker, command: cmd.SetRetention) -> Reply:
    """The parser already refused anything outside 0.80-0.97; cards keep their due times until answered again."""
    set_learner_field(deps, asker.learner, "desired_retention", command.retention)
    return retention_set(command.retention)


@handles(cmd.SetWorkspaceTimeZone)
def set_workspace_tz(deps: Deps, asker: Asker, command: cmd.SetWorkspaceTimeZone) -> Reply:
    """Admins only; the command table says so, and the facade refuses everyone else before this runs."""
    zone = zone_or_error(command.tz, asker, WORKSPACE_TZ)
    if isinstance(zone, Reply):
        return zone
    deps.repo.set_workspace_tz(asker.ctx.workspace_id, zone)
    deps.workspaces.pop(asker.ctx.workspace_id, None)
    return workspace_tz_set(zone)
