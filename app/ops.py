"""Operations on the database file: online backup and integrity check, safe while the bot runs."""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path


def backup(source: str | Path, target: str | Path) -> int:
    """Copy ``source`` to ``target`` with SQLite's online backup API; returns the pages copied.

    The backup API copies a consistent snapshot even while other connections write, unlike a file copy
    of a WAL database, which can capture a torn state.
    """
    target_path = Path(target)
    if target_path.exists():
        raise FileExistsError(f"{target_path} already exists; choose a new file name")
    target_path.parent.mkdir(parents=True, exist_ok=True)
    # The copy holds bot tokens like the original: readable by its owner only, from its first byte.
    os.close(os.open(target_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    src = sqlite3.connect(f"file:{Path(source)}?mode=ro", uri=True, timeout=5)
    dst = sqlite3.connect(target_path)
    pages = 0

    def progress(status: int, remaining: int, total: int) -> None:
        nonlocal pages
        pages = total

    try:
        src.backup(dst, pages=1024, progress=progress)
    finally:
        dst.close()
        src.close()
    return pages


def check(path: str | Path) -> list[str]:
    """``PRAGMA integrity_check`` and ``foreign_key_check``; an empty list means healthy."""
    conn = sqlite3.connect(f"file:{Path(path)}?mode=ro", uri=True, timeout=5)
    try:
        problems = [row[0] for row in conn.execute("PRAGMA integrity_check") if row[0] != "ok"]
        problems += [f"foreign key: {row}" for row in conn.execute("PRAGMA foreign_key_check")]
    finally:
        conn.close()
    return problems


def clear_expired_leases(path: str | Path) -> list[tuple[str, str, datetime]]:
    """Remove leases whose holder is gone (expired on the real clock), so the next sweep can run."""
    from bot.clock import SystemClock
    from bot.store.sqlite import SqliteDatabase
    from bot.store.sqlite_delivery import SqliteDeliveryStore

    db = SqliteDatabase(path)
    try:
        return SqliteDeliveryStore(db).clear_expired_leases(SystemClock().now())
    finally:
        db.close()
