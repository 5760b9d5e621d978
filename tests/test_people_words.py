"""Words a person uses: "1 point", a source named or not mentioned, one daily time in settings."""

from __future__ import annotations

import pytest

from adapters.console import ConsoleAdapter
from bot.render.learning import named_source
from bot.service import CompanionService


def console(service: CompanionService) -> ConsoleAdapter:
    return ConsoleAdapter(service, user="ada", tz="Europe/Paris")


def test_one_point_is_one_point_not_one_points(service: CompanionService) -> None:
    ada = console(service)
    quiz = ada.send("quiz").text
    question = next(q for q in service.content.questions.values() if q.prompt[:40] in quiz)
    ada.send(next(letter for letter in question.letters if letter != question.answer))  # wrong: one point
    board = ada.send("leaderboard").text
    assert "— 1 point (" in board
    assert "pts" not in board
    assert "1 points" not in board


@pytest.mark.parametrize("cite", ["source article, 2026", "The article", "Source (2026)", "a study", ""])
def test_a_cite_that_names_nothing_is_not_shown(cite: str) -> None:
    assert named_source(cite) is None


def test_a_cite_that_names_a_source_is_shown() -> None:
    assert named_source("Kohavi et al., Trustworthy Online Controlled Experiments, 2020") is not None


def test_the_bundled_placeholders_never_reach_a_learner(service: CompanionService) -> None:
    ada = console(service)
    for _ in range(5):
        for said in (ada.send("tip").text, ada.send("quiz").text):
            assert "source article" not in said.lower()


def test_settings_without_a_dm_shows_one_time_and_says_it_waits_for_subscribe(service: CompanionService) -> None:
    shown = console(service).send("settings").text
    assert shown.count("Daily time:") == 1
    assert "Daily DM" not in shown
    assert "apply once you subscribe to one (`subscribe` in a direct message)" in shown


def test_settings_with_a_dm_shows_its_one_time_track_and_days(service: CompanionService) -> None:
    ada = console(service)
    ada.send("settings time 07:15")
    assert "Subscribed" in ada.send("subscribe 08:30 mon,wed").text
    shown = ada.send("settings").text
    assert shown.count("Daily time:") == 1
    line = next(line for line in shown.splitlines() if line.startswith("Daily time:"))
    assert "08:30" in line
    assert "07:15" not in shown
    assert "Mon" in line, line
    assert "Wed" in line, line
    assert "from **" in line
    assert "apply once you" not in shown
