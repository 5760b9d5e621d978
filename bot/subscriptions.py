"""``subscribe`` and ``unsubscribe``: daily posts to a channel (admins) or to a learner's DMs.

A subscription's ``next_due_at`` is what the delivery sweep looks for, so every change recomputes it.
"""

from __future__ import annotations

from dataclasses import replace
from zoneinfo import ZoneInfo

from bot import commands as cmd
from bot.deps import Asker, Deps
from bot.dispatch import handles
from bot.learners import DEFAULT_DAILY_TIME, first_track
from bot.messages import Reply, error_reply
from bot.render.settings import no_such_track, subscribed, unsubscribed
from bot.schedule import describe_days, format_days_field, next_occurrence, parse_days_field
from bot.store.records import Learner, Subscription
from bot.team import REPORT_KIND
from bot.timezones import SETTINGS_TZ, ZoneCommand, resolve_zone

SUBSCRIBE_TZ = ZoneCommand("subscribe", "tz")


def zone_or_error(zone: str, asker: Asker, send: ZoneCommand = SETTINGS_TZ) -> str | Reply:
    """The IANA zone ``zone`` names, or the friendly error that says how to name one (in ``send``, the command it came with)."""
    found = resolve_zone(zone, send)
    return found.zone if found.zone else error_reply(asker.say.write(found.message))


def resubscribe(deps: Deps, sub: Subscription, *, track: str | None = None, tz: str | None = None, local_time: str | None = None) -> Subscription:
    """Store ``sub`` with the given changes and its next post recomputed from them."""
    updated = replace(sub, track=track or sub.track, tz=tz or sub.tz, local_time=local_time or sub.local_time)
    next_due = next_occurrence(updated.local_time, updated.tz, parse_days_field(updated.days), deps.clock.now())
    return deps.repo.upsert_subscription(replace(updated, next_due_at=next_due))


def follow_learner(deps: Deps, learner: Learner, *, track: str | None = None, tz: str | None = None, local_time: str | None = None) -> None:
    """A learner's daily DM follows their own settings: a new zone or time reschedules it, a new track switches it.
    An admin's weekly team report follows their zone (it keeps its Monday 09:00)."""
    report = deps.repo.get_subscription(learner.workspace_id, f"dm:{learner.user_id}", REPORT_KIND)
    if tz is not None and report is not None and report.active and report.tz != tz:
        resubscribe(deps, report, tz=tz)
    dm = deps.repo.get_subscription(learner.workspace_id, f"dm:{learner.user_id}", "dm")
    if dm is None or not dm.active or (track is not None and tz is None and local_time is None and dm.track == track):
        return
    resubscribe(deps, dm, track=track, tz=tz, local_time=local_time)


@handles(cmd.Subscribe)
def subscribe(deps: Deps, asker: Asker, command: cmd.Subscribe) -> Reply:
    ctx, learner, content = asker.ctx, asker.learner, deps.content
    dm = ctx.in_private
    channel_id = f"dm:{learner.user_id}" if dm else str(ctx.channel_id)
    kind = "dm" if dm else "channel"
    existing = deps.repo.get_subscription(ctx.workspace_id, channel_id, kind)
    # Only what the command names changes; the rest is kept from this subscription. A DM that was switched
    # off starts again from the learner's own settings instead, which may have changed since.
    kept = existing if existing is not None and (existing.active or not dm) else None
    kept_track = kept.track if kept is not None and content.has_track(kept.track) else None
    own_track = learner.track if dm and content.has_track(learner.track) else None
    track = command.track or kept_track or own_track or first_track(deps)
    if not content.has_track(track):
        return error_reply(no_such_track(track, asker.say))
    workspace = deps.repo.get_workspace(ctx.workspace_id)
    if command.tz:
        zone = zone_or_error(command.tz, asker, SUBSCRIBE_TZ)
        if isinstance(zone, Reply):
            return zone
    elif kept is not None:
        zone = kept.tz
    else:
        zone = learner.tz if dm else ((workspace.default_tz if workspace else None) or learner.tz)
    hhmm = command.hhmm or (kept.local_time if kept is not None else None) or (learner.daily_time if dm else DEFAULT_DAILY_TIME)
    days = command.days or (parse_days_field(kept.days) if kept is not None else None) or (cmd.EVERY_DAY if dm else cmd.WEEKDAYS)
    now = deps.clock.now()
    sub = Subscription(
        id=None, workspace_id=ctx.workspace_id, platform=ctx.platform, channel_id=channel_id, kind=kind,
        user_id=learner.user_id if dm else None, local_time=hhmm, tz=zone, days=format_days_field(days),
        track=track, active=True, next_due_at=next_occurrence(hhmm, zone, days, now), created_by=learner.user_id,
        created_at=now, path_day=existing.path_day if existing else 0,
    )
    stored = deps.repo.upsert_subscription(sub)
    first = stored.next_due_at.astimezone(ZoneInfo(zone)) if stored.next_due_at else now
    return subscribed(dm, content.track_title(track), hhmm, zone, describe_days(days), first, asker.say)


@handles(cmd.Unsubscribe)
def unsubscribe(deps: Deps, asker: Asker, command: cmd.Unsubscribe) -> Reply:
    ctx = asker.ctx
    dm = ctx.in_private
    channel_id = f"dm:{ctx.user_id}" if dm else str(ctx.channel_id)
    return unsubscribed(deps.repo.deactivate_subscription(ctx.workspace_id, channel_id, "dm" if dm else "channel"))
