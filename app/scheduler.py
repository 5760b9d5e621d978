"""The delivery scheduler for ``aipm serve``: one APScheduler job that runs a sweep every minute.

The schedule itself lives in our tables (``next_due_at``), not in an APScheduler job store, so there
is exactly one job however many channels subscribe, and restarts lose nothing. Sweeps run on one
long-lived event loop in a background thread, so messengers may keep HTTP sessions between sweeps.
A messenger bound to another loop (e.g. a gateway client's) must hop onto it itself, e.g. with
``asyncio.run_coroutine_threadsafe``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from app.wiring import Core
from bot.config import positive_int_from_env
from bot.delivery import Delivery
from bot.delivery_config import DeliveryConfig
from bot.delivery_report import LogObserver, SweepObserver, SweepReport
from bot.ports import Messenger

log = logging.getLogger(__name__)

JOB_ID = "aipm-delivery-sweep"
SWEEP_EVERY = timedelta(minutes=1)


def delivery_config_from_env(grace_minutes: int | None = None) -> DeliveryConfig:
    """Defaults, overridden by ``AIPM_DELIVERY_GRACE_MINUTES`` (default 180), ``AIPM_NUDGE_TIME`` (19:00),
    ``AIPM_DELIVERY_PARTITIONS`` and ``AIPM_DELIVERY_SWEEPERS`` (both 1: one sweeper does everything)."""
    defaults = DeliveryConfig()
    if grace_minutes is None:
        raw = os.environ.get("AIPM_DELIVERY_GRACE_MINUTES", "").strip()
        grace_minutes = int(raw) if raw else None
    grace = timedelta(minutes=grace_minutes) if grace_minutes is not None else defaults.grace
    return replace(
        defaults, grace=grace, nudge_time=os.environ.get("AIPM_NUDGE_TIME", "").strip() or defaults.nudge_time,
        partitions=positive_int_from_env("AIPM_DELIVERY_PARTITIONS", defaults.partitions),
        sweepers=positive_int_from_env("AIPM_DELIVERY_SWEEPERS", defaults.sweepers),
    )


class DeliveryScheduler:
    """Owns the APScheduler job and the event loop the sweeps run on."""

    def __init__(self, delivery: Delivery) -> None:
        self.delivery = delivery
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="aipm-delivery-loop", daemon=True)
        self.scheduler = BackgroundScheduler(timezone=UTC)
        self.scheduler.add_job(
            self.run_sweep,
            trigger=IntervalTrigger(seconds=int(SWEEP_EVERY.total_seconds()), timezone=UTC),
            id=JOB_ID,
            name="delivery sweep",
            max_instances=1,
            coalesce=True,
            misfire_grace_time=int(SWEEP_EVERY.total_seconds()),
            next_run_time=datetime.now(UTC),
            replace_existing=True,
        )

    def start(self) -> None:
        self._thread.start()
        self.scheduler.start()

    def run_sweep(self) -> SweepReport | None:
        """The job: one sweep on the delivery loop. Errors are logged; the next minute tries again."""
        if not self._thread.is_alive():
            self._thread.start()
        future = asyncio.run_coroutine_threadsafe(self.delivery.sweep(), self.loop)
        try:
            return future.result()
        except Exception:
            log.exception("delivery sweep failed; the next one will resume from the outbox")
            return None

    def shutdown(self, wait: bool = True) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=wait)
        self.loop.call_soon_threadsafe(self.loop.stop)
        if wait and self._thread.is_alive():
            self._thread.join(timeout=10)


def build_delivery(core: Core, messengers: Mapping[str, Messenger], config: DeliveryConfig | None = None, observer: SweepObserver | None = None) -> Delivery:
    return Delivery(core.service, core.store.delivery, messengers, config or delivery_config_from_env(), observer=observer or LogObserver())


def start_delivery(core: Core, messengers: Mapping[str, Messenger], config: DeliveryConfig | None = None) -> DeliveryScheduler:
    """Called by ``aipm serve`` with each running adapter's messenger, keyed by platform."""
    scheduler = DeliveryScheduler(build_delivery(core, messengers, config))
    scheduler.start()
    log.info("delivery sweeps every %s for %s", SWEEP_EVERY, ", ".join(sorted(messengers)) or "no platform")
    return scheduler
