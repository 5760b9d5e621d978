"""A local Discord that speaks enough of the real protocol for discord.py to log in, connect and interact.

REST under ``/api/v10`` (what ``Route.BASE`` points at) and a JSON gateway websocket, on 127.0.0.1 with
an ephemeral port. Everything the bot sends is recorded as a ``Hit``; tests wait on an asyncio.Condition
that is notified on every hit, never on sleeps. Failures can be injected per route (``fail_next``).

What it models, and why:
- ``GET /gateway/bot`` names this fake's websocket (AutoShardedClient asks for it) with one shard.
- READY's ``resume_gateway_url`` points here too, or a reconnect would go to the real Discord.
- JSON responses carry exactly ``Content-Type: application/json``: discord.py parses nothing else as JSON.
- 429 responses carry a ``Via`` header: without one discord.py assumes a Cloudflare ban and gives up.
- Interaction callbacks answer with the ``with_response`` shape naming the interaction, and the message
  they create or update is stored, so a test can click a button on exactly what the bot sent.
- An interaction can be acknowledged once; a second callback gets Discord's 400 (code 40060).
- Channel messages honour ``enforce_nonce``: the same nonce returns the first message, as Discord does.
- The server has members with roles (``members``): whoever interacts in it is one, with the "Admins" role
  (Manage Server) when the interaction carries Manage Server, so ``GET /guilds/<id>/members/<user>`` agrees
  with what the interaction said; ``demote`` and ``leave`` change that afterwards (Unknown Member, 10007).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import WSMsgType, web
from discord.utils import time_snowflake

TOKEN = "fake-bot-token.for-tests-only"
APP_ID = 900000000000000001
GUILD_ID = 800000000000000001
CHANNEL_ID = 810000000000000001
OWNER_ID = 700000000000000009
EPHEMERAL = 64
MANAGE_GUILD = 1 << 5
ADMINISTRATOR = 1 << 3
ADMIN_ROLE_ID = 820000000000000001

# Interaction callback types (Discord's InteractionResponseType).
CHANNEL_MESSAGE = 4
DEFERRED_CHANNEL_MESSAGE = 5
DEFERRED_UPDATE_MESSAGE = 6
UPDATE_MESSAGE = 7
AUTOCOMPLETE_RESULT = 8

JsonDict = dict[str, Any]


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(status=status, body=json.dumps(data).encode(), headers={"Content-Type": "application/json", **(headers or {})})


def discord_time_snowflake() -> int:
    return int(time_snowflake(datetime.now(UTC)))


@dataclass
class Hit:
    """One request the bot made, with its JSON body (or the ``payload_json`` part of a multipart body)."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    files: list[tuple[str, bytes]] = field(default_factory=list)
    status: int = 200
    token: str | None = None  # the interaction token, for callbacks and webhooks
    kind: str = ""  # "callback", "followup", "edit_original", "channel_message", "dm_open", "sync", ...
    message: JsonDict | None = None  # the message this request created or changed

    @property
    def data(self) -> JsonDict:
        """The message part: a callback's ``data``, or the whole body for webhooks and channel posts."""
        if not isinstance(self.body, dict):
            return {}
        return (self.body.get("data") or {}) if self.kind == "callback" else self.body

    @property
    def callback_type(self) -> int | None:
        return self.body.get("type") if self.kind == "callback" and isinstance(self.body, dict) else None

    @property
    def flags(self) -> int:
        return int(self.data.get("flags") or 0)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def embeds(self) -> list[JsonDict]:
        return list(self.data.get("embeds") or [])

    @property
    def text(self) -> str:
        """Every embed's title and description: what a reader sees."""
        return "\n".join(f"{e.get('title') or ''}\n{e.get('description') or ''}" for e in self.embeds)

    @property
    def components(self) -> list[JsonDict] | None:
        return self.data.get("components")

    @property
    def custom_ids(self) -> list[str]:
        return [c["custom_id"] for row in self.components or [] for c in row.get("components", []) if "custom_id" in c]

    @property
    def labels(self) -> list[str]:
        return [c.get("label", "") for row in self.components or [] for c in row.get("components", [])]


@dataclass
class Failure:
    method: str
    path: re.Pattern[str]
    status: int
    retry_after: float | None
    times: int


