"""Tenant isolation: a learner of one workspace never reads or changes another's data, whatever they send."""

from __future__ import annotations

from dataclasses import replace

from bot.messages import ACTIONS
from bot.store.drivers.sqlite import SqliteRepository
from tests.conftest import Chat

COMMANDS = ["help", "tip", "quiz", "answer A", "streak", "stats", "review", "leaderboard week", "leaderboard all", "tracks",
            "track beta", "settings", "settings tz Asia/Tokyo", "settings time 06:00", "settings nudges off",
            "settings workspace-tz Asia/Tokyo", "subscribe 07:00", "unsubscribe", "forget-me", "forget-me confirm"]


def workspace_rows(repo: SqliteRepository, workspace: str) -> dict[str, list[tuple[object, ...]]]:
    tables = ["learners", "answers", "cards", "activity", "tip_views", "quiz_instances", "subscriptions", "tz_changes"]
    return {t: [tuple(r) for r in repo.db.query(f"SELECT * FROM {t} WHERE workspace_id = ? ORDER BY 1, 2", (workspace,))] for t in tables}


def test_another_workspace_cannot_see_or_change_anything(chat: Chat, repo: SqliteRepository) -> None:
    admin = Chat(chat.service, replace(chat.ctx, is_admin=True))
    admin.send("subscribe 09:00 Europe/Paris")
    quiz = chat.send("quiz")
    chat.send("answer A")
    open_quiz = chat.send("quiz")
    victim = workspace_rows(repo, "T1")
    # Same user id, same channel id, admin rights: only the workspace differs.
    intruder = Chat(chat.service, replace(chat.ctx, workspace_id="T2", display_name="Mallory", is_admin=True))
    for text in COMMANDS:
        reply = intruder.send(text)
        assert "Ada" not in reply.text
    for source in (quiz, open_quiz):
        for button in source.buttons:
            intruder.service.handle_action(intruder.ctx, button.action_id, button.value)
    for action in ACTIONS:
        intruder.service.handle_action(intruder.ctx, action, f"{open_quiz.quiz_instance_id}:A")
    assert workspace_rows(repo, "T1") == victim
    assert "No answers yet" in intruder.send("leaderboard all").text
