"""The curriculum as one workspace sees it: the course plus the tracks its admins imported.

Imported tracks live in the database (so every process serves the same ones); each process keeps the
built curriculum per workspace with the revision it was built at. A request costs one primary-key read of
the revision; only a changed revision reads and parses the workspace's tracks again.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict

from bot.content import ContentError, Curriculum, TrackFile
from bot.content.track_text import read_track_file
from bot.store.repository import Repository

log = logging.getLogger(__name__)

CAPACITY = 256
"""Workspaces whose curriculum a process keeps built; a workspace without tracks of its own takes no room."""


class WorkspaceCurricula:
    def __init__(self, repo: Repository, course: Curriculum, capacity: int = CAPACITY) -> None:
        self.repo = repo
        self.course = course
        self.capacity = capacity
        self._built: OrderedDict[str, tuple[int, Curriculum]] = OrderedDict()
        self._lock = threading.Lock()

    def seen_by(self, workspace_id: str) -> Curriculum:
        revision = self.repo.content_revision(workspace_id)
        if revision == 0:
            return self.course
        with self._lock:
            found = self._built.get(workspace_id)
            if found is not None and found[0] == revision:
                self._built.move_to_end(workspace_id)
                return found[1]
        built = self.course.with_tracks(self.own_tracks(workspace_id))
        with self._lock:
            self._built[workspace_id] = (revision, built)
            self._built.move_to_end(workspace_id)
            while len(self._built) > self.capacity:
                self._built.popitem(last=False)
        return built

    def own_tracks(self, workspace_id: str) -> list[TrackFile]:
        """The workspace's stored tracks, parsed again. One that no longer passes (a course update took its
        id) is left out and logged rather than breaking every request of the workspace."""
        files: list[TrackFile] = []
        for stored in self.repo.workspace_tracks(workspace_id):
            try:
                files.append(read_track_file(stored.source, stored.filename, self.course, files))
            except ContentError as error:
                log.warning("workspace %s: stored track %s no longer loads: %s", workspace_id, stored.track_id, error.problems[:3])
        return files
