"""One team report, for ``team`` and for the weekly DM: the snapshot read, the figures, the words and the picture."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.commands.syntax import Syntax
from bot.deps import Deps
from bot.learners import workspace_tz
from bot.messages import Image, Reply
from bot.progress.leaderboard import week_bounds
from bot.render.team import LAST_WEEK, THIS_WEEK, alt_text, team_reply
from bot.team import REPORT_KIND
from bot.team.figures import TeamFigures, team_figures

__all__ = ["MONDAY", "REPORT_KIND", "REPORT_TIME", "team_report"]

REPORT_TIME = "09:00"
MONDAY = (0,)


def team_report(deps: Deps, workspace_id: str, say: Syntax, *, finished_week: bool = False) -> Reply:
    """The week around now (``team``), or with ``finished_week`` the week that just ended (the Monday DM);
    weeks are the leaderboard's, Monday to Monday in the workspace's zone. ``say`` writes commands for the
    platform the report goes to."""
    now = deps.clock.now()
    since, until = week_bounds(workspace_tz(deps, workspace_id), now)
    if finished_week:
        since, until = since - timedelta(days=7), since  # wall-clock arithmetic: local midnights, DST-safe
    before = since - timedelta(days=7)
    snapshot = deps.repo.team_snapshot(workspace_id, ((since, until), (before, since)))
    figures = team_figures(snapshot, deps.content, deps.reviews.retrievability, now, since.date())
    weeks = LAST_WEEK if finished_week else THIS_WEEK
    titles = {row.key: deps.content.track_title(row.key) for row in figures.tracks if row.key}
    image = _picture(figures, titles, weeks, now) if figures.enough else None
    return team_reply(figures, titles, image, say, weeks)


def _picture(figures: TeamFigures, titles: dict[str, str], weeks: tuple[str, str], now: datetime) -> Image:
    """Drawn when an adapter sends it; matplotlib is imported only then."""

    def draw() -> bytes:
        from bot.team.card import team_card

        return team_card(figures, titles, weeks)

    return Image(png=draw, filename="team.png", alt=alt_text(figures, weeks))
