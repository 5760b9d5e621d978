"""A workspace's own tracks through the core: import, tenancy from every command, versions, removal, and
another process seeing an import at its next request."""

from __future__ import annotations

import json
import zipfile
from datetime import timedelta
from io import BytesIO
from pathlib import Path

import pytest

from bot.clock import FixedClock
from bot.content import Curriculum
from bot.context import Upload
from bot.service import CompanionService, Context
from bot.store.drivers.sqlite import SqliteRepository
from bot.workspace_content.curricula import WorkspaceCurricula
from tests.conftest import Chat

TRACK = (Path(__file__).parent / "fixtures" / "workspace" / "acme-policy.yaml").read_bytes()
V2 = TRACK.replace(b"  - id: acme-policy-q-02", b"  - id: acme-policy-q-03").replace(b"sales figures", b"support logs")


def admin(workspace: str) -> Context:
    return Context(workspace_id=workspace, platform="console", user_id="U-admin", display_name="Admin", channel_id="C1", is_admin=True)


def learner(service: CompanionService, workspace: str, user: str = "U1") -> Chat:
    return Chat(service, Context(workspace_id=workspace, platform="console", user_id=user, display_name=user, channel_id="C1"))


def import_track(service: CompanionService, workspace: str, data: bytes = TRACK, name: str = "acme-policy.yaml") -> str:
    return service.handle_upload(admin(workspace), "admin import", Upload(name, data)).text


@pytest.fixture
def a(service: CompanionService) -> Chat:
    assert "Imported **Acme AI policy**" in import_track(service, "A")
    chat = learner(service, "A")
    assert "Acme AI policy" in chat.send("track acme-policy").text
    return chat


def test_workspace_a_learns_from_its_track_and_b_never_sees_it(service: CompanionService, a: Chat) -> None:
    b = learner(service, "B")
    assert "acme-policy" in a.send("tracks").text
    assert "acme-policy" not in b.send("tracks").text
    assert b.send("track acme-policy").kind == "error"
    assert b.send("subscribe 09:00 UTC acme-policy").kind == "error"
    assert ("acme-policy", "Acme AI policy") in service.track_options(a.ctx)
    assert all(track != "acme-policy" for track, _ in service.track_options(b.ctx))

    tip = a.send("tip")
    assert "Acme AI policy" in tip.text
    quiz = a.send("quiz")
    assert "Acme AI policy" in quiz.text
    a.send("answer B")  # wrong: it comes back for review
    stats = a.send("stats").text
    assert "Privacy: 0/1" in stats

    for command in ("tip", "quiz", "review", "stats", "leaderboard all", "tracks", "settings"):
        text = b.send(command).text
        assert not any(word in text for word in ("Acme", "acme-policy", "Privacy")), command
    assert b.send("stats").text.count("Answered: **0**") == 1


def test_reviews_and_home_in_a_see_the_workspace_question(service: CompanionService, a: Chat, clock: FixedClock) -> None:
    a.send("quiz")
    a.send("answer C")
    clock.advance(timedelta(days=3))
    review = a.send("review")
    assert "Review" in review.text
    assert "Acme AI policy" in review.text
    assert "approved list" in service.home(a.ctx).text  # the next tip is the track's own


def test_a_reimport_replaces_the_track_and_answers_to_removed_questions_stay(service: CompanionService, a: Chat, repo: SqliteRepository) -> None:
    a.send("quiz")
    a.send("answer A")
    a.send("quiz")
    second = a.send("answer B")
    assert "Right" in second.text  # acme-policy-q-02
    replaced = import_track(service, "A", V2)
    assert "Replaced with version 2" in replaced
    assert [t.version for t in repo.workspace_tracks("A")] == [2]

    assert repo.answered_question_ids("A", "U1") == {"acme-policy-q-01", "acme-policy-q-02"}
    assert "Answered: **2**" in a.send("stats").text
    quiz = a.send("quiz")
    assert "support logs" in quiz.text  # the new question, never the removed one
    assert "acme-policy-q-02" not in service.deps.seen_from("A").content.questions


def test_remove_takes_the_track_away_here_and_followers_fall_back(service: CompanionService, a: Chat, repo: SqliteRepository) -> None:
    a.send("quiz")
    a.send("answer A")
    assert "Removed `acme-policy`" in a.as_user("U-admin", is_admin=True).send("admin content remove acme-policy").text
    assert repo.workspace_tracks("A") == []
    assert "acme-policy" not in a.send("tracks").text
    assert "Acme" not in a.send("quiz").text  # the follower is taught from the guided path again
    assert "Acme" not in a.send("tip").text
    assert repo.answered_question_ids("A", "U1") == {"acme-policy-q-01"}
    assert a.as_user("U-admin", is_admin=True).send("admin content remove acme-policy").kind == "error"
    assert "course's tracks" in a.as_user("U-admin", is_admin=True).send("admin content remove alpha").text


