"""The words of settings and subscriptions: what is set, what changed, and who may change it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.commands.syntax import Syntax
from bot.messages import Reply, Section
from bot.render.common import info_reply
from bot.reviews import DEFAULT_RETENTION

TZ_SOURCES = {"platform": "from your profile", "workspace": "workspace default", "user": "set by you", "default": "not set, using UTC"}


@dataclass(frozen=True)
class DailyDm:
    """The learner's DM subscription as ``settings`` shows it: when, in which zone, which days, from which track."""

    local_time: str
    tz: str
    days: str
    track_title: str


@dataclass(frozen=True)
class Scheduling:
    """How the learner's reviews are spaced: their desired retention, and whether this workspace's FSRS
    parameters were fitted (how many reviews, when) or are FSRS's defaults."""

    retention: float
    fitted_reviews: int | None = None
    fitted_at: datetime | None = None


def settings_reply(
    tz: str, tz_source: str, track_title: str, track_id: str, daily_time: str, nudges: bool, dm: DailyDm | None, workspace_tz: str | None,
    scheduling: Scheduling, say: Syntax,
) -> Reply:
    """One daily time: the DM's when there is one (it is the time that is used), else the preferred one,
    with a line saying it only takes effect with a subscription."""
    lines = [
        f"Time zone: **{tz}** ({TZ_SOURCES.get(tz_source, tz_source)})",
        f"Track: **{track_title}** (`{track_id}`)",
    ]
    if dm is not None:
        zone = f" ({dm.tz})" if dm.tz != tz else ""
        lines.append(f"Daily time: **{dm.local_time}**{zone} (a tip and a quiz by DM, {dm.days}, from **{dm.track_title}**)")
    else:
        lines.append(f"Daily time: **{daily_time}**")
    lines.append(f"Evening nudges: **{'on' if nudges else 'off'}**")
    lines += scheduling_lines(scheduling)
    if dm is None:
        lines.append(f"No daily DM yet: your daily time and evening nudges apply once you subscribe to one ({say('subscribe')} in a direct message).")
    lines.append(f"Workspace default time zone: **{workspace_tz or 'not set'}**")
    changes = ", ".join(say.usage(name) for name in ("settings tz", "settings time", "settings nudges", "settings retention"))
    text = "\n".join(lines) + f"\n\nChange with {changes}."
    return Reply(text=text, kind="settings", sections=(Section(title="Your settings", text=text),))


def retention_words(retention: float) -> str:
    """``0.85 (85%)``: the fraction FSRS takes and the percentage people read."""
    return f"{retention:.2f} ({retention * 100:g}%)" if round(retention, 2) == retention else f"{retention:g} ({retention * 100:g}%)"


def scheduling_lines(scheduling: Scheduling) -> list[str]:
    default = " (the default)" if scheduling.retention == DEFAULT_RETENTION else ""
    lines = [f"Desired retention: **{retention_words(scheduling.retention)}**{default}: a review comes back when you're about that likely to still know it"]
    if scheduling.fitted_reviews is not None and scheduling.fitted_at is not None:
        lines.append(f"Review spacing: fitted to this workspace's {scheduling.fitted_reviews} reviews on {scheduling.fitted_at:%Y-%m-%d}")
    else:
        lines.append("Review spacing: FSRS's default parameters")
    return lines


def retention_set(retention: float) -> Reply:
    return info_reply(
        "settings",
        f"Desired retention set to **{retention_words(retention)}**. From your next answer of each question, its review comes back "
        f"when you're about {retention * 100:g}% likely to still know it: lower means fewer, more spaced reviews; higher, more of them.",
    )


def tz_set(zone: str, local: datetime, note: str) -> Reply:
    return info_reply("settings", f"Time zone set to **{zone}** (it's {local:%H:%M} there). Your streak days now follow it.{note}")


def daily_time_set(hhmm: str, tz: str) -> Reply:
    return info_reply("settings", f"Daily time set to **{hhmm}** ({tz}).")


def nudges_set(enabled: bool) -> Reply:
    return info_reply("settings", f"Evening nudges are {'on' if enabled else 'off'}.")


def workspace_tz_set(zone: str) -> Reply:
    return info_reply("settings", f"The default time zone here is now **{zone}**. New learners start with it.")


def no_such_track(track: str, say: Syntax) -> str:
    return f"There is no track called `{track}`. Send {say('tracks')} to see them all."


def subscribed(in_dm: bool, track_title: str, hhmm: str, zone: str, days: str, first: datetime, say: Syntax) -> Reply:
    where = "your direct messages" if in_dm else "this channel"
    text = (
        f"Subscribed {where} to **{track_title}**: a tip and a quiz at {hhmm} {zone}, "
        f"{days}. First post: {first:%a %d %b %H:%M}. Send {say('unsubscribe')} to stop."
    )
    return Reply(text=text, kind="subscribe", sections=(Section(text=text),), private=True, next_due_at=first)


def unsubscribed(changed: bool) -> Reply:
    return info_reply("unsubscribe", "Unsubscribed: no more daily posts here." if changed else "There was no daily post here to stop.")
