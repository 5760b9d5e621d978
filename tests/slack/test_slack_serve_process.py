"""``aipm serve`` as a real process: healthy, answers a signed command, exposes /metrics, logs no secrets."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from slack_fake_api import FakeSlackApi
from slack_harness import post, sign

ROOT = Path(__file__).resolve().parents[2]
BOT_TOKEN = "xoxb-1234567890-0987654321-SeRvEpRoCeSsToKeNvAlUe"
SIGNING_SECRET = "serve-process-signing-secret-5f1e0c9a"
DB_PASSWORD = "db-pass-7c41e9"


@pytest.fixture
def fake() -> Iterator[FakeSlackApi]:
    api = FakeSlackApi().start()
    yield api
    api.stop()


def test_serve_process_end_to_end_without_leaking_secrets(database_url: str, fake: FakeSlackApi) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "AIPM_"))}
    # On the PostgreSQL pass the URL carries a password (the test cluster trusts local users, so any works).
    url = database_url.replace("postgresql://postgres@", f"postgresql://postgres:{DB_PASSWORD}@")
    env.update({
        "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": fake.base_url,
        "PORT": "0", "HOST": "127.0.0.1", "AIPM_DATABASE_URL": url,
    })
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "-v", "serve"], cwd=ROOT, env=env, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    logs: list[str] = []
    try:
        assert process.stderr is not None
        port = None
        for line in process.stderr:  # JSON lines: the listening event tells us the port
            logs.append(line)
            if "listening on" in line:
                port = int(json.loads(line)["msg"].rsplit(":", 1)[1])
                break
        assert port, "".join(logs)
        base = f"http://127.0.0.1:{port}"
        with urllib.request.urlopen(f"{base}/healthz", timeout=5) as response:
            assert response.status == 200

        body = urlencode({
            "command": "/aipm", "text": "help", "team_id": "T1", "team_domain": "t", "channel_id": "C1", "channel_name": "general",
            "user_id": "U1", "user_name": "ada", "response_url": fake.response_url("r1"), "trigger_id": "1.2.3", "token": "x", "api_app_id": "A1",
        }).encode()
        stamp = str(int(time.time()))
        result = post(f"{base}/slack/events", body, "application/x-www-form-urlencoded",
                      {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": sign(SIGNING_SECRET, stamp, body)})
        assert result.status == 200
        assert "forget-me" in json.dumps(fake.wait_response("r1"))
        forged = post(f"{base}/slack/events", body, "application/x-www-form-urlencoded",
                      {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": sign("wrong-secret", stamp, body)})
        assert forged.status == 401

        with urllib.request.urlopen(f"{base}/metrics", timeout=5) as response:
            exposition = response.read().decode()
        assert 'aipm_commands_total{kind="help",platform="slack"} 1.0' in exposition
        assert "aipm_request_seconds_bucket" in exposition
    finally:
        process.send_signal(signal.SIGTERM)
        _, rest = process.communicate(timeout=20)
        logs.append(rest)
    assert process.returncode == 0
    captured = "".join(logs)
    assert "started slack adapter" in captured
    assert BOT_TOKEN not in captured
    assert SIGNING_SECRET not in captured
    assert DB_PASSWORD not in captured
    assert '"database: ' in captured
    assert "SeRvEpRoCeSs" not in captured


def test_serve_refuses_to_start_on_a_database_it_cannot_write(tmp_path: Path, fake: FakeSlackApi) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "AIPM_"))}
    unusable = tmp_path / "aipm.db"
    unusable.mkdir()  # a directory where the database file should be
    env.update({"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": fake.base_url,
                "PORT": "0", "HOST": "127.0.0.1", "AIPM_DB": str(unusable), "AIPM_CONTENT_POLICY": "relaxed",
                "AIPM_CONTENT_DIR": str(ROOT / "tests" / "fixtures" / "content")})
    result = subprocess.run([sys.executable, "-m", "app.cli", "serve"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert "cannot be opened" in result.stderr
    assert "Traceback" not in result.stderr
    assert not fake.calls, "nothing was started"
