"""compose.yaml and the Dockerfile: the multi-process deployment the README describes holds together.

The image cannot be built here (no Docker engine); these checks catch what would break it silently: a bot
without a health check, processes disagreeing on partitions or shards, a shard nobody runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from adapters.discord.settings import parse_shard_ids

ROOT = Path(__file__).resolve().parent.parent


def _compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text())
    return loaded


def _bots(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: service for name, service in compose["services"].items() if name.startswith("bot-")}


def test_two_bot_processes_share_one_postgres_database_each_with_a_health_check() -> None:
    compose = _compose()
    bots = _bots(compose)
    assert len(bots) >= 2
    urls = {service["environment"]["AIPM_DATABASE_URL"] for service in bots.values()}
    assert len(urls) == 1
    (url,) = urls
    assert url.startswith("postgresql://")
    assert "@postgres:" in url
    for name, service in {**bots, "postgres": compose["services"]["postgres"], "proxy": compose["services"]["proxy"]}.items():
        assert "healthcheck" in service, f"{name} has no health check"
    assert compose["services"]["postgres"]["image"].startswith("postgres:15")


def test_the_processes_agree_on_partitions_and_between_them_run_every_shard() -> None:
    bots = _bots(_compose())
    environments = [service["environment"] for service in bots.values()]
    assert len({env["AIPM_DELIVERY_PARTITIONS"] for env in environments}) == 1
    assert {env["AIPM_DELIVERY_SWEEPERS"] for env in environments} == {str(len(bots))}
    count = int(environments[0]["DISCORD_SHARD_COUNT"])
    shards = [parse_shard_ids(env["DISCORD_SHARD_IDS"], count) for env in environments]
    assert sorted(n for ids in shards for n in ids) == list(range(count)), "each shard run by exactly one process"


def test_the_proxy_sends_slack_to_every_bot() -> None:
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    for name in _bots(_compose()):
        assert f"server {name}:3000" in nginx


def test_the_image_can_reach_postgres() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "libpq5" in dockerfile, "psycopg needs libpq at run time"
    assert "postgresql-client" in dockerfile, "aipm db backup needs pg_dump"
