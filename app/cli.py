"""``aipm``: the command line. Each sub-command is a thin shell over the core or an adapter."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence
from pathlib import Path

from app.content_cli import add_content_commands
from bot.config import load_settings
from bot.content import ContentError


def _console(args: argparse.Namespace) -> int:
    from adapters.console import ConsoleAdapter
    from app.wiring import build_core

    settings = load_settings()
    try:
        core = build_core(settings, db=args.db)
    except ContentError as error:
        print("The curriculum is invalid:\n" + "\n".join(error.problems), file=sys.stderr)
        return 1
    user = args.user or getpass.getuser() or "you"
    from adapters.console.local_zone import local_zone_name

    return ConsoleAdapter(core.service, user=user, tz=args.tz or local_zone_name()).run()


def _serve(args: argparse.Namespace) -> int:
    from app.serve import serve

    return serve(args)


def _deliver_due(args: argparse.Namespace) -> int:
    from app.deliver_cli import deliver_due

    return deliver_due(args)


def _discord_invite_url(args: argparse.Namespace) -> int:
    from adapters.discord.invite import print_invite_url

    return print_invite_url(args.application_id or load_settings().discord_application_id)


def _existing_database(args: argparse.Namespace) -> str | None:
    """The database ``--db`` (or the settings) names, or None after saying there is none."""
    from bot.store.sqlite import default_db_path

    path = args.db or load_settings().db_path or default_db_path()
    if not Path(path).exists():
        print(f"No database at {path}.", file=sys.stderr)
        return None
    return str(path)


def _db_backup(args: argparse.Namespace) -> int:
    import sqlite3

    from app.ops import backup

    source = _existing_database(args)
    if source is None:
        return 1
    try:
        pages = backup(source, args.path)
    except (OSError, sqlite3.Error) as error:
        print(f"Backup failed: {error}", file=sys.stderr)
        return 1
    print(f"Backed up {source} to {args.path} ({pages} pages), consistent even while the bot runs.")
    return 0


def _db_check(args: argparse.Namespace) -> int:
    import sqlite3

    from app.ops import check

    path = _existing_database(args)
    if path is None:
        return 1
    try:
        problems = check(path)
    except sqlite3.DatabaseError as error:
        print(f"{path}: not a usable SQLite database ({error}).", file=sys.stderr)
        return 1
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    print(f"{path}: integrity ok.")
    from app.ops import clear_expired_leases

    for name, holder, expired in clear_expired_leases(path):
        print(f"repaired: removed the {name} lease held by {holder}, which expired {expired:%Y-%m-%d %H:%M:%S} UTC.")
    return 0


def _run(args: argparse.Namespace) -> int:
    """``make run``: the real adapters when tokens are configured, else the console."""
    settings = load_settings()
    if settings.slack_configured or settings.discord_configured:
        return _serve(args)
    print("No Slack or Discord tokens configured: starting the console. (See README: Configuration.)", file=sys.stderr)
    return _console(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="aipm", description="aipm-companion: a study companion for AI product management.")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True)

    console = sub.add_parser("console", help="chat with the bot in this terminal (scriptable through stdin)")
    console.add_argument("--user", help="who you are (default: your login name)")
    console.add_argument("--tz", help="your IANA time zone, e.g. Europe/Berlin (default: this machine's)")
    console.add_argument("--db", help="SQLite file (default: AIPM_DB or the user data directory)")
    console.set_defaults(func=_console)

    run = sub.add_parser("run", help="serve when tokens are configured, else open the console")
    run.add_argument("--user")
    run.add_argument("--tz")
    run.add_argument("--db")
    run.add_argument("--port", type=int)
    run.set_defaults(func=_run)

    serve = sub.add_parser("serve", help="run every adapter that has credentials")
    serve.add_argument("--db")
    serve.add_argument("--port", type=int, help="HTTP port (default: PORT or 3000)")
    serve.set_defaults(func=_serve)

    deliver = sub.add_parser("deliver-due", help="run one delivery sweep now (or as of --at) and print what was sent, skipped and failed")
    deliver.add_argument("--at", help="sweep as of this instant, ISO 8601 (e.g. 2026-03-02T09:00:00Z; UTC when no offset is given)")
    deliver.add_argument("--db", help="SQLite file (default: AIPM_DB or the user data directory)")
    deliver.add_argument("--grace", type=int, metavar="MINUTES", help="catch up posts at most this late (default: AIPM_DELIVERY_GRACE_MINUTES or 180)")
    deliver.set_defaults(func=_deliver_due)

    db = sub.add_parser("db", help="database operations, safe while the bot runs")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_backup = db_sub.add_parser("backup", help="online backup (SQLite backup API) to PATH")
    db_backup.add_argument("path", help="the new backup file")
    db_backup.add_argument("--db", help="database to back up (default: AIPM_DB or the user data directory)")
    db_backup.set_defaults(func=_db_backup)
    db_check = db_sub.add_parser("check", help="PRAGMA integrity_check and foreign_key_check")
    db_check.add_argument("--db")
    db_check.set_defaults(func=_db_check)

    discord_cmd = sub.add_parser("discord", help="Discord helpers")
    discord_sub = discord_cmd.add_subparsers(dest="discord_command", required=True)
    invite = discord_sub.add_parser("invite-url", help="print the link that adds the bot to a server with the permissions it needs")
    invite.add_argument("--application-id", help="the Application ID (default: DISCORD_APPLICATION_ID)")
    invite.set_defaults(func=_discord_invite_url)

    add_content_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from app.logs import setup_logging

    setup_logging(verbose=args.verbose)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
