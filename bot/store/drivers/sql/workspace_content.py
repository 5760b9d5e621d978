"""A workspace's own tracks in SQL: the YAML each import stored, a revision per workspace, pending uploads.

The revision is one primary-key read, so every request can afford to ask whether its workspace's content
changed (another process may have imported since); it is bumped in the transaction that changes a track.
"""

from __future__ import annotations

from datetime import datetime

from bot.store.drivers.sql.database import SqlDatabase, Transaction, from_ts, to_ts
from bot.store.records import WorkspaceTrack


def _bump(conn: Transaction, workspace_id: str) -> None:
    conn.execute(
        "INSERT INTO workspace_content (workspace_id, revision) VALUES (?, 1) "
        "ON CONFLICT (workspace_id) DO UPDATE SET revision = workspace_content.revision + 1",
        (workspace_id,),
    )


class SqlWorkspaceContent:
    """The content half of the Repository; ``SqlRepository`` composes it."""

    db: SqlDatabase

    def content_revision(self, workspace_id: str) -> int:
        rows = self.db.query("SELECT revision FROM workspace_content WHERE workspace_id = ?", (workspace_id,))
        return int(rows[0]["revision"]) if rows else 0

    def workspace_tracks(self, workspace_id: str) -> list[WorkspaceTrack]:
        rows = self.db.query("SELECT * FROM workspace_tracks WHERE workspace_id = ? ORDER BY track_id", (workspace_id,))
        return [
            WorkspaceTrack(r["workspace_id"], r["track_id"], r["version"], r["filename"], r["source"], r["imported_by"], from_ts(r["imported_at"]))
            for r in rows
        ]

    def save_workspace_track(self, workspace_id: str, track_id: str, filename: str, source: str, imported_by: str, now: datetime) -> int:
        with self.db.write() as conn:
            conn.execute(
                "INSERT INTO workspace_tracks (workspace_id, track_id, version, filename, source, imported_by, imported_at) "
                "VALUES (?, ?, 1, ?, ?, ?, ?) ON CONFLICT (workspace_id, track_id) DO UPDATE SET "
                "version = workspace_tracks.version + 1, filename = excluded.filename, source = excluded.source, "
                "imported_by = excluded.imported_by, imported_at = excluded.imported_at",
                (workspace_id, track_id, filename, source, imported_by, to_ts(now)),
            )
            _bump(conn, workspace_id)
            row = conn.execute(
                "SELECT version FROM workspace_tracks WHERE workspace_id = ? AND track_id = ?", (workspace_id, track_id),
            ).fetchone()
        return int(row[0])

    def remove_workspace_track(self, workspace_id: str, track_id: str) -> bool:
        with self.db.write() as conn:
            cursor = conn.execute("DELETE FROM workspace_tracks WHERE workspace_id = ? AND track_id = ?", (workspace_id, track_id))
            if cursor.rowcount:
                _bump(conn, workspace_id)
        return bool(cursor.rowcount)

    def expect_upload(self, workspace_id: str, user_id: str, until: datetime) -> None:
        with self.db.write() as conn:
            conn.execute(
                "INSERT INTO content_uploads (workspace_id, user_id, expires_at) VALUES (?, ?, ?) "
                "ON CONFLICT (workspace_id, user_id) DO UPDATE SET expires_at = excluded.expires_at",
                (workspace_id, user_id, to_ts(until)),
            )

    def upload_expected(self, workspace_id: str, user_id: str, now: datetime) -> bool:
        rows = self.db.query(
            "SELECT 1 FROM content_uploads WHERE workspace_id = ? AND user_id = ? AND expires_at > ?", (workspace_id, user_id, to_ts(now)),
        )
        return bool(rows)

    def upload_received(self, workspace_id: str, user_id: str) -> None:
        with self.db.write() as conn:
            conn.execute("DELETE FROM content_uploads WHERE workspace_id = ? AND user_id = ?", (workspace_id, user_id))

    def forget_importer(self, conn: Transaction, workspace_id: str, user_id: str) -> int:
        """forget-me: the workspace keeps its tracks, but no longer says who imported them."""
        removed = conn.execute("DELETE FROM content_uploads WHERE workspace_id = ? AND user_id = ?", (workspace_id, user_id)).rowcount
        conn.execute("UPDATE workspace_tracks SET imported_by = '' WHERE workspace_id = ? AND imported_by = ?", (workspace_id, user_id))
        return int(removed)
