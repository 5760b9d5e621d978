"""``aipm serve`` runs the Discord client in its own thread with its own event loop.

``start()`` returns at once so other adapters and the delivery scheduler can start too; ``stop()`` closes
the gateway connection cleanly and waits for the thread.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Protocol

import discord
from discord.http import Route

from adapters.discord.bridge import DEFER_AFTER, CoreBridge
from adapters.discord.client import CompanionClient
from adapters.discord.messenger import DiscordMessenger
from adapters.discord.settings import DiscordSettings
from bot.clock import Clock
from bot.context import Companion
from bot.intake import Intake, OpenRequest

log = logging.getLogger(__name__)

STOP_TIMEOUT = 15.0


class CoreParts(Protocol):
    """What the runner needs from ``app.wiring.Core`` (kept structural so adapters never import the app)."""

    @property
    def settings(self) -> DiscordSettings: ...
    @property
    def clock(self) -> Clock: ...
    @property
    def service(self) -> Companion: ...


def use_api_base(url: str | None) -> None:
    """Point every REST call (including interaction callbacks and webhooks) at ``url``, e.g. a local fake.

    ``Route.BASE`` is class-wide in discord.py, so this affects every client in the process.
    """
    if url:
        Route.BASE = url.rstrip("/")


RECOVERY_EVERY_SECONDS = 15.0


class DiscordRunner:
    platform = "discord"

    def __init__(self, core: CoreParts, *, defer_after: float = DEFER_AFTER, guild_ready_timeout: float = 2.0) -> None:
        token = core.settings.discord_token
        if token is None:
            raise ValueError("DISCORD_TOKEN is not set")
        self._token = token  # a SecretStr: never formatted into logs or reprs
        self._settings = core.settings
        store = getattr(core, "store", None)
        self.intake = Intake(store.intake, core.clock) if store is not None else None
        self.bridge = CoreBridge(core.service, defer_after=defer_after, intake=self.intake)
        self.messenger = DiscordMessenger()
        self.ready = threading.Event()
        self.stopped = threading.Event()
        self._state_changed = threading.Condition()
        self._guild_ready_timeout = guild_ready_timeout
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.client: CompanionClient | None = None
        self._left_open: list[OpenRequest] = []
        self._recovery: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("this Discord runner was already started")
        use_api_base(self._settings.discord_api_url)
        # Read before connecting: what is open now was left by a previous process, not by an interaction racing in.
        self._left_open = list(self.intake.open_requests("discord")) if self.intake is not None else []
        self._thread = threading.Thread(target=self._run, name="discord-adapter", daemon=True)
        self._thread.start()

    def wait_ready(self, timeout: float | None = None) -> bool:
        """True once connected and every server has been announced; False on timeout, or as soon as it failed."""
        with self._state_changed:
            self._state_changed.wait_for(lambda: self.ready.is_set() or self.stopped.is_set(), timeout)
        return self.ready.is_set()

    def _signal(self, event: threading.Event) -> None:
        with self._state_changed:
            event.set()
            self._state_changed.notify_all()

    def stop(self) -> None:
        loop, client = self._loop, self.client
        if loop is not None and client is not None and not loop.is_closed():
            try:
                asyncio.run_coroutine_threadsafe(client.close(), loop).result(STOP_TIMEOUT)
            except (RuntimeError, TimeoutError, asyncio.CancelledError) as error:
                log.warning("the Discord client did not close cleanly: %s", error)
        if self._thread is not None:
            self._thread.join(STOP_TIMEOUT)
        self.messenger.detach()
        if self.intake is not None:
            self.intake.close()

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop
        try:
            loop.run_until_complete(self._main())
        except discord.LoginFailure:
            log.error("Discord rejected DISCORD_TOKEN: copy the bot token again from the developer portal (Bot → Reset Token).")
        except discord.PrivilegedIntentsRequired:  # pragma: no cover - the bot asks for no privileged intent
            log.error("Discord refused the requested gateway intents.")
        except Exception:
            log.exception("the Discord adapter stopped with an error")
        finally:
            self.messenger.detach()
            _drain(loop)
            self._signal(self.stopped)

    async def _recover_periodically(self, client: discord.Client) -> None:
        """Later passes take what the start could not yet: replies another live process had in flight, and
        interactions stuck behind a process that died (see ``Intake.open_requests``)."""
        assert self.intake is not None
        intake = self.intake
        while True:
            await asyncio.sleep(RECOVERY_EVERY_SECONDS)
            try:
                requests = await asyncio.to_thread(lambda: list(intake.open_requests("discord", starting=False)))
                await self.bridge.finish_open(client, requests)
            except Exception:
                log.warning("a recovery pass over the intake failed; the next one retries", exc_info=True)

    async def _main(self) -> None:
        client = CompanionClient(
            self.bridge, self._settings.discord_guild_id, guild_ready_timeout=self._guild_ready_timeout,
            shard_count=self._settings.discord_shard_count, shard_ids=self._settings.discord_shard_ids,
        )
        self.client = client

        async def on_ready() -> None:
            log.info("connected to Discord as %s in %d server(s)", client.user, len(client.guilds))
            finished, self._left_open = await self.bridge.finish_open(client, self._left_open), []
            if finished:
                log.info("finished %d Discord interaction(s) left open by a previous process", finished)
            if self._recovery is None and self.intake is not None:
                self._recovery = asyncio.create_task(self._recover_periodically(client))
            self._signal(self.ready)

        client.event(on_ready)
        self.messenger.attach(client, asyncio.get_running_loop())
        async with client:
            await client.start(self._token.get_secret_value())


def _drain(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel what is left (a click still being answered), wait for core calls in worker threads, close the loop."""
    try:
        pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
        for task in pending:
            task.cancel()
        if pending:
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.run_until_complete(loop.shutdown_default_executor())
    finally:
        loop.close()
