"""A workspace with a review history, written through the real answer path (``record_answer`` with the bot's
scheduler), fast: one transaction for the lot."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from bot.reviews import ReviewScheduler
from bot.store.drivers.sql.database import from_ts
from bot.store.drivers.sqlite import SqliteRepository
from bot.store.records import AnswerWrite, CardState, Learner

WS = "T1"


def fill_workspace(repo: SqliteRepository, start: datetime, learners: int, questions: int, answers_each: int,
                   workspace_id: str = WS, seed: int = 7) -> int:
    """``learners`` x ``questions`` cards, each answered ``answers_each`` times one to nine days apart (80% right);
    returns the number of answers. Every card's repeats count toward a fit: ``(answers_each - 1)`` each."""
    rng = random.Random(seed)
    reviews = ReviewScheduler()
    written = 0
    with repo.db.write():
        repo.ensure_workspace(workspace_id, "slack", "Acme", start)
        for n in range(learners):
            user = f"U{n:03d}"
            repo.create_learner(Learner(workspace_id, user, user, "UTC", "default", "path", "09:00", True, start, start))
            for q in range(questions):
                at = start + timedelta(hours=rng.randint(0, 48))
                for k in range(answers_each):
                    correct = rng.random() < 0.8
                    write = AnswerWrite(workspace_id, f"{user}-{q}-{k}", user, f"q-{q:02d}", "A", correct, 10, at, at.date())
                    assert repo.record_answer(write, lambda state, c=correct, t=at: reviews.record(state, c, t))
                    written += 1
                    at += timedelta(days=rng.randint(1, 9), hours=rng.randint(0, 6))
    return written


def cards(repo: SqliteRepository, workspace_id: str = WS) -> list[tuple[str, CardState]]:
    """Every card of the workspace with its stored FSRS state, in (user, question) order."""
    rows = repo.db.query(
        "SELECT user_id, question_id, state, due_at, reps, lapses, last_correct FROM cards WHERE workspace_id = ? ORDER BY user_id, question_id",
        (workspace_id,),
    )
    return [(r["user_id"], CardState(r["question_id"], r["state"], from_ts(r["due_at"]), r["reps"], r["lapses"], bool(r["last_correct"])))
            for r in rows]
