"""Reviews due: `review`, `stats` and the Home tab state one total at one instant, and a capped batch says so.

Issue 13: `review` said 50 (its cap) while `stats` said 80 and the Home tab 79. The fixture course has five
questions, so the cap is lowered to 2 to have more due than one review lines up.
"""

from __future__ import annotations

import asyncio
import re
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from app.settings import Settings
from app.wiring import Core, build_core
from bot.clock import FixedClock
from bot.content import CoursePolicy, load_curriculum
from bot.store.drivers.sqlite import SqliteRepository
from tests.conftest import FIXTURE_CONTENT, START, Chat

# The Slack and Discord helpers import by plain name (their directories are deliberately not packages).
for helpers in ("slack", "discord"):
    sys.path.insert(0, str(Path(__file__).resolve().parent / helpers))

from discord_world import discord_world  # noqa: E402
from slack_fake_api import FakeSlackApi  # noqa: E402
from slack_harness import SIGNING_SECRET, SlackClient, all_text  # noqa: E402

from adapters.slack.runner import SlackRunner  # noqa: E402

CAP = 2
QUESTIONS = 5  # every question in the fixture course
LATER = timedelta(days=400)  # long enough for every card to be due


def review_total(text: str) -> int:
    found = re.search(r"(\d+) reviews? due", text)
    assert found, f"no count of reviews due in:\n{text}"
    return int(found.group(1))


def stats_total(text: str) -> int:
    found = re.search(r"Reviews due: \**(\d+)\**", text)
    assert found, f"no 'Reviews due' in:\n{text}"
    return int(found.group(1))


def retire_a_question(repo: SqliteRepository, workspace_id: str, user_id: str) -> None:
    """A due card whose question left the course: it can never be asked, so it is not a review due."""
    due_at = repo.db.query("SELECT MIN(due_at) AS d FROM cards WHERE workspace_id = ? AND user_id = ?", (workspace_id, user_id))[0]["d"]
    with repo.db.write() as conn:
        conn.execute(
            "INSERT INTO cards (workspace_id, user_id, question_id, state, due_at, reps, lapses, last_correct) VALUES (?, ?, 'retired-q', '{}', ?, 1, 1, 0)",
            (workspace_id, user_id, due_at),
        )


# the core, as a conversation ------------------------------------------------------------------------
def answer_everything(chat: Chat) -> None:
    for _ in range(QUESTIONS):
        assert chat.send("quiz").kind == "quiz"
        assert chat.send("answer A").kind == "answer"


def test_review_stats_and_home_state_the_same_total_when_more_are_due_than_the_cap(chat: Chat, clock: FixedClock, repo: SqliteRepository) -> None:
    chat.service.review_batch = CAP
    answer_everything(chat)
    retire_a_question(repo, "T1", "U1")
    clock.advance(LATER)

    review = chat.send("review")
    stats = chat.send("stats")
    home = chat.service.home(chat.ctx)

    assert review.kind == "quiz"  # the first due review, with the count as its note
    assert f"showing {CAP} of {QUESTIONS} due" in review.text
    assert review_total(review.text) == QUESTIONS
    assert stats_total(stats.text) == QUESTIONS
    assert review_total(home.text) == QUESTIONS
    assert review.counts.reviews_due == stats.counts.reviews_due == home.counts.reviews_due == QUESTIONS


def test_a_batch_under_the_cap_does_not_claim_to_be_partial(chat: Chat, clock: FixedClock) -> None:
    answer_everything(chat)
    clock.advance(LATER)

    review = chat.send("review")

    assert review_total(review.text) == QUESTIONS
    assert "showing" not in review.text
    assert stats_total(chat.send("stats").text) == QUESTIONS


def test_nothing_due_is_zero_everywhere(chat: Chat) -> None:
    answer_everything(chat)  # every card is due tomorrow or later, not now

    assert "Nothing is due right now" in chat.send("review").text
    assert stats_total(chat.send("stats").text) == 0
    assert review_total(chat.service.home(chat.ctx).text) == 0


# Slack: signed slash commands and the app_home_opened event into the real bolt app ------------------
@pytest.fixture
def slack_world(tmp_path: Path) -> Iterator[tuple[SlackClient, FakeSlackApi, Core, FixedClock]]:
    fake = FakeSlackApi().start()
    clock = FixedClock(START)
    settings = Settings(
        slack_bot_token=SecretStr("xoxb-test-bot-token"), slack_signing_secret=SecretStr(SIGNING_SECRET), slack_api_url=fake.base_url,
        port=0, content_dir=FIXTURE_CONTENT,
    )
    core = build_core(settings, db=tmp_path / "t.db", clock=clock, content=load_curriculum(FIXTURE_CONTENT, CoursePolicy.relaxed()))
    runner = SlackRunner(core, host="127.0.0.1", port=0)
    runner.start()
    try:
        yield SlackClient(runner.url, fake), fake, core, clock
    finally:
        runner.stop()
        core.store.close()
        fake.stop()


def test_slack_review_stats_and_home_tab_agree(slack_world: tuple[SlackClient, FakeSlackApi, Core, FixedClock]) -> None:
    slack, fake, core, clock = slack_world
    core.service.review_batch = CAP
    for _ in range(QUESTIONS):
        slack.send("quiz")
        slack.send("answer A")
    fake.wait_for("views.publish", count=QUESTIONS)  # each answer refreshes the Home tab; let those land first
    retire_a_question(core.repo, "T1", "U1")
    clock.advance(LATER)

    review = all_text(slack.send("review"))
    stats = all_text(slack.send("stats"))
    event = {"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home", "event_ts": "1710000000.000300"}
    assert slack.event(event, event_id="EvCounts").status == 200
    home = all_text(fake.wait_for("views.publish", count=QUESTIONS + 1)[QUESTIONS].params["view"])

    assert f"showing {CAP} of {QUESTIONS} due" in review
    assert review_total(review) == stats_total(stats) == review_total(home) == QUESTIONS


# Discord: the real discord.py client against the fake gateway ----------------------------------------
def test_discord_review_and_stats_agree(tmp_path: Path) -> None:
    async def conversation() -> tuple[str, str]:
        async with discord_world(tmp_path) as world:
            world.service.review_batch = CAP
            for _ in range(QUESTIONS):
                await world.send("quiz")
                await world.send("answer", {"letter": "A"})
            world.clock.advance(LATER)
            review: Any = await world.send("review")
            stats: Any = await world.send("stats")
            return review.text, stats.text

    review, stats = asyncio.run(asyncio.wait_for(conversation(), 45))

    assert f"showing {CAP} of {QUESTIONS} due" in review
    assert review_total(review) == stats_total(stats) == QUESTIONS
