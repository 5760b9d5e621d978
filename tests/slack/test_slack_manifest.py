"""The shipped manifest matches what the adapter serves and asks for."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from adapters.slack.app import BOT_SCOPES, COMMAND, REDIRECT_PATH
from adapters.slack.http_server import EVENTS_PATH

MANIFEST = Path(__file__).resolve().parents[2] / "adapters" / "slack" / "manifest.yaml"


def _manifest() -> dict[str, Any]:
    return dict(yaml.safe_load(MANIFEST.read_text()))


def test_every_request_url_is_the_one_events_endpoint() -> None:
    manifest = _manifest()
    command = manifest["features"]["slash_commands"][0]
    assert command["command"] == COMMAND
    assert command["usage_hint"]
    urls = [command["url"], manifest["settings"]["interactivity"]["request_url"], manifest["settings"]["event_subscriptions"]["request_url"]]
    assert urls == [f"https://YOUR_HOST{EVENTS_PATH}"] * 3
    assert manifest["oauth_config"]["redirect_urls"] == [f"https://YOUR_HOST{REDIRECT_PATH}"]


def test_scopes_events_and_settings() -> None:
    manifest = _manifest()
    assert tuple(manifest["oauth_config"]["scopes"]["bot"]) == BOT_SCOPES
    assert "app_home_opened" in manifest["settings"]["event_subscriptions"]["bot_events"]
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert manifest["features"]["app_home"]["messages_tab_enabled"] is True
    assert manifest["features"]["bot_user"]["display_name"]
    assert manifest["display_information"]["name"] == "aipm-companion"
    settings = manifest["settings"]
    assert (settings["org_deploy_enabled"], settings["socket_mode_enabled"], settings["token_rotation_enabled"]) == (False, False, False)
    assert settings["interactivity"]["is_enabled"] is True
