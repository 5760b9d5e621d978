"""Records for the contract suite, built with the fewest words a test needs, and a row counter.

The counter reads tables directly (``SqlStore.db``): "nothing was written" is a claim about every table, and
no port method lists them all. Both drivers are ``SqlStore``s, so the same helper works on each.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from bot.ports import Destination
from bot.reviews import ScheduledCard
from bot.store import Store
from bot.store.delivery_store import Claim, OutboxDraft, OutboxStatus, PostKind
from bot.store.drivers.sql.store import SqlStore
from bot.store.records import AnswerWrite, Learner, QuizInstance, Subscription
from tests.conftest import START

WS = "T1"
OTHER_WS = "T2"
QUESTION = "alpha-q-01"


def count(store: Store, table: str, where: str = "", params: Sequence[Any] = ()) -> int:
    assert isinstance(store, SqlStore), f"{store!r} is not a SQL store"
    sql = f"SELECT COUNT(*) FROM {table}" + (f" WHERE {where}" if where else "")
    return int(store.db.query(sql, params)[0][0])


def query(store: Store, sql: str, params: Sequence[Any] = ()) -> list[Any]:
    assert isinstance(store, SqlStore), f"{store!r} is not a SQL store"
    return store.db.query(sql, params)


def learner(user_id: str, workspace_id: str = WS, **changes: Any) -> Learner:
    base = Learner(
        workspace_id=workspace_id, user_id=user_id, display_name=f"name-{user_id}", tz="UTC", tz_source="default",
        track="path", daily_time="09:00", nudges=True, created_at=START, last_seen_at=START,
    )
    return replace(base, **changes)


def add_learner(store: Store, user_id: str, workspace_id: str = WS, **changes: Any) -> Learner:
    store.repo.ensure_workspace(workspace_id, "slack", f"ws-{workspace_id}", START)
    return store.repo.create_learner(learner(user_id, workspace_id, **changes))


def quiz(
    instance_id: str, owner: str | None = "U1", workspace_id: str = WS, question_id: str = QUESTION,
    created_at: datetime = START, channel_id: str | None = None, origin: str = "quiz",
) -> QuizInstance:
    return QuizInstance(instance_id, workspace_id, question_id, owner, channel_id, origin, created_at)


def answer(
    instance_id: str, user_id: str = "U1", workspace_id: str = WS, question_id: str = QUESTION, correct: bool = True,
    points: int = 10, at: datetime = START, letter: str = "A",
) -> AnswerWrite:
    return AnswerWrite(workspace_id, instance_id, user_id, question_id, letter, correct, points, at, at.date())


@dataclass
class CountingSchedule:
    """A ``record_answer`` schedule callback whose card state counts the answers folded into it.

    ``seen`` holds every state it was handed, so a test can tell whether an answer was scheduled from the
    state the previous answer left; ``during`` runs inside the callback (inside the answer's transaction).
    """

    due_at: datetime = START + timedelta(days=1)
    during: Callable[[], None] | None = None
    seen: list[str | None] = field(default_factory=list)

    def __call__(self, state: str | None) -> ScheduledCard:
        self.seen.append(state)
        if self.during is not None:
            self.during()
        folded = 0 if state is None else int(json.loads(state)["answers"])
        return ScheduledCard(json.dumps({"answers": folded + 1}), self.due_at, None)


def never_called(state: str | None) -> ScheduledCard:
    raise AssertionError(f"schedule must not run for an answer already recorded (state {state!r})")


def subscription(
    channel_id: str = "C1", workspace_id: str = WS, platform: str = "slack", kind: str = "channel",
    user_id: str | None = None, next_due_at: datetime | None = START, **changes: Any,
) -> Subscription:
    base = Subscription(
        id=None, workspace_id=workspace_id, platform=platform, channel_id=channel_id, kind=kind, user_id=user_id,
        local_time="09:00", tz="UTC", days="0,1,2,3,4", track="path", active=True, next_due_at=next_due_at,
        created_by="U-admin", created_at=START,
    )
    return replace(base, **changes)


def add_subscription(store: Store, channel_id: str = "C1", **changes: Any) -> Subscription:
    stored = store.repo.upsert_subscription(subscription(channel_id, **changes))
    assert stored.id is not None
    return stored


def destination(sub: Subscription) -> Destination:
    return Destination(sub.workspace_id, sub.platform, sub.channel_id, sub.kind, sub.user_id)


def draft(
    sub: Subscription, key: str, status: OutboxStatus = "pending", kind: PostKind = "daily", local_date: date | None = None,
    due_at: datetime = START, payload: str | None = '{"text": "hi"}', note: str | None = None,
) -> OutboxDraft:
    assert sub.id is not None
    return OutboxDraft(
        key=key, kind=kind, subscription_id=sub.id, destination=destination(sub), local_date=local_date or due_at.date(),
        due_at=due_at, status=status, payload=payload if status == "pending" else None, note=note,
    )


def daily_claim(sub: Subscription, key: str, **changes: Any) -> Claim:
    """Plan the subscription's post due now and move it to the same time tomorrow."""
    assert sub.id is not None
    assert sub.next_due_at is not None
    base = Claim(
        subscription_id=sub.id, expected_due=sub.next_due_at, next_due=sub.next_due_at + timedelta(days=1),
        drafts=(draft(sub, key, due_at=sub.next_due_at),),
    )
    return replace(base, **changes)
