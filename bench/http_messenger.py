"""A tiny Messenger over HTTP for the fan-out benchmark: the real delivery path against a local fake.

It maps the fake platform's answers the way the real adapters do: 429 with Retry-After is a transient
error with ``retry_after``, 5xx and network errors are transient, other 4xx are permanent.
"""

from __future__ import annotations

from datetime import datetime

import aiohttp

from bot.messages import Reply
from bot.ports import Destination, PermanentDeliveryError, PlatformLimits, TransientDeliveryError


class HttpMessenger:
    platform = "slack"
    limits: PlatformLimits | None = None  # the benchmark paces by the limits it configures

    def __init__(self, base_url: str, session: aiohttp.ClientSession) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = session

    async def send(self, destination: Destination, reply: Reply, idempotency_key: str) -> str:
        body = {"workspace": destination.workspace_id, "channel": destination.channel_id, "key": idempotency_key, "text": reply.text}
        try:
            async with self.session.post(f"{self.base_url}/post", json=body) as response:
                if response.status == 429:
                    raise TransientDeliveryError("ratelimited", retry_after=float(response.headers.get("Retry-After", "1")))
                if response.status >= 500:
                    raise TransientDeliveryError(f"platform answered {response.status}")
                if response.status >= 400:
                    raise PermanentDeliveryError(f"platform refused the post ({response.status})")
                return str((await response.json())["ts"])
        except aiohttp.ClientError as error:
            raise TransientDeliveryError(f"network error: {error}") from error

    async def find_sent(self, destination: Destination, idempotency_key: str, since: datetime) -> str | None:
        try:
            async with self.session.get(f"{self.base_url}/find", params={"key": idempotency_key}) as response:
                found = (await response.json())["ts"]
        except aiohttp.ClientError as error:
            raise TransientDeliveryError(f"network error: {error}") from error
        return str(found) if found else None

    async def is_admin(self, workspace_id: str, user_id: str) -> bool | None:
        """The benchmark's platform models no people, so no admin-only post (the team report) goes through it."""
        return False
