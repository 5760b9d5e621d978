"""Files to Slack. A reply's file (a learner's data export) goes into the learner's DM with the bot, the one place on
Slack only they can open it; the slash command's own (ephemeral) answer then says where it went. A picture (the
progress card) is uploaded to no channel at all and shown by an ``image`` block naming its file id.

The answer the intake stores, and a restart would resend, is written before the upload: "on its way; if it
isn't there, ask again", true whichever way the upload went. After the upload it is replaced by what happened.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from adapters.slack.blocks import to_mrkdwn
from bot.messages import Attachment, Image, Reply, ReplyKind, Section

log = logging.getLogger(__name__)


def upload_private_image(client: WebClient, image: Image) -> str | None:
    """Upload ``image`` to no channel (only the bot can see the file itself) and return its id, or None on failure."""
    try:
        result = client.files_upload_v2(content=image.png, filename=image.filename, title=image.alt, alt_txt=image.alt)
    except (SlackApiError, SlackClientError, OSError) as error:
        log.warning("image upload failed: %s", error.__class__.__name__)
        return None
    file_id = (result.get("file") or {}).get("id")
    return str(file_id) if file_id else None


def _note(text: str, kind: ReplyKind = "export") -> Reply:
    return Reply(text=text, kind=kind, sections=(Section(text=text),), private=True)


ON_ITS_WAY = _note("📬 Your data export is on its way to our direct messages. If it isn't there in a minute, send `/aipm export` again.")
"""The answer stored before the upload."""


def sent(attachment: Attachment) -> Reply:
    return _note(f"📬 I sent your data export to our direct messages: `{attachment.filename}`. Only you and I can see it there.")


def not_sent(error: str) -> Reply:
    return _note(f"I couldn't send your data export just now (Slack said `{error}`). Nothing was shared. "
                 "Please send `/aipm export` again in a minute.", kind="error")


def send_to_dm(client: WebClient, user_id: str, reply: Reply) -> Reply:
    """Upload ``reply``'s file into the user's DM with the reply's text as its comment; what to tell them after."""
    attachment = reply.attachment
    assert attachment is not None
    try:
        channel = client.conversations_open(users=user_id)["channel"]["id"]
        client.files_upload_v2(
            channel=channel, content=attachment.content, filename=attachment.filename, title=attachment.title or attachment.filename,
            initial_comment=to_mrkdwn(reply.text),
        )
    except SlackApiError as error:
        code = str(error.response.get("error") or "error")
        log.warning("export upload failed: %s", code)
        return not_sent(code)
    except (SlackClientError, OSError) as error:
        log.warning("export upload failed: %s", error.__class__.__name__)
        return not_sent("unreachable")
    return sent(attachment)
