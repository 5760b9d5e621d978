"""Time zones as people type them: cities, accents, abbreviations and offsets, without deprecated aliases."""

from __future__ import annotations

import pytest

from bot.timezones import all_zones, resolve_zone, search_zones, suggest_zones
from tests.conftest import Chat


def zone_of(chat: Chat) -> str:
    text = chat.send("settings").text
    return text.split("Time zone: **", 1)[1].split("**", 1)[0]


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("new york", "America/New_York"),
        ("New York", "America/New_York"),
        ("sao paulo", "America/Sao_Paulo"),
        ("São Paulo", "America/Sao_Paulo"),
        ("SÃO PAULO", "America/Sao_Paulo"),
        ("europe/berlin", "Europe/Berlin"),
        ("buenos aires", "America/Argentina/Buenos_Aires"),
    ],
)
def test_city_names_as_typed_set_the_iana_zone(chat: Chat, typed: str, zone: str) -> None:
    reply = chat.send(f"settings tz {typed}")
    assert reply.kind != "error", reply.text
    assert f"**{zone}**" in reply.text
    assert zone_of(chat) == zone


@pytest.mark.parametrize(
    ("typed", "fragments"),
    [
        ("EST", ("fixed UTC-5 offset", "no daylight saving", "America/New_York")),
        ("est", ("no daylight saving", "America/New_York")),
        ("PST", ("America/Los_Angeles",)),
        ("CET", ("Europe/Berlin",)),
        ("IST", ("Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem", "Which one")),
        ("UTC+2", ("fixed offset", "daylight saving", "Etc/GMT-2", "reversed", "city")),
        ("GMT+2", ("Etc/GMT-2", "reversed")),
        ("UTC-5:30", ("fixed offset", "city")),
        ("+2", ("fixed offset", "Etc/GMT-2", "means UTC+2")),  # not the did-you-mean Etc/GMT+2, which is UTC-2
        ("-3", ("UTC-3", "Etc/GMT+3")),
        ("Narnia", ("don't know the time zone `Narnia`",)),
    ],
)
def test_abbreviations_offsets_and_bad_zones_explain_and_change_nothing(chat: Chat, typed: str, fragments: tuple[str, ...]) -> None:
    chat.send("settings tz Asia/Tokyo")
    reply = chat.send(f"settings tz {typed}")
    assert reply.kind == "error"
    for fragment in fragments:
        assert fragment in reply.text
    assert "Athens" not in reply.text  # an example city is not offered as if it kept the offset typed
    assert zone_of(chat) == "Asia/Tokyo"


def test_a_fixed_offset_zone_is_accepted_with_its_sign_explained(chat: Chat) -> None:
    reply = chat.send("settings tz Etc/GMT-2")
    assert reply.kind != "error"
    assert "UTC+2" in reply.text
    assert zone_of(chat) == "Etc/GMT-2"


def test_a_deprecated_alias_is_stored_under_its_current_name(chat: Chat) -> None:
    assert "**Asia/Kolkata**" in chat.send("settings tz Asia/Calcutta").text
    assert "**America/New_York**" in chat.send("settings tz US/Eastern").text
    assert zone_of(chat) == "America/New_York"


def test_suggestions_never_name_deprecated_aliases() -> None:
    zones = set(all_zones())
    for alias in ("Africa/Asmera", "Asia/Calcutta", "US/Eastern", "Brazil/West", "Europe/Kiev", "America/Buenos_Aires"):
        assert alias not in zones
    assert not [z for z in zones if z.split("/")[0] in ("US", "Brazil", "Canada", "Mexico", "Chile")]
    assert {"America/New_York", "Africa/Asmara", "Europe/Kyiv", "UTC"} <= zones
    assert suggest_zones("Asmera") == ["Africa/Asmara"]
    assert "Africa/Asmera" not in search_zones("asm")
    assert resolve_zone("berln").message.count("Europe/Berlin") >= 1
