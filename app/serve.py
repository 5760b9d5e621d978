"""``aipm serve``: start every adapter that has credentials, the delivery scheduler, and /healthz + /metrics.

Each adapter package exposes a runner with ``start()``, ``stop()`` and a ``messenger`` (bot.ports.Messenger)
that delivery uses for scheduled posts.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import signal
import sys
import threading
from typing import Any, Protocol

from app import metrics
from app.ops_http import OpsHttpServer
from app.scheduler import DeliveryScheduler, build_delivery
from app.settings import load_settings
from app.wiring import build_core
from bot.delivery_report import LogObserver
from bot.store.repository import StoreUnavailable

log = logging.getLogger(__name__)


class Runner(Protocol):
    platform: str
    messenger: Any

    def start(self) -> None: ...
    def stop(self) -> None: ...


def metrics_route() -> tuple[bytes, str]:
    return metrics.render(), metrics.CONTENT_TYPE


def serve(args: argparse.Namespace) -> int:
    settings = load_settings()
    if getattr(args, "port", None):
        settings = settings.model_copy(update={"port": args.port})
    if not (settings.slack_configured or settings.discord_configured):
        print("No adapter is configured: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN), or DISCORD_TOKEN.", file=sys.stderr)
        return 2
    try:
        core = build_core(settings, db=getattr(args, "db", None), service_class=metrics.InstrumentedService)
    except StoreUnavailable as error:
        print(f"The database cannot be opened, so the bot would lose what users send it: {error}", file=sys.stderr)
        return 2
    log.info("database: %s", core.store.url.redacted())  # never the password
    problem = core.store.health_problem()
    if problem:
        print(f"The database at {core.store.url.redacted()} cannot be written, so the bot would lose what users send it: {problem}", file=sys.stderr)
        return 2
    runners: list[Runner] = []
    ops: OpsHttpServer | None = None
    if settings.slack_configured:
        from adapters.slack.runner import SlackRunner

        slack = SlackRunner(core)
        slack.add_get_route("/metrics", metrics_route)
        runners.append(slack)
    else:
        ops = OpsHttpServer(os.environ.get("HOST") or "0.0.0.0", settings.port, {"/metrics": metrics_route}, core.store.health_problem)
    if settings.discord_configured:
        from adapters.discord.runner import DiscordRunner

        runners.append(DiscordRunner(core))
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    for runner in runners:
        runner.start()
        log.info("started %s adapter", runner.platform)
    if ops is not None:
        ops.start()
        log.info("health and metrics on port %s", ops.port)
    delivery = build_delivery(core, {r.platform: r.messenger for r in runners}, observer=metrics.MetricsObserver(LogObserver()))
    scheduler = DeliveryScheduler(delivery)
    scheduler.start()
    # Start-up objects live for the whole process: keep the collector from walking them on every full pass.
    gc.collect()
    gc.freeze()
    stop.wait()
    log.info("shutting down")
    scheduler.shutdown(wait=False)
    for runner in runners:
        runner.stop()
    if ops is not None:
        ops.stop()
    core.store.close()
    return 0
