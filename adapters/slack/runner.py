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
import threading
from collections.abc import Sequence
from typing import Any, Protocol

from pydantic import SecretStr
from slack_bolt import App, BoltRequest

from adapters.slack.ack_first import AckFirst, AckFirstExecutor
from adapters.slack.app import api_base_url, build_app, build_posting_client, build_web_client
from adapters.slack.contexts import ContextFactory, ProfileCache
from adapters.slack.handlers import REPLY_THREADS, Finished, SlackHandlers, send_response
from adapters.slack.http_server import GetRoute, SlackHttpServer
from adapters.slack.installation_store import SlackInstallationStore, SlackOAuthStateStore
from adapters.slack.messenger import SlackMessenger
from adapters.slack.payloads import INTAKE_HEADER, is_dm_file, parse_body
from adapters.slack.settings import SlackSettings
from bot.clock import Clock
from bot.context import Companion
from bot.intake import Intake, OpenRequest
from bot.store import Repository, Store

log = logging.getLogger(__name__)

DEFAULT_HOST = "0.0.0.0"
RECOVERY_EVERY_SECONDS = 15.0
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


class CoreParts(Protocol):
    """What the runner needs from ``app.wiring.Core`` (structural, so the adapter never imports the app)."""

    @property
    def settings(self) -> SlackSettings: ...
    @property
    def store(self) -> Store: ...
    @property
    def repo(self) -> Repository: ...
    @property
    def clock(self) -> Clock: ...
    @property
    def service(self) -> Companion: ...


class SlackRunner:
    platform = "slack"

    def __init__(
        self, core: CoreParts, *, host: str | None = None, port: int | None = None, service: Companion | None = None,
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
        self.installation_store = SlackInstallationStore(core.store.platform, settings.slack_client_id or "") if self.oauth else None
        self.state_store = SlackOAuthStateStore(core.store.platform) if self.oauth else None
        self.intake = Intake(core.store.intake, core.clock)
        self.gate = AckFirst()
        # Replies yield to pending acks like the work does: under a burst the door comes first.
        replies = AckFirstExecutor(self.gate, max_workers=REPLY_THREADS, thread_name_prefix="slack-reply")
        self.handlers = SlackHandlers(service or core.service, ContextFactory(core.repo, ProfileCache()), self.intake, on_finished, replies=replies)
        self.messenger = SlackMessenger(self._bot_token_for, lambda token: build_posting_client(self.base_url, token))
        self.app: App | None = None
        self.work_threads = work_threads
        self._work: AckFirstExecutor | None = None
        self._server: SlackHttpServer | None = None
        self._socket: Any = None
        self._get_routes: dict[str, GetRoute] = {}
        self._stopping = threading.Event()
        self._recovery: threading.Thread | None = None

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
        # Before the door opens: what is open now was left by a previous process, not by a request racing in.
        self.finish_open_requests()
        if self.socket_mode:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            self._socket = SocketModeHandler(self.app, app_token=self.app_token)
            self._socket.connect()
            log.info("Slack Socket Mode connected")
        served = None if self.socket_mode else self.app
        self._server = SlackHttpServer(
            served, self.signing_secret, self.host, self.port, gate=self.gate, inline_dispatch=not self.oauth, get_routes=self._get_routes,
            intake=self.intake, health=self.core.store.health_problem, on_replay=self._replayed,
        )
        self._server.start()
        self.port = self._server.port
        self._recovery = threading.Thread(target=self._recover_periodically, name="slack-recovery", daemon=True)
        self._recovery.start()
        _freeze_startup_heap()

    def _recover_periodically(self) -> None:
        """Later passes find what the start could not take yet: replies another live process (or this one's
        previous incarnation, a moment ago) had in flight, and requests stuck behind a process that died."""
        while not self._stopping.wait(RECOVERY_EVERY_SECONDS):
            try:
                self.finish_open_requests(starting=False)
            except Exception:
                log.warning("a recovery pass over the intake failed; the next one retries", exc_info=True)

    def _replayed(self, kind: str) -> None:
        name = {"command": "command", "block_actions": "action"}.get(kind, "app_home_opened")
        self.handlers.on_finished(name, "duplicate")

    def finish_open_requests(self, starting: bool = True) -> int:
        """Apply what a previous process acknowledged and never finished; send the replies it never sent."""
        assert self.app is not None
        finished = 0
        for request in self.intake.open_requests("slack", starting=starting):
            try:
                self._finish(request)
                finished += 1
            except Exception:
                log.exception("could not finish an acknowledged Slack request after a restart")
        if finished:
            log.info("finished %d Slack request(s) left open by a previous process", finished)
        return finished

    def _finish(self, request: OpenRequest) -> None:
        assert self.app is not None
        record = request.record
        if request.state == "applied":  # the effect is stored; only the reply is missing
            body = parse_body(record.body, record.content_type)
            url = body.get("response_url")
            if url and request.response is not None:
                send_response(url, request.response)
            elif is_dm_file(body.get("event") or {}) and request.response is not None:  # an import's answer goes to the DM
                token = self._bot_token_for(str(body.get("team_id")))
                build_posting_client(self.base_url, token).chat_postMessage(channel=body["event"]["channel"], **request.response)
            self.intake.responded(record.key)
            return
        headers: dict[str, str | Sequence[str]] = {"content-type": [record.content_type or "application/json"], INTAKE_HEADER: ["recover"]}
        self.app.dispatch(BoltRequest(body=record.body, headers=headers))

    def stop(self) -> None:
        self._stopping.set()
        if self._server is not None:
            self._server.stop()
        if self._socket is not None:
            self._socket.close()
        if self._work is not None:
            self._work.shutdown(wait=True)
        self.handlers.close()
        self.intake.close()

    @property
    def url(self) -> str:
        """The HTTP base address (tests and benchmarks post to ``url + "/slack/events"``)."""
        return f"http://{self.host}:{self.port}"
