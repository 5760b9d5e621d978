"""Who may still read a post as it leaves: a weekly team report reaches only someone who is still an admin.

Admin status is checked when an admin turns the report on, but people are demoted and leave afterwards, and
the report carries the team's figures. So its recipient is asked about again just before each send, through
the messenger (each platform's own rule, the one its adapter applies to requests). The answer is one of:
True (send), False (never send; the subscription is switched off) or None (the platform cannot say right now:
keep the post and the subscription, and ask again on a later sweep).
"""

from __future__ import annotations

import logging

from bot.ports import Destination, Messenger, TransientDeliveryError

log = logging.getLogger(__name__)

ADMIN_ONLY_KINDS = frozenset({"report"})
"""Outbox kinds whose content only a workspace admin may see."""


def needs_admin(kind: str) -> bool:
    return kind in ADMIN_ONLY_KINDS


async def still_admin(messenger: Messenger, destination: Destination) -> bool | None:
    """Whether the person ``destination`` names is still an admin of its workspace; None when unknowable now.

    A messenger that raises a transient error instead of answering None is read as "cannot tell", so a
    blip never switches a report off; a permanent error propagates (the delivery switches it off as for a send).
    """
    if destination.user_id is None:
        return False  # nobody to check: nobody to send team figures to
    try:
        return await messenger.is_admin(destination.workspace_id, destination.user_id)
    except TransientDeliveryError as error:
        log.warning("could not check whether %s is still an admin of %s: %s", destination.user_id, destination.workspace_id, error)
        return None


def demoted_reason(destination: Destination) -> str:
    return f"{destination.user_id} is no longer an admin of this workspace, so the team report was not sent and is switched off"


def unknown_reason(destination: Destination) -> str:
    return f"could not check that {destination.user_id} is still an admin of this workspace; the team report waits"
