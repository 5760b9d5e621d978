"""The PostgreSQL driver: one server shared by any number of bot processes and hosts (psycopg 3)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from psycopg.conninfo import conninfo_to_dict, make_conninfo

from bot.store.drivers.postgres.database import PostgresDatabase
from bot.store.drivers.postgres.schema import apply_migrations, pending_migrations
from bot.store.drivers.sql.store import SqlStore
from bot.store.errors import StoreUnavailable
from bot.store.url import DatabaseUrl

__all__ = ["PostgresDatabase", "PostgresStore"]

PG_BIN_DIRS = ("/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin")


def pg_tool(name: str) -> str | None:
    """A PostgreSQL client program on PATH, else in Debian's versioned directories."""
    found = shutil.which(name)
    if found:
        return found
    for directory in PG_BIN_DIRS:
        candidate = Path(directory) / name
        if candidate.exists():
            return str(candidate)
    return None


class PostgresStore(SqlStore):
    """Every port over one PostgreSQL database; the schema is created and migrated when it opens."""

    db: PostgresDatabase

    def __init__(self, url: DatabaseUrl, max_connections: int | None = None) -> None:
        db = PostgresDatabase(url.target, max_size=max_connections or int(os.environ.get("AIPM_DB_POOL_SIZE") or 24))
        try:
            apply_migrations(db)
        except BaseException:
            db.close()
            raise
        super().__init__(db, url)

    def backup(self, target: str) -> str:
        """``pg_dump --format=custom``: a consistent snapshot while the bot writes; restore with pg_restore.

        The password travels in PGPASSWORD, never on the command line where ``ps`` would show it.
        """
        path = Path(target)
        if path.exists():
            raise FileExistsError(f"{path} already exists; choose a new file name")
        pg_dump = pg_tool("pg_dump")
        if pg_dump is None:
            raise StoreUnavailable("pg_dump is not installed; install the PostgreSQL client tools, or run pg_dump on the server")
        params = conninfo_to_dict(self.url.target)
        password = params.pop("password", None)
        env = {**os.environ, **({"PGPASSWORD": str(password)} if password else {})}
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # it holds bot tokens
        os.close(fd)
        done = subprocess.run(
            [pg_dump, "--format=custom", "--no-owner", f"--file={path}", f"--dbname={make_conninfo('', **params)}"],
            env=env, capture_output=True, text=True, check=False,
        )
        if done.returncode != 0:
            path.unlink(missing_ok=True)
            raise StoreUnavailable(f"pg_dump failed: {done.stderr.strip().replace(str(password), '***') if password else done.stderr.strip()}")
        return f"{path.stat().st_size} bytes, pg_dump custom format"

    def check(self) -> list[str]:
        """The schema is current, no index is left invalid (a failed concurrent build), every learner has its workspace."""
        problems = [f"migration not applied: {name}" for name in pending_migrations(self.db)]
        problems += [f"invalid index: {row[0]}" for row in self.db.query(
            "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE NOT i.indisvalid"
        )]
        orphans = self.db.query("SELECT COUNT(*) FROM learners l LEFT JOIN workspaces w ON w.id = l.workspace_id WHERE w.id IS NULL")
        if int(orphans[0][0]):
            problems.append(f"{orphans[0][0]} learners without a workspace")
        return problems
