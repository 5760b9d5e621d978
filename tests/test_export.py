"""``export`` through the core: the zip, its JSON and its FSRS review log, tenancy, and forget-me afterwards."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import FixedClock
from bot.export.revlog import card_id, revlog, revlog_csv
from bot.messages import Reply
from bot.service import Context
from bot.store.drivers.sqlite import SqliteRepository
from bot.store.records import AnswerRow
from tests.conftest import START, Chat
from tests.export_files import REVLOG_HEADER, OpenedExport, holds_nothing, open_export
from tests.test_service import correct_letter, wrong_letter


def exported(reply: Reply) -> OpenedExport:
    assert reply.kind == "export", reply.text
    assert reply.private
    assert reply.attachment is not None
    assert (reply.attachment.filename, reply.attachment.mime) == ("aipm-export.zip", "application/zip")
    return open_export(reply.attachment.content)


def miss_then_review_right(chat: Chat, clock: FixedClock) -> str:
    """One question answered wrong, then right when it comes back for review; returns its id."""
    chat.send("quiz")
    instance = chat.service.repo.get_quiz_instance("T1", chat.last.quiz_instance_id or "")  # type: ignore[union-attr]
    assert instance is not None
    chat.send(f"answer {wrong_letter(chat)}")
    clock.advance(timedelta(days=1, minutes=1))
    chat.send("review")
    chat.send(f"answer {correct_letter(chat)}")
    return instance.question_id


def test_the_export_holds_answers_tips_streak_settings_and_zone_changes(chat: Chat, clock: FixedClock) -> None:
    chat.send("tip")
    chat.send("settings tz Europe/Berlin")
    chat.send("settings time 07:30")
    chat.send("settings retention 85%")
    dm = Chat(chat.service, replace(chat.ctx, channel_id="D1", is_dm=True))
    assert dm.send("subscribe").kind == "subscribe"
    question = miss_then_review_right(chat, clock)

    reply = chat.send("export")

    opened = exported(reply)
    assert opened.names == ["aipm-export.json", "fsrs-revlog.csv"]
    doc = opened.document
    assert (doc["format"], doc["version"], doc["workspace"]["id"]) == ("aipm-companion learner export", 1, "T1")
    assert doc["learner"]["user_id"] == "U1"
    assert doc["settings"] == {"time_zone": "Europe/Berlin", "time_zone_source": "user", "track": "path", "daily_time": "07:30", "nudges": True,
                               "desired_retention": 0.85}
    assert doc["workspace"]["fsrs_parameters"] is None  # FSRS's defaults until `aipm reviews optimize` fits them
    assert [(c["from"], c["to"]) for c in doc["time_zone_changes"]] == [("UTC", "Europe/Berlin")]
    assert [t["tip_id"] for t in doc["tips_seen"]] == [chat.service.repo.last_tip_id("T1", "U1")]
    assert doc["tips_seen"][0]["title"]
    assert [(a["question_id"], a["correct"]) for a in doc["answers"]] == [(question, False), (question, True)]
    assert doc["answers"][0]["question"] == chat.service.content.questions[question].prompt
    assert [d["answered"] for d in doc["activity_days"]] == [1, 1]
    assert doc["streak"]["current"] == 2
    [card] = doc["review_cards"]
    assert (card["question_id"], card["card_id"], card["reviews"], card["lapses"]) == (question, card_id(question), 2, 1)
    assert card["fsrs"]["state"] == 2
    assert [(s["kind"], s["local_time"], s["time_zone"]) for s in doc["subscriptions"]] == [("dm", "07:30", "Europe/Berlin")]
    assert "2 answers, 1 tip seen, 2 active days, 1 time-zone change, 1 subscription" in reply.text


def test_the_review_log_has_the_fsrs_optimizers_columns_one_row_per_answer(chat: Chat, clock: FixedClock) -> None:
    question = miss_then_review_right(chat, clock)
    answers = exported(chat.send("export")).document["answers"]

    opened = exported(chat.send("export"))

    assert opened.header == REVLOG_HEADER
    times = [int(datetime.fromisoformat(a["answered_at"]).timestamp() * 1000) for a in answers]
    assert opened.rows == [
        {"card_id": str(card_id(question)), "review_time": str(times[0]), "review_rating": "1", "review_state": "0", "review_duration": ""},
        {"card_id": str(card_id(question)), "review_time": str(times[1]), "review_rating": "3", "review_state": "2", "review_duration": ""},
    ]
    assert times[0] == int(START.timestamp()) * 1000


def test_a_learner_with_nothing_stored_gets_a_valid_export_that_says_so(chat: Chat) -> None:
    reply = chat.send("export")
    opened = exported(reply)
    assert holds_nothing(opened)
    assert opened.document["learner"]["display_name"] == "Ada"
    assert "I hold nothing about you here yet beyond your profile" in reply.text


def test_the_export_holds_no_other_learners_or_workspaces_rows(chat: Chat, clock: FixedClock) -> None:
    colleague = chat.as_user("U2")
    elsewhere = Chat(chat.service, Context(workspace_id="T2", platform="console", user_id="U1", display_name="Ada", channel_id="C9"))
    for other in (colleague, elsewhere):
        other.send("tip")
        other.send("quiz")
        other.send(f"answer {correct_letter(other)}")
        other.send("settings tz Asia/Tokyo")
    chat.send("quiz")
    chat.send(f"answer {correct_letter(chat)}")

    opened = exported(chat.send("export"))

    text = json.dumps(opened.document)
    assert "U2" not in text
    assert "T2" not in text
    assert "Asia/Tokyo" not in text
    assert len(opened.document["answers"]) == len(opened.rows) == 1
    assert opened.document["tips_seen"] == []
    assert opened.document["time_zone_changes"] == []
    assert len(exported(colleague.send("export")).document["answers"]) == 1


def test_forget_me_after_export_leaves_nothing_to_export(chat: Chat, clock: FixedClock, repo: SqliteRepository) -> None:
    chat.send("tip")
    miss_then_review_right(chat, clock)
    assert not holds_nothing(exported(chat.send("export")))

    assert "I deleted everything" in chat.send("forget-me confirm").text

    again = chat.send("export")
    assert holds_nothing(exported(again))
    assert "I hold nothing about you here yet" in again.text


def test_the_same_data_at_the_same_moment_is_the_same_file(chat: Chat) -> None:
    chat.send("tip")
    first, second = chat.send("export"), chat.send("export")
    assert first.attachment is not None
    assert second.attachment is not None
    assert first.attachment.content == second.attachment.content


def test_other_words_for_export_work_and_help_lists_it(chat: Chat) -> None:
    assert chat.send("takeout").kind == "export"
    assert "`export` — Everything I hold about you here" in chat.send("help").text


def test_card_ids_are_stable_positive_and_distinct() -> None:
    ids = {card_id(f"alpha-q-{n:02d}") for n in range(1, 100)}
    assert len(ids) == 99
    assert all(0 < i < 2**48 for i in ids)
    assert card_id("alpha-q-01") == card_id("alpha-q-01")


def test_a_state_the_scheduler_cannot_follow_leaves_the_rest_of_that_card_unknown() -> None:
    at = datetime(2026, 3, 2, tzinfo=UTC)
    answers = [AnswerRow(f"i{n}", q, "A", n % 2 == 0, 1, at + timedelta(days=n), at.date()) for n, q in enumerate(("q1", "q2", "q1", "q1", "q2"))]

    def replay(state: str | None, correct: bool, when: datetime) -> str:
        if state is not None and json.loads(state)["n"] >= 1 and json.loads(state)["q"] == "q1":
            raise ValueError("unreadable")
        return json.dumps({"state": 2, "n": (json.loads(state)["n"] if state else 0) + 1, "q": "q1" if when.day % 2 == 0 else "q2"})

    rows = revlog(answers, replay)
    assert [(r.review_rating, r.review_state) for r in rows] == [(3, 0), (1, 0), (3, 2), (1, None), (3, 2)]
    assert revlog_csv(rows).splitlines()[4].endswith(",1,,")


@pytest.mark.parametrize("text", ["export now", "export all"])
def test_export_takes_no_words(chat: Chat, text: str) -> None:
    reply = chat.send(text)
    assert reply.kind == "error"
    assert reply.attachment is None
