"""Evening nudges for streaks at risk, the weekly channel recap, and the stats progress card."""

from __future__ import annotations

from datetime import date, timedelta

from app.demo_card import sample_card
from bot.charts import participation_chart
from bot.progress_card import progress_card
from bot.service import Context
from tests.delivery.conftest import MONDAY, World

PNG = b"\x89PNG\r\n\x1a\n"
KOLKATA_MORNING = MONDAY + timedelta(hours=1, minutes=30)  # 07:00 IST
KOLKATA_EVENING = MONDAY + timedelta(hours=13, minutes=30)  # 19:00 IST


def _learn_for_days(world: World, ctx: Context, days: int) -> None:
    """Each morning the DM arrives and the learner answers it."""
    for day in range(days):
        world.at(KOLKATA_MORNING + timedelta(days=day)).sweep()
        dm = [p for p in world.messenger.posts if p.destination.user_id == ctx.user_id][-1]
        world.answer(ctx, dm.reply)
        world.at(KOLKATA_EVENING + timedelta(days=day)).sweep()


def _nudges(world: World, user: str) -> list[str]:
    return [p.key for p in world.messenger.posts if p.destination.user_id == user and p.key.startswith("nudge:")]


def test_a_three_day_streak_at_risk_gets_one_evening_nudge(world: World) -> None:
    ada = world.learner("U-ada", "Asia/Kolkata")
    sub = world.subscribe_dm(ada, "07:00")
    _learn_for_days(world, ada, 3)
    assert _nudges(world, "U-ada") == []  # active every day: nothing at risk

    world.at(KOLKATA_MORNING + timedelta(days=3)).sweep()  # Thursday's DM arrives; no answer today
    world.at(KOLKATA_EVENING + timedelta(days=3) - timedelta(minutes=1)).sweep()
    assert _nudges(world, "U-ada") == []  # not before 19:00 local
    world.at(KOLKATA_EVENING + timedelta(days=3)).sweep()
    world.at(KOLKATA_EVENING + timedelta(days=3, minutes=5)).sweep()
    assert _nudges(world, "U-ada") == [f"nudge:{sub.id}:20260305"]
    nudge = world.messenger.posts[-1].reply
    assert "3-day streak" in nudge.text
    assert "settings nudges off" in nudge.text
    assert [b.label for b in nudge.buttons] == ["Quick quiz"]


def test_no_nudge_when_switched_off_or_the_streak_is_short(world: World) -> None:
    learners = {name: world.learner(name, "Asia/Kolkata") for name in ("U-ada", "U-bob", "U-cy")}
    subs = {name: world.subscribe_dm(ctx, "07:00") for name, ctx in learners.items()}
    world.service.handle_text(learners["U-ada"], "settings nudges off")
    for day in range(3):
        world.at(KOLKATA_MORNING + timedelta(days=day)).sweep()
        for name, ctx in learners.items():
            if name == "U-bob" and day == 0:
                continue  # Bob starts a day late: a 2-day streak
            world.answer(ctx, [p for p in world.messenger.posts if p.destination.user_id == name][-1].reply)
    world.at(KOLKATA_MORNING + timedelta(days=3)).sweep()
    world.at(KOLKATA_EVENING + timedelta(days=3)).sweep()
    assert _nudges(world, "U-ada") == []
    assert _nudges(world, "U-bob") == []
    assert _nudges(world, "U-cy") == [f"nudge:{subs['U-cy'].id}:20260305"]  # the control: same days, nudges on


def test_the_weekly_recap_shows_last_weeks_leaders_and_a_chart(world: World) -> None:
    sub = world.subscribe_channel("C1", "09:00 Europe/Berlin weekdays")
    people = [Context("T1", "slack", f"U{i}", name, channel_id="C1") for i, name in enumerate(["Ada", "Bob", "Cy"])]
    for day in range(5):
        world.at(MONDAY + timedelta(days=day, hours=8)).sweep()
        post = world.messenger.posts[-1].reply
        for i, person in enumerate(people[: 3 - day % 2]):
            world.answer(person, post, correct=(i + day) % 3 != 2)
    world.at(MONDAY + timedelta(days=7, hours=8)).sweep()  # next Monday 09:00 CET

    recaps = [p for p in world.messenger.posts if p.key.startswith("recap:")]
    assert [p.key for p in recaps] == [f"recap:{sub.id}:20260309"]
    recap = recaps[0].reply
    assert recap.private is False
    assert recap.image is not None
    assert recap.image.png.startswith(PNG)
    assert "week of 02 Mar" in recap.text
    assert "🥇" in recap.text
    assert "This channel: **13** answers" in recap.sections[1].text  # 3+2+3+2+3
    assert recap.text.index("Ada") < recap.text.index("Cy")  # Ada got more right


def test_a_quiet_channel_gets_a_recap_without_a_chart(world: World) -> None:
    world.subscribe_channel("C1", "09:00 UTC weekdays")
    for day in range(8):
        world.at(MONDAY + timedelta(days=day, hours=9)).sweep()
    [recap] = [p.reply for p in world.messenger.posts if p.key.startswith("recap:")]
    assert recap.image is None
    assert "Nobody answered last week" in recap.text


def test_stats_shows_a_progress_card(world: World) -> None:
    ada = world.learner("U-ada")
    world.answer(ada, world.service.handle_text(ada, "quiz"))
    stats = world.service.handle_text(ada, "stats")
    assert stats.kind == "stats"
    assert stats.image is not None
    assert stats.image.png.startswith(PNG)
    assert "1 day with answers" in stats.image.alt
    assert stats.image.filename == "progress.png"


def test_charts_are_pictures_even_for_an_empty_week() -> None:
    """How fast they draw is measured in ``bench/charts.py``, not timed here."""
    days = [date(2026, 3, 2) + timedelta(days=i) for i in range(7)]
    assert progress_card(sample_card()).startswith(PNG)
    assert participation_chart(days, [3, 5, 0, 2, 7, 0, 1], [0.67, 0.8, None, 0.5, 1.0, None, 0.0]).startswith(PNG)
    assert participation_chart(days, [0] * 7, [None] * 7).startswith(PNG)
