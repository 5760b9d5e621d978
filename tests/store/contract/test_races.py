"""Races every driver must win: two threads, then two processes, at the same row at the same time.

Each read-then-write method's contract says what it guarantees when two callers meet; these tests make them
meet. Thread races run twice: both threads on one store handle (one bot process with worker threads), and on
two handles (two pools / two SQLite connections sets, as two processes would have). A race is either a
barrier releasing both calls at once, repeated over several rounds, or one transaction held open by the test
while its rival runs to the point where it must wait (see ``racing.py``). Process races spawn fresh
interpreters that share nothing but the database.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from functools import partial
from typing import Any

import pytest

from bot.clock import FixedClock
from bot.intake import Applied, Intake, IntakeRecord
from bot.store import Store
from bot.store.delivery_store import Lease
from bot.store.drivers import open_store
from bot.store.records import TzChange
from tests.conftest import START
from tests.store.contract.builders import (
    QUESTION,
    WS,
    CountingSchedule,
    add_learner,
    add_subscription,
    answer,
    count,
    daily_claim,
    draft,
    learner,
    query,
    quiz,
)
from tests.store.contract.racing import LockWatch, Rival, race_processes, together
from tests.store.contract.workers import TAKEOVER_AT, instance_id, intake_key, lease_name, oauth_state

ROUNDS = 8
PROCESS_ROUNDS = 12


@pytest.fixture(params=["one-handle", "two-handles"])
def other(request: pytest.FixtureRequest, any_store: Store) -> Iterator[Store]:
    """The rival's store: the same handle (threads of one process) or a second one on the same database."""
    if request.param == "one-handle":
        yield any_store
        return
    second = open_store(any_store.url)
    yield second
    second.close()


@pytest.fixture
def watch(any_store: Store) -> Iterator[LockWatch]:
    lock_watch = LockWatch(any_store)
    yield lock_watch
    lock_watch.close()


def card_state(store: Store, user_id: str = "U1", question_id: str = QUESTION) -> dict[str, int]:
    assert count(store, "cards", "workspace_id = ? AND user_id = ? AND question_id = ?", (WS, user_id, question_id)) == 1
    rows = query(
        store, "SELECT state FROM cards WHERE workspace_id = ? AND user_id = ? AND question_id = ?", (WS, user_id, question_id)
    )
    return dict(json.loads(rows[0][0]))


# the sweep lease ----------------------------------------------------------------------------------
def test_two_sweepers_racing_for_an_expired_lease_one_takes_it(any_store: Store, other: Store) -> None:
    for index in range(ROUNDS):
        assert any_store.delivery.acquire_lease(Lease(lease_name(index), "dead"), START, 60)
    for index in range(ROUNDS):
        name = lease_name(index)
        won = together(
            lambda: any_store.delivery.acquire_lease(Lease(name, "A"), TAKEOVER_AT, 60),  # noqa: B023 (joined in this iteration)
            lambda: other.delivery.acquire_lease(Lease(name, "B"), TAKEOVER_AT, 60),  # noqa: B023
        )
        assert won.count(True) == 1, f"round {index}: {won}"
        info = any_store.delivery.lease_info(name)
        assert info is not None
        assert info[0] == ("A" if won[0] else "B")


def test_a_lease_taken_in_an_open_transaction_cannot_be_taken_by_the_rival(any_store: Store, other: Store, watch: LockWatch) -> None:
    assert any_store.delivery.acquire_lease(Lease("sweep", "dead"), START, 60)
    with any_store.intake.unit_of_work():
        assert any_store.delivery.acquire_lease(Lease("sweep", "A"), TAKEOVER_AT, 60)
        rival = Rival(lambda: other.delivery.acquire_lease(Lease("sweep", "B"), TAKEOVER_AT, 60)).start()
        watch.wait_for(rival.done)
    assert rival.join() is False
    assert any_store.delivery.lease_info("sweep") == ("A", TAKEOVER_AT + timedelta(seconds=60))


