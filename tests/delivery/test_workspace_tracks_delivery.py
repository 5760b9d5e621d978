"""Daily delivery teaches a workspace's own track to that workspace's subscribers only."""

from __future__ import annotations

from pathlib import Path

from bot.context import Upload
from bot.messages import Reply
from tests.delivery.conftest import World

TRACK = (Path(__file__).resolve().parents[1] / "fixtures" / "workspace" / "acme-policy.yaml").read_bytes()


def import_track(world: World, workspace: str) -> None:
    reply = world.service.handle_upload(world.admin("C1", workspace), "admin import", Upload("acme-policy.yaml", TRACK))
    assert "Imported" in reply.text, reply.text


def posts_to(world: World, user: str) -> list[Reply]:
    return [p.reply for p in world.messenger.posts if p.destination.user_id == user]


def test_a_dm_subscriber_gets_the_workspace_track_and_another_workspace_never_does(world: World) -> None:
    import_track(world, "T1")
    ada = world.learner("U-ada", workspace="T1")
    assert "Acme AI policy" in world.service.handle_text(ada, "track acme-policy").text
    world.subscribe_dm(ada, "07:00")
    bob = world.learner("U-bob", workspace="T2")
    world.subscribe_dm(bob, "07:00")
    refused = world.service.handle_text(bob, "subscribe 07:00 UTC acme-policy")
    assert refused.kind == "error"

    for _ in range(2):
        due = world.subscription(world.repo.get_subscription("T1", "dm:U-ada", "dm").id).next_due_at  # type: ignore[union-attr]
        assert due is not None
        world.at(due).sweep()

    ada_posts, bob_posts = posts_to(world, "U-ada"), posts_to(world, "U-bob")
    assert len(ada_posts) == len(bob_posts) == 2
    assert all("Acme AI policy" in reply.text for reply in ada_posts)
    assert not any("Acme" in reply.text for reply in bob_posts)


def test_a_channel_walks_the_path_then_the_workspace_track_and_the_course_once_it_is_removed(world: World) -> None:
    import_track(world, "T1")
    sub = world.subscribe_channel("C1", "09:00 UTC daily acme-policy")
    assert sub.track == "acme-policy"

    def post() -> str:
        due = world.subscription(sub.id).next_due_at
        assert due is not None
        world.at(due).sweep()
        return world.messenger.posts[-1].reply.text

    path = [post(), post()]  # the 2-day guided path first
    assert not any("Acme" in text for text in path)
    assert "Acme AI policy" in post()
    world.service.handle_text(world.admin("C1"), "admin content remove acme-policy")
    after = post()
    assert "Acme" not in after
    assert len(world.messenger.posts) == 4
