"""A server's own tracks over the fake gateway: /aipm admin import with an attachment from a local fake CDN,
track autocomplete per server, removal, bad files, non-admins, and another server never seeing them."""

from __future__ import annotations

from pathlib import Path

from discord_world import LEARNER, World, discord_world
from fake_discord import AUTOCOMPLETE_RESULT, GUILD_ID, MANAGE_GUILD, Hit

TRACK = (Path(__file__).resolve().parents[1] / "fixtures" / "workspace" / "acme-policy.yaml").read_bytes()
OTHER_GUILD = GUILD_ID + 1
ADMIN = {"permissions": MANAGE_GUILD}


async def import_file(world: World, data: bytes, filename: str = "acme-policy.yaml", **who: object) -> Hit:
    attachment = world.fake.attach(filename, data)
    token = await world.fake.interact(world.fake.slash("admin import", files={"file": attachment}, **who))  # type: ignore[arg-type]
    return await world.fake.response_to(token)


async def autocomplete_tracks(world: World, typed: str = "", **who: object) -> list[str]:
    token = await world.fake.interact(world.fake.slash("track", {"name": typed}, focused="name", **who))  # type: ignore[arg-type]
    reply = (await world.fake.wait_for(lambda h: h.token == token))[0]
    assert reply.callback_type == AUTOCOMPLETE_RESULT
    return [choice["value"] for choice in reply.body["data"]["choices"]]


async def test_an_admin_imports_a_track_from_an_attachment_and_only_this_server_sees_it(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        reply = await import_file(world, TRACK, **ADMIN)

        assert world.is_private(reply)
        assert "Imported **Acme AI policy** (`acme-policy`)" in reply.text
        assert [h.path for h in world.fake.hits if h.kind == "cdn"] == [f"/attachments/{p.split('/')[2]}/acme-policy.yaml" for p in world.fake.files]
        assert world.count("workspace_tracks", "workspace_id = ?", (str(GUILD_ID),)) == 1
        assert "acme-policy" in await autocomplete_tracks(world)
        assert "acme-policy" in (await world.send("tracks")).text
        assert "following **Acme AI policy**" in (await world.send("track", {"name": "acme-policy"})).text
        assert "Acme AI policy" in (await world.send("quiz")).text

        await world.send("answer", {"letter": "A"})
        elsewhere: dict[str, object] = {"guild_id": OTHER_GUILD, "user_id": LEARNER + 5}
        assert "acme-policy" not in await autocomplete_tracks(world, **elsewhere)
        refused = await world.send("track", {"name": "acme-policy"}, **elsewhere)  # type: ignore[arg-type]
        assert "following" not in refused.text
        for path in ("tracks", "tip", "quiz", "review", "stats", "leaderboard", "admin content"):
            text = (await world.send(path, **(elsewhere | (ADMIN if path.startswith("admin") else {})))).text  # type: ignore[arg-type]
            assert "Acme" not in text, path
            assert "acme-policy" not in text, path

        again = await import_file(world, TRACK.replace(b"sales figures", b"support logs"), **ADMIN)
        assert "Replaced with version 2" in again.text


async def test_a_bad_file_a_course_id_and_a_non_admin_store_nothing(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        broken = await import_file(world, TRACK.replace(b"order: 1", b"order: first"), **ADMIN)
        assert "acme-policy.yaml:5: track.order" in broken.text
        collides = await import_file(world, TRACK.replace(b"acme-policy", b"alpha"), "alpha.yaml", **ADMIN)
        assert "alpha.yaml:2: track id 'alpha' is the course's own" in collides.text
        fetched = len([h for h in world.fake.hits if h.kind == "cdn"])
        learner = await import_file(world, TRACK)
        assert "Only workspace admins" in learner.text
        assert len([h for h in world.fake.hits if h.kind == "cdn"]) == fetched, "a refused file is never downloaded"

        assert world.count("workspace_tracks") == 0
        assert "acme-policy" not in await autocomplete_tracks(world)


async def test_content_remove_takes_the_track_away_and_keeps_the_answers(tmp_path: Path) -> None:
    async with discord_world(tmp_path) as world:
        await import_file(world, TRACK, **ADMIN)
        await world.send("track", {"name": "acme-policy"})
        await world.send("quiz")
        await world.send("answer", {"letter": "A"})

        listed = await world.send("admin content", **ADMIN)  # type: ignore[arg-type]
        assert "`acme-policy` Acme AI policy: version 1" in listed.text
        removed = await world.send("admin content-remove", {"track": "acme-policy"}, **ADMIN)  # type: ignore[arg-type]

        assert "Removed `acme-policy`" in removed.text
        assert "acme-policy" not in await autocomplete_tracks(world)
        assert world.count("answers", "question_id LIKE 'acme-policy-%'") == 1
        assert "Acme" not in (await world.send("quiz")).text
