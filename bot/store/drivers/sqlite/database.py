"""SQLite connections: WAL, a busy timeout, one connection per thread, IMMEDIATE writes, migrations at open.

``sqlite_utils.Database(path)`` would open a single connection bound to its creating thread with no
timeout; instead each thread gets its own tuned ``sqlite3`` connection, handed to sqlite-utils. Write
transactions begin IMMEDIATE so a reader never has to upgrade to a writer mid-transaction (the
SQLITE_BUSY trap of deferred transactions under load).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Generator, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from bot.store.drivers.sql.database import Dialect, Transaction
from bot.store.drivers.sqlite.schema import apply_migrations
from bot.store.errors import StoreUnavailable

BUSY_TIMEOUT_MS = 5000

# BEGIN IMMEDIATE serialises every writer on the whole file, so no row locks are needed (or spoken).
SQLITE = Dialect(name="sqlite", for_update="", for_share="", insertion_order="rowid", learner_lock=None)


def _unavailable(error: sqlite3.Error) -> StoreUnavailable:
    return StoreUnavailable(f"database unavailable: {error.__class__.__name__}: {error}")


# Errors after which a connection is not worth keeping: SQLite opened it read-only, or its file handle hit an
# I/O or full-disk error. A fresh connection sees the file as it is now, so the bot recovers without a restart.
_BROKEN_CONNECTION = ("readonly", "read-only", "disk i/o error", "disk is full", "unable to open")


def _create_private(path: Path) -> None:
    """Create the database file readable by its owner only (it holds bot tokens); SQLite gives its WAL and
    shared-memory files the same mode. An existing file loses any group or world bits."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        return
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        with suppress(OSError):
            path.chmod(mode & 0o700)


def _breaks_connection(error: sqlite3.Error) -> bool:
    return any(marker in str(error).lower() for marker in _BROKEN_CONNECTION)


def from_savepoint(db: SqliteDatabase, conn: sqlite3.Connection, depth: int) -> Generator[sqlite3.Connection, None, None]:
    """The body of a nested ``write()``: a savepoint that rolls back alone if its block fails."""
    name = f"aipm_sp{depth}"
    conn.execute(f"SAVEPOINT {name}")
    db.set_depth(depth + 1)
    try:
        yield conn
        conn.execute(f"RELEASE {name}")
    except BaseException:
        if conn.in_transaction:
            conn.execute(f"ROLLBACK TO {name}")
            conn.execute(f"RELEASE {name}")
        raise
    finally:
        db.set_depth(depth)


