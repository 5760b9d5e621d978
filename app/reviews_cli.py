"""``aipm reviews optimize``: fit FSRS to one workspace's review log and reschedule its cards (bot.tuning)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from app.db_cli import DB_OPTION_HELP, CommandFactory, open_database
from bot.store import StoreUnavailable


def _optimize(args: argparse.Namespace) -> int:
    from bot.clock import SystemClock
    from bot.render import tuning as words
    from bot.reviews import ReviewScheduler
    from bot.tuning.optimize import optimize_workspace

    opened = open_database(args)
    if opened is None:
        return 1
    url, store = opened
    try:
        report = optimize_workspace(store.repo, SystemClock(), ReviewScheduler(), args.workspace,
                                    progress=lambda cards: print(words.rescheduled_so_far(cards), flush=True))
    except StoreUnavailable as error:
        print(words.stopped(str(error)), file=sys.stderr)
        return 1
    finally:
        store.close()
    if report.outcome == "unknown workspace":
        print(words.unknown_workspace(report, url.target if url.driver == "sqlite" else url.redacted()), file=sys.stderr)
        return 1
    if report.outcome == "optimizer missing":
        print(words.optimizer_missing(report), file=sys.stderr)
        return 1
    print(words.too_few_reviews(report) if report.outcome == "too few reviews" else words.fitted(report))
    return 0


def add_reviews_commands(sub: Any, command: CommandFactory) -> None:
    reviews = command(sub, "reviews", "spaced-repetition tools: fit FSRS to a workspace's reviews",
                      "Tools for the FSRS review schedule.", "aipm reviews optimize --workspace T0123ABCD")
    reviews_sub = reviews.add_subparsers(dest="reviews_command", required=True, metavar="<reviews-command>")
    optimize = command(
        reviews_sub, "optimize", "fit FSRS parameters to a workspace's review log and reschedule its cards",
        "Fit FSRS's parameters to one workspace's review log (the rows `export` writes as fsrs-revlog.csv) with fsrs's "
        "optimizer, store them for that workspace, and reschedule every card there with them and its learner's desired "
        "retention, in batches of one transaction each. Needs 512 reviews (answers a day or more after the previous answer "
        "to the same question); below that it says how many more and changes nothing. The fit needs the optional "
        "extra: pip install -e '.[optimizer]'.",
        "aipm reviews optimize --workspace T0123ABCD --db ./aipm.db",
    )
    optimize.add_argument("--workspace", required=True, metavar="ID", help="the workspace: a Slack team id, a Discord server id, or `console`")
    optimize.add_argument("--db", help=DB_OPTION_HELP)
    optimize.set_defaults(func=_optimize)