def test_bad_files_store_nothing(service: CompanionService, repo: SqliteRepository) -> None:
    yaml_error = import_track(service, "A", TRACK.replace(b"title: Acme AI policy", b"title: [Acme"))
    assert "acme-policy.yaml:4: not valid YAML" in yaml_error
    schema = import_track(service, "A", TRACK.replace(b"difficulty: 2", b"difficulty: 9"))
    assert "acme-policy.yaml:39: questions.1.difficulty" in schema
    collision = import_track(service, "A", TRACK.replace(b"acme-policy", b"beta"), "beta.yaml")
    assert "beta.yaml:2: track id 'beta' is the course's own" in collision
    path = import_track(service, "A", TRACK.replace(b"acme-policy", b"path"), "path.yaml")
    assert "track id 'path' is the course's own" in path
    empty = import_track(service, "A", TRACK.split(b"questions:")[0])
    assert "at least one tip and one question" in empty
    huge = import_track(service, "A", TRACK + b"#" * 300_000)
    assert "a track file may be at most 256 KB" in huge
    binary = import_track(service, "A", b"\xff\xfe\x00")
    assert "not UTF-8" in binary
    assert repo.workspace_tracks("A") == []
    assert repo.content_revision("A") == 0


def test_a_non_admin_cannot_import_list_or_remove(service: CompanionService, repo: SqliteRepository) -> None:
    member = Context(workspace_id="A", platform="console", user_id="U2")
    for reply in (
        service.handle_upload(member, "admin import", Upload("acme-policy.yaml", TRACK)),
        service.handle_text(member, "admin content"), service.handle_text(member, "admin content remove acme-policy"),
    ):
        assert "Only workspace admins" in reply.text
    assert repo.workspace_tracks("A") == []


def test_a_file_on_a_command_that_takes_none_changes_nothing(service: CompanionService) -> None:
    assert "takes no file" in service.handle_upload(admin("A"), "quiz", Upload("x.yaml", TRACK)).text


def test_another_process_sees_an_import_at_its_next_request(tmp_path: Path, curriculum: Curriculum, clock: FixedClock) -> None:
    first = CompanionService(SqliteRepository(tmp_path / "shared.db"), curriculum, clock)
    other = CompanionService(SqliteRepository(tmp_path / "shared.db"), curriculum, clock)
    chat = learner(other, "A")
    assert "acme-policy" not in chat.send("tracks").text
    import_track(first, "A")
    assert "acme-policy" in chat.send("tracks").text
    first.handle_text(admin("A"), "admin content remove acme-policy")
    assert "acme-policy" not in chat.send("tracks").text


class CountingRepo:
    """A repository that counts how often the workspace's tracks are read and parsed."""

    def __init__(self, inner: SqliteRepository) -> None:
        self.inner = inner
        self.track_reads = 0

    def content_revision(self, workspace_id: str) -> int:
        return self.inner.content_revision(workspace_id)

    def workspace_tracks(self, workspace_id: str) -> list:  # type: ignore[type-arg]
        self.track_reads += 1
        return self.inner.workspace_tracks(workspace_id)


def test_the_curriculum_is_built_once_per_revision(service: CompanionService, repo: SqliteRepository, curriculum: Curriculum) -> None:
    import_track(service, "A")
    counting = CountingRepo(repo)
    curricula = WorkspaceCurricula(counting, curriculum)  # type: ignore[arg-type]
    first = curricula.seen_by("A")
    assert curricula.seen_by("A") is first
    assert curricula.seen_by("B") is curriculum
    assert counting.track_reads == 1
    import_track(service, "A", V2)
    assert curricula.seen_by("A") is not first
    assert counting.track_reads == 2


def test_forget_me_keeps_the_track_but_not_who_imported_it(service: CompanionService, repo: SqliteRepository) -> None:
    import_track(service, "A")
    chat = Chat(service, admin("A"))
    chat.send("forget-me")
    chat.send("yes")
    assert [t.imported_by for t in repo.workspace_tracks("A")] == [""]


def test_an_admins_export_lists_the_tracks_they_imported(service: CompanionService) -> None:
    import_track(service, "A")
    reply = service.handle_text(admin("A"), "export")
    assert reply.attachment is not None
    document = json.loads(zipfile.ZipFile(BytesIO(reply.attachment.content)).read("aipm-export.json"))
    assert [(t["track_id"], t["version"], t["file"]) for t in document["tracks_imported"]] == [("acme-policy", 1, "acme-policy.yaml")]
    other = service.handle_text(Context(workspace_id="A", platform="console", user_id="U2"), "export")
    assert other.attachment is not None
    assert json.loads(zipfile.ZipFile(BytesIO(other.attachment.content)).read("aipm-export.json"))["tracks_imported"] == []


def test_the_audit_is_advice_shown_after_a_successful_import(service: CompanionService, repo: SqliteRepository) -> None:
    negative = TRACK.replace(b"Where may you paste a customer's support ticket to summarise it?", b"Which of these is NOT allowed with a support ticket?")
    reply = import_track(service, "A", negative)
    assert "Imported **Acme AI policy**" in reply
    assert "Advice from the question audit (the track is imported either way)" in reply
    assert "acme-policy-q-01 asks for the wrong one" in reply
    assert [t.track_id for t in repo.workspace_tracks("A")] == ["acme-policy"]
    assert "Advice" not in import_track(service, "B")  # two plain questions: nothing to say


def test_a_workspace_question_is_reported_by_its_buttons_like_a_course_question(service: CompanionService, a: Chat) -> None:
    quiz = a.send("quiz")
    assert "Acme AI policy" in quiz.text
    a.send("answer A")
    picker = a.click("Report a problem")
    assert picker.kind == "report"
    thanks = a.click("Outdated", picker)
    assert "reported as **outdated**" in thanks.text
    [stored] = service.repo.list_reports("A")
    assert stored.question_id.startswith("acme-policy-q-")
