"""``aipm serve``: start every adapter that has credentials, plus the delivery scheduler.

Each adapter package exposes a runner with ``start()``, ``stop()`` and a ``messenger`` (bot.ports.Messenger)
that delivery uses for scheduled posts.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from typing import Any, Protocol

from app.wiring import build_core
from bot.config import load_settings

log = logging.getLogger(__name__)


class Runner(Protocol):
    platform: str
    messenger: Any

    def start(self) -> None: ...
    def stop(self) -> None: ...


def serve(args: argparse.Namespace) -> int:
    settings = load_settings()
    if args.port:
        settings = settings.model_copy(update={"port": args.port})
    if not (settings.slack_configured or settings.discord_configured):
        print("No adapter is configured: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN), or DISCORD_TOKEN.", file=sys.stderr)
        return 2
    core = build_core(settings, db=getattr(args, "db", None))
    runners: list[Runner] = []
    if settings.slack_configured:
        from adapters.slack.runner import SlackRunner

        runners.append(SlackRunner(core))
    if settings.discord_configured:
        from adapters.discord.runner import DiscordRunner

        runners.append(DiscordRunner(core))
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    for runner in runners:
        runner.start()
        log.info("started %s adapter", runner.platform)
    scheduler = None
    try:
        from app.scheduler import start_delivery

        scheduler = start_delivery(core, {r.platform: r.messenger for r in runners})
    except ImportError:
        log.info("delivery scheduler not available yet")
    stop.wait()
    if scheduler is not None:
        scheduler.shutdown(wait=False)
    for runner in runners:
        runner.stop()
    core.repo.close()
    return 0
