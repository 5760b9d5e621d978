"""Small PNG charts for chat: a learner's activity heatmap and a channel's weekly participation.

Figures are drawn on matplotlib's Agg canvas directly (no pyplot), so there is no global backend
state and it is safe from the scheduler's thread. They are small on purpose: a chat image is viewed
at phone width, and each renders in a few tens of milliseconds.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.figure import Figure

HEATMAP_COLORS = ("#ebedf0", "#9be9a8", "#40c463", "#30a14e", "#216e39")
HEATMAP_LEVELS = (0, 1, 2, 4, 7, 1_000_000)  # answers in a day: none, 1, 2-3, 4-6, 7+
BAR_COLOR = "#4c78a8"
ACCURACY_COLOR = "#2f4b7c"
DPI = 100


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    FigureCanvasAgg(figure).print_png(buffer)
    return buffer.getvalue()


def activity_heatmap(answers_by_day: Mapping[date, int], today: date, weeks: int = 12) -> bytes:
    """A contributions-style calendar: one column per week (Monday on top), today in the last column."""
    last_monday = today - timedelta(days=today.weekday())
    first_monday = last_monday - timedelta(weeks=weeks - 1)
    grid: list[list[float]] = [[0.0] * weeks for _ in range(7)]
    for week in range(weeks):
        for weekday in range(7):
            day = first_monday + timedelta(weeks=week, days=weekday)
            grid[weekday][week] = float("nan") if day > today else float(answers_by_day.get(day, 0))
    cmap = ListedColormap(list(HEATMAP_COLORS)).with_extremes(bad="white")
    norm = BoundaryNorm(list(HEATMAP_LEVELS), cmap.N)

    figure = Figure(figsize=(2.9, 1.55), dpi=DPI)
    ax = figure.add_axes((0.12, 0.02, 0.86, 0.8))
    ax.pcolormesh(grid, cmap=cmap, norm=norm, edgecolors="white", linewidth=1.5)
    ax.set_ylim(7, 0)
    ax.set_aspect("equal")
    ax.set_yticks([0.5, 2.5, 4.5], ["Mon", "Wed", "Fri"], fontsize=7)
    months = []
    for week in range(weeks):
        monday = first_monday + timedelta(weeks=week)
        if week == 0 or monday.day <= 7:
            months.append((week + 0.5, monday.strftime("%b")))
    ax.set_xticks([m[0] for m in months], [m[1] for m in months], fontsize=7)
    ax.xaxis.tick_top()
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return _png(figure)


def participation_chart(days: Sequence[date], answers: Sequence[int], accuracy: Sequence[float | None]) -> bytes:
    """Bars: answers per local day, each labelled with the share answered correctly that day."""
    positions = list(range(len(days)))
    figure = Figure(figsize=(4.0, 2.0), dpi=DPI)
    ax = figure.add_axes((0.08, 0.13, 0.9, 0.7))
    ax.bar(positions, answers, color=BAR_COLOR, width=0.6)
    top = max([*answers, 1])
    for x, count, share in zip(positions, answers, accuracy, strict=True):
        if count and share is not None:
            ax.text(x, count + top * 0.03, f"{share:.0%}", ha="center", va="bottom", fontsize=7, color=ACCURACY_COLOR)
    ax.set_xticks(positions, [d.strftime("%a") for d in days], fontsize=8)
    ax.set_ylim(0, top * 1.25)
    ax.tick_params(axis="y", labelsize=7, length=0)
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    ax.set_title(f"Answers per day · week of {days[0]:%d %b} · % = correct" if days else "", fontsize=8)
    return _png(figure)