# answers ------------------------------------------------------------------------------------------
def _answer_race(any_store: Store, other: Store, watch: LockWatch, instances: tuple[str, str]) -> tuple[list[bool], list[CountingSchedule]]:
    """Two answers of learner U1 at once; whichever schedules first waits inside its transaction until the
    other is finished, scheduling too, or waiting on a lock, so the two always overlap."""
    entered = (threading.Event(), threading.Event())
    finished = (threading.Event(), threading.Event())

    def during(me: int) -> None:
        entered[me].set()
        watch.wait_for(finished[1 - me], entered[1 - me])

    schedules = [CountingSchedule(during=partial(during, 0)), CountingSchedule(during=partial(during, 1))]

    def record(me: int, store: Store) -> bool:
        try:
            return store.repo.record_answer(answer(instances[me]), schedules[me])
        finally:
            finished[me].set()

    results = together(partial(record, 0, any_store), partial(record, 1, other))
    return results, schedules


def test_the_same_answer_twice_at_once_counts_once(any_store: Store, other: Store, watch: LockWatch) -> None:
    add_learner(any_store, "U1")
    any_store.repo.create_quiz_instance(quiz("q-1"))
    results, schedules = _answer_race(any_store, other, watch, ("q-1", "q-1"))
    assert sorted(results) == [False, True]
    assert [len(s.seen) for s in schedules] == ([1, 0] if results[0] else [0, 1])
    assert count(any_store, "answers") == 1
    assert [(day.answered, day.correct) for day in any_store.repo.activity(WS, "U1")] == [(1, 1)]
    card = any_store.repo.next_card(WS, "U1")
    assert card is not None
    assert card.reps == 1
    assert card_state(any_store) == {"answers": 1}


def test_two_different_answers_at_once_both_count_and_chain(any_store: Store, other: Store, watch: LockWatch) -> None:
    add_learner(any_store, "U1")
    any_store.repo.create_quiz_instance(quiz("q-1"))
    any_store.repo.create_quiz_instance(quiz("q-2", created_at=START + timedelta(seconds=1)))
    results, schedules = _answer_race(any_store, other, watch, ("q-1", "q-2"))
    assert results == [True, True]
    seen = schedules[0].seen + schedules[1].seen
    assert len(seen) == 2
    assert seen.count(None) == 1, f"both answers were scheduled from the same old card state: {seen}"
    assert json.dumps({"answers": 1}) in seen
    assert count(any_store, "answers") == 2
    assert [(day.answered, day.correct) for day in any_store.repo.activity(WS, "U1")] == [(2, 2)]
    card = any_store.repo.next_card(WS, "U1")
    assert card is not None
    assert card.reps == 2
    assert card_state(any_store) == {"answers": 2}


# time zones ----------------------------------------------------------------------------------------
def test_concurrent_time_zone_changes_log_a_chain(any_store: Store, other: Store, watch: LockWatch) -> None:
    add_learner(any_store, "U1")
    later = START + timedelta(minutes=1)
    with any_store.intake.unit_of_work():
        any_store.repo.set_learner_tz(WS, "U1", "Europe/Paris", "user", START)
        rival = Rival(lambda: other.repo.set_learner_tz(WS, "U1", "Asia/Tokyo", "platform", later)).start()
        watch.wait_for(rival.done)
    rival.join()
    assert any_store.repo.tz_changes(WS, "U1") == [
        TzChange(START, "UTC", "Europe/Paris"), TzChange(later, "Europe/Paris", "Asia/Tokyo"),
    ]
    stored = any_store.repo.get_learner(WS, "U1")
    assert stored is not None
    assert (stored.tz, stored.tz_source) == ("Asia/Tokyo", "platform")


