"""A learner's progress card: streaks, the last 12 weeks, accuracy per track, reviews due, points this week.

One PNG meant to be read on a phone in a chat app. It is drawn at 2x (1280 px wide) with fonts of 10 pt
or more at 1x, on its own light neutral panel with dark text, so it reads the same in a light or a dark
theme: the panel, not the chat's background, is what the text contrasts with.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from matplotlib.axes import Axes
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import MultipleLocator

from bot.charts import (
    ACCENT,
    CARD_BACKGROUND,
    HEATMAP_COLORS,
    HEATMAP_LABELS,
    HEATMAP_LEVELS,
    MUTED,
    SCALE,
    TEXT,
    card_figure,
    png_of,
)

WEEKS = 12
TRACKS_SHOWN = 8
CARD_SIZE = (6.4, 7.2)  # inches at 100 dpi: 640 x 720 at 1x, 1280 x 1440 as rendered


@dataclass(frozen=True)
class TrackAccuracy:
    title: str
    answered: int
    correct: int


@dataclass(frozen=True)
class ProgressCard:
    """Everything the card shows; built by the service, drawn here without any I/O."""

    name: str
    today: date
    current_streak: int
    best_streak: int
    freezes: int
    reviews_due: int
    points_this_week: int
    answers_by_day: Mapping[date, int]
    tracks: Sequence[TrackAccuracy] = ()



def printable(text: str, limit: int = 40) -> str:
    """A display name as the card can draw it: no control or unassigned characters, and not too long."""
    kept = "".join(ch for ch in text if unicodedata.category(ch)[0] not in "C")
    return kept if len(kept) <= limit else kept[: limit - 1] + "…"

def _tile(figure: Figure, x: float, label: str, value: str) -> None:
    figure.text(x, 0.855, value, fontsize=20, fontweight="bold", color=TEXT, ha="center", va="center")
    figure.text(x, 0.815, label, fontsize=10, color=MUTED, ha="center", va="center")


def _heatmap(ax: Axes, answers_by_day: Mapping[date, int], today: date) -> None:
    last_monday = today - timedelta(days=today.weekday())
    first_monday = last_monday - timedelta(weeks=WEEKS - 1)
    grid = [[0.0] * WEEKS for _ in range(7)]
    for week in range(WEEKS):
        for weekday in range(7):
            day = first_monday + timedelta(weeks=week, days=weekday)
            grid[weekday][week] = float("nan") if day > today else float(answers_by_day.get(day, 0))
    cmap = ListedColormap(list(HEATMAP_COLORS)).with_extremes(bad=CARD_BACKGROUND)
    ax.pcolormesh(grid, cmap=cmap, norm=BoundaryNorm(list(HEATMAP_LEVELS), cmap.N), edgecolors=CARD_BACKGROUND, linewidth=2.5)
    ax.set_ylim(7, 0)
    ax.set_xlim(0, WEEKS)
    ax.set_facecolor(CARD_BACKGROUND)
    ax.set_yticks([0.5, 2.5, 4.5, 6.5], ["Mon", "Wed", "Fri", "Sun"], fontsize=10, color=MUTED)
    months = [(w + 0.5, (first_monday + timedelta(weeks=w)).strftime("%b")) for w in range(WEEKS)
              if w == 0 or (first_monday + timedelta(weeks=w)).day <= 7]
    ax.set_xticks([m[0] for m in months], [m[1] for m in months], fontsize=10, color=MUTED)
    ax.xaxis.tick_top()
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)


def _legend(figure: Figure, left: float, bottom: float) -> None:
    """"Less ■■■■■ More" with each swatch's answer count under it, so the colours have numbers."""
    ax = figure.add_axes((left, bottom, 0.5, 0.05))
    ax.set_xlim(0, 12)
    ax.set_ylim(0, 2)
    ax.axis("off")
    ax.text(0, 1.2, "answers a day", fontsize=10, color=MUTED, va="center")
    for i, (colour, label) in enumerate(zip(HEATMAP_COLORS, HEATMAP_LABELS, strict=True)):
        x = 4.4 + i * 1.5
        ax.add_patch(Rectangle((x, 0.75), 0.9, 0.9, facecolor=colour, edgecolor=MUTED, linewidth=0.4))
        ax.text(x + 0.45, 0.2, label, fontsize=10, color=MUTED, ha="center", va="center")


