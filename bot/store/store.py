"""The store: one database, every port over it, and the operations an operator runs on it.

A driver opens one :class:`Store` per process; the core takes ``repo``, delivery takes ``delivery``, the
adapters take ``intake`` and ``platform``. All four share the driver's transactions, so the intake's unit
of work and the use case it wraps commit together.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from bot.intake import IntakeStore
from bot.store.delivery_store import DeliveryStore
from bot.store.platform_state import PlatformState
from bot.store.repository import Repository
from bot.store.url import DatabaseUrl


class Store(Protocol):
    @property
    def url(self) -> DatabaseUrl: ...
    @property
    def repo(self) -> Repository: ...
    @property
    def delivery(self) -> DeliveryStore: ...
    @property
    def intake(self) -> IntakeStore: ...
    @property
    def platform(self) -> PlatformState: ...

    def health_problem(self) -> str | None:
        """None when the database takes a durable write now; otherwise why not (for ``/healthz``)."""
        ...

    def backup(self, target: str) -> str:
        """A consistent copy while the bot runs, written to ``target`` (refusing to overwrite); what was copied."""
        ...

    def check(self) -> list[str]:
        """Integrity problems; an empty list means healthy."""
        ...

    def clear_expired_leases(self, now: datetime) -> list[tuple[str, str, datetime]]:
        """Forget leases whose holder is gone (expired on the real clock), so the next sweep can run."""
        ...

    def close(self) -> None: ...
