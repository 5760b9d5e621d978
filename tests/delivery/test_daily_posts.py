"""The daily post: what a channel and a DM subscriber receive, and that a sweep finds due work by index."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

from bot.delivery_codec import reply_from_json, reply_to_json
from bot.delivery_plan import occurrences_until
from bot.messages import Image, PostFacts, Reply
from bot.posts import daily_material
from bot.service import Context
from tests.databases import sqlite_only
from tests.delivery.conftest import MONDAY, World
from tests.delivery.fakes import Post


def post_facts(reply: Reply) -> PostFacts:
    assert reply.post is not None, "a scheduled post says what it carries"
    return reply.post


def test_channel_post_is_a_tip_and_a_quiz_everyone_can_answer_once(world: World) -> None:
    sub = world.subscribe_channel("C1", "09:00 Europe/Berlin weekdays")
    world.at(MONDAY + timedelta(hours=8)).sweep()  # 09:00 CET

    [post] = world.messenger.posts
    reply = post.reply
    assert post.key == f"daily:{sub.id}:20260302"
    assert post.destination.channel_id == "C1"
    assert reply.private is False
    assert "Day 1 of 2" in reply.text
    assert "Probabilistic products need ranges" in reply.text  # path day 1 tip
    assert [b.label for b in reply.buttons] == ["A", "B", "C", "D"]
    assert "everyone" in reply.sections[-1].text
    instance = world.repo.get_quiz_instance("T1", reply.quiz_instance_id or "")
    assert instance is not None
    assert instance.owner_user_id is None
    assert instance.origin == "channel"
    assert instance.question_id == "alpha-q-01"  # the first question of path day 1

    ada = Context("T1", "slack", "U-ada", "Ada", channel_id="C1")
    bob = Context("T1", "slack", "U-bob", "Bob", channel_id="C1")
    first = world.answer(ada, reply)
    assert first.kind == "answer"
    assert first.private is True
    assert first.replace_original is False  # the shared post stays for everyone else
    assert world.answer(bob, reply, correct=False).kind == "answer"
    again = world.answer(ada, reply)
    assert again.answer is not None
    assert again.answer.already
    assert again.answer.correct is None  # nothing was graded the second time


def test_channel_follows_the_path_then_its_track(world: World) -> None:
    sub = world.subscribe_channel("C1", "09:00 UTC daily")
    seen = []
    for day in range(4):
        world.at(MONDAY + timedelta(days=day, hours=9)).sweep()
        seen.append((post_facts(world.messenger.posts[-1].reply).tip_id, post_facts(world.messenger.posts[-1].reply).question_id))
    assert seen[:2] == [("alpha-tip-01", "alpha-q-01"), ("beta-tip-01", "alpha-q-02")]  # the 2-day path
    assert seen[2] == ("alpha-tip-02", "beta-q-02")  # then the course, skipping what the path showed
    assert seen[3][1] not in {q for _, q in seen[:3]}  # and on to a question the channel hasn't had
    assert world.subscription(sub.id).path_day == 4


def test_daily_material_after_the_path_uses_the_channel_track(world: World) -> None:
    assert daily_material(world.curriculum, "beta", 0).path_day == 1
    after = daily_material(world.curriculum, "beta", 2)
    assert after.path_day is None
    assert after.question_id == "beta-q-02"  # the track in teaching order: easy first
    assert daily_material(world.curriculum, "beta", 3).question_id == "beta-q-01"
    assert daily_material(world.curriculum, "beta", 4).question_id == "beta-q-02"  # then it wraps around
    assert daily_material(world.curriculum, "alpha", 2).question_id not in {"alpha-q-01", "alpha-q-02"}  # the path showed those


def test_dm_serves_due_reviews_first_then_new_questions(world: World) -> None:
    ada = world.learner("U-ada", "Asia/Kolkata")
    world.answer(ada, world.service.handle_text(ada, "quiz"), correct=False)  # a miss comes back for review
    sub = world.subscribe_dm(ada, "07:00")
    card = world.repo.next_card("T1", "U-ada")
    assert card is not None

    def next_post() -> Post:
        due = world.subscription(sub.id).next_due_at
        assert due is not None
        world.at(due).sweep()
        return world.messenger.posts[-1]

    first = next_post()  # Monday 07:00 IST: nothing due yet, so a new question
    assert card.due_at > first.at
    assert post_facts(first.reply).question_id != card.question_id
    second = next_post()  # Tuesday: the missed question is due and comes first
    assert card.due_at <= second.at
    assert second.destination.kind == "dm"
    assert second.destination.user_id == "U-ada"
    assert post_facts(second.reply).question_id == card.question_id
    assert "due for review" in second.reply.text
    instance = world.repo.get_quiz_instance("T1", second.reply.quiz_instance_id or "")
    assert instance is not None
    assert instance.owner_user_id == "U-ada"
    right = world.curriculum.questions[card.question_id].answer
    assert "Right" in world.service.handle_text(ada, f"answer {right}").text  # `answer` finds the DM quiz: it is hers
    third = next_post()
    assert post_facts(third.reply).question_id != card.question_id
    assert "due for review" not in third.reply.text


def test_running_again_at_the_same_instant_sends_nothing_new(world: World) -> None:
    world.subscribe_channel("C1", "09:00 UTC")
    world.subscribe_dm(world.learner("U-ada"), "09:00")
    world.at(MONDAY + timedelta(hours=9, minutes=3))
    first = world.sweep()
    again = world.sweep()
    assert first.counts["sent"] == 2
    assert again.outcomes == []
    assert sorted(world.messenger.counts().values()) == [1, 1]


def test_nothing_is_sent_before_it_is_due(world: World) -> None:
    world.subscribe_channel("C1", "09:00 UTC")
    assert world.at(MONDAY + timedelta(hours=8, minutes=59, seconds=59)).sweep().outcomes == []
    assert world.messenger.posts == []


def _plans(conn: sqlite3.Connection, statements: list[str], table: str) -> list[str]:
    [sql] = [s for s in statements if s.lstrip().upper().startswith("SELECT") and table in s]
    return [row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}")]


@sqlite_only
def test_due_work_is_found_with_one_indexed_query_each(world: World) -> None:
    for i in range(30):
        world.subscribe_channel(f"C{i}", "09:00 UTC")
    conn = world.repo.db.connection()
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        world.store.due_subscriptions(MONDAY, ["slack"], 500)
        world.store.due_timers(MONDAY, ["slack"], 500)
        world.store.open_outbox(MONDAY, ["slack"], None, 500)
    finally:
        conn.set_trace_callback(None)
    subscriptions = _plans(conn, statements, "FROM subscriptions")
    assert any("USING INDEX subscriptions_due (next_due_at<?)" in p for p in subscriptions), subscriptions
    assert not any(p.startswith("SCAN") for p in subscriptions), subscriptions
    assert any("USING INDEX delivery_timers_due" in p for p in _plans(conn, statements, "FROM delivery_timers"))
    outbox = _plans(conn, statements, "FROM outbox")
    assert any("USING INDEX outbox_open" in p for p in outbox), outbox


def test_occurrences_walk_stops_at_the_first_one_after_now() -> None:
    first = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    walked = occurrences_until(first, first + timedelta(days=2, hours=1), "09:00", "UTC", range(7), keep=7)
    assert walked.passed == (first, first + timedelta(days=1), first + timedelta(days=2))
    assert walked.next_due == first + timedelta(days=3)
    long_ago = occurrences_until(first - timedelta(days=400), first, "09:00", "UTC", range(7), keep=3)
    assert long_ago.passed == (first - timedelta(days=2), first - timedelta(days=1), first)


def test_a_stored_post_round_trips_exactly(world: World) -> None:
    world.subscribe_channel("C1", "09:00 UTC")
    world.at(MONDAY + timedelta(hours=9)).sweep()
    reply = world.messenger.posts[0].reply
    with_image = type(reply)(**{**reply.__dict__, "image": Image(b"\x89PNG\r\n", "a chart")})
    assert reply_from_json(reply_to_json(with_image)) == with_image
