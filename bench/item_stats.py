"""``aipm content item-stats`` over a simulated workspace: 1,000 learners and 100,000 answers.

The workspace is simulated with a two-parameter logistic model over the bundled course's 400 questions:
each learner has an ability, each question a difficulty and a discrimination; a few questions are planted
with a flaw the analysis must find (a miskeyed item, whose discrimination is negative; an item everyone gets
right; one nobody gets right; an option no one picks). Each learner answers 80 questions once and 20 of
them again later, so a fifth of the answers are repeats the analysis must skip.

Ours: the whole command as a user runs it (a new process: start-up, loading the course, the first-attempt
query, the statistics, the JSON), median of 3. Reference: ``aipm content stats --json`` in the same way, the
same start-up and course loading with no database, so the difference is what the analysis costs.
Goal: under 5 s. Also shown, reading the first attempts and the statistics alone, in this process.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bot.analysis import item_stats
from bot.content import CoursePolicy, Question, load_curriculum
from bot.store.drivers.sqlite import SqliteRepository

ROOT = Path(__file__).resolve().parent.parent
WORKSPACE = "T-bench"
GOAL_S = 5.0
START_TS = 1_772_000_000


def _planted(questions: list[Question]) -> dict[str, str]:
    """Question id -> the flaw simulated for it (every 50th question, in four kinds)."""
    kinds = ("miskeyed", "trivial", "impossible", "dead-option")
    return {q.id: kinds[i % len(kinds)] for i, q in enumerate(questions[7::50])}


def _choose(question: Question, ability: float, flaw: str | None, rng: random.Random) -> str:
    b = {1: -1.0, 2: 0.0, 3: 1.0}[question.difficulty] + rng.uniform(-0.5, 0.5)
    a = -1.5 if flaw == "miskeyed" else 1.2
    logit = a * (ability - b)
    right = {"trivial": 0.995, "impossible": 0.02}.get(flaw or "", 1 / (1 + math.exp(-logit)))
    if rng.random() < right:
        return question.answer
    wrong = [letter for letter in question.letters if letter != question.answer]
    if flaw == "dead-option":
        wrong = wrong[1:]
    return rng.choice(wrong)


def build_database(path: Path, questions: list[Question], learners: int, answers: int, seed: int = 2026) -> dict[str, str]:
    """A real schema filled in one transaction; returns the planted flaws."""
    rng = random.Random(seed)
    planted = _planted(questions)
    SqliteRepository(path).close()
    per_learner = answers // learners
    distinct = per_learner * 4 // 5
    rows = []
    for u in range(learners):
        ability = rng.gauss(0, 1)
        seen = rng.sample(questions, distinct)
        order = seen + [rng.choice(seen) for _ in range(per_learner - distinct)]
        for n, question in enumerate(order):
            letter = _choose(question, ability, planted.get(question.id), rng)
            correct = letter == question.answer
            rows.append((f"i{u}-{n}", f"U{u}", question.id, letter, int(correct), 10 * question.difficulty if correct else 1,
                         START_TS + u * 1000 + n * 60))
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    conn.execute("INSERT INTO workspaces (id, platform, name, created_at) VALUES (?, 'slack', 'Bench', 0)", (WORKSPACE,))
    conn.executemany(
        """INSERT INTO answers (workspace_id, instance_id, user_id, question_id, letter, correct, points, answered_at, local_date)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, '2026-03-02')""",
        ((WORKSPACE, *row) for row in rows),
    )
    conn.execute("COMMIT")
    conn.close()
    return planted


def _timed_command(args: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "app.cli", *args], cwd=ROOT, capture_output=True, text=True, check=True, timeout=120)
    return time.perf_counter() - started, done.stdout


def run(learners: int = 1_000, answers: int = 100_000, repeats: int = 3) -> dict[str, Any]:
    questions = list(load_curriculum(ROOT / "content", CoursePolicy()).questions.values())
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "item-stats.db"
        started = time.perf_counter()
        planted = build_database(path, questions, learners, answers)
        build_s = time.perf_counter() - started
        command = ["content", "item-stats", "--db", str(path), "--workspace", WORKSPACE, "--json"]
        ours = [_timed_command(command) for _ in range(repeats)]
        reference = [_timed_command(["content", "stats", "--json"])[0] for _ in range(repeats)]
        repo = SqliteRepository(path)
        started = time.perf_counter()
        attempts = list(repo.first_attempts(WORKSPACE))
        query_s = time.perf_counter() - started
        repo.close()
        started = time.perf_counter()
        item_stats(questions, attempts)
        compute_s = time.perf_counter() - started
    report = json.loads(ours[0][1])
    flags = {q["id"]: set(q["flags"]) for q in report["questions"]}
    expected = {"miskeyed": "negative-discrimination", "trivial": "too-easy", "impossible": "too-hard", "dead-option": "dead-distractor"}
    found = sum(expected[flaw] in flags[qid] for qid, flaw in planted.items())
    ours_s = statistics.median(t for t, _ in ours)
    reference_s = statistics.median(reference)
    return {
        "learners": learners, "answers": answers, "first_attempts": report["first_attempts"], "db_build_s": round(build_s, 1),
        "ours_s": round(ours_s, 2), "reference_s": round(reference_s, 2), "ratio": round(ours_s / reference_s, 2),
        "read_s": round(query_s, 3), "compute_s": round(compute_s, 3),
        "planted_flaws": len(planted), "planted_flaws_found": found, "flag_counts": report["flag_counts"],
        "goal": f"< {GOAL_S:.0f} s; every planted flaw flagged",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, default=1_000)
    parser.add_argument("--answers", type=int, default=100_000)
    args = parser.parse_args()
    result = run(args.learners, args.answers)
    print(f"item-stats over {result['learners']:,} learners, {result['answers']:,} answers ({result['first_attempts']:,} first attempts)")
    print(f"  ours (the command, new process): {result['ours_s']} s   reference (content stats): {result['reference_s']} s   "
          f"ratio {result['ratio']}   goal < {GOAL_S:.0f} s")
    print(f"  in process: reading the first attempts {result['read_s']} s, statistics {result['compute_s']} s")
    print(f"  planted flaws flagged: {result['planted_flaws_found']} of {result['planted_flaws']}; flags: {result['flag_counts']}")


if __name__ == "__main__":
    main()
