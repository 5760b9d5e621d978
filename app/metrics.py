"""Prometheus metrics for ``GET /metrics``: commands, answers, deliveries, failures, latency.

The core stays free of prometheus: ``InstrumentedService`` wraps the CompanionService entry points that
adapters call, and delivery reports through ``record_delivery``.
"""

from __future__ import annotations

import time
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from bot.delivery_report import PostOutcome, SweepObserver, SweepReport
from bot.messages import Reply
from bot.service import CompanionService, Context

REGISTRY = CollectorRegistry()
COMMANDS = Counter("aipm_commands_total", "Commands handled", ["platform", "kind"], registry=REGISTRY)
ANSWERS = Counter("aipm_answers_total", "Quiz answers recorded", ["platform", "correct"], registry=REGISTRY)
FAILURES = Counter("aipm_failures_total", "Requests answered with an error", ["platform", "where"], registry=REGISTRY)
DELIVERIES = Counter("aipm_deliveries_total", "Scheduled posts by outcome", ["platform", "outcome"], registry=REGISTRY)
LATENCY = Histogram(
    "aipm_request_seconds", "Core handling time per request", ["entry"], registry=REGISTRY,
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
CONTENT_TYPE = CONTENT_TYPE_LATEST


def render() -> bytes:
    return generate_latest(REGISTRY)


def record_delivery(platform: str, outcome: str) -> None:
    DELIVERIES.labels(platform, outcome).inc()


def _observe(ctx: Context, entry: str, reply: Reply, started: float) -> None:
    LATENCY.labels(entry).observe(time.perf_counter() - started)
    COMMANDS.labels(ctx.platform, reply.kind).inc()
    if reply.kind == "error":
        FAILURES.labels(ctx.platform, entry).inc()
    if reply.answer is not None and reply.answer.correct is not None:
        ANSWERS.labels(ctx.platform, "1" if reply.answer.correct else "0").inc()


class InstrumentedService(CompanionService):
    """The CompanionService adapters call, counting and timing each request on its way out."""

    def handle_text(self, ctx: Context, text: str) -> Reply:
        started = time.perf_counter()
        reply = super().handle_text(ctx, text)
        _observe(ctx, "text", reply, started)
        return reply

    def handle_action(self, ctx: Context, action_id: str, value: str) -> Reply:
        started = time.perf_counter()
        reply = super().handle_action(ctx, action_id, value)
        _observe(ctx, "action", reply, started)
        return reply


class MetricsObserver:
    """Counts delivery outcomes for ``/metrics``, and passes every event on to another observer (the logs)."""

    def __init__(self, inner: SweepObserver) -> None:
        self._inner = inner

    def sweep_started(self, at: datetime) -> None:
        self._inner.sweep_started(at)

    def planned(self, count: int) -> None:
        self._inner.planned(count)

    def finished(self, outcome: PostOutcome) -> None:
        record_delivery(outcome.destination.platform, outcome.status)
        self._inner.finished(outcome)

    def sweep_finished(self, report: SweepReport) -> None:
        self._inner.sweep_finished(report)
