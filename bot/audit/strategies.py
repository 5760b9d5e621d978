"""Test-wise strategies: ways to pick an answer without knowing the subject.

Each strategy looks at a question the way a guesser would (the options' lengths, the words the stem and
the options share, the voice of the options) and returns, per question, the probability that it picks the
key. Ties are split evenly, so a score is the strategy's *expected* score, not a lucky tie-break. A bank
where any of these scores well above chance rewards test-wiseness instead of knowledge.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.content import Question

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
# Words too common to signal anything when matching an option to its stem.
_STOPWORDS = frozenset(
    ["a", "an", "and", "are", "as", "at", "be", "but", "by", "can", "do", "does", "for", "from", "has", "have", "how", "if", "in", "into", "is", "it", "its", "of", "on", "or", "our", "so", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "to", "was", "we", "what", "when", "where", "which", "who", "why", "will", "with", "you", "your"]
)
RANK_NAMES = ("longest", "second-longest", "third-longest", "fourth-longest", "fifth-longest")


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def content_words(text: str) -> set[str]:
    return {w for w in words(text) if w not in _STOPWORDS and len(w) > 2}


def _share_of_best(scores: Sequence[float], key: int) -> float:
    """The chance a guesser who takes the best-scoring option (ties at random) lands on the key."""
    best = max(scores)
    winners = [i for i, s in enumerate(scores) if math.isclose(s, best)]
    return 1 / len(winners) if key in winners else 0.0


def length_rank_picks(rank: int) -> Callable[[Question], float]:
    """"Pick the rank-th longest option" (rank 1 = longest), by characters; tied lengths share the rank."""

    def pick(question: Question) -> float:
        lengths = [len(" ".join(text.split())) for text in question.options]
        if rank > len(lengths):
            return 0.0
        target = sorted(lengths, reverse=True)[rank - 1]
        at_rank = [i for i, length in enumerate(lengths) if length == target]
        return 1 / len(at_rank) if question.correct_index in at_rank else 0.0

    return pick


def stem_overlap_pick(question: Question) -> float:
    """Pick the option with most content words in common with the stem."""
    stem = content_words(question.prompt)
    return _share_of_best([len(stem & content_words(text)) for text in question.options], question.correct_index)


def convergence_pick(question: Question) -> float:
    """Pick the option that shares most words with the other options (the "middle" of the set)."""
    sets = [content_words(text) for text in question.options]
    scores = [sum(len(mine & other) for j, other in enumerate(sets) if j != i) for i, mine in enumerate(sets)]
    return _share_of_best(scores, question.correct_index)


def key_length_rank(question: Question) -> int:
    """1 when the key is the longest option, 2 when second-longest, ... (ties count in the key's favour)."""
    lengths = [len(" ".join(text.split())) for text in question.options]
    return 1 + sum(length > lengths[question.correct_index] for length in lengths)


@dataclass
class OptionsOnlyClassifier:
    """A naive Bayes model of what keys sound like, trained on options alone (it never sees a stem).

    Tokens are lowercase words and word pairs. Each token's evidence is how much more often key options
    contain it than distractors do, as rates per option, so the three-to-one imbalance of distractors to
    keys does not pass for evidence. Tokens never seen in training carry none: what smoothing would make
    of them is an artefact, not a voice. It asks whether a bank has a voice for right answers ("measure by
    segment", "check the eval set") that a learner could pick up without learning anything.
    """

    key_counts: Counter[str]
    wrong_counts: Counter[str]
    keys: int
    wrongs: int
    alpha: float = 1.0

    @staticmethod
    def tokens(text: str) -> list[str]:
        found = words(text)
        return found + [f"{a} {b}" for a, b in itertools.pairwise(found)]

    @classmethod
    def train(cls, questions: Sequence[Question]) -> OptionsOnlyClassifier:
        key_counts: Counter[str] = Counter()
        wrong_counts: Counter[str] = Counter()
        keys = wrongs = 0
        for question in questions:
            for index, text in enumerate(question.options):
                if index == question.correct_index:
                    key_counts.update(set(cls.tokens(text)))
                    keys += 1
                else:
                    wrong_counts.update(set(cls.tokens(text)))
                    wrongs += 1
        return cls(key_counts, wrong_counts, keys, wrongs)

    def evidence(self, token: str) -> float:
        """Log of (share of keys containing ``token``) / (share of distractors containing it), smoothed."""
        p_key = (self.key_counts[token] + self.alpha) / (self.keys + 2 * self.alpha)
        p_wrong = (self.wrong_counts[token] + self.alpha) / (self.wrongs + 2 * self.alpha)
        return math.log(p_key / p_wrong)

    def key_score(self, text: str) -> float:
        """How much ``text`` sounds like a key: the summed evidence of its tokens seen in training."""
        return sum(self.evidence(t) for t in set(self.tokens(text)) if self.key_counts[t] or self.wrong_counts[t])

    def pick(self, question: Question) -> float:
        return _share_of_best([round(self.key_score(text), 9) for text in question.options], question.correct_index)

    def margin(self, question: Question) -> float:
        """How far the key's score leads the best distractor's: the larger, the more the key gives itself away."""
        scores = [self.key_score(text) for text in question.options]
        key = scores[question.correct_index]
        return key - max(s for i, s in enumerate(scores) if i != question.correct_index)


def cross_validated_classifier_picks(questions: Sequence[Question]) -> dict[str, tuple[float, float]]:
    """Per question: (expected score, margin) of a classifier trained on every *other* track's options.

    Holding out a whole track at a time means the classifier can only win by learning a voice that runs
    through the bank, not by remembering the very items it is scored on.
    """
    by_track: dict[str, list[Question]] = {}
    for question in questions:
        by_track.setdefault(question.track_id, []).append(question)
    results: dict[str, tuple[float, float]] = {}
    for track_id, held_out in by_track.items():
        training = [q for q in questions if q.track_id != track_id]
        if not training:
            results.update({q.id: (1 / len(q.options), 0.0) for q in held_out})
            continue
        model = OptionsOnlyClassifier.train(training)
        results.update({q.id: (model.pick(q), model.margin(q)) for q in held_out})
    return results
