"""Time-zone names as people type them: IANA validation with zoneinfo (tzdata ships the database), cities,
abbreviations and UTC offsets explained, and suggestions that never name a deprecated alias."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

if TYPE_CHECKING:
    from bot.commands.syntax import Syntax, Wording

# The areas IANA files current zones under; US/*, Brazil/*, Canada/* and the like are backward-compatible aliases.
_AREAS = ("Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific")


def _tzdata_text(name: str) -> str:
    try:
        return (resources.files("tzdata") / "zoneinfo" / name).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return ""


@lru_cache(maxsize=1)
def _links() -> dict[str, str]:
    """Alias to target, from the ``L target alias`` lines of tzdata.zi."""
    links = {}
    for line in _tzdata_text("tzdata.zi").splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "L":
            links[parts[2]] = parts[1]
    return links


@lru_cache(maxsize=1)
def all_zones() -> tuple[str, ...]:
    """Zones worth offering: the ones zone.tab lists for a country, the Etc/GMT offsets and UTC; no deprecated aliases."""
    available = available_timezones()
    listed = {line.split("\t")[2] for line in _tzdata_text("zone.tab").splitlines() if line and not line.startswith("#")}
    if listed:
        current = {z for z in listed if z in available}
    else:  # no zone.tab: fall back to the current areas, minus names that are links
        current = {z for z in available if z.split("/")[0] in _AREAS and z not in _links()}
    offsets = {z for z in available if re.fullmatch(r"Etc/GMT[+-]\d{1,2}", z)}
    return tuple(sorted(current | offsets | {"UTC"}))


@lru_cache(maxsize=1)
def _lower_map() -> dict[str, str]:
    return {z.lower(): z for z in available_timezones()}


def _current(zone: str) -> str:
    """The current name of a zone: ``Asia/Calcutta`` is ``Asia/Kolkata``, ``US/Eastern`` is ``America/New_York``."""
    if zone in all_zones():
        return zone
    target = zone
    for _ in range(3):
        target = _links().get(target, target)
        if target in all_zones():
            return target
    return zone


def canonical_zone(name: str) -> str | None:
    """The current IANA spelling of ``name`` (case-insensitive, aliases followed), or None when there is no such zone."""
    if not name or len(name) > 64 or ".." in name or name.startswith("/"):
        return None
    exact = _lower_map().get(name.lower())
    if exact:
        return _current(exact)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None
    return _current(name)


def _fold(text: str) -> str:
    """Lower case, no accents, spaces for underscores: ``São_Paulo`` and ``sao paulo`` fold alike."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.lower().replace("_", " ").replace("-", " ").split())


@lru_cache(maxsize=1)
def _by_city() -> dict[str, tuple[str, ...]]:
    cities: dict[str, list[str]] = {}
    for zone in all_zones():
        if "/" in zone and not zone.startswith("Etc/"):
            cities.setdefault(_fold(zone.rsplit("/", 1)[1]), []).append(zone)
            cities.setdefault(_fold(zone), []).append(zone)
    return {city: tuple(zones) for city, zones in cities.items()}


@dataclass(frozen=True)
class ZoneLookup:
    """What a typed time zone means: a zone, or a sentence saying why not and what to send instead (a
    ``Wording`` when it names the command to send, written for the asker's platform)."""

    zone: str | None
    message: str | Wording = ""


@dataclass(frozen=True)
class ZoneCommand:
    """The command a zone was typed for and its zone option, so a hint repeats that command with a better zone."""

    name: str = "settings tz"
    option: str = "zone"

    def __call__(self, say: Syntax, zone: str | None = None) -> str:
        return say(self.name, **{self.option: zone}) if zone else say(self.name)


SETTINGS_TZ = ZoneCommand()


