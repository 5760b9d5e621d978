"""The core's use cases, driven like a conversation through the neutral command surface."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import FixedClock
from bot.messages import ACTION_ANSWER, ACTION_FORGET_CONFIRM
from bot.render import topic_title
from bot.service import CompanionService, Context
from bot.store.drivers.sqlite import SqliteRepository
from tests.conftest import Chat


def row_count(repo: SqliteRepository, table: str) -> int:
    return int(repo.db.query(f"SELECT COUNT(*) AS n FROM {table}")[0]["n"])


def snapshot(repo: SqliteRepository) -> dict[str, int]:
    tables = ["answers", "cards", "activity", "subscriptions", "tip_views", "quiz_instances"]
    return {t: row_count(repo, t) for t in tables}


def correct_letter(chat: Chat, reply_instance: str | None = None) -> str:
    instance_id = reply_instance or (chat.last.quiz_instance_id if chat.last else None)
    assert instance_id
    instance = chat.service.repo.get_quiz_instance(chat.ctx.workspace_id, instance_id)
    assert instance is not None
    return chat.service.content.questions[instance.question_id].answer


def wrong_letter(chat: Chat) -> str:
    right = correct_letter(chat)
    return "A" if right != "A" else "B"


def test_help_lists_every_command(chat: Chat) -> None:
    reply = chat.send("help")
    for word in ("tip", "quiz", "answer", "streak", "stats", "review", "leaderboard", "tracks", "settings", "subscribe", "forget-me"):
        assert f"`{word}" in reply.text


def test_tip_follows_the_path_and_moves_on(chat: Chat) -> None:
    first = chat.send("tip")
    second = chat.send("tip")
    assert first.kind == "tip"
    assert "Probabilistic products need ranges" in first.text  # path day 1
    assert "Training and inference data drift apart" in second.text  # path day 2
    assert "Try this week" in first.text


def test_quiz_then_answer_by_text(chat: Chat, repo: SqliteRepository) -> None:
    quiz = chat.send("quiz")
    assert quiz.kind == "quiz"
    assert "A)" in quiz.text
    assert [b.label for b in quiz.buttons] == ["A", "B", "C", "D"]
    letter = correct_letter(chat)
    reply = chat.send(f"answer {letter}")
    assert reply.kind == "answer"
    assert "Right" in reply.text
    assert "Correct answer" in reply.text
    assert row_count(repo, "answers") == 1
    assert "Streak: 1 day" in reply.text


def test_wrong_answer_shows_correct_option_and_explanation(chat: Chat, curriculum: object) -> None:
    chat.send("quiz")
    letter = wrong_letter(chat)
    reply = chat.send(f"answer {letter}")
    assert "Not quite" in reply.text
    assert reply.answer is not None
    assert reply.answer.correct is False
    assert "Variable outputs need a rate" in reply.text  # the explanation of alpha-q-01


def test_a_wrong_answer_explains_the_belief_behind_the_option_chosen(chat: Chat) -> None:
    chat.send("quiz")
    instance = chat.service.repo.get_quiz_instance(chat.ctx.workspace_id, chat.last.quiz_instance_id or "")
    assert instance is not None
    question = chat.service.content.questions[instance.question_id]
    wrong = [letter for letter in question.letters if letter != question.answer]
    reply = chat.send(f"answer {wrong[0]}")
    feedback = question.feedback_for(wrong[0])
    assert feedback
    assert f"Why not {wrong[0]}:_ {feedback}" in reply.text
    assert all(other_feedback not in reply.text for other in wrong[1:] if (other_feedback := question.feedback_for(other)))


def test_a_right_answer_shows_no_option_feedback(chat: Chat) -> None:
    chat.send("quiz")
    reply = chat.send(f"answer {correct_letter(chat)}")
    assert "Why not" not in reply.text


def test_button_answer_replaces_the_quiz_message(chat: Chat) -> None:
    chat.send("quiz")
    letter = correct_letter(chat)
    reply = chat.click(letter)
    assert reply.replace_original
    assert reply.answer is not None
    assert reply.answer.correct is True


def test_double_click_changes_nothing(chat: Chat, repo: SqliteRepository) -> None:
    quiz = chat.send("quiz")
    chat.click("A", quiz)
    before = snapshot(repo)
    again = chat.click("B", quiz)
    assert again.answer is not None
    assert again.answer.already
    assert "already answered" in again.text
    assert snapshot(repo) == before


def test_answer_without_open_quiz_is_friendly(chat: Chat, repo: SqliteRepository) -> None:
    reply = chat.send("answer A")
    assert reply.kind == "error"
    assert "no open quiz" in reply.text
    assert row_count(repo, "answers") == 0


def test_answer_letter_outside_options(chat: Chat, repo: SqliteRepository) -> None:
    chat.send("quiz")
    reply = chat.send("answer E")
    assert reply.kind == "error"
    assert "options A to D" in reply.text
    assert row_count(repo, "answers") == 0


def test_unknown_command_changes_nothing(chat: Chat, repo: SqliteRepository) -> None:
    chat.send("quiz")
    before = snapshot(repo)
    reply = chat.send("quizz")
    assert reply.kind == "error"
    assert "Did you mean `quiz`?" in reply.text
    assert snapshot(repo) == before


def test_malformed_button_values_are_refused(chat: Chat, repo: SqliteRepository) -> None:
    for value in ("", "nonsense", "abc:Z", "x" * 200 + ":A", "missing:A"):
        reply = chat.service.handle_action(chat.ctx, ACTION_ANSWER, value)
        assert reply.kind == "error"
    assert chat.service.handle_action(chat.ctx, "no_such_action", "").kind == "error"
    assert row_count(repo, "answers") == 0


def test_someone_elses_personal_quiz_cannot_be_answered(chat: Chat, repo: SqliteRepository) -> None:
    quiz = chat.send("quiz")
    other = chat.as_user("U2")
    reply = other.click("A", quiz)
    assert reply.kind == "error"
    assert "someone else" in reply.text
    assert row_count(repo, "answers") == 0


def test_quiz_ids_from_another_workspace_are_invisible(chat: Chat, repo: SqliteRepository) -> None:
    quiz = chat.send("quiz")
    intruder = chat.as_user("U1", workspace_id="T2")
    reply = intruder.click("A", quiz)
    assert reply.kind == "error"
    assert "no longer exists" in reply.text
    assert row_count(repo, "answers") == 0


def test_streak_across_days_and_a_break(chat: Chat, clock: FixedClock) -> None:
    for _ in range(3):
        chat.send("quiz")
        chat.send("answer A")
        clock.advance(timedelta(days=1))
    assert chat.send("streak").counts.streak == 3
    clock.advance(timedelta(days=1))  # a whole day missed, no freeze
    assert chat.send("streak").counts.streak == 0
    assert chat.send("streak").counts.best_streak == 3


def test_streak_day_is_the_learners_local_day(chat: Chat, clock: FixedClock) -> None:
    chat.send("settings tz America/Los_Angeles")
    # 07:00 UTC on Mar 3 is 23:00 on Mar 2 in Los Angeles; 09:00 UTC on Mar 3 is 01:00 on Mar 3 there.
    clock.set(datetime(2026, 3, 3, 7, 0, tzinfo=UTC))
    chat.send("quiz")
    chat.send("answer A")
    clock.set(datetime(2026, 3, 3, 9, 0, tzinfo=UTC))
    chat.send("quiz")
    chat.send("answer A")
    assert chat.send("streak").counts.streak == 2


def test_streak_survives_dst_spring_forward(chat: Chat, clock: FixedClock) -> None:
    chat.send("settings tz America/New_York")
    # Late evening answers on Mar 7, 8 (the 23-hour day) and 9 are three local days.
    for instant in (datetime(2026, 3, 8, 4, 30, tzinfo=UTC), datetime(2026, 3, 9, 3, 30, tzinfo=UTC), datetime(2026, 3, 10, 3, 30, tzinfo=UTC)):
        clock.set(instant)
        chat.send("quiz")
        chat.send("answer A")
    assert chat.send("streak").counts.streak == 3


def test_streak_survives_a_time_zone_change_mid_streak(chat: Chat, clock: FixedClock) -> None:
    chat.send("settings tz Pacific/Pago_Pago")
    clock.set(datetime(2026, 3, 5, 10, 0, tzinfo=UTC))  # 23:00 Mar 4 in Pago Pago
    chat.send("quiz")
    chat.send("answer A")
    clock.set(datetime(2026, 3, 6, 10, 0, tzinfo=UTC))  # 23:00 Mar 5
    chat.send("quiz")
    chat.send("answer A")
    clock.set(datetime(2026, 3, 6, 10, 30, tzinfo=UTC))  # fly to Kiritimati: it is 00:30 Mar 7 there
    chat.send("settings tz Pacific/Kiritimati")
    chat.send("quiz")
    chat.send("answer A")
    assert chat.send("streak").counts.streak == 3


def test_fsrs_brings_a_missed_question_back_before_a_known_one(chat: Chat, clock: FixedClock, repo: SqliteRepository) -> None:
    chat.send("quiz")
    known = correct_letter(chat)
    chat.send(f"answer {known}")
    chat.send("quiz")
    missed_instance = chat.last.quiz_instance_id if chat.last else None
    chat.send(f"answer {wrong_letter(chat)}")
    cards = {c.question_id: c for c in repo.due_cards("T1", "U1", clock.now() + timedelta(days=365), 10)}
    assert missed_instance is not None
    missed_qid = repo.get_quiz_instance("T1", missed_instance).question_id  # type: ignore[union-attr]
    known_qid = next(q for q in cards if q != missed_qid)
    assert cards[missed_qid].due_at < cards[known_qid].due_at
    clock.advance(timedelta(days=1, minutes=1))
    review = chat.send("review")
    assert review.kind == "quiz"
    assert "1 review due" in review.text
    assert repo.get_quiz_instance("T1", review.quiz_instance_id or "").question_id == missed_qid  # type: ignore[union-attr]


def test_review_with_nothing_due(chat: Chat) -> None:
    assert "answer a few quizzes first" in chat.send("review").text
    chat.send("quiz")
    chat.send("answer A")
    assert "Nothing is due right now" in chat.send("review").text


def test_quiz_serves_unseen_then_reviews(chat: Chat, curriculum: object) -> None:
    seen = set()
    for _ in range(5):
        reply = chat.send("quiz")
        instance = chat.service.repo.get_quiz_instance("T1", reply.quiz_instance_id or "")
        assert instance is not None
        seen.add(instance.question_id)
        chat.send("answer A")
    assert len(seen) == 5  # every question once before any repeat
    sixth = chat.send("quiz")
    assert "Practice" in sixth.text or "Review" in sixth.text


def test_stats_reports_accuracy_by_topic(chat: Chat) -> None:
    chat.send("quiz")
    chat.send(f"answer {correct_letter(chat)}")
    chat.send("quiz")
    chat.send(f"answer {wrong_letter(chat)}")
    reply = chat.send("stats")
    assert reply.counts.answered == 2
    assert reply.counts.correct == 1
    assert "50%" in reply.text
    assert "By topic" in reply.text


def test_leaderboard_week_and_all_with_stable_ties(chat: Chat, clock: FixedClock) -> None:
    bob = chat.as_user("U2")
    for player in (chat, bob):
        player.send("quiz")
        player.send(f"answer {correct_letter(player)}")
    week = chat.send("leaderboard")
    assert week.text.index("Ada") < week.text.index("U2")  # tie broken by who answered first
    clock.advance(timedelta(days=7))
    assert "No answers yet" in chat.send("leaderboard week").text
    assert "Ada" in chat.send("leaderboard all").text


def test_leaderboard_week_uses_the_workspace_time_zone(chat: Chat, clock: FixedClock) -> None:
    admin = replace(chat.ctx, is_admin=True)
    chat.service.handle_text(admin, "settings workspace-tz Asia/Tokyo")
    # Sunday 20:00 UTC is already Monday 05:00 in Tokyo: a new ISO week there.
    clock.set(datetime(2026, 3, 8, 14, 0, tzinfo=UTC))
    chat.send("quiz")
    chat.send("answer A")
    clock.set(datetime(2026, 3, 8, 20, 0, tzinfo=UTC))
    assert "No answers yet" in chat.send("leaderboard").text


def test_tracks_and_switching(chat: Chat) -> None:
    assert "alpha" in chat.send("tracks").text
    reply = chat.send("track beta")
    assert "Beta data" in reply.text
    quiz = chat.send("quiz")
    assert "Beta data" in quiz.text
    bad = chat.send("track alpah")
    assert bad.kind == "error"
    assert "Did you mean `track alpha`?" in bad.text


def test_settings_show_and_change(chat: Chat, repo: SqliteRepository) -> None:
    assert "not set, using UTC" in chat.send("settings").text
    assert "Europe/Berlin" in chat.send("settings tz europe/berlin").text
    assert "08:15" in chat.send("settings time 08:15").text
    assert "off" in chat.send("settings nudges off").text
    learner = repo.get_learner("T1", "U1")
    assert learner is not None
    assert (learner.tz, learner.tz_source, learner.daily_time, learner.nudges) == ("Europe/Berlin", "user", "08:15", False)


def test_unknown_time_zone_is_refused_with_suggestions(chat: Chat, repo: SqliteRepository) -> None:
    chat.send("settings")
    reply = chat.send("settings tz Europe/Berln")
    assert reply.kind == "error"
    assert "Europe/Berlin" in reply.text
    learner = repo.get_learner("T1", "U1")
    assert learner is not None
    assert learner.tz == "UTC"


def test_new_learner_takes_the_platform_time_zone(chat: Chat, repo: SqliteRepository) -> None:
    slack_user = replace(chat.ctx, user_id="U9", platform_tz="Asia/Kolkata")
    chat.service.handle_text(slack_user, "streak")
    learner = repo.get_learner("T1", "U9")
    assert learner is not None
    assert (learner.tz, learner.tz_source) == ("Asia/Kolkata", "platform")


def test_new_learner_without_a_time_zone_is_told_how_to_set_it(chat: Chat) -> None:
    first = chat.send("streak")
    assert first.tz_hint
    assert "settings tz" in first.text
    assert not chat.send("streak").tz_hint


def test_workspace_default_time_zone_applies_to_new_learners(chat: Chat, repo: SqliteRepository) -> None:
    refused = chat.send("settings workspace-tz Europe/Paris")
    assert refused.kind == "error"
    chat.service.handle_text(replace(chat.ctx, is_admin=True), "settings workspace-tz Europe/Paris")
    chat.as_user("U5").send("streak")
    learner = repo.get_learner("T1", "U5")
    assert learner is not None
    assert (learner.tz, learner.tz_source) == ("Europe/Paris", "workspace")


def test_channel_subscription_is_for_admins_only(chat: Chat, repo: SqliteRepository) -> None:
    refused = chat.send("subscribe 09:00 Europe/Paris")
    assert refused.kind == "error"
    assert "admins" in refused.text
    assert row_count(repo, "subscriptions") == 0
    admin = Chat(chat.service, replace(chat.ctx, is_admin=True))
    reply = admin.send("subscribe 09:00 Europe/Paris alpha")
    assert reply.kind == "subscribe"
    sub = repo.get_subscription("T1", "C1", "channel")
    assert sub is not None
    assert (sub.local_time, sub.tz, sub.track, sub.days) == ("09:00", "Europe/Paris", "alpha", "0,1,2,3,4")
    # Monday 12:00 UTC is 13:00 in Paris, so the first post is Tuesday 09:00 Paris = 08:00 UTC.
    assert sub.next_due_at == datetime(2026, 3, 3, 8, 0, tzinfo=UTC)
    assert chat.send("unsubscribe").kind == "error"
    assert "Unsubscribed" in admin.send("unsubscribe").text
    sub = repo.get_subscription("T1", "C1", "channel")
    assert sub is not None
    assert not sub.active


def test_dm_subscription_uses_the_learners_own_time(chat: Chat, repo: SqliteRepository) -> None:
    dm = Chat(chat.service, replace(chat.ctx, is_dm=True, channel_id="D1"))
    dm.send("settings tz Asia/Kolkata")
    dm.send("settings time 07:30")
    reply = dm.send("subscribe")
    assert reply.kind == "subscribe"
    sub = repo.get_subscription("T1", "dm:U1", "dm")
    assert sub is not None
    assert (sub.local_time, sub.tz, sub.user_id) == ("07:30", "Asia/Kolkata", "U1")
    assert sub.next_due_at == datetime(2026, 3, 3, 2, 0, tzinfo=UTC)  # 07:30 IST = 02:00 UTC


def test_subscribe_bad_input_changes_nothing(chat: Chat, repo: SqliteRepository) -> None:
    admin = Chat(chat.service, replace(chat.ctx, is_admin=True))
    assert admin.send("subscribe 09:00 Mars/Olympus").kind == "error"
    assert admin.send("subscribe 09:00 nosuchtrack").kind == "error"
    assert row_count(repo, "subscriptions") == 0


def test_forget_me_needs_confirmation_then_deletes_everything(chat: Chat, repo: SqliteRepository) -> None:
    chat.send("quiz")
    chat.send("answer A")
    ask = chat.send("forget-me")
    assert ask.buttons[0].action_id == ACTION_FORGET_CONFIRM
    assert row_count(repo, "answers") == 1
    done = chat.click("Yes, delete my data", ask)
    assert "deleted" in done.text
    assert snapshot(repo)["answers"] == 0
    assert repo.get_learner("T1", "U1") is None
    assert row_count(repo, "cards") == row_count(repo, "activity") == 0


def test_forget_me_only_touches_the_asker_in_this_workspace(chat: Chat, repo: SqliteRepository) -> None:
    other_workspace = chat.as_user("U1", workspace_id="T2")
    for player in (chat, chat.as_user("U2"), other_workspace):
        player.send("quiz")
        player.send("answer A")
    chat.send("forget-me confirm")
    assert row_count(repo, "answers") == 2
    assert repo.get_learner("T2", "U1") is not None


def test_home_summarises_streak_tip_and_reviews(chat: Chat) -> None:
    home = chat.service.home(chat.ctx)
    assert home.kind == "home"
    assert "Start a quiz" in [b.label for b in home.buttons]
    assert "Today's tip" in " ".join(s.title or "" for s in home.sections)


def test_stats_names_topics_as_people_read_them(chat: Chat) -> None:
    chat.send("quiz")
    chat.send(f"answer {correct_letter(chat)}")
    reply = chat.send("stats")
    instance_topics = {t for q in chat.service.content.questions.values() for t in q.tags}
    shown = [t for t in instance_topics if f"• {topic_title(t)}:" in reply.text]
    assert shown, reply.text
    assert all(f"• {t}:" not in reply.text for t in instance_topics if "-" in t or t != topic_title(t))


def test_topic_titles_keep_acronyms() -> None:
    assert topic_title("two-kinds-of-ai-pm") == "Two kinds of AI PM"
    assert topic_title("ab-testing") == "A/B testing"
    assert topic_title("eu-ai-act") == "EU AI Act"


@pytest.mark.parametrize(("platform", "says", "never"), [("console", "type each one here", "/aipm"), ("slack", "/aipm quiz", "type each"),
                                                          ("discord", "`/aipm settings show`", "type each")])
def test_help_says_how_to_send_a_command_on_each_platform(chat: Chat, platform: str, says: str, never: str) -> None:
    ctx = Context("W9", platform, "U9", "ada", channel_id="D9", is_dm=True)
    reply = chat.service.handle_text(ctx, "help")
    assert says in reply.text
    assert never not in reply.text.split("\n")[0]
    commands = [line for line in reply.text.split("\n")[1:] if " — " in line]
    assert commands
    assert all(line.startswith("`/aipm ") == (platform == "discord") for line in commands)


def test_a_workspace_whose_first_request_rolled_back_is_created_again(service: CompanionService, repo: SqliteRepository) -> None:
    """The first request from a new workspace creates it inside the request's transaction (the intake's unit of
    work). If that transaction rolls back, the workspace is gone, so the next request must not trust memory."""
    ctx = Context("W-new", "slack", "U1", "ada", channel_id="D1", is_dm=True)

    class Abort(Exception):
        pass

    def first_request_then_roll_back() -> None:
        with repo.db.write():
            assert service.handle_text(ctx, "help").kind == "help"
            raise Abort

    with pytest.raises(Abort):
        first_request_then_roll_back()
    assert repo.get_workspace("W-new") is None

    assert service.handle_text(ctx, "help").kind == "help"
    assert repo.get_workspace("W-new") is not None
    assert repo.get_learner("W-new", "U1") is not None
