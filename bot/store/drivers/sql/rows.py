"""Rows of the shared SQL as the core's records: one function per table the repository reads back."""

from __future__ import annotations

from bot.store.drivers.sql.database import Row, from_ts
from bot.store.records import (
    CardRow,
    Learner,
    QuizInstance,
    Subscription,
)

LEARNER_FIELDS = {"track", "daily_time", "nudges", "display_name", "desired_retention"}


def learner_from_row(row: Row) -> Learner:
    return Learner(
        workspace_id=row["workspace_id"],
        user_id=row["user_id"],
        display_name=row["display_name"],
        tz=row["tz"],
        tz_source=row["tz_source"],
        track=row["track"],
        daily_time=row["daily_time"],
        nudges=bool(row["nudges"]),
        created_at=from_ts(row["created_at"]),
        last_seen_at=from_ts(row["last_seen_at"]),
        desired_retention=float(row["desired_retention"]),
    )


def instance_from_row(row: Row) -> QuizInstance:
    return QuizInstance(
        id=row["id"],
        workspace_id=row["workspace_id"],
        question_id=row["question_id"],
        owner_user_id=row["owner_user_id"],
        channel_id=row["channel_id"],
        origin=row["origin"],
        created_at=from_ts(row["created_at"]),
    )


def card_from_row(row: Row) -> CardRow:
    return CardRow(
        question_id=row["question_id"],
        due_at=from_ts(row["due_at"]),
        reps=row["reps"],
        lapses=row["lapses"],
        last_correct=bool(row["last_correct"]),
    )


def subscription_from_row(row: Row) -> Subscription:
    return Subscription(
        id=row["id"],
        workspace_id=row["workspace_id"],
        platform=row["platform"],
        channel_id=row["channel_id"],
        kind=row["kind"],
        user_id=row["user_id"],
        local_time=row["local_time"],
        tz=row["tz"],
        days=row["days"],
        track=row["track"],
        active=bool(row["active"]),
        next_due_at=from_ts(row["next_due_at"]) if row["next_due_at"] is not None else None,
        created_by=row["created_by"],
        created_at=from_ts(row["created_at"]),
        path_day=row["path_day"],
    )
