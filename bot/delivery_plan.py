"""Planning: turn a due subscription (or recap/nudge timer) into a Claim the store commits atomically.

A claim advances the schedule past ``now`` and carries the outbox rows for the occurrences it passed:
the latest one is posted if it is within the grace window, every other one is recorded as skipped.
The post is rendered here, once, together with the quiz instance it shows.
"""

from __future__ import annotations

import logging
import secrets
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from bot import posts
from bot.commands import EVERY_DAY
from bot.commands.syntax import Syntax
from bot.delivery_codec import reply_to_json
from bot.delivery_config import DeliveryConfig
from bot.deps import Deps
from bot.learning.quizzes import pick_question
from bot.learning.tips import next_tip_id
from bot.messages import Reply
from bot.ports import Destination
from bot.progress.leaderboard import week_bounds
from bot.progress.streak import streak_of
from bot.reports.pausing import paused_questions
from bot.schedule import next_occurrence, parse_days_field
from bot.store.delivery_store import Claim, DeliveryStore, DueTimer, OutboxDraft, OutboxStatus, PostKind, TimerSeed, TipView
from bot.store.records import QuizInstance, Subscription
from bot.streaks import local_date
from bot.team.report import REPORT_KIND, team_report

log = logging.getLogger(__name__)


def outbox_key(kind: PostKind, subscription_id: int, day: date) -> str:
    """Unique per (subscription, local date, kind). A platform that bounds what a message can carry derives a
    token of its own from the key (see each adapter's messenger)."""
    return f"{kind}:{subscription_id}:{day:%Y%m%d}"


def destination_of(sub: Subscription) -> Destination:
    """A weekly team report (kind ``report``) goes to its admin's DMs like a learner's daily DM."""
    kind = "dm" if sub.kind == REPORT_KIND else sub.kind
    return Destination(workspace_id=sub.workspace_id, platform=sub.platform, channel_id=sub.channel_id, kind=kind, user_id=sub.user_id)


@dataclass(frozen=True)
class Occurrences:
    passed: tuple[datetime, ...]
    """Occurrences at or before ``now``, oldest first (at most ``keep`` of them)."""
    next_due: datetime


def occurrences_until(first: datetime, now: datetime, hhmm: str, tz: str, days: Sequence[int], keep: int) -> Occurrences:
    """Walk a schedule from ``first`` (itself an occurrence) to the first occurrence after ``now``."""
    if now - first > timedelta(days=keep + 8):
        # A very long outage: only the last ``keep`` occurrences are worth a record.
        first = next_occurrence(hhmm, tz, days, now - timedelta(days=keep + 1))
    passed: deque[datetime] = deque(maxlen=max(keep, 1))
    occurrence = first
    while occurrence <= now:
        passed.append(occurrence)
        occurrence = next_occurrence(hhmm, tz, days, occurrence)
    return Occurrences(tuple(passed), occurrence)


