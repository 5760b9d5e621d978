"""A bot process under load, for the kill -9 test: 50 learners answer concurrently until the process dies.

Each answer the core acknowledged is printed as ``ACK <user> <instance>`` only after the reply came back,
which is when a platform adapter would tell the learner; the test kills the process at a random moment.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from bot.clock import SystemClock
from bot.content import CoursePolicy, load_curriculum
from bot.messages import ACTION_ANSWER
from bot.service import CompanionService, Context
from bot.store.sqlite import SqliteRepository

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "content"


def main(db_path: str, learners: int = 50) -> None:
    repo = SqliteRepository(db_path)
    service = CompanionService(repo, load_curriculum(FIXTURES, CoursePolicy.relaxed()), SystemClock())
    out_lock = threading.Lock()

    def learner(index: int) -> None:
        ctx = Context(workspace_id="T1", platform="load", user_id=f"U{index}", display_name=f"learner {index}", channel_id="C1")
        while True:
            quiz = service.handle_text(ctx, "quiz")
            if quiz.quiz_instance_id is None:
                continue
            reply = service.handle_action(ctx, ACTION_ANSWER, f"{quiz.quiz_instance_id}:A")
            if reply.kind == "answer" and not reply.meta.get("already"):
                with out_lock:
                    sys.stdout.write(f"ACK {ctx.user_id} {quiz.quiz_instance_id}\n")
                    sys.stdout.flush()

    threads = [threading.Thread(target=learner, args=(i,), daemon=True) for i in range(learners)]
    for thread in threads:
        thread.start()
    sys.stdout.write("READY\n")
    sys.stdout.flush()
    threading.Event().wait()


if __name__ == "__main__":
    main(sys.argv[1])
