"""What the SQL shared by every driver needs from a database: transactions, queries and a few dialect words.

The repository, delivery, intake and platform-state stores under ``drivers/sql`` are written once, in the
SQL that SQLite (3.35+) and PostgreSQL both speak: ``?`` placeholders, ``ON CONFLICT`` upserts, ``RETURNING``,
row values. A driver supplies a :class:`SqlDatabase` (its connections, its transaction discipline, its
placeholder translation) and a :class:`Dialect` for the handful of words that differ. Every read-then-write
in the shared SQL takes the row locks its dialect names, so it stays correct where the database does not
serialise whole transactions (PostgreSQL's READ COMMITTED) as well as where it does (SQLite's IMMEDIATE).
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol


class Row(Protocol):
    """A result row readable by column name or position (sqlite3.Row, or the PostgreSQL driver's row)."""

    def __getitem__(self, key: str | int) -> Any: ...


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


class Transaction(Protocol):
    """The connection inside ``write()``: statements run in the open transaction."""

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor: ...


@dataclass(frozen=True)
class Dialect:
    """The words SQLite and PostgreSQL spell differently, and how each serialises a learner's writes."""

    name: str
    for_update: str
    """Appended to a SELECT whose row the transaction will change (empty where writers are serialised)."""
    for_share: str
    """Appended to a SELECT whose row must not change before the transaction commits."""
    insertion_order: str
    """A column of quiz_instances that grows with every insert (the tie-break for the latest quiz)."""
    learner_lock: str | None
    """A statement that serialises one learner's transactions (``?`` is the learner's key), or None."""


class SqlDatabase(Protocol):
    dialect: Dialect

    def write(self, urgent: bool = False, fsync: bool = True) -> AbstractContextManager[Transaction]:
        """One transaction; nested on the same thread it is a savepoint of the outer one.

        ``urgent`` asks to go before waiting non-urgent writers (where the driver queues writers itself);
        ``fsync=False`` lets the commit return before it is on disk (for work another durable record redoes).
        """
        ...

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """Rows of one statement; inside ``write()`` on this thread it sees the open transaction's writes."""
        ...

    def health_problem(self) -> str | None: ...

    def after_bulk_copy(self, tx: Transaction, tables: Sequence[str]) -> None:
        """After ``aipm db copy`` inserted rows with their ids: make the next generated id follow them."""
        ...

    def close(self) -> None: ...


def to_ts(instant: datetime) -> int:
    """Instants are stored as integer UTC epoch seconds: compact, indexable and compared as numbers."""
    if instant.tzinfo is None:
        raise ValueError("instants must be timezone-aware")
    return int(instant.timestamp())


def from_ts(value: int) -> datetime:
    return datetime.fromtimestamp(value, UTC)


def placeholders(values: Sequence[Any]) -> str:
    return ", ".join("?" for _ in values)


SHARDS = 4096
"""Every workspace falls in one of this many shards; a sweep partition ``k`` of ``P`` owns the shards with
``shard % P == k``, so all of one workspace's posts are paced by one sweeper at a time."""


def shard_of(workspace_id: str) -> int:
    """A stable shard for the workspace (crc32, the same on every process, host and driver)."""
    return zlib.crc32(workspace_id.encode("utf-8")) % SHARDS


def partition_filter(column: str, partition: tuple[int, int] | None) -> tuple[str, tuple[int, ...]]:
    """`` AND <column> % P = k`` for a partitioned sweep, nothing for a whole one."""
    if partition is None:
        return "", ()
    index, count = partition
    return f" AND {column} % ? = ?", (count, index)


def lock_learner(tx: Transaction, dialect: Dialect, workspace_id: str, user_id: str) -> None:
    """Serialise this learner's read-then-write transactions (answers, time zone changes) until commit."""
    if dialect.learner_lock is not None:
        tx.execute(dialect.learner_lock, (f"{workspace_id}\x1f{user_id}",))
