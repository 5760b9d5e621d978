"""The facade adapters call: ``handle_text``, ``handle_action`` and ``home``, each returning a neutral Reply.

It parses, makes sure the asker has a learner record, applies the command table's admin rule, runs the use
case registered for the command (``bot.dispatch``) and turns failures into sentences. The use cases live in
``bot.learning``, ``bot.progress``, ``bot.settings``, ``bot.subscriptions``, ``bot.privacy``, ``bot.export``,
``bot.team``, ``bot.reports`` and ``bot.guide``.
"""

from __future__ import annotations

import logging
from dataclasses import fields, replace
from typing import Any

from bot import commands as cmd
from bot import guide, privacy, settings, subscriptions  # noqa: F401  (each registers its use cases)
from bot.clock import Clock
from bot.commands.syntax import Syntax
from bot.content import Curriculum
from bot.context import Companion, Context, Upload
from bot.deps import REVIEW_BATCH, Asker, Deps
from bot.dispatch import use_case_for
from bot.export import use_case as export_use_case  # noqa: F401
from bot.learners import ensure_learner
from bot.learning import answers, quizzes, review, tips, tracks  # noqa: F401
from bot.messages import (
    ACTION_ANSWER,
    ACTION_FORGET_CANCEL,
    ACTION_FORGET_CONFIRM,
    ACTION_NEXT_TIP,
    ACTION_REPORT,
    ACTION_REPORT_REASON,
    ACTION_START_QUIZ,
    Reply,
    error_reply,
)
from bot.progress import home, leaderboard, stats, streak  # noqa: F401
from bot.render.common import OOPS, TRY_AGAIN, unknown_button, unknown_command
from bot.render.help import with_tz_hint
from bot.render.learning import bad_answer_button, parse_answer_value
from bot.render.reports import bad_report_button, parse_reason_value
from bot.render.workspace_content import no_file_expected
from bot.reports import admin as reports_admin  # noqa: F401
from bot.reports import use_case as reports  # noqa: F401
from bot.reviews import ReviewScheduler
from bot.store.records import Learner
from bot.store.repository import Repository, StoreUnavailable
from bot.team import use_case as team_use_case  # noqa: F401
from bot.workspace_content import use_case as content_use_case

log = logging.getLogger(__name__)

__all__ = ["REVIEW_BATCH", "CompanionService", "Context"]


