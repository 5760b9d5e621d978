"""A durable throwaway PostgreSQL cluster for the PostgreSQL benchmarks, and their process launcher.

Durable as production runs it: fsync on, synchronous_commit on, full_page_writes on (``PostgresServer.start(durable=True)``),
so a commit is a WAL flush for ours and for every reference alike. Workers are separate processes
(``spawn``), each with its own store and pool, released together by one event so start-up is not timed.
"""

from __future__ import annotations

import multiprocessing
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.synchronize import Event
from typing import Any

from tests.pg_server import PostgresServer, why_unavailable


@contextmanager
def durable_cluster() -> Iterator[PostgresServer]:
    """A new fsync-on cluster, stopped (and its directory removed) however the benchmark ends."""
    reason = why_unavailable()
    if reason is not None:
        raise RuntimeError(reason)
    previous = None
    if threading.current_thread() is threading.main_thread():  # a terminated benchmark still stops its cluster
        previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    server = PostgresServer.start(durable=True)
    try:
        yield server
    finally:
        server.stop()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def durability(url: str) -> dict[str, str]:
    """The settings that make a commit durable, as the server reports them (stated next to every figure)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        return {name: str(conn.execute(f"SHOW {name}").fetchone()[0])  # type: ignore[index]
                for name in ("fsync", "synchronous_commit", "full_page_writes", "wal_sync_method")}


def run_processes(target: Callable[..., None], jobs: list[tuple[Any, ...]], timeout: float = 600.0) -> list[Any]:
    """Run ``target(go, results, *job)`` in one spawned process per job; returns what each put on ``results``.

    Each worker sets itself up (imports, store, pool), puts ``"ready"`` on ``results``, waits for ``go``,
    then does its timed work and puts one result. A worker that fails puts ``("error", text)`` instead.
    """
    context = multiprocessing.get_context("spawn")
    go: Event = context.Event()
    results: Any = context.Queue()
    processes = [context.Process(target=target, args=(go, results, *job)) for job in jobs]
    for process in processes:
        process.start()
    deadline = time.monotonic() + timeout
    collected: list[Any] = []
    try:
        ready = 0
        while ready < len(processes):
            message = results.get(timeout=max(1.0, deadline - time.monotonic()))
            if message == "ready":
                ready += 1
            else:
                collected.append(message)
                if isinstance(message, tuple) and message and message[0] == "error":
                    raise RuntimeError(f"a worker failed while starting: {message[1]}")
        go.set()
        while len(collected) < len(processes):
            collected.append(results.get(timeout=max(1.0, deadline - time.monotonic())))
        for message in collected:
            if isinstance(message, tuple) and message and message[0] == "error":
                raise RuntimeError(f"a worker failed: {message[1]}")
    finally:
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.terminate()
                process.join(timeout=5)
    return collected
