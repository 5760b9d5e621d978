"""Item analysis, the pure computation: hand-computed figures, and every flag on and off around its threshold
and its minimum sample (the defaults the command states)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from bot.analysis import ItemStats, ItemStatsPolicy, item_stats, point_biserial
from bot.content import CoursePolicy, Question, load_curriculum
from bot.store.records import FirstAttempt
from tests.item_stats_fixture import HAND_R, ITEM, QUESTIONS, hand_attempts, write_course


@pytest.fixture(scope="module")
def questions(tmp_path_factory: pytest.TempPathFactory) -> list[Question]:
    root: Path = tmp_path_factory.mktemp("course")
    return list(load_curriculum(write_course(root), CoursePolicy.relaxed()).questions.values())


def _item(questions: list[Question], attempts: Sequence[FirstAttempt] | Iterator[FirstAttempt], **kwargs: object) -> ItemStats:
    report = item_stats(questions, attempts, **kwargs)  # type: ignore[arg-type]
    return next(i for i in report.items if i.question_id == ITEM)


def _picks(counts: dict[str, int]) -> list[FirstAttempt]:
    """One learner per pick of ``ITEM``, each answering nothing else."""
    letters = [letter for letter, n in counts.items() for _ in range(n)]
    return [FirstAttempt("T1", f"U{i}", ITEM, letter, letter == "A") for i, letter in enumerate(letters)]


def _with_rest(learners: int, right_when: object, others: int = 6) -> list[FirstAttempt]:
    """Learner u gets ``u % 7`` of ``others`` other questions right and ``ITEM`` right when ``right_when(u % 7)``."""
    records = []
    for u in range(learners):
        rest = u % 7
        right = bool(right_when(rest))  # type: ignore[operator]
        records.append(FirstAttempt("T1", f"U{u}", ITEM, "A" if right else "B", right))
        records += [FirstAttempt("T1", f"U{u}", qid, "A" if n < rest else "C", n < rest) for n, qid in enumerate(QUESTIONS[1:others + 1])]
    return records


def test_hand_computed_difficulty_point_biserial_and_option_shares(questions: list[Question]) -> None:
    item = _item(questions, hand_attempts())
    assert (item.first_attempts, item.correct, item.difficulty) == (6, 3, 0.5)
    assert item.discrimination == pytest.approx(HAND_R, abs=1e-9)
    assert item.discrimination == pytest.approx(0.70930, abs=1e-5)
    assert item.discrimination_learners == 6
    assert [(o.letter, o.chosen, o.is_key) for o in item.options] == [("A", 3, True), ("B", 2, False), ("C", 1, False), ("D", 0, False)]
    assert [o.share for o in item.options] == pytest.approx([1 / 2, 1 / 3, 1 / 6, 0.0])
    assert item.flags == ()  # six learners: figures, but no verdicts


def test_the_rest_score_leaves_the_item_out() -> None:
    # The same fixture's numbers straight into the formula: x against rest scores, not against total scores.
    x, rest = [1, 1, 1, 0, 0, 0], [1, 5 / 6, 1 / 2, 4 / 6, 1 / 6, 0]
    sums = (len(x), float(sum(x)), sum(rest), sum(r * r for r in rest), sum(a * b for a, b in zip(x, rest, strict=True)))
    assert point_biserial(*sums) == pytest.approx(HAND_R)
    assert point_biserial(3, 3.0, 1.5, 0.9, 1.5) is None  # everyone right: undefined, not zero
    assert point_biserial(1, 1.0, 0.5, 0.25, 0.5) is None


def test_learners_with_fewer_than_five_other_first_attempts_are_left_out_of_discrimination(questions: list[Question]) -> None:
    few = [FirstAttempt("T1", "Ushort", ITEM, "D", False)] + [FirstAttempt("T1", "Ushort", q, "A", True) for q in QUESTIONS[1:5]]
    item = _item(questions, [*hand_attempts(), *few])
    assert item.first_attempts == 7  # counted in difficulty and shares
    assert item.discrimination_learners == 6  # four other answers: not in r
    assert item.discrimination == pytest.approx(HAND_R, abs=1e-9)


@pytest.mark.parametrize(("counts", "flagged"), [
    ({"A": 29, "B": 1}, True),    # 30 first attempts, 96.7% > 95%
    ({"A": 38, "B": 2}, False),   # exactly 95%: not above it
    ({"A": 39, "B": 1}, True),    # 97.5%
    ({"A": 29}, False),           # 100% but 29 first attempts, under the minimum of 30
])
def test_too_easy(questions: list[Question], counts: dict[str, int], flagged: bool) -> None:
    assert ("too-easy" in _item(questions, _picks(counts)).flags) is flagged


@pytest.mark.parametrize(("counts", "flagged"), [
    ({"A": 5, "B": 25}, True),    # 16.7% < 20%
    ({"A": 6, "B": 24}, False),   # exactly 20%
    ({"B": 29}, False),           # 0% but under the minimum sample
    ({"B": 30}, True),
])
def test_too_hard(questions: list[Question], counts: dict[str, int], flagged: bool) -> None:
    assert ("too-hard" in _item(questions, _picks(counts)).flags) is flagged


@pytest.mark.parametrize(("counts", "dead"), [
    ({"A": 25, "B": 1, "C": 7, "D": 7}, ("B",)),     # 1 of 40 = 2.5% < 5%
    ({"A": 24, "B": 2, "C": 7, "D": 7}, ()),         # 2 of 40 = 5%: alive
    ({"A": 10, "C": 10, "D": 10}, ("B",)),          # never chosen, 30 first attempts
    ({"A": 10, "C": 10, "D": 9}, ()),               # never chosen, but 29: too few to say
    ({"A": 1, "B": 13, "C": 13, "D": 13}, ()),       # the key is never a dead distractor
])
def test_dead_distractors(questions: list[Question], counts: dict[str, int], dead: tuple[str, ...]) -> None:
    item = _item(questions, _picks(counts))
    assert item.dead_distractors == dead
    assert ("dead-distractor" in item.flags) is bool(dead)


def test_negative_discrimination_waits_for_fifty_learners(questions: list[Question]) -> None:
    strong_miss_it = lambda rest: rest <= 2  # noqa: E731 - the learners who do well elsewhere get this one wrong
    fifty = _item(questions, _with_rest(50, strong_miss_it))
    assert fifty.discrimination_learners == 50
    assert fifty.discrimination is not None
    assert fifty.discrimination < 0
    assert "negative-discrimination" in fifty.flags
    forty_nine = _item(questions, _with_rest(49, strong_miss_it))
    assert forty_nine.discrimination is not None
    assert forty_nine.discrimination < 0
    assert "negative-discrimination" not in forty_nine.flags  # the figure is shown, the verdict waits


def test_positive_discrimination_and_thin_rest_scores_raise_no_flag(questions: list[Question]) -> None:
    positive = _item(questions, _with_rest(70, lambda rest: rest >= 3))
    assert positive.discrimination is not None
    assert positive.discrimination > 0.5
    assert "negative-discrimination" not in positive.flags
    # Fifty learners, but each with only four other answers: nobody is in r, so no flag either.
    thin = _item(questions, _with_rest(50, lambda rest: rest <= 2, others=4))
    assert (thin.discrimination_learners, thin.discrimination) == (0, None)
    assert "negative-discrimination" not in thin.flags


def test_reports_flag_any_report_and_ignore_other_questions(questions: list[Question]) -> None:
    assert _item(questions, hand_attempts(), reports={ITEM: 1}).flags == ("reported",)
    assert _item(questions, hand_attempts(), reports={ITEM: 1}).reports == 1
    assert _item(questions, hand_attempts(), reports={ITEM: 0}).flags == ()
    assert _item(questions, hand_attempts(), reports={"gamma-q-02": 3}).flags == ()
    assert _item(questions, []).flags == ()


def test_questions_outside_the_course_and_letters_it_no_longer_has_are_counted_apart(questions: list[Question]) -> None:
    records = [*hand_attempts(), FirstAttempt("T1", "U0", "retired-q-01", "A", True), FirstAttempt("T1", "U9", ITEM, "E", False)]
    report = item_stats(questions, records)
    assert report.outside_course == 1
    assert report.first_attempts == 43
    assert report.learners == 7
    item = report.items[0]
    assert (item.first_attempts, item.unknown_letters, sum(o.chosen for o in item.options)) == (7, 1, 6)


def test_an_empty_input_gives_every_question_with_no_figures(questions: list[Question]) -> None:
    report = item_stats(questions, [])
    assert [i.question_id for i in report.items] == QUESTIONS
    assert all(i.first_attempts == 0 and i.difficulty is None and i.discrimination is None for i in report.items)
    assert report.as_dict()["flag_counts"] == dict.fromkeys(("too-easy", "too-hard", "negative-discrimination", "dead-distractor", "reported"), 0)


def test_a_stricter_policy_moves_the_minimum(questions: list[Question]) -> None:
    item = _item(questions, hand_attempts(), policy=ItemStatsPolicy(min_first_attempts=6, too_hard_below=0.6))
    assert item.flags == ("too-hard", "dead-distractor")  # D was never chosen by the six
