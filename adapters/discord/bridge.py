"""One interaction in, one core call, one response out, always inside Discord's 3-second window.

The core is synchronous (SQLite), so every call runs in a worker thread: the gateway heartbeat and other
users' interactions keep flowing while it works. Most calls finish in milliseconds and are answered
directly, which lets the reply choose exactly how it is shown (private or not, new message or an edit
of the clicked one). Only when a call is still running after ``defer_after`` seconds is the interaction
deferred, and the reply then follows as a follow-up.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import urllib.request
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from adapters.discord.context import context_from_interaction
from adapters.discord.embeds import render_reply
from bot.commands import needs_admin
from bot.context import Companion, Context, Upload
from bot.delivery_codec import reply_from_json, reply_to_json
from bot.intake import Intake, IntakeRecord, OpenRequest
from bot.messages import Reply, error_reply

log = logging.getLogger(__name__)

DEFER_AFTER = 1.5  # seconds; leaves headroom for the network inside Discord's 3 s deadline
# Every reply to a slash command is private today. Should a slow reply turn out public after an ephemeral
# defer, it stays private: the safe direction, since a private answer must never leak into the channel.
DEFER_EPHEMERAL = True
INTERNAL_ERROR = "Something went wrong on my side and nothing was changed. Please try again in a moment."
DOWNLOAD_FAILED = "I couldn't download your file from Discord, so nothing was imported. Please attach it again."
DOWNLOAD_LIMIT = 1024 * 1024  # read no more of an attachment than this; the core refuses anything over its own limit
DOWNLOAD_TIMEOUT = 10.0


def download(url: str) -> bytes:
    """An attachment's bytes from Discord's CDN (in a worker thread, like every core call)."""
    if not url.startswith(("https://", "http://")):
        raise ValueError("not a web address")
    with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT) as response:
        data: bytes = response.read(DOWNLOAD_LIMIT + 1)
    return data


def intake_key(interaction_id: int) -> str:
    """Discord gives every interaction one id; a gateway RESUME that replays it carries the same id."""
    return f"discord:interaction:{interaction_id}"


class CoreBridge:
    """Translate interactions into ``handle_text``/``handle_action`` and the Reply back into a response.

    With an ``intake``, each interaction is recorded before any response (or defer) goes out and applied in
    one transaction with its intake mark, so a crash after the record re-runs it from the intake on start
    (``finish_open``), and a replayed interaction id does nothing. A reply's file (a learner's export) is not
    stored with it: the intake keeps replies for a day, and forget-me must leave no copy behind, so a restart
    builds the file again from what is stored then (the export only reads).
    """

    def __init__(self, service: Companion, defer_after: float = DEFER_AFTER, intake: Intake | None = None) -> None:
        self.service = service
        self.defer_after = defer_after
        self.intake = intake

    async def run_text(self, interaction: discord.Interaction, text: str) -> None:
        """A slash command, rebuilt as the text a user would type after ``/aipm``."""
        ctx = context_from_interaction(interaction)
        await self._run(interaction, ctx, {"text": text}, lambda: self.service.handle_text(ctx, text),
                        defer=lambda: interaction.response.defer(ephemeral=DEFER_EPHEMERAL, thinking=True))

    async def run_upload(self, interaction: discord.Interaction, text: str, attachment: discord.Attachment) -> None:
        """A command with a file (``admin import``): the attachment is fetched from the CDN in the worker, so a
        slow download defers like a slow core call; the intake keeps its address, not its bytes."""
        ctx = context_from_interaction(interaction)
        if not ctx.is_admin and needs_admin(text, ctx.in_private):
            await self.run_text(interaction, text)  # the core refuses it, and a refused file is never fetched
            return
        upload = {"url": attachment.url, "filename": attachment.filename}
        await self._run(interaction, ctx, {"text": text, "upload": upload}, lambda: self._import(ctx, text, upload),
                        defer=lambda: interaction.response.defer(ephemeral=DEFER_EPHEMERAL, thinking=True))

    def _import(self, ctx: Context, text: str, upload: dict[str, str]) -> Reply:
        try:
            data = download(upload["url"])
        except (OSError, ValueError) as error:
            log.warning("could not download a Discord attachment: %s", error.__class__.__name__)
            return error_reply(DOWNLOAD_FAILED)
        return self.service.handle_upload(ctx, text, Upload(upload["filename"], data))

    async def track_options(self, interaction: discord.Interaction) -> list[tuple[str, str]]:
        """The tracks the asker's server can follow, read in a worker thread; none on failure (typing still works)."""
        ctx = context_from_interaction(interaction)
        try:
            return await asyncio.to_thread(self.service.track_options, ctx)
        except Exception:
            log.warning("could not read the tracks for autocomplete", exc_info=True)
            return []

    async def answer_options(self, interaction: discord.Interaction) -> list[tuple[str, str]]:
        """The asker's open quiz's options, read in a worker thread like every core call; none on failure,
        so the user can still type a letter."""
        ctx = context_from_interaction(interaction)
        try:
            return await asyncio.to_thread(self.service.answer_options, ctx)
        except Exception:
            log.warning("could not read the open quiz's options for autocomplete", exc_info=True)
            return []

    async def run_action(self, interaction: discord.Interaction, action_id: str, value: str) -> None:
        """A button click; a slow one defers as an update so the result can still replace the message."""
        ctx = context_from_interaction(interaction)
        await self._run(interaction, ctx, {"action_id": action_id, "value": value},
                        lambda: self.service.handle_action(ctx, action_id, value), defer=lambda: interaction.response.defer())

    async def _run(self, interaction: discord.Interaction, ctx: Context, request: dict[str, Any], call: Callable[[], Reply],
                   defer: Callable[[], Awaitable[object]]) -> None:
        key = intake_key(interaction.id)
        if self.intake is not None:
            record = IntakeRecord(key, "discord", "interaction", json.dumps({
                "ctx": dataclasses.asdict(ctx), **request, "application_id": str(interaction.application_id), "token": interaction.token,
                "component": interaction.type is discord.InteractionType.component,
            }), "application/json")
            try:
                if not await asyncio.to_thread(self.intake.admit_now, record):
                    log.info("a Discord interaction arrived twice; applied once")
                    return
            except Exception:
                log.warning("could not record a Discord interaction; refused it", exc_info=True)
                await self._respond(interaction, error_reply(INTERNAL_ERROR))
                return
        reply = await self._call_core(lambda: self._apply(key, call), defer=defer)
        if reply is None:
            return
        await self._respond(interaction, reply)
        if self.intake is not None:
            await asyncio.to_thread(self.intake.responded, key)

    def _apply(self, key: str, call: Callable[[], Reply]) -> Reply | None:
        if self.intake is None:
            return call()
        replies: list[Reply] = []

        def work() -> dict[str, Any]:
            replies.append(call())
            reply = replies[-1]
            if reply.attachment is not None:  # a learner's export is never kept in the intake; a restart rebuilds it
                return {"reply": reply_to_json(dataclasses.replace(reply, attachment=None)), "rebuild_file": True}
            return {"reply": reply_to_json(reply)}

        applied = self.intake.apply(key, work)
        return replies[-1] if applied.fresh and replies else None

    async def finish_open(self, client: discord.Client, requests: list[OpenRequest]) -> int:
        """Finish what a dead process recorded: apply pending interactions, then answer them as follow-ups."""
        if self.intake is None:
            return 0
        finished = 0
        for request in requests:
            try:
                await self._finish(client, request)
                finished += 1
            except Exception:
                log.exception("could not finish a recorded Discord interaction after a restart")
        return finished

    async def _finish(self, client: discord.Client, request: OpenRequest) -> None:
        assert self.intake is not None
        data = json.loads(request.record.body)
        key = request.record.key
        ctx = Context(**data["ctx"])
        call: Callable[[], Reply] = (
            (lambda: self._import(ctx, data["text"], data["upload"])) if "upload" in data
            else (lambda: self.service.handle_text(ctx, data["text"])) if "text" in data
            else (lambda: self.service.handle_action(ctx, data["action_id"], data["value"]))
        )
        if request.state == "applied" and request.response and request.response.get("rebuild_file"):
            reply: Reply | None = await asyncio.to_thread(call)  # an export only reads: built again, from what is stored now
        elif request.state == "applied":
            reply = reply_from_json(request.response["reply"]) if request.response else None
        else:
            reply = await asyncio.to_thread(self._apply, key, call)
        if reply is not None:
            # The interaction's own follow-up webhook (type 3, "application"), built as discord.py builds
            # ``Interaction.followup``: only an application webhook may send ephemeral messages.
            webhook = discord.Webhook.from_state(
                data={"id": int(data["application_id"]), "type": 3, "token": data["token"]}, state=client._connection,
            )
            try:
                await webhook.send(ephemeral=reply.private, **render_reply(reply).send_kwargs())
            except discord.HTTPException as error:  # the token lives 15 minutes; the effect is stored either way
                log.warning("could not answer a recorded Discord interaction after a restart: %s", error)
        await asyncio.to_thread(self.intake.responded, key)

    async def reject(self, interaction: discord.Interaction, text: str) -> None:
        """A private error for input the core never saw (an unknown command or a foreign button)."""
        await self._respond(interaction, error_reply(text))

    async def _call_core(self, call: Callable[[], Reply | None], defer: Callable[[], Awaitable[object]]) -> Reply | None:
        work = asyncio.ensure_future(asyncio.to_thread(call))
        done, _ = await asyncio.wait({work}, timeout=self.defer_after)
        if not done:
            try:
                await defer()
            except discord.HTTPException as error:
                log.warning("could not defer a slow interaction: %s", error)
        try:
            return await work
        except Exception:
            log.exception("the core failed while handling a Discord interaction")
            return error_reply(INTERNAL_ERROR)

    async def _respond(self, interaction: discord.Interaction, reply: Reply) -> None:
        rendered = render_reply(reply)
        replace = reply.replace_original and interaction.type is discord.InteractionType.component
        try:
            if not interaction.response.is_done():
                if replace:
                    await interaction.response.edit_message(**rendered.replace_kwargs())
                else:
                    await interaction.response.send_message(ephemeral=reply.private, **rendered.send_kwargs())
            elif replace:
                await interaction.edit_original_response(**rendered.replace_kwargs())
            else:
                await interaction.followup.send(ephemeral=reply.private, **rendered.send_kwargs())
        except discord.HTTPException as error:
            # Usually the 3-second window closed (10062 Unknown interaction); the user sees Discord's own notice.
            log.warning("could not answer a Discord interaction: %s", error)
