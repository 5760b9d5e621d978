"""Turn domain facts into neutral Replies. All wording lives in this package so the use cases stay about rules.

One module per family of use cases (learning, progress, settings, privacy, help); the names most callers
need are re-exported here.
"""

from bot.render.common import info_reply
from bot.render.help import greeting_reply, help_reply, with_tz_hint
from bot.render.learning import (
    STARS,
    answer_reply,
    answer_value,
    parse_answer_value,
    quiz_heading,
    quiz_reply,
    quiz_sections,
    review_note,
    reviews_due_text,
    tip_reply,
    tip_section,
)
from bot.render.progress import streak_line
from bot.render.topics import topic_title

__all__ = [
    "STARS", "answer_reply", "answer_value", "greeting_reply", "help_reply", "info_reply", "parse_answer_value", "quiz_heading",
    "quiz_reply", "quiz_sections", "review_note", "reviews_due_text", "streak_line", "tip_reply", "tip_section", "topic_title",
    "with_tz_hint",
]
