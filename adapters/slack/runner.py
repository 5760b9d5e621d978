"""``SlackRunner``: what ``aipm serve`` starts for Slack, in HTTP mode or Socket Mode.

HTTP mode (``SLACK_SIGNING_SECRET``) is the one that scales out: several processes behind a load balancer
can share ``/slack/events`` (and, with SQLite, one database file on one host). Socket Mode
(``SLACK_APP_TOKEN``) needs no public URL, which suits a laptop or a firewalled host, but Slack allows at
most 10 open connections per app; the HTTP server then still answers ``/healthz``. ``start()`` returns once
the adapter is serving; the work runs on a worker pool that yields to pending acks (``ack_first``) until
``stop()``, which lets queued replies finish.
"""

from __future__ import annotations

import gc
import logging
import os
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr
from slack_bolt import App

from adapters.slack.ack_first import AckFirst, AckFirstExecutor
from adapters.slack.app import api_base_url, build_app, build_web_client
from adapters.slack.contexts import ContextFactory, ProfileCache
from adapters.slack.handlers import CoreService, Finished, SlackHandlers
from adapters.slack.http_server import GetRoute, SlackHttpServer
from adapters.slack.installation_store import SqliteInstallationStore, SqliteOAuthStateStore
from adapters.slack.messenger import SlackMessenger
from adapters.slack.migrations import slack_migrations
from adapters.slack.processed import ProcessedRequests

if TYPE_CHECKING:
    from app.wiring import Core

log = logging.getLogger(__name__)

DEFAULT_HOST = "0.0.0.0"
WORK_THREADS = 16


def _reveal(secret: SecretStr | None) -> str | None:
    return secret.get_secret_value() if secret is not None else None


def _freeze_startup_heap() -> None:
    """Keep the garbage collector off everything loaded at start (curriculum, modules, the app).

    Bursts of requests allocate fast enough to trigger full collections, and each one used to walk the whole
    start-up heap while acks waited: with it frozen, the p99 ack under 50 requests in flight halved (see
    bench/slack_ack.py). Start-up objects live as long as the process anyway.
    """
    gc.collect()
    gc.freeze()


class SlackRunner:
    platform = "slack"

    def __init__(
        self, core: Core, *, host: str | None = None, port: int | None = None, service: CoreService | None = None,
        on_finished: Finished | None = None, work_threads: int = WORK_THREADS,
    ) -> None:
        """``host``/``port`` default to ``HOST`` (0.0.0.0) and settings.port; ``service`` and ``on_finished`` are test seams."""
        settings = core.settings
        self.core = core
        self.base_url = api_base_url(settings.slack_api_url)
        self.app_token = _reveal(settings.slack_app_token)
        self.bot_token = _reveal(settings.slack_bot_token)
        self.signing_secret = _reveal(settings.slack_signing_secret)
        self.socket_mode = self.app_token is not None
        self.oauth = bool(settings.slack_client_id) and not self.socket_mode
        self.host = host or os.environ.get("HOST") or DEFAULT_HOST
        self.port = settings.port if port is None else port
        self._check_configuration()
        db = core.repo.db
        self.installation_store = SqliteInstallationStore(db, settings.slack_client_id or "") if self.oauth else None
        self.state_store = SqliteOAuthStateStore(db) if self.oauth else None
        self.handlers = SlackHandlers(service or core.service, ContextFactory(core.repo, ProfileCache()), ProcessedRequests(db), on_finished)
        self.messenger = SlackMessenger(self._bot_token_for, lambda token: build_web_client(self.base_url, token))
        self.app: App | None = None
        self.gate = AckFirst()
        self.work_threads = work_threads
        self._work: AckFirstExecutor | None = None
        self._server: SlackHttpServer | None = None
        self._socket: Any = None
        self._get_routes: dict[str, GetRoute] = {}

    def _check_configuration(self) -> None:
        settings = self.core.settings
        if self.socket_mode and not self.bot_token:
            raise ValueError("Socket Mode needs SLACK_BOT_TOKEN as well as SLACK_APP_TOKEN.")
        if not self.socket_mode and not self.signing_secret:
            raise ValueError("Slack HTTP mode needs SLACK_SIGNING_SECRET (or set SLACK_APP_TOKEN for Socket Mode).")
        if self.oauth and settings.slack_client_secret is None:
            raise ValueError("Multi-workspace OAuth needs SLACK_CLIENT_SECRET next to SLACK_CLIENT_ID.")
        if not self.oauth and not self.bot_token:
            raise ValueError("Set SLACK_BOT_TOKEN for one workspace, or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET for OAuth installs.")

    def _bot_token_for(self, workspace_id: str) -> str | None:
        if self.installation_store is not None:
            return self.installation_store.bot_token(workspace_id)
        return self.bot_token

    def add_get_route(self, path: str, produce: GetRoute) -> None:
        """Serve ``GET path`` next to /healthz (e.g. ``/metrics``); call before ``start()``."""
        self._get_routes[path] = produce

    # lifecycle ----------------------------------------------------------------------------------------
    def start(self) -> None:
        slack_migrations.apply(self.core.repo.db.utils())
        self._work = AckFirstExecutor(self.gate, max_workers=self.work_threads, thread_name_prefix="slack-work")
        self.app = build_app(
            self.handlers,
            client=build_web_client(self.base_url, None if self.oauth else self.bot_token),
            signing_secret=self.signing_secret or "",
            work=self._work,
            installation_store=self.installation_store,
            state_store=self.state_store,
            client_id=self.core.settings.slack_client_id,
            client_secret=_reveal(self.core.settings.slack_client_secret),
        )
        if self.socket_mode:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            self._socket = SocketModeHandler(self.app, app_token=self.app_token)
            self._socket.connect()
            log.info("Slack Socket Mode connected")
        served = None if self.socket_mode else self.app
        self._server = SlackHttpServer(
            served, self.signing_secret, self.host, self.port, gate=self.gate, inline_dispatch=not self.oauth, get_routes=self._get_routes,
        )
        self._server.start()
        self.port = self._server.port
        _freeze_startup_heap()

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
        if self._socket is not None:
            self._socket.close()
        if self._work is not None:
            self._work.shutdown(wait=True)

    @property
    def url(self) -> str:
        """The HTTP base address (tests and benchmarks post to ``url + "/slack/events"``)."""
        return f"http://{self.host}:{self.port}"