class Planner:
    """Builds each post from the same use-case functions a learner's own commands run (``pick_question``,
    ``next_tip_id``, ``streak_of``, ``week_bounds``), over the same ``Deps``."""

    def __init__(self, deps: Deps, store: DeliveryStore, config: DeliveryConfig) -> None:
        self.deps = deps
        self.repo = deps.repo
        self.store = store
        self.config = config

    # daily posts ------------------------------------------------------------------------------
    def plan_subscription(self, sub: Subscription, now: datetime) -> Claim:
        assert sub.id is not None
        assert sub.next_due_at is not None
        occurrences = occurrences_until(sub.next_due_at, now, sub.local_time, sub.tz, parse_days_field(sub.days), self.config.missed_rows)
        report = sub.kind == REPORT_KIND
        post_at, drafts = self._split(sub, "report" if report else "daily", occurrences, now)
        claim = Claim(subscription_id=sub.id, expected_due=sub.next_due_at, next_due=occurrences.next_due, drafts=drafts)
        if report:  # the weekly team report: no quiz, no recap or nudge timers
            if post_at is None:
                return claim
            weekly = team_report(self.deps.seen_from(sub.workspace_id), sub.workspace_id, Syntax(sub.platform), finished_week=True)
            payload = reply_to_json(weekly)
            return replace(claim, drafts=(*claim.drafts, self._draft(sub, "report", post_at, "pending", payload=payload)))
        if post_at is not None:
            claim = self._with_daily_post(claim, sub, post_at, now)
        return replace(claim, seeds=self._seeds(sub, now))

    def _split(self, sub: Subscription, kind: PostKind, occurrences: Occurrences, now: datetime) -> tuple[datetime | None, tuple[OutboxDraft, ...]]:
        """The occurrence to post (the latest, if within grace) and skipped rows for the others."""
        assert sub.id is not None
        if not occurrences.passed:
            return None, ()
        latest = occurrences.passed[-1]
        post_at = latest if now - latest <= self.config.grace else None
        drafts = []
        for occurrence in occurrences.passed:
            if occurrence == post_at:
                continue
            late = now - occurrence
            reason = (
                f"missed: {_hours(late)} late, beyond the {_hours(self.config.grace)} grace window"
                if late > self.config.grace else "missed: a later post was caught up instead"
            )
            log.info("skipping %s for subscription %s on %s: %s", kind, sub.id, occurrence.isoformat(), reason)
            drafts.append(self._draft(sub, kind, occurrence, "skipped", note=reason))
        return post_at, tuple(drafts)

    def _draft(
        self, sub: Subscription, kind: PostKind, occurrence: datetime, status: OutboxStatus, payload: str | None = None, note: str | None = None,
    ) -> OutboxDraft:
        assert sub.id is not None
        day = local_date(occurrence, sub.tz)
        return OutboxDraft(
            key=outbox_key(kind, sub.id, day), kind=kind, subscription_id=sub.id, destination=destination_of(sub),
            local_date=day, due_at=occurrence, status=status, payload=payload, note=note,
        )

    def _with_daily_post(self, claim: Claim, sub: Subscription, post_at: datetime, now: datetime) -> Claim:
        instance_id = secrets.token_hex(8)
        tip_view: TipView | None = None
        if sub.kind == "dm":
            built = self._dm_post(sub, instance_id, now)
            if built is None:
                missing = self._draft(sub, "daily", post_at, "skipped", note="the learner's data is gone; nothing to post")
                return replace(claim, drafts=(*claim.drafts, missing))
            reply, question_id, tip_view = built
            owner: str | None = sub.user_id
            path_day = None
        else:
            content = self.deps.seen_from(sub.workspace_id).content  # the course plus this workspace's own tracks
            material = posts.daily_material(content, sub.track, sub.path_day, paused_questions(self.deps, sub.workspace_id))
            reply = posts.channel_post(content, material, instance_id, Syntax(sub.platform))
            question_id, owner, path_day = material.question_id, None, sub.path_day + 1
        instance = QuizInstance(
            id=instance_id, workspace_id=sub.workspace_id, question_id=question_id, owner_user_id=owner,
            channel_id=sub.channel_id, origin="dm" if owner else "channel", created_at=now,
        )
        draft = self._draft(sub, "daily", post_at, "pending", payload=reply_to_json(reply))
        return replace(claim, drafts=(*claim.drafts, draft), quiz_instance=instance, tip_view=tip_view, path_day=path_day)

    def _dm_post(self, sub: Subscription, instance_id: str, now: datetime) -> tuple[Reply, str, TipView] | None:
        """Due reviews first, then the next new question of the subscribed track."""
        learner = self.repo.get_learner(sub.workspace_id, sub.user_id or "")
        if learner is None:
            log.warning("no learner %s for DM subscription %s; nothing to post", sub.user_id, sub.id)
            return None
        deps = self.deps.seen_from(sub.workspace_id)  # the course plus this workspace's own tracks
        if deps.content.has_track(sub.track):
            learner = replace(learner, track=sub.track)
        paused = paused_questions(deps, learner.workspace_id)
        due = [
            c for c in self.repo.due_cards(learner.workspace_id, learner.user_id, now, 5 + len(paused))
            if c.question_id in deps.content.questions and c.question_id not in paused
        ]
        question_id, label = (due[0].question_id, "Review") if due else pick_question(deps, learner, paused)
        tip_id, _ = next_tip_id(deps, learner)
        reply = posts.dm_post(deps.content, tip_id, question_id, label, instance_id, Syntax(sub.platform))
        return reply, question_id, TipView(learner.workspace_id, learner.user_id, tip_id)

    def _seeds(self, sub: Subscription, now: datetime) -> tuple[TimerSeed, ...]:
        """Recap timers for channels and nudge timers for DM subscribers, created with the first post."""
        spec = self._timer_spec("recap" if sub.kind == "channel" else "nudge", sub)
        if spec is None:
            return ()
        kind, hhmm, tz, days = spec
        return (TimerSeed(kind, f"{hhmm}|{tz}", next_occurrence(hhmm, tz, days, now)),)

    def _timer_spec(self, kind: PostKind, sub: Subscription) -> tuple[PostKind, str, str, tuple[int, ...]] | None:
        if kind == "recap":
            return "recap", sub.local_time, sub.tz, (self.config.recap_weekday,)
        learner = self.repo.get_learner(sub.workspace_id, sub.user_id or "")
        if learner is None:
            return None
        return "nudge", self.config.nudge_time, learner.tz, EVERY_DAY

    # recaps and nudges ------------------------------------------------------------------------
    def plan_timer(self, timer: DueTimer, now: datetime) -> Claim:
        sub = timer.subscription
        base = Claim(subscription_id=timer.subscription_id, expected_due=timer.next_due_at, next_due=None, timer=timer.kind)
        spec = self._timer_spec(timer.kind, sub) if sub is not None and sub.active else None
        if sub is None or spec is None:
            return base
        kind, hhmm, tz, days = spec
        spec_text = f"{hhmm}|{tz}"
        if spec_text != timer.spec:
            return replace(base, next_due=next_occurrence(hhmm, tz, days, now), spec=spec_text)
        keep = self.config.missed_rows if kind == "recap" else 1
        occurrences = occurrences_until(timer.next_due_at, now, hhmm, tz, days, keep)
        claim = replace(base, next_due=occurrences.next_due, spec=spec_text)
        if kind == "recap":
            post_at, drafts = self._split(sub, "recap", occurrences, now)
            if post_at is not None:
                reply = self._recap(sub)
                drafts = (*drafts, self._draft(sub, "recap", post_at, "pending", payload=reply_to_json(reply)))
            return replace(claim, drafts=drafts)
        if not occurrences.passed:
            return claim
        nudge = self._nudge(sub, occurrences.passed[-1], tz, now)
        return replace(claim, drafts=(nudge,)) if nudge is not None else claim

    def _nudge(self, sub: Subscription, occurrence: datetime, tz: str, now: datetime) -> OutboxDraft | None:
        """Only to a learner who wants nudges, on the same local evening, whose streak would break tonight."""
        learner = self.repo.get_learner(sub.workspace_id, sub.user_id or "")
        if learner is None or not learner.nudges:
            return None
        if now - occurrence > self.config.grace or local_date(now, tz) != local_date(occurrence, tz):
            log.info("nudge for subscription %s on %s missed; not sent late", sub.id, occurrence.isoformat())
            return None
        state = streak_of(self.deps, learner)
        if not (state.at_risk and state.current >= self.config.nudge_min_streak):
            return None
        assert sub.id is not None
        day = local_date(occurrence, tz)
        return OutboxDraft(
            key=outbox_key("nudge", sub.id, day), kind="nudge", subscription_id=sub.id, destination=destination_of(sub),
            local_date=day, due_at=occurrence, status="pending", payload=reply_to_json(posts.nudge_post(state, Syntax(sub.platform))),
        )

    def _recap(self, sub: Subscription) -> Reply:
        """Last ISO week (Monday to Monday in the channel's zone): leaderboard plus the channel's own chart."""
        this_week, _ = week_bounds(sub.tz, self.deps.clock.now())  # a recap goes out on Monday, so "now" is in the week after
        since, until = this_week - timedelta(days=7), this_week  # wall-clock arithmetic: local midnights, DST-safe
        week_start = since.date()
        leaders = self.repo.leaderboard(sub.workspace_id, since, until, 10)
        days = tuple(week_start + timedelta(days=i) for i in range(7))
        answers = dict.fromkeys(days, 0)
        correct = dict.fromkeys(days, 0)
        for answered_at, ok in self.store.channel_answers(sub.workspace_id, sub.channel_id, since, until):
            day = local_date(answered_at, sub.tz)
            if day in answers:
                answers[day] += 1
                correct[day] += int(ok)
        week = posts.ChannelWeek(days, tuple(answers.values()), tuple(correct.values()))
        chart = None
        if self.config.recap_chart and week.total:
            from bot.charts import participation_chart  # matplotlib loads only when a recap is drawn

            chart = participation_chart(days, week.answers, week.accuracy)
        return posts.recap_post(week_start, leaders, week, chart)


def _hours(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours:.1f} h" if hours < 48 else f"{hours / 24:.1f} days"
