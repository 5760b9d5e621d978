"""The SQLite driver: the embedded default, one file per installation, one host."""

from __future__ import annotations

from pathlib import Path

from bot.store.drivers.sql.repository import SqlRepository
from bot.store.drivers.sql.store import SqlStore
from bot.store.drivers.sqlite import operations
from bot.store.drivers.sqlite.database import BUSY_TIMEOUT_MS, SqliteDatabase, default_db_path
from bot.store.url import DatabaseUrl

__all__ = ["SqliteDatabase", "SqliteRepository", "SqliteStore", "default_db_path"]


class SqliteStore(SqlStore):
    """Every port over one SQLite file (or ``:memory:`` for quick tests)."""

    db: SqliteDatabase

    def __init__(self, path: str | Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        db = SqliteDatabase(path, busy_timeout_ms)
        super().__init__(db, DatabaseUrl.sqlite(db.path))
        self.path = db.path

    def backup(self, target: str) -> str:
        pages = operations.backup(self.path, target)
        return f"{pages} pages"

    def check(self) -> list[str]:
        return operations.check(self.path)


class SqliteRepository(SqlRepository):
    """Just the repository, over a SQLite file it opens itself: for tools and tests that need no other port."""

    db: SqliteDatabase

    def __init__(self, path: str | Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        super().__init__(SqliteDatabase(path, busy_timeout_ms))
        self.path = self.db.path

    def health_problem(self) -> str | None:
        return self.db.health_problem()

    def close(self) -> None:
        self.db.close()
