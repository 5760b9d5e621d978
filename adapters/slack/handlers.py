"""The work behind each Slack request, run on the worker pool after the empty ack has gone out.

Translate in (payload -> Context), call the core, translate out (Reply -> respond / Web API). Private
replies are ephemeral; a click whose reply asks to ``replace_original`` updates the clicked message in
place, and any other click reply (a shared channel quiz, an error) goes to the clicker alone, leaving the
channel message untouched.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from adapters.slack.blocks import core_action, home_view, message_payload
from adapters.slack.contexts import ContextFactory
from adapters.slack.payloads import action_key, event_key
from adapters.slack.processed import ProcessedRequests
from bot.messages import Reply, error_reply
from bot.service import Context

log = logging.getLogger(__name__)

OOPS = "Something went wrong on my side. Please try again in a moment; if it keeps happening, tell your workspace admin."


class CoreService(Protocol):
    """The part of CompanionService the Slack adapter calls."""

    def handle_text(self, ctx: Context, text: str) -> Reply: ...
    def handle_action(self, ctx: Context, action_id: str, value: str) -> Reply: ...
    def home(self, ctx: Context) -> Reply: ...


Respond = Callable[..., Any]
Finished = Callable[[str, str], None]


def _visibility(reply: Reply) -> str:
    return "ephemeral" if reply.private else "in_channel"


def command_response(reply: Reply) -> dict[str, Any]:
    """What a slash command's response_url receives."""
    return {"response_type": _visibility(reply), **message_payload(reply)}


def click_response(reply: Reply) -> dict[str, Any]:
    """What a clicked message's response_url receives: an in-place update, or a new message beside it."""
    if reply.replace_original:
        return {"replace_original": True, **message_payload(reply)}
    return {"response_type": _visibility(reply), "replace_original": False, **message_payload(reply)}


def _refreshes_home(reply: Reply) -> bool:
    return reply.kind == "answer" and reply.meta.get("already") != "1"


class SlackHandlers:
    def __init__(
        self, service: CoreService, contexts: ContextFactory, processed: ProcessedRequests, on_finished: Finished | None = None,
    ) -> None:
        self.service = service
        self.contexts = contexts
        self.processed = processed
        self.on_finished: Finished = on_finished or (lambda kind, outcome: None)

    # work, submitted by the listeners in app.py -------------------------------------------------------
    def on_command(self, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        outcome = "error"
        try:
            ctx = self.contexts.for_command(body, client)
            reply = self.service.handle_text(ctx, body.get("text") or "")
            self._respond(respond, command_response(reply))
            if _refreshes_home(reply):
                self._publish_home(client, ctx)
            outcome = "done"
        except Exception:
            log.exception("slash command failed")
            self._respond(respond, command_response(error_reply(OOPS)))
        finally:
            self.on_finished("command", outcome)

    def on_action(self, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        outcome = "error"
        try:
            if not self.processed.first_time(action_key(body)):
                outcome = "duplicate"
                return
            action = body["actions"][0]
            ctx = self.contexts.for_action(body, client)
            core_id = core_action(action["action_id"]) or action["action_id"]
            reply = self.service.handle_action(ctx, core_id, action.get("value") or "")
            if body.get("response_url"):
                self._respond(respond, click_response(reply))
            else:
                self._post_to_dm(client, ctx.user_id, reply)
            if _refreshes_home(reply):
                self._publish_home(client, ctx)
            outcome = "done"
        except Exception:
            log.exception("button click failed")
            if body.get("response_url"):
                self._respond(respond, click_response(error_reply(OOPS)))
        finally:
            self.on_finished("action", outcome)

    def on_home_opened(self, body: dict[str, Any], event: dict[str, Any], client: WebClient) -> None:
        outcome = "error"
        try:
            if event.get("tab", "home") != "home":
                outcome = "ignored"
                return
            if not self.processed.first_time(event_key(body)):
                outcome = "duplicate"
                return
            self._publish_home(client, self.contexts.for_home(body["team_id"], event["user"], client))
            outcome = "done"
        except Exception:
            log.exception("app_home_opened failed")
        finally:
            self.on_finished("app_home_opened", outcome)

    # output ---------------------------------------------------------------------------------------
    def _publish_home(self, client: WebClient, ctx: Context) -> None:
        try:
            client.views_publish(user_id=ctx.user_id, view=home_view(self.service.home(ctx)))
        except SlackApiError as error:
            log.warning("views.publish failed: %s", error.response.get("error"))

    @staticmethod
    def _post_to_dm(client: WebClient, user_id: str, reply: Reply) -> None:
        """Clicks in the App Home have no response_url; the learner's DM with the bot is the private place."""
        channel = client.conversations_open(users=user_id)["channel"]["id"]
        client.chat_postMessage(channel=channel, **message_payload(reply))

    @staticmethod
    def _respond(respond: Respond, message: dict[str, Any]) -> None:
        try:
            result = respond(**message)
        except Exception as error:  # a dead response_url must not take the rest of the work down with it
            log.warning("response_url call failed: %s", error.__class__.__name__)
            return
        status = getattr(result, "status_code", 200)
        if status != 200:
            log.warning("response_url answered %s: %s", status, getattr(result, "body", "")[:200])
