"""Build the core's ``Context`` from Slack payloads, asking ``users.info`` only when the answer matters.

The profile is needed twice: a first-time learner's time zone (so streak days follow their clock from the
start) and admin status for channel subscriptions and the workspace default time zone (the core refuses
non-admins itself; this module only reports what Slack says). Everything else comes from the payload, so
most requests cost no Web API call at all. Profiles are cached per process for a few minutes, which keeps
``users.info`` (a rate-limited tier) quiet while still noticing a demoted admin soon.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot import commands as cmd
from bot.context import Context
from bot.store.records import Learner

log = logging.getLogger(__name__)

PLATFORM = "slack"
PROFILE_TTL_SECONDS = 600
# A failed look-up is retried on a later request, but not on every one of a burst.
FAILED_PROFILE_TTL_SECONDS = 60
LOOKUP_TIMEOUT_SECONDS = 3


class LearnerLookup(Protocol):
    def get_learner(self, workspace_id: str, user_id: str) -> Learner | None: ...


def is_workspace_admin(user: Mapping[str, Any]) -> bool:
    """Slack's admin rule, in one place for requests and for the weekly team report's send-time check: a
    workspace admin or owner (the primary owner is one too), and not a deactivated account."""
    if user.get("deleted"):
        return False
    return bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))


@dataclass(frozen=True)
class SlackProfile:
    tz: str | None
    is_admin: bool


class ProfileCache:
    """``users.info`` results per (team, user), fresh for ``ttl_seconds``.

    Look-ups use their own client with a short timeout and no retry handler: a rate-limited or slow
    ``users.info`` costs the learner who needed it an unknown profile (retried on a later request), and
    never parks a worker thread in a Retry-After sleep while other learners wait.
    """

    def __init__(self, ttl_seconds: float = PROFILE_TTL_SECONDS, now: Callable[[], float] = time.monotonic) -> None:
        self.ttl_seconds = ttl_seconds
        self._now = now
        self._entries: dict[tuple[str, str], tuple[float, SlackProfile]] = {}
        self._clients: dict[tuple[str, str | None], WebClient] = {}
        self._lock = threading.Lock()

    def _lookup_client(self, client: WebClient) -> WebClient:
        key = (client.base_url, client.token)
        with self._lock:
            found = self._clients.get(key)
            if found is None:
                found = self._clients[key] = WebClient(base_url=client.base_url, token=client.token, timeout=LOOKUP_TIMEOUT_SECONDS, retry_handlers=[])
        return found

    def get(self, client: WebClient, team_id: str, user_id: str) -> SlackProfile:
        key = (team_id, user_id)
        with self._lock:
            cached = self._entries.get(key)
        if cached is not None and self._now() - cached[0] < self.ttl_seconds:
            return cached[1]
        try:
            user = self._lookup_client(client).users_info(user=user_id).get("user") or {}
        except (SlackApiError, SlackClientError, OSError) as error:
            # Cached briefly: a missing scope or a blip should not pin "no tz, not admin" for ten minutes;
            # a rate limit is respected for as long as Slack asked, without any thread waiting it out.
            wait: float = FAILED_PROFILE_TTL_SECONDS
            if isinstance(error, SlackApiError) and error.response.status_code == 429:
                header = error.response.headers.get("Retry-After") or error.response.headers.get("retry-after")
                raw = header[0] if isinstance(header, list) else header
                wait = max(wait, float(raw)) if raw and str(raw).replace(".", "", 1).isdigit() else wait
            log.warning("users.info failed for %s: %s", user_id, error.__class__.__name__)
            unknown = SlackProfile(tz=None, is_admin=False)
            with self._lock:
                self._entries[key] = (self._now() - self.ttl_seconds + wait, unknown)
            return unknown
        profile = SlackProfile(tz=user.get("tz") or None, is_admin=is_workspace_admin(user))
        with self._lock:
            self._entries[key] = (self._now(), profile)
        return profile


def is_dm(channel_id: str | None, channel_name: str | None = None) -> bool:
    return channel_name == "directmessage" or bool(channel_id and channel_id.startswith("D"))


def needs_admin(text: str, in_dm: bool) -> bool:
    """Whether the command's outcome depends on admin rights, so ``users.info`` is worth a call.

    The command table says which commands are admin-only (and where), so a new one is looked up here too.
    """
    return cmd.needs_admin(text, in_dm)


class ContextFactory:
    def __init__(self, learners: LearnerLookup, profiles: ProfileCache) -> None:
        self.learners = learners
        self.profiles = profiles

    def build(
        self, client: WebClient, *, team_id: str, user_id: str, display_name: str = "", channel_id: str | None = None,
        channel_name: str | None = None, workspace_name: str = "", need_admin: bool = False, direct: bool | None = None,
    ) -> Context:
        """A Context; ``users.info`` only for a learner not yet stored (or whose zone Slack could not tell us
        yet), or when admin status is needed."""
        in_dm = is_dm(channel_id, channel_name) if direct is None else direct
        profile: SlackProfile | None = None
        learner = self.learners.get_learner(team_id, user_id)
        if need_admin or learner is None or learner.tz_source == "default":
            profile = self.profiles.get(client, team_id, user_id)
        return Context(
            workspace_id=team_id, platform=PLATFORM, user_id=user_id, display_name=display_name, channel_id=channel_id,
            is_dm=in_dm, is_admin=bool(profile and profile.is_admin), platform_tz=profile.tz if profile else None,
            workspace_name=workspace_name,
        )

    def for_command(self, body: dict[str, Any], client: WebClient) -> Context:
        channel_id, channel_name = body.get("channel_id"), body.get("channel_name")
        return self.build(
            client, team_id=body["team_id"], user_id=body["user_id"], display_name=body.get("user_name") or "",
            channel_id=channel_id, channel_name=channel_name, workspace_name=body.get("team_domain") or "",
            need_admin=needs_admin(body.get("text") or "", is_dm(channel_id, channel_name)),
        )

    def for_action(self, body: dict[str, Any], client: WebClient) -> Context:
        """A click: from a message (channel known) or from the App Home view (treated as the learner's DM)."""
        user = body["user"]
        team = body.get("team") or {}
        channel = body.get("channel") or {}
        container = body.get("container") or {}
        channel_id = channel.get("id") or container.get("channel_id")
        from_home = container.get("type") == "view" and not channel_id
        return self.build(
            client, team_id=team["id"], user_id=user["id"], display_name=user.get("username") or user.get("name") or "",
            channel_id=channel_id, channel_name=channel.get("name"), workspace_name=team.get("domain") or "",
            direct=True if from_home else None,
        )

    def for_dm_file(self, body: dict[str, Any], event: dict[str, Any], client: WebClient) -> Context:
        """A file sent in the DM: only an admin's import goes anywhere, so admin status is always asked."""
        return self.build(client, team_id=body["team_id"], user_id=event["user"], channel_id=event.get("channel"), direct=True, need_admin=True)

    def for_home(self, team_id: str, user_id: str, client: WebClient) -> Context:
        return self.build(client, team_id=team_id, user_id=user_id, direct=True)
