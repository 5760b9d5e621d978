"""``team`` and ``admin report on|off`` through the core: figures, small-team grouping, tenancy, the picture."""

from __future__ import annotations

import struct
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.clock import FixedClock
from bot.commands.syntax import Syntax
from bot.messages import Reply
from bot.render.team import team_reply
from bot.store.drivers.sqlite import SqliteRepository
from bot.store.records import TeamAnswers, TeamMember, TeamSnapshot
from bot.team.card import team_card
from bot.team.figures import MIN_LEARNERS, team_figures
from bot.team.report import team_report
from tests.conftest import START, Chat
from tests.export_files import open_export
from tests.test_service import correct_letter, wrong_letter

PNG = b"\x89PNG\r\n\x1a\n"
OTHER_TOPICS = "Other topics (fewer than 3 learners each)"


def png_size(png: bytes) -> tuple[int, int]:
    assert png.startswith(PNG)
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def admin_of(chat: Chat, user: str = "U-boss") -> Chat:
    return chat.as_user(user, is_admin=True)


def learn(chat: Chat, right: bool = True, track: str | None = None) -> str:
    """One quiz answered (rightly or not), on ``track`` if given; returns the question id."""
    if track:
        assert chat.send(f"track {track}").kind == "track", chat.last
    reply = chat.send("quiz")
    instance = chat.service.repo.get_quiz_instance(chat.ctx.workspace_id, reply.quiz_instance_id or "")
    assert instance is not None
    chat.send(f"answer {correct_letter(chat) if right else wrong_letter(chat)}")
    return instance.question_id


def team_of_four(chat: Chat) -> list[Chat]:
    """Four learners on alpha-q-01 (topic metrics, three right); two of them also on beta-q-02 (topic data-quality)."""
    people = [chat.as_user(f"U{i}") for i in range(1, 5)]
    for i, person in enumerate(people):
        assert learn(person, right=i != 3) == "alpha-q-01"
    for person in people[:2]:
        assert learn(person, track="beta") == "beta-q-02"
    return people


def test_a_learner_who_is_not_an_admin_is_refused_and_nothing_changes(chat: Chat, repo: SqliteRepository) -> None:
    team_of_four(chat)
    before = repo.list_subscriptions("T1")
    for text in ("team", "admin report on", "admin report off"):
        reply = chat.send(text)
        assert reply.kind == "error", reply.text
        assert "Only workspace admins" in reply.text
        assert reply.image is None
    assert "stats" in chat.send("team").text  # points to what they can see
    assert repo.list_subscriptions("T1") == before == []


def test_fewer_than_three_learners_get_no_figures(chat: Chat) -> None:
    admin = admin_of(chat)
    for person in (chat.as_user("U1"), chat.as_user("U2")):
        learn(person)
    reply = admin.send("team")
    assert reply.kind == "team"
    assert reply.image is None
    assert "at least 3 people" in reply.text
    assert "%" not in reply.text
    assert "Metrics" not in reply.text


def test_the_team_report_shows_activity_streaks_accuracy_and_memory(chat: Chat, clock: FixedClock) -> None:
    team_of_four(chat)
    clock.advance(timedelta(days=1))
    learn(chat.as_user("U1"))  # day two (on beta): U1 has a 2-day streak
    reply = admin_of(chat).send("team")
    assert reply.kind == "team"
    assert reply.private
    assert [s.title for s in reply.sections[:3]] == ["Team report · week of Mon 02 Mar", "Accuracy per track", "Fading topics"]
    people, tracks, topics = (s.text for s in reply.sections[:3])
    assert "Active learners: **4** this week, **0** last week (4 have answered here so far)" in people
    assert "none **0** · 1-2 days **4** · 3-6 days **0**" in people
    assert "• Alpha basics: 75% right of 4 answers · 4 learners" in tracks
    assert "• Metrics:" in topics
    assert "Mean chance of recall now → in 7 days (FSRS), fading first" in topics
    assert reply.image is not None
    assert reply.image.filename == "team.png"
    assert "4 learners active this week" in reply.image.alt


def test_a_topic_with_two_learners_is_grouped_never_shown_alone(chat: Chat) -> None:
    team_of_four(chat)
    reply = admin_of(chat).send("team")
    for hidden in ("Data quality", "data-quality", "Beta"):  # data quality and the beta track: two learners each
        assert hidden not in reply.text
        assert hidden not in (reply.image.alt if reply.image else "")
    assert f"• {OTHER_TOPICS}: not shown (fewer than 3 learners, even together)" in reply.text
    assert "• Other tracks (fewer than 3 learners each): not shown" in reply.text


def test_grouped_topics_show_figures_once_three_learners_are_behind_them(chat: Chat) -> None:
    people = team_of_four(chat)
    assert learn(people[2], track="beta") == "beta-q-02"  # data quality now has three learners of its own
    reply = admin_of(chat).send("team")
    assert "• Data quality:" in reply.text
    assert "• Beta data: 100% right of 3 answers · 3 learners" in reply.text
    assert OTHER_TOPICS not in reply.text


def test_no_name_or_id_of_a_learner_appears_anywhere(chat: Chat) -> None:
    people = [chat.as_user(name) for name in ("Ursula", "Viktor", "Wanda")]
    for person in people:
        learn(person)
    reply = admin_of(chat, "Zed").send("team")
    assert reply.kind == "team"
    assert reply.image is not None
    for name in ("Ursula", "Viktor", "Wanda", "Zed"):
        assert name not in reply.text
        assert name not in reply.image.alt