class CompanionService(Companion):
    """One per process: the ports and the use cases' shared memory (``deps``) behind the three entry points."""

    def __init__(self, repo: Repository, content: Curriculum, clock: Clock, reviews: ReviewScheduler | None = None) -> None:
        self.deps = Deps(repo, content, clock, reviews or ReviewScheduler())

    @property
    def repo(self) -> Repository:
        return self.deps.repo

    @property
    def content(self) -> Curriculum:
        return self.deps.content

    @property
    def clock(self) -> Clock:
        return self.deps.clock

    @property
    def review_batch(self) -> int:
        return self.deps.review_batch

    @review_batch.setter
    def review_batch(self, size: int) -> None:
        self.deps.review_batch = size

    # entry points --------------------------------------------------------------------------------
    def handle_text(self, ctx: Context, text: str) -> Reply:
        """Run one command typed after ``/aipm``; bad input gets a friendly error and changes nothing."""
        try:
            command = cmd.parse_command(text)
        except cmd.NotAnOption as error:
            return self.execute(ctx, cmd.Answer(error.letter))  # the open quiz knows which letters it has
        except cmd.CommandError as error:
            return error_reply(error.sentence(Syntax(ctx.platform)))
        return self.execute(ctx, command)

    def execute(self, ctx: Context, command: cmd.Command) -> Reply:
        try:
            learner, is_new = self.ensure_learner(ctx)
            reply = self._dispatch(Asker(ctx, learner), command)
        except StoreUnavailable as error:
            log.warning("store unavailable: %s", error)
            return error_reply(TRY_AGAIN)
        except Exception:
            log.exception("command %s failed", type(command).__name__)
            return error_reply(OOPS)
        if is_new and learner.tz_source == "default" and reply.private and reply.kind != "error":
            reply = with_tz_hint(reply, Syntax(ctx.platform))
        return reply

    def handle_action(self, ctx: Context, action_id: str, value: str) -> Reply:
        """A button click routed back by an adapter."""
        try:
            if action_id == ACTION_ANSWER:
                parsed = parse_answer_value(value)
                if parsed is None:
                    return error_reply(bad_answer_button(Syntax(ctx.platform)))
                learner, _ = self.ensure_learner(ctx)
                return answers.answer(self.deps.seen_from(ctx.workspace_id), Asker(ctx, learner), parsed[0], parsed[1], via_button=True)
            if action_id == ACTION_START_QUIZ:
                return self.execute(ctx, cmd.Quiz())
            if action_id == ACTION_NEXT_TIP:
                return self.execute(ctx, cmd.Tip())
            if action_id == ACTION_FORGET_CONFIRM:
                return replace(self.execute(ctx, cmd.ForgetMe(confirmed=True)), replace_original=True)
            if action_id == ACTION_FORGET_CANCEL:
                return privacy.cancel_forget(self.deps, ctx)
            if action_id == ACTION_REPORT:
                return self.execute(ctx, cmd.ReportProblem(question_id=value))
            if action_id == ACTION_REPORT_REASON:
                chosen = parse_reason_value(value)
                if chosen is None:
                    return error_reply(bad_report_button(Syntax(ctx.platform)))
                reply = self.execute(ctx, cmd.ReportProblem(question_id=chosen[0], reason=chosen[1]))
                return reply if reply.kind == "error" else replace(reply, replace_original=True)  # the picker becomes the thanks
        except StoreUnavailable as error:
            log.warning("store unavailable: %s", error)
            return error_reply(TRY_AGAIN)
        except Exception:
            log.exception("action %s failed", action_id)
            return error_reply(OOPS)
        return error_reply(unknown_button(Syntax(ctx.platform)))

    def home(self, ctx: Context) -> Reply:
        """A summary for home surfaces (Slack's App Home): streak, today's tip, reviews due, start button."""
        try:
            learner, _ = self.ensure_learner(ctx)
            return home.home(self.deps.seen_from(ctx.workspace_id), learner)
        except StoreUnavailable:
            return error_reply(TRY_AGAIN)

    def answer_options(self, ctx: Context) -> list[tuple[str, str]]:
        try:
            return answers.open_options(self.deps.seen_from(ctx.workspace_id), ctx.workspace_id, ctx.user_id)
        except StoreUnavailable:
            return []

    def track_options(self, ctx: Context) -> list[tuple[str, str]]:
        try:
            return tracks.track_names(self.deps.seen_from(ctx.workspace_id))
        except StoreUnavailable:
            return tracks.track_names(self.deps)

    def handle_upload(self, ctx: Context, text: str, upload: Upload) -> Reply:
        """A command typed with a file: the command must be one that takes a file, else nothing happens."""
        try:
            command = cmd.parse_command(text)
        except cmd.CommandError as error:
            return error_reply(error.sentence(Syntax(ctx.platform)))
        takes_file: Any = command  # a command with a ``file`` option carries the file in its ``upload`` field
        if "upload" not in {f.name for f in fields(takes_file)}:
            return error_reply(no_file_expected(Syntax(ctx.platform)))
        return self.execute(ctx, replace(takes_file, upload=upload))

    def awaits_upload(self, ctx: Context) -> bool:
        try:
            return content_use_case.awaits_upload(self.deps, ctx)
        except StoreUnavailable:
            return False

    def ensure_learner(self, ctx: Context) -> tuple[Learner, bool]:
        """The asker's learner record, created on first sight (``True`` when new)."""
        return ensure_learner(self.deps, ctx)

    # dispatch ------------------------------------------------------------------------------------
    def _dispatch(self, asker: Asker, command: cmd.Command) -> Reply:
        """The command table's admin rule first, then the use case registered for the command."""
        refusal = None if asker.ctx.is_admin else cmd.COMMAND_TABLE.admin_refusal(command, asker.ctx.in_private)
        if refusal is not None:
            return error_reply(asker.say.write(refusal))
        use_case = use_case_for(command)
        if use_case is None:
            return error_reply(unknown_command(asker.say))
        return use_case(self.deps.seen_from(asker.ctx.workspace_id), asker, command)
