"""The console's settings: whether each picture it saves is also opened in the system's image viewer."""

from __future__ import annotations

import os
from typing import Any

from bot.config import ConfigurationError, CoreSettings

_YES = ("1", "true", "yes", "on")
_NO = ("", "0", "false", "no", "off")


class ConsoleSettings(CoreSettings):
    console_open_images: bool = False
    """``AIPM_CONSOLE_OPEN_IMAGES=1``: what ``--open-images`` does, for ``make run``'s console."""


def console_env() -> dict[str, Any]:
    """``AIPM_CONSOLE_OPEN_IMAGES``: 1/true/yes/on or 0/false/no/off (unset is off)."""
    value = os.environ.get("AIPM_CONSOLE_OPEN_IMAGES", "").strip().lower()
    if value not in _YES + _NO:
        raise ConfigurationError(f"AIPM_CONSOLE_OPEN_IMAGES must be 1 or 0, not {value!r}")
    return {"console_open_images": value in _YES}
