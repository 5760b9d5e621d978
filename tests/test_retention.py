"""``settings retention`` through the core: what it accepts, what it refuses (changing nothing), what ``settings``
shows, and that the next review interval follows it; forget-me takes it with the learner."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.commands import CommandError, parse_retention
from bot.reviews import FSRS_DEFAULTS, ReviewScheduler
from bot.store.records import FittedParameters
from tests.conftest import START, Chat
from tests.test_export import exported
from tests.test_service import correct_letter

FITTED = (*FSRS_DEFAULTS[:2], 6.0, *FSRS_DEFAULTS[3:])  # a "Good" first answer is remembered for 6 days, not 2.3


def retention(chat: Chat) -> float:
    learner = chat.service.repo.get_learner(chat.ctx.workspace_id, chat.ctx.user_id)
    assert learner is not None
    return learner.desired_retention


def answer_right(chat: Chat) -> timedelta:
    """Answer a fresh quiz right; how long until the question comes back."""
    chat.send("quiz")
    chat.send(f"answer {correct_letter(chat)}")
    card = chat.service.repo.next_card(chat.ctx.workspace_id, chat.ctx.user_id)
    assert card is not None
    return card.due_at - chat.service.clock.now()


@pytest.mark.parametrize(("typed", "value"), [("0.85", 0.85), ("85%", 0.85), (".9", 0.9), ("0,9", 0.9), ("0.80", 0.8), ("97%", 0.97),
                                              ("0.875", 0.875), ("87.5%", 0.875)])
def test_a_fraction_or_a_percentage_is_read(typed: str, value: float) -> None:
    assert parse_retention(typed) == value


@pytest.mark.parametrize(("typed", "says"), [
    ("0.5", "`0.5` is too low"), ("0.79", "`0.79` is too low"), ("0.98", "`0.98` is too high"), ("1", "`1` is too high"),
    ("97", "Did you mean `97%` (0.97)?"), ("85", "Did you mean `85%` (0.85)?"), ("150", "`150` is not a desired retention"),
    ("abc", "`abc` is not a number I can read"), ("-0.9", "not a number"), ("nan", "not a number"), ("٠.٩", "not a number"),
])
def test_anything_else_is_refused_with_a_sentence_naming_the_range(typed: str, says: str) -> None:
    with pytest.raises(CommandError) as refused:
        parse_retention(typed)
    assert says in str(refused.value)
    assert "0.97" in str(refused.value)


def test_settings_retention_sets_it_and_settings_shows_it(chat: Chat) -> None:
    assert "Desired retention: **0.90 (90%)** (the default)" in chat.send("settings").text

    reply = chat.send("settings retention 0.85")

    assert reply.kind == "settings"
    assert "Desired retention set to **0.85 (85%)**" in reply.text
    assert retention(chat) == 0.85
    shown = chat.send("settings").text
    assert "Desired retention: **0.85 (85%)**:" in shown
    assert "(the default)" not in shown
    assert "Review spacing: FSRS's default parameters" in shown
    assert "`settings retention <0.80-0.97>`" in shown


@pytest.mark.parametrize("typed", ["settings retention 0.5", "settings retention 97", "settings retention abc", "settings retention",
                                   "settings retention 0.8 0.9"])
def test_bad_input_gets_an_error_and_changes_nothing(chat: Chat, typed: str) -> None:
    chat.send("settings retention 0.85")

    reply = chat.send(typed)

    assert reply.kind == "error"
    assert "0.80 and 0.97" in reply.text
    assert retention(chat) == 0.85


def test_the_next_review_interval_follows_the_learners_retention(chat: Chat) -> None:
    at_default = answer_right(chat)
    relaxed, strict = chat.as_user("U2"), chat.as_user("U3")
    relaxed.send("settings retention 0.85")
    strict.send("settings retention 97%")

    assert (answer_right(relaxed), at_default, answer_right(strict)) == (timedelta(days=4), timedelta(days=2), timedelta(days=1))
    assert "I'll bring this question back Fri 06 Mar" in relaxed.last.text  # type: ignore[union-attr]
    expected = ReviewScheduler().record(None, True, START, 0.85).due_at
    assert START + answer_right(relaxed.as_user("U4")) != expected  # U4 is at the default, so it must differ
    assert START + timedelta(days=4) == expected


def test_a_workspaces_fitted_parameters_schedule_its_answers_and_settings_says_so(chat: Chat) -> None:
    repo = chat.service.repo
    chat.send("settings")  # the workspace exists
    repo.set_fsrs_parameters("T1", FittedParameters(FITTED, 812, START))

    waited = answer_right(chat)

    assert START + waited == ReviewScheduler().record(None, True, START, 0.9, FITTED).due_at
    assert waited != timedelta(days=2), "FSRS's defaults would bring it back in 2 days"
    assert "Review spacing: fitted to this workspace's 812 reviews on 2026-03-02" in chat.send("settings").text
    other = chat.as_user("U2", workspace_id="T2")
    assert answer_right(other) == timedelta(days=2), "another workspace keeps FSRS's defaults"


def test_forget_me_deletes_the_setting_with_the_learner(chat: Chat) -> None:
    chat.send("settings retention 0.82")
    chat.send("forget-me")
    assert "deleted everything" in chat.send("yes").text

    assert "Desired retention: **0.90 (90%)** (the default)" in chat.send("settings").text
    assert retention(chat) == 0.9


def test_export_holds_the_retention_and_the_workspaces_fitted_parameters(chat: Chat) -> None:
    chat.send("settings retention 0.93")
    chat.service.repo.set_fsrs_parameters("T1", FittedParameters(FITTED, 700, START))

    doc = exported(chat.send("export")).document

    assert doc["settings"]["desired_retention"] == 0.93
    assert doc["workspace"]["fsrs_parameters"] == {"parameters": list(FITTED), "fitted_to_reviews": 700, "fitted_at": "2026-03-02T12:00:00Z"}
