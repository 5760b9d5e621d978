"""``aipm``: the command line. Each sub-command is a thin shell over the core or an adapter."""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.config import load_settings
from bot.content import ContentError, CoursePolicy, load_curriculum


def _content_validate(args: argparse.Namespace) -> int:
    settings = load_settings()
    directory = Path(args.dir or settings.content_dir)
    try:
        curriculum = load_curriculum(directory, CoursePolicy.named(settings.content_policy))
    except ContentError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print(f"\n{len(error.problems)} problem(s): the curriculum was not loaded.", file=sys.stderr)
        return 1
    stats = curriculum.stats()
    print(f"OK: {stats['tracks']} tracks, {stats['tips']} tips, {stats['questions']} questions, {stats['path_days']} path days.")
    return 0


def _content_stats(args: argparse.Namespace) -> int:
    settings = load_settings()
    directory = Path(args.dir or settings.content_dir)
    try:
        stats = load_curriculum(directory, CoursePolicy.named(settings.content_policy)).stats()
    except ContentError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(stats, indent=2))
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Curriculum: {stats['tips']} tips, {stats['questions']} questions, {stats['path_days']} path days")
    for column in ("track", "tips", "questions", "tips d1/d2/d3", "questions d1/d2/d3"):
        table.add_column(column)
    for track_id, row in stats["by_track"].items():
        td, qd = row["tips_by_difficulty"], row["questions_by_difficulty"]
        table.add_row(track_id, str(row["tips"]), str(row["questions"]), f"{td['1']}/{td['2']}/{td['3']}", f"{qd['1']}/{qd['2']}/{qd['3']}")
    console = Console()
    console.print(table)
    shares = ", ".join(f"{k}: {v} ({stats['correct_position_share'][k]:.0%})" for k, v in stats["correct_positions"].items())
    console.print(f"Correct positions: {shares}")
    return 0


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
    return ConsoleAdapter(core.service, user=user, tz=args.tz).run()


def _serve(args: argparse.Namespace) -> int:
    from app.serve import serve

    return serve(args)


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
    console.add_argument("--tz", help="your IANA time zone, e.g. Europe/Berlin")
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

    content = sub.add_parser("content", help="check the curriculum")
    content_sub = content.add_subparsers(dest="content_command", required=True)
    validate = content_sub.add_parser("validate", help="validate every content file; print file:line: reason for each problem")
    validate.add_argument("--dir", help="content directory (default: ./content)")
    validate.set_defaults(func=_content_validate)
    stats = content_sub.add_parser("stats", help="counts by track, kind and difficulty, and correct positions")
    stats.add_argument("--dir")
    stats.add_argument("--json", action="store_true", help="machine-readable output")
    stats.set_defaults(func=_content_stats)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
