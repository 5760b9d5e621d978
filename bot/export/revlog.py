"""A learner's answers as the review log the FSRS optimizer reads (and Anki's FSRS helper imports).

The columns are the optimizer's: ``card_id, review_time, review_rating, review_state, review_duration``,
one row per answer, oldest first. What each holds here, since the bot is not a flashcard app:

- ``card_id``: one stable integer per question, the same in every export and every workspace (the first
  48 bits of the SHA-256 of the question id; the JSON document maps it back to the question).
- ``review_time``: when the answer was recorded, in milliseconds since the epoch (stored to the second,
  so the last three digits are 0).
- ``review_rating``: the bot grades right or wrong, so ``3`` (Good) for right and ``1`` (Again) for wrong,
  exactly the ratings it fed its own scheduler.
- ``review_state``: the card's FSRS state *before* this review: ``0`` (New) on a question's first answer,
  then the state the bot's scheduler left it in (``1`` Learning, ``2`` Review, ``3`` Relearning), found by
  replaying the answers through that scheduler. Empty when the replay cannot tell.
- ``review_duration``: left empty. The bot never measures how long someone thought (a chat message can sit
  unread for hours), and ``0`` would claim an instant answer; the optimizer treats the column as optional.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from bot.store.records import AnswerRow

HEADER = ("card_id", "review_time", "review_rating", "review_state", "review_duration")
AGAIN, GOOD = 1, 3
NEW = 0

Replay = Callable[[str | None, bool, datetime], str]
"""``(card state before, correct, when) -> card state after``, as the bot's scheduler computes it (JSON)."""


@dataclass(frozen=True)
class RevlogRow:
    card_id: int
    review_time: int
    review_rating: int
    review_state: int | None
    review_duration: int | None = None


def card_id(question_id: str) -> int:
    """A stable positive integer for the question: below 2**48, so JSON and spreadsheets keep it exact."""
    return int.from_bytes(hashlib.sha256(question_id.encode("utf-8")).digest()[:6], "big")


def revlog(answers: Iterable[AnswerRow], replay: Replay) -> list[RevlogRow]:
    """One row per answer in the order given (oldest first), each with the state its card was in before it."""
    cards: dict[str, str | None] = {}
    rows = []
    for answer in answers:
        question = answer.question_id
        if question not in cards:
            state: int | None = NEW
            cards[question] = _replayed(replay, None, answer)
        else:
            before = cards[question]
            state = _state_of(before)
            cards[question] = None if before is None else _replayed(replay, before, answer)
        rows.append(RevlogRow(card_id(question), int(answer.answered_at.timestamp()) * 1000, GOOD if answer.correct else AGAIN, state))
    return rows


def _replayed(replay: Replay, before: str | None, answer: AnswerRow) -> str | None:
    """The card after ``answer``; None once the scheduler cannot follow it (later rows say "unknown")."""
    try:
        return replay(before, answer.correct, answer.answered_at)
    except (ValueError, KeyError, TypeError):
        return None


def _state_of(state_json: str | None) -> int | None:
    if not state_json:
        return None
    state = json.loads(state_json).get("state")
    return state if isinstance(state, int) else None


def revlog_csv(rows: Iterable[RevlogRow]) -> str:
    """The CSV text: the header, then one line per row; an unknown state or duration is an empty field."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow((row.card_id, row.review_time, row.review_rating, _blank(row.review_state), _blank(row.review_duration)))
    return out.getvalue()


def _blank(value: int | None) -> str:
    return "" if value is None else str(value)
