"""Proactive posts (the daily tip and quiz, nudges, recaps) through chat.postMessage: bot.ports.Messenger.

Each post carries its idempotency key in Slack message metadata (``event_type`` "aipm_post"), so after a
crash between posting and recording, ``find_sent`` can look the key up in conversations.history instead of
posting twice. Failures are sorted for the delivery outbox: a gone channel or revoked token is permanent,
a rate limit or Slack outage is transient (the client's retry handlers have already retried a 429 once).
A chart (``Reply.image``) is uploaded beside the post with files_upload_v2, best effort: the post itself has
gone out by then, so a failed upload is logged rather than raised (raising would make delivery post again).
Before a weekly team report, ``is_admin`` asks users.info whether its recipient is still an admin, by the
same rule requests use (``contexts.is_workspace_admin``). The Web API client is synchronous, so every call
runs in a worker thread off the scheduler's event loop.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from adapters.slack.blocks import message_payload
from adapters.slack.contexts import is_workspace_admin
from bot.messages import Reply
from bot.ports import Destination, PermanentDeliveryError, PlatformLimits, Rate, TransientDeliveryError

log = logging.getLogger(__name__)

METADATA_EVENT_TYPE = "aipm_post"
HISTORY_PAGES = 5
PERMANENT_ERRORS = frozenset({
    "channel_not_found", "is_archived", "not_in_channel", "account_inactive", "invalid_auth", "token_revoked",
    "missing_scope", "not_authed", "user_not_found", "cannot_dm_bot", "user_disabled", "team_access_not_granted",
    "restricted_action", "msg_too_long", "invalid_blocks", "no_text",
})
TRANSIENT_ERRORS = frozenset({"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"})
GONE_USER_ERRORS = frozenset({"user_not_found"})
"""users.info answers for someone no longer in the workspace (a deactivated account answers ``deleted: true``)."""

TokenSource = Callable[[str], str | None]
ClientFactory = Callable[[str], WebClient]


def classify(error: SlackApiError) -> PermanentDeliveryError | TransientDeliveryError:
    """The delivery error a failed Web API call means; unknown 4xx-style errors will not fix themselves."""
    code = str(error.response.get("error") or "")
    status = error.response.status_code
    if status == 429 or code == "ratelimited":
        header = error.response.headers.get("Retry-After") or error.response.headers.get("retry-after")
        retry_after = float(header[0] if isinstance(header, list) else header) if header else None
        return TransientDeliveryError(f"Slack rate limited the post ({code or status})", retry_after=retry_after)
    if status >= 500 or code in TRANSIENT_ERRORS:
        return TransientDeliveryError(f"Slack could not take the post right now ({code or status})")
    return PermanentDeliveryError(f"Slack refused the post: {code or status}")


# chat.postMessage allows about one message per second per channel with short bursts, and a workspace-wide
# cap of "several hundred messages per minute" (5/s is 300).
SLACK_LIMITS = PlatformLimits(per_channel=Rate(1.0, 3), per_workspace=Rate(5.0, 10))


class SlackMessenger:
    platform = "slack"
    limits: PlatformLimits | None = SLACK_LIMITS

    def __init__(self, tokens: TokenSource, client_factory: ClientFactory) -> None:
        self._tokens = tokens
        self._client_factory = client_factory
        self._clients: dict[str, WebClient] = {}
        self._lock = threading.Lock()

    async def send(self, destination: Destination, reply: Reply, idempotency_key: str) -> str:
        return await asyncio.to_thread(self._send, destination, reply, idempotency_key)

    async def find_sent(self, destination: Destination, idempotency_key: str, since: datetime) -> str | None:
        """The ts of a post already carrying this key; raises TransientDeliveryError when Slack can't say right now."""
        return await asyncio.to_thread(self._find_sent, destination, idempotency_key, since)

    async def is_admin(self, workspace_id: str, user_id: str) -> bool | None:
        """users.info now (no cache: this is the last check before team figures leave); None when Slack can't say."""
        return await asyncio.to_thread(self._is_admin, workspace_id, user_id)

    # sync work, run in a thread ---------------------------------------------------------------------
    def _client(self, workspace_id: str) -> WebClient:
        token = self._tokens(workspace_id)
        if not token:
            raise PermanentDeliveryError(f"the app is not installed in Slack workspace {workspace_id}")
        with self._lock:
            client = self._clients.get(token)
            if client is None:
                client = self._clients[token] = self._client_factory(token)
        return client

    @staticmethod
    def _channel(client: WebClient, destination: Destination) -> str:
        if destination.kind != "dm":
            return destination.channel_id
        user_id = destination.user_id or destination.channel_id.removeprefix("dm:")
        return str(client.conversations_open(users=user_id)["channel"]["id"])

    def _send(self, destination: Destination, reply: Reply, key: str) -> str:
        try:
            client = self._client(destination.workspace_id)
            channel = self._channel(client, destination)
            response = client.chat_postMessage(
                channel=channel, metadata={"event_type": METADATA_EVENT_TYPE, "event_payload": {"key": key}}, **message_payload(reply),
            )
            if reply.image is not None:
                self._upload_image(client, channel, reply)
            return str(response["ts"])
        except SlackApiError as error:
            raise classify(error) from error
        except (SlackClientError, OSError) as error:
            # A timeout or a dropped connection: Slack may have taken the post. Delivery looks before resending.
            raise TransientDeliveryError(f"could not reach Slack: {error.__class__.__name__}", outcome_unknown=True) from error

    @staticmethod
    def _upload_image(client: WebClient, channel: str, reply: Reply) -> None:
        image = reply.image
        assert image is not None
        try:
            client.files_upload_v2(channel=channel, content=image.png, filename=image.filename, title=image.alt, alt_txt=image.alt)
        except (SlackClientError, OSError) as error:
            log.warning("chart upload to %s failed after the post went out: %s", channel, error.__class__.__name__)

    def _is_admin(self, workspace_id: str, user_id: str) -> bool | None:
        client = self._client(workspace_id)  # not installed: PermanentDeliveryError, as for a post
        try:
            user = client.users_info(user=user_id).get("user") or {}
        except SlackApiError as error:
            code = str(error.response.get("error") or "")
            if code in GONE_USER_ERRORS:
                return False
            if isinstance(classify(error), TransientDeliveryError):
                log.warning("users.info for %s in %s failed (%s); the admin check waits", user_id, workspace_id, code or error.response.status_code)
                return None
            raise PermanentDeliveryError(f"Slack would not say whether {user_id} is an admin: {code or error.response.status_code}") from error
        except (SlackClientError, OSError) as error:
            log.warning("could not reach Slack to check %s in %s: %s", user_id, workspace_id, error.__class__.__name__)
            return None
        return is_workspace_admin(user)

    def _find_sent(self, destination: Destination, key: str, since: datetime) -> str | None:
        try:
            client = self._client(destination.workspace_id)
            channel = self._channel(client, destination)
            cursor: str | None = None
            for _ in range(HISTORY_PAGES):
                params: dict[str, Any] = {"channel": channel, "oldest": f"{since.timestamp():.6f}", "include_all_metadata": True, "limit": 200}
                if cursor:
                    params["cursor"] = cursor
                page = client.conversations_history(**params)
                for message in page.get("messages") or []:
                    metadata = message.get("metadata") or {}
                    if metadata.get("event_type") == METADATA_EVENT_TYPE and (metadata.get("event_payload") or {}).get("key") == key:
                        return str(message["ts"])
                cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
                if not cursor:
                    break
            return None
        except SlackApiError as error:
            problem = classify(error)
            if isinstance(problem, TransientDeliveryError):
                raise problem from error
            log.warning("cannot check earlier posts in %s: %s", destination.channel_id, problem)
            return None
        except PermanentDeliveryError as error:
            log.warning("cannot check earlier posts in %s: %s", destination.channel_id, error)
            return None
        except (SlackClientError, OSError) as error:
            raise TransientDeliveryError(f"could not reach Slack: {error.__class__.__name__}") from error
