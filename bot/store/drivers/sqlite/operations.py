"""Operations on a SQLite file: online backup and integrity check, safe while the bot runs."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from bot.store.errors import StoreUnavailable


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
    except sqlite3.Error as error:
        raise StoreUnavailable(f"backup failed: {error}") from error
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
    except sqlite3.DatabaseError as error:
        raise StoreUnavailable(f"{path}: not a usable SQLite database ({error})") from error
    finally:
        conn.close()
    return problems
