"""``aipm``: the command line. Each sub-command is a thin shell over the core or an adapter."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from app.content_cli import add_content_commands
from app.db_cli import add_db_commands
from app.reviews_cli import add_reviews_commands
from app.settings import load_settings
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

    image_dir = _image_dir(core.store.url.target if core.store.url.driver == "sqlite" else ":memory:")
    return ConsoleAdapter(core.service, user=user, tz=args.tz or local_zone_name(), image_dir=image_dir,
                          file_dir=image_dir.parent / "exports",
                          open_images=bool(args.open_images or settings.console_open_images)).run()


def _image_dir(db_file: str) -> Path:
    """Pictures the console saves go beside the SQLite file, else in the user's data directory (exports beside them)."""
    if db_file != ":memory:":
        return Path(db_file).resolve().parent / "images"
    from platformdirs import user_data_dir

    return Path(user_data_dir("aipm-companion")) / "images"


def _serve(args: argparse.Namespace) -> int:
    from app.serve import serve

    return serve(args)


def _deliver_due(args: argparse.Namespace) -> int:
    from app.deliver_cli import deliver_due

    return deliver_due(args)


def _discord_invite_url(args: argparse.Namespace) -> int:
    from adapters.discord.invite import print_invite_url

    return print_invite_url(args.application_id or load_settings().discord_application_id)


def _run(args: argparse.Namespace) -> int:
    """``make run``: the real adapters when tokens are configured, else the console."""
    settings = load_settings()
    if settings.slack_configured or settings.discord_configured:
        return _serve(args)
    print("No Slack or Discord tokens configured: starting the console. (See README: Configuration.)", file=sys.stderr)
    return _console(args)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("aipm-companion")
    except PackageNotFoundError:
        return "unknown (not installed; run `pip install -e .`)"


