"""Fuzzing the core's inputs: any command text or button value gives a reply, never a crash or a trace."""

from __future__ import annotations

import string
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.commands import CommandError, parse_command
from bot.content import ContentError, CoursePolicy, load_curriculum
from bot.messages import ACTIONS
from bot.store.drivers.sqlite import SqliteRepository
from tests.conftest import Chat

WORDS = ["help", "tip", "quiz", "answer", "streak", "stats", "review", "leaderboard", "tracks", "track", "settings",
         "tz", "time", "nudges", "subscribe", "unsubscribe", "forget-me", "confirm", "week", "all", "A", "e", "09:00",
         "Europe/Paris", "Mars/Base", "alpha", "../../etc", "'; DROP TABLE answers; --", "\x00", "🔥", "25:99"]
command_text = st.one_of(
    st.text(max_size=80),
    st.lists(st.sampled_from(WORDS), max_size=6).map(" ".join),
    st.lists(st.text(alphabet=string.printable, max_size=12), max_size=5).map(" ".join),
)
STATE_TABLES = ("answers", "cards", "activity", "subscriptions", "tip_views")


def stored(repo: SqliteRepository) -> int:
    return sum(int(repo.db.query(f"SELECT COUNT(*) AS n FROM {t}")[0]["n"]) for t in STATE_TABLES)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=command_text)
def test_any_command_text_gets_a_reply_and_bad_input_stores_nothing(chat: Chat, repo: SqliteRepository, text: str) -> None:
    try:
        parse_command(text)
        valid = True
    except CommandError:
        valid = False
    before = stored(repo)
    reply = chat.send(text)
    assert reply.text
    assert "Traceback" not in reply.text
    if not valid:
        assert reply.kind == "error"
        assert stored(repo) == before


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(action=st.one_of(st.sampled_from(ACTIONS), st.text(max_size=30)), value=st.text(max_size=120))
def test_any_button_payload_gets_a_reply(chat: Chat, repo: SqliteRepository, action: str, value: str) -> None:
    reply = chat.service.handle_action(chat.ctx, action, value)
    assert reply.text
    assert "Traceback" not in reply.text
    assert int(repo.db.query("SELECT COUNT(*) AS n FROM answers")[0]["n"]) == 0


yaml_like = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20)),
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(st.text(max_size=10), children, max_size=4)),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(body=st.one_of(st.text(max_size=300), yaml_like.map(repr)))
def test_any_content_file_is_loaded_or_refused_with_reasons(body: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tracks = Path(tmp) / "tracks"
        tracks.mkdir()
        (tracks / "fuzz.yaml").write_text(body, encoding="utf-8")
        problems: list[str] = []
        try:
            load_curriculum(tmp, CoursePolicy.relaxed())
        except ContentError as error:
            problems = error.problems or ["<empty>"]
        assert all(p.startswith(str(tracks)) for p in problems)
