"""Daily posts pass over a question paused in their workspace (reported by enough learners there), and only there."""

from __future__ import annotations

from datetime import timedelta

from bot.posts import daily_material
from tests.delivery.conftest import MONDAY, World

PAUSED = "alpha-q-01"  # path day 1's first question


def pause_in(world: World, workspace_id: str, question_id: str = PAUSED) -> None:
    world.service.deps.report_pause_threshold = 1
    world.repo.add_report(workspace_id, "U-reporter", question_id, "wrong-key", "", MONDAY)


def posted_question(world: World, index: int = -1) -> str | None:
    post = world.messenger.posts[index].reply.post
    assert post is not None
    return post.question_id


def test_a_channel_post_skips_a_question_paused_in_its_workspace_only(world: World) -> None:
    world.subscribe_channel("C1", "09:00 UTC daily", workspace="T1")
    world.subscribe_channel("C2", "09:00 UTC daily", workspace="T2")
    pause_in(world, "T1")
    world.at(MONDAY + timedelta(hours=9)).sweep()
    by_channel = {p.destination.channel_id: p.reply.post.question_id for p in world.messenger.posts if p.reply.post}
    assert by_channel == {"C1": "beta-q-02", "C2": PAUSED}  # day 1's next question here; unaffected elsewhere


def test_a_dm_post_skips_a_paused_question_and_asks_it_again_once_resolved(world: World) -> None:
    ada = world.learner("U-ada")
    sub = world.subscribe_dm(ada, "07:00 daily")
    pause_in(world, "T1")
    first_due = world.subscription(sub.id).next_due_at
    assert first_due is not None
    world.at(first_due).sweep()
    assert posted_question(world) != PAUSED
    assert world.repo.resolve_reports("T1", PAUSED, "the key is right", first_due) == 1
    second_due = world.subscription(sub.id).next_due_at
    assert second_due is not None
    world.at(second_due).sweep()
    assert posted_question(world) == PAUSED


def test_daily_material_replaces_a_paused_question_with_the_next_unpaused_one(world: World) -> None:
    content = world.curriculum
    assert daily_material(content, "beta", 0).question_id == PAUSED
    assert daily_material(content, "beta", 0, frozenset({PAUSED})).question_id == "beta-q-02"
    assert daily_material(content, "beta", 3).question_id == "beta-q-01"
    assert daily_material(content, "beta", 3, frozenset({"beta-q-01"})).question_id == "beta-q-02"
    every = frozenset(content.questions)
    assert daily_material(content, "beta", 3, every).question_id == "beta-q-01"  # all paused: the sequence as it was
