"""Versioned schema migrations, applied at start with sqlite-utils' ``Migrations``.

Instants are stored as integer UTC epoch seconds: compact, indexable and compared as numbers.
Add a new function for every change; never edit one that has shipped.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from bot.store.drivers.sqlite.platform_schema import platform_migrations

migrations = Migrations("aipm")


@migrations(name="0001_core")
def _core(db: Database) -> None:
    _run_script(
        db,
        """
        CREATE TABLE workspaces (
            id TEXT PRIMARY KEY,
            platform TEXT NOT NULL,
            name TEXT NOT NULL DEFAULT '',
            default_tz TEXT,
            created_at INTEGER NOT NULL
        );
        CREATE TABLE learners (
            workspace_id TEXT NOT NULL REFERENCES workspaces(id),
            user_id TEXT NOT NULL,
            display_name TEXT NOT NULL DEFAULT '',
            tz TEXT NOT NULL DEFAULT 'UTC',
            tz_source TEXT NOT NULL DEFAULT 'default',
            track TEXT NOT NULL DEFAULT 'path',
            daily_time TEXT NOT NULL DEFAULT '09:00',
            nudges INTEGER NOT NULL DEFAULT 1,
            created_at INTEGER NOT NULL,
            last_seen_at INTEGER NOT NULL,
            PRIMARY KEY (workspace_id, user_id)
        ) WITHOUT ROWID;
        CREATE TABLE tz_changes (
            workspace_id TEXT NOT NULL,
            user_id TEXT NOT NULL,
            changed_at INTEGER NOT NULL,
            old_tz TEXT NOT NULL,
            new_tz TEXT NOT NULL
        );
        CREATE INDEX tz_changes_learner ON tz_changes (workspace_id, user_id);
        CREATE TABLE quiz_instances (
            id TEXT PRIMARY KEY,
            workspace_id TEXT NOT NULL,
            question_id TEXT NOT NULL,
            owner_user_id TEXT,
            channel_id TEXT,
            origin TEXT NOT NULL,
            created_at INTEGER NOT NULL
        );
        CREATE INDEX quiz_instances_owner ON quiz_instances (workspace_id, owner_user_id, created_at);
        CREATE TABLE answers (
            id INTEGER PRIMARY KEY,
            workspace_id TEXT NOT NULL,
            instance_id TEXT NOT NULL,
            user_id TEXT NOT NULL,
            question_id TEXT NOT NULL,
            letter TEXT NOT NULL,
            correct INTEGER NOT NULL,
            points INTEGER NOT NULL,
            answered_at INTEGER NOT NULL,
            local_date TEXT NOT NULL,
            UNIQUE (instance_id, user_id)
        );
        CREATE INDEX answers_learner ON answers (workspace_id, user_id, question_id);
        CREATE INDEX answers_time ON answers (workspace_id, answered_at);
        CREATE TABLE cards (
            workspace_id TEXT NOT NULL,
            user_id TEXT NOT NULL,
            question_id TEXT NOT NULL,
            state TEXT NOT NULL,
            due_at INTEGER NOT NULL,
            reps INTEGER NOT NULL DEFAULT 0,
            lapses INTEGER NOT NULL DEFAULT 0,
            last_correct INTEGER NOT NULL,
            PRIMARY KEY (workspace_id, user_id, question_id)
        ) WITHOUT ROWID;
        CREATE INDEX cards_due ON cards (workspace_id, user_id, due_at);
        CREATE TABLE activity (
            workspace_id TEXT NOT NULL,
            user_id TEXT NOT NULL,
            local_date TEXT NOT NULL,
            answered INTEGER NOT NULL DEFAULT 0,
            correct INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (workspace_id, user_id, local_date)
        ) WITHOUT ROWID;
        CREATE TABLE tip_views (
            workspace_id TEXT NOT NULL,
            user_id TEXT NOT NULL,
            tip_id TEXT NOT NULL,
            shown_at INTEGER NOT NULL,
            PRIMARY KEY (workspace_id, user_id, tip_id)
        ) WITHOUT ROWID;
        CREATE TABLE subscriptions (
            id INTEGER PRIMARY KEY,
            workspace_id TEXT NOT NULL,
            platform TEXT NOT NULL,
            channel_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            user_id TEXT,
            local_time TEXT NOT NULL,
            tz TEXT NOT NULL,
            days TEXT NOT NULL,
            track TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 1,
            next_due_at INTEGER,
            path_day INTEGER NOT NULL DEFAULT 0,
            created_by TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            UNIQUE (workspace_id, channel_id, kind)
        );
        CREATE INDEX subscriptions_due ON subscriptions (next_due_at) WHERE active = 1;
        """
    )


@migrations(name="0002_delivery")
def _delivery(db: Database) -> None:
    """The outbox (one row per subscription, local date and kind), recap and nudge timers, and the sweep lease."""
    _run_script(
        db,
        """
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            subscription_id INTEGER NOT NULL,
            workspace_id TEXT NOT NULL,
            platform TEXT NOT NULL,
            channel_id TEXT NOT NULL,
            dest_kind TEXT NOT NULL,
            user_id TEXT,
            local_date TEXT NOT NULL,
            due_at INTEGER NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'skipped', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at INTEGER NOT NULL,
            last_attempt_at INTEGER,
            message_id TEXT,
            error TEXT,
            payload TEXT,
            created_at INTEGER NOT NULL,
            finished_at INTEGER
        );
        CREATE INDEX outbox_open ON outbox (next_attempt_at) WHERE status IN ('pending', 'sending');
        CREATE INDEX outbox_subscription ON outbox (subscription_id, status);
        CREATE INDEX outbox_created ON outbox (created_at);
        CREATE TABLE delivery_timers (
            subscription_id INTEGER NOT NULL,
            kind TEXT NOT NULL,
            spec TEXT NOT NULL,
            next_due_at INTEGER NOT NULL,
            PRIMARY KEY (subscription_id, kind)
        ) WITHOUT ROWID;
        CREATE INDEX delivery_timers_due ON delivery_timers (next_due_at);
        CREATE TABLE leases (
            name TEXT PRIMARY KEY,
            holder TEXT NOT NULL,
            expires_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE delivery_notices (
            id INTEGER PRIMARY KEY,
            workspace_id TEXT NOT NULL,
            subscription_id INTEGER NOT NULL,
            admin_user_id TEXT,
            text TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            delivered INTEGER NOT NULL DEFAULT 0
        );
        """
    )


@migrations(name="0003_intake")
def _intake(db: Database) -> None:
    """Every acknowledged platform request, kept until it is applied and answered (see bot.intake)."""
    _run_script(
        db,
        """
        CREATE TABLE intake (
            key TEXT PRIMARY KEY,
            platform TEXT NOT NULL,
            kind TEXT NOT NULL,
            body TEXT NOT NULL,
            content_type TEXT NOT NULL DEFAULT '',
            state TEXT NOT NULL CHECK (state IN ('pending', 'applied', 'responded', 'failed')),
            response TEXT,
            received_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX intake_open ON intake (received_at) WHERE state IN ('pending', 'applied');
        CREATE INDEX intake_age ON intake (updated_at);
        CREATE TABLE health_probe (id INTEGER PRIMARY KEY, at INTEGER NOT NULL)
        """
    )


@migrations(name="0004_shards")
def _shards(db: Database) -> None:
    """Each subscription and outbox row carries its workspace's shard, so sweeps can share the work by partition."""
    from bot.store.drivers.sql.database import shard_of

    _run_script(db, """
        ALTER TABLE subscriptions ADD COLUMN shard INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE outbox ADD COLUMN shard INTEGER NOT NULL DEFAULT 0
    """)
    for table in ("subscriptions", "outbox"):
        for (workspace_id,) in db.execute(f"SELECT DISTINCT workspace_id FROM {table}").fetchall():
            db.execute(f"UPDATE {table} SET shard = ? WHERE workspace_id = ?", (shard_of(workspace_id), workspace_id))


@migrations(name="0005_reports")
def _reports(db: Database) -> None:
    """Learners' reports of a question (one per learner and question); open while ``resolved_at`` is NULL."""
    _run_script(db, """
        CREATE TABLE reports (
            id INTEGER PRIMARY KEY,
            workspace_id TEXT NOT NULL,
            user_id TEXT NOT NULL,
            question_id TEXT NOT NULL,
            reason TEXT NOT NULL,
            text TEXT NOT NULL DEFAULT '',
            created_at INTEGER NOT NULL,
            resolved_at INTEGER,
            resolution TEXT,
            UNIQUE (workspace_id, question_id, user_id)
        );
        CREATE INDEX reports_learner ON reports (workspace_id, user_id);
        CREATE INDEX reports_open ON reports (workspace_id, question_id) WHERE resolved_at IS NULL
    """)


@migrations(name="0006_workspace_content")
def _workspace_content(db: Database) -> None:
    """A workspace's own tracks (their YAML as imported), its content revision, and admins' pending uploads."""
    _run_script(db, """
        CREATE TABLE workspace_tracks (
            workspace_id TEXT NOT NULL,
            track_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            filename TEXT NOT NULL,
            source TEXT NOT NULL,
            imported_by TEXT NOT NULL,
            imported_at INTEGER NOT NULL,
            PRIMARY KEY (workspace_id, track_id)
        ) WITHOUT ROWID;
        CREATE TABLE workspace_content (workspace_id TEXT PRIMARY KEY, revision INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE content_uploads (
            workspace_id TEXT NOT NULL,
            user_id TEXT NOT NULL,
            expires_at INTEGER NOT NULL,
            PRIMARY KEY (workspace_id, user_id)
        ) WITHOUT ROWID
    """)


@migrations(name="0007_retention")
def _retention(db: Database) -> None:
    """Each learner's desired retention (FSRS's main setting), and the FSRS parameters fitted to a workspace's reviews."""
    _run_script(db, """
        ALTER TABLE learners ADD COLUMN desired_retention REAL NOT NULL DEFAULT 0.9;
        CREATE TABLE fsrs_parameters (
            workspace_id TEXT PRIMARY KEY REFERENCES workspaces(id),
            parameters TEXT NOT NULL,
            reviews INTEGER NOT NULL,
            fitted_at INTEGER NOT NULL
        ) WITHOUT ROWID
    """)


def _run_script(db: Database, script: str) -> None:
    """Run statements one by one: ``executescript`` would commit the migration's open transaction."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def apply_migrations(db: Database) -> None:
    migrations.apply(db)
    platform_migrations.apply(db)
