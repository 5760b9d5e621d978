"""Storage drivers, chosen by the database URL at start: ``sqlite`` (embedded default) and ``postgres``."""

from __future__ import annotations

from bot.store.store import Store
from bot.store.url import DatabaseUrl


def resolve_url(explicit: str | None = None, database_url: str | None = None, db_path: str | None = None) -> DatabaseUrl:
    """Which database to open: what the command line names (``--db``, a path or a URL), else
    ``AIPM_DATABASE_URL`` (``database_url``), else the SQLite file ``AIPM_DB`` names (``db_path``), else
    ``aipm.db`` in the user's data directory."""
    for candidate in (explicit, database_url, db_path):
        if candidate:
            return DatabaseUrl.parse(str(candidate))
    from bot.store.drivers.sqlite.database import default_db_path

    return DatabaseUrl.sqlite(default_db_path())


def open_store(url: DatabaseUrl | str) -> Store:
    """Connect, create the schema on an empty database, apply pending migrations; raises StoreUnavailable."""
    parsed = url if isinstance(url, DatabaseUrl) else DatabaseUrl.parse(url)
    if parsed.driver == "postgres":
        from bot.store.drivers.postgres import PostgresStore

        return PostgresStore(parsed)
    from bot.store.drivers.sqlite import SqliteStore

    return SqliteStore(parsed.target)
