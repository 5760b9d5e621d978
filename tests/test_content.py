"""Content validation: the bundled course passes, and every rule rejects a bad file with file:line."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.content import ContentError, CoursePolicy, load_curriculum
from bot.similarity import NEAR_DUPLICATE_THRESHOLD, near_duplicates, similarity
from tests.conftest import FIXTURE_CONTENT

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = ROOT.parent / "shared" / "seed" / "ai-pm-article.txt"


def test_the_bundled_curriculum_passes_every_rule() -> None:
    curriculum = load_curriculum(ROOT / "content")
    stats = curriculum.stats()
    assert stats["tips"] >= 200
    assert stats["questions"] >= 400
    assert stats["path_days"] == 30
    assert len(stats["by_track"]) >= 10
    for row in stats["by_track"].values():
        assert row["tips"] >= 20
        assert row["questions"] >= 40
        assert all(n > 0 for n in row["questions_by_difficulty"].values())
        assert all(n > 0 for n in row["tips_by_difficulty"].values())
    assert max(stats["correct_position_share"].values()) <= 0.30
    assert all(len(q.options) == 4 for q in curriculum.questions.values())


def _article_shingles(size: int) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9']+", ARTICLE.read_text(encoding="utf-8").lower())
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


@pytest.mark.skipif(not ARTICLE.exists(), reason="the source article is kept in shared/, beside the repository")
def test_no_sentence_is_copied_from_the_source_article() -> None:
    """Facts may be used; wording may not: no run of 8 words appears in both."""
    article = _article_shingles(8)
    curriculum = load_curriculum(ROOT / "content")
    texts = [f"{t.title}. {t.body} {t.try_this}" for t in curriculum.tips.values()]
    texts += [f"{q.prompt} {' '.join(q.options)} {q.explanation}" for q in curriculum.questions.values()]
    texts += [choice.feedback for q in curriculum.questions.values() for choice in q.choices if choice.feedback]
    copied = []
    for text in texts:
        words = re.findall(r"[a-z0-9']+", text.lower())
        copied += [" ".join(words[i : i + 8]) for i in range(len(words) - 7) if tuple(words[i : i + 8]) in article]
    assert copied == []


@pytest.fixture
def course(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems_for(course: Path, policy: CoursePolicy | None = None) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_curriculum(course, policy or CoursePolicy.relaxed())
    return caught.value.problems


def test_fixture_is_valid(course: Path) -> None:
    assert len(load_curriculum(course, CoursePolicy.relaxed()).questions) == 5


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        ("    answer: B\n", "    answer: F\n", "answer"),
        ("    answer: C\n    explanation: >-\n      Inference", "    answer: D\n    explanation: >-\n      Inference", "names no option"),
        ("    difficulty: 2\n", "    difficulty: 4\n", "difficulty"),
        ("    tags: [metrics]\n", "    tags: [Metrics!]\n", "lowercase-with-dashes"),
        ("  - id: alpha-q-01\n", "  - id: alpha-q-1x\n", "id"),
        ("      - text: The size of the model in parameters\n", "      - text: A pass rate over a representative evaluation set\n", "same text"),
        ("      - text: A pass rate over a representative evaluation set\n", "      - text: A pass rate over a representative evaluation set\n        feedback: >-\n          This is the key, so it should carry no feedback at all.\n", "takes no feedback"),
        ("      - text: The number of lines of prompt text\n", "      - text: " + "x" * 161 + "\n", "160"),
    ],
)
def test_schema_rules_reject_bad_items_with_file_and_line(course: Path, old: str, new: str, reason: str) -> None:
    track = course / "tracks" / "alpha.yaml"
    edit(track, old, new)
    problems = problems_for(course)
    assert any(reason in p for p in problems), problems
    assert all(re.match(r"^.+:\d+: ", p) for p in problems)
    assert any(p.startswith(f"{track}:") for p in problems)


def test_line_numbers_point_at_the_bad_field(course: Path) -> None:
    track = course / "tracks" / "alpha.yaml"
    edit(track, "    difficulty: 3\n", "    difficulty: 9\n")
    lines = track.read_text().splitlines()
    expected = next(i for i, text in enumerate(lines, 1) if "difficulty: 9" in text)
    assert f"{track}:{expected}: questions.2.difficulty" in "\n".join(problems_for(course))


def test_too_few_or_too_many_options(course: Path) -> None:
    track = course / "tracks" / "alpha.yaml"
    edit(track, "      - text: Choosing the loss function before training\n", "")
    edit(track, "        feedback: >-\n          Choosing a loss function is a training decision made long before the model answers anyone.\n", "")
    assert any("at least 3" in p for p in problems_for(course))


def test_exactly_four_options_in_the_course(course: Path) -> None:
    policy = CoursePolicy(0, 0, 0, 0, 0, 4, 1.0, None)
    assert any("exactly 4" in p for p in problems_for(course, policy))


def test_the_course_needs_feedback_on_every_wrong_option(course: Path) -> None:
    track = course / "tracks" / "beta.yaml"
    edit(track, "        feedback: >-\n          Strict labelling guidelines shape training data quality, but the symptom here is new inputs the model never saw.\n", "")
    policy = CoursePolicy(0, 0, 0, 0, 0, None, 1.0, None, True)
    problems = [p for p in problems_for(course, policy) if "feedback" in p]
    lines = track.read_text().splitlines()
    expected = next(i for i, text in enumerate(lines, 1) if "A labeling guideline that was too strict" in text)
    assert problems == [f"{track}:{expected}: beta-q-01 option C is wrong but has no feedback: say which belief it stands for and why it fails here"]


def test_plain_string_options_load_for_drafts(course: Path) -> None:
    track = course / "tracks" / "beta.yaml"
    edit(track, "      - text: Too few parameters in the model\n        feedback: >-\n", "      - Too few parameters in the model\n        # feedback: >-\n")
    edit(track, "          Model capacity limits", "        # Model capacity limits")
    question = load_curriculum(course, CoursePolicy.relaxed()).questions["beta-q-01"]
    assert question.options[3] == "Too few parameters in the model"
    assert question.missing_feedback == ["D"]


def test_yaml_syntax_error_reports_its_line(course: Path) -> None:
    track = course / "tracks" / "beta.yaml"
    edit(track, "  order: 2\n", "  order: [2\n")
    problems = problems_for(course)
    assert any(p.startswith(f"{track}:") and "not valid YAML" in p for p in problems)


def test_unknown_field_is_rejected(course: Path) -> None:
    edit(course / "tracks" / "beta.yaml", "    difficulty: 1\n", "    difficulty: 1\n    colour: blue\n")
    assert any("colour" in p for p in problems_for(course))


def test_duplicate_ids_across_files(course: Path) -> None:
    edit(course / "tracks" / "beta.yaml", "  - id: beta-q-02\n", "  - id: alpha-q-01\n")
    problems = problems_for(course)
    assert any("already used" in p or "must start with the track id" in p for p in problems)


def test_track_id_must_match_file_name(course: Path) -> None:
    edit(course / "tracks" / "beta.yaml", "  id: beta\n", "  id: gamma\n")
    assert any("must match the file name" in p for p in problems_for(course))


def test_tip_body_too_long(course: Path) -> None:
    edit(course / "tracks" / "beta.yaml", "watch the inputs, not only the accuracy.", "watch the inputs. " + "x" * 600)
    assert any("600" in p for p in problems_for(course))


def test_path_must_name_existing_items(course: Path) -> None:
    edit(course / "path.yaml", "tip: beta-tip-01", "tip: beta-tip-99")
    assert any("unknown tip" in p for p in problems_for(course))


def test_path_needs_thirty_days_in_the_course(course: Path) -> None:
    policy = CoursePolicy(0, 0, 0, 0, 0, None, 1.0, 30)
    assert any("needs 30" in p for p in problems_for(course, policy))


def test_near_duplicate_questions_are_rejected(course: Path) -> None:
    track = course / "tracks" / "beta.yaml"
    text = track.read_text()
    copy = text.split("questions:\n", 1)[1].split("  - id: beta-q-02", 1)[0].replace("beta-q-01", "beta-q-03")
    copy = copy.replace("now misses new spam styles", "now misses newer spam styles")
    track.write_text(text + copy)
    assert any("nearly the same" in p for p in problems_for(course))


def test_course_policy_minimums(course: Path) -> None:
    problems = problems_for(course, CoursePolicy())
    joined = "\n".join(problems)
    for fragment in ("tracks; the course needs at least 10", "tips in all", "questions in all", "each track needs at least 20",
                     "each track needs at least 40", "every track spreads across 1-3", "no position may exceed 30%"):
        assert fragment in joined


def test_nothing_is_half_loaded(course: Path) -> None:
    edit(course / "tracks" / "beta.yaml", "    difficulty: 1\n", "    difficulty: 0\n")
    with pytest.raises(ContentError):
        load_curriculum(course, CoursePolicy.relaxed())


def test_similarity_threshold_separates_rephrasings_from_neighbours() -> None:
    original = "Your support bot answers billing questions. Which metric best shows whether it helps customers resolve issues?"
    rephrased = "Your support bot answers billing questions. Which metric best shows whether it helps customers fix issues?"
    neighbour = "Your support bot hallucinates refund policies. What should the interface do when confidence is low?"
    assert similarity(original, rephrased) >= NEAR_DUPLICATE_THRESHOLD
    assert similarity(original, neighbour) < NEAR_DUPLICATE_THRESHOLD
    found = near_duplicates([("a", original), ("b", neighbour), ("c", rephrased)])
    assert [(first, second) for first, second, _ in found] == [("a", "c")]
