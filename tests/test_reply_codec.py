"""Replies survive the outbox and the intake: typed facts round-trip, and payloads stored before they existed still read."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.delivery_codec import reply_from_json, reply_to_json
from bot.messages import AnswerOutcome, Attachment, Counts, PostFacts, Reply, Section


def test_every_typed_fact_round_trips() -> None:
    reply = Reply(
        text="t", kind="answer", sections=(Section(text="t"),), answer=AnswerOutcome("B", True), counts=Counts(streak=3, reviews_due=2),
        post=PostFacts("daily", "dm", "q1", "t1"), tz_hint=True, next_due_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
    )
    assert reply_from_json(reply_to_json(reply)) == reply


def test_a_file_round_trips_byte_for_byte() -> None:
    reply = Reply(text="Your data", kind="export", attachment=Attachment("aipm-export.zip", bytes(range(256)), "application/zip", "Your data"))
    again = reply_from_json(reply_to_json(reply))
    assert again == reply
    assert again.attachment is not None
    assert again.attachment.content == bytes(range(256))


def legacy(kind: str, meta: dict[str, str]) -> str:
    """A payload as the outbox stored it before the typed facts (a ``meta`` dict of strings)."""
    return json.dumps({"text": "t", "kind": kind, "private": False, "sections": [], "quiz_instance_id": None, "meta": meta})


def test_a_pending_post_stored_before_the_upgrade_still_reads() -> None:
    daily = reply_from_json(legacy("delivery", {"delivery": "daily", "origin": "channel", "question": "q1", "tip": "t1"}))
    assert daily.post == PostFacts("daily", "channel", "q1", "t1")
    nudge = reply_from_json(legacy("delivery", {"delivery": "nudge", "streak": "4"}))
    assert nudge.post == PostFacts("nudge")
    assert nudge.counts.streak == 4
    recap = reply_from_json(legacy("delivery", {"delivery": "recap", "answers": "13"}))
    assert recap.counts.answered == 13


def test_a_recorded_answer_from_before_the_upgrade_keeps_its_outcome() -> None:
    assert reply_from_json(legacy("answer", {"correct": "0", "letter": "C"})).answer == AnswerOutcome("C", False)
    assert reply_from_json(legacy("answer", {"already": "1", "letter": "A"})).answer == AnswerOutcome("A", None, already=True)
    stats = reply_from_json(legacy("stats", {"answered": "5", "correct": "3", "due": "2"}))
    assert stats.counts == Counts(answered=5, correct=3, reviews_due=2)
    assert stats.answer is None