def test_time_zone_changes_released_together_never_share_an_old_zone(any_store: Store, other: Store) -> None:
    add_learner(any_store, "U1")
    together(
        lambda: any_store.repo.set_learner_tz(WS, "U1", "Europe/Paris", "user", START),
        lambda: other.repo.set_learner_tz(WS, "U1", "Asia/Tokyo", "user", START),
    )
    changes = any_store.repo.tz_changes(WS, "U1")
    assert len(changes) == 2
    first, second = sorted(changes, key=lambda change: change.old_tz != "UTC")
    assert first.old_tz == "UTC"
    assert second.old_tz == first.new_tz
    stored = any_store.repo.get_learner(WS, "U1")
    assert stored is not None
    assert stored.tz == second.new_tz


# first writers -------------------------------------------------------------------------------------
def test_racing_creators_all_get_the_one_row(any_store: Store, other: Store) -> None:
    workspaces = together(
        lambda: any_store.repo.ensure_workspace(WS, "slack", "first", START),
        lambda: other.repo.ensure_workspace(WS, "slack", "second", START),
    )
    assert workspaces[0] == workspaces[1]
    assert count(any_store, "workspaces") == 1
    learners = together(
        lambda: any_store.repo.create_learner(learner("U1", display_name="from A")),
        lambda: other.repo.create_learner(learner("U1", display_name="from B")),
    )
    assert learners[0] == learners[1]
    assert learners[0].display_name in ("from A", "from B")
    assert count(any_store, "learners") == 1


def test_a_subscription_switched_off_twice_at_once_says_true_once(any_store: Store, other: Store) -> None:
    for index in range(ROUNDS):
        add_subscription(any_store, f"C{index}")
    for index in range(ROUNDS):
        channel = f"C{index}"
        switched = together(
            lambda: any_store.repo.deactivate_subscription(WS, channel, "channel"),  # noqa: B023
            lambda: other.repo.deactivate_subscription(WS, channel, "channel"),  # noqa: B023
        )
        assert switched.count(True) == 1, f"round {index}: {switched}"


# the intake -------------------------------------------------------------------------------------
def _admit(store: Store, key: str, who: str) -> bool:
    return store.intake.admit([IntakeRecord(key, "slack", "command", f"from {who}")], START)[0]


def test_the_same_intake_key_admitted_twice_at_once_is_new_once(any_store: Store, other: Store) -> None:
    for index in range(ROUNDS):
        key = intake_key(index)
        admitted = together(partial(_admit, any_store, key, "A"), partial(_admit, other, key, "B"))
        assert admitted.count(True) == 1, f"round {index}: {admitted}"
    assert count(any_store, "intake") == ROUNDS


def test_overlapping_batches_admitted_at_once_in_opposite_orders_each_key_new_once(any_store: Store, other: Store) -> None:
    """Two batches holding the same keys in opposite orders must not deadlock (which would refuse both)."""
    for index in range(ROUNDS):
        keys = [f"r{index}:k{k}" for k in range(4)]

        def admit(store: Store, ordered: list[str]) -> dict[str, bool]:
            records = [IntakeRecord(key, "slack", "event", "{}") for key in ordered]
            return dict(zip(ordered, store.intake.admit(records, START), strict=True))

        forward, backward = together(partial(admit, any_store, keys), partial(admit, other, keys[::-1]))
        for key in keys:
            assert [forward[key], backward[key]].count(True) == 1, f"round {index}, {key}: {forward}, {backward}"
    assert count(any_store, "intake") == 4 * ROUNDS


def test_a_batch_caught_between_two_keys_does_not_deadlock_a_rival_batch(any_store: Store, other: Store, watch: LockWatch) -> None:
    """Our batch [k1, k2] is paused after k1 (two admits in one transaction); the rival admits [k2, k1]. Taken
    in one order (the keys sorted), the rival waits for us on k1 and we finish; taken as given, the rival would
    hold k2 while waiting on k1, and our k2 would close a cycle the server breaks by refusing a batch."""
    with any_store.intake.unit_of_work():
        assert _admit(any_store, "k1", "A")
        rival = Rival(lambda: other.intake.admit([IntakeRecord(k, "slack", "event", "from B") for k in ("k2", "k1")], START)).start()
        watch.wait_for(rival.done)
        assert _admit(any_store, "k2", "A")
    assert rival.join() == [False, False]
    assert count(any_store, "intake", "body = ?", ("from A",)) == 2


