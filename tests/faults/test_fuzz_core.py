"""Fuzzing the core's inputs: any command text or button value gives a reply, never a crash or a trace."""

from __future__ import annotations

import string
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.clock import FixedClock
from bot.commands import CommandError, parse_command
from bot.content import ContentError, CoursePolicy, load_curriculum
from bot.context import Upload
from bot.messages import ACTIONS
from bot.service import CompanionService, Context
from bot.store.drivers.sqlite import SqliteRepository
from tests.conftest import FIXTURE_CONTENT as FIXTURES
from tests.conftest import START, Chat

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


TRACK_FILE = (Path(__file__).resolve().parents[1] / "fixtures" / "workspace" / "acme-policy.yaml").read_text(encoding="utf-8")


@settings(max_examples=150, deadline=None)
@given(body=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode), yaml_like.map(lambda v: repr(v).encode()),
                      st.integers(0, len(TRACK_FILE)).map(lambda cut: TRACK_FILE[:cut].encode())))
def test_any_uploaded_track_is_imported_or_refused_with_reasons_and_nothing_stored(body: bytes) -> None:
    """A workspace's upload: imported whole, or refused with ``file:line: reason`` lines and nothing stored."""
    with tempfile.TemporaryDirectory() as tmp:
        repo = SqliteRepository(Path(tmp) / "fuzz.db")
        try:
            service = CompanionService(repo, load_curriculum(FIXTURES, CoursePolicy.relaxed()), FixedClock(START))
            admin = Context(workspace_id="W", platform="console", user_id="U", is_admin=True)
            reply = service.handle_upload(admin, "admin import", Upload("up.yaml", body))
            stored = repo.workspace_tracks("W")
            if reply.kind == "error":
                assert stored == []
                assert all(line.startswith("• up.yaml:") for line in reply.text.splitlines()[1:] if line.startswith("•"))
                assert "Traceback" not in reply.text
            else:
                assert [t.track_id for t in stored] == ["acme-policy"]
        finally:
            repo.close()
