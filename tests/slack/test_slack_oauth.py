"""Multi-workspace OAuth: install, redirect, tokens in our SQLite store, and each workspace served with its own token."""

from __future__ import annotations

import asyncio
import base64
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

import pytest
from pydantic import SecretStr
from slack_fake_api import FakeSlackApi
from slack_harness import FIXTURE_CONTENT, SIGNING_SECRET, SlackClient, all_text
from slack_sdk.oauth.installation_store import Installation

from adapters.slack.installation_store import SlackInstallationStore, SlackOAuthStateStore
from adapters.slack.runner import SlackRunner
from app.settings import Settings
from app.wiring import Core, build_core
from bot.clock import FixedClock
from bot.content import CoursePolicy, load_curriculum
from bot.messages import Reply
from bot.ports import Destination, PermanentDeliveryError
from bot.store import PlatformState
from bot.store.drivers.sqlite import SqliteStore

CLIENT_ID = "111.222"
OAUTH_ACCESS = {
    "ok": True, "app_id": "A1", "authed_user": {"id": "U9"}, "scope": "commands,chat:write,users:read", "token_type": "bot",
    "access_token": "xoxb-team-two", "bot_user_id": "UBOT2", "team": {"id": "T2", "name": "Team Two"}, "enterprise": None,
    "is_enterprise_install": False,
}


@pytest.fixture
def oauth_core(tmp_path: Path, fake: FakeSlackApi, clock: FixedClock) -> Iterator[Core]:
    settings = Settings(
        slack_signing_secret=SecretStr(SIGNING_SECRET), slack_client_id=CLIENT_ID, slack_client_secret=SecretStr("client-secret"),
        slack_api_url=fake.base_url, port=0, content_dir=FIXTURE_CONTENT,
    )
    core = build_core(settings, db=tmp_path / "oauth.db", clock=clock, content=load_curriculum(FIXTURE_CONTENT, CoursePolicy.relaxed()))
    yield core
    core.store.close()


@pytest.fixture
def oauth_runner(oauth_core: Core) -> Iterator[SlackRunner]:
    runner = SlackRunner(oauth_core, host="127.0.0.1", port=0)
    runner.start()
    yield runner
    runner.stop()


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str, Message]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read().decode(), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), error.headers


def _install(runner: SlackRunner, fake: FakeSlackApi) -> str:
    status, page, headers = _get(runner.url + "/slack/install")
    assert status == 200
    state = re.search(r"state=([\w-]+)", page)
    assert state is not None
    assert f"client_id={CLIENT_ID}" in page
    assert "chat:write" in page
    cookie = headers["Set-Cookie"].split(";")[0]
    fake.oauth_access = OAUTH_ACCESS
    status, _, _ = _get(f"{runner.url}/slack/oauth_redirect?code=the-code&state={state.group(1)}", {"Cookie": cookie})
    assert status == 200
    return state.group(1)


def test_install_then_serve_the_new_workspace_with_its_own_token(oauth_runner: SlackRunner, fake: FakeSlackApi) -> None:
    _install(oauth_runner, fake)
    access = fake.calls_to("oauth.v2.access")[0]
    assert access.params["code"] == "the-code"
    assert access.headers["authorization"] == "Basic " + base64.b64encode(f"{CLIENT_ID}:client-secret".encode()).decode()
    assert oauth_runner.installation_store is not None
    bot = oauth_runner.installation_store.find_bot(enterprise_id=None, team_id="T2")
    assert bot is not None
    assert bot.bot_token == "xoxb-team-two"

    slack = SlackClient(oauth_runner.url, fake)
    message = slack.send("tip", team="T2", user="U9")
    assert "Try this week" in all_text(message)
    assert fake.calls_to("users.info")[-1].token == "xoxb-team-two"

    asyncio.run(oauth_runner.messenger.send(Destination("T2", "slack", "C2", "channel"), Reply(text="hi"), "k1"))
    assert fake.calls_to("chat.postMessage")[-1].token == "xoxb-team-two"