def test_an_intake_key_admitted_in_an_open_transaction_is_a_replay_for_the_rival(
    any_store: Store, other: Store, watch: LockWatch,
) -> None:
    with any_store.intake.unit_of_work():
        assert _admit(any_store, "slack:cmd:1", "A")
        rival = Rival(partial(_admit, other, "slack:cmd:1", "B")).start()
        watch.wait_for(rival.done)
    assert rival.join() is False
    assert any_store.intake.state_of("slack:cmd:1") == "pending"
    assert count(any_store, "intake", "body = ?", ("from A",)) == 1


def test_the_same_request_applied_twice_at_once_runs_once(any_store: Store, other: Store, watch: LockWatch) -> None:
    assert _admit(any_store, "slack:cmd:1", "A")
    entered = (threading.Event(), threading.Event())
    finished = (threading.Event(), threading.Event())
    runs: list[int] = []

    def work(me: int, store: Store) -> dict[str, Any]:
        entered[me].set()
        watch.wait_for(finished[1 - me], entered[1 - me])
        runs.append(me)
        store.repo.record_tip_view(WS, "U1", f"tip-by-{me}", START)
        return {"by": me}

    def apply(me: int, store: Store) -> Applied:
        try:
            return Intake(store.intake, FixedClock(START)).apply("slack:cmd:1", partial(work, me, store))
        finally:
            finished[me].set()

    results = together(partial(apply, 0, any_store), partial(apply, 1, other))
    assert sorted(result.fresh for result in results) == [False, True]
    assert len(runs) == 1
    assert any_store.intake.state_of("slack:cmd:1") == "applied"
    [stored] = any_store.intake.open_requests(START, "slack")
    assert stored.response == {"by": runs[0]}
    assert any_store.repo.seen_tip_ids(WS, "U1") == {f"tip-by-{runs[0]}"}


# OAuth states ------------------------------------------------------------------------------------
def test_an_oauth_state_consumed_twice_at_once_succeeds_once(any_store: Store, other: Store) -> None:
    now = int(START.timestamp())
    for index in range(ROUNDS):
        any_store.platform.issue_oauth_state(oauth_state(index), now + 600, now)
    for index in range(ROUNDS):
        state = oauth_state(index)
        consumed = together(
            lambda: any_store.platform.consume_oauth_state(state, now),  # noqa: B023
            lambda: other.platform.consume_oauth_state(state, now),  # noqa: B023
        )
        assert consumed.count(True) == 1, f"round {index}: {consumed}"
    assert count(any_store, "slack_oauth_states") == 0


def test_an_oauth_state_consumed_in_an_open_transaction_is_gone_for_the_rival(
    any_store: Store, other: Store, watch: LockWatch,
) -> None:
    now = int(START.timestamp())
    any_store.platform.issue_oauth_state("state-1", now + 600, now)
    with any_store.intake.unit_of_work():
        assert any_store.platform.consume_oauth_state("state-1", now)
        rival = Rival(lambda: other.platform.consume_oauth_state("state-1", now)).start()
        watch.wait_for(rival.done)
    assert rival.join() is False


