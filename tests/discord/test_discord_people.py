"""What a Discord user meets: help in Discord's own syntax, answer letters the question has, plain descriptions."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from discord_world import World, discord_world, question_letters
from fake_discord import AUTOCOMPLETE_RESULT, Hit

from bot.commands import COMMAND_TABLE


def aipm_tree(sync: Hit) -> dict[str, Any]:
    return next(c for c in sync.body if c["name"] == "aipm")


def invocable(tree: dict[str, Any], prefix: str = "") -> dict[str, list[tuple[str, bool]]]:
    """Every path under /aipm as synced, with its options (name, required)."""
    paths: dict[str, list[tuple[str, bool]]] = {}
    for node in tree.get("options", []):
        if node["type"] == 1:
            paths[f"{prefix}{node['name']}"] = [(o["name"], o.get("required", False)) for o in node.get("options", [])]
        elif node["type"] == 2:
            paths.update(invocable(node, f"{prefix}{node['name']} "))
    return paths


async def test_help_shows_each_command_as_discord_users_type_it(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        tree = invocable(aipm_tree((await world.fake.wait_for(lambda h: h.kind == "sync"))[0]))
        reply = await world.send("help")

    written = re.findall(r"^`(/aipm [^`]+)` — ", reply.text, re.MULTILINE)
    assert len(written) == len([s for s in COMMAND_TABLE if s.in_help])
    for line in written:
        words = line.removeprefix("/aipm ").split()
        path = " ".join(w for w in words if not w.startswith(("<", "[")))
        options = [(w.strip("<>[]"), w.startswith("<")) for w in words if w.startswith(("<", "["))]
        assert path in tree, f"help says `{line}`, but Discord has no /aipm {path}"
        assert options == tree[path], f"`{line}` does not name the options of /aipm {path}"
    assert "`/aipm settings show` — Show your settings." in reply.text
    assert "`/aipm settings server-tz <zone>`" in reply.text
    assert "settings workspace-tz" not in reply.text


async def autocomplete_letters(world: World, typed: str = "") -> list[dict[str, str]]:
    token = await world.fake.interact(world.fake.slash("answer", {"letter": typed}, focused="letter"))
    reply = (await world.fake.wait_for(lambda h: h.token == token))[0]
    assert reply.callback_type == AUTOCOMPLETE_RESULT
    return list(reply.body["data"]["choices"])


async def test_answer_offers_only_the_letters_of_the_open_question(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        await world.send("quiz")
        three = world.content.questions["alpha-q-03"]
        with world.repo.db.write() as conn:  # the open quiz becomes the course's three-option question
            conn.execute("UPDATE quiz_instances SET question_id = ?", (three.id,))

        offered = await autocomplete_letters(world)

        assert [c["value"] for c in offered] == ["A", "B", "C"]
        assert offered[1]["name"] == f"B) {three.options[1]}"[:100]
        assert [c["value"] for c in await autocomplete_letters(world, "c")] == ["C"]
        reply = await world.send("answer", {"letter": three.answer})
        assert "Right!" in reply.text


async def test_answer_offers_a_four_option_questions_four_letters(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        quiz = await world.send("quiz")
        right, _ = question_letters(world, quiz)
        question = next(q for q in world.content.questions.values() if q.prompt in quiz.text)

        assert [c["value"] for c in await autocomplete_letters(world)] == list(question.letters)
        assert right in question.letters


async def test_answer_offers_nothing_without_an_open_quiz_and_creates_no_one(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        assert await autocomplete_letters(world) == []
        assert world.count("learners") == 0
        reply = await world.send("answer", {"letter": "B"})
        assert "no open quiz" in reply.text


def descriptions(node: dict[str, Any], where: str = "/aipm") -> list[tuple[str, str]]:
    """Every description in a synced command, with where it is shown; choice names are shown too."""
    found = [(where, node["description"])]
    found += [(f"{where} choice", choice["name"]) for choice in node.get("choices", [])]
    for child in node.get("options", []):
        found += descriptions(child, f"{where} {child['name']}")
    return found


async def test_no_discord_description_shows_a_literal_backtick(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        tree = aipm_tree((await world.fake.wait_for(lambda h: h.kind == "sync"))[0])

    shown = descriptions(tree)
    assert len(shown) > 40  # every command, group and option
    assert [(where, text) for where, text in shown if "`" in text] == []
    assert all(0 < len(text) <= 100 for _, text in shown)


async def test_the_settings_group_says_what_it_holds(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        tree = aipm_tree((await world.fake.wait_for(lambda h: h.kind == "sync"))[0])

    settings = next(o for o in tree["options"] if o["name"] == "settings")
    for subject in ("time zone", "daily time", "nudges", "server"):
        assert subject in settings["description"]
    assert settings["description"] != next(o for o in settings["options"] if o["name"] == "show")["description"]
