"""What the learners' answers say about the course: item analysis over first attempts (see ``item_stats``)."""

from bot.analysis.item_stats import (
    DEAD_DISTRACTOR,
    FLAGS,
    NEGATIVE_DISCRIMINATION,
    REPORTED,
    TOO_EASY,
    TOO_HARD,
    ItemStats,
    ItemStatsPolicy,
    ItemStatsReport,
    OptionShare,
    item_stats,
    point_biserial,
)

__all__ = [
    "DEAD_DISTRACTOR", "FLAGS", "NEGATIVE_DISCRIMINATION", "REPORTED", "TOO_EASY", "TOO_HARD", "ItemStats",
    "ItemStatsPolicy", "ItemStatsReport", "OptionShare", "item_stats", "point_biserial",
]
