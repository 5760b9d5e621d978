"""``aipm deliver-due``: one delivery sweep as of an instant, then a short table of what happened.

Console subscriptions are printed here; Slack and Discord ones go through their adapters' messengers
when those are configured (Slack through its Web API clients, Discord through a gateway connection held
for the length of the run). Running it twice at the same instant sends nothing new: the outbox
already holds every post of that instant.
"""

from __future__ import annotations

import argparse
import sys
from contextlib import ExitStack
from datetime import UTC, datetime
from typing import TextIO

from adapters.console.messenger import ConsoleMessenger
from app.scheduler import delivery_config_from_env
from app.settings import load_settings
from app.wiring import Core, build_core
from bot.clock import Clock, FixedClock, SystemClock
from bot.content import ContentError
from bot.delivery import Delivery
from bot.delivery_report import LogObserver, PostOutcome, SweepObserver, SweepReport
from bot.ports import Messenger

DISCORD_READY_TIMEOUT = 30.0


def parse_instant(text: str) -> datetime:
    """ISO 8601; a time without an offset is taken as UTC."""
    instant = datetime.fromisoformat(text.strip())
    return instant.replace(tzinfo=UTC) if instant.tzinfo is None else instant.astimezone(UTC)


def _slack_messenger(core: Core, stack: ExitStack) -> Messenger:
    from adapters.slack.runner import SlackRunner

    return SlackRunner(core).messenger  # builds Web API clients only; nothing is served


def _discord_messenger(core: Core, stack: ExitStack) -> Messenger | None:
    """Discord posts go through the gateway client, so it connects for the length of the sweep."""
    from adapters.discord.runner import DiscordRunner

    runner = DiscordRunner(core)
    runner.start()
    stack.callback(runner.stop)
    if not runner.wait_ready(DISCORD_READY_TIMEOUT):
        print("Could not connect to Discord; its posts stay queued for the next run.", file=sys.stderr)
        return None
    return runner.messenger


def platform_messengers(core: Core, stack: ExitStack) -> dict[str, Messenger]:
    """The configured platforms' messengers, each adapter imported only when it is configured."""
    settings = core.settings
    wanted = [("slack", settings.slack_configured, _slack_messenger), ("discord", settings.discord_configured, _discord_messenger)]
    messengers: dict[str, Messenger] = {}
    for platform, configured, build in wanted:
        if not configured:
            continue
        try:
            messenger = build(core, stack)
        except (ImportError, ValueError) as error:
            print(f"{platform} is configured but cannot post ({error}); its posts stay queued.", file=sys.stderr)
            continue
        if messenger is not None:
            messengers[platform] = messenger
    return messengers


class RichProgressObserver:
    """A progress bar on a terminal for long sweeps; posts printed meanwhile scroll above it."""

    def __init__(self) -> None:
        from rich.progress import Progress

        self.progress = Progress(transient=True)
        self.task = self.progress.add_task("delivering", total=0)

    def sweep_started(self, at: datetime) -> None:
        self.progress.start()

    def planned(self, count: int) -> None:
        total = self.progress.tasks[0].total or 0
        self.progress.update(self.task, total=total + count)

    def finished(self, outcome: PostOutcome) -> None:
        self.progress.advance(self.task)

    def sweep_finished(self, report: SweepReport) -> None:
        self.progress.stop()


def print_report(report: SweepReport, out: TextIO) -> None:
    counts = " · ".join(f"{status} {n}" for status, n in report.counts.items())
    out.write(f"Delivery sweep as of {report.at:%Y-%m-%d %H:%M} UTC: {counts}\n")
    if report.lease_busy:
        holder = f" ({report.lease_holder}, until {report.lease_until:%Y-%m-%d %H:%M:%S} UTC)" if report.lease_holder and report.lease_until else ""
        out.write(f"Another sweeper holds the delivery lease{holder}, so this run sent nothing. "
                  "Try again once it has finished; if that process is gone, `aipm db check` clears an expired lease.\n")
    for error in report.errors:
        out.write(f"problem: {error}\n")
    if not report.outcomes:
        return
    rows = [
        (o.status, o.kind, f"{o.destination.platform}:{'@' + (o.destination.user_id or '') if o.destination.kind == 'dm' else '#' + o.destination.channel_id}", o.key, o.message_id or o.detail)
        for o in report.outcomes
    ]
    headers = ("status", "kind", "where", "key", "detail")
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers[:-1])]
    for line in (headers, *rows):
        out.write("  ".join(cell.ljust(width) for cell, width in zip(line[:-1], widths, strict=True)) + f"  {line[-1]}\n")


def deliver_due(args: argparse.Namespace) -> int:
    settings = load_settings()
    at = parse_instant(args.at) if args.at else None
    clock: Clock = FixedClock(at) if at else SystemClock()
    try:
        core = build_core(settings, db=args.db, clock=clock)
    except ContentError as error:
        print("The curriculum is invalid:\n" + "\n".join(error.problems), file=sys.stderr)
        return 1
    with ExitStack() as stack:
        stack.callback(core.store.close)
        messengers: dict[str, Messenger] = {"console": ConsoleMessenger(sys.stdout), **platform_messengers(core, stack)}
        observer: SweepObserver = RichProgressObserver() if sys.stderr.isatty() else LogObserver()
        config = delivery_config_from_env(getattr(args, "grace", None))
        # Whatever --at simulates, the lease is timed on the real clock (a crash must not wedge real sweeps).
        delivery = Delivery(core.service, core.store.delivery, messengers, config, observer=observer, lease_clock=SystemClock())
        report = delivery.sweep_now()
    print_report(report, sys.stdout)
    return 3 if report.lease_busy else 0
