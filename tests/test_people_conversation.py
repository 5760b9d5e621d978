"""Conversation as a new user has it: leaving, greetings, wrong letters, typos and a plain yes or no."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

from adapters.console import ConsoleAdapter
from bot import commands as cmd
from bot.clock import FixedClock
from bot.service import CompanionService
from tests.conftest import Chat


def script(service: CompanionService, *lines: str) -> str:
    out = io.StringIO()
    assert ConsoleAdapter(service, user="ada", tz="Europe/Paris").run_script(lines, out) == 0
    return out.getvalue()


@pytest.mark.parametrize("word", ["exit", "quit", "EXIT", "/aipm quit"])
def test_exit_and_quit_leave_the_console(service: CompanionService, word: str) -> None:
    out = script(service, "tip", word, "quiz")
    assert "Bye!" in out
    assert "> quiz" not in out
    assert "Did you mean" not in out


@pytest.mark.parametrize("word", ["hi", "hello", "hey", "Hi!", "thanks"])
def test_greetings_get_a_short_hello_and_a_hint(chat: Chat, word: str) -> None:
    reply = chat.send(word)
    assert reply.kind != "error"
    assert "`quiz`" in reply.text
    assert "`tip`" in reply.text
    assert len(reply.text) < 300


def test_quit_on_a_chat_platform_says_goodbye_rather_than_suggesting_quiz(chat: Chat) -> None:
    reply = chat.send("quit")
    assert reply.kind != "error"
    assert "Bye" in reply.text
    assert "quiz" not in reply.text.lower()


@pytest.mark.parametrize("typed", ["answer Z", "Z", "answer e"])
def test_a_letter_that_is_not_an_option_lists_the_questions_letters(service: CompanionService, typed: str) -> None:
    console = ConsoleAdapter(service, user="ada", tz="Europe/Paris")
    question_text = console.send("quiz").text
    question = next(q for q in service.content.questions.values() if q.prompt[:40] in question_text)
    assert "E" not in question.letters
    reply = console.send(typed)
    assert reply.kind == "error"
    assert f"`{typed[-1].upper()}` is not an option" in reply.text
    assert f"{question.letters[0]} to {question.letters[-1]}" in reply.text
    assert all(letter in reply.text for letter in question.letters)
    assert console.send(question.letters[0]).kind == "answer"  # the quiz is still open


def test_a_wrong_letter_without_a_quiz_says_how_to_get_one(chat: Chat) -> None:
    assert "no open quiz" in chat.send("answer Z").text


@pytest.mark.parametrize("typed", ["clear", "quit", "exit", "lol", "stop", "z", "hm", "ok", "reset", "delete"])
def test_did_you_mean_never_suggests_an_unrelated_command(chat: Chat, typed: str) -> None:
    reply = chat.send(typed)
    for unrelated in ("leaderboard", "quiz", "tip", "top", "a", "tracks", "review"):
        assert f"Did you mean `{unrelated}`" not in reply.text


@pytest.mark.parametrize(("typo", "command"), [("quizz", "quiz"), ("strek", "streak"), ("leaderbord", "leaderboard"), ("stast", "stats"), ("tpi", "tip")])
def test_did_you_mean_still_catches_real_typos(chat: Chat, typo: str, command: str) -> None:
    assert f"Did you mean `{command}`?" in chat.send(typo).text


def test_close_enough_needs_a_real_edit_distance() -> None:
    assert cmd.suggest("clear", ["leaderboard", "help", "tracks"]) is None
    assert cmd.suggest("quiet", ["quiz"]) is None
    assert cmd.suggest("hepl", ["help", "tip"]) == "help"
    assert cmd.edit_distance("alpah", "alpha") == 1


def answered_a_quiz(chat: Chat) -> None:
    chat.send("quiz")
    chat.send("answer A")
    assert "1 day" in chat.send("streak").text


def test_yes_answers_a_pending_forget_me(chat: Chat) -> None:
    answered_a_quiz(chat)
    assert "Are you sure?" in chat.send("forget-me").text
    assert "Done: I deleted" in chat.send("yes").text
    assert "No streak yet" in chat.send("streak").text


def test_no_keeps_everything(chat: Chat) -> None:
    answered_a_quiz(chat)
    chat.send("forget-me")
    assert "kept everything" in chat.send("no").text
    assert "I wasn't waiting" in chat.send("yes").text  # the question was answered; a later yes deletes nothing
    assert "1 day" in chat.send("streak").text


def test_yes_with_nothing_pending_or_too_late_deletes_nothing(chat: Chat, clock: FixedClock) -> None:
    answered_a_quiz(chat)
    assert "I wasn't waiting" in chat.send("yes").text
    chat.send("forget-me")
    clock.advance(timedelta(minutes=6))
    assert "I wasn't waiting" in chat.send("yes").text
    assert "1 day" in chat.send("streak").text


def test_cancel_button_then_yes_deletes_nothing(chat: Chat) -> None:
    answered_a_quiz(chat)
    chat.send("forget-me")
    chat.click("Cancel")
    assert "I wasn't waiting" in chat.send("yes").text
    assert "1 day" in chat.send("streak").text


def test_yes_is_per_learner(chat: Chat) -> None:
    answered_a_quiz(chat)
    chat.send("forget-me")
    other = chat.as_user("U2")
    assert "I wasn't waiting" in other.send("yes").text
    assert "1 day" in chat.send("streak").text


def test_y_in_the_console_confirms_forget_me(service: CompanionService) -> None:
    out = script(service, "quiz", "A", "forget-me", "y", "streak")
    assert "Done: I deleted" in out
    assert "No streak yet" in out


@pytest.mark.parametrize("word", ["exit", "quit"])
def test_exit_leaves_the_interactive_console(service: CompanionService, monkeypatch: pytest.MonkeyPatch, word: str) -> None:
    from rich.console import Console

    typed = iter(["tip", word, "quiz"])
    monkeypatch.setattr("builtins.input", lambda *_: next(typed))
    screen = io.StringIO()
    code = ConsoleAdapter(service, user="ada", tz="Europe/Paris").run_interactive(Console(file=screen, width=100))
    assert code == 0
    assert "Bye!" in screen.getvalue()
    assert next(typed) == "quiz"  # never read: the chat ended at `exit`
