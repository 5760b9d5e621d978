"""Replies that name a command name it as Slack takes it: after ``/aipm``, a file then sent in a DM. Signed
requests into the real bolt app; the text is read back from Block Kit with Slack's escaping undone."""

from __future__ import annotations

import html

from slack_fake_api import FakeSlackApi
from slack_harness import SlackClient, all_text, button
from test_slack_content import ADMIN, dm_file, posted_to


def said(message: dict[str, object]) -> str:
    """The reply as a person reads it in Slack (``&lt;id&gt;`` shows as ``<id>``)."""
    return html.unescape(all_text(message))


def example_block(text: str) -> str:
    start = text.index("```yaml\n") + len("```yaml\n")
    return text[start:text.index("```", start)]


def test_the_report_picker_and_the_admin_list_write_slash_aipm(slack: SlackClient, fake: FakeSlackApi) -> None:
    fake.users[ADMIN] = {"is_admin": True}
    quiz = slack.send("quiz")
    result = slack.click(button(quiz, "A"))
    picker = slack.click(button(result, "Report a problem"))
    assert "Pick a reason, or send `/aipm report <reason> <what you noticed>` to add a note" in said(picker)
    slack.click(button(picker, "Typo"))

    listed = said(slack.send("admin reports", user=ADMIN))
    assert "Resolve one with `/aipm admin resolve <id> <note>` (it closes every open report" in listed
    assert "`admin resolve" not in listed


def test_resolve_errors_write_slash_aipm(slack: SlackClient, fake: FakeSlackApi) -> None:
    fake.users[ADMIN] = {"is_admin": True}
    bare = said(slack.send("admin resolve", user=ADMIN))
    assert "Say which report and what you did: `/aipm admin resolve <id> <note>`. `/aipm admin reports` lists the ids." in bare
    not_an_id = said(slack.send("admin resolve abc done", user=ADMIN))
    assert "`abc` is not a report id. `/aipm admin reports` lists them, e.g. `/aipm admin resolve 12 fixed the typo`." in not_an_id


def test_no_tracks_yet_shows_an_example_file_that_imports_as_shown(slack: SlackClient, fake: FakeSlackApi) -> None:
    fake.users[ADMIN] = {"is_admin": True}
    empty = said(slack.send("admin content", user=ADMIN))
    assert "send it with `/aipm admin import`" in empty
    assert "repository" not in empty

    slack.send("admin import", user=ADMIN)
    dm_file(slack, fake, example_block(empty).encode(), name="our-ai-policy.yaml")
    assert "Imported *Our AI policy*" in posted_to(fake, f"D{ADMIN}")
    assert "Remove one with `/aipm admin content remove <track>`." in said(slack.send("admin content", user=ADMIN))
