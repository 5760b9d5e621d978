"""Time-zone names: validation with zoneinfo (tzdata ships the database) and friendly suggestions."""

from __future__ import annotations

import difflib
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


@lru_cache(maxsize=1)
def all_zones() -> tuple[str, ...]:
    return tuple(sorted(z for z in available_timezones() if "/" in z or z == "UTC"))


@lru_cache(maxsize=1)
def _lower_map() -> dict[str, str]:
    return {z.lower(): z for z in all_zones()}


def canonical_zone(name: str) -> str | None:
    """The IANA spelling of ``name`` (case-insensitive), or None when there is no such zone."""
    if not name or len(name) > 64 or ".." in name or name.startswith("/"):
        return None
    exact = _lower_map().get(name.lower())
    if exact:
        return exact
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None
    return name


def suggest_zones(name: str, limit: int = 3) -> list[str]:
    lowered = name.lower()
    by_city = [z for z in all_zones() if lowered and lowered.split("/")[-1] in z.lower()]
    close = difflib.get_close_matches(lowered, list(_lower_map()), n=limit, cutoff=0.6)
    ordered = by_city + [_lower_map()[c] for c in close]
    return list(dict.fromkeys(ordered))[:limit]


def search_zones(prefix: str, limit: int = 25) -> list[str]:
    """Zones containing ``prefix``, best first: for autocomplete."""
    lowered = prefix.lower()
    starts = [z for z in all_zones() if z.lower().startswith(lowered)]
    contains = [z for z in all_zones() if lowered in z.lower() and z not in starts]
    return (starts + contains)[:limit]
