"""Operations basics: structured logs that redact secrets, the health/metrics server, instrumented requests."""

from __future__ import annotations

import io
import json
import logging
import sys
import urllib.request

import pytest

from app import metrics
from app.logs import setup_logging
from app.ops_http import OpsHttpServer
from bot.clock import FixedClock
from bot.content import Curriculum
from bot.service import Context
from bot.store.drivers.sqlite import SqliteRepository


def test_logs_are_json_lines_off_a_terminal_and_redact_tokens() -> None:
    stream = io.StringIO()
    setup_logging(stream=stream)
    try:
        logging.getLogger("aipm.test").info("posting with %s", "xoxb-123456789-abcdefghijkl", extra={"channel": "C1"})
    finally:
        setup_logging()
    entry = json.loads(stream.getvalue().strip().splitlines()[-1])
    assert entry["level"] == "info"
    assert entry["channel"] == "C1"
    assert "xoxb-123456789" not in entry["msg"]
    assert "[redacted]" in entry["msg"]


def test_ops_server_serves_health_and_metrics() -> None:
    server = OpsHttpServer("127.0.0.1", 0, {"/metrics": lambda: (metrics.render(), metrics.CONTENT_TYPE)})
    server.start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/healthz", timeout=5) as response:
            assert json.loads(response.read()) == {"status": "ok"}
        with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/metrics", timeout=5) as response:
            assert b"aipm_commands_total" in response.read()
    finally:
        server.stop()


def test_instrumented_service_counts_commands_answers_and_failures(repo: SqliteRepository, curriculum: Curriculum, clock: FixedClock) -> None:
    service = metrics.InstrumentedService(repo, curriculum, clock)
    ctx = Context("T9", "metrics-test", "U1", "Ada", "C1")

    def value(name: str, **labels: str) -> float:
        return metrics.REGISTRY.get_sample_value(name, labels) or 0.0

    before_quiz = value("aipm_commands_total", platform="metrics-test", kind="quiz")
    before_fail = value("aipm_failures_total", platform="metrics-test", where="text")
    quiz = service.handle_text(ctx, "quiz")
    service.handle_text(ctx, "quizz")
    service.handle_action(ctx, quiz.buttons[0].action_id, quiz.buttons[0].value)
    assert value("aipm_commands_total", platform="metrics-test", kind="quiz") == before_quiz + 1
    assert value("aipm_failures_total", platform="metrics-test", where="text") == before_fail + 1
    assert value("aipm_answers_total", platform="metrics-test", correct="1") + value("aipm_answers_total", platform="metrics-test", correct="0") == 1


def test_logs_go_to_the_stderr_of_the_moment_not_a_closed_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """A reply thread that logs after its test (or after stderr was redirected) must not hit a closed file."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    try:
        first = io.StringIO()
        monkeypatch.setattr(sys, "stderr", first)
        setup_logging()
        first.close()
        later = io.StringIO()
        monkeypatch.setattr(sys, "stderr", later)
        logging.getLogger("aipm.test").warning("still here")
        assert "Logging error" not in later.getvalue()
        assert json.loads(later.getvalue().splitlines()[-1])["msg"] == "still here"
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
