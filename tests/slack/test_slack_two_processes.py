"""Two ``aipm serve`` processes on one database, as behind a load balancer: every click applied exactly once.

Runs on SQLite (two processes, one file) and, in the PostgreSQL pass, on one PostgreSQL database, which is
how a deployment outgrows one machine. Slack retries a click to whichever process the balancer picks, so the
same signed click lands on both at once; distinct clicks spread over both; two delivery sweeps run at once.
"""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from slack_fake_api import FakeSlackApi
from slack_harness import FIXTURE_CONTENT, button
from test_slack_kill9 import serve, stored_answers

from bot.store.drivers import open_store
from bot.store.records import Subscription

ROOT = Path(__file__).resolve().parents[2]
LEARNERS = 30
CHANNELS = 12


def test_two_processes_apply_each_click_once_and_the_same_click_on_both_once(database_url: str, fake: FakeSlackApi) -> None:
    with serve(database_url, fake) as (_, first), serve(database_url, fake) as (_, second):
        processes = (first, second)
        clicks: list[tuple[dict[str, Any], str, str]] = []
        for n in range(LEARNERS):  # one client names every request (their ids must not collide); both processes serve
            user = f"U{n:03d}"
            quiz = first.send("quiz", user=user)
            payload, response_id = first.action_payload(button(quiz, "A"), user=user, action_ts=f"1710000000.{n:06d}")
            clicks.append((payload, response_id, user))

        def deliver_everywhere(index: int) -> list[int]:
            payload = clicks[index][0]
            with ThreadPoolExecutor(max_workers=2) as both:  # Slack's retry reaches the other process while the first works
                return [result.status for result in both.map(lambda client: client.click_raw(payload), processes)]

        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(deliver_everywhere, range(LEARNERS)))
        assert all(pair == [200, 200] for pair in statuses), [pair for pair in statuses if pair != [200, 200]]
        for _, response_id, _ in clicks:
            fake.wait_response(response_id, timeout=30)

    answers = stored_answers(database_url)
    assert len(answers) == LEARNERS, "each click stored once, whichever process it reached first"
    assert sorted(user for user, _ in answers) == sorted(user for _, _, user in clicks)
    store = open_store(database_url)
    try:
        query = store.repo.db.query  # type: ignore[attr-defined]
        assert int(query("SELECT SUM(answered) FROM activity")[0][0]) == LEARNERS
        assert int(query("SELECT SUM(reps) FROM cards")[0][0]) == LEARNERS
    finally:
        store.close()


def _subscribe_channels(database_url: str, now: datetime) -> None:
    store = open_store(database_url)
    try:
        store.repo.ensure_workspace("T1", "slack", "Two", now)
        for index in range(CHANNELS):
            store.repo.upsert_subscription(Subscription(
                id=None, workspace_id="T1", platform="slack", channel_id=f"C{index:02d}", kind="channel", user_id=None,
                local_time="09:00", tz="UTC", days="0,1,2,3,4,5,6", track="path", active=True,
                next_due_at=now - timedelta(minutes=1), created_by="admin", created_at=now,
            ))
    finally:
        store.close()


@pytest.mark.parametrize("partitions", [1, 4])
def test_two_sweeps_at_once_post_each_channel_once(database_url: str, fake: FakeSlackApi, partitions: int) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    _subscribe_channels(database_url, now)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "AIPM_"))}
    env.update({
        "SLACK_BOT_TOKEN": "xoxb-two-process-token", "SLACK_SIGNING_SECRET": "two-process-secret", "SLACK_API_URL": fake.base_url,
        "AIPM_DATABASE_URL": database_url, "AIPM_CONTENT_DIR": str(FIXTURE_CONTENT), "AIPM_CONTENT_POLICY": "relaxed",
        "AIPM_DELIVERY_PARTITIONS": str(partitions), "AIPM_DELIVERY_SWEEPERS": "2",
    })
    sweeps = [
        subprocess.Popen([sys.executable, "-m", "app.cli", "deliver-due"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outcomes = [sweep.communicate(timeout=120) for sweep in sweeps]
    codes = [sweep.returncode for sweep in sweeps]
    # Unpartitioned, one sweep holds the lease and sends while the other finds it busy (exit 3) or nothing due;
    # partitioned, each takes the partitions the other is not sweeping.
    assert sorted(codes) in ([0, 0], [0, 3]), outcomes
    posted = [call.params.get("channel") for call in fake.calls_to("chat.postMessage")]
    assert sorted(posted) == [f"C{index:02d}" for index in range(CHANNELS)], "every channel posted exactly once"
    again = subprocess.run([sys.executable, "-m", "app.cli", "deliver-due"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert len(fake.calls_to("chat.postMessage")) == CHANNELS, "a later sweep sends nothing more"