# planning and sending ------------------------------------------------------------------------------
def test_the_same_claim_committed_twice_at_once_plans_one_post(any_store: Store, other: Store) -> None:
    subs = [add_subscription(any_store, f"C{index}") for index in range(ROUNDS)]
    for index, sub in enumerate(subs):
        claim = daily_claim(sub, f"daily:C{index}", quiz_instance=quiz(f"post-{index}", owner=None, channel_id=f"C{index}", origin="channel"))
        created = together(
            lambda: any_store.delivery.commit_claims([claim], START),  # noqa: B023
            lambda: other.delivery.commit_claims([claim], START),  # noqa: B023
        )
        assert sorted(len(rows) for rows in created) == [0, 1], f"round {index}: {created}"
        stored = any_store.delivery.subscription(sub.id or 0)
        assert stored is not None
        assert stored.next_due_at == START + timedelta(days=1)
    assert count(any_store, "outbox") == ROUNDS
    assert count(any_store, "quiz_instances") == ROUNDS


def test_two_sweepers_planning_one_due_slot_under_their_own_keys_one_plans_it(any_store: Store, other: Store) -> None:
    """The compare-and-set on ``next_due_at`` decides, not the outbox key: two sweepers may render the post differently."""
    subs = [add_subscription(any_store, f"C{index}") for index in range(ROUNDS)]
    for index, sub in enumerate(subs):
        created = together(
            lambda: any_store.delivery.commit_claims([daily_claim(sub, f"daily:C{index}:by-A")], START),  # noqa: B023
            lambda: other.delivery.commit_claims([daily_claim(sub, f"daily:C{index}:by-B")], START),  # noqa: B023
        )
        assert sorted(len(rows) for rows in created) == [0, 1], f"round {index}: {created}"
        assert count(any_store, "outbox", "subscription_id = ?", (sub.id,)) == 1


def test_a_claim_committed_in_an_open_transaction_is_stale_for_the_rival(any_store: Store, other: Store, watch: LockWatch) -> None:
    sub = add_subscription(any_store)
    claim = daily_claim(sub, "daily:C1", quiz_instance=quiz("post-1", owner=None, channel_id="C1", origin="channel"), path_day=1)
    with any_store.intake.unit_of_work():
        assert len(any_store.delivery.commit_claims([claim], START)) == 1
        rival = Rival(lambda: other.delivery.commit_claims([claim, replace(claim, drafts=(draft(sub, "daily:C1:by-B"),))], START)).start()
        watch.wait_for(rival.done)
    assert rival.join() == []
    assert count(any_store, "outbox") == 1
    stored = any_store.delivery.subscription(sub.id or 0)
    assert stored is not None
    assert (stored.next_due_at, stored.path_day) == (START + timedelta(days=1), 1)
    assert count(any_store, "quiz_instances") == 1


def _one_pending_post(store: Store) -> int:
    sub = add_subscription(store)
    rows = store.delivery.commit_claims([daily_claim(sub, "daily:C1")], START)
    assert len(rows) == 1
    return rows[0].id


def _attempts(store: Store, row_id: int) -> tuple[str, int]:
    row = query(store, "SELECT status, attempts FROM outbox WHERE id = ?", (row_id,))[0]
    return str(row[0]), int(row[1])


def test_one_post_started_from_two_threads_counts_every_go_ahead(any_store: Store, other: Store) -> None:
    lease = Lease("sweep", "A")
    assert any_store.delivery.acquire_lease(lease, START, 600)
    row_id = _one_pending_post(any_store)
    now = START + timedelta(seconds=5)
    gates = together(
        lambda: any_store.delivery.record_attempts(now, starting=[row_id], lease=lease),
        lambda: other.delivery.record_attempts(now, starting=[row_id], lease=lease),
    )
    go_aheads = [gate[row_id] for gate in gates].count("ok")
    assert go_aheads >= 1, gates
    assert _attempts(any_store, row_id) == ("sending", go_aheads)


