"""Learners and their workspaces: created on first sight, kept in step with what the platform tells us.

Every request starts here. A learner's time zone comes from the platform when it can tell us, else from
the workspace default, else UTC (and the first reply then says how to set it).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Literal, overload

from bot.content import PATH_TRACK_ID
from bot.context import Context
from bot.deps import Deps
from bot.store.records import Learner
from bot.timezones import canonical_zone

DEFAULT_TZ = "UTC"
DEFAULT_DAILY_TIME = "09:00"
TOUCH_EVERY = timedelta(minutes=5)

LearnerField = Literal["track", "daily_time", "nudges", "desired_retention"]
"""The learner fields a use case may set directly (time zones go through ``set_learner_tz``, which logs the change)."""


def ensure_learner(deps: Deps, ctx: Context) -> tuple[Learner, bool]:
    """The asker's record, created on first sight; ``True`` when it was just created."""
    now = deps.clock.now()
    ensure_workspace(deps, ctx, now)
    learner = deps.repo.get_learner(ctx.workspace_id, ctx.user_id)
    if learner is not None:
        if now - learner.last_seen_at >= TOUCH_EVERY or (ctx.display_name and ctx.display_name != learner.display_name):
            deps.repo.touch_learner(ctx.workspace_id, ctx.user_id, ctx.display_name, now)
        learned_tz = canonical_zone(ctx.platform_tz) if ctx.platform_tz and learner.tz_source == "default" else None
        if learned_tz:  # the platform could not say at first (a failed profile look-up); it can now
            deps.repo.set_learner_tz(ctx.workspace_id, ctx.user_id, learned_tz, "platform", now)
            learner = replace(learner, tz=learned_tz, tz_source="platform")
        return learner, False
    platform_tz = canonical_zone(ctx.platform_tz) if ctx.platform_tz else None
    workspace = deps.repo.get_workspace(ctx.workspace_id) if not platform_tz else None  # its zone as of now, whoever set it
    if platform_tz:
        tz, source = platform_tz, "platform"
    elif workspace is not None and workspace.default_tz:
        tz, source = workspace.default_tz, "workspace"
    else:
        tz, source = DEFAULT_TZ, "default"
    created = deps.repo.create_learner(
        Learner(
            workspace_id=ctx.workspace_id, user_id=ctx.user_id, display_name=ctx.display_name or ctx.user_id,
            tz=tz, tz_source=source, track=first_track(deps), daily_time=DEFAULT_DAILY_TIME, nudges=True, created_at=now, last_seen_at=now,
        )
    )
    return created, True


def first_track(deps: Deps) -> str:
    """Where a newcomer starts: the guided path when the course has one, else its first track."""
    return PATH_TRACK_ID if deps.content.path else deps.content.tracks[0].id


def ensure_workspace(deps: Deps, ctx: Context, now: datetime) -> None:
    """Create the asker's workspace on first sight; remember it once it is known to be committed.

    A workspace created inside this request's transaction is not remembered yet: the request may still roll
    back (then the row is gone), and until it commits, other processes' and threads' transactions cannot see
    it, so a learner inserted there on the strength of a cached "exists" would break the foreign key. Only
    its existence is cached: settings such as its default zone are read from the database when needed, so
    another process changing them is seen at once.
    """
    if ctx.workspace_id in deps.workspaces:
        return
    found = deps.repo.get_workspace(ctx.workspace_id)
    if found is None:
        deps.repo.ensure_workspace(ctx.workspace_id, ctx.platform, ctx.workspace_name, now)
        return
    deps.workspaces[ctx.workspace_id] = found


def workspace_tz(deps: Deps, workspace_id: str) -> str:
    """The zone a workspace's shared clock runs on (its leaderboard week, its channels' defaults)."""
    workspace = deps.repo.get_workspace(workspace_id)
    return (workspace.default_tz if workspace else None) or DEFAULT_TZ


@overload
def set_learner_field(deps: Deps, learner: Learner, field: Literal["track", "daily_time"], value: str) -> None: ...
@overload
def set_learner_field(deps: Deps, learner: Learner, field: Literal["nudges"], value: bool) -> None: ...
@overload
def set_learner_field(deps: Deps, learner: Learner, field: Literal["desired_retention"], value: float) -> None: ...
def set_learner_field(deps: Deps, learner: Learner, field: LearnerField, value: str | bool | float) -> None:
    """The one way use cases write a learner field, so a misspelt field is a type error, not a run-time one."""
    deps.repo.set_learner_field(learner.workspace_id, learner.user_id, field, value)
