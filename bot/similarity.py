"""Near-duplicate detection for curriculum text: Jaccard similarity over word shingles.

Word 3-gram shingles catch a rephrased copy (same sentence, a word swapped) while two different
questions on the same topic share few 3-grams; the threshold below was chosen with a test on both.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

NEAR_DUPLICATE_THRESHOLD = 0.5
SHINGLE_SIZE = 3
_WORD = re.compile(r"[a-z0-9$%']+")


def shingles(text: str, size: int = SHINGLE_SIZE) -> frozenset[str]:
    words = _WORD.findall(text.lower())
    if len(words) < size:
        return frozenset([" ".join(words)]) if words else frozenset()
    return frozenset(" ".join(words[i : i + size]) for i in range(len(words) - size + 1))


def similarity(first: str, second: str) -> float:
    a, b = shingles(first), shingles(second)
    if not a or not b:
        return 1.0 if a == b else 0.0
    return len(a & b) / len(a | b)


def near_duplicates(items: Sequence[tuple[str, str]], threshold: float = NEAR_DUPLICATE_THRESHOLD) -> list[tuple[str, str, float]]:
    """Pairs ``(first_id, second_id, score)`` whose texts are at least ``threshold`` similar.

    An inverted index over shingles means only pairs that share a shingle are compared, so the
    check stays fast as the course grows.
    """
    sets = [shingles(text) for _, text in items]
    index: dict[str, list[int]] = defaultdict(list)
    for position, item_shingles in enumerate(sets):
        for shingle in item_shingles:
            index[shingle].append(position)
    # Stock phrases ("which of the") link everything to everything; a real near-duplicate shares many
    # rare shingles too, so common ones are skipped when finding candidates (not when scoring).
    common = max(20, len(items) // 20)
    found: list[tuple[str, str, float]] = []
    for position, item_shingles in enumerate(sets):
        candidates: set[int] = set()
        for shingle in item_shingles:
            postings = index[shingle]
            if len(postings) <= common:
                candidates.update(other for other in postings if other < position)
        for other in sorted(candidates):
            union = len(item_shingles | sets[other])
            score = len(item_shingles & sets[other]) / union if union else 0.0
            if score >= threshold:
                found.append((items[other][0], items[position][0], score))
    return found
