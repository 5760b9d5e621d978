"""The proactive-send contract every adapter implements, so delivery can post without knowing the platform.

Replies to a request go back through the adapter that received it; scheduled posts (the daily tip and
quiz, nudges, recaps) go out through a Messenger to a stored destination.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.messages import Reply


@dataclass(frozen=True)
class Destination:
    """Where a scheduled post goes: a channel, or a learner's direct messages (``kind == "dm"``)."""

    workspace_id: str
    platform: str
    channel_id: str
    kind: str  # "channel" or "dm"
    user_id: str | None = None


class DeliveryError(Exception):
    """A send that did not go through."""


class TransientDeliveryError(DeliveryError):
    """Worth retrying: rate limited (``retry_after`` seconds, when the platform said) or a 5xx/network error."""

    def __init__(self, message: str, retry_after: float | None = None, outcome_unknown: bool = False) -> None:
        """``outcome_unknown``: the call timed out or its connection dropped, so the post may yet land."""
        super().__init__(message)
        self.retry_after = retry_after
        self.outcome_unknown = outcome_unknown


class PermanentDeliveryError(DeliveryError):
    """Never worth retrying: channel archived or gone, bot removed, access revoked."""


@dataclass(frozen=True)
class Rate:
    """``per_second`` sends per second on average, up to ``burst`` at once."""

    per_second: float
    burst: int = 1

    def __post_init__(self) -> None:
        if self.per_second <= 0 or self.burst < 1:
            raise ValueError("a rate needs per_second > 0 and burst >= 1")


@dataclass(frozen=True)
class PlatformLimits:
    """How fast a platform accepts posts, per channel, per workspace and overall (None: no such limit)."""

    per_channel: Rate | None = None
    per_workspace: Rate | None = None
    overall: Rate | None = None


class Messenger(Protocol):
    platform: str
    limits: PlatformLimits | None
    """The platform's posting limits, which delivery paces under; None when it has none worth pacing for."""

    async def send(self, destination: Destination, reply: Reply, idempotency_key: str) -> str:
        """Post ``reply``; return the platform's message id. Raise a DeliveryError subclass on failure.

        ``idempotency_key`` is unique per (subscription, local date, kind); platforms that can carry it
        (Slack message metadata, Discord's enforced nonce) should, so a retried send is detectable.
        """
        ...

    async def find_sent(self, destination: Destination, idempotency_key: str, since: datetime) -> str | None:
        """The id of a message already posted with this key since ``since``, or None if none (or unknowable)."""
        ...

    async def is_admin(self, workspace_id: str, user_id: str) -> bool | None:
        """Whether ``user_id`` is an admin of ``workspace_id`` right now, by the rule the adapter applies to requests.

        Asked before a post only admins may read (the weekly team report) leaves, because admin status is
        checked when someone opts in and people are demoted or leave afterwards. False for someone who left;
        None when the platform cannot say right now (rate limited, an outage), so the post waits and is asked
        about again later. Raise PermanentDeliveryError when it never will (the app was removed).
        """
        ...
