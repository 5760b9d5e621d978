"""Every port over one driver's database: the part of a Store that is the same on every driver."""

from __future__ import annotations

from datetime import datetime

from bot.store.drivers.sql.database import SqlDatabase
from bot.store.drivers.sql.delivery import SqlDeliveryStore
from bot.store.drivers.sql.intake import SqlIntakeStore
from bot.store.drivers.sql.platform_state import SqlPlatformState
from bot.store.drivers.sql.repository import SqlRepository
from bot.store.url import DatabaseUrl


class SqlStore:
    def __init__(self, db: SqlDatabase, url: DatabaseUrl) -> None:
        self.db = db
        self.url = url
        self.repo = SqlRepository(db)
        self.delivery = SqlDeliveryStore(db)
        self.intake = SqlIntakeStore(db)
        self.platform = SqlPlatformState(db)

    def health_problem(self) -> str | None:
        return self.db.health_problem()

    def clear_expired_leases(self, now: datetime) -> list[tuple[str, str, datetime]]:
        return self.delivery.clear_expired_leases(now)

    def close(self) -> None:
        self.db.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.url.redacted()!r})"
