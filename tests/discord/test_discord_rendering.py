"""Reply → embed and buttons, custom ids, track choices and the invite link: pure functions, no gateway."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import discord
import pytest

from adapters.discord.bridge import DEFER_AFTER
from adapters.discord.commands import command_text, track_choices
from adapters.discord.components import TEMPLATE, custom_id_for, is_ours
from adapters.discord.embeds import DESCRIPTION_MAX, TITLE_MAX, render_embed, render_reply
from adapters.discord.invite import BOT_PERMISSIONS, invite_url, print_invite_url
from adapters.discord.messenger import nonce_for
from bot.messages import ACTION_ANSWER, Button, Image, Reply, Section, error_reply


def test_the_first_section_title_is_the_embed_title_and_later_ones_stay_in_reading_order() -> None:
    reply = Reply(text="x", kind="stats", sections=(
        Section(text="A note first."), Section(title="Your stats", text="Answered: **3**"), Section(title="By topic", text="• metrics: 2/3"),
    ))

    embed = render_embed(reply)

    assert embed.title == "Your stats"
    assert embed.description == "A note first.\n\nAnswered: **3**\n\n**By topic**\n• metrics: 2/3"


def test_markup_passes_through_untouched() -> None:
    embed = render_embed(Reply(text="x", sections=(Section(text="**bold** _italic_ `code`"),)))

    assert embed.description == "**bold** _italic_ `code`"
    assert embed.title is None


def test_limits_are_enforced_with_an_ellipsis() -> None:
    reply = Reply(text="x", sections=(Section(title="T" * 300, text="word " * 2000),))

    embed = render_embed(reply)

    assert embed.title is not None
    assert len(embed.title) == TITLE_MAX
    assert embed.title.endswith("…")
    assert embed.description is not None
    assert len(embed.description) <= DESCRIPTION_MAX
    assert embed.description.endswith("…")


def test_a_reply_without_sections_falls_back_to_its_text() -> None:
    assert render_embed(Reply(text="Plain fallback")).description == "Plain fallback"


def test_errors_are_red() -> None:
    assert render_embed(error_reply("No.")).colour == discord.Colour.red()


def test_buttons_become_rows_of_five_with_stable_custom_ids_and_styles() -> None:
    buttons = tuple(Button(f"B{i}", ACTION_ANSWER, f"feed:{'ABCDE'[i % 5]}", "primary" if i == 0 else "default") for i in range(7))
    rendered = render_reply(Reply(text="x", sections=(Section(text="q", buttons=buttons),)))

    assert rendered.view is not None
    rows = rendered.view.to_components()
    assert [len(row["components"]) for row in rows] == [5, 2]
    first = rows[0]["components"][0]
    assert first["custom_id"] == f"{ACTION_ANSWER}|feed:A"
    assert first["style"] == discord.ButtonStyle.primary.value
    assert rows[0]["components"][1]["style"] == discord.ButtonStyle.secondary.value


def test_a_reply_without_buttons_has_no_view() -> None:
    assert render_reply(Reply(text="x", sections=(Section(text="q"),))).view is None


def test_an_image_is_attached_and_referenced() -> None:
    rendered = render_reply(Reply(text="x", sections=(Section(text="q"),), image=Image(b"png", "chart", "c.png")))

    assert [f.filename for f in rendered.files] == ["c.png"]
    assert rendered.embed.image.url == "attachment://c.png"
    assert rendered.replace_kwargs()["attachments"] == rendered.files


def test_custom_ids_round_trip_through_the_template() -> None:
    custom_id = custom_id_for(ACTION_ANSWER, "0123456789abcdef:C")

    match = TEMPLATE.fullmatch(custom_id)

    assert match is not None
    assert match["action"] == ACTION_ANSWER
    assert match["value"] == "0123456789abcdef:C"
    assert is_ours(custom_id)
    assert not is_ours("poll:yes")
    assert not is_ours("aipm_answer|a|b")


@pytest.mark.parametrize(("action", "value"), [(ACTION_ANSWER, "x" * 81), (ACTION_ANSWER, "a|b"), ("other_action", "v")])
def test_custom_ids_the_handler_could_not_read_are_refused(action: str, value: str) -> None:
    with pytest.raises(ValueError, match="custom_id"):
        custom_id_for(action, value)


def test_command_text_leaves_out_absent_options() -> None:
    assert command_text("subscribe", None, " Europe/Paris ", None, "daily") == "subscribe Europe/Paris daily"


def test_track_choices_list_the_path_first_match_what_is_typed_and_stop_at_25() -> None:
    options = [("path", "Test path"), ("alpha", "Alpha basics"), ("beta", "Beta data")]
    assert [c.value for c in track_choices(options)] == ["path", "alpha", "beta"]
    assert [c.value for c in track_choices(options, "Bet")] == ["beta"]
    many = [(f"track-{i}", f"Track {i}") for i in range(30)]
    choices = track_choices(many)
    assert len(choices) == 25
    assert choices[0].value == "track-0"


def test_nonces_are_stable_and_fit_discords_limit() -> None:
    assert nonce_for("sub-1:2025-03-03:quiz") == nonce_for("sub-1:2025-03-03:quiz") != nonce_for("sub-1:2025-03-04:quiz")
    assert len(nonce_for("k" * 500)) == 25


def test_the_invite_url_asks_for_exactly_the_documented_scopes_and_permissions() -> None:
    url = invite_url("123456789012345678")

    assert url == "https://discord.com/oauth2/authorize?client_id=123456789012345678&scope=bot+applications.commands&permissions=2147601408"
    query = parse_qs(urlparse(url).query)
    assert query["scope"] == ["bot applications.commands"]
    granted = discord.Permissions(int(query["permissions"][0]))
    assert granted == discord.Permissions(
        view_channel=True, send_messages=True, embed_links=True, attach_files=True, read_message_history=True, use_application_commands=True,
    )
    assert granted == BOT_PERMISSIONS


def test_the_invite_url_refuses_something_that_is_not_an_application_id(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ValueError, match="Application ID"):
        invite_url("my-bot")
    assert print_invite_url(None) == 2
    assert "DISCORD_APPLICATION_ID" in capsys.readouterr().err
    assert print_invite_url("42") == 0
    assert capsys.readouterr().out.strip().endswith("permissions=2147601408")


def test_production_defers_well_inside_discords_three_seconds() -> None:
    assert 0 < DEFER_AFTER <= 2.0
