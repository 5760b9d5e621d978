"""A throwaway PostgreSQL cluster for the tests: initdb in a temp directory, a unix socket, no TCP port.

``initdb`` refuses to run as root, so as root the cluster belongs to the ``postgres`` user (``runuser``).
Each test gets its own database, cloned from a template that already holds the schema, so tests never see
each other's rows and the migrations run once per session. Where no PostgreSQL binaries exist the caller
skips with one line saying why; with ``CI`` set it fails instead (CI must run both databases).
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from bot.store.drivers.postgres import PG_BIN_DIRS

TEMPLATE = "aipm_template"


def pg_bin() -> Path | None:
    for directory in PG_BIN_DIRS:
        if (Path(directory) / "initdb").exists():
            return Path(directory)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def why_unavailable() -> str | None:
    """None when a cluster can be started here; else the reason, in one line."""
    if pg_bin() is None:
        return "no PostgreSQL server binaries (initdb) on this machine; install postgresql to run the PostgreSQL tests"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no postgres user for initdb to run as"
    return None


def _as_owner(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@dataclass
class PostgresServer:
    directory: Path
    bin_dir: Path
    _names: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def socket_dir(self) -> str:
        return str(self.directory)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@/{database}?host={self.socket_dir}"

    @classmethod
    def start(cls, durable: bool = False) -> PostgresServer:
        """A new cluster. ``durable=False`` turns fsync off: the tests check behaviour, not power loss
        (the benchmarks start theirs durable)."""
        bin_dir = pg_bin()
        assert bin_dir is not None, why_unavailable()
        directory = Path(tempfile.mkdtemp(prefix="aipm-pg-"))
        if os.geteuid() == 0:
            shutil.chown(directory, "postgres", "postgres")
        data = directory / "data"
        subprocess.run(
            _as_owner([str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C"]),
            check=True, capture_output=True,
        )
        options = f"-k {directory} -c listen_addresses='' -c max_connections=300 -c shared_buffers=64MB"
        if not durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        subprocess.run(
            _as_owner([str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(directory / "log"), "-w", "-t", "60", "start"]),
            check=True, capture_output=True,
        )
        server = cls(directory, bin_dir)
        server._create_template()
        return server

    def _psql(self, sql: str, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as conn:
            conn.execute(sql)

    def _create_template(self) -> None:
        from bot.store.drivers.postgres import PostgresStore
        from bot.store.url import DatabaseUrl

        self._psql(f"CREATE DATABASE {TEMPLATE}")
        PostgresStore(DatabaseUrl.parse(self.url(TEMPLATE)), max_connections=2).close()  # migrated once

    def new_database(self, prefix: str = "t") -> str:
        """A fresh database with the schema in place; returns its URL."""
        name = f"{prefix}_{os.getpid()}_{next(self._names)}"
        self._psql(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
        return self.url(name)

    def empty_database(self, prefix: str = "e") -> str:
        """A fresh database with nothing in it (to test creating the schema at start)."""
        name = f"{prefix}_{os.getpid()}_{next(self._names)}"
        self._psql(f"CREATE DATABASE {name}")
        return self.url(name)

    def stop(self) -> None:
        subprocess.run(
            _as_owner([str(self.bin_dir / "pg_ctl"), "-D", str(self.directory / "data"), "-m", "immediate", "-w", "stop"]),
            check=False, capture_output=True,
        )
        shutil.rmtree(self.directory, ignore_errors=True)


_shared: PostgresServer | None = None


def shared_server() -> PostgresServer:
    """The session's one cluster, started on first use and stopped when the test process exits."""
    global _shared
    if _shared is None:
        import atexit

        _shared = PostgresServer.start()
        atexit.register(_shared.stop)
    return _shared
