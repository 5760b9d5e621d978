"""What one racing process does: open its own store, then one call per round, released by a shared barrier.

Run by :func:`tests.store.contract.racing.race_processes` in a ``spawn``ed process, so it shares nothing with
the test but the database. The store is opened before the first round (opening is slow and not the race)
and closed before the process reports, so no connection outlives it.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from bot.store import Store
from bot.store.delivery_store import Lease
from bot.store.drivers import open_store
from tests.conftest import START
from tests.store.contract.builders import CountingSchedule, answer

BARRIER_SECONDS = 30.0
TAKEOVER_AT = START + timedelta(minutes=10)


def lease_name(round_index: int) -> str:
    return f"sweep-{round_index}"


def intake_key(round_index: int) -> str:
    return f"slack:cmd:{round_index}"


def oauth_state(round_index: int) -> str:
    return f"state-{round_index}"


def instance_id(round_index: int) -> str:
    return f"quiz-{round_index}"


def _lease(store: Store, holder: str, index: int) -> Any:
    return store.delivery.acquire_lease(Lease(lease_name(index), holder), TAKEOVER_AT, 60)


def _intake(store: Store, holder: str, index: int) -> Any:
    from bot.intake import IntakeRecord

    return store.intake.admit([IntakeRecord(intake_key(index), "slack", "command", f"from {holder}")], START)[0]


def _oauth(store: Store, holder: str, index: int) -> Any:
    return store.platform.consume_oauth_state(oauth_state(index), int(START.timestamp()))


def _answer(store: Store, holder: str, index: int) -> Any:
    return store.repo.record_answer(answer(instance_id(index)), CountingSchedule())


SCENARIOS: dict[str, Callable[[Store, str, int], Any]] = {
    "lease": _lease,
    "intake": _intake,
    "oauth": _oauth,
    "answer": _answer,
}


def run(scenario: str, url: str, holder: str, rounds: int, barrier: Any, outcomes: Any) -> None:
    try:
        step = SCENARIOS[scenario]
        store = open_store(url)
        try:
            results = []
            for index in range(rounds):
                barrier.wait(BARRIER_SECONDS)
                results.append(step(store, holder, index))
        finally:
            store.close()
    except BaseException:
        barrier.abort()
        outcomes.put((holder, "error", traceback.format_exc()))
        return
    outcomes.put((holder, "ok", results))