_ABBREVIATIONS: dict[str, tuple[str, str, str]] = {
    # abbreviation: (what it is, what people usually mean by it, the city that keeps that time all year)
    "EST": ("a fixed UTC-5 offset with no daylight saving", "US Eastern time", "America/New_York"),
    "EDT": ("US Eastern daylight time (UTC-4), which only applies in summer", "US Eastern time", "America/New_York"),
    "CDT": ("US Central daylight time (UTC-5), which only applies in summer", "US Central time", "America/Chicago"),
    "MST": ("a fixed UTC-7 offset with no daylight saving", "US Mountain time", "America/Denver"),
    "MDT": ("US Mountain daylight time (UTC-6), which only applies in summer", "US Mountain time", "America/Denver"),
    "PST": ("US Pacific standard time (UTC-8), which only applies in winter", "US Pacific time", "America/Los_Angeles"),
    "PDT": ("US Pacific daylight time (UTC-7), which only applies in summer", "US Pacific time", "America/Los_Angeles"),
    "CET": ("Central European time (UTC+1), which only applies in winter", "Central European time", "Europe/Berlin"),
    "CEST": ("Central European summer time (UTC+2)", "Central European time", "Europe/Berlin"),
    "EET": ("Eastern European time (UTC+2), which only applies in winter", "Eastern European time", "Europe/Athens"),
    "WET": ("Western European time (UTC+0), which only applies in winter", "Western European time", "Europe/Lisbon"),
    "JST": ("Japan standard time (UTC+9)", "Japan", "Asia/Tokyo"),
    "KST": ("Korea standard time (UTC+9)", "Korea", "Asia/Seoul"),
    "AEST": ("Australian Eastern standard time (UTC+10), which only applies in winter", "Sydney and Melbourne", "Australia/Sydney"),
    "HST": ("a fixed UTC-10 offset", "Hawaii", "Pacific/Honolulu"),
}
_AMBIGUOUS: dict[str, tuple[tuple[str, str], ...]] = {
    "IST": (("India", "Asia/Kolkata"), ("Ireland", "Europe/Dublin"), ("Israel", "Asia/Jerusalem")),
    "CST": (("US Central", "America/Chicago"), ("China", "Asia/Shanghai"), ("Cuba", "America/Havana")),
    "BST": (("the UK in summer", "Europe/London"), ("Bangladesh", "Asia/Dhaka")),
}
_OFFSET = re.compile(r"^(?:UTC|GMT)?\s*([+-−])\s*([0-9]{1,2})(?::?([0-9]{2}))?$", re.IGNORECASE)  # "UTC+2", "GMT-3", "+2"


def _explain_offset(text: str, sign: str, hours: int, minutes: int, send: ZoneCommand) -> ZoneLookup:
    east = sign == "+"
    written = f"UTC{'+' if east else '-'}{hours}" + (f":{minutes:02d}" if minutes else "")
    why = f"`{text}` is a fixed offset ({written}): it ignores daylight saving, so your days would drift by an hour for part of the year."
    etc = f"Etc/GMT{'-' if east else '+'}{hours}"

    def city(say: Syntax) -> str:
        return f"{why} Name your city instead, for example {send(say, 'new york')} or {send(say, 'Europe/Berlin')}."

    if minutes or etc not in all_zones():
        return ZoneLookup(None, city)
    return ZoneLookup(None, lambda say: (
        f"{city(say)} If you really want the fixed offset, send {send(say, etc)}: the sign in Etc names is reversed, so `{etc}` means {written}."
    ))


