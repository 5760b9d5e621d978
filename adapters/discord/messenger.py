"""Scheduled posts (daily tip and quiz, nudges) for the delivery scheduler: bot.ports.Messenger for Discord.

The scheduler runs its own event loop in another thread, while discord.py's HTTP session belongs to the
client's loop; each send is therefore handed to the client's loop and awaited from the caller's.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from datetime import datetime

import aiohttp
import discord

from adapters.discord.embeds import render_reply
from bot.messages import Reply
from bot.ports import Destination, PermanentDeliveryError, TransientDeliveryError

log = logging.getLogger(__name__)

NONCE_MAX = 25  # Discord's limit


def nonce_for(idempotency_key: str) -> str:
    """A stable nonce: with ``enforce_nonce`` Discord returns the first message instead of posting a retry again."""
    return hashlib.sha256(idempotency_key.encode()).hexdigest()[:NONCE_MAX]


class DiscordMessenger:
    platform = "discord"

    def __init__(self) -> None:
        self._client: discord.Client | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def attach(self, client: discord.Client, loop: asyncio.AbstractEventLoop) -> None:
        """Called by the runner once the client exists on its loop."""
        self._client, self._loop = client, loop

    def detach(self) -> None:
        self._client = self._loop = None

    async def send(self, destination: Destination, reply: Reply, idempotency_key: str) -> str:
        client, loop = self._client, self._loop
        if client is None or loop is None or loop.is_closed() or client.is_closed():
            raise TransientDeliveryError("the Discord client is not running")
        if client.user is None:
            raise TransientDeliveryError("the Discord client has not logged in yet")
        future = asyncio.run_coroutine_threadsafe(self._send(client, destination, reply, nonce_for(idempotency_key)), loop)
        return await asyncio.wrap_future(future)

    async def find_sent(self, destination: Destination, idempotency_key: str, since: datetime) -> str | None:
        """Unknowable without reading history, and unnecessary: the enforced nonce already makes a retry a no-op."""
        return None

    async def _send(self, client: discord.Client, destination: Destination, reply: Reply, nonce: str) -> str:
        try:
            channel = await self._channel(client, destination)
            message = await channel.send(nonce=nonce, **render_reply(reply).send_kwargs())
        except (discord.Forbidden, discord.NotFound) as error:
            raise PermanentDeliveryError(f"Discord refused the post to {destination.kind} {destination.channel_id}: {error}") from error
        except discord.RateLimited as error:
            raise TransientDeliveryError("Discord rate limit", retry_after=error.retry_after) from error
        except discord.HTTPException as error:
            if error.status == 429 or error.status >= 500:
                raise TransientDeliveryError(f"Discord answered {error.status}") from error
            raise PermanentDeliveryError(f"Discord rejected the post ({error.status}): {error.text}") from error
        except (TimeoutError, aiohttp.ClientError, OSError) as error:
            raise TransientDeliveryError(f"network error talking to Discord: {error}") from error
        return str(message.id)

    @staticmethod
    async def _channel(client: discord.Client, destination: Destination) -> discord.abc.Messageable:
        if destination.kind == "dm":
            user_id = destination.user_id or destination.channel_id.removeprefix("dm:")
            if not user_id.isdigit():
                raise PermanentDeliveryError(f"no Discord user id in DM destination {destination.channel_id!r}")
            return await client.create_dm(discord.Object(id=int(user_id)))
        if not destination.channel_id.isdigit():
            raise PermanentDeliveryError(f"{destination.channel_id!r} is not a Discord channel id")
        # A partial channel needs no cache lookup and posts with one request, even for channels never seen.
        return client.get_partial_messageable(int(destination.channel_id))