class FakeDiscord:
    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.hits: list[Hit] = []
        self.messages: dict[int, JsonDict] = {}
        self.identify_count = 0
        self.identified_shards: list[list[int] | None] = []
        """The ``shard`` [id, count] of every IDENTIFY, as the bot sent it."""
        self._changed = asyncio.Condition()
        self._failures: list[Failure] = []
        self._ids = itertools.count(1_000_000_000_000_000_000)
        self._sequence = 0
        self._socket: web.WebSocketResponse | None = None
        self._sockets: set[web.WebSocketResponse] = set()
        self._nonces: dict[tuple[int, str], JsonDict] = {}
        self._interactions: dict[str, JsonDict] = {}  # token -> the interaction payload
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.guilds: list[JsonDict] = [self.guild_payload()]
        self.files: dict[str, bytes] = {}
        """Attachments on the fake CDN, by path (``/attachments/<id>/<name>``)."""
        self.members: dict[int, list[int]] = {OWNER_ID: []}
        """The server's members (besides the bot) and their role ids; the owner needs no role to be an admin."""

    # lifecycle -----------------------------------------------------------------------------------
    async def start(self) -> None:
        app = web.Application()
        api = "/api/v10"
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get(f"{api}/gateway/bot", self._gateway_bot)
        app.router.add_get(f"{api}/users/@me", self._me)
        app.router.add_get(f"{api}/oauth2/applications/@me", self._application)
        app.router.add_put(f"{api}/applications/{{app}}/commands", self._sync)
        app.router.add_put(f"{api}/applications/{{app}}/guilds/{{guild}}/commands", self._sync)
        app.router.add_post(f"{api}/interactions/{{id}}/{{token}}/callback", self._callback)
        app.router.add_post(f"{api}/webhooks/{{app}}/{{token}}", self._followup)
        app.router.add_patch(f"{api}/webhooks/{{app}}/{{token}}/messages/{{message}}", self._edit_webhook_message)
        app.router.add_post(f"{api}/channels/{{channel}}/messages", self._channel_message)
        app.router.add_patch(f"{api}/channels/{{channel}}/messages/{{message}}", self._edit_channel_message)
        app.router.add_get(f"{api}/channels/{{channel}}/messages", self._channel_history)
        app.router.add_post(f"{api}/users/@me/channels", self._open_dm)
        app.router.add_get(f"{api}/guilds/{{guild}}/members/{{user}}", self._member)
        app.router.add_get("/attachments/{id}/{name}", self._cdn)
        app.router.add_route("*", "/{tail:.*}", self._unknown)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        assert server.sockets
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        for socket in list(self._sockets):
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    def new_id(self) -> int:
        """A real snowflake (its high bits are the creation time), so ``history(after=datetime)`` works as on Discord."""
        minted = max(next(self._ids), discord_time_snowflake())
        self._ids = itertools.count(minted + 1)
        return minted

    # waiting -------------------------------------------------------------------------------------
    async def wait_for(self, predicate: Callable[[Hit], bool], count: int = 1, timeout: float = 10.0) -> list[Hit]:
        """The first ``count`` hits matching ``predicate``, waiting (on a condition, not a sleep) until they exist."""

        def found() -> bool:
            return len([h for h in self.hits if predicate(h)]) >= count

        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(found), timeout)
            except TimeoutError:
                seen = "\n".join(f"  {h.method} {h.path} -> {h.status}" for h in self.hits)
                raise AssertionError(f"timed out waiting for {count} matching request(s); the bot made:\n{seen}") from None
        return [h for h in self.hits if predicate(h)][:count]

    async def response_to(self, token: str, timeout: float = 10.0) -> Hit:
        """The interaction's callback, or, after a defer, the follow-up or edit that carries the answer."""

        def answers(hit: Hit) -> bool:
            if hit.token != token or hit.status >= 300:
                return False
            return hit.kind in ("followup", "edit_original") or hit.callback_type not in (None, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE_MESSAGE)

        return (await self.wait_for(answers, timeout=timeout))[0]

    def hits_for(self, token: str) -> list[Hit]:
        return [h for h in self.hits if h.token == token]

    async def _record(self, hit: Hit) -> None:
        async with self._changed:
            self.hits.append(hit)
            self._changed.notify_all()

    def fail_next(self, method: str, path: str, status: int, retry_after: float | None = None, times: int = 1) -> None:
        """The next ``times`` requests matching ``method`` and the ``path`` regex get ``status``."""
        self._failures.append(Failure(method, re.compile(path), status, retry_after, times))

    def _injected(self, request: web.Request) -> web.Response | None:
        for failure in self._failures:
            if failure.times > 0 and failure.method == request.method and failure.path.search(request.path):
                failure.times -= 1
                body: JsonDict = {"message": f"injected {failure.status}", "code": 0}
                headers: dict[str, str] = {}
                if failure.status == 429:
                    retry_after = failure.retry_after if failure.retry_after is not None else 0.01
                    body = {"message": "You are being rate limited.", "retry_after": retry_after, "global": False}
                    headers = {"Retry-After": str(retry_after), "X-RateLimit-Scope": "user", "Via": "1.1 google"}
                elif failure.status == 403:
                    body = {"message": "Missing Access", "code": 50001}
                elif failure.status == 404:
                    body = {"message": "Unknown Channel", "code": 10003}
                return json_response(body, status=failure.status, headers=headers)
        return None

    # members -------------------------------------------------------------------------------------
    @staticmethod
    def roles_for(permissions: int) -> list[int]:
        return [ADMIN_ROLE_ID] if permissions & (MANAGE_GUILD | ADMINISTRATOR) else []

    def demote(self, user_id: int) -> None:
        """Take the member's "Admins" role away, as a server admin would."""
        self.members[user_id] = [r for r in self.members.get(user_id, []) if r != ADMIN_ROLE_ID]

    def leave(self, user_id: int) -> None:
        self.members.pop(user_id, None)

    # payloads ------------------------------------------------------------------------------------
    def bot_user(self) -> JsonDict:
        return {"id": str(APP_ID), "username": "aipm", "discriminator": "0", "global_name": None, "avatar": None, "bot": True, "flags": 0}

    @staticmethod
    def user(user_id: int, name: str = "learner") -> JsonDict:
        return {"id": str(user_id), "username": name, "discriminator": "0", "global_name": name.title(), "avatar": None, "flags": 0}

    def member(self, user_id: int, name: str, permissions: int = 0) -> JsonDict:
        return {
            "user": self.user(user_id, name), "roles": [str(r) for r in self.roles_for(permissions)], "joined_at": "2025-01-01T00:00:00+00:00", "deaf": False, "mute": False,
            "flags": 0, "pending": False, "nick": None, "avatar": None, "permissions": str(permissions),
        }

    def guild_payload(self) -> JsonDict:
        return {
            "id": str(GUILD_ID), "name": "Product Guild", "unavailable": False, "owner_id": str(OWNER_ID), "member_count": 2,
            "icon": None, "features": [], "emojis": [], "stickers": [], "threads": [], "stage_instances": [],
            "guild_scheduled_events": [], "soundboard_sounds": [], "voice_states": [], "presences": [],
            "preferred_locale": "en-US", "verification_level": 0, "default_message_notifications": 0, "explicit_content_filter": 0,
            "mfa_level": 0, "premium_tier": 0, "nsfw_level": 0, "system_channel_flags": 0, "large": False,
            "roles": [{
                "id": str(GUILD_ID), "name": "@everyone", "permissions": str(1 << 10 | 1 << 11), "position": 0, "color": 0,
                "hoist": False, "managed": False, "mentionable": False, "flags": 0,
            }, {
                "id": str(ADMIN_ROLE_ID), "name": "Admins", "permissions": str(MANAGE_GUILD | 1 << 10 | 1 << 11), "position": 1,
                "color": 0, "hoist": False, "managed": False, "mentionable": False, "flags": 0,
            }],
            "channels": [{"id": str(CHANNEL_ID), "type": 0, "name": "study", "position": 0, "guild_id": str(GUILD_ID), "permission_overwrites": [], "nsfw": False}],
            "members": [{**self.member(APP_ID, "aipm"), "user": self.bot_user()}],
        }

    def message_payload(self, channel_id: int, data: JsonDict, message_id: int | None = None, flags: int = 0) -> JsonDict:
        return {
            "id": str(message_id or self.new_id()), "channel_id": str(channel_id), "type": 0, "content": data.get("content") or "",
            "author": self.bot_user(), "embeds": data.get("embeds") or [], "components": data.get("components") or [],
            "attachments": [], "flags": flags, "timestamp": "2025-03-03T09:00:00+00:00", "edited_timestamp": None, "tts": False,
            "mention_everyone": False, "mentions": [], "mention_roles": [], "pinned": False, "application_id": str(APP_ID),
            "nonce": data.get("nonce"),
        }

    def _store_message(self, message: JsonDict) -> JsonDict:
        self.messages[int(message["id"])] = message
        return message

    @staticmethod
    def public(message: JsonDict) -> JsonDict:
        """The message as Discord would send it (without the fake's own ``_`` bookkeeping keys)."""
        return {k: v for k, v in message.items() if not k.startswith("_")}

    # REST ----------------------------------------------------------------------------------------
    def _authorised(self, request: web.Request) -> bool:
        return request.headers.get("Authorization") == f"Bot {self.token}"

    @staticmethod
    async def _read_body(request: web.Request) -> tuple[Any, list[tuple[str, bytes]]]:
        if request.content_type.startswith("multipart/"):
            body: Any = None
            files: list[tuple[str, bytes]] = []
            reader = await request.multipart()
            async for part in reader:
                if part.name == "payload_json":
                    body = json.loads(await part.text())  # type: ignore[union-attr]
                else:
                    files.append((part.filename or "", bytes(await part.read())))  # type: ignore[union-attr]
            return body, files
        text = await request.text()
        return (json.loads(text) if text else None), []

    async def _hit(self, request: web.Request, kind: str, token: str | None = None, auth: bool = True) -> tuple[Hit, web.Response | None]:
        """Record the request; the response is set when it must fail (injected, or unauthorised)."""
        body, files = await self._read_body(request)
        failure = self._injected(request)
        if failure is None and auth and not self._authorised(request):
            failure = json_response({"message": "401: Unauthorized", "code": 0}, status=401)
        hit = Hit(request.method, request.path, dict(request.query), body, files, status=failure.status if failure else 200, token=token, kind=kind)
        if failure is not None:
            await self._record(hit)
        return hit, failure

    async def _gateway_bot(self, request: web.Request) -> web.Response:
        hit, failure = await self._hit(request, "gateway_bot")
        if failure:
            return failure
        await self._record(hit)
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        return json_response({"url": self.gateway_url, "shards": 1, "session_start_limit": limit})

    async def _me(self, request: web.Request) -> web.Response:
        hit, failure = await self._hit(request, "me")
        if failure:
            return failure
        await self._record(hit)
        return json_response(self.bot_user())

    async def _application(self, request: web.Request) -> web.Response:
        hit, failure = await self._hit(request, "application")
        if failure:
            return failure
        await self._record(hit)
        return json_response({
            "id": str(APP_ID), "name": "aipm", "description": "", "icon": None, "bot_public": True, "bot_require_code_grant": False,
            "owner": self.user(OWNER_ID, "owner"), "verify_key": "0" * 64, "flags": 0, "bot": self.bot_user(),
        })

    async def _sync(self, request: web.Request) -> web.Response:
        hit, failure = await self._hit(request, "sync")
        if failure:
            return failure
        await self._record(hit)
        guild = request.match_info.get("guild")
        registered = [
            {**command, "id": str(self.new_id()), "application_id": str(APP_ID), "version": "1", **({"guild_id": guild} if guild else {})}
            for command in hit.body or []
        ]
        return json_response(registered)

    async def _callback(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        hit, failure = await self._hit(request, "callback", token=token, auth=False)
        if failure:
            return failure
        interaction = self._interactions.get(token)
        if interaction is None or interaction["id"] != request.match_info["id"]:
            hit.status = 404
            await self._record(hit)
            return json_response({"message": "Unknown interaction", "code": 10062}, status=404)
        if interaction.get("_acknowledged"):
            hit.status = 400
            await self._record(hit)
            return json_response({"message": "Interaction has already been acknowledged.", "code": 40060}, status=400)
        interaction["_acknowledged"] = True
        kind = hit.body["type"]
        data = hit.body.get("data") or {}
        channel_id = int(interaction["channel_id"])
        message: JsonDict | None = None
        if kind in (CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE):
            message = self._store_message(self.message_payload(channel_id, data, flags=int(data.get("flags") or 0)))
            message["_loading"] = kind == DEFERRED_CHANNEL_MESSAGE
            interaction["_original_message_id"] = message["id"]
        elif kind == UPDATE_MESSAGE:
            original = self.messages[int(interaction["message"]["id"])]
            original.update({k: v for k, v in data.items() if k in ("content", "embeds", "components")})
            message = original
            interaction["_original_message_id"] = original["id"]
        elif kind == DEFERRED_UPDATE_MESSAGE:
            interaction["_original_message_id"] = interaction["message"]["id"]
        hit.message = message
        await self._record(hit)
        response: JsonDict = {"interaction": {
            "id": interaction["id"], "type": interaction["type"], "response_message_id": message["id"] if message else None,
            "response_message_loading": kind == DEFERRED_CHANNEL_MESSAGE, "response_message_ephemeral": bool(int(data.get("flags") or 0) & EPHEMERAL),
        }}
        if message is not None:
            response["resource"] = {"type": kind, "message": self.public(message)}
        return json_response(response)

    async def _followup(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        hit, failure = await self._hit(request, "followup", token=token, auth=False)
        if failure:
            return failure
        interaction = self._interactions.get(token)
        if interaction is None:
            hit.status = 404
            await self._record(hit)
            return json_response({"message": "Unknown Webhook", "code": 10015}, status=404)
        original = self.messages.get(int(interaction.get("_original_message_id") or 0))
        if original is not None and original.get("_loading"):
            # Discord: the first follow-up after a "thinking" defer replaces the loading message.
            original.update({"embeds": hit.body.get("embeds") or [], "components": hit.body.get("components") or [], "_loading": False})
            message = original
        else:
            message = self._store_message(self.message_payload(int(interaction["channel_id"]), hit.body, flags=int(hit.body.get("flags") or 0)))
        hit.message = message
        await self._record(hit)
        return json_response(self.public(message))

    async def _edit_webhook_message(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        hit, failure = await self._hit(request, "edit_original", token=token, auth=False)
        if failure:
            return failure
        interaction = self._interactions.get(token) or {}
        target = request.match_info["message"]
        message_id = int(interaction.get("_original_message_id") or 0) if target == "@original" else int(target)
        return await self._apply_edit(hit, message_id)

    async def _channel_message(self, request: web.Request) -> web.Response:
        hit, failure = await self._hit(request, "channel_message")
        if failure:
            return failure
        channel_id = int(request.match_info["channel"])
        nonce = hit.body.get("nonce") if isinstance(hit.body, dict) else None
        key = (channel_id, str(nonce))
        if nonce and hit.body.get("enforce_nonce") and key in self._nonces:
            message = self._nonces[key]  # Discord returns the message already created with this nonce
        else:
            message = self._store_message(self.message_payload(channel_id, hit.body))
            if nonce:
                self._nonces[key] = message
        hit.message = message
        await self._record(hit)
        return json_response(self.public(message))

    async def _channel_history(self, request: web.Request) -> web.Response:
        """Newest first, like Discord; ``after`` and ``before`` are snowflakes; the nonce is not returned."""
        hit, failure = await self._hit(request, "channel_history")
        if failure:
            return failure
        channel_id = request.match_info["channel"]
        after = int(request.query.get("after") or 0)
        before = int(request.query.get("before") or 2**63)
        limit = min(int(request.query.get("limit") or 50), 100)
        found = sorted((m for m in self.messages.values() if m["channel_id"] == channel_id and after < int(m["id"]) < before),
                       key=lambda m: int(m["id"]), reverse=True)[:limit]
        await self._record(hit)
        return json_response([{**self.public(m), "nonce": None} for m in found])

    async def _edit_channel_message(self, request: web.Request) -> web.Response:
        hit, failure = await self._hit(request, "channel_edit")
        if failure:
            return failure
        return await self._apply_edit(hit, int(request.match_info["message"]))

    async def _apply_edit(self, hit: Hit, message_id: int) -> web.Response:
        """An edit through a webhook or a channel route: Discord's 10008 when the message is gone."""
        message = self.messages.get(message_id)
        if message is None:
            hit.status = 404
            await self._record(hit)
            return json_response({"message": "Unknown Message", "code": 10008}, status=404)
        message.update({k: v for k, v in (hit.body or {}).items() if k in ("content", "embeds", "components")})
        hit.message = message
        await self._record(hit)
        return json_response(self.public(message))

    async def _member(self, request: web.Request) -> web.Response:
        """A guild member as REST returns it (roles, no resolved permissions); Discord's 10007 for a non-member."""
        hit, failure = await self._hit(request, "member")
        if failure:
            return failure
        user_id = int(request.match_info["user"])
        roles = self.members.get(user_id) if int(request.match_info["guild"]) == GUILD_ID else None
        if roles is None:
            hit.status = 404
            await self._record(hit)
            return json_response({"message": "Unknown Member", "code": 10007}, status=404)
        await self._record(hit)
        member = {k: v for k, v in self.member(user_id, "member").items() if k != "permissions"}
        return json_response({**member, "roles": [str(r) for r in roles]})

    async def _open_dm(self, request: web.Request) -> web.Response:
        hit, failure = await self._hit(request, "dm_open")
        if failure:
            return failure
        await self._record(hit)
        recipient = int(hit.body["recipient_id"])
        return json_response({"id": str(dm_channel_id(recipient)), "type": 1, "recipients": [self.user(recipient)], "last_message_id": None})

    def attach(self, filename: str, data: bytes) -> JsonDict:
        """Put a file on the fake CDN and return the attachment object an interaction's ``resolved`` carries."""
        attachment_id = str(self.new_id())
        path = f"/attachments/{attachment_id}/{filename}"
        self.files[path] = data
        url = f"http://127.0.0.1:{self.port}{path}"
        return {"id": attachment_id, "filename": filename, "size": len(data), "url": url, "proxy_url": url, "content_type": "application/x-yaml"}

    async def _cdn(self, request: web.Request) -> web.Response:
        await self._record(Hit("GET", request.path, {}, None, kind="cdn"))
        data = self.files.get(request.path)
        return web.Response(body=data, content_type="application/octet-stream") if data is not None else web.Response(status=404)

    async def _unknown(self, request: web.Request) -> web.Response:
        hit, _ = await self._hit(request, "unknown", auth=False)
        hit.status = 404
        await self._record(hit)
        return json_response({"message": "404: Not Found (the fake does not model this route)", "code": 0}, status=404)

    # gateway -------------------------------------------------------------------------------------
    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(max_msg_size=0)
        await socket.prepare(request)
        self._sockets.add(socket)
        try:
            await socket.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 41250}, "s": None, "t": None}))
            async for frame in socket:
                if frame.type is not WSMsgType.TEXT:
                    continue
                payload = json.loads(frame.data)
                op = payload.get("op")
                if op == 1:
                    await socket.send_str(json.dumps({"op": 11, "d": None, "s": None, "t": None}))
                elif op == 2:
                    if payload["d"].get("token") != self.token:
                        await socket.close(code=4004, message=b"Authentication failed.")
                        break
                    self.identified_shards.append(payload["d"].get("shard"))
                    await self._identify(socket, payload["d"].get("shard") or [0, 1])
                elif op == 6:
                    self._socket = socket
                    await self.dispatch("RESUMED", {})
        finally:
            self._sockets.discard(socket)
            if self._socket is socket:
                self._socket = None
        return socket

    async def _identify(self, socket: web.WebSocketResponse, shard: list[int] | None = None) -> None:
        self.identify_count += 1
        self._socket = socket
        await self.dispatch("READY", {
            "v": 10, "user": self.bot_user(), "session_id": f"session-{self.identify_count}", "resume_gateway_url": self.gateway_url,
            "guilds": [{"id": g["id"], "unavailable": True} for g in self.guilds], "shard": shard or [0, 1],
            "application": {"id": str(APP_ID), "flags": 0}, "private_channels": [], "relationships": [],
        })
        for guild in self.guilds:
            await self.dispatch("GUILD_CREATE", guild)

    async def dispatch(self, event: str, data: JsonDict) -> None:
        """Send one DISPATCH (op 0) to the connected bot, with the next sequence number."""
        if self._socket is None or self._socket.closed:
            raise AssertionError("no bot is connected to the fake gateway")
        self._sequence += 1
        await self._socket.send_str(json.dumps({"op": 0, "t": event, "s": self._sequence, "d": data}))

    # interactions --------------------------------------------------------------------------------
    def _interaction_base(self, kind: int, data: JsonDict, user_id: int, name: str, permissions: int, dm: bool) -> JsonDict:
        interaction_id = self.new_id()
        token = f"itoken-{interaction_id}"
        base: JsonDict = {
            "id": str(interaction_id), "application_id": str(APP_ID), "type": kind, "data": data, "token": token, "version": 1,
            "locale": "en-US", "entitlements": [], "attachment_size_limit": 26214400, "app_permissions": str(1 << 11 | 1 << 14 | 1 << 15),
        }
        if dm:
            channel = dm_channel_id(user_id)
            base |= {
                "channel_id": str(channel), "channel": {"id": str(channel), "type": 1, "recipients": [self.user(user_id, name)]},
                "user": self.user(user_id, name), "context": 1, "authorizing_integration_owners": {"1": str(user_id)},
            }
        else:
            base |= {
                "guild_id": str(GUILD_ID), "guild_locale": "en-US", "guild": {"id": str(GUILD_ID), "locale": "en-US", "features": []},
                "channel_id": str(CHANNEL_ID), "channel": {"id": str(CHANNEL_ID), "type": 0, "name": "study", "guild_id": str(GUILD_ID), "position": 0, "permission_overwrites": [], "nsfw": False},
                "member": self.member(user_id, name, permissions), "context": 0, "authorizing_integration_owners": {"0": str(GUILD_ID)},
            }
        self._interactions[token] = base
        return base

    def slash(self, path: str, options: JsonDict | None = None, *, user_id: int = 600000000000000001, name: str = "learner",
              permissions: int = 0, dm: bool = False, focused: str | None = None, guild_command: bool = False,
              files: dict[str, JsonDict] | None = None, guild_id: int | None = None) -> JsonDict:
        """An APPLICATION_COMMAND (or, with ``focused``, AUTOCOMPLETE) interaction for ``/aipm <path>``; ``files``
        are attachment options (from ``attach``), ``guild_id`` another server than the fake's own."""
        leaf: list[JsonDict] = [
            {"name": key, "type": 3, "value": value, **({"focused": True} if key == focused else {})} for key, value in (options or {}).items()
        ]
        leaf += [{"name": key, "type": 11, "value": attachment["id"]} for key, attachment in (files or {}).items()]
        words = path.split()
        if len(words) == 2:
            tree = [{"name": words[0], "type": 2, "options": [{"name": words[1], "type": 1, "options": leaf}]}]
        else:
            tree = [{"name": words[0], "type": 1, "options": leaf}]
        data: JsonDict = {"id": str(APP_ID + 7), "name": "aipm", "type": 1, "options": tree}
        if files:
            data["resolved"] = {"attachments": {a["id"]: a for a in files.values()}}
        if guild_command:
            data["guild_id"] = str(GUILD_ID)
        payload = self._interaction_base(4 if focused else 2, data, user_id, name, permissions, dm)
        if guild_id is not None and not dm:
            payload["guild_id"] = payload["guild"]["id"] = payload["channel"]["guild_id"] = str(guild_id)
            payload["authorizing_integration_owners"] = {"0": str(guild_id)}
        return payload

    def click(self, message: JsonDict, custom_id: str, *, user_id: int = 600000000000000001, name: str = "learner",
              permissions: int = 0, dm: bool = False) -> JsonDict:
        """A MESSAGE_COMPONENT interaction: ``custom_id`` clicked on ``message`` (as the fake stored it)."""
        payload = self._interaction_base(3, {"custom_id": custom_id, "component_type": 2}, user_id, name, permissions, dm)
        payload["message"] = self.public(message)
        return payload

    async def interact(self, payload: JsonDict) -> str:
        """Deliver the interaction over the gateway; returns its token for ``response_to``."""
        member = payload.get("member")
        if member is not None and payload.get("guild_id") == str(GUILD_ID):  # interacting here makes them a member, roles to match
            self.members[int(member["user"]["id"])] = self.roles_for(int(member["permissions"]))
        await self.dispatch("INTERACTION_CREATE", self.public(payload))
        return str(payload["token"])


def dm_channel_id(user_id: int) -> int:
    return user_id + 1