def resolve_zone(text: str, send: ZoneCommand = SETTINGS_TZ) -> ZoneLookup:
    """Read a zone as people type it: ``Europe/Berlin``, ``new york``, ``São Paulo``, ``EST``, ``UTC+2``.

    ``send`` is the command it was typed for: its hints suggest that command again with a zone that works."""
    typed = " ".join(text.split())
    if not typed:
        return ZoneLookup(None, lambda say: f"Tell me one time zone, for example {send(say, 'Europe/Berlin')}.")
    upper = typed.upper()
    if upper in _ABBREVIATIONS:
        what, meaning, city = _ABBREVIATIONS[upper]
        return ZoneLookup(None, lambda say: f"`{typed}` is {what}. For {meaning} all year round, send a city: {send(say, city)}.")
    if upper in _AMBIGUOUS:
        options = ", ".join(f"{place}: `{zone}`" for place, zone in _AMBIGUOUS[upper])
        return ZoneLookup(None, lambda say: f"`{typed}` means different places. Which one is yours? {options}. Send {send(say)} with the city.")
    offset = _OFFSET.match(typed)
    if offset:
        sign = "+" if offset.group(1) == "+" else "-"
        return _explain_offset(typed, sign, int(offset.group(2)), int(offset.group(3) or 0), send)
    zone = canonical_zone(typed.replace(" ", "_"))
    if zone:
        return ZoneLookup(zone)
    cities = _by_city().get(_fold(typed), ())
    if len(cities) == 1:
        return ZoneLookup(cities[0])
    if cities:
        listed = ", ".join(f"`{z}`" for z in cities)
        return ZoneLookup(None, lambda say: f"`{typed}` could be {listed}. Send {send(say)} with the one you mean.")
    suggestions = suggest_zones(typed)
    hint = f" Did you mean {', '.join(f'`{s}`' for s in suggestions)}?" if suggestions else ""
    return ZoneLookup(None, f"I don't know the time zone `{typed}`.{hint} Use a city like `Europe/Berlin` or `America/New_York`.")


def zone_span(words: Sequence[str], longest: int = 3) -> tuple[int, int] | None:
    """Where among ``words`` a time zone is written the way people type one (``Europe/Paris``, ``new york``,
    ``EST``, ``UTC+2``): the longest run of up to ``longest`` words, leftmost first; None when none reads as one.

    A command that takes a zone among other words (``subscribe 09:00 new york career``) finds it here and
    ``resolve_zone`` then says what it means, so an abbreviation or a city is never taken for a track name."""
    for size in range(min(longest, len(words)), 0, -1):
        for start in range(len(words) - size + 1):
            if _reads_as_zone(" ".join(words[start:start + size])):
                return start, start + size
    return None


def _reads_as_zone(text: str) -> bool:
    """What ``resolve_zone`` resolves or explains: one word may be an IANA or legacy name (``Europe/Paris``,
    ``UTC``, ``Japan``), an abbreviation or an offset, and any ``Area/City`` word, known or not (so an unknown
    one gets its "I don't know" rather than being taken for a track); several words only a city."""
    if " " not in text:
        upper = text.upper()
        if "/" in text or upper in _ABBREVIATIONS or upper in _AMBIGUOUS or _OFFSET.match(text) or canonical_zone(text):
            return True
    return _fold(text) in _by_city()


def zone_note(zone: str) -> str:
    """A sentence to add when someone picks a fixed-offset zone, whose sign surprises everyone."""
    match = re.fullmatch(r"Etc/GMT([+-])(\d{1,2})", zone)
    if not match:
        return ""
    real = "-" if match.group(1) == "+" else "+"
    return f" Note: `{zone}` is UTC{real}{match.group(2)} (Etc names reverse the sign) and ignores daylight saving."


def suggest_zones(name: str, limit: int = 3) -> list[str]:
    folded = _fold(name)
    city = folded.split("/")[-1]
    by_city = [z for z in all_zones() if city and "/" in z and city in _fold(z.rsplit("/", 1)[1])]
    close_cities = difflib.get_close_matches(city, list(_by_city()), n=limit, cutoff=0.75)
    from_close = [z for c in close_cities for z in _by_city()[c]]
    return list(dict.fromkeys(by_city + from_close))[:limit]


def search_zones(prefix: str, limit: int = 25) -> list[str]:
    """Zones containing ``prefix``, best first: for autocomplete."""
    lowered = _fold(prefix)
    starts = [z for z in all_zones() if _fold(z).startswith(lowered) or _fold(z.rsplit("/", 1)[-1]).startswith(lowered)]
    contains = [z for z in all_zones() if lowered in _fold(z) and z not in starts]
    return (starts + contains)[:limit]