def test_a_takeover_waits_for_a_start_under_the_old_lease(any_store: Store, other: Store, watch: LockWatch) -> None:
    """The old holder starts a post while its lease is still good on its clock; the new holder's takeover
    must not commit in between, or both would start the post believing they hold the lease."""
    old, new = Lease("sweep", "A"), Lease("sweep", "B")
    assert any_store.delivery.acquire_lease(old, START, 60)
    row_id = _one_pending_post(any_store)
    with any_store.intake.unit_of_work():
        gates = any_store.delivery.record_attempts(START + timedelta(seconds=50), starting=[row_id], lease=old)
        assert gates == {row_id: "ok"}
        takeover = Rival(lambda: other.delivery.acquire_lease(new, START + timedelta(seconds=61), 60)).start()
        watch.wait_for(takeover.done)
        taken_before_our_start_committed = takeover.done.is_set()
    assert not taken_before_our_start_committed
    assert takeover.join() is True
    later = START + timedelta(seconds=62)
    assert other.delivery.record_attempts(later, starting=[row_id], lease=new) == {row_id: "ok"}
    assert any_store.delivery.record_attempts(later, starting=[row_id], lease=old, lease_now=START + timedelta(seconds=55)) == {
        row_id: "lease_lost",
    }
    assert _attempts(any_store, row_id) == ("sending", 2)


# two processes --------------------------------------------------------------------------------------
def test_two_processes_racing_for_an_expired_lease_one_takes_it(any_store: Store) -> None:
    for index in range(PROCESS_ROUNDS):
        assert any_store.delivery.acquire_lease(Lease(lease_name(index), "dead"), START, 60)
    a, b = race_processes("lease", any_store.url.target, ["A", "B"], PROCESS_ROUNDS)
    for index in range(PROCESS_ROUNDS):
        assert [a[index], b[index]].count(True) == 1, f"round {index}: A {a[index]}, B {b[index]}"
        info = any_store.delivery.lease_info(lease_name(index))
        assert info is not None
        assert info[0] == ("A" if a[index] else "B")


def test_two_processes_admitting_the_same_intake_key_one_is_new(any_store: Store) -> None:
    a, b = race_processes("intake", any_store.url.target, ["A", "B"], PROCESS_ROUNDS)
    for index in range(PROCESS_ROUNDS):
        assert [a[index], b[index]].count(True) == 1, f"round {index}: A {a[index]}, B {b[index]}"
        winner = "A" if a[index] else "B"
        assert count(any_store, "intake", "key = ? AND body = ?", (intake_key(index), f"from {winner}")) == 1
    assert count(any_store, "intake") == PROCESS_ROUNDS


def test_two_processes_consuming_the_same_oauth_state_one_succeeds(any_store: Store) -> None:
    now = int(START.timestamp())
    for index in range(PROCESS_ROUNDS):
        any_store.platform.issue_oauth_state(oauth_state(index), now + 600, now)
    a, b = race_processes("oauth", any_store.url.target, ["A", "B"], PROCESS_ROUNDS)
    for index in range(PROCESS_ROUNDS):
        assert [a[index], b[index]].count(True) == 1, f"round {index}: A {a[index]}, B {b[index]}"


def test_two_processes_recording_the_same_answers_count_each_once(any_store: Store) -> None:
    add_learner(any_store, "U1")
    for index in range(PROCESS_ROUNDS):
        any_store.repo.create_quiz_instance(quiz(instance_id(index), created_at=START + timedelta(seconds=index)))
    a, b = race_processes("answer", any_store.url.target, ["A", "B"], PROCESS_ROUNDS)
    for index in range(PROCESS_ROUNDS):
        assert [a[index], b[index]].count(True) == 1, f"round {index}: A {a[index]}, B {b[index]}"
    assert count(any_store, "answers") == PROCESS_ROUNDS
    assert [day.answered for day in any_store.repo.activity(WS, "U1")] == [PROCESS_ROUNDS]
    card = any_store.repo.next_card(WS, "U1")
    assert card is not None
    assert card.reps == PROCESS_ROUNDS
    assert card_state(any_store) == {"answers": PROCESS_ROUNDS}
