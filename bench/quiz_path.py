"""How far one ``/aipm quiz`` travels: the project modules and functions it passes, Slack endpoint to database and back.

A signed slash command goes to the real Slack adapter (aiohttp front, bolt, worker pool, core, SQLite) and its
reply to the fake Web API's response_url, exactly as in the tests. Every thread is profiled while that one
request runs (after a warm-up request, so start-up and first-sight work are not counted), and each call into
a module of ``bot``, ``adapters`` or ``app`` is recorded. Issue #14 asks this number to halve; the README's
Architecture section walks the same path.

Run: ``.venv/bin/python -m bench.quiz_path [--functions]``
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

from pydantic import SecretStr

from adapters.slack.runner import SlackRunner
from app.settings import Settings
from app.wiring import build_core
from bot.clock import FixedClock
from bot.content import CoursePolicy, load_curriculum

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "slack"))  # the Slack test harness imports its fake by plain name

from slack_fake_api import FakeSlackApi  # noqa: E402
from slack_harness import FIXTURE_CONTENT, SIGNING_SECRET, SlackClient  # noqa: E402

PACKAGES = ("bot", "adapters", "app")
# Not counted: dataclass-generated ``__init__`` (building a record is not passing through its module) and
# comprehensions, which belong to the function already counted.
GENERATED = ("__create_fn__", "<listcomp>", "<setcomp>", "<dictcomp>", "<genexpr>")


class PathRecorder:
    """A profile hook that notes ``module -> functions`` for project code while ``on`` is set."""

    def __init__(self) -> None:
        self.on = False
        self.calls: dict[str, set[str]] = defaultdict(set)
        self._lock = threading.Lock()

    def __call__(self, frame: FrameType, event: str, arg: Any) -> None:
        if not self.on or event != "call":
            return
        module = frame.f_globals.get("__name__", "")
        name = frame.f_code.co_qualname
        if module.split(".")[0] in PACKAGES and not any(part in name for part in GENERATED):
            with self._lock:
                self.calls[module].add(frame.f_code.co_qualname)


def trace_quiz() -> dict[str, set[str]]:
    recorder = PathRecorder()
    fake = FakeSlackApi().start()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            slack_bot_token=SecretStr("xoxb-path"), slack_signing_secret=SecretStr(SIGNING_SECRET), slack_api_url=fake.base_url,
            port=0, content_dir=FIXTURE_CONTENT,
        )
        core = build_core(settings, db=Path(tmp) / "path.db", clock=FixedClock(datetime(2026, 3, 2, 12, tzinfo=UTC)),
                          content=load_curriculum(FIXTURE_CONTENT, CoursePolicy.relaxed()))
        threading.setprofile(recorder)  # every thread the runner starts from here on
        sys.setprofile(recorder)
        runner = SlackRunner(core, host="127.0.0.1", port=0)
        runner.start()
        try:
            slack = SlackClient(runner.url, fake)
            slack.send("quiz")  # warm-up: the learner is created, caches fill, lazy imports happen
            recorder.on = True
            slack.send("quiz")
            recorder.on = False
        finally:
            sys.setprofile(None)
            threading.setprofile(None)  # type: ignore[arg-type,unused-ignore]
            runner.stop()
            core.store.close()
            fake.stop()
    return dict(recorder.calls)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--functions", action="store_true", help="list the functions in each module too")
    args = parser.parse_args(argv)
    calls = trace_quiz()
    for module in sorted(calls):
        print(module if not args.functions else f"{module}: {', '.join(sorted(calls[module]))}")
    print(f"/aipm quiz passes {sum(len(f) for f in calls.values())} functions in {len(calls)} modules")


if __name__ == "__main__":
    main()
