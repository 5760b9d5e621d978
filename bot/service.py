"""The use cases: tip, quiz, answer, streak, review, stats, leaderboard, settings, subscriptions.

Adapters hand every request here as ``(Context, text)`` or ``(Context, action, value)`` and get a
neutral Reply back. Nothing in this module knows which platform asked.
"""

from __future__ import annotations

import logging
import secrets
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot import commands as cmd
from bot.clock import Clock
from bot.content import PATH_TRACK_ID, Curriculum, Question
from bot.messages import (
    ACTION_ANSWER,
    ACTION_FORGET_CANCEL,
    ACTION_FORGET_CONFIRM,
    ACTION_NEXT_TIP,
    ACTION_START_QUIZ,
    Button,
    Image,
    Reply,
    Section,
    error_reply,
)
from bot.render import (
    answer_reply,
    greeting_reply,
    help_reply,
    parse_answer_value,
    quiz_heading,
    quiz_reply,
    review_note,
    reviews_due_text,
    streak_line,
    tip_reply,
    tip_section,
    topic_title,
)
from bot.reviews import ReviewScheduler, ScheduledCard
from bot.schedule import describe_days, format_days_field, next_occurrence, parse_days_field
from bot.store.records import AnswerWrite, CardRow, Learner, QuizInstance, Subscription, Workspace
from bot.store.repository import Repository, StoreUnavailable
from bot.streaks import StreakState, compute_streak, excused_by_tz_change, local_date
from bot.timezones import canonical_zone, resolve_zone, zone_note

log = logging.getLogger(__name__)

DEFAULT_TZ = "UTC"
DEFAULT_DAILY_TIME = "09:00"
TOUCH_EVERY = timedelta(minutes=5)
CONFIRM_WITHIN = timedelta(minutes=5)  # how long a bare `yes` still answers "Are you sure?"
REVIEW_BATCH = 50  # the most due cards one `review` lines up; the total is counted apart from it
OOPS = "Something went wrong on my side and nothing was changed. Please try again; if it keeps happening, tell your admin."
TRY_AGAIN = "I couldn't save that just now (the database is busy or unavailable). Nothing was changed; please try again in a moment."


@dataclass(frozen=True)
class Context:
    """Who is asking, and where. Adapters fill it from the platform's request."""

    workspace_id: str
    platform: str
    user_id: str
    display_name: str = ""
    channel_id: str | None = None
    is_dm: bool = False
    is_admin: bool = False
    platform_tz: str | None = None
    workspace_name: str = ""


@dataclass(frozen=True)
class DueReviews:
    """A learner's reviews due at one instant: how many in all, and the first ``batch``, most overdue first."""

    total: int
    batch: tuple[CardRow, ...]


def points_for(question: Question, correct: bool) -> int:
    """Harder questions are worth more; a wrong answer still earns a point for showing up."""
    return 10 * question.difficulty if correct else 1


