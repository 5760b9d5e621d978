"""A workspace's own tracks on every driver: versions, the revision, removal, pending uploads, tenancy."""

from __future__ import annotations

from datetime import timedelta

from bot.store import Store
from tests.conftest import START
from tests.store.contract.builders import OTHER_WS, WS

MINUTE = timedelta(minutes=1)


def test_a_track_is_stored_versioned_and_replaced(any_store: Store) -> None:
    repo = any_store.repo
    assert repo.content_revision(WS) == 0
    assert repo.save_workspace_track(WS, "acme", "acme.yaml", "v1", "U1", START) == 1
    assert repo.save_workspace_track(WS, "acme", "acme-2.yaml", "v2", "U2", START + MINUTE) == 2
    [stored] = repo.workspace_tracks(WS)
    assert (stored.track_id, stored.version, stored.filename, stored.source, stored.imported_by, stored.imported_at) == (
        "acme", 2, "acme-2.yaml", "v2", "U2", START + MINUTE,
    )
    assert repo.content_revision(WS) == 2


def test_each_workspace_sees_only_its_own_tracks_and_revision(any_store: Store) -> None:
    repo = any_store.repo
    repo.save_workspace_track(WS, "acme", "acme.yaml", "ours", "U1", START)
    assert repo.workspace_tracks(OTHER_WS) == []
    assert repo.content_revision(OTHER_WS) == 0
    assert not repo.remove_workspace_track(OTHER_WS, "acme")
    assert [t.track_id for t in repo.workspace_tracks(WS)] == ["acme"]


def test_removal_bumps_the_revision_once(any_store: Store) -> None:
    repo = any_store.repo
    repo.save_workspace_track(WS, "acme", "acme.yaml", "v1", "U1", START)
    repo.save_workspace_track(WS, "beta-co", "b.yaml", "v1", "U1", START)
    before = repo.content_revision(WS)
    assert repo.remove_workspace_track(WS, "acme")
    assert not repo.remove_workspace_track(WS, "acme")
    assert repo.content_revision(WS) == before + 1
    assert [t.track_id for t in repo.workspace_tracks(WS)] == ["beta-co"]
    assert repo.save_workspace_track(WS, "acme", "acme.yaml", "again", "U1", START) == 1


def test_an_expected_upload_expires_and_is_used_once(any_store: Store) -> None:
    repo = any_store.repo
    repo.expect_upload(WS, "U1", START + 10 * MINUTE)
    assert repo.upload_expected(WS, "U1", START)
    assert not repo.upload_expected(WS, "U1", START + 10 * MINUTE)
    assert not repo.upload_expected(OTHER_WS, "U1", START)
    assert not repo.upload_expected(WS, "U2", START)
    repo.upload_received(WS, "U1")
    assert not repo.upload_expected(WS, "U1", START)
