"""Slack HTTP mode: one aiohttp server, on its own thread and event loop, in front of the bolt App.

``POST /slack/events`` takes slash commands, interactivity and events alike. Each request is checked in
the order that keeps bad input away from the core: a UTF-8 body, then the signature and timestamp (401),
then the payload's shape (400), and only then bolt's dispatch, which only acks and queues the work. In
token mode dispatch is pure CPU (about 0.1 ms: no I/O, the bot identity is cached at start), so it runs
right on the event loop: handing it to a thread pool costs two interpreter-lock handoffs per request,
which under 50 requests in flight doubled the ack latency. In OAuth mode bolt reads the workspace's
installation from SQLite on every request, so dispatch goes to a small thread pool instead.
``GET /healthz`` answers for load balancers; in OAuth mode ``/slack/install`` and
``/slack/oauth_redirect`` run bolt's install flow; the composition root may add plain GET routes (such as
``/metrics``) without this module knowing what they serve. In Socket Mode the server runs without an app,
for ``/healthz`` and those routes only.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor

from aiohttp import web
from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk.signature import SignatureVerifier

from adapters.slack.ack_first import AckFirst
from adapters.slack.payloads import INTAKE_HEADER, MalformedPayload, bolt_safe_body, intake_key, parse_body, validate
from bot.intake import Intake, IntakeRecord

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
MAX_BODY_BYTES = 1024 * 1024
DISPATCH_WORKERS = 16
START_TIMEOUT_SECONDS = 10
# Slack sends a few kilobytes at once; a body still trickling in after this is not Slack.
BODY_READ_TIMEOUT_SECONDS = 5.0

GetRoute = Callable[[], tuple[bytes, str]]
"""A plain GET endpoint: returns the body and its content type."""


def _bolt_request(request: web.Request, body: str, intake_mark: str | None = None) -> BoltRequest:
    headers: dict[str, str | Sequence[str]] = {
        name: request.headers.getall(name) for name in request.headers if name.lower() != INTAKE_HEADER
    }
    if intake_mark:
        headers[INTAKE_HEADER] = [intake_mark]
    return BoltRequest(body=body, query=request.query_string, headers=headers)


def _web_response(response: BoltResponse) -> web.Response:
    headers = [(name, value) for name, values in response.headers.items() for value in values]  # Set-Cookie may repeat
    return web.Response(status=response.status, body=(response.body or "").encode("utf-8"), headers=headers)


class SlackHttpServer:
    """``start()`` returns once the socket is bound (``port`` is then the real port, even for port 0)."""

    def __init__(
        self, app: App | None, signing_secret: str | None, host: str, port: int, dispatch_workers: int = DISPATCH_WORKERS,
        gate: AckFirst | None = None, inline_dispatch: bool = False, get_routes: Mapping[str, GetRoute] | None = None,
        intake: Intake | None = None, health: Callable[[], str | None] | None = None,
        on_replay: Callable[[str], None] | None = None,
    ) -> None:
        """``inline_dispatch`` runs bolt's dispatch on the event loop; only for apps whose dispatch does no I/O.

        ``intake`` makes every command, click and Home opening durable before its ack; ``health`` returns
        None when the bot can do its work, or the reason it cannot (``/healthz`` then answers 503).
        """
        self.app = app
        self.intake = intake
        self.health = health
        self.on_replay = on_replay or (lambda kind: None)
        self.gate = gate or AckFirst()
        self.inline_dispatch = inline_dispatch
        self.get_routes = dict(get_routes or {})
        self.host = host
        self.requested_port = port
        self.port = port
        self._verifier = SignatureVerifier(signing_secret) if signing_secret else None
        self._executor = ThreadPoolExecutor(max_workers=dispatch_workers, thread_name_prefix="slack-dispatch")
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # lifecycle ----------------------------------------------------------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="slack-http", daemon=True)
        self._thread.start()
        if not self._ready.wait(START_TIMEOUT_SECONDS):
            raise RuntimeError("the Slack HTTP server did not start in time")
        if self._error is not None:
            raise RuntimeError(f"the Slack HTTP server could not start on {self.host}:{self.requested_port}: {self._error}") from self._error

    def stop(self) -> None:
        if self._loop is not None and self._stopping is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._stopping.set)
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._executor.shutdown(wait=True)

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._serve())
        except BaseException as error:  # reported to start(); the thread must not die silently
            self._error = error
        finally:
            self._ready.set()
            loop.close()

    async def _serve(self) -> None:
        self._stopping = asyncio.Event()
        runner = web.AppRunner(self._web_app(), access_log=None, handle_signals=False)
        await runner.setup()
        try:
            site = web.TCPSite(runner, self.host, self.port, backlog=1024)
            await site.start()
            self.port = int(runner.addresses[0][1])
            log.info("Slack HTTP mode listening on %s:%s", self.host, self.port)
            self._ready.set()
            await self._stopping.wait()
        finally:
            await runner.cleanup()

    def _web_app(self) -> web.Application:
        web_app = web.Application(client_max_size=MAX_BODY_BYTES)
        web_app.router.add_get(HEALTH_PATH, self._health)
        web_app.router.add_post(EVENTS_PATH, self._events)
        flow = self.app.oauth_flow if self.app is not None else None
        if flow is not None:
            web_app.router.add_get(flow.install_path, self._oauth(flow.handle_installation))
            web_app.router.add_get(flow.redirect_uri_path, self._oauth(flow.handle_callback))
        for path, produce in self.get_routes.items():
            web_app.router.add_get(path, self._plain(produce))
        return web_app

    # routes -------------------------------------------------------------------------------------------
    async def _health(self, request: web.Request) -> web.Response:
        if self.health is not None:
            problem = await asyncio.get_running_loop().run_in_executor(self._executor, self.health)
            if problem:
                return web.json_response({"status": "unavailable", "reason": problem}, status=503)
        return web.json_response({"status": "ok"})

    async def _events(self, request: web.Request) -> web.Response:
        if self.app is None or self._verifier is None:
            return web.json_response({"error": "Slack HTTP mode is not enabled here"}, status=404)
        try:
            raw = await asyncio.wait_for(request.read(), BODY_READ_TIMEOUT_SECONDS)
        except TimeoutError:
            return web.json_response({"error": "the body took too long to arrive"}, status=408)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return web.json_response({"error": "the body is not UTF-8"}, status=400)
        try:
            signed = self._verifier.is_valid_request(text, dict(request.headers))
        except (ValueError, TypeError, OverflowError):  # absurd timestamps or headers: not Slack
            signed = False
        if not signed:
            return web.json_response({"error": "invalid signature"}, status=401)
        # Only a signed, fully read request counts at the front door: a slow or forged upload holds back no one.
        self.gate.request_started()
        try:
            return await self._checked_dispatch(request, text)
        finally:
            self.gate.request_finished()

    async def _checked_dispatch(self, request: web.Request, text: str) -> web.Response:
        assert self.app is not None
        try:
            body = parse_body(text, request.headers.get("Content-Type"))
            kind = validate(body)
        except MalformedPayload as error:
            log.info("rejected a malformed Slack payload: %s", error)
            return web.json_response({"error": "malformed payload"}, status=400)
        safe_text = bolt_safe_body(text, body)
        key = intake_key(body, kind)
        mark = None
        if key is not None and self.intake is not None:
            record = IntakeRecord(key, "slack", kind, safe_text, request.headers.get("Content-Type", ""))
            try:
                new = await asyncio.wrap_future(self.intake.admit(record))
            except Exception:
                log.warning("could not write a Slack request to the intake; refused it so Slack retries", exc_info=True)
                return web.json_response({"error": "try again"}, status=503)
            if not new:  # a replay or a retry of a request already taken: acknowledged, and nothing more
                self.on_replay(kind)
                return web.Response(status=200)
            mark = "admitted"
        bolt_request = _bolt_request(request, safe_text, mark)
        try:
            if self.inline_dispatch:
                response = _web_response(self.app.dispatch(bolt_request))
            else:
                response = await self._dispatch(self.app.dispatch, bolt_request)
        except Exception:
            response = web.Response(status=500)
            log.warning("bolt raised while routing a signed Slack payload", exc_info=True)
        if response.status >= 500:
            # Our listeners only ack before handing work off, so a 5xx here is bolt failing on a payload shape
            # it could not route: the sender's fault, and nothing was stored.
            log.warning("bolt could not route a signed Slack payload; answered 400")
            return web.json_response({"error": "malformed payload"}, status=400)
        return response

    def _plain(self, produce: GetRoute) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def route(request: web.Request) -> web.Response:
            body, content_type = await asyncio.get_running_loop().run_in_executor(self._executor, produce)
            return web.Response(body=body, headers={"Content-Type": content_type})

        return route

    def _oauth(self, handle: Callable[[BoltRequest], BoltResponse]) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def route(request: web.Request) -> web.Response:
            return await self._dispatch(handle, _bolt_request(request, ""))

        return route

    async def _dispatch(self, handle: Callable[[BoltRequest], BoltResponse], bolt_request: BoltRequest) -> web.Response:
        loop = asyncio.get_running_loop()
        response = await loop.run_in_executor(self._executor, handle, bolt_request)
        return _web_response(response)
