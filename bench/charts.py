"""How long the pictures take to draw: the progress card and the weekly team recap, best of several runs.

The team report (1280 x 1920) is measured too. All are drawn after the request's transaction, while the reply is being sent, so they add to what a person
waits for but hold no lock. Goals: the card (1280 x 1440) under 400 ms, the recap under 150 ms, on 2 cores.
The reference is matplotlib drawing an empty figure of the same size to PNG: the floor for any picture.

Run: ``.venv/bin/python -m bench.charts``
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

CARD_GOAL_MS = 400.0
RECAP_GOAL_MS = 150.0
TEAM_GOAL_MS = 800.0


def fastest_ms(draw: Callable[[], bytes], runs: int = 5) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        draw()
        best = min(best, time.perf_counter() - started)
    return round(best * 1000, 1)


def empty_png(width_in: float, height_in: float, dpi: int) -> bytes:
    import io

    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    buffer = io.BytesIO()
    Figure(figsize=(width_in, height_in), dpi=dpi).savefig(buffer, format="png")
    return buffer.getvalue()


def run() -> dict[str, Any]:
    from app.demo_card import sample_card
    from app.demo_team import sample_team
    from bot.charts import participation_chart
    from bot.progress_card import progress_card
    from bot.team.card import team_card

    days = [date(2026, 3, 2) + timedelta(days=i) for i in range(7)]
    card = sample_card()
    progress_card(card)  # first drawing loads fonts: not what a person waits for afterwards
    card_ms = fastest_ms(lambda: progress_card(card))
    recap_ms = fastest_ms(lambda: participation_chart(days, [3, 5, 0, 2, 7, 0, 1], [0.67, 0.8, None, 0.5, 1.0, None, 0.0]))
    team = sample_team()
    team_ms = fastest_ms(lambda: team_card(team, {}))
    floor_ms = fastest_ms(lambda: empty_png(6.4, 7.2, 200))
    return {
        "card_ms": card_ms, "recap_ms": recap_ms, "team_ms": team_ms, "reference_ms": floor_ms,
        "goal": f"card < {CARD_GOAL_MS:.0f} ms, recap < {RECAP_GOAL_MS:.0f} ms, team < {TEAM_GOAL_MS:.0f} ms",
        "met": card_ms < CARD_GOAL_MS and recap_ms < RECAP_GOAL_MS and team_ms < TEAM_GOAL_MS,
    }


if __name__ == "__main__":
    print(run())
