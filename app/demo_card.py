"""``make card``: draw the progress card of a made-up learner, the picture in the docs.

Run as ``python -m app.demo_card [OUT]`` (default ``docs/progress-card.png``). The learner and the day
are fixed, so the file only changes when the card's drawing does.
"""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path

from bot.progress_card import ProgressCard, TrackAccuracy, progress_card

DEFAULT_OUT = Path("docs/progress-card.png")


def sample_card() -> ProgressCard:
    """Ada has studied most days for three months, with a gap around New Year and a freeze in hand."""
    today = date(2026, 3, 11)
    answers_by_day = {}
    for back in range(84):
        day = today - timedelta(days=back)
        if date(2025, 12, 24) <= day <= date(2026, 1, 4) or back % 11 == 10:
            continue
        answers_by_day[day] = 1 + (back * 5) % 8
    return ProgressCard(
        name="Ada Lovelace", today=today, current_streak=9, best_streak=27, freezes=1, reviews_due=6, points_this_week=180,
        answers_by_day=answers_by_day,
        tracks=(
            TrackAccuracy("Prompt and context design", 42, 35), TrackAccuracy("Foundations", 30, 27),
            TrackAccuracy("Working with probabilistic systems", 24, 17), TrackAccuracy("Experimentation and evaluation", 18, 11),
            TrackAccuracy("Responsible AI", 12, 10), TrackAccuracy("Data fluency", 8, 4),
        ),
    )


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else DEFAULT_OUT
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(progress_card(sample_card()))
    print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
