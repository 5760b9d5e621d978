"""``aipm db``: backup, check, migrate and copy, on SQLite and PostgreSQL alike; safe while the bot runs."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.settings import load_settings
from bot.store import DatabaseUrl, Store, StoreConfigurationError, StoreUnavailable

CommandFactory = Callable[[Any, str, str, str, str], argparse.ArgumentParser]
DB_OPTION_HELP = "SQLite file or database URL (default: AIPM_DATABASE_URL, else AIPM_DB, else the user data directory)"


def database_url(args: argparse.Namespace, *, must_exist: bool = True) -> DatabaseUrl | None:
    """The database ``--db`` or the settings name; None after saying why it cannot be used."""
    try:
        url = load_settings().database(getattr(args, "db", None))
    except StoreConfigurationError as error:
        print(f"Bad database URL: {error}", file=sys.stderr)
        return None
    return url if not must_exist or _exists(url) else None


def _exists(url: DatabaseUrl) -> bool:
    """False, after saying so, for a SQLite file that is not there (opening it would create an empty one)."""
    if url.driver == "sqlite" and url.target != ":memory:" and not Path(url.target).exists():
        print(f"No database at {url.target}.", file=sys.stderr)
        return False
    return True


def open_database(args: argparse.Namespace, *, must_exist: bool = True) -> tuple[DatabaseUrl, Store] | None:
    """``--db`` (or the settings') database, opened; None after saying why it cannot be (a bad URL, no such
    file, a file that is not a database, a server that is down). The caller closes the store."""
    url = database_url(args, must_exist=must_exist)
    store = _open(url) if url is not None else None
    return (url, store) if url is not None and store is not None else None


def _open(url: DatabaseUrl) -> Store | None:
    from bot.store.drivers import open_store

    try:
        return open_store(url)
    except StoreUnavailable as error:
        print(f"{url.redacted()}: {error}", file=sys.stderr)
        return None


def _db_backup(args: argparse.Namespace) -> int:
    opened = open_database(args)
    if opened is None:
        return 1
    url, store = opened
    try:
        copied = store.backup(args.path)
    except (OSError, StoreUnavailable) as error:
        print(f"Backup failed: {error}", file=sys.stderr)
        return 1
    finally:
        store.close()
    print(f"Backed up {url.redacted()} to {args.path} ({copied}), consistent even while the bot runs.")
    return 0


def _db_check(args: argparse.Namespace) -> int:
    from bot.clock import SystemClock

    url = database_url(args)
    if url is None:
        return 1
    if url.driver == "sqlite":
        # Check the file before opening it for writing: a damaged file is reported, not migrated.
        from bot.store.drivers.sqlite.operations import check

        try:
            problems = check(url.target)
        except StoreUnavailable as error:
            print(str(error), file=sys.stderr)
            return 1
        if problems:
            print("\n".join(problems), file=sys.stderr)
            return 1
    store = _open(url)
    if store is None:
        return 1
    try:
        problems = store.check() if url.driver != "sqlite" else []
        if problems:
            print("\n".join(problems), file=sys.stderr)
            return 1
        print(f"{url.target if url.driver == 'sqlite' else url.redacted()}: integrity ok.")
        for name, holder, expired in store.clear_expired_leases(SystemClock().now()):
            print(f"repaired: removed the {name} lease held by {holder}, which expired {expired:%Y-%m-%d %H:%M:%S} UTC.")
    finally:
        store.close()
    return 0


def _db_migrate(args: argparse.Namespace) -> int:
    opened = open_database(args, must_exist=False)
    if opened is None:
        return 1
    url, store = opened
    store.close()
    print(f"{url.redacted()}: schema up to date.")
    return 0


def _db_copy(args: argparse.Namespace) -> int:
    from bot.store.drivers.copy import CopyRefused, copy_store

    try:
        source_url, target_url = DatabaseUrl.parse(args.source), DatabaseUrl.parse(args.target)
    except StoreConfigurationError as error:
        print(f"Bad database URL: {error}", file=sys.stderr)
        return 1
    if not _exists(source_url):
        return 1
    source = _open(source_url)
    target = _open(target_url) if source is not None else None
    if source is None or target is None:
        if source is not None:
            source.close()
        return 1
    try:
        counts = copy_store(source, target, replace=args.replace)
    except CopyRefused as error:
        print(str(error), file=sys.stderr)
        return 1
    except StoreUnavailable as error:
        print(f"Copy failed, nothing committed: {error}", file=sys.stderr)
        return 1
    finally:
        source.close()
        target.close()
    total = sum(counts.values())
    print(f"Copied {total} rows from {source_url.redacted()} to {target_url.redacted()}; every table's count matches:")
    for table, count in counts.items():
        print(f"  {table:<22} {count}")
    return 0


def add_db_commands(sub: Any, command: CommandFactory) -> None:
    db = command(sub, "db", "database operations, safe while the bot runs",
                 "Back up, check, migrate or copy the database (SQLite or PostgreSQL); safe while the bot runs.", "aipm db check")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="<db-command>")
    backup = command(
        db_sub, "backup", "online backup to PATH (SQLite backup API, or pg_dump for PostgreSQL)",
        "Copy the database to PATH while the bot writes: SQLite's online backup API for a file, pg_dump's custom format "
        "for PostgreSQL (restore it with pg_restore).",
        "aipm db backup /backups/aipm-$(date +%F).db",
    )
    backup.add_argument("path", help="the new backup file (never overwritten)")
    backup.add_argument("--db", help=DB_OPTION_HELP)
    backup.set_defaults(func=_db_backup)
    check = command(
        db_sub, "check", "integrity check, and remove expired delivery leases",
        "SQLite: PRAGMA integrity_check and foreign_key_check. PostgreSQL: the schema is current and every row has its parent. "
        "Both: remove delivery leases that have expired.",
        "aipm db check --db ./aipm.db",
    )
    check.add_argument("--db", help=DB_OPTION_HELP)
    check.set_defaults(func=_db_check)
    migrate = command(
        db_sub, "migrate", "create the schema or apply pending migrations, then exit",
        "Create the schema on an empty database or apply pending migrations (every command does this at start; "
        "run it alone before rolling out new processes).",
        "AIPM_DATABASE_URL=postgresql://aipm@db/aipm aipm db migrate",
    )
    migrate.add_argument("--db", help=DB_OPTION_HELP)
    migrate.set_defaults(func=_db_migrate)
    copy = command(
        db_sub, "copy", "copy a whole installation from one database to another (e.g. SQLite to PostgreSQL)",
        "Copy learners, answers, cards, subscriptions, the outbox, installations and everything else from SOURCE_URL to "
        "TARGET_URL in one transaction, then verify every table's row count. Refuses a target that already holds data "
        "unless --replace is given. Stop the bot (or its sweeps) first so nothing is written meanwhile.",
        "aipm db copy sqlite:///var/lib/aipm/aipm.db postgresql://aipm:secret@db.internal/aipm",
    )
    copy.add_argument("source", metavar="SOURCE_URL", help="the database to copy from (a SQLite path or URL)")
    copy.add_argument("target", metavar="TARGET_URL", help="the database to copy into (created and migrated if empty)")
    copy.add_argument("--replace", action="store_true", help="empty a target that already holds data before copying")
    copy.set_defaults(func=_db_copy)
