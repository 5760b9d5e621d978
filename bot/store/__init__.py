"""Storage: one repository interface (``repository.py``) and its SQLite implementation (``sqlite.py``)."""

from bot.store.repository import Repository, StoreUnavailable
from bot.store.sqlite import SqliteRepository, open_repository

__all__ = ["Repository", "SqliteRepository", "StoreUnavailable", "open_repository"]
