"""Build the bolt App: which Slack requests exist, and which handler does the work for each.

Every listener acks empty and at once, inside dispatch (``process_before_response=True``), then hands the
work to our worker pool: the ack never waits for the core, the database or the Web API, which keeps it well
inside Slack's 3 seconds under load. This is bolt's lazy-listener pattern done by hand: bolt's own lazy
runner deep-copies the whole request context on the ack path (about 0.45 ms per request, four times the
rest of dispatch), while the per-request ``respond`` and ``client`` we pass along are already safe to use
from another thread. Token mode (one workspace, ``SLACK_BOT_TOKEN``) and OAuth mode (many workspaces,
tokens in our installation store) differ only in how bolt authorizes each request.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

from slack_bolt import Ack, App, BoltRequest, Respond
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.http_retry import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler, RetryHandler

from adapters.slack.blocks import ACTION_PATTERN
from adapters.slack.handlers import SlackHandlers
from adapters.slack.installation_store import SlackInstallationStore, SlackOAuthStateStore

SLACK_API_URL = "https://slack.com/api/"
COMMAND = "/aipm"
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
BOT_SCOPES = (
    "commands", "chat:write", "chat:write.public", "users:read", "im:write", "im:history", "channels:history",
    "groups:history", "files:write", "files:read",
)


def api_base_url(configured: str | None) -> str:
    """``SLACK_API_URL`` or Slack's own, always ending in "/" as slack_sdk's base_url requires."""
    url = (configured or SLACK_API_URL).strip()
    return url if url.endswith("/") else url + "/"


def retry_handlers() -> list[RetryHandler]:
    """Reads may go again: a 429 waits for its Retry-After once; a dropped connection is retried twice."""
    return [RateLimitErrorRetryHandler(max_retry_count=1), ConnectionErrorRetryHandler(max_retry_count=2)]


def build_web_client(base_url: str, token: str | None = None) -> WebClient:
    return WebClient(base_url=base_url, token=token, retry_handlers=retry_handlers(), timeout=10)


def build_posting_client(base_url: str, token: str | None = None, timeout: int = 10) -> WebClient:
    """A client for posts that must not repeat (scheduled deliveries): no library-level retry at all.

    A retried chat.postMessage after a dropped connection can post twice; delivery decides instead, by
    looking for the message (``find_sent``) before any resend.
    """
    return WebClient(base_url=base_url, token=token, retry_handlers=[], timeout=timeout)


def _listeners(handlers: SlackHandlers, work: Executor) -> tuple[Callable[..., None], ...]:
    """Admit-ack-submit listeners; bolt injects their arguments by parameter name.

    The HTTP server has already written the request to the intake; in Socket Mode the listener does it,
    before the ack. A replay is acknowledged and goes no further.
    """

    def command(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, request: BoltRequest) -> None:
        if not handlers.admit(request, body, "command"):
            ack()
            return
        ack()
        work.submit(handlers.on_command, body, respond, client)

    def action(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, request: BoltRequest) -> None:
        if not handlers.admit(request, body, "block_actions"):
            ack()
            return
        ack()
        work.submit(handlers.on_action, body, respond, client)

    def home_opened(ack: Ack, body: dict[str, Any], event: dict[str, Any], client: WebClient, request: BoltRequest) -> None:
        if not handlers.admit(request, body, "event_callback"):
            ack()
            return
        ack()
        work.submit(handlers.on_home_opened, body, event, client)

    def message(ack: Ack, body: dict[str, Any], event: dict[str, Any], client: WebClient, request: BoltRequest) -> None:
        if not handlers.admit(request, body, "event_callback"):
            ack()
            return
        ack()
        work.submit(handlers.on_dm_message, body, event, client)

    return command, action, home_opened, message


def build_app(
    handlers: SlackHandlers,
    client: WebClient,
    signing_secret: str,
    work: Executor,
    installation_store: SlackInstallationStore | None = None,
    state_store: SlackOAuthStateStore | None = None,
    client_id: str | None = None,
    client_secret: str | None = None,
) -> App:
    """The App; pass ``installation_store`` (with client id and secret) for multi-workspace OAuth."""
    oauth_settings = None
    if installation_store is not None:
        if not (client_id and client_secret and state_store is not None):
            raise ValueError("OAuth mode needs SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and a state store.")
        oauth_settings = OAuthSettings(
            client_id=client_id, client_secret=client_secret, scopes=list(BOT_SCOPES), installation_store=installation_store,
            state_store=state_store, install_path=INSTALL_PATH, redirect_uri_path=REDIRECT_PATH,
        )
    app = App(
        client=client,
        signing_secret=signing_secret,
        # SlackHttpServer verifies every signature before dispatch (and Socket Mode needs none), so bolt's
        # second check is off: that lets the server hand bolt a re-encoded body (see payloads.bolt_safe_body).
        request_verification_enabled=False,
        process_before_response=True,
        listener_executor=work,
        installation_store=installation_store,
        oauth_settings=oauth_settings,
        name="aipm-companion",
    )
    command, action, home_opened, message = _listeners(handlers, work)
    app.command(COMMAND)(command)
    app.action(ACTION_PATTERN)(action)
    app.event("app_home_opened")(home_opened)
    app.event("message")(message)  # a file sent in the DM: an admin's track after `/aipm admin import`
    if installation_store is not None:
        app.enable_token_revocation_listeners()
    return app
