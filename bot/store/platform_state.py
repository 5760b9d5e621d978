"""The platform-state port: what adapters keep in the bot's database that the core never reads.

OAuth installations (one row per install, the platform's own record kept whole as JSON beside its lookup
keys), one-time OAuth ``state`` values, and the durable intake of acknowledged requests (its port is
:class:`bot.intake.IntakeStore`). Adapters wrap this in their library's interface (slack_sdk's
InstallationStore); drivers implement it next to the repository so one backup holds everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from bot.intake import IntakeStore

InstallationKind = Literal["installation", "bot"]

__all__ = ["InstallationKind", "InstallationRecord", "IntakeStore", "PlatformState"]


@dataclass(frozen=True)
class InstallationRecord:
    kind: InstallationKind
    """An app installation (with the installing user) or the bot it created."""
    client_id: str
    enterprise_id: str | None
    team_id: str | None
    user_id: str | None
    is_enterprise_install: bool
    installed_at: float
    data: str
    """The platform library's own record, as JSON, so fields it adds later survive a round trip."""


class PlatformState(Protocol):
    def save_installation(self, record: InstallationRecord) -> None:
        """Append; the newest row for a lookup key wins. Atomic."""
        ...

    def newest_installation(
        self, kind: InstallationKind, client_id: str, enterprise_id: str | None, team_id: str | None, user_id: str | None = None,
    ) -> str | None:
        """The newest record's data for these keys (``None`` keys match only missing values)."""
        ...

    def delete_installations(
        self, kind: InstallationKind, client_id: str, enterprise_id: str | None, team_id: str | None, user_id: str | None = None,
    ) -> None: ...

    def issue_oauth_state(self, state: str, expires_at: int, now: int) -> None:
        """Store a one-time state (and forget expired ones)."""
        ...

    def consume_oauth_state(self, state: str, now: int) -> bool:
        """True once for a state issued and not expired; deleting and reading it is one statement, so two
        redirects carrying the same state (a replay) cannot both succeed, on any number of processes."""
        ...
