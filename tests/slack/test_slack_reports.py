"""Reports through signed Slack requests into the real bolt app: the button under an answer, reason buttons,
the typed command, admins (as users.info says) listing and resolving, tenancy and pausing."""

from __future__ import annotations

from collections.abc import Callable

from slack_fake_api import FakeSlackApi
from slack_harness import FinishedLog, SlackClient, all_text, button, buttons

from app.wiring import Core


def answer_a_quiz(slack: SlackClient, **where: str) -> dict[str, object]:
    quiz = slack.send("quiz", **where)
    return slack.click(button(quiz, "A"), **{k: v for k, v in where.items() if k in ("user", "channel", "team")})


def test_report_a_problem_then_a_reason_files_one_report_and_repeats_change_nothing(
    slack: SlackClient, fake: FakeSlackApi, finished: FinishedLog, count: Callable[[str], int],
) -> None:
    result = answer_a_quiz(slack)
    picker = slack.click(button(result, "Report a problem"))
    assert picker["response_type"] == "ephemeral"
    assert [b["text"]["text"] for b in buttons(picker)] == ["Wrong answer key", "Unclear", "Outdated", "Typo", "Other"]
    assert count("reports") == 0

    thanks = slack.click(button(picker, "Outdated"))
    assert thanks["replace_original"] is True
    assert "reported as *outdated*" in all_text(thanks)
    assert count("reports") == 1

    payload, response_id = slack.action_payload(button(picker, "Typo"), action_ts="1710000000.000200")
    assert slack.click_raw(payload).status == 200
    assert "already reported this question (as outdated" in all_text(fake.wait_response(response_id))
    assert slack.click_raw(payload, extra={"X-Slack-Retry-Num": "1"}).status == 200  # Slack's retry of the same click
    finished.wait("action", "duplicate")
    assert count("reports") == 1
    assert len(fake.responses(response_id)) == 1


def test_typed_report_keeps_the_note_and_bad_input_changes_nothing(slack: SlackClient, core: Core, count: Callable[[str], int]) -> None:
    assert "haven't answered a question here yet" in all_text(slack.send("report typo", channel="C1", channel_name="general"))
    answer_a_quiz(slack)
    assert "is not a reason I know" in all_text(slack.send("report bogus hmm"))
    assert "you haven't answered `beta-q-01`" in all_text(slack.send("report beta-q-01 typo"))
    assert count("reports") == 0
    reply = slack.send("report unclear Options B and C read the same", channel="C1", channel_name="general")
    assert reply["response_type"] == "ephemeral"
    [stored] = core.repo.list_reports("T1")
    assert (stored.reason, stored.text) == ("unclear", "Options B and C read the same")
    assert "already reported" in all_text(slack.send("report unclear again"))
    assert count("reports") == 1


def test_admins_list_and_resolve_members_are_refused(slack: SlackClient, fake: FakeSlackApi, core: Core) -> None:
    answer_a_quiz(slack)
    slack.send("report wrong-key C is the right one")
    [stored] = core.repo.list_reports("T1")

    fake.users["U2"] = {"is_admin": False}
    assert "Only workspace admins can see the reports" in all_text(slack.send("admin reports", user="U2", channel="D2"))
    assert "Only workspace admins can resolve" in all_text(slack.send(f"admin resolve {stored.id} ok", user="U2", channel="D2"))
    assert core.repo.list_reports("T1") == [stored]

    fake.users["U3"] = {"is_owner": True}
    listed = all_text(slack.send("admin reports", user="U3", channel="D3"))
    assert f"#{stored.id} *wrong-key*" in listed
    assert "C is the right one" in listed
    assert "There is no report #4242 here" in all_text(slack.send("admin resolve 4242 done", user="U3", channel="D3"))
    done = all_text(slack.send(f"admin resolve {stored.id} checked: the key is right", user="U3", channel="D3"))
    assert f"Resolved report #{stored.id}" in done
    assert core.repo.list_reports("T1") == []
    [closed] = core.repo.list_reports("T1", open_only=False)
    assert closed.resolution == "checked: the key is right"


def test_another_workspaces_admin_sees_nothing_and_a_paused_question_is_only_paused_where_reported(
    slack: SlackClient, fake: FakeSlackApi, core: Core,
) -> None:
    core.service.deps.report_pause_threshold = 1
    answer_a_quiz(slack)
    reply = all_text(slack.send("report typo"))
    assert "won't ask it here again" in reply
    [stored] = core.repo.list_reports("T1")

    fake.users["U9"] = {"is_admin": True}
    assert "No open reports here" in all_text(slack.send("admin reports", user="U9", channel="D9", team="T2"))
    assert f"no report #{stored.id} here" in all_text(slack.send(f"admin resolve {stored.id} mine", user="U9", channel="D9", team="T2"))
    assert core.repo.list_reports("T1") == [stored]

    prompt = core.content.questions[stored.question_id].prompt[:40]
    assert prompt not in all_text(slack.send("quiz", user="U5", channel="D5"))  # paused in T1
    assert prompt in all_text(slack.send("quiz", user="U6", channel="D6", team="T2"))  # asked in T2
