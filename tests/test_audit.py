"""The item-writing audit catches banks built to be guessable, and passes the bundled course."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from bot.audit import audit_questions
from bot.audit.strategies import OptionsOnlyClassifier, key_length_rank
from bot.content import LETTERS, CoursePolicy, Question, load_curriculum

ROOT = Path(__file__).resolve().parent.parent
VOCABULARY = ["model", "data", "users", "prompt", "latency", "cost", "review", "launch", "metric", "segment", "retrieval", "label", "drift", "budget", "vendor", "policy", "workflow", "feedback", "rollout", "baseline", "sample", "accuracy", "support", "ticket", "search", "answer", "context", "team", "legal", "risk"]


def _option(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(VOCABULARY) for _ in range(words)) + f" {rng.randrange(10**6)}"


def synthetic_bank(seed: int, tracks: int = 5, per_track: int = 40, key_rank: int | None = None, key_word: str | None = None) -> list[Question]:
    """Random questions written to a balanced design: in every four, each key position and each key length rank once.

    ``key_rank`` instead forces the key to that length rank; ``key_word`` plants a word in every key.
    """
    rng = random.Random(seed)
    questions = []
    for t in range(tracks):
        positions, ranks = [0, 1, 2, 3], [1, 2, 3, 4]
        for n in range(per_track):
            if n % 4 == 0:
                rng.shuffle(positions)
                rng.shuffle(ranks)
            # Distinct character lengths, so every length rank is unambiguous.
            lengths = sorted(rng.sample(range(40, 100, 3), 4), reverse=True)
            by_length = [_option(rng, 14)[:length].rstrip().ljust(length, "s") for length in lengths]
            key_text = by_length[(key_rank or ranks[n % 4]) - 1]
            others = [text for text in by_length if text != key_text]
            rng.shuffle(others)
            key = positions[n % 4]
            texts = [*others[:key], key_text, *others[key:]]
            if key_word:
                texts[key] = f"{key_word} {texts[key]}"
            questions.append(Question.model_validate({
                "id": f"t{t}-q-{n + 1:02d}", "prompt": f"Question {n} about {' '.join(rng.sample(VOCABULARY, 6))}?",
                "options": [{"text": text, "feedback": None if i == key else "A belief a capable PM holds, and why it fails."}
                            for i, text in enumerate(texts)],
                "answer": LETTERS[key], "explanation": "Why the key is right and the tempting one is not.",
                "tags": ["x"], "difficulty": 1,
            }))
    return questions


def test_a_bank_whose_keys_are_always_second_longest_fails_the_audit() -> None:
    report = audit_questions(synthetic_bank(1, key_rank=2))
    assert report.strategy("pick-second-longest").bank == pytest.approx(1.0)
    assert not report.ok
    assert any("pick-second-longest scores 100.0% over the bank" in f for f in report.failures)
    assert report.strategy("pick-second-longest").worst_items, "the report names items to fix"


def test_a_bank_with_a_voice_for_keys_is_caught_by_the_options_only_classifier() -> None:
    report = audit_questions(synthetic_bank(2, key_word="carefully"))
    classifier = report.strategy("options-only-classifier")
    assert classifier.bank > 0.9
    assert any("options-only-classifier" in f for f in report.failures)
    assert classifier.worst_items[0]["margin"] > 0


def test_a_random_bank_scores_near_chance_on_every_strategy() -> None:
    report = audit_questions(synthetic_bank(3))
    assert report.ok, report.failures
    for strategy in report.strategies:
        assert strategy.bank < 0.35


def test_ties_split_the_expected_score() -> None:
    question = Question.model_validate({
        "id": "t-q-01", "prompt": "Which one?", "answer": "A", "explanation": "Two options are the same length here.",
        "options": ["same length one", "same length two", "short", "tiny"], "tags": ["x"], "difficulty": 1,
    })
    report = audit_questions([question])
    assert report.strategy("pick-longest").bank == pytest.approx(0.5)
    assert key_length_rank(question) == 1


def test_the_classifier_never_sees_the_held_out_track() -> None:
    bank = synthetic_bank(4, tracks=2)
    model = OptionsOnlyClassifier.train([q for q in bank if q.track_id == "t0"])
    unseen = " ".join(q.options[0] for q in bank if q.track_id == "t1")
    assert any(token not in model.key_counts and token not in model.wrong_counts for token in OptionsOnlyClassifier.tokens(unseen))
    assert model.key_score("zzz-never-seen qqq") == 0.0, "a token never seen in training is no evidence either way"


def test_negative_stems_and_shared_options_are_listed() -> None:
    base = {"answer": "A", "explanation": "An explanation long enough.", "tags": ["x"], "difficulty": 1}
    first = Question.model_validate({**base, "id": "a-q-01", "prompt": "Which of these is NOT a cause?", "options": ["drift", "noise", "bias", "leak"]})
    second = Question.model_validate({**base, "id": "b-q-01", "prompt": "What went wrong here?", "options": ["Drift", "scope", "cost", "time"]})
    report = audit_questions([first, second])
    assert report.negative_stems == ["a-q-01"]
    assert report.shared_options == [{"option": "drift", "questions": ["a-q-01", "b-q-01"]}]


def test_the_bundled_course_passes_the_audit() -> None:
    """`make test` fails when any test-wise strategy beats its limit on the course we ship."""
    course = load_curriculum(ROOT / "content", CoursePolicy())
    report = audit_questions(list(course.questions.values()))
    assert report.ok, "\n".join(report.failures)
    assert not report.negative_stems
    assert not report.near_duplicates


def test_audit_cli_json_and_exit_code(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "app.cli", "content", "audit", "--json"], capture_output=True, text=True,
                            cwd=ROOT, timeout=120, check=False)
    data = json.loads(result.stdout)
    assert result.returncode == (0 if data["ok"] else 1)
    for name in ("pick-longest", "pick-second-longest", "pick-third-longest", "pick-fourth-longest",
                 "most-stem-overlap", "options-only-classifier", "always-A"):
        assert 0 <= data["strategies"][name]["bank"] <= 1
        assert data["strategies"][name]["limit_bank"] == pytest.approx(0.35)
    assert {"near_duplicates", "negative_stems", "shared_options", "correct_positions"} <= set(data)
