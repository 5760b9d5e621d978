"""Which known word someone meant: edit distance tuned so suggestions are typos, never other words."""

from __future__ import annotations

import difflib


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance, counting a swap of two neighbours as one edit (``alpah`` is one from ``alpha``)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]


def close_enough(word: str, candidate: str) -> bool:
    """A typo of ``candidate``, not merely a word that shares some letters with it.

    Short words allow one edit that keeps the first letter; longer ones allow two edits at a difflib ratio
    of 0.75 or more, so ``clear`` never suggests ``leaderboard``.
    """
    word, candidate = word.lower(), candidate.lower()
    if len(word) < 3:
        return False  # one letter off a one- or two-letter word is a different word
    distance = edit_distance(word, candidate)
    if min(len(word), len(candidate)) <= 4:  # short words: one edit, keeping the first letter (`stop` is not `top`)
        return distance <= 1 and word[0] == candidate[0]
    if distance <= 1:
        return True
    return distance <= 2 and difflib.SequenceMatcher(None, word, candidate).ratio() >= 0.75


def suggest(word: str, choices: list[str]) -> str | None:
    """The closest choice that is a plausible typo of ``word``, or None."""
    ranked = sorted(choices, key=lambda c: (edit_distance(word.lower(), c.lower()), c))
    return next((c for c in ranked if close_enough(word, c)), None)
