"""Which database a test runs on. ``make test`` runs the end-to-end suites twice: on SQLite, then with
``AIPM_TEST_DB=postgres`` on a throwaway PostgreSQL cluster (one fresh database per test)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.pg_server import shared_server, why_unavailable


def database_under_test() -> str:
    return os.environ.get("AIPM_TEST_DB", "sqlite")


def require_postgres() -> None:
    """Skip (one line saying why) where PostgreSQL cannot run; under CI, fail instead."""
    reason = why_unavailable()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the PostgreSQL tests, but {reason}")
        pytest.skip(reason)


def fresh_database_url(tmp_path: Path, name: str = "aipm.db", driver: str | None = None) -> str:
    """A new database for one test: a SQLite file under ``tmp_path``, or a new PostgreSQL database."""
    if (driver or database_under_test()) == "postgres":
        require_postgres()
        return shared_server().new_database()
    return str(tmp_path / name)


sqlite_only = pytest.mark.skipif(
    database_under_test() == "postgres", reason="about the SQLite file itself (its modes, its locks); the SQLite pass covers it"
)
