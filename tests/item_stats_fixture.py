"""A seven-question course and the small answer set whose item statistics the tests compute by hand.

Seven questions, so a learner who answers them all has six *other* first attempts, above the minimum of
five a learner needs to count in a discrimination.

The hand-computed fixture (``HAND``): six learners answer every question once. On ``gamma-q-01`` (key A)
the first three are right and the last three wrong (choosing B, B, C); on the six others each learner gets
``REST_RIGHT[u]`` right, so their rest scores are 6/6, 5/6, 3/6, 4/6, 1/6 and 0/6. By hand:

- difficulty = 3/6 = 0.5; options A 3/6, B 2/6, C 1/6, D 0/6;
- point-biserial r = (M1 - M0) / s_y * sqrt(p q), with M1 = (6+5+3)/18 = 14/18 and M0 = (4+1+0)/18 = 5/18
  the mean rest scores of those right and wrong, p = q = 1/2 and s_y the rest scores' population standard
  deviation: in sixths, sum y^2 - n mean^2 = 87 - 361/6 = 161/6, so s_y = sqrt(161)/36, and
  r = (9/18) * (1/2) * 36 / sqrt(161) = 9 / sqrt(161) = 0.70930.
  With the learner's total score instead of the rest score r would be 0.8018: the test can tell them apart.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

from bot.reviews import ScheduledCard
from bot.store import Store
from bot.store.records import AnswerWrite, FirstAttempt, Learner, QuizInstance
from tests.conftest import START

QUESTIONS = [f"gamma-q-{n:02d}" for n in range(1, 8)]
KEY = "A"
ITEM = QUESTIONS[0]
REST_RIGHT = [6, 5, 3, 4, 1, 0]
ITEM_LETTERS = ["A", "A", "A", "B", "B", "C"]
HAND_R = 9 / math.sqrt(161)

_SUBJECTS = (
    ("evaluation sets", "a sample of real traffic", "the newest benchmark", "a single demo", "the vendor's slides"),
    ("latency budgets", "streaming the first tokens", "a bigger model", "more retries", "longer prompts"),
    ("hallucinated citations", "checking every cited source", "a warmer tone", "shorter answers", "a disclaimer banner"),
    ("prompt injection", "treating tool output as untrusted input", "a polite system prompt", "hiding the prompt", "rate limiting"),
    ("cost per request", "caching repeated questions", "a premium plan", "removing logging", "manual review"),
    ("model drift", "scheduled re-evaluation on fresh data", "freezing the prompt", "ignoring feedback", "a new logo"),
    ("user trust", "showing sources with each answer", "hiding mistakes", "confident wording", "animated avatars"),
)


def write_course(root: Path) -> Path:
    """The course under ``root``/content (relaxed policy: no feedback needed), key A everywhere."""
    content = root / "content"
    (content / "tracks").mkdir(parents=True)
    lines = ["track:", "  id: gamma", "  title: Gamma items", "  summary: Seven questions for item analysis tests.", "  order: 1",
             "tips:", "  - id: gamma-tip-01", "    title: Measure with first attempts",
             "    body: Later answers follow the feedback, so item analysis reads only the first answer of each learner.",
             "    try_this: Look at your hardest question's first attempts.", "    tags: [metrics]", "    difficulty: 1", "questions:"]
    for qid, (subject, key, *wrong) in zip(QUESTIONS, _SUBJECTS, strict=True):
        lines += [f"  - id: {qid}", f"    prompt: What is the first thing to try about {subject} in an AI feature?",
                  "    options:", *(f"      - {text}" for text in (key, *wrong)), "    answer: A",
                  f"    explanation: For {subject}, {key} addresses the cause; the others only change how it looks.",
                  "    tags: [metrics]", "    difficulty: 2"]
    (content / "tracks" / "gamma.yaml").write_text("\n".join(lines) + "\n")
    (content / "path.yaml").write_text(
        "path:\n  id: gamma-path\n  title: Gamma path\n  summary: One day for the tests.\n"
        "days:\n  - day: 1\n    tip: gamma-tip-01\n    questions: [gamma-q-01]\n"
    )
    return content


def hand_attempts(workspace_id: str = "T1") -> Iterator[FirstAttempt]:
    """The hand-computed fixture as first-attempt records."""
    for u, (letter, rest) in enumerate(zip(ITEM_LETTERS, REST_RIGHT, strict=True)):
        yield FirstAttempt(workspace_id, f"U{u}", ITEM, letter, letter == KEY)
        for n, qid in enumerate(QUESTIONS[1:]):
            right = n < rest
            yield FirstAttempt(workspace_id, f"U{u}", qid, KEY if right else "B", right)


def _fixed_schedule(state: str | None) -> ScheduledCard:
    return ScheduledCard("{}", START + timedelta(days=1), None)


class AnswerWriter:
    """Writes answers through the repository the bot uses: a quiz instance, then ``record_answer``."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.count = 0

    def answer(self, workspace_id: str, user_id: str, question_id: str, letter: str, at_minutes: int = 0) -> None:
        repo = self.store.repo
        repo.ensure_workspace(workspace_id, "slack", workspace_id, START)
        repo.create_learner(Learner(workspace_id, user_id, user_id, "UTC", "default", "path", "09:00", True, START, START))
        self.count += 1
        at = START + timedelta(minutes=at_minutes)
        instance = f"{workspace_id}-{user_id}-{self.count}"
        repo.create_quiz_instance(QuizInstance(instance, workspace_id, question_id, user_id, None, "quiz", at))
        write = AnswerWrite(workspace_id, instance, user_id, question_id, letter, letter == KEY, 1, at, at.date())
        assert repo.record_answer(write, _fixed_schedule)

    def hand_fixture(self, workspace_id: str = "T1") -> None:
        for attempt in hand_attempts(workspace_id):
            self.answer(workspace_id, attempt.user_id, attempt.question_id, attempt.letter)
