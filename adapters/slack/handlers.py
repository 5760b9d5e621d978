"""The work behind each Slack request, run on the worker pool after the empty ack has gone out.

Translate in (payload -> Context), call the core, translate out (Reply -> respond / Web API). Private
replies are ephemeral; a click whose reply asks to ``replace_original`` updates the clicked message in
place, and any other click reply (a shared channel quiz, an error) goes to the clicker alone, leaving the
channel message untouched.

A reply with a picture (the ``stats`` progress card) has it uploaded privately with files_upload_v2 (no
channel, so the file is shared nowhere) and shown inline by an ``image`` block naming its file id. That
happens on the reply pool, after the reply was stored, so the stored reply is the caption alone: if the
upload fails, or Slack refuses the block (it processes uploads asynchronously), the caption goes out, and a
restart that resends a stored reply sends the caption too.

The App Home shows the same card, uploaded the same private way and reused while it is unchanged
(``adapters.slack.home``).

A reply with a file (the ``export`` zip) has it uploaded into the learner's DM with the bot
(``adapters.slack.files``); the slash command's answer says where it went.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any

from slack_bolt import BoltRequest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.webhook import WebhookClient

from adapters.slack import files, uploads
from adapters.slack.blocks import core_action, message_payload
from adapters.slack.contexts import ContextFactory
from adapters.slack.home import HomePublisher
from adapters.slack.payloads import INTAKE_HEADER, intake_key, is_dm_file
from bot.context import Companion, Context
from bot.intake import Intake, IntakeRecord
from bot.messages import Reply, error_reply

log = logging.getLogger(__name__)

RESPONSE_TIMEOUT_SECONDS = 5
REPLY_THREADS = 8
IMAGE_RETRY_SECONDS = 1.0  # a just-uploaded file may not be ready for a block yet; one more try after this
OOPS = "Something went wrong on my side. Please try again in a moment; if it keeps happening, tell your workspace admin."


Respond = Callable[..., Any]
Finished = Callable[[str, str], None]


def _visibility(reply: Reply) -> str:
    return "ephemeral" if reply.private else "in_channel"


def command_response(reply: Reply, image_file_id: str | None = None) -> dict[str, Any]:
    """What a slash command's response_url receives."""
    return {"response_type": _visibility(reply), **message_payload(reply, image_file_id)}


def click_response(reply: Reply) -> dict[str, Any]:
    """What a clicked message's response_url receives: an in-place update, or a new message beside it."""
    if reply.replace_original:
        return {"replace_original": True, **message_payload(reply)}
    return {"response_type": _visibility(reply), "replace_original": False, **message_payload(reply)}


def _refreshes_home(reply: Reply) -> bool:
    return reply.answer is not None and not reply.answer.already




