"""``make card``: also draw the team report of a made-up team, the picture in the docs.

Run as ``python -m app.demo_team [OUT]`` (default ``docs/team-report.png``). The figures are fixed, so the
file only changes when the picture's drawing does.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from bot.team.card import team_card
from bot.team.figures import GroupRow, TeamFigures

DEFAULT_OUT = Path("docs/team-report.png")
TITLES = {"foundations": "Foundations", "prompt-and-context": "Prompt and context design", "responsible-ai": "Responsible AI"}


def sample_team() -> TeamFigures:
    """Twelve people, nine of them active this week; two tracks and three topics are grouped for having too few."""
    recall = (("eu-ai-act", 0.81, 0.55), ("llm-as-judge", 0.88, 0.63), ("rag-vs-fine-tuning", 0.86, 0.68), ("pricing", 0.93, 0.79))
    return TeamFigures(
        week_start=date(2026, 3, 9), learners=12, active=(9, 7),
        streaks=(("none", 3), ("1-2 days", 4), ("3-6 days", 2), ("7-13 days", 2), ("14+ days", 1)),
        tracks=(GroupRow("foundations", 11, 140, 104), GroupRow("prompt-and-context", 7, 60, 41), GroupRow("responsible-ai", 4, 24, 19)),
        topics=tuple(GroupRow(tag, 6, 30, 21, now, later) for tag, now, later in recall),
        other_tracks=GroupRow(None, 3, 14, 8, merged=2), other_topics=GroupRow(None, 4, 16, 10, 0.9, 0.74, merged=3),
    )


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else DEFAULT_OUT
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(team_card(sample_team(), TITLES))
    print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