class HelpFormatter(argparse.HelpFormatter):
    """Wraps prose to the terminal but prints example lines (indented by two spaces) exactly as typed."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(
            indent + line if line.startswith("  ") or not line.strip() else super(HelpFormatter, self)._fill_text(line, width, indent)
            for line in text.splitlines()
        )


def _command(sub: Any, name: str, summary: str, description: str, example: str) -> argparse.ArgumentParser:
    """A sub-command whose ``--help`` says what it is for and shows one way to run it."""
    parser: argparse.ArgumentParser = sub.add_parser(
        name, help=summary, description=description, epilog=f"example:\n  {example}", formatter_class=HelpFormatter,
    )
    return parser


# Sub-commands registered elsewhere (app/content_cli.py) get their description and example here when they have none.
_DOCUMENTED_ELSEWHERE = {
    "aipm content": ("Check the bundled curriculum, or any directory laid out like it.", "aipm content validate"),
    "aipm content validate": (
        "Load every content file with the full course rules; print file:line: reason for each problem and exit 1 if there are any.",
        "aipm content validate --dir content",
    ),
    "aipm content stats": ("Count tips and questions by track, kind and difficulty, and where the correct answers sit.", "aipm content stats --json"),
    "aipm content audit": ("Score test-wise guessing strategies over the question bank.", "aipm content audit --json"),
}


def subparsers_of(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """Every sub-command parser under ``parser``, depth first."""
    found: list[argparse.ArgumentParser] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):
                found += [child, *subparsers_of(child)]
    return found


def _fill_in_documentation(parser: argparse.ArgumentParser) -> None:
    for child in subparsers_of(parser):
        description, example = _DOCUMENTED_ELSEWHERE.get(child.prog, (None, None))
        if not child.description and description:
            child.description = description
        if not child.epilog and example:
            child.epilog = f"example:\n  {example}"
            child.formatter_class = argparse.RawDescriptionHelpFormatter


OPEN_IMAGES_HELP = "open each picture (the stats progress card) in the system's image viewer (default: AIPM_CONSOLE_OPEN_IMAGES)"
DB_HELP = "SQLite file or database URL (default: AIPM_DATABASE_URL, else AIPM_DB, else the user data directory)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aipm", description="aipm-companion: a study companion for AI product management.",
        epilog="examples:\n  aipm console            chat with the bot in this terminal\n  aipm serve              run the Slack and Discord adapters\n"
               "  aipm <command> --help   more about one command",
        formatter_class=HelpFormatter,
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}", help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="<command>")

    console = _command(
        sub, "console", "chat with the bot in this terminal (scriptable through stdin)",
        "Chat with the bot in this terminal: the same commands as Slack and Discord. Type `open` to see the last picture "
        "(the stats progress card) in your image viewer, `exit` or Ctrl-D to leave. "
        "When stdin is not a terminal, each line is one command and each reply is printed.",
        "printf 'tip\\nquiz\\nanswer A\\n' | aipm console --user ada --tz Europe/Berlin",
    )
    console.add_argument("--user", help="who you are (default: your login name)")
    console.add_argument("--tz", help="your IANA time zone, e.g. Europe/Berlin (default: this machine's)")
    console.add_argument("--db", help=DB_HELP)
    console.add_argument("--open-images", action="store_true", help=OPEN_IMAGES_HELP)
    console.set_defaults(func=_console)

    run = _command(
        sub, "run", "serve when tokens are configured, else open the console",
        "What `make run` does: start the Slack and Discord adapters when their tokens are set, otherwise open the console.",
        "aipm run --port 3000",
    )
    run.add_argument("--user", help="console only: who you are (default: your login name)")
    run.add_argument("--tz", help="console only: your IANA time zone (default: this machine's)")
    run.add_argument("--db", help=DB_HELP)
    run.add_argument("--open-images", action="store_true", help="console only: " + OPEN_IMAGES_HELP)
    run.add_argument("--port", type=int, help="HTTP port when serving (default: PORT or 3000)")
    run.set_defaults(func=_run)

    serve = _command(
        sub, "serve", "run every adapter that has credentials",
        "Run every adapter that has credentials (Slack, Discord), the delivery scheduler and the ops endpoints.",
        "SLACK_BOT_TOKEN=... SLACK_SIGNING_SECRET=... aipm serve --port 3000",
    )
    serve.add_argument("--db", help=DB_HELP)
    serve.add_argument("--port", type=int, help="HTTP port (default: PORT or 3000)")
    serve.set_defaults(func=_serve)

    deliver = _command(
        sub, "deliver-due", "run one delivery sweep now (or as of --at) and print what was sent, skipped and failed",
        "Run one delivery sweep (the scheduled tips and quizzes that are due) and print what was sent, skipped and failed.",
        "aipm deliver-due --at 2026-03-02T09:00:00Z",
    )
    deliver.add_argument("--at", help="sweep as of this instant, ISO 8601 (e.g. 2026-03-02T09:00:00Z; UTC when no offset is given)")
    deliver.add_argument("--db", help=DB_HELP)
    deliver.add_argument("--grace", type=int, metavar="MINUTES", help="catch up posts at most this late (default: AIPM_DELIVERY_GRACE_MINUTES or 180)")
    deliver.set_defaults(func=_deliver_due)

    add_db_commands(sub, _command)
    add_reviews_commands(sub, _command)

    discord_cmd = _command(sub, "discord", "Discord helpers", "Helpers for setting up the Discord bot.", "aipm discord invite-url")
    discord_sub = discord_cmd.add_subparsers(dest="discord_command", required=True, metavar="<discord-command>")
    invite = _command(
        discord_sub, "invite-url", "print the link that adds the bot to a server with the permissions it needs",
        "Print the OAuth2 link that adds the bot to a Discord server with exactly the permissions it needs.",
        "aipm discord invite-url --application-id 123456789012345678",
    )
    invite.add_argument("--application-id", help="the Application ID (default: DISCORD_APPLICATION_ID)")
    invite.set_defaults(func=_discord_invite_url)

    add_content_commands(sub)
    _fill_in_documentation(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "func", None) is None:
        parser.print_help()  # `aipm` on its own: say what there is rather than fail
        return 0
    from app.logs import setup_logging

    setup_logging(verbose=args.verbose)
    from bot.config import ConfigurationError
    from bot.store import StoreConfigurationError
    from bot.store.errors import StoreUnavailable

    try:
        return int(args.func(args))
    except (ConfigurationError, StoreConfigurationError) as error:
        print(f"Configuration error: {error}", file=sys.stderr)  # a setting to fix, not a crash to report
        return 2
    except StoreUnavailable as error:  # a file that is not a database, a server that is down: one line, not a traceback
        print(f"The database cannot be opened: {error}. Nothing was changed.", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
