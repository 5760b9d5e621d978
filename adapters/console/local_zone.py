"""The terminal's own time zone, so a console learner's streak days follow their clock without a setting."""

from __future__ import annotations

import os
from pathlib import Path

from bot.timezones import canonical_zone


def local_zone_name(environ: dict[str, str] | None = None, localtime: Path = Path("/etc/localtime")) -> str | None:
    """``TZ`` if it names an IANA zone, else the zone ``/etc/localtime`` links to; None when unknown."""
    env = os.environ if environ is None else environ
    candidate = env.get("TZ", "").lstrip(":")
    if candidate and canonical_zone(candidate):
        return canonical_zone(candidate)
    try:
        target = str(localtime.resolve())
    except OSError:
        return None
    marker = "zoneinfo/"
    if marker in target:
        name = target.split(marker, 1)[1]
        if name not in ("UTC", "Etc/UTC") and canonical_zone(name):
            return canonical_zone(name)
    return None
