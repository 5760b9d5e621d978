"""Track names as people type them: titles, prefixes and any case find the track; unclear names say what exists."""

from __future__ import annotations

import pytest

from bot import commands as cmd
from tests.conftest import Chat

COURSE = [("data-fluency", "Data fluency"), ("data-strategy", "Data strategy"), ("foundations", "Foundations of AI PM")]


@pytest.mark.parametrize(
    ("typed", "track_id"),
    [
        ("foundations", "foundations"),
        ("FOUNDATIONS", "foundations"),
        ("found", "foundations"),
        ("Data fluency", "data-fluency"),
        ("data fluency", "data-fluency"),
        ("data-strategy", "data-strategy"),
        ("data str", "data-strategy"),
        ("fluency", "data-fluency"),
    ],
)
def test_titles_prefixes_and_case_resolve_to_the_track_id(typed: str, track_id: str) -> None:
    assert cmd.resolve_track(typed, COURSE) == track_id


def test_an_ambiguous_prefix_lists_the_candidates() -> None:
    with pytest.raises(cmd.CommandError) as caught:
        cmd.resolve_track("data", COURSE)
    message = str(caught.value)
    assert "`data-fluency` (Data fluency)" in message
    assert "`data-strategy` (Data strategy)" in message
    assert "foundations" not in message


def test_an_unknown_track_says_what_exists() -> None:
    with pytest.raises(cmd.CommandError) as caught:
        cmd.resolve_track("zebra", COURSE)
    message = str(caught.value)
    assert "no track called `zebra`" in message
    assert all(f"`{track_id}`" in message for track_id, _ in COURSE)
    assert "Did you mean" not in message


def test_track_by_title_and_prefix_in_a_conversation(chat: Chat) -> None:
    assert "Beta data" in chat.send("track Beta data").text
    assert "(`beta`)" in chat.send("settings").text
    assert "Alpha basics" in chat.send("track ALPH").text
    assert "(`alpha`)" in chat.send("settings").text
    assert "Beta data" in chat.send("track data").text  # a word of the title
    assert "(`beta`)" in chat.send("settings").text


def test_an_unknown_track_in_a_conversation_changes_nothing(chat: Chat) -> None:
    chat.send("track alpha")
    reply = chat.send("track zebra")
    assert reply.kind == "error"
    assert all(f"`{name}`" in reply.text for name in ("alpha", "beta", "path"))
    assert "(`alpha`)" in chat.send("settings").text
