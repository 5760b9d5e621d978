"""Quiz buttons: a click is one MESSAGE_COMPONENT interaction routed by the persistent ActionButton handler."""

from __future__ import annotations

import asyncio
import json
from dataclasses import asdict
from pathlib import Path

from discord_world import LEARNER, World, discord_world, question_letters
from fake_discord import CHANNEL_ID, CHANNEL_MESSAGE, GUILD_ID, UPDATE_MESSAGE, JsonDict

from adapters.discord.client import UNKNOWN_BUTTON
from bot.commands.syntax import Syntax
from bot.intake import IntakeRecord
from bot.messages import ACTION_ANSWER, ACTION_START_QUIZ
from bot.ports import Destination
from bot.render import quiz_heading, quiz_reply
from bot.service import Context
from bot.store.records import QuizInstance

OTHER = 600000000000000002


def planted(world: World, custom_id: str) -> JsonDict:
    """A message carrying a button with ``custom_id`` (a tampered or foreign one), as if it were in the channel."""
    row = {"type": 1, "components": [{"type": 2, "style": 2, "label": "?", "custom_id": custom_id}]}
    message = world.fake.message_payload(CHANNEL_ID, {"components": [row]})
    world.fake.messages[int(message["id"])] = message
    return message


async def test_a_quiz_answered_by_button_replaces_the_question_with_the_result(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        quiz = await world.send("quiz")
        right, _ = question_letters(world, quiz)
        assert all(cid.startswith(f"{ACTION_ANSWER}|") for cid in quiz.custom_ids)

        result = await world.click(quiz, right)

        assert result.callback_type == UPDATE_MESSAGE
        assert "✅ **Right!**" in result.text
        remaining = [c.get("custom_id", "") for row in result.components for c in row["components"]]
        assert not any(cid.startswith(f"{ACTION_ANSWER}|") for cid in remaining), "the answer buttons must go"
        assert any(cid.startswith(f"{ACTION_START_QUIZ}|") for cid in remaining), "the result offers the next quiz"
        assert world.fake.messages[int(quiz.message["id"])]["embeds"] == result.embeds  # type: ignore[index]
        assert world.count("answers", "user_id = ? AND correct = 1", (str(LEARNER),)) == 1


async def test_a_wrong_answer_says_so_and_is_recorded(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        quiz = await world.send("quiz")
        _, wrong = question_letters(world, quiz)

        result = await world.click(quiz, wrong)

        assert result.callback_type == UPDATE_MESSAGE
        assert f"You chose {wrong}" in result.text
        question = next(q for q in world.content.questions.values() if q.prompt in quiz.text)
        feedback = question.feedback_for(wrong)
        assert feedback
        assert f"Why not {wrong}:_ {feedback}" in result.text, "the learner sees why the option they picked is wrong"
        assert world.count("answers", "correct = 0") == 1


async def test_the_same_click_delivered_twice_is_applied_once(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        quiz = await world.send("quiz")
        right, _ = question_letters(world, quiz)
        assert quiz.message is not None
        custom_id = next(cid for cid in quiz.custom_ids if cid.endswith(f":{right}"))
        first, second = world.fake.click(quiz.message, custom_id), world.fake.click(quiz.message, custom_id)

        tokens = [await world.fake.interact(first), await world.fake.interact(second)]
        responses = await asyncio.gather(*(world.fake.response_to(token) for token in tokens))

        updates = [r for r in responses if r.callback_type == UPDATE_MESSAGE]
        repeats = [r for r in responses if r.callback_type == CHANNEL_MESSAGE]
        assert len(updates) == 1
        assert len(repeats) == 1
        assert repeats[0].ephemeral
        assert "already answered this quiz" in repeats[0].text
        assert world.count("answers") == 1


async def test_a_click_replayed_by_the_gateway_is_acknowledged_and_counted_once(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        quiz = await world.send("quiz")
        right, _ = question_letters(world, quiz)
        assert quiz.message is not None
        custom_id = next(cid for cid in quiz.custom_ids if cid.endswith(f":{right}"))
        click = world.fake.click(quiz.message, custom_id)

        token = await world.fake.interact(click)
        await world.fake.wait_for(lambda h: h.token == token and h.kind == "callback")
        await world.fake.interact(click)  # a gateway RESUME delivers the same interaction again
        await world.send("streak")  # handled after the replay was recorded and dropped

        callbacks = [h for h in world.fake.hits if h.token == token and h.kind == "callback"]
        assert [h.status for h in callbacks] == [200], "the replay is taken from the intake as done: no second answer"
        assert world.count("answers") == 1
        assert world.count("intake", "key = ?", (f"discord:interaction:{click['id']}",)) == 1


async def test_a_button_still_works_after_a_restart(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        quiz = await world.send("quiz")
        right, _ = question_letters(world, quiz)

        await world.restart()
        result = await world.click(quiz, right)

        assert world.fake.identify_count == 2, "a new client must have connected"
        assert result.callback_type == UPDATE_MESSAGE
        assert "✅ **Right!**" in result.text
        assert world.count("answers") == 1


async def test_a_click_on_a_quiz_that_no_longer_exists_gets_a_private_explanation(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        message = planted(world, f"{ACTION_ANSWER}|0123456789abcdef:A")

        reply = await world.click_id(message, f"{ACTION_ANSWER}|0123456789abcdef:A")

        assert reply.callback_type == CHANNEL_MESSAGE
        assert reply.ephemeral
        assert "That quiz no longer exists" in reply.text
        assert world.count("answers") == 0


async def test_a_garbage_answer_value_is_refused_and_nothing_is_stored(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        message = planted(world, f"{ACTION_ANSWER}|zzz")

        reply = await world.click_id(message, f"{ACTION_ANSWER}|zzz")

        assert reply.ephemeral
        assert "didn't carry a valid answer" in reply.text
        assert world.count("answers") == 0


async def test_an_unknown_action_of_ours_is_refused_by_the_core(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        message = planted(world, "aipm_dance|now")

        reply = await world.click_id(message, "aipm_dance|now")

        assert reply.ephemeral
        assert "I don't recognise that button" in reply.text


async def test_a_button_that_is_not_ours_gets_a_private_answer_instead_of_a_silent_failure(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        message = planted(world, "someone-elses-bot:vote")

        reply = await world.click_id(message, "someone-elses-bot:vote")

        assert reply.ephemeral
        assert UNKNOWN_BUTTON.split("(")[0] in reply.text
        assert world.count("learners") == 0


async def test_another_member_cannot_answer_my_quiz(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        quiz = await world.send("quiz")
        right, _ = question_letters(world, quiz)

        reply = await world.click(quiz, right, user_id=OTHER, name="other")

        assert reply.callback_type == CHANNEL_MESSAGE
        assert reply.ephemeral
        assert "That quiz was for someone else" in reply.text
        assert world.count("answers") == 0
        assert world.fake.messages[int(quiz.message["id"])]["components"], "my quiz must stay answerable"  # type: ignore[index]


async def test_a_shared_channel_quiz_answers_each_clicker_privately_and_leaves_the_post_alone(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        question = world.content.questions["alpha-q-01"]
        instance = QuizInstance("feedc0ffee000001", str(GUILD_ID), question.id, None, str(CHANNEL_ID), "channel", world.clock.now())
        world.repo.create_quiz_instance(instance)
        reply = quiz_reply(question, instance.id, quiz_heading("Quiz", "Alpha basics", question), Syntax("discord"), private=False)
        destination = Destination(str(GUILD_ID), "discord", str(CHANNEL_ID), "channel")
        assert world.runner is not None
        message_id = await world.runner.messenger.send(destination, reply, "sub-1:2025-03-03:quiz")
        post = world.fake.messages[int(message_id)]
        before = list(post["embeds"])

        mine = await world.click(post, question.answer)
        theirs = await world.click(post, question.answer, user_id=OTHER, name="other")

        for answer in (mine, theirs):
            assert answer.callback_type == CHANNEL_MESSAGE
            assert answer.ephemeral
            assert "✅ **Right!**" in answer.text
        assert post["embeds"] == before, "the shared question must not be spoiled"
        assert post["components"], "others must still be able to answer"
        assert world.count("answers") == 2



async def test_a_click_recorded_by_a_process_that_died_is_applied_once_on_restart(tmp_path: Path) -> None:
    """The interaction reached the intake, then the process died before the core ran: the restart finishes it."""
    async with discord_world(tmp_path) as world:
        quiz = await world.send("quiz")
        right, _ = question_letters(world, quiz)
        assert quiz.message is not None
        assert world.runner is not None
        assert world.runner.intake is not None
        instance = next(cid for cid in quiz.custom_ids if cid.endswith(f":{right}")).split("|", 1)[1]
        ctx = Context(workspace_id=str(GUILD_ID), platform="discord", user_id=str(LEARNER), display_name="ada", channel_id=str(CHANNEL_ID))
        body = {"ctx": asdict(ctx), "action_id": ACTION_ANSWER, "value": instance, "application_id": "900000000000000001",
                "token": "itoken-recorded", "component": True}
        record = IntakeRecord("discord:interaction:4242", "discord", "interaction", json.dumps(body), "application/json")
        assert world.runner.intake.admit_now(record)
        assert world.count("answers") == 0

        await world.restart()

        followups = await world.fake.wait_for(lambda h: h.token == "itoken-recorded" and h.kind == "followup")
        assert "Right!" in json.dumps(followups[0].body)
        assert world.count("answers", "user_id = ? AND correct = 1", (str(LEARNER),)) == 1
        assert world.count("intake", "key = 'discord:interaction:4242' AND state = 'responded'") == 1
        await world.restart()  # nothing is left open: a second restart applies nothing again
        assert world.count("answers") == 1
