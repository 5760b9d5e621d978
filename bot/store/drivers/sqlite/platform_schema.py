"""The platform-state tables (Slack's OAuth installations and states, and the deliveries already handled),
versioned under the name they shipped with, apart from the learning schema in ``schema.py``.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

platform_migrations = Migrations("slack")


@platform_migrations(name="0001_slack_oauth_and_dedupe")
def _oauth_and_dedupe(db: Database) -> None:
    statements = (
        # One row per OAuth installation (bot and/or installing user); ``data`` keeps every field
        # slack_sdk's Installation carries so a round trip loses nothing.
        """CREATE TABLE slack_installations (
            id INTEGER PRIMARY KEY,
            client_id TEXT NOT NULL,
            enterprise_id TEXT,
            team_id TEXT,
            user_id TEXT NOT NULL,
            is_enterprise_install INTEGER NOT NULL DEFAULT 0,
            installed_at REAL NOT NULL,
            data TEXT NOT NULL
        )""",
        "CREATE INDEX slack_installations_lookup ON slack_installations (client_id, enterprise_id, team_id, user_id, installed_at)",
        """CREATE TABLE slack_bots (
            id INTEGER PRIMARY KEY,
            client_id TEXT NOT NULL,
            enterprise_id TEXT,
            team_id TEXT,
            is_enterprise_install INTEGER NOT NULL DEFAULT 0,
            installed_at REAL NOT NULL,
            data TEXT NOT NULL
        )""",
        "CREATE INDEX slack_bots_lookup ON slack_bots (client_id, enterprise_id, team_id, installed_at)",
        "CREATE TABLE slack_oauth_states (state TEXT PRIMARY KEY, expires_at INTEGER NOT NULL)",
        # Deliveries already handled (event ids, interaction keys), so Slack's retries never apply twice.
        "CREATE TABLE slack_processed (key TEXT PRIMARY KEY, seen_at INTEGER NOT NULL)",
        "CREATE INDEX slack_processed_age ON slack_processed (seen_at)",
    )
    for statement in statements:
        db.execute(statement)