class SlackHandlers:
    def __init__(self, service: Companion, contexts: ContextFactory, intake: Intake, on_finished: Finished | None = None,
                 reply_threads: int = REPLY_THREADS, replies: Executor | None = None) -> None:
        """``replies`` runs response_url calls (default: a pool of ``reply_threads``); the runner passes one
        that also yields to pending acks."""
        self.service = service
        self.contexts = contexts
        self.intake = intake
        self.replies: Executor = replies or ThreadPoolExecutor(max_workers=reply_threads, thread_name_prefix="slack-reply")
        self.on_finished: Finished = on_finished or (lambda kind, outcome: None)
        self.home = HomePublisher()

    # admission, called by the listeners in app.py before their ack -----------------------------------
    def admit(self, request: BoltRequest, body: dict[str, Any], kind: str) -> bool:
        """False for a replay. The HTTP server admits before dispatch; Socket Mode requests are admitted here."""
        marks = request.headers.get(INTAKE_HEADER) or []
        if marks and marks[0] in ("admitted", "recover"):
            return True
        key = intake_key(body, kind)
        if key is None:
            return True
        try:
            return self.intake.admit_now(IntakeRecord(key, "slack", kind, json.dumps(body), "application/json"))
        except Exception:  # unrecorded but not refused: Socket Mode cannot ask Slack to retry
            log.warning("could not write a Socket Mode request to the intake", exc_info=True)
            return True

    # work, submitted by the listeners in app.py -------------------------------------------------------
    def on_command(self, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        outcome = "error"
        key = intake_key(body, "command") or ""
        try:
            ctx = self.contexts.for_command(body, client)
            replies: list[Reply] = []

            def work() -> dict[str, Any]:
                replies.append(self.service.handle_text(ctx, body.get("text") or ""))
                return command_response(files.ON_ITS_WAY if replies[-1].attachment else replies[-1])

            applied = self.intake.apply(key, work)
            if not applied.fresh or applied.response is None:
                outcome = "duplicate"
                return
            reply = replies[-1]
            refresh = _refreshes_home(reply)
            richer: Callable[[], dict[str, Any] | None] | None = None
            if reply.image is not None:
                image = reply.image

                def richer() -> dict[str, Any] | None:
                    file_id = files.upload_private_image(client, image)
                    return command_response(reply, file_id) if file_id else None
            elif reply.attachment is not None:

                def richer() -> dict[str, Any] | None:
                    return command_response(files.send_to_dm(client, ctx.user_id, reply))

            self._reply(body.get("response_url"), applied.response, "command", key,
                        after=(lambda: self._publish_home(client, ctx)) if refresh else None, richer=richer)
            outcome = "replying"
        except Exception:
            log.exception("slash command failed")
            self._reply(body.get("response_url"), command_response(error_reply(OOPS)), None, None)
            self.intake.failed(key)
        finally:
            if outcome != "replying":
                self.on_finished("command", outcome)

    def on_action(self, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        outcome = "error"
        key = intake_key(body, "block_actions") or ""
        try:
            action = body["actions"][0]
            ctx = self.contexts.for_action(body, client)
            core_id = core_action(action["action_id"]) or action["action_id"]
            replies: list[Reply] = []

            def work() -> dict[str, Any]:
                replies.append(self.service.handle_action(ctx, core_id, action.get("value") or ""))
                return click_response(replies[-1])

            applied = self.intake.apply(key, work)
            if not applied.fresh or applied.response is None:
                outcome = "duplicate"
                return
            refresh = _refreshes_home(replies[-1])
            if body.get("response_url"):
                self._reply(body["response_url"], applied.response, "action", key,
                            after=(lambda: self._publish_home(client, ctx)) if refresh else None)
                outcome = "replying"
                return
            self._post_to_dm(client, ctx.user_id, replies[-1])
            self.intake.responded(key)
            if refresh:
                self._publish_home(client, ctx)
            outcome = "done"
        except Exception:
            log.exception("button click failed")
            if body.get("response_url"):
                self._reply(body["response_url"], click_response(error_reply(OOPS)), None, None)
            self.intake.failed(key)
        finally:
            if outcome != "replying":
                self.on_finished("action", outcome)

    def on_home_opened(self, body: dict[str, Any], event: dict[str, Any], client: WebClient) -> None:
        outcome = "error"
        key = intake_key(body, "event_callback") or ""
        try:
            if event.get("tab", "home") != "home":
                outcome = "ignored"
                self.intake.responded(key)
                return
            if not self.intake.apply(key, dict).fresh:
                outcome = "duplicate"
                return
            self._publish_home(client, self.contexts.for_home(body["team_id"], event["user"], client), opened=True)
            self.intake.responded(key)
            outcome = "done"
        except Exception:
            log.exception("app_home_opened failed")
        finally:
            self.on_finished("app_home_opened", outcome)

    def on_dm_message(self, body: dict[str, Any], event: dict[str, Any], client: WebClient) -> None:
        """A file in the DM after ``/aipm admin import`` is the admin's track; any other message is left alone."""
        key = intake_key(body, "event_callback")
        if key is None or not is_dm_file(event):
            return  # a message without a file, or not in a DM: nothing for the bot
        outcome = "ignored"
        try:
            ctx = self.contexts.for_dm_file(body, event, client)
            file = uploads.the_file(event)
            if file is None or not self.service.awaits_upload(ctx):
                self.intake.responded(key)  # a file nobody asked to import: not ours to read
                return
            replies: list[Reply] = []

            def work() -> dict[str, Any]:
                try:
                    upload = uploads.download(client, file)
                except uploads.DownloadFailed as error:
                    log.warning("could not download a file shared in a DM: %s", error)
                    replies.append(error_reply(uploads.DOWNLOAD_FAILED))
                else:
                    replies.append(self.service.handle_upload(ctx, "admin import", upload))
                return message_payload(replies[-1])

            applied = self.intake.apply(key, work)
            if not applied.fresh or applied.response is None:
                outcome = "duplicate"
                return
            try:
                client.chat_postMessage(channel=event["channel"], **applied.response)
            except (SlackApiError, SlackClientError, OSError) as error:  # stored: the recovery pass posts it again
                log.warning("could not answer a file sent in a DM: %s", error.__class__.__name__)
                outcome = "reply-pending"
                return
            self.intake.responded(key)
            outcome = "done"
        except Exception:
            outcome = "error"
            log.exception("a file sent in a DM failed")
            self.intake.failed(key)
        finally:
            self.on_finished("dm_file", outcome)

    # output ---------------------------------------------------------------------------------------
    def _publish_home(self, client: WebClient, ctx: Context, opened: bool = False) -> None:
        """A refresh after a change (``opened`` False) never draws a new card; the tab being opened does."""
        self.home.publish(client, ctx, self.service.home(ctx), opened)

    @staticmethod
    def _post_to_dm(client: WebClient, user_id: str, reply: Reply) -> None:
        """Clicks in the App Home have no response_url; the learner's DM with the bot is the private place."""
        channel = client.conversations_open(users=user_id)["channel"]["id"]
        client.chat_postMessage(channel=channel, **message_payload(reply))

    def _reply(self, url: str | None, message: dict[str, Any], kind: str | None, key: str | None,
               after: Callable[[], None] | None = None, richer: Callable[[], dict[str, Any] | None] | None = None) -> None:
        """Send to the response_url on the reply pool, then mark the intake row answered and report ``kind`` done.

        ``richer`` builds a better message than the stored ``message`` (one with an uploaded picture); it is
        tried twice, then ``message`` goes out instead. A response_url that hangs or fails holds one reply
        thread for at most a few ``RESPONSE_TIMEOUT_SECONDS`` and never a core worker, so other learners'
        requests keep flowing.
        """

        def task() -> None:
            try:
                if url:
                    _send_best(url, message, richer)
                if key:
                    self.intake.responded(key)
                if after is not None:
                    after()
            except Exception:
                log.exception("finishing a Slack reply failed")
            finally:
                if kind:
                    self.on_finished(kind, "done")

        self.replies.submit(task)

    def close(self) -> None:
        self.replies.shutdown(wait=True)


def _send_best(url: str, message: dict[str, Any], richer: Callable[[], dict[str, Any] | None] | None) -> None:
    better = richer() if richer is not None else None
    if better is not None:
        if send_response(url, better):
            return
        time.sleep(IMAGE_RETRY_SECONDS)
        if send_response(url, better):
            return
    send_response(url, message)


def send_response(url: str, message: dict[str, Any]) -> bool:
    """One response_url call with a short timeout and no library retry (a retried reply would show twice).

    False only when Slack answered with a refusal (such as ``invalid_blocks``): that shows nothing, so
    something else may be sent instead. A call that failed in transit may have landed, so it is not retried."""
    try:
        result = WebhookClient(url, timeout=RESPONSE_TIMEOUT_SECONDS, retry_handlers=[]).send_dict(message)
    except Exception as error:  # a dead response_url must not take the rest of the work down with it
        log.warning("response_url call failed: %s", error.__class__.__name__)
        return True
    if result.status_code != 200:
        log.warning("response_url answered %s: %s", result.status_code, (result.body or "")[:200])
        return False
    return True