class WriteLock:
    """One writer at a time in this process, with a fast lane: a waiting urgent writer goes next.

    Admissions to the intake are urgent (an acknowledgement waits for them); use cases are not. Without the
    lane an ack would queue behind every worker's transaction; with it, behind at most the one running.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._held = False
        self._urgent_waiting = 0

    @contextmanager
    def hold(self, urgent: bool = False) -> Iterator[None]:
        with self._cond:
            if urgent:
                self._urgent_waiting += 1
            try:
                while self._held or (not urgent and self._urgent_waiting):
                    self._cond.wait()
            finally:
                if urgent:
                    self._urgent_waiting -= 1
            self._held = True
        try:
            yield
        finally:
            with self._cond:
                self._held = False
                self._cond.notify_all()


class SqliteDatabase:
    """Connections for one database file; thread-local for files, one shared locked connection in memory."""

    dialect = SQLITE

    def __init__(self, path: str | Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self.path = str(path)
        self.busy_timeout_ms = busy_timeout_ms
        self.memory = self.path == ":memory:"
        self._local = threading.local()
        self._shared: sqlite3.Connection | None = None
        self._memory_lock = threading.RLock()
        self._write_lock = WriteLock()
        self._all: list[sqlite3.Connection] = []
        self._all_lock = threading.Lock()
        if not self.memory:
            _create_private(Path(self.path))
        try:
            db = self.utils()
            with self._guard():
                apply_migrations(db)
        except sqlite3.Error as error:  # a directory, a path we may not create, a file that is not SQLite
            self.close()
            raise _unavailable(error) from error

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path, timeout=self.busy_timeout_ms / 1000, isolation_level=None, check_same_thread=not self.memory
        )
        conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
        if not self.memory:
            conn.execute("PRAGMA journal_mode = WAL")
            # FULL: an answer acknowledged to a learner survives power loss, not only a process crash.
            conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.row_factory = sqlite3.Row
        with self._all_lock:
            self._all.append(conn)
        return conn

    def connection(self) -> sqlite3.Connection:
        if self.memory:
            if self._shared is None:
                self._shared = self._connect()
            return self._shared
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
        return conn

    def utils(self) -> Database:
        db: Database | None = getattr(self._local, "db", None)
        if db is None or self.memory:
            db = Database(self.connection())
            self._local.db = db
        return db

    @contextmanager
    def _guard(self) -> Iterator[None]:
        if self.memory:
            with self._memory_lock:
                yield
        else:
            yield

    @contextmanager
    def write(self, urgent: bool = False, fsync: bool = True) -> Generator[sqlite3.Connection, None, None]:
        """One IMMEDIATE transaction: everything inside commits together or not at all.

        Nested inside another ``write()`` on the same thread it becomes a savepoint of the outer
        transaction, so a unit of work (a request applied together with its intake mark) can wrap use
        cases that open their own transactions. ``urgent`` takes the write lock's fast lane; ``fsync=False``
        commits the outermost transaction without waiting for the disk (for writes another durable
        record can redo; it has no effect on a nested write).
        """
        with self._guard():
            conn = self.connection()
            depth: int = getattr(self._local, "depth", 0)
            if depth:
                yield from from_savepoint(self, conn, depth)
                return
            # Threads of this process queue here rather than in SQLite's busy handler, which sleeps in
            # growing steps (up to 100 ms) and would put a fast write behind a long nap.
            with self._write_lock.hold(urgent):
                if fsync:
                    yield from self._outermost(conn)
                    return
                conn.execute("PRAGMA synchronous = NORMAL")
                try:
                    yield from self._outermost(conn)
                finally:
                    with suppress(sqlite3.Error):
                        conn.execute("PRAGMA synchronous = FULL")

    def _outermost(self, conn: sqlite3.Connection) -> Generator[sqlite3.Connection, None, None]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any error; a broken connection is replaced."""
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            self._discard_if_broken(conn, error)
            raise _unavailable(error) from error
        self._local.depth = 1
        try:
            yield conn
            conn.execute("COMMIT")
        except sqlite3.Error as error:
            if conn.in_transaction:
                with suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            if isinstance(error, sqlite3.IntegrityError):
                raise
            self._discard_if_broken(conn, error)
            raise _unavailable(error) from error
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            self._local.depth = 0

    def set_depth(self, depth: int) -> None:
        self._local.depth = depth

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._guard():
            conn = self.connection()
            try:
                return list(conn.execute(sql, tuple(params)).fetchall())
            except sqlite3.OperationalError as error:
                self._discard_if_broken(conn, error)
                raise _unavailable(error) from error

    def _discard_if_broken(self, conn: sqlite3.Connection, error: sqlite3.Error) -> None:
        if self.memory or not _breaks_connection(error):
            return
        if getattr(self._local, "conn", None) is conn:
            self._local.conn = None
            self._local.db = None
        with self._all_lock:
            if conn in self._all:
                self._all.remove(conn)
        with suppress(sqlite3.Error):
            conn.close()

    def health_problem(self) -> str | None:
        """None when the database takes a durable write now; otherwise why not (for ``/healthz``)."""
        try:
            with self.write() as conn:
                conn.execute("INSERT INTO health_probe (id, at) VALUES (1, CAST(strftime('%s', 'now') AS INTEGER)) ON CONFLICT (id) DO UPDATE SET at = excluded.at")
        except StoreUnavailable as error:
            return str(error)
        return None

    def after_bulk_copy(self, tx: Transaction, tables: Sequence[str]) -> None:
        """Nothing to do: a rowid key already continues from the largest id in the table."""

    def close(self) -> None:
        with self._all_lock:
            for conn in self._all:
                with suppress(sqlite3.Error):
                    conn.close()
            self._all.clear()
        self._local = threading.local()
        self._shared = None


def default_db_path() -> str:
    """``AIPM_DB`` if set, else ``aipm.db`` under the user's data directory."""
    from platformdirs import user_data_dir

    return os.environ.get("AIPM_DB") or str(Path(user_data_dir("aipm-companion")) / "aipm.db")
