"""PNG charts for chat: a channel's weekly participation, and the style the progress card shares with it.

Figures are drawn on matplotlib's Agg canvas directly (no pyplot), so there is no global backend
state and it is safe from the scheduler's thread. A chat image is viewed at phone width, so the
pictures people are sent (the progress card in ``bot.progress_card`` and the weekly recap) are drawn
at 2x with fonts of 10 pt or more at 1x, dark text on a light neutral panel of their own (legible in
light and dark themes alike), and count axes show whole numbers only.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch
from matplotlib.ticker import MaxNLocator

HEATMAP_COLORS = ("#ebedf0", "#9be9a8", "#40c463", "#30a14e", "#216e39")
HEATMAP_LEVELS = (0, 1, 2, 4, 7, 1_000_000)  # answers in a day: none, 1, 2-3, 4-6, 7+
HEATMAP_LABELS = ("0", "1", "2-3", "4-6", "7+")
BAR_COLOR = "#4c78a8"
ACCURACY_COLOR = "#2f4b7c"
ACCENT = "#2da44e"
CARD_BACKGROUND = "#ffffff"
CARD_EDGE = "#d0d7de"
TEXT = "#1f2328"
MUTED = "#57606a"
DPI = 100
SCALE = 2  # pictures sent to people are rendered at 2x for high-density phone screens


def png_of(figure: Figure, scale: float = 1) -> bytes:
    buffer = io.BytesIO()
    FigureCanvasAgg(figure).print_figure(buffer, format="png", dpi=DPI * scale)
    return buffer.getvalue()



def card_figure(size: tuple[float, float]) -> Figure:
    """A transparent figure carrying a rounded light panel: the chat theme shows only at the corners."""
    figure = Figure(figsize=size, dpi=DPI)
    figure.patch.set_alpha(0)
    figure.patches.append(FancyBboxPatch(
        (0.01, 0.01), 0.98, 0.98, boxstyle="round,pad=0,rounding_size=0.025", transform=figure.transFigure,
        facecolor=CARD_BACKGROUND, edgecolor=CARD_EDGE, linewidth=1, figure=figure, zorder=-10,
    ))
    return figure


def participation_chart(days: Sequence[date], answers: Sequence[int], accuracy: Sequence[float | None]) -> bytes:
    """The weekly recap's chart as PNG, at 2x."""
    return png_of(participation_figure(days, answers, accuracy), SCALE)


def participation_figure(days: Sequence[date], answers: Sequence[int], accuracy: Sequence[float | None]) -> Figure:
    """Bars: answers per local day, each labelled with the share answered correctly that day; whole-number ticks."""
    positions = list(range(len(days)))
    figure = card_figure((6.4, 3.4))
    figure.text(0.05, 0.9, f"Answers per day · week of {days[0]:%d %b}" if days else "Answers per day",
                fontsize=13, fontweight="bold", color=TEXT, va="center")
    figure.text(0.95, 0.9, "% = answered correctly", fontsize=10, color=MUTED, ha="right", va="center")
    ax = figure.add_axes((0.09, 0.13, 0.87, 0.65))
    ax.set_facecolor(CARD_BACKGROUND)
    ax.bar(positions, answers, color=BAR_COLOR, width=0.6)
    top = max([*answers, 1])
    for x, count, share in zip(positions, answers, accuracy, strict=True):
        if count and share is not None:
            ax.text(x, count + top * 0.03, f"{share:.0%}", ha="center", va="bottom", fontsize=10, color=ACCURACY_COLOR)
    ax.set_xticks(positions, [d.strftime("%a") for d in days], fontsize=11, color=TEXT)
    ax.set_ylim(0, top * 1.25)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=min(top, 5)))
    ax.tick_params(axis="y", labelsize=10, labelcolor=MUTED, length=0)
    ax.tick_params(axis="x", length=0)
    ax.grid(axis="y", color=HEATMAP_COLORS[0], linewidth=1)
    ax.set_axisbelow(True)
    for spine in ("top", "right", "left"):
        ax.spines[spine].set_visible(False)
    ax.spines["bottom"].set_color(MUTED)
    return figure
