"""The contract fixture opens every driver."""

from __future__ import annotations

from bot.store import Store
from tests.conftest import START


def test_a_workspace_round_trips_on_every_driver(any_store: Store) -> None:
    created = any_store.repo.ensure_workspace("W1", "slack", "Acme", START)
    assert any_store.repo.get_workspace("W1") == created
    assert any_store.health_problem() is None
