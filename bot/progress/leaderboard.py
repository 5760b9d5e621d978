"""``leaderboard [week|all]``: the workspace's top ten by points, this ISO week or all time."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot import commands as cmd
from bot.deps import Asker, Deps
from bot.dispatch import handles
from bot.learners import workspace_tz
from bot.messages import Reply
from bot.render.progress import leaderboard_reply

TOP = 10


def week_bounds(zone: str, now: datetime) -> tuple[datetime, datetime]:
    """The ISO week around ``now`` (Monday 00:00 to next Monday 00:00) in ``zone``, as aware instants."""
    tz = ZoneInfo(zone)
    today = now.astimezone(tz).date()
    monday = today - timedelta(days=today.weekday())
    start = datetime.combine(monday, datetime.min.time(), tzinfo=tz)
    end = datetime.combine(monday + timedelta(days=7), datetime.min.time(), tzinfo=tz)
    return start, end


@handles(cmd.Leaderboard)
def leaderboard(deps: Deps, asker: Asker, command: cmd.Leaderboard) -> Reply:
    workspace_id = asker.ctx.workspace_id
    since: datetime | None = None
    until: datetime | None = None
    if command.scope == "week":
        since, until = week_bounds(workspace_tz(deps, workspace_id), deps.clock.now())
    return leaderboard_reply(since, deps.repo.leaderboard(workspace_id, since, until, TOP), asker.say)
