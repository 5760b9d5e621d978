"""The team report as one picture: who is learning, streaks, accuracy per track and the topics fading fastest.

Drawn like the progress card (``bot.progress_card``) and the weekly recap (``bot.charts``): at 2x (1280 px
wide), fonts of 10 pt or more at 1x, dark text on its own light panel (so it reads in light and dark themes),
whole numbers on count axes. It draws only what ``TeamFigures`` holds, which is grouped already: nobody's
own figures can reach the picture.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bot.charts import ACCENT, BAR_COLOR, CARD_BACKGROUND, HEATMAP_COLORS, MUTED, SCALE, TEXT, card_figure, png_of
from bot.progress_card import printable
from bot.render.team import OTHER_TOPICS, OTHER_TRACKS, THIS_WEEK, TOO_FEW, title
from bot.render.topics import topic_title
from bot.team.figures import GroupRow, TeamFigures

CARD_SIZE = (6.4, 9.6)  # inches at 100 dpi: 640 x 960 at 1x, 1280 x 1920 as rendered
TRACKS_SHOWN = 6
TOPICS_SHOWN = 8
LATER_COLOR = "#cf222e"  # recall in 7 days: red reads as "fading" beside the blue of now


def team_card(figures: TeamFigures, titles: Mapping[str, str], weeks: tuple[str, str] = THIS_WEEK) -> bytes:
    """The picture as PNG, at 2x: 1280 x 1920 px."""
    return png_of(team_card_figure(figures, titles, weeks), SCALE)


def team_card_figure(figures: TeamFigures, titles: Mapping[str, str], weeks: tuple[str, str] = THIS_WEEK) -> Figure:
    figure = card_figure(CARD_SIZE)
    figure.text(0.06, 0.96, title(figures), fontsize=16, fontweight="bold", color=TEXT, va="center")
    tiles = ((f"active {weeks[0]}", figures.active[0]), (f"active {weeks[1]}", figures.active[1]), ("have answered", figures.learners))
    for i, (label, value) in enumerate(tiles):
        figure.text(0.18 + i * 0.32, 0.905, str(value), fontsize=20, fontweight="bold", color=TEXT, ha="center", va="center")
        figure.text(0.18 + i * 0.32, 0.875, label, fontsize=10, color=MUTED, ha="center", va="center")
    if not figures.enough:
        figure.text(0.5, 0.6, _wrapped(TOO_FEW, 60), fontsize=12, color=TEXT, ha="center", va="center")
        return figure
    figure.text(0.06, 0.835, "Streaks now (learners)", fontsize=12, fontweight="bold", color=TEXT, va="center")
    _streaks(figure.add_axes((0.1, 0.665, 0.84, 0.14)), figures.streaks)
    figure.text(0.06, 0.615, "Accuracy per track", fontsize=12, fontweight="bold", color=TEXT, va="center")
    tracks = [(printable(titles.get(r.key or "", r.key or ""), 30), r) for r in figures.tracks[:TRACKS_SHOWN]]
    if figures.other_tracks is not None:
        tracks.append((OTHER_TRACKS.replace(" (", "\n("), figures.other_tracks))
    _accuracy(figure.add_axes((0.42, 0.4, 0.4, 0.19)), tracks)
    figure.text(0.06, 0.355, "Fading topics: chance of recall", fontsize=12, fontweight="bold", color=TEXT, va="center")
    figure.text(0.06, 0.33, "■ now", fontsize=10, color=BAR_COLOR, va="center")
    figure.text(0.16, 0.33, "■ in 7 days (if nobody reviews)", fontsize=10, color=LATER_COLOR, va="center")
    topics = [(printable(topic_title(r.key or ""), 30), r) for r in figures.topics[:TOPICS_SHOWN]]
    if figures.other_topics is not None:
        topics.append((OTHER_TOPICS.replace(" (", "\n("), figures.other_topics))
    _recall(figure.add_axes((0.42, 0.035, 0.4, 0.28)), topics)
    return figure


def _wrapped(text: str, width: int) -> str:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines)


def _plain(ax: Axes) -> None:
    ax.set_facecolor(CARD_BACKGROUND)
    for spine in ("top", "right", "left"):
        ax.spines[spine].set_visible(False)
    ax.spines["bottom"].set_color(MUTED)


def _streaks(ax: Axes, streaks: Sequence[tuple[str, int]]) -> None:
    _plain(ax)
    positions = list(range(len(streaks)))
    counts = [count for _, count in streaks]
    top = max([*counts, 1])
    ax.bar(positions, counts, color=BAR_COLOR, width=0.6)
    for x, count in zip(positions, counts, strict=True):
        ax.text(x, count + top * 0.04, str(count), ha="center", va="bottom", fontsize=10, color=TEXT)
    ax.set_xticks(positions, [label for label, _ in streaks], fontsize=10, color=TEXT)
    ax.set_ylim(0, top * 1.3)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=min(top, 4)))
    ax.tick_params(axis="y", labelsize=10, labelcolor=MUTED, length=0)
    ax.tick_params(axis="x", length=0)
    ax.grid(axis="y", color=HEATMAP_COLORS[0], linewidth=1)
    ax.set_axisbelow(True)


def _percent_axis(ax: Axes, rows: int) -> None:
    _plain(ax)
    ax.set_xlim(0, 100)
    ax.set_xticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"], fontsize=10, color=MUTED)
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(max(rows, 4) - 0.5, -0.5)


def _empty(ax: Axes, text: str) -> None:
    _plain(ax)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.spines["bottom"].set_visible(False)
    ax.text(0.5, 0.5, text, fontsize=11, color=MUTED, ha="center", va="center", transform=ax.transAxes)


def _accuracy(ax: Axes, rows: Sequence[tuple[str, GroupRow]]) -> None:
    shown = [(name, row) for name, row in rows if row.shown and row.answered]
    if not shown:
        _empty(ax, "No answers to show yet")
        return
    _percent_axis(ax, len(shown))
    positions = list(range(len(shown)))
    shares = [100 * (row.accuracy or 0) for _, row in shown]
    ax.barh(positions, [100] * len(shown), color=HEATMAP_COLORS[0], height=0.62)
    ax.barh(positions, shares, color=ACCENT, height=0.62)
    ax.set_yticks(positions, [name for name, _ in shown], fontsize=10, color=TEXT)
    for y, share in zip(positions, shares, strict=True):
        ax.text(101.5, y, f"{share:.0f}%", fontsize=10, color=TEXT, va="center", clip_on=False)


def _recall(ax: Axes, rows: Sequence[tuple[str, GroupRow]]) -> None:
    shown = [(name, row) for name, row in rows if row.shown and row.recall_now is not None and row.recall_later is not None]
    if not shown:
        _empty(ax, "No reviews scheduled yet")
        return
    _percent_axis(ax, len(shown))
    positions = list(range(len(shown)))
    now = [100 * (row.recall_now or 0) for _, row in shown]
    later = [100 * (row.recall_later or 0) for _, row in shown]
    ax.barh([y - 0.17 for y in positions], now, color=BAR_COLOR, height=0.32)
    ax.barh([y + 0.17 for y in positions], later, color=LATER_COLOR, height=0.32)
    ax.set_yticks(positions, [name for name, _ in shown], fontsize=10, color=TEXT)
    for y, a, b in zip(positions, now, later, strict=True):
        ax.text(101.5, y, f"{a:.0f}% → {b:.0f}%", fontsize=10, color=TEXT, va="center", clip_on=False)