def test_a_workspace_that_never_installed_gets_nothing(oauth_runner: SlackRunner, oauth_core: Core, fake: FakeSlackApi) -> None:
    with pytest.raises(PermanentDeliveryError, match="not installed"):
        asyncio.run(oauth_runner.messenger.send(Destination("T3", "slack", "C3", "channel"), Reply(text="hi"), "k2"))
    slack = SlackClient(oauth_runner.url, fake)
    message = slack.send("tip", team="T3")
    assert "installation" in message["text"]  # bolt's own notice; the core never ran
    assert oauth_core.repo.get_workspace("T3") is None
    assert fake.calls_to("users.info") == []


def test_an_oauth_state_cannot_be_replayed(oauth_runner: SlackRunner, fake: FakeSlackApi) -> None:
    state = _install(oauth_runner, fake)
    status, _, _ = _get(f"{oauth_runner.url}/slack/oauth_redirect?code=again&state={state}", {"Cookie": f"slack-app-oauth-state={state}"})
    assert status >= 400
    assert len(fake.calls_to("oauth.v2.access")) == 1


@pytest.fixture
def db(tmp_path: Path) -> Iterator[PlatformState]:
    store = SqliteStore(tmp_path / "store.db")
    yield store.platform
    store.close()


def test_installation_round_trip_keeps_every_field(db: PlatformState) -> None:
    store = SlackInstallationStore(db, CLIENT_ID)
    installation = Installation(
        app_id="A1", team_id="T5", team_name="Five", bot_token="xoxb-5", bot_id="B5", bot_user_id="UB5", bot_scopes=["commands", "chat:write"],
        user_id="U5", user_token="xoxp-5", user_scopes=["search:read"], installed_at=1_700_000_000.0, custom_values={"plan": "pro"},
    )
    store.save(installation)
    found = store.find_installation(enterprise_id=None, team_id="T5", user_id="U5")
    assert found is not None
    assert found.to_dict() == installation.to_dict()
    assert store.find_installation(enterprise_id=None, team_id="T5", user_id="U6") is None
    assert store.bot_token("T5") == "xoxb-5"

    newer = Installation(team_id="T5", bot_token="xoxb-5b", bot_id="B5", bot_user_id="UB5", user_id="U7", installed_at=1_700_000_100.0)
    store.save(newer)
    latest = store.find_installation(enterprise_id=None, team_id="T5", user_id="U5")
    assert latest is not None
    assert (latest.user_token, latest.bot_token) == ("xoxp-5", "xoxb-5b")

    store.delete_all(enterprise_id=None, team_id="T5")
    assert store.find_bot(enterprise_id=None, team_id="T5") is None
    assert store.find_installation(enterprise_id=None, team_id="T5") is None


def test_installations_of_another_app_are_invisible(db: PlatformState) -> None:
    SlackInstallationStore(db, "other.app").save(Installation(team_id="T5", bot_token="x", bot_id="B", bot_user_id="U", user_id="U1"))
    assert SlackInstallationStore(db, CLIENT_ID).find_bot(enterprise_id=None, team_id="T5") is None


def test_oauth_state_is_single_use_and_expires(db: PlatformState) -> None:
    store = SlackOAuthStateStore(db)
    state = store.issue()
    assert store.consume(state) is True
    assert store.consume(state) is False
    assert store.consume("never-issued") is False
    expired = SlackOAuthStateStore(db, expiration_seconds=-1).issue()
    assert store.consume(expired) is False


def test_uninstalling_deletes_the_workspace_tokens(oauth_runner: SlackRunner, fake: FakeSlackApi) -> None:
    _install(oauth_runner, fake)
    store = oauth_runner.installation_store
    assert store is not None
    assert store.bot_token("T2") == "xoxb-team-two"
    slack = SlackClient(oauth_runner.url, fake)
    assert slack.event({"type": "app_uninstalled", "event_ts": "1.0"}, event_id="EvUninstall", team="T2").status == 200
    assert store.bot_token("T2") is None
    assert store.find_installation(enterprise_id=None, team_id="T2") is None
