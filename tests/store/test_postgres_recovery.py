"""A PostgreSQL server that restarts under a running bot: requests in between get "try again", then it works again,
without restarting the bot (the pool replaces the dead connections)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest

from bot.store import StoreUnavailable
from bot.store.drivers import open_store
from tests.conftest import START
from tests.databases import require_postgres
from tests.pg_server import PostgresServer, _as_owner


@pytest.fixture
def own_server() -> Iterator[PostgresServer]:
    """A cluster of this test's own: restarting it must not disturb the session's shared one."""
    require_postgres()
    server = PostgresServer.start()
    yield server
    server.stop()


def _pg_ctl(server: PostgresServer, *args: str) -> None:
    """pg_ctl with the server's output to its log file: a started postmaster must not hold our pipes open."""
    command = [str(server.bin_dir / "pg_ctl"), "-D", str(server.directory / "data"), "-l", str(server.directory / "log"), "-w", *args]
    subprocess.run(_as_owner(command), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)


def test_the_store_recovers_after_the_server_restarts(own_server: PostgresServer) -> None:
    store = open_store(own_server.new_database())
    try:
        store.repo.ensure_workspace("T1", "slack", "Acme", START)
        _pg_ctl(own_server, "-m", "fast", "restart")
        outcomes = []
        for _ in range(30):  # every pooled connection died with the server; each is replaced on first use
            try:
                outcomes.append(store.repo.get_workspace("T1") is not None)
            except StoreUnavailable:
                outcomes.append(False)
        assert outcomes[-5:] == [True] * 5, outcomes
        assert store.health_problem() is None
    finally:
        store.close()


def test_a_stopped_server_is_a_friendly_try_again_and_healthz_says_why(own_server: PostgresServer) -> None:
    store = open_store(own_server.new_database())
    try:
        _pg_ctl(own_server, "-m", "fast", "stop")
        with pytest.raises(StoreUnavailable):
            store.repo.get_workspace("T1")
        assert store.health_problem() is not None
        _pg_ctl(own_server, "-o", f"-k {own_server.directory} -c listen_addresses=''", "start")
        for _ in range(30):
            if store.health_problem() is None:
                break
        assert store.health_problem() is None
    finally:
        store.close()
