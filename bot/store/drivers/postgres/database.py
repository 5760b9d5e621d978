"""PostgreSQL connections for the shared SQL: a psycopg 3 pool, one transaction per ``write()``, row locks.

Connections are pooled (``psycopg_pool``) in autocommit mode; ``write()`` borrows one for the length of a
transaction and keeps it on the thread, so a nested ``write()`` is a savepoint and a ``query()`` inside sees
the transaction's own writes, exactly as the SQLite driver behaves. Isolation is PostgreSQL's default READ
COMMITTED: the shared SQL never relies on whole-transaction serialisation; it takes the row locks its
dialect names (``FOR UPDATE``, ``FOR SHARE``, a per-learner advisory lock) or writes with conditional
upserts. A connection the server dropped is discarded by the pool's check, so a restarted server needs no
bot restart; while it is down every call raises StoreUnavailable (the core's friendly "try again").
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Generator, Iterator, Sequence
from contextlib import contextmanager, suppress
from functools import lru_cache
from typing import Any

import psycopg
import psycopg_pool
from psycopg import pq

from bot.store.drivers.sql.database import Dialect, Transaction
from bot.store.errors import StoreUnavailable

POSTGRES = Dialect(
    name="postgres",
    for_update=" FOR UPDATE",
    for_share=" FOR SHARE",
    insertion_order="seq",
    learner_lock="SELECT pg_advisory_xact_lock(hashtextextended(?, 0))",
)
POOL_MAX = 24
"""Enough for the Slack adapter's work and reply threads plus delivery; each process opens its own pool."""
CONNECT_TIMEOUT_SECONDS = 5
BORROW_TIMEOUT_SECONDS = 2.5
"""How long a request waits for a connection (all busy, or the server gone) before "try again": under Slack's
3 s acknowledgement deadline, so an unreachable database is refused with a 503 Slack retries, not a timeout."""


class PgRow(Sequence[Any]):
    """A row readable by position and by column name, like sqlite3.Row."""

    __slots__ = ("_index", "_values")

    def __init__(self, values: Sequence[Any], index: dict[str, int]) -> None:
        self._values = tuple(values)
        self._index = index

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return self._values[self._index[key]]
        return self._values[key]

    def __len__(self) -> int:
        return len(self._values)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def keys(self) -> list[str]:
        return list(self._index)

    def __repr__(self) -> str:
        return f"PgRow({dict(zip(self._index, self._values, strict=True))!r})"


FRESH_SECONDS = 2.0
"""A connection handed back this recently is lent again without a round trip to check it."""


def _note_return(conn: psycopg.Connection[Any]) -> None:
    _returned_at[conn] = time.monotonic()


def _check_unless_fresh(conn: psycopg.Connection[Any]) -> None:
    """Check an idle connection before lending it (after a server restart every pooled one is dead), but not
    one that was working a moment ago: under load that check was one round trip in eight of every answer.
    A server that dies in those two seconds costs the request that next borrows the connection a
    "try again" (StoreUnavailable), and the pool replaces it."""
    if time.monotonic() - _returned_at.get(conn, 0.0) < FRESH_SECONDS:
        return
    psycopg_pool.ConnectionPool.check_connection(conn)


_returned_at: weakref.WeakKeyDictionary[psycopg.Connection[Any], float] = weakref.WeakKeyDictionary()


def _row_factory(cursor: Any) -> Any:
    description = cursor.description or []
    index = {column.name: position for position, column in enumerate(description)}
    return lambda values: PgRow(values, index)


@lru_cache(maxsize=1024)
def translate(sql: str) -> str:
    """The shared SQL's ``?`` placeholders in psycopg's ``%s`` style (literal ``%`` doubled first)."""
    return sql.replace("%", "%%").replace("?", "%s")


_UNAVAILABLE = (psycopg.OperationalError, psycopg.InterfaceError, psycopg.errors.InternalError_, psycopg_pool.PoolTimeout)


def unavailable(error: Exception) -> StoreUnavailable:
    return StoreUnavailable(f"database unavailable: {error.__class__.__name__}: {str(error).strip().splitlines()[0] if str(error).strip() else ''}")


class PgResult:
    """A statement's cursor in a pipelined transaction: fetching waits for its result, as always, and so does
    ``rowcount``, which the pipeline leaves at -1 until the server has answered."""

    __slots__ = ("_cursor", "_pipeline")

    def __init__(self, cursor: psycopg.Cursor[Any], pipeline: psycopg.Pipeline) -> None:
        self._cursor = cursor
        self._pipeline = pipeline

    @property
    def rowcount(self) -> int:
        if self._cursor.rowcount == -1 and self._cursor.connection.pgconn.pipeline_status != pq.PipelineStatus.OFF:
            self._pipeline.sync()
        return self._cursor.rowcount

    def fetchone(self) -> Any:
        return self._cursor.fetchone()

    def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()


