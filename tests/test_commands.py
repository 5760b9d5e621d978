from __future__ import annotations

from pathlib import Path

import pytest

from bot import commands as cmd
from bot.content import load_curriculum
from bot.timezones import zone_span


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", cmd.Help()),
        ("help", cmd.Help()),
        ("/aipm tip", cmd.Tip()),
        ("quiz", cmd.Quiz()),
        ("answer b", cmd.Answer("B")),
        ("answer C)", cmd.Answer("C")),
        ("streak", cmd.Streak()),
        ("stats", cmd.Stats()),
        ("review", cmd.Review()),
        ("leaderboard", cmd.Leaderboard("week")),
        ("leaderboard all", cmd.Leaderboard("all")),
        ("tracks", cmd.Tracks()),
        ("track Foundations", cmd.ChooseTrack("foundations")),
        ("settings", cmd.ShowSettings()),
        ("settings tz Europe/Berlin", cmd.SetTimeZone("Europe/Berlin")),
        ("settings time 7:05", cmd.SetDailyTime("07:05")),
        ("settings nudges off", cmd.SetNudges(False)),
        ("settings workspace-tz Asia/Tokyo", cmd.SetWorkspaceTimeZone("Asia/Tokyo")),
        ("subscribe", cmd.Subscribe()),
        ("subscribe 08:30 Europe/Paris foundations", cmd.Subscribe("08:30", "Europe/Paris", "foundations")),
        ("subscribe daily 18:00", cmd.Subscribe("18:00", None, None, cmd.EVERY_DAY)),
        ("subscribe mon,wed,fri", cmd.Subscribe(days=(0, 2, 4))),
        # a zone as people type one, anywhere among the words: never taken for a track
        ("subscribe 09:00 EST", cmd.Subscribe("09:00", "EST")),
        ("subscribe 09:00 new york career", cmd.Subscribe("09:00", "new york", "career")),
        ("subscribe career sao paulo weekdays", cmd.Subscribe(None, "sao paulo", "career", cmd.WEEKDAYS)),
        ("subscribe tokyo", cmd.Subscribe(tz="tokyo")),
        ("subscribe UTC+2 foundations", cmd.Subscribe(tz="UTC+2", track="foundations")),
        ("subscribe IST", cmd.Subscribe(tz="IST")),
        ("subscribe Japan", cmd.Subscribe(tz="Japan")),  # a legacy name settings tz takes too
        ("unsubscribe", cmd.Unsubscribe()),
        ("forget-me", cmd.ForgetMe(False)),
        ("forget-me confirm", cmd.ForgetMe(True)),
    ],
)
def test_every_command_parses(text: str, expected: cmd.Command) -> None:
    assert cmd.parse_command(text) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("quizz", "Did you mean `quiz`?"),
        ("strek", "Did you mean `streak`?"),
        ("leaderbord", "Did you mean `leaderboard`?"),
        ("xyzzy", "Try `help`"),
        ("answer", "Answer with one letter"),
        ("answer F", "Answer with one letter"),
        ("answer A B", "Answer with one letter"),
        ("tip extra", "takes no extra words"),
        ("leaderboard month", "leaderboard week"),
        ("track", "Name one track"),
        ("settings tz", "one time zone"),
        ("settings time 25:00", "not a time of day"),
        ("settings time noon", "not a time of day"),
        ("settings nudges maybe", "nudges on"),
        ("settings colour blue", "no setting called"),
        ("settings nudgez on", "Did you mean `settings nudges`?"),
        ("admin reprot on", "There is no admin command called `reprot`. Did you mean `admin report`?"),
        ("admin zzz", "Try `admin` to see them all."),
        ("subscribe 9:00 10:00", "one time only"),
        ("subscribe 09:00 foundations career", "one track only"),
        ("subscribe !!!", "could not read"),
        ("forget-me now", "confirm"),
        ("quiz " + "x" * 600, "too long"),
    ],
)
def test_bad_input_gets_a_friendly_error(text: str, fragment: str) -> None:
    with pytest.raises(cmd.CommandError) as caught:
        cmd.parse_command(text)
    assert fragment in str(caught.value)


def test_every_command_in_the_table_is_parseable() -> None:
    for spec in cmd.COMMAND_TABLE:
        example = spec.usage.replace("<A-E>", "A").replace("[week|all]", "").replace("<name>", "path")
        example = example.replace("<Area/City>", "Europe/Paris").replace("<HH:MM>", "09:00").replace("on|off", "on")
        example = example.replace("<0.80-0.97>", "0.85").replace("<id> <note>", "12 fixed the typo")
        example = example.replace("<track>", "acme-policy").replace("<file>", "track.yaml").split("[")[0]
        assert cmd.parse_command(example) is not None


def test_no_course_track_and_no_day_word_reads_as_a_time_zone() -> None:
    """``subscribe`` finds its zone by how zones are typed; a track id or a day word taken for one would be lost."""
    tracks = [track.id for track in load_curriculum(Path(__file__).resolve().parent.parent / "content").tracks]
    words = [*tracks, "path", "daily", "weekdays", "mon", "mon,wed,fri"]
    assert [word for word in words if zone_span([word]) is not None] == []
    assert zone_span(["09:00", "foundations", "new", "york"]) == (2, 4)