def _tracks(ax: Axes, tracks: Sequence[TrackAccuracy]) -> None:
    ax.set_facecolor(CARD_BACKGROUND)
    for spine in ("top", "right", "left"):
        ax.spines[spine].set_visible(False)
    ax.spines["bottom"].set_color(MUTED)
    shown = sorted((t for t in tracks if t.answered), key=lambda t: (-t.answered, t.title))[:TRACKS_SHOWN]
    ax.set_xlim(0, 100)
    ax.xaxis.set_major_locator(MultipleLocator(25))
    ax.set_xticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"], fontsize=10, color=MUTED)
    ax.tick_params(axis="x", colors=MUTED, labelsize=10)
    ax.tick_params(axis="y", length=0)
    if not shown:
        ax.set_yticks([])
        ax.set_ylim(0, 1)
        ax.text(50, 0.5, "Answer a quiz to see your accuracy per track", fontsize=11, color=MUTED, ha="center", va="center")
        return
    rows = list(range(len(shown)))
    shares = [100 * t.correct / t.answered for t in shown]
    ax.barh(rows, [100] * len(rows), color=HEATMAP_COLORS[0], height=0.62)
    ax.barh(rows, shares, color=ACCENT, height=0.62)
    ax.set_yticks(rows, [t.title for t in shown], fontsize=10, color=TEXT)
    ax.set_ylim(max(len(rows), 4) - 0.5, -0.5)
    for row, track, share in zip(rows, shown, shares, strict=True):
        ax.text(101.5, row, f"{share:.0f}%  {track.correct}/{track.answered}", fontsize=10, color=TEXT, va="center", clip_on=False)


def progress_card(card: ProgressCard) -> bytes:
    """The card as PNG, at 2x: 1280 x 1440 px."""
    return png_of(progress_card_figure(card), SCALE)


def progress_card_figure(card: ProgressCard) -> Figure:
    figure = card_figure(CARD_SIZE)
    figure.text(0.06, 0.945, printable(card.name) or "Your progress", fontsize=18, fontweight="bold", color=TEXT, va="center")
    figure.text(0.94, 0.945, f"{card.today:%a %d %b %Y}", fontsize=11, color=MUTED, ha="right", va="center")
    days = "day" if card.current_streak == 1 else "days"
    tiles = [
        (f"streak ({days})", str(card.current_streak)), ("best streak", str(card.best_streak)), ("freezes", str(card.freezes)),
        ("reviews due", str(card.reviews_due)), ("points this week", str(card.points_this_week)),
    ]
    for i, (label, value) in enumerate(tiles):
        _tile(figure, 0.12 + i * 0.19, label, value)

    figure.text(0.06, 0.735, "Last 12 weeks", fontsize=12, fontweight="bold", color=TEXT, va="center")
    _heatmap(figure.add_axes((0.14, 0.45, 0.8, 0.24)), card.answers_by_day, card.today)
    _legend(figure, 0.42, 0.385)

    figure.text(0.06, 0.345, "Accuracy per track", fontsize=12, fontweight="bold", color=TEXT, va="center")
    _tracks(figure.add_axes((0.43, 0.05, 0.39, 0.27)), card.tracks)
    return figure


def alt_text(card: ProgressCard) -> str:
    """What a screen reader says instead of the picture: the same facts in one sentence."""
    active = sum(1 for day, n in card.answers_by_day.items() if n and 0 <= (card.today - day).days < WEEKS * 7)
    return (
        f"Progress card: streak {card.current_streak}, best {card.best_streak}, {card.freezes} freeze{'s' if card.freezes != 1 else ''}, "
        f"{card.reviews_due} review{'s' if card.reviews_due != 1 else ''} due, {card.points_this_week} point{'s' if card.points_this_week != 1 else ''} this week; "
        f"{active} day{'s' if active != 1 else ''} with answers in the last 12 weeks"
    )


def card_key(card: ProgressCard) -> str:
    """A digest of everything the card shows: equal keys draw equal pictures, so an upload made for one key can be
    reused (the App Home) without drawing the card again to find out whether it changed."""
    facts = (
        card.name, card.today.isoformat(), card.current_streak, card.best_streak, card.freezes, card.reviews_due,
        card.points_this_week, sorted((day.isoformat(), n) for day, n in card.answers_by_day.items()),
        [(track.title, track.answered, track.correct) for track in card.tracks],
    )
    return hashlib.sha256(repr(facts).encode()).hexdigest()[:32]
