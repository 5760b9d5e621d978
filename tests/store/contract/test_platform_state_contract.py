"""The PlatformState port on every driver: OAuth installations and bots by their lookup keys, one-time states."""

from __future__ import annotations

from dataclasses import replace

from bot.store import InstallationRecord, Store
from bot.store.platform_state import InstallationKind
from tests.store.contract.builders import count

NOW = 1_772_452_800  # START as epoch seconds


def record(kind: InstallationKind = "installation", data: str = "{}", installed_at: float = 1000.0, **keys: object) -> InstallationRecord:
    base = InstallationRecord(
        kind=kind, client_id="client-1", enterprise_id=None, team_id="T1", user_id="U1" if kind == "installation" else None,
        is_enterprise_install=False, installed_at=installed_at, data=data,
    )
    return replace(base, **keys)  # type: ignore[arg-type]


def test_the_newest_installation_wins_and_ties_go_to_the_last_saved(any_store: Store) -> None:
    platform = any_store.platform
    assert platform.newest_installation("installation", "client-1", None, "T1") is None
    platform.save_installation(record(data='{"v": 1}', installed_at=1000.5))
    platform.save_installation(record(data='{"v": 3}', installed_at=3000.0))
    platform.save_installation(record(data='{"v": 2}', installed_at=2000.0))
    assert platform.newest_installation("installation", "client-1", None, "T1") == '{"v": 3}'
    platform.save_installation(record(data='{"v": "3b"}', installed_at=3000.0))
    assert platform.newest_installation("installation", "client-1", None, "T1") == '{"v": "3b"}'
    assert count(any_store, "slack_installations") == 4


def test_the_platform_record_round_trips_byte_for_byte(any_store: Store) -> None:
    data = '{"bot_token": "xoxb-1", "team_name": "Ærø ☕ 東京", "nested": {"a": [1, 2.5, null]}}'
    any_store.platform.save_installation(record(data=data))
    assert any_store.platform.newest_installation("installation", "client-1", None, "T1") == data


def test_missing_keys_match_only_missing_values(any_store: Store) -> None:
    platform = any_store.platform
    platform.save_installation(record(data="team", team_id="T1", enterprise_id=None))
    platform.save_installation(record(data="org", team_id=None, enterprise_id="E1", is_enterprise_install=True))
    platform.save_installation(record(data="team-in-org", team_id="T1", enterprise_id="E1"))
    assert platform.newest_installation("installation", "client-1", None, "T1") == "team"
    assert platform.newest_installation("installation", "client-1", "E1", None) == "org"
    assert platform.newest_installation("installation", "client-1", "E1", "T1") == "team-in-org"
    assert platform.newest_installation("installation", "client-1", None, None) is None
    assert platform.newest_installation("installation", "client-2", None, "T1") is None


def test_installations_look_up_by_user_and_bots_ignore_users(any_store: Store) -> None:
    platform = any_store.platform
    platform.save_installation(record(data="by U1", user_id="U1", installed_at=1.0))
    platform.save_installation(record(data="by U2", user_id="U2", installed_at=2.0))
    platform.save_installation(record("bot", data="bot", installed_at=1.0))
    assert platform.newest_installation("installation", "client-1", None, "T1", "U1") == "by U1"
    assert platform.newest_installation("installation", "client-1", None, "T1", "U2") == "by U2"
    assert platform.newest_installation("installation", "client-1", None, "T1", "U3") is None
    assert platform.newest_installation("installation", "client-1", None, "T1") == "by U2"
    assert platform.newest_installation("bot", "client-1", None, "T1", "U1") == "bot"
    assert platform.newest_installation("bot", "client-1", None, "T1") == "bot"


def test_deleting_installations_removes_only_the_matching_rows(any_store: Store) -> None:
    platform = any_store.platform
    platform.save_installation(record(data="U1 old", user_id="U1", installed_at=1.0))
    platform.save_installation(record(data="U1 new", user_id="U1", installed_at=2.0))
    platform.save_installation(record(data="U2", user_id="U2", installed_at=1.0))
    platform.save_installation(record(data="other team", team_id="T2"))
    platform.save_installation(record("bot", data="bot"))

    platform.delete_installations("installation", "client-1", None, "T1", "U1")
    assert platform.newest_installation("installation", "client-1", None, "T1", "U1") is None
    assert platform.newest_installation("installation", "client-1", None, "T1") == "U2"
    platform.delete_installations("installation", "client-1", None, "T1")
    assert platform.newest_installation("installation", "client-1", None, "T1") is None
    assert platform.newest_installation("installation", "client-1", None, "T2") == "other team"
    assert platform.newest_installation("bot", "client-1", None, "T1") == "bot"
    platform.delete_installations("bot", "client-1", None, "T1")
    assert platform.newest_installation("bot", "client-1", None, "T1") is None
    assert count(any_store, "slack_installations") == 1


def test_an_oauth_state_is_consumed_once_until_it_expires(any_store: Store) -> None:
    platform = any_store.platform
    platform.issue_oauth_state("s-1", NOW + 600, NOW)
    platform.issue_oauth_state("s-edge", NOW + 600, NOW)
    platform.issue_oauth_state("s-late", NOW + 600, NOW)
    assert platform.consume_oauth_state("s-1", NOW + 1)
    assert not platform.consume_oauth_state("s-1", NOW + 1)
    assert platform.consume_oauth_state("s-edge", NOW + 600)
    assert not platform.consume_oauth_state("s-late", NOW + 601)
    assert not platform.consume_oauth_state("never-issued", NOW)
    assert count(any_store, "slack_oauth_states") == 0  # an expired state is gone once tried


def test_issuing_a_state_forgets_the_expired_ones(any_store: Store) -> None:
    platform = any_store.platform
    platform.issue_oauth_state("old", NOW + 10, NOW)
    platform.issue_oauth_state("edge", NOW + 20, NOW)
    platform.issue_oauth_state("new", NOW + 600, NOW + 20)
    assert count(any_store, "slack_oauth_states") == 2
    assert count(any_store, "slack_oauth_states", "state = ?", ("old",)) == 0
    assert platform.consume_oauth_state("edge", NOW + 20)