class PgTransaction:
    """The open transaction's connection, speaking the shared SQL's placeholders, in pipeline mode.

    Every statement, BEGIN, SAVEPOINT and COMMIT included, is sent without waiting for the one before; the
    client waits only where the shared SQL reads a result (a fetch, a row count) and at COMMIT. An answer's
    transaction (BEGIN, learner lock, answer, card, activity day, COMMIT) is two round trips instead of six.
    psycopg's own ``transaction()`` waits at BEGIN and at each savepoint, hence the statements here. An error
    is raised at the next wait rather than at its own statement; the transaction still rolls back whole.
    """

    __slots__ = ("conn", "depth", "pipeline")

    def __init__(self, conn: psycopg.Connection[Any], pipeline: psycopg.Pipeline) -> None:
        self.conn = conn
        self.pipeline = pipeline
        self.depth = 0

    def execute(self, sql: str, params: Sequence[Any] = ()) -> PgResult:
        return PgResult(self.conn.execute(translate(sql), tuple(params)), self.pipeline)

    def outermost(self, fsync: bool) -> Generator[PgTransaction, None, None]:
        self.conn.execute("BEGIN")
        if not fsync:
            self.conn.execute("SET LOCAL synchronous_commit = off")
        try:
            yield self
            self.conn.execute("COMMIT")
            self.pipeline.sync()
        except BaseException:
            self._send_quietly("ROLLBACK")  # after a failed COMMIT the server has already rolled back: a no-op
            raise

    def savepoint(self) -> Generator[PgTransaction, None, None]:
        self.depth += 1
        name = f"aipm_{self.depth}"
        self.conn.execute(f"SAVEPOINT {name}")
        try:
            yield self
            self.conn.execute(f"RELEASE SAVEPOINT {name}")
            self.pipeline.sync()  # a nested write's error is raised by that write, so its caller can carry on
        except BaseException:
            self._send_quietly(f"ROLLBACK TO SAVEPOINT {name}", f"RELEASE SAVEPOINT {name}")
            raise
        finally:
            self.depth -= 1

    def _send_quietly(self, *statements: str) -> None:
        """Undo on the way out of an error: if even this fails (a dropped connection), the pool discards the
        connection, and the error being raised is the one worth reporting."""
        with suppress(psycopg.Error):
            for statement in statements:
                self.conn.execute(statement)
            self.pipeline.sync()


class PostgresDatabase:
    dialect = POSTGRES

    def __init__(self, conninfo: str, max_size: int = POOL_MAX) -> None:
        self.conninfo = conninfo
        self._local = threading.local()
        self.pool: psycopg_pool.ConnectionPool[Any] = psycopg_pool.ConnectionPool(
            conninfo,
            min_size=1,
            max_size=max_size,
            kwargs={"autocommit": True, "row_factory": _row_factory, "connect_timeout": CONNECT_TIMEOUT_SECONDS},
            check=_check_unless_fresh,
            reset=_note_return,
            timeout=BORROW_TIMEOUT_SECONDS,
            open=False,
            name="aipm",
        )
        try:
            self.pool.open(wait=True, timeout=CONNECT_TIMEOUT_SECONDS * 2)
        except psycopg_pool.PoolTimeout as error:
            self.pool.close()
            raise StoreUnavailable(f"database unavailable: cannot connect ({error})") from error

    def _current(self) -> PgTransaction | None:
        return getattr(self._local, "tx", None)

    @contextmanager
    def write(self, urgent: bool = False, fsync: bool = True) -> Generator[PgTransaction, None, None]:
        """One transaction (a savepoint when nested on this thread). ``urgent`` needs no lane here: writers
        never queue on a global lock. ``fsync=False`` commits without waiting for the WAL flush."""
        current = self._current()
        if current is not None:
            yield from current.savepoint()
            return
        try:
            with self.pool.connection() as conn, conn.pipeline() as pipeline:
                tx = self._local.tx = PgTransaction(conn, pipeline)
                try:
                    yield from tx.outermost(fsync)
                finally:
                    self._local.tx = None
        except psycopg.IntegrityError:
            raise
        except _UNAVAILABLE as error:
            raise unavailable(error) from error

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        current = self._current()
        if current is not None:
            return list(current.execute(sql, params).fetchall())
        try:
            with self.pool.connection() as borrowed:
                return list(borrowed.execute(translate(sql), tuple(params)).fetchall())
        except _UNAVAILABLE as error:
            raise unavailable(error) from error

    def health_problem(self) -> str | None:
        try:
            with self.write() as tx:
                tx.execute(
                    "INSERT INTO health_probe (id, at) VALUES (1, CAST(EXTRACT(EPOCH FROM now()) AS BIGINT)) "
                    "ON CONFLICT (id) DO UPDATE SET at = excluded.at"
                )
        except StoreUnavailable as error:
            return str(error)
        return None

    def after_bulk_copy(self, tx: Transaction, tables: Sequence[str]) -> None:
        """Move each identity sequence past the ids a copy inserted, so the next insert gets a fresh id."""
        identity = {row[0] for row in tx.execute(
            "SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND column_name = 'id' AND is_identity = 'YES'"
        ).fetchall()}
        for table in tables:
            if table in identity:
                tx.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)")

    def close(self) -> None:
        self.pool.close()