def test_memory_fades_between_now_and_seven_days_on(chat: Chat, clock: FixedClock) -> None:
    team_of_four(chat)
    deps = chat.service.deps
    week_start = START.date()
    figures = team_figures(deps.repo.team_snapshot("T1", ()), deps.content, deps.reviews.retrievability, clock.now(), week_start)
    [metrics] = [row for row in figures.topics if row.key == "metrics"]
    assert metrics.learners == 4
    assert metrics.recall_now is not None
    assert metrics.recall_later is not None
    assert 0 < metrics.recall_later < metrics.recall_now <= 1
    later = team_figures(deps.repo.team_snapshot("T1", ()), deps.content, deps.reviews.retrievability, clock.now() + timedelta(days=7), week_start)
    [metrics_later] = [row for row in later.topics if row.key == "metrics"]
    assert metrics_later.recall_now is not None
    assert abs(metrics_later.recall_now - metrics.recall_later) < 1e-9  # "in 7 days" is what "now" says a week on


def test_one_workspaces_figures_never_include_anothers(chat: Chat) -> None:
    team_of_four(chat)
    before = admin_of(chat).send("team").sections[:3]
    elsewhere = Chat(chat.service, replace(chat.ctx, workspace_id="T2"))
    for i in range(5):
        learn(elsewhere.as_user(f"X{i}"), right=False)
    assert admin_of(chat).send("team").sections[:3] == before
    small = Chat(chat.service, replace(chat.ctx, workspace_id="T3"))
    learn(small.as_user("Y1"))
    assert "at least 3 people" in admin_of(small).send("team").text  # T1's four learners do not count here


def test_the_picture_is_a_png_for_phones(chat: Chat) -> None:
    team_of_four(chat)
    reply = admin_of(chat).send("team")
    assert reply.image is not None
    assert png_size(reply.image.png) == (1280, 1920)
    empty = team_report(chat.service.deps, "T-nobody", Syntax("console"))
    assert empty.image is None
    deps = chat.service.deps
    few = team_figures(deps.repo.team_snapshot("T-nobody", ()), deps.content, deps.reviews.retrievability, START, START.date())
    assert few.learners < MIN_LEARNERS
    assert png_size(team_card(few, {})) == (1280, 1920)  # drawn anyway (it says why there is nothing)


def test_admin_report_on_and_off(chat: Chat, repo: SqliteRepository) -> None:
    admin = admin_of(chat)
    on = admin.send("admin report on")
    assert on.kind == "team"
    assert "every Monday at 09:00 (UTC), first on Mon 09 Mar" in on.text
    sub = repo.get_subscription("T1", "dm:U-boss", "report")
    assert sub is not None
    assert sub.active
    assert sub.user_id == "U-boss"
    assert sub.days == "0"
    assert admin.send("admin report on").sections[0] == on.sections[0]
    assert repo.get_subscription("T1", "dm:U-boss", "report") == sub  # asking twice changes nothing
    assert "no more weekly team reports" in admin.send("admin report off").text
    stored = repo.get_subscription("T1", "dm:U-boss", "report")
    assert stored is not None
    assert not stored.active
    assert "was not on, so nothing changed" in admin.send("admin report off").text
    wrong: Reply = admin.send("admin report weekly")
    assert wrong.kind == "error"
    assert "`admin report on`" in wrong.text


def test_the_report_subscription_is_exported_and_forgotten(chat: Chat, repo: SqliteRepository) -> None:
    admin = admin_of(chat)
    admin.send("admin report on")
    export = admin.send("export")
    assert export.attachment is not None
    subscriptions = open_export(export.attachment.content).document["subscriptions"]
    assert [s["kind"] for s in subscriptions] == ["report"]
    admin.send("forget-me")
    assert admin.send("yes").kind == "forget"
    assert repo.get_subscription("T1", "dm:U-boss", "report") is None


def test_admin_help_lists_the_report(chat: Chat) -> None:
    assert "`admin report on|off`" in chat.send("admin").text
    assert "`team`" in chat.send("help").text


def test_the_weekly_report_follows_the_admins_time_zone(chat: Chat, repo: SqliteRepository) -> None:
    admin = admin_of(chat)
    admin.send("admin report on")
    admin.send("settings tz Asia/Tokyo")
    sub = repo.get_subscription("T1", "dm:U-boss", "report")
    assert sub is not None
    assert sub.tz == "Asia/Tokyo"
    assert sub.next_due_at == datetime(2026, 3, 9, 0, 0, tzinfo=UTC)  # Monday 09:00 in Tokyo
    assert sub.local_time == "09:00"


def test_topics_too_small_alone_show_figures_together_once_three_people_are_behind_them(chat: Chat) -> None:
    """ux has two learners and inference one: neither is shown, but the three people together make one row."""
    members = tuple(TeamMember("UTC", (START.date(),)) for _ in range(3))
    answers = (TeamAnswers(0, "alpha-q-02", 2, 1), TeamAnswers(1, "alpha-q-02", 1, 1), TeamAnswers(2, "alpha-q-03", 1, 0))
    deps = chat.service.deps
    figures = team_figures(TeamSnapshot(members, (3, 0), answers, ()), deps.content, deps.reviews.retrievability, START, START.date())
    assert figures.topics == ()
    assert figures.other_topics is not None
    assert (figures.other_topics.learners, figures.other_topics.merged, figures.other_topics.answered) == (3, 2, 4)
    text = team_reply(figures, {"alpha": "Alpha basics"}, None, Syntax("console")).text
    assert f"• {OTHER_TOPICS}: no reviews yet · 50% right · 3 learners" in text
    assert "UX" not in text
    assert "Inference" not in text
    assert "• Alpha basics: 50% right of 4 answers · 3 learners" in text
