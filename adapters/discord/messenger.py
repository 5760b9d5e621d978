"""Scheduled posts (daily tip and quiz, nudges) for the delivery scheduler: bot.ports.Messenger for Discord.

The scheduler runs its own event loop in another thread, while discord.py's HTTP session belongs to the
client's loop; each send is therefore handed to the client's loop and awaited from the caller's. Before a
weekly team report, ``is_admin`` fetches the recipient's membership of the server and applies the rule
requests use (``context.grants_admin``) to their permissions there.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from datetime import datetime

import aiohttp
import discord

from adapters.discord.context import grants_admin
from adapters.discord.embeds import render_reply
from bot.messages import Reply
from bot.ports import Destination, PermanentDeliveryError, PlatformLimits, Rate, TransientDeliveryError

log = logging.getLogger(__name__)

NONCE_MAX = 25  # Discord's limit
REF_LENGTH = 12
HISTORY_LIMIT = 200
REF_PREFIX = "AI PM companion · ref "


def post_ref(idempotency_key: str) -> str:
    """A short reference shown in a scheduled post's footer, so the post can be found again in history.

    Discord keeps a nonce only for a few minutes and never returns it from channel history, so a send
    retried on a later sweep needs something stored with the message itself to find its first attempt.
    """
    return hashlib.sha256(idempotency_key.encode()).hexdigest()[:REF_LENGTH]


def nonce_for(idempotency_key: str) -> str:
    """A stable nonce: with ``enforce_nonce`` Discord returns the first message instead of posting a retry again."""
    return hashlib.sha256(idempotency_key.encode()).hexdigest()[:NONCE_MAX]


# 50 requests per second globally and 5 per 5 s per channel route (a steady 1/s without burst never exceeds 5 in any 5 s).
DISCORD_LIMITS = PlatformLimits(per_channel=Rate(1.0, 1), overall=Rate(50.0, 1))


class DiscordMessenger:
    platform = "discord"
    limits: PlatformLimits | None = DISCORD_LIMITS

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
        future = asyncio.run_coroutine_threadsafe(
            self._send(client, destination, reply, nonce_for(idempotency_key), post_ref(idempotency_key)), loop,
        )
        return await asyncio.wrap_future(future)

    async def find_sent(self, destination: Destination, idempotency_key: str, since: datetime) -> str | None:
        """The id of our post carrying this key's reference in the channel's history since ``since``."""
        client, loop = self._client, self._loop
        if client is None or loop is None or loop.is_closed() or client.is_closed() or client.user is None:
            raise TransientDeliveryError("the Discord client is not running")
        future = asyncio.run_coroutine_threadsafe(self._find_sent(client, destination, post_ref(idempotency_key), since), loop)
        return await asyncio.wrap_future(future)

    async def is_admin(self, workspace_id: str, user_id: str) -> bool | None:
        """Manage Server or Administrator in the server now, from the member's roles (or ownership); False for
        someone who left the server, None when Discord can't say right now."""
        if not workspace_id.isdigit() or not user_id.isdigit():
            return False  # a DM outside any server (workspace ``dm:<user>``) has nothing to administer
        client, loop = self._client, self._loop
        if client is None or loop is None or loop.is_closed() or client.is_closed() or client.user is None:
            log.warning("the Discord client is not running; the admin check of %s waits", user_id)
            return None
        future = asyncio.run_coroutine_threadsafe(self._is_admin(client, int(workspace_id), int(user_id)), loop)
        return await asyncio.wrap_future(future)

    @staticmethod
    async def _is_admin(client: discord.Client, guild_id: int, user_id: int) -> bool | None:
        fetching = "server"
        try:
            guild = client.get_guild(guild_id) or await client.fetch_guild(guild_id)
            fetching = "member"
            member = await guild.fetch_member(user_id)
        except discord.NotFound as error:
            if fetching == "member":
                return False  # Unknown Member: they left (or were removed from) the server
            raise PermanentDeliveryError(f"Discord server {guild_id} is gone or the bot was removed from it: {error}") from error
        except discord.Forbidden as error:
            raise PermanentDeliveryError(f"the bot can no longer see Discord server {guild_id}: {error}") from error
        except (discord.HTTPException, discord.RateLimited, TimeoutError, aiohttp.ClientError, OSError) as error:
            log.warning("could not fetch %s %s of server %s (%s); the admin check waits", fetching, user_id, guild_id, error)
            return None
        return grants_admin(member.guild_permissions)

    async def _find_sent(self, client: discord.Client, destination: Destination, ref: str, since: datetime) -> str | None:
        try:
            channel = await self._channel(client, destination)
            async for message in channel.history(limit=HISTORY_LIMIT, after=since, oldest_first=False):
                if client.user is not None and message.author.id != client.user.id:
                    continue
                if any((embed.footer.text or "").endswith(ref) for embed in message.embeds):
                    return str(message.id)
        except (discord.Forbidden, discord.NotFound) as error:
            log.warning("cannot read earlier posts in %s: %s", destination.channel_id, error)
            return None
        except discord.HTTPException as error:
            raise TransientDeliveryError(f"Discord answered {error.status} reading history") from error
        except (TimeoutError, aiohttp.ClientError, OSError) as error:
            raise TransientDeliveryError(f"network error talking to Discord: {error}", outcome_unknown=False) from error
        return None

    async def _send(self, client: discord.Client, destination: Destination, reply: Reply, nonce: str, ref: str) -> str:
        try:
            channel = await self._channel(client, destination)
            kwargs = render_reply(reply).send_kwargs()
            kwargs["embed"].set_footer(text=f"{REF_PREFIX}{ref}")
            message = await channel.send(nonce=nonce, **kwargs)
        except (discord.Forbidden, discord.NotFound) as error:
            raise PermanentDeliveryError(f"Discord refused the post to {destination.kind} {destination.channel_id}: {error}") from error
        except discord.RateLimited as error:
            raise TransientDeliveryError("Discord rate limit", retry_after=error.retry_after) from error
        except discord.HTTPException as error:
            if error.status == 429 or error.status >= 500:
                raise TransientDeliveryError(f"Discord answered {error.status}") from error
            raise PermanentDeliveryError(f"Discord rejected the post ({error.status}): {error.text}") from error
        except (TimeoutError, aiohttp.ClientError, OSError) as error:
            raise TransientDeliveryError(f"network error talking to Discord: {error}", outcome_unknown=True) from error
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