class CompanionService:
    review_batch = REVIEW_BATCH

    def __init__(self, repo: Repository, content: Curriculum, clock: Clock, reviews: ReviewScheduler | None = None) -> None:
        self.repo = repo
        self.content = content
        self.clock = clock
        self.reviews = reviews or ReviewScheduler()
        self._known_workspaces: dict[str, Workspace] = {}
        self._forget_asked_at: dict[tuple[str, str], datetime] = {}  # per process: a restart just asks again

    # entry points --------------------------------------------------------------------------------
    def handle_text(self, ctx: Context, text: str) -> Reply:
        """Run one command typed after ``/aipm``; bad input gets a friendly error and changes nothing."""
        try:
            command = cmd.parse_command(text)
        except cmd.NotAnOption as error:
            return self.execute(ctx, cmd.Answer(error.letter))  # the open quiz knows which letters it has
        except cmd.CommandError as error:
            return error_reply(str(error))
        return self.execute(ctx, command)

    def execute(self, ctx: Context, command: cmd.Command) -> Reply:
        try:
            learner, is_new = self.ensure_learner(ctx)
            reply = self._dispatch(ctx, learner, command)
        except StoreUnavailable as error:
            log.warning("store unavailable: %s", error)
            return error_reply(TRY_AGAIN)
        except Exception:
            log.exception("command %s failed", type(command).__name__)
            return error_reply(OOPS)
        if is_new and learner.tz_source == "default" and reply.private and reply.kind != "error":
            hint = Section(text="🕒 I don't know your time zone yet, so streak days follow UTC. Set it with `settings tz Area/City`, e.g. `settings tz Europe/Berlin`.")
            reply = replace(reply, sections=(*reply.sections, hint), text=f"{reply.text}\n{hint.text}", meta={**reply.meta, "tz_hint": "1"})
        return reply

    def handle_action(self, ctx: Context, action_id: str, value: str) -> Reply:
        """A button click routed back by an adapter."""
        try:
            if action_id == ACTION_ANSWER:
                parsed = parse_answer_value(value)
                if parsed is None:
                    return error_reply("That button didn't carry a valid answer. Send `quiz` for a fresh question.")
                learner, _ = self.ensure_learner(ctx)
                return self.answer(ctx, learner, parsed[0], parsed[1], via_button=True)
            if action_id == ACTION_START_QUIZ:
                return self.execute(ctx, cmd.Quiz())
            if action_id == ACTION_NEXT_TIP:
                return self.execute(ctx, cmd.Tip())
            if action_id == ACTION_FORGET_CONFIRM:
                return replace(self.execute(ctx, cmd.ForgetMe(confirmed=True)), replace_original=True)
            if action_id == ACTION_FORGET_CANCEL:
                self._forget_asked_at.pop((ctx.workspace_id, ctx.user_id), None)
                return Reply(text="Okay, I kept everything as it was.", kind="forget", sections=(Section(text="Okay, I kept everything as it was."),), replace_original=True)
        except StoreUnavailable as error:
            log.warning("store unavailable: %s", error)
            return error_reply(TRY_AGAIN)
        except Exception:
            log.exception("action %s failed", action_id)
            return error_reply(OOPS)
        return error_reply("I don't recognise that button. Send `help` to see what I can do.")

    # learners ------------------------------------------------------------------------------------
    def ensure_learner(self, ctx: Context) -> tuple[Learner, bool]:
        now = self.clock.now()
        workspace = self.workspace(ctx, now)
        learner = self.repo.get_learner(ctx.workspace_id, ctx.user_id)
        if learner is not None:
            if now - learner.last_seen_at >= TOUCH_EVERY or (ctx.display_name and ctx.display_name != learner.display_name):
                self.repo.touch_learner(ctx.workspace_id, ctx.user_id, ctx.display_name, now)
            learned_tz = canonical_zone(ctx.platform_tz) if ctx.platform_tz and learner.tz_source == "default" else None
            if learned_tz:  # the platform could not say at first (a failed profile look-up); it can now
                self.repo.set_learner_tz(ctx.workspace_id, ctx.user_id, learned_tz, "platform", now)
                learner = replace(learner, tz=learned_tz, tz_source="platform")
            return learner, False
        platform_tz = canonical_zone(ctx.platform_tz) if ctx.platform_tz else None
        if platform_tz:
            tz, source = platform_tz, "platform"
        elif workspace.default_tz:
            tz, source = workspace.default_tz, "workspace"
        else:
            tz, source = DEFAULT_TZ, "default"
        created = self.repo.create_learner(
            Learner(
                workspace_id=ctx.workspace_id, user_id=ctx.user_id, display_name=ctx.display_name or ctx.user_id,
                tz=tz, tz_source=source, track=PATH_TRACK_ID if self.content.path else self.content.tracks[0].id,
                daily_time=DEFAULT_DAILY_TIME, nudges=True, created_at=now, last_seen_at=now,
            )
        )
        return created, True

    def workspace(self, ctx: Context, now: datetime) -> Workspace:
        """The asker's workspace, created on first sight; cached because it is read on every request."""
        known = self._known_workspaces.get(ctx.workspace_id)
        if known is None:
            known = self.repo.ensure_workspace(ctx.workspace_id, ctx.platform, ctx.workspace_name, now)
            self._known_workspaces[ctx.workspace_id] = known
        return known

    def streak_of(self, learner: Learner) -> StreakState:
        today = local_date(self.clock.now(), learner.tz)
        days = [a.day for a in self.repo.activity(learner.workspace_id, learner.user_id)]
        excused = [
            d for change in self.repo.tz_changes(learner.workspace_id, learner.user_id)
            for d in excused_by_tz_change(change.changed_at, change.old_tz, change.new_tz)
        ]
        return compute_streak(days, today, excused)

    # dispatch ------------------------------------------------------------------------------------
    def _dispatch(self, ctx: Context, learner: Learner, command: cmd.Command) -> Reply:
        match command:
            case cmd.Help():
                return help_reply(ctx.platform)
            case cmd.Tip():
                return self.tip(learner)
            case cmd.Quiz():
                return self.quiz(ctx, learner)
            case cmd.Answer(letter=letter):
                return self.answer_latest(ctx, learner, letter)
            case cmd.Streak():
                return self.streak(learner)
            case cmd.Stats():
                return self.stats(learner)
            case cmd.Review():
                return self.review(ctx, learner)
            case cmd.Leaderboard(scope=scope):
                return self.leaderboard(ctx, scope)
            case cmd.Tracks():
                return self.tracks(learner)
            case cmd.ChooseTrack(name=name):
                return self.choose_track(learner, name)
            case cmd.ShowSettings():
                return self.settings(ctx, learner)
            case cmd.SetTimeZone(tz=tz):
                return self.set_tz(learner, tz)
            case cmd.SetDailyTime(hhmm=hhmm):
                return self.set_daily_time(learner, hhmm)
            case cmd.SetNudges(enabled=enabled):
                self.repo.set_learner_field(learner.workspace_id, learner.user_id, "nudges", enabled)
                word = "on" if enabled else "off"
                return _info("settings", f"Evening nudges are {word}.")
            case cmd.SetWorkspaceTimeZone(tz=tz):
                return self.set_workspace_tz(ctx, tz)
            case cmd.Subscribe():
                return self.subscribe(ctx, learner, command)
            case cmd.Unsubscribe():
                return self.unsubscribe(ctx)
            case cmd.ForgetMe(confirmed=confirmed):
                return self.forget_me(learner, confirmed)
            case cmd.Greet(mood=mood):
                return greeting_reply(mood, ctx.display_name)
            case cmd.Confirm(yes=yes):
                return self.confirm(learner, yes)
        return error_reply("I don't know that command. Try `help`.")  # pragma: no cover - exhaustive match

    # tips ----------------------------------------------------------------------------------------
    def next_tip_id(self, learner: Learner) -> tuple[str, bool]:
        order = self.content.tip_order(learner.track)
        seen = self.repo.seen_tip_ids(learner.workspace_id, learner.user_id)
        for tip_id in order:
            if tip_id not in seen:
                return tip_id, False
        last = self.repo.last_tip_id(learner.workspace_id, learner.user_id)
        index = (order.index(last) + 1) % len(order) if last in order else 0
        return order[index], True

    def tip(self, learner: Learner) -> Reply:
        tip_id, repeat = self.next_tip_id(learner)
        tip = self.content.tips[tip_id]
        self.repo.record_tip_view(learner.workspace_id, learner.user_id, tip_id, self.clock.now())
        note = "You've read every tip in this track; here's one to refresh. Try `tracks` for more." if repeat else ""
        return tip_reply(tip, self.content.track_title(tip.track_id), note)

    # quizzes -------------------------------------------------------------------------------------
    def pick_question(self, learner: Learner) -> tuple[str, str]:
        """New material from the learner's track first, then the most overdue review."""
        answered = self.repo.answered_question_ids(learner.workspace_id, learner.user_id)
        order = self.content.question_order(learner.track)
        if learner.track == PATH_TRACK_ID:
            for qid in self.content.path_question_order:
                if qid not in answered:
                    return qid, "Quiz"
            order = self.content.course_question_order
            due = self.repo.due_cards(learner.workspace_id, learner.user_id, self.clock.now(), 1)
            if due and due[0].question_id in self.content.questions:
                return due[0].question_id, "Review"
        for qid in order:
            if qid not in answered:
                return qid, "Quiz"
        due = self.repo.due_cards(learner.workspace_id, learner.user_id, self.clock.now(), 1)
        if due and due[0].question_id in self.content.questions:
            return due[0].question_id, "Review"
        card = self.repo.next_card(learner.workspace_id, learner.user_id)
        if card and card.question_id in self.content.questions:
            return card.question_id, "Practice"
        return order[0], "Quiz"

    def _show_question(self, ctx: Context, learner: Learner, qid: str, kind: str, note: str = "") -> Reply:
        question = self.content.questions[qid]
        instance = QuizInstance(
            id=secrets.token_hex(8), workspace_id=learner.workspace_id, question_id=qid, owner_user_id=learner.user_id,
            channel_id=ctx.channel_id, origin=kind.lower(), created_at=self.clock.now(),
        )
        self.repo.create_quiz_instance(instance)
        heading = quiz_heading(kind, self.content.track_title(question.track_id), question)
        return quiz_reply(question, instance.id, heading, private=True, note=note)

    def quiz(self, ctx: Context, learner: Learner) -> Reply:
        qid, kind = self.pick_question(learner)
        return self._show_question(ctx, learner, qid, kind)

    def due_reviews(self, learner: Learner, now: datetime, batch: int = 0) -> DueReviews:
        """The one definition of "reviews due now" that review, stats and home all state.

        A card counts when it is due at ``now`` and its question is still in the course: a question that was
        taken out can never be asked again, so it is not a review anyone can do.
        """
        every = self.repo.count_due(learner.workspace_id, learner.user_id, now)
        cards = self.repo.due_cards(learner.workspace_id, learner.user_id, now, every) if every else []
        askable = [c for c in cards if c.question_id in self.content.questions]
        return DueReviews(total=len(askable), batch=tuple(askable[:batch]))

    def review(self, ctx: Context, learner: Learner) -> Reply:
        now = self.clock.now()
        due = self.due_reviews(learner, now, self.review_batch)
        if not due.batch:
            upcoming = self.repo.next_card(learner.workspace_id, learner.user_id)
            if upcoming is None:
                text = "Nothing to review yet: answer a few quizzes first and I'll schedule them for you."
            else:
                when = upcoming.due_at.astimezone(ZoneInfo(learner.tz))
                text = f"Nothing is due right now. Your next review is on {when:%a %d %b at %H:%M}. Try `quiz` for something new."
            return Reply(text=text, kind="review", sections=(Section(text=text, buttons=(Button("New quiz", ACTION_START_QUIZ, "next", "primary"),)),))
        shown = self._show_question(ctx, learner, due.batch[0].question_id, "Review", note=review_note(due.total, len(due.batch)))
        return replace(shown, meta={**shown.meta, "due": str(due.total)})

    def answer_latest(self, ctx: Context, learner: Learner, letter: str) -> Reply:
        instance = self.repo.latest_open_quiz(learner.workspace_id, learner.user_id)
        if instance is None:
            return error_reply("You have no open quiz. Send `quiz` to get one, then `answer <letter>`.")
        return self.answer(ctx, learner, instance.id, letter, via_button=False)

    def answer(self, ctx: Context, learner: Learner, instance_id: str, letter: str, via_button: bool) -> Reply:
        instance = self.repo.get_quiz_instance(learner.workspace_id, instance_id)
        if instance is None or instance.question_id not in self.content.questions:
            return error_reply("That quiz no longer exists. Send `quiz` for a fresh question.")
        if instance.owner_user_id is not None and instance.owner_user_id != learner.user_id:
            return error_reply("That quiz was for someone else. Send `quiz` to get your own.")
        question = self.content.questions[instance.question_id]
        if letter not in question.letters:
            options = ", ".join(question.letters[:-1]) + f" or {question.letters[-1]}"
            return error_reply(
                f"`{letter}` is not an option. This question has options {question.letters[0]} to {question.letters[-1]} ({options}). "
                f"Try `answer {question.letters[0]}`."
            )
        now = self.clock.now()
        correct = letter == question.answer
        write = AnswerWrite(
            workspace_id=learner.workspace_id, instance_id=instance.id, user_id=learner.user_id, question_id=question.id,
            letter=letter, correct=correct, points=points_for(question, correct), answered_at=now,
            local_date=local_date(now, learner.tz),
        )
        scheduled: list[datetime] = []

        def schedule(state: str | None) -> ScheduledCard:
            card = self.reviews.record(state, correct, now)
            scheduled.append(card.due_at)
            return card

        if not self.repo.record_answer(write, schedule):
            previous = self.repo.get_answer_letter(learner.workspace_id, instance.id, learner.user_id)
            return self._already_answered(previous or letter)
        shared = instance.owner_user_id is None
        return answer_reply(
            question, letter, correct, self.streak_of(learner), scheduled[0] if scheduled else None, learner.tz,
            replace_original=via_button and not shared, private=True,
        )

    @staticmethod
    def _already_answered(previous: str) -> Reply:
        text = f"You already answered this quiz (you chose {previous}), so nothing changed. Send `quiz` for another."
        return Reply(text=text, kind="answer", sections=(Section(text=text),), private=True, meta={"already": "1", "letter": previous})

    # progress ------------------------------------------------------------------------------------
    def streak(self, learner: Learner) -> Reply:
        state = self.streak_of(learner)
        text = streak_line(state)
        if state.frozen_days:
            text += f"\nA freeze saved your streak on {', '.join(d.strftime('%a %d %b') for d in state.frozen_days[-2:])}."
        return Reply(text=text, kind="streak", sections=(Section(title="Your streak", text=text),), meta={"current": str(state.current), "best": str(state.best)})

    def stats(self, learner: Learner) -> Reply:
        counts = self.repo.answer_counts_by_question(learner.workspace_id, learner.user_id)
        answered = sum(c[1] for c in counts)
        correct = sum(c[2] for c in counts)
        by_topic: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for qid, n, ok in counts:
            question = self.content.questions.get(qid)
            for tag in question.tags if question else ():
                by_topic[tag][0] += n
                by_topic[tag][1] += ok
        state = self.streak_of(learner)
        due = self.due_reviews(learner, self.clock.now()).total
        accuracy = f"{correct / answered:.0%}" if answered else "–"
        lines = [
            f"Answered: **{answered}** · Correct: **{correct}** · Accuracy: **{accuracy}**",
            f"Streak: **{state.current}** · Best: **{state.best}** · Freezes: **{state.freezes}**",
            f"Reviews due: **{due}**",
        ]
        topics = sorted(by_topic.items(), key=lambda item: (-item[1][0], item[0]))[:8]
        topic_text = "\n".join(f"• {topic_title(tag)}: {ok}/{n} ({ok / n:.0%})" for tag, (n, ok) in topics) or "Answer a quiz to see your topics."
        text = "\n".join(lines) + "\n\nBy topic:\n" + topic_text
        return Reply(
            text=text, kind="stats",
            sections=(Section(title="Your stats", text="\n".join(lines)), Section(title="Accuracy by topic", text=topic_text)),
            image=self._progress_card(learner, state, due, counts),
            meta={"answered": str(answered), "correct": str(correct), "due": str(due)},
        )

    def _progress_card(self, learner: Learner, state: StreakState, due: int, counts: list[tuple[str, int, int]]) -> Image:
        """The stats as one picture; matplotlib is imported only when a card is drawn."""
        from bot.progress_card import ProgressCard, TrackAccuracy, alt_text, progress_card

        by_track: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for qid, n, ok in counts:
            question = self.content.questions.get(qid)
            if question is not None:
                by_track[question.track_id][0] += n
                by_track[question.track_id][1] += ok
        workspace = self.repo.get_workspace(learner.workspace_id)
        since, until = self.week_bounds((workspace.default_tz if workspace else None) or DEFAULT_TZ)  # the leaderboard's week
        card = ProgressCard(
            name=learner.display_name or learner.user_id, today=local_date(self.clock.now(), learner.tz),
            current_streak=state.current, best_streak=state.best, freezes=state.freezes, reviews_due=due,
            points_this_week=self.repo.points_between(learner.workspace_id, learner.user_id, since, until),
            answers_by_day={a.day: a.answered for a in self.repo.activity(learner.workspace_id, learner.user_id)},
            tracks=tuple(TrackAccuracy(self.content.track_title(track), n, ok) for track, (n, ok) in by_track.items()),
        )
        return Image(png=lambda: progress_card(card), filename="progress.png", alt=alt_text(card))  # drawn when sent

    def week_bounds(self, workspace_tz: str) -> tuple[datetime, datetime]:
        """This ISO week (Monday 00:00 to next Monday 00:00) in the workspace time zone, as UTC instants."""
        zone = ZoneInfo(workspace_tz)
        today = self.clock.now().astimezone(zone).date()
        monday = today - timedelta(days=today.weekday())
        start = datetime.combine(monday, datetime.min.time(), tzinfo=zone)
        end = datetime.combine(monday + timedelta(days=7), datetime.min.time(), tzinfo=zone)
        return start, end

    def leaderboard(self, ctx: Context, scope: str) -> Reply:
        workspace = self.repo.get_workspace(ctx.workspace_id)
        tz = (workspace.default_tz if workspace else None) or DEFAULT_TZ
        since: datetime | None = None
        until: datetime | None = None
        if scope == "week":
            since, until = self.week_bounds(tz)
            title = f"Leaderboard · week of {since:%d %b}"
        else:
            title = "Leaderboard · all time"
        rows = self.repo.leaderboard(ctx.workspace_id, since, until, 10)
        if not rows:
            body = "No answers yet. Be the first: send `quiz`."
        else:
            medals = ["🥇", "🥈", "🥉"]
            body = "\n".join(
                f"{medals[i] if i < 3 else f'{i + 1}.'} {row.display_name} — {row.points} pts ({row.answered} answered, {row.correct / row.answered:.0%} right)"
                for i, row in enumerate(rows)
            )
        return Reply(text=f"{title}\n{body}", kind="leaderboard", sections=(Section(title=title, text=body),), private=True)

    # tracks and settings -------------------------------------------------------------------------
    def tracks(self, learner: Learner) -> Reply:
        lines = []
        if self.content.path:
            mark = " ← you" if learner.track == PATH_TRACK_ID else ""
            lines.append(f"**path** — {self.content.path.path.title}: the guided course, {len(self.content.path.days)} days{mark}")
        for track in self.content.tracks:
            mark = " ← you" if learner.track == track.id else ""
            n_q = len(self.content.track_questions(track.id))
            lines.append(f"**{track.id}** — {track.title}: {track.summary} ({n_q} questions){mark}")
        text = "\n".join(lines) + "\n\nSwitch with `track <name>`."
        return Reply(text=text, kind="tracks", sections=(Section(title="Tracks", text=text),))

    def _track_names(self) -> list[tuple[str, str]]:
        path = [(PATH_TRACK_ID, self.content.track_title(PATH_TRACK_ID))] if self.content.path else []
        return path + [(t.id, t.title) for t in self.content.tracks]

    def choose_track(self, learner: Learner, typed: str) -> Reply:
        try:
            name = cmd.resolve_track(typed, self._track_names())
        except cmd.CommandError as error:
            return error_reply(str(error))
        self.repo.set_learner_field(learner.workspace_id, learner.user_id, "track", name)
        dm = self.repo.get_subscription(learner.workspace_id, f"dm:{learner.user_id}", "dm")
        if dm and dm.active and dm.track != name:  # your daily DM follows your track, as it follows your zone and time
            self._resubscribe(dm, track=name)
        return _info("track", f"You're now following **{self.content.track_title(name)}**. Send `quiz` or `tip` to start.")

    def settings(self, ctx: Context, learner: Learner) -> Reply:
        workspace = self.repo.get_workspace(ctx.workspace_id)
        dm = self.repo.get_subscription(ctx.workspace_id, f"dm:{learner.user_id}", "dm")
        source = {"platform": "from your profile", "workspace": "workspace default", "user": "set by you", "default": "not set, using UTC"}
        lines = [
            f"Time zone: **{learner.tz}** ({source.get(learner.tz_source, learner.tz_source)})",
            f"Track: **{self.content.track_title(learner.track)}** (`{learner.track}`)",
            f"Daily time: **{learner.daily_time}**",
            f"Evening nudges: **{'on' if learner.nudges else 'off'}**",
            f"Daily DM: **{'on at ' + dm.local_time if dm and dm.active else 'off'}**",
            f"Workspace default time zone: **{(workspace.default_tz if workspace else None) or 'not set'}**",
        ]
        text = "\n".join(lines) + "\n\nChange with `settings tz <Area/City>`, `settings time <HH:MM>`, `settings nudges on|off`."
        return Reply(text=text, kind="settings", sections=(Section(title="Your settings", text=text),))

    def _zone_or_error(self, tz: str) -> str | Reply:
        found = resolve_zone(tz)
        return found.zone if found.zone else error_reply(found.message)

    def set_tz(self, learner: Learner, tz: str) -> Reply:
        zone = self._zone_or_error(tz)
        if isinstance(zone, Reply):
            return zone
        self.repo.set_learner_tz(learner.workspace_id, learner.user_id, zone, "user", self.clock.now())
        dm = self.repo.get_subscription(learner.workspace_id, f"dm:{learner.user_id}", "dm")
        if dm and dm.active:
            self._resubscribe(dm, tz=zone)
        local = self.clock.now().astimezone(ZoneInfo(zone))
        return _info("settings", f"Time zone set to **{zone}** (it's {local:%H:%M} there). Your streak days now follow it.{zone_note(zone)}")

    def set_daily_time(self, learner: Learner, hhmm: str) -> Reply:
        self.repo.set_learner_field(learner.workspace_id, learner.user_id, "daily_time", hhmm)
        dm = self.repo.get_subscription(learner.workspace_id, f"dm:{learner.user_id}", "dm")
        if dm and dm.active:
            self._resubscribe(dm, local_time=hhmm)
        return _info("settings", f"Daily time set to **{hhmm}** ({learner.tz}).")

    def set_workspace_tz(self, ctx: Context, tz: str) -> Reply:
        if not ctx.is_admin:
            return error_reply("Only workspace admins can set the default time zone. Ask an admin, or set your own with `settings tz`.")
        zone = self._zone_or_error(tz)
        if isinstance(zone, Reply):
            return zone
        self.repo.set_workspace_tz(ctx.workspace_id, zone)
        self._known_workspaces.pop(ctx.workspace_id, None)
        return _info("settings", f"The default time zone here is now **{zone}**. New learners start with it.")

    # subscriptions -------------------------------------------------------------------------------
    def _resubscribe(self, sub: Subscription, **changes: str) -> Subscription:
        updated = replace(sub, **changes)  # type: ignore[arg-type]
        next_due = next_occurrence(updated.local_time, updated.tz, parse_days_field(updated.days), self.clock.now())
        return self.repo.upsert_subscription(replace(updated, next_due_at=next_due))

    def subscribe(self, ctx: Context, learner: Learner, command: cmd.Subscribe) -> Reply:
        in_dm = ctx.is_dm or ctx.channel_id is None
        if not in_dm and not ctx.is_admin:
            return error_reply("Only workspace admins can subscribe a channel. Ask an admin, or send `subscribe` to me in a direct message for your own daily quiz.")
        channel_id = f"dm:{learner.user_id}" if in_dm else str(ctx.channel_id)
        kind = "dm" if in_dm else "channel"
        existing = self.repo.get_subscription(ctx.workspace_id, channel_id, kind)
        # Only what the command names changes; the rest is kept from this subscription. A DM that was switched
        # off starts again from the learner's own settings instead, which may have changed since.
        kept = existing if existing is not None and (existing.active or not in_dm) else None
        kept_track = kept.track if kept is not None and self.content.has_track(kept.track) else None
        own_track = learner.track if in_dm and self.content.has_track(learner.track) else None
        track = command.track or kept_track or own_track or (PATH_TRACK_ID if self.content.path else self.content.tracks[0].id)
        if not self.content.has_track(track):
            return error_reply(f"There is no track called `{track}`. Send `tracks` to see them all.")
        workspace = self.repo.get_workspace(ctx.workspace_id)
        if command.tz:
            zone = self._zone_or_error(command.tz)
            if isinstance(zone, Reply):
                return zone
        elif kept is not None:
            zone = kept.tz
        else:
            zone = learner.tz if in_dm else ((workspace.default_tz if workspace else None) or learner.tz)
        hhmm = command.hhmm or (kept.local_time if kept is not None else None) or (learner.daily_time if in_dm else DEFAULT_DAILY_TIME)
        days = command.days or (parse_days_field(kept.days) if kept is not None else None) or (cmd.EVERY_DAY if in_dm else cmd.WEEKDAYS)
        now = self.clock.now()
        sub = Subscription(
            id=None, workspace_id=ctx.workspace_id, platform=ctx.platform, channel_id=channel_id, kind=kind,
            user_id=learner.user_id if in_dm else None, local_time=hhmm, tz=zone, days=format_days_field(days),
            track=track, active=True, next_due_at=next_occurrence(hhmm, zone, days, now), created_by=learner.user_id,
            created_at=now, path_day=existing.path_day if existing else 0,
        )
        stored = self.repo.upsert_subscription(sub)
        where = "your direct messages" if in_dm else "this channel"
        first = stored.next_due_at.astimezone(ZoneInfo(zone)) if stored.next_due_at else now
        text = (
            f"Subscribed {where} to **{self.content.track_title(track)}**: a tip and a quiz at {hhmm} {zone}, "
            f"{describe_days(days)}. First post: {first:%a %d %b %H:%M}. Send `unsubscribe` to stop."
        )
        return Reply(text=text, kind="subscribe", sections=(Section(text=text),), private=True, meta={"next_due_at": first.isoformat()})

    def unsubscribe(self, ctx: Context) -> Reply:
        in_dm = ctx.is_dm or ctx.channel_id is None
        if not in_dm and not ctx.is_admin:
            return error_reply("Only workspace admins can unsubscribe a channel. Nothing changed.")
        channel_id = f"dm:{ctx.user_id}" if in_dm else str(ctx.channel_id)
        changed = self.repo.deactivate_subscription(ctx.workspace_id, channel_id, "dm" if in_dm else "channel")
        text = "Unsubscribed: no more daily posts here." if changed else "There was no daily post here to stop."
        return _info("unsubscribe", text)

    # privacy -------------------------------------------------------------------------------------
    def confirm(self, learner: Learner, yes: bool) -> Reply:
        """A bare yes or no answers the "Are you sure?" this learner was asked in the last few minutes."""
        asked_at = self._forget_asked_at.pop((learner.workspace_id, learner.user_id), None)
        if asked_at is None or self.clock.now() - asked_at > CONFIRM_WITHIN:
            return _info("help", "I wasn't waiting for a yes or no. Send `help` to see what I can do.")
        if yes:
            return self.forget_me(learner, confirmed=True)
        return _info("forget", "Okay, I kept everything as it was.")

    def forget_me(self, learner: Learner, confirmed: bool) -> Reply:
        self._forget_asked_at.pop((learner.workspace_id, learner.user_id), None)
        if not confirmed:
            self._forget_asked_at[(learner.workspace_id, learner.user_id)] = self.clock.now()
            text = "This deletes your answers, streak, reviews and settings here. It cannot be undone. Are you sure?"
            buttons = (
                Button("Yes, delete my data", ACTION_FORGET_CONFIRM, "confirm", "danger"),
                Button("Cancel", ACTION_FORGET_CANCEL, "cancel"),
            )
            return Reply(text=text + " Reply `yes` or send `forget-me confirm` to go ahead; `no` keeps everything.", kind="forget", sections=(Section(text=text, buttons=buttons),))
        removed = self.repo.delete_learner(learner.workspace_id, learner.user_id)
        text = f"Done: I deleted everything I had about you here ({removed} records). Send `quiz` any time to start fresh."
        return _info("forget", text)

    # surfaces ------------------------------------------------------------------------------------
    def home(self, ctx: Context) -> Reply:
        """A summary for home surfaces (Slack's App Home): streak, today's tip, reviews due, start button."""
        try:
            learner, _ = self.ensure_learner(ctx)
            state = self.streak_of(learner)
            due = self.due_reviews(learner, self.clock.now()).total
            tip_id = self.repo.last_tip_id(learner.workspace_id, learner.user_id) or self.next_tip_id(learner)[0]
        except StoreUnavailable:
            return error_reply(TRY_AGAIN)
        tip = self.content.tips[tip_id]
        sections = (
            Section(title="Your streak", text=streak_line(state)),
            tip_section(tip, self.content.track_title(tip.track_id), heading="Today's tip"),
            Section(
                title="Reviews", text=f"📚 {reviews_due_text(due)}.",
                buttons=(Button("Start a quiz", ACTION_START_QUIZ, "home", "primary"), Button("Next tip", ACTION_NEXT_TIP, "home")),
            ),
        )
        text = "\n".join(s.text for s in sections)
        return Reply(text=text, kind="home", sections=sections, meta={"due": str(due), "streak": str(state.current)})


def _info(kind: str, text: str) -> Reply:
    return Reply(text=text, kind=kind, sections=(Section(text=text),), private=True)  # type: ignore[arg-type]
