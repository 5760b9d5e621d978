"""The core's settings from the environment (and an optional ``.env``): database, curriculum, zone, port.

Each adapter owns its platform's settings (``adapters/slack/settings.py``, ``adapters/discord/settings.py``),
built on these; ``app/settings.py`` puts them together for the entry points.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, SecretStr

from bot.store.url import DatabaseUrl

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigurationError(ValueError):
    """A setting from the environment that cannot be used; said in one line at start, before anything runs."""


def secret_from_env(name: str) -> SecretStr | None:
    """A secret as SecretStr, so it is never printed or logged; None when unset or blank."""
    value = os.environ.get(name, "").strip()
    return SecretStr(value) if value else None


def read_env_file(env_file: str | Path | None = ".env") -> None:
    """Load ``.env`` into the environment; values already in the environment win."""
    if env_file and Path(env_file).exists():
        from dotenv import load_dotenv

        load_dotenv(env_file, override=False)


class CoreSettings(BaseModel):
    db_path: str | None = None
    database_url: SecretStr | None = None
    """``AIPM_DATABASE_URL``: wins over ``AIPM_DB``; secret because it may carry a password."""
    content_dir: Path = PROJECT_ROOT / "content"
    content_policy: str = "course"
    default_tz: str | None = None
    port: int = 3000
    """The HTTP port this process serves on (Slack's events, health and metrics)."""
    report_pause_threshold: int = 3
    """``AIPM_REPORT_PAUSE_THRESHOLD``: distinct learners whose open reports pause a question in their workspace."""

    def database(self, explicit: str | None = None) -> DatabaseUrl:
        """The database to open: ``--db`` if given, else ``AIPM_DATABASE_URL``, else ``AIPM_DB``, else the default file."""
        from bot.store.drivers import resolve_url

        url = self.database_url.get_secret_value() if self.database_url else None
        return resolve_url(explicit, url, self.db_path)


def core_env() -> dict[str, Any]:
    """``AIPM_DATABASE_URL``, ``AIPM_DB``, ``AIPM_CONTENT_DIR``, ``AIPM_CONTENT_POLICY``, ``AIPM_DEFAULT_TZ``, ``PORT`` and
    ``AIPM_REPORT_PAUSE_THRESHOLD``."""
    return {
        "db_path": os.environ.get("AIPM_DB") or None,
        "database_url": secret_from_env("AIPM_DATABASE_URL"),
        "content_dir": Path(os.environ.get("AIPM_CONTENT_DIR") or PROJECT_ROOT / "content"),
        "content_policy": os.environ.get("AIPM_CONTENT_POLICY") or "course",
        "default_tz": os.environ.get("AIPM_DEFAULT_TZ") or None,
        "port": int(os.environ.get("PORT") or 3000),
        "report_pause_threshold": positive_int_from_env("AIPM_REPORT_PAUSE_THRESHOLD", 3),
    }


def positive_int_from_env(name: str, default: int) -> int:
    """A whole number of at least 1 from the environment; anything else stops the start with one line."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigurationError(f"{name} must be a whole number of at least 1, not {raw!r}")
    return int(raw)
