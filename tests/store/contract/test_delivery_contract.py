"""The DeliveryStore port on every driver: the lease, planning claims, the outbox and its send fencing."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from bot.store import Store
from bot.store.delivery_store import Claim, Lease, TimerSeed, TipView
from tests.conftest import START
from tests.store.contract.builders import (
    OTHER_WS,
    WS,
    CountingSchedule,
    add_learner,
    add_subscription,
    answer,
    count,
    daily_claim,
    draft,
    query,
    quiz,
)

DAY = timedelta(days=1)
SECOND = timedelta(seconds=1)


def outbox(store: Store, row_id: int) -> dict[str, Any]:
    rows = query(store, "SELECT status, attempts, message_id, error, payload, finished_at, next_attempt_at FROM outbox WHERE id = ?", (row_id,))
    assert len(rows) == 1
    names = ("status", "attempts", "message_id", "error", "payload", "finished_at", "next_attempt_at")
    return dict(zip(names, rows[0], strict=True))


def timers(store: Store) -> list[tuple[int, str, str, int]]:
    rows = query(store, "SELECT subscription_id, kind, spec, next_due_at FROM delivery_timers ORDER BY subscription_id, kind")
    return [(int(r[0]), str(r[1]), str(r[2]), int(r[3])) for r in rows]


# the lease ----------------------------------------------------------------------------------------
def test_a_free_lease_is_taken_and_kept_by_its_holder_only(any_store: Store) -> None:
    delivery = any_store.delivery
    a, b = Lease("sweep", "A"), Lease("sweep", "B")
    assert delivery.lease_info("sweep") is None
    assert delivery.acquire_lease(a, START, 60)
    assert delivery.lease_info("sweep") == ("A", START + timedelta(seconds=60))
    assert not delivery.acquire_lease(b, START + timedelta(seconds=59), 60)
    assert delivery.acquire_lease(a, START + timedelta(seconds=30), 60)  # the holder re-acquires: extended
    assert delivery.lease_info("sweep") == ("A", START + timedelta(seconds=90))
    assert delivery.acquire_lease(Lease("other-lease", "B"), START, 60)


def test_an_expired_lease_is_taken_over_and_the_old_holder_cannot_renew(any_store: Store) -> None:
    delivery = any_store.delivery
    a, b = Lease("sweep", "A"), Lease("sweep", "B")
    assert delivery.acquire_lease(a, START, 60)
    assert delivery.renew_lease(a, START + timedelta(seconds=50), 60)
    assert delivery.lease_info("sweep") == ("A", START + timedelta(seconds=110))
    assert not delivery.acquire_lease(b, START + timedelta(seconds=109), 60)
    assert delivery.acquire_lease(b, START + timedelta(seconds=110), 60)  # expires_at <= now: taken over
    assert not delivery.renew_lease(a, START + timedelta(seconds=111), 60)
    assert delivery.lease_info("sweep") == ("B", START + timedelta(seconds=170))


def test_a_lease_is_released_only_by_its_holder(any_store: Store) -> None:
    delivery = any_store.delivery
    assert delivery.acquire_lease(Lease("sweep", "A"), START, 60)
    delivery.release_lease(Lease("sweep", "B"))
    assert delivery.lease_info("sweep") is not None
    delivery.release_lease(Lease("sweep", "A"))
    assert delivery.lease_info("sweep") is None
    assert delivery.acquire_lease(Lease("sweep", "B"), START, 60)


def test_expired_leases_are_cleared_and_reported(any_store: Store) -> None:
    delivery = any_store.delivery
    delivery.acquire_lease(Lease("old", "A"), START, 10)
    delivery.acquire_lease(Lease("edge", "B"), START, 20)
    delivery.acquire_lease(Lease("live", "C"), START, 60)
    cleared = sorted(any_store.clear_expired_leases(START + timedelta(seconds=20)))
    assert cleared == [("edge", "B", START + timedelta(seconds=20)), ("old", "A", START + timedelta(seconds=10))]
    assert delivery.lease_info("old") is None
    assert delivery.lease_info("live") == ("C", START + timedelta(seconds=60))
    assert delivery.clear_expired_leases(START + timedelta(seconds=20)) == []


# planning -----------------------------------------------------------------------------------------
def test_due_subscriptions_are_active_due_on_the_platforms_asked_in_due_order(any_store: Store) -> None:
    late = add_subscription(any_store, "C-late", next_due_at=START)
    early = add_subscription(any_store, "C-early", next_due_at=START - DAY)
    add_subscription(any_store, "C-future", next_due_at=START + SECOND)
    add_subscription(any_store, "C-never", next_due_at=None)
    discord = add_subscription(any_store, "C-discord", platform="discord", next_due_at=START - 2 * DAY)
    add_subscription(any_store, "C-off", next_due_at=START - DAY)
    assert any_store.repo.deactivate_subscription(WS, "C-off", "channel")
    elsewhere = add_subscription(any_store, "C-elsewhere", workspace_id=OTHER_WS, next_due_at=START - timedelta(hours=1))

    delivery = any_store.delivery
    assert [s.id for s in delivery.due_subscriptions(START, ["slack"], 10)] == [early.id, elsewhere.id, late.id]
    assert [s.id for s in delivery.due_subscriptions(START, ["slack", "discord"], 2)] == [discord.id, early.id]
    assert delivery.due_subscriptions(START, [], 10) == []
    assert delivery.due_subscriptions(START, ["console"], 10) == []
    assert delivery.due_subscriptions(START, ["slack"], 10)[0] == early


def test_a_claim_advances_the_schedule_and_creates_its_post_once(any_store: Store) -> None:
    add_learner(any_store, "U1")
    sub = add_subscription(any_store, "C1")
    post = quiz("post-1", None, channel_id="C1", origin="channel")
    claim = daily_claim(sub, "daily:C1:1", quiz_instance=post, tip_view=TipView(WS, "U1", "tip-7"), path_day=3)
    [row] = any_store.delivery.commit_claims([claim], START)
    assert (row.key, row.status, row.attempts, row.subscription_id, row.destination.channel_id) == ("daily:C1:1", "pending", 0, sub.id, "C1")
    assert (row.payload, row.next_attempt_at, row.created_at, row.local_date) == ('{"text": "hi"}', START, START, START.date())
    assert any_store.delivery.open_outbox(START, ["slack"], None, 10) == [row]
    stored = any_store.delivery.subscription(sub.id or 0)
    assert stored is not None
    assert (stored.next_due_at, stored.path_day) == (START + DAY, 3)
    assert any_store.repo.get_quiz_instance(WS, "post-1") == post
    assert any_store.repo.seen_tip_ids(WS, "U1") == {"tip-7"}

    assert any_store.delivery.commit_claims([claim], START + SECOND) == []  # stale: already advanced
    assert any_store.delivery.commit_claims([daily_claim(sub, "daily:C1:another-key")], START + SECOND) == []
    assert count(any_store, "outbox") == 1
    assert count(any_store, "quiz_instances") == 1


def test_a_claim_replayed_for_a_post_already_planned_changes_nothing_but_the_schedule(any_store: Store) -> None:
    sub = add_subscription(any_store, "C1")
    assert len(any_store.delivery.commit_claims([daily_claim(sub, "daily:C1:1", path_day=1)], START)) == 1
    moved = replace(sub, next_due_at=START + DAY)
    replay = daily_claim(moved, "daily:C1:1", quiz_instance=quiz("post-2", None, channel_id="C1"), path_day=9)
    assert any_store.delivery.commit_claims([replay], START + DAY) == []
    stored = any_store.delivery.subscription(sub.id or 0)
    assert stored is not None
    assert (stored.next_due_at, stored.path_day) == (START + 2 * DAY, 1)
    assert any_store.repo.get_quiz_instance(WS, "post-2") is None
    assert count(any_store, "outbox") == 1


def test_a_skipped_draft_is_recorded_finished_without_side_effects(any_store: Store) -> None:
    sub = add_subscription(any_store, "C1")
    claim = daily_claim(sub, "x", drafts=(draft(sub, "daily:C1:skip", status="skipped", note="weekend"),),
                        quiz_instance=quiz("post-1", None, channel_id="C1"), path_day=5)
    [row] = any_store.delivery.commit_claims([claim], START)
    assert (row.status, row.error, row.payload) == ("skipped", "weekend", None)
    assert outbox(any_store, row.id)["finished_at"] == int(START.timestamp())
    assert any_store.delivery.open_outbox(START, ["slack"], None, 10) == []
    assert any_store.repo.get_quiz_instance(WS, "post-1") is None
    stored = any_store.delivery.subscription(sub.id or 0)
    assert stored is not None
    assert (stored.next_due_at, stored.path_day) == (START + DAY, 0)


def test_claims_of_switched_off_subscriptions_plan_nothing(any_store: Store) -> None:
    sub = add_subscription(any_store, "C1")
    any_store.repo.deactivate_subscription(WS, "C1", "channel")
    assert any_store.delivery.commit_claims([daily_claim(sub, "daily:C1:1")], START) == []
    assert count(any_store, "outbox") == 0
    with pytest.raises(ValueError, match="next due"):
        any_store.delivery.commit_claims([daily_claim(sub, "daily:C1:2", next_due=None)], START)


def test_claims_in_one_call_commit_together(any_store: Store) -> None:
    one, two = add_subscription(any_store, "C1"), add_subscription(any_store, "C2")
    good = daily_claim(one, "daily:C1:1")
    broken = daily_claim(two, "daily:C2:1", next_due=None)
    with pytest.raises(ValueError, match="next due"):
        any_store.delivery.commit_claims([good, broken], START)
    assert count(any_store, "outbox") == 0
    stored = any_store.delivery.subscription(one.id or 0)
    assert stored is not None
    assert stored.next_due_at == START


def test_timers_are_seeded_once_reset_on_a_new_spec_advanced_and_deleted(any_store: Store) -> None:
    sub = add_subscription(any_store, "C1")
    sid = sub.id or 0
    at = int((START + 7 * DAY).timestamp())
    seeds = (TimerSeed("recap", "fri-17", START + 7 * DAY), TimerSeed("nudge", "daily-20", START + DAY))
    any_store.delivery.commit_claims([daily_claim(sub, "daily:C1:1", seeds=seeds)], START)
    assert timers(any_store) == [(sid, "nudge", "daily-20", int((START + DAY).timestamp())), (sid, "recap", "fri-17", at)]

    # a seed with the same spec keeps the timer's own schedule; a new spec resets it
    moved = replace(sub, next_due_at=START + DAY)
    reseeds = (TimerSeed("recap", "fri-17", START + 99 * DAY), TimerSeed("nudge", "daily-21", START + 2 * DAY))
    any_store.delivery.commit_claims([daily_claim(moved, "daily:C1:2", seeds=reseeds)], START)
    assert timers(any_store) == [(sid, "nudge", "daily-21", int((START + 2 * DAY).timestamp())), (sid, "recap", "fri-17", at)]

    [due] = any_store.delivery.due_timers(START + 7 * DAY, ["slack"], 10)[1:]
    assert (due.subscription_id, due.kind, due.spec, due.next_due_at) == (sid, "recap", "fri-17", START + 7 * DAY)
    assert due.subscription is not None
    assert due.subscription.id == sid
    advance = Claim(sid, START + 7 * DAY, START + 14 * DAY, timer="recap", spec="fri-18",
                    drafts=(draft(sub, "recap:C1:1", kind="recap", due_at=START + 7 * DAY),))
    [recap] = any_store.delivery.commit_claims([advance], START + 7 * DAY)
    assert recap.kind == "recap"
    assert (sid, "recap", "fri-18", int((START + 14 * DAY).timestamp())) in timers(any_store)
    assert any_store.delivery.commit_claims([advance], START + 7 * DAY) == []  # stale

    finish = Claim(sid, START + 2 * DAY, None, timer="nudge")
    assert any_store.delivery.commit_claims([finish], START + 2 * DAY) == []  # no drafts, but the timer goes
    assert [t[1] for t in timers(any_store)] == ["recap"]


def test_due_timers_include_orphans_and_filter_by_platform(any_store: Store) -> None:
    slack = add_subscription(any_store, "C1")
    discord = add_subscription(any_store, "C2", platform="discord")
    seed = (TimerSeed("recap", "fri-17", START),)
    any_store.delivery.commit_claims([daily_claim(slack, "a", seeds=seed), daily_claim(discord, "b", seeds=seed)], START)
    orphan = add_subscription(any_store, "D1", kind="dm", user_id="U1")
    any_store.delivery.commit_claims([daily_claim(orphan, "c", seeds=(TimerSeed("nudge", "n", START - DAY),))], START)
    add_learner(any_store, "U1")
    any_store.repo.delete_learner(WS, "U1")  # its DM subscription goes; its timer is left for the sweep

    due = any_store.delivery.due_timers(START, ["slack"], 10)
    assert [(t.subscription_id, t.kind, t.subscription is None) for t in due] == [(orphan.id, "nudge", True), (slack.id, "recap", False)]
    assert [t.subscription_id for t in any_store.delivery.due_timers(START, ["discord"], 10)] == [orphan.id, discord.id]
    assert any_store.delivery.due_timers(START - 2 * DAY, ["slack"], 10) == []
    assert any_store.delivery.due_timers(START, [], 10) == []
    assert len(any_store.delivery.due_timers(START, ["slack", "discord"], 2)) == 2


# the outbox -----------------------------------------------------------------------------------------
def _posts(store: Store, count_: int, platform: str = "slack", channel: str = "C") -> list[int]:
    ids: list[int] = []
    for index in range(count_):
        sub = add_subscription(store, f"{channel}{index}", platform=platform)
        rows = store.delivery.commit_claims([daily_claim(sub, f"daily:{platform}:{channel}{index}")], START)
        ids.append(rows[0].id)
    return ids


def test_the_open_outbox_pages_by_attempt_time_then_id(any_store: Store) -> None:
    ids = _posts(any_store, 5)
    discord = _posts(any_store, 1, "discord", channel="DC")
    delivery = any_store.delivery
    delivery.mark_retry(ids[0], "pending", START + timedelta(minutes=5), "rate limited")
    delivery.mark_retry(ids[1], "pending", START - timedelta(minutes=5), "rate limited")
    delivery.mark_skipped(ids[2], "channel archived", START)

    assert [r.id for r in delivery.open_outbox(START, ["slack"], None, 10)] == [ids[1], ids[3], ids[4]]
    first = delivery.open_outbox(START, ["slack"], None, 2)
    assert [r.id for r in first] == [ids[1], ids[3]]
    last = first[-1]
    assert [r.id for r in delivery.open_outbox(START, ["slack"], (last.next_attempt_at, last.id), 2)] == [ids[4]]
    assert [r.id for r in delivery.open_outbox(START + timedelta(minutes=5), ["slack"], None, 10)] == [ids[1], ids[3], ids[4], ids[0]]
    assert [r.id for r in delivery.open_outbox(START, ["discord"], None, 10)] == discord
    assert delivery.open_outbox(START, [], None, 10) == []


def test_starting_a_send_is_fenced_by_the_lease_and_the_subscription(any_store: Store) -> None:
    delivery = any_store.delivery
    lease = Lease("sweep", "A")
    assert delivery.acquire_lease(lease, START, 60)
    ok, inactive, finished = _posts(any_store, 3)
    any_store.repo.deactivate_subscription(WS, "C1", "channel")
    delivery.mark_skipped(finished, "gone", START)
    now = START + SECOND

    gates = delivery.record_attempts(now, starting=[ok, inactive, finished, 999_999], lease=lease)
    assert gates == {ok: "ok", inactive: "inactive", finished: "closed", 999_999: "closed"}
    assert (outbox(any_store, ok)["status"], outbox(any_store, ok)["attempts"]) == ("sending", 1)
    assert outbox(any_store, ok)["next_attempt_at"] == int(now.timestamp())
    assert (outbox(any_store, inactive)["status"], outbox(any_store, inactive)["attempts"]) == ("pending", 0)

    assert delivery.record_attempts(now, starting=[ok]) == {ok: "lease_lost"}  # no lease at all
    assert delivery.record_attempts(now, starting=[ok], lease=Lease("sweep", "B")) == {ok: "lease_lost"}
    assert delivery.record_attempts(START + timedelta(seconds=60), starting=[ok], lease=lease) == {ok: "lease_lost"}  # expired
    assert delivery.record_attempts(START + timedelta(seconds=60), starting=[ok], lease=lease, lease_now=now) == {ok: "ok"}
    assert outbox(any_store, ok)["attempts"] == 2  # a "sending" row may be started again (after find_sent)


def test_a_taken_over_lease_stops_the_old_holder_starting(any_store: Store) -> None:
    delivery = any_store.delivery
    old, new = Lease("sweep", "A"), Lease("sweep", "B")
    assert delivery.acquire_lease(old, START, 60)
    [row_id] = _posts(any_store, 1)
    assert delivery.acquire_lease(new, START + timedelta(seconds=60), 60)
    assert delivery.record_attempts(START + timedelta(seconds=61), starting=[row_id], lease=old, lease_now=START + SECOND) == {
        row_id: "lease_lost",
    }
    assert outbox(any_store, row_id)["attempts"] == 0


def test_sent_rows_keep_the_message_id_and_drop_the_payload(any_store: Store) -> None:
    delivery = any_store.delivery
    lease = Lease("sweep", "A")
    delivery.acquire_lease(lease, START, 600)
    one, two = _posts(any_store, 2)
    delivery.record_attempts(START, starting=[one], lease=lease)
    delivery.mark_retry(one, "sending", START + timedelta(minutes=1), "timeout")
    assert delivery.record_attempts(START + timedelta(minutes=2), sent=[(one, "m-1")], starting=[two], lease=lease) == {two: "ok"}
    assert outbox(any_store, one) == {
        "status": "sent", "attempts": 1, "message_id": "m-1", "error": None, "payload": None,
        "finished_at": int((START + timedelta(minutes=2)).timestamp()), "next_attempt_at": int((START + timedelta(minutes=1)).timestamp()),
    }
    assert delivery.record_attempts(START, sent=[(two, "m-2")]) == {}
    assert outbox(any_store, two)["status"] == "sent"
    assert delivery.open_outbox(START + DAY, ["slack"], None, 10) == []


def test_retries_and_skips_touch_open_rows_only(any_store: Store) -> None:
    delivery = any_store.delivery
    one, two = _posts(any_store, 2)
    delivery.record_attempts(START, sent=[(one, "m-1")])
    delivery.mark_retry(one, "pending", START + DAY, "late retry")
    delivery.mark_skipped(one, "late skip", START + DAY)
    assert (outbox(any_store, one)["status"], outbox(any_store, one)["error"]) == ("sent", None)

    delivery.mark_retry(two, "sending", START + DAY, "x" * 900)
    row = outbox(any_store, two)
    assert (row["status"], row["next_attempt_at"], len(row["error"])) == ("sending", int((START + DAY).timestamp()), 500)
    delivery.mark_skipped(two, "archived", START + DAY)
    row = outbox(any_store, two)
    assert (row["status"], row["error"], row["payload"], row["finished_at"]) == ("skipped", "archived", None, int((START + DAY).timestamp()))


def test_a_permanent_failure_switches_the_subscription_off_with_every_open_row(any_store: Store) -> None:
    sub = add_subscription(any_store, "C1")
    sid = sub.id or 0
    first = any_store.delivery.commit_claims(
        [daily_claim(sub, "daily:C1:1", seeds=(TimerSeed("recap", "fri", START + DAY),))], START,
    )[0].id
    moved = replace(sub, next_due_at=START + DAY)
    second = any_store.delivery.commit_claims([daily_claim(moved, "daily:C1:2")], START)[0].id
    moved = replace(sub, next_due_at=START + 2 * DAY)
    sent = any_store.delivery.commit_claims([daily_claim(moved, "daily:C1:3")], START)[0].id
    any_store.delivery.record_attempts(START, sent=[(sent, "m-3")])
    [bystander] = _posts(any_store, 1, channel="X")

    assert any_store.delivery.fail_subscription(first, sid, "channel_not_found", START + SECOND) == 2
    assert outbox(any_store, first)["status"] == "failed"
    assert outbox(any_store, first)["error"] == "channel_not_found"
    assert (outbox(any_store, second)["status"], outbox(any_store, second)["error"]) == ("failed", "subscription switched off: channel_not_found")
    assert outbox(any_store, sent)["status"] == "sent"
    assert outbox(any_store, bystander)["status"] == "pending"
    stored = any_store.delivery.subscription(sid)
    assert stored is not None
    assert stored.active is False
    assert timers(any_store) == []


def test_notices_are_recorded(any_store: Store) -> None:
    sub = add_subscription(any_store, "C1")
    any_store.delivery.record_notice(sub, "I lost access to #general", START, delivered=True)
    any_store.delivery.record_notice(sub, "again", START, delivered=False)
    rows = query(any_store, "SELECT workspace_id, subscription_id, admin_user_id, text, delivered FROM delivery_notices ORDER BY id")
    assert [tuple(r) for r in rows] == [(WS, sub.id, "U-admin", "I lost access to #general", 1), (WS, sub.id, "U-admin", "again", 0)]


def test_a_subscription_is_read_by_id(any_store: Store) -> None:
    sub = add_subscription(any_store, "C1")
    assert any_store.delivery.subscription(sub.id or 0) == sub
    assert any_store.delivery.subscription(999_999) is None


def test_channel_answers_are_the_shared_quizzes_of_that_channel_in_the_window(any_store: Store) -> None:
    repo = any_store.repo
    instances = [
        quiz("shared-c1", None, channel_id="C1", origin="channel"),
        quiz("shared-c2", None, channel_id="C2", origin="channel"),
        quiz("owned-c1", "U1", channel_id="C1", origin="quiz"),
        quiz("far-c1", None, OTHER_WS, channel_id="C1", origin="channel"),
    ]
    for instance in instances:
        repo.create_quiz_instance(instance)
    answers = [
        answer("shared-c1", "U1", at=START), answer("shared-c1", "U2", correct=False, at=START + timedelta(hours=1)),
        answer("shared-c1", "U3", at=START + DAY), answer("shared-c2", "U1", at=START), answer("owned-c1", "U1", at=START),
        answer("far-c1", "U1", OTHER_WS, at=START),
    ]
    for written in answers:
        repo.record_answer(written, CountingSchedule())
    got = sorted(any_store.delivery.channel_answers(WS, "C1", START, START + DAY))
    assert got == [(START, True), (START + timedelta(hours=1), False)]
    assert any_store.delivery.channel_answers(WS, "C1", START + DAY, START + 2 * DAY) == [(START + DAY, True)]


def test_pruning_forgets_old_finished_rows_only_up_to_the_limit(any_store: Store) -> None:
    ids = _posts(any_store, 4)
    delivery = any_store.delivery
    delivery.record_attempts(START, sent=[(ids[0], "m"), (ids[1], "m")])
    delivery.mark_skipped(ids[2], "gone", START)
    assert delivery.prune(START, 10) == 0  # created at START: not older than it
    assert delivery.prune(START + SECOND, 2) == 2
    assert delivery.prune(START + SECOND, 10) == 1
    assert count(any_store, "outbox") == 1
    assert [r.id for r in delivery.open_outbox(START, ["slack"], None, 10)] == [ids[3]]
