"""``aipm content reports``: every learner report across workspaces, for the course's maintainers.

Admins see their own workspace's open reports in the chat (``admin reports``); the people who write the
course need all of them, resolved ones too (an admin's note often says what to fix in the content). It reads
the configured database (``--db``, else ``AIPM_DATABASE_URL``, else ``AIPM_DB``) and never writes to it.
Reporters are not named: what a maintainer needs is the question, the reason and the words.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from app.db_cli import DB_OPTION_HELP, open_database
from bot.store import Store
from bot.store.records import Report


def track_of(question_id: str) -> str:
    """A question id is ``<track>-q-<number>`` (the content schema's rule), so it names its track."""
    return question_id.rsplit("-q-", 1)[0]


def report_rows(store: Store, open_only: bool) -> list[dict[str, Any]]:
    names: dict[str, str] = {}

    def workspace_name(workspace_id: str) -> str:
        if workspace_id not in names:
            workspace = store.repo.get_workspace(workspace_id)
            names[workspace_id] = workspace.name if workspace else ""
        return names[workspace_id]

    def row(report: Report) -> dict[str, Any]:
        return {
            "id": report.id, "question_id": report.question_id, "track": track_of(report.question_id), "reason": report.reason,
            "text": report.text, "workspace_id": report.workspace_id, "workspace": workspace_name(report.workspace_id),
            "status": "open" if report.is_open else "resolved", "reported_at": report.created_at.isoformat().replace("+00:00", "Z"),
            "resolved_at": report.resolved_at.isoformat().replace("+00:00", "Z") if report.resolved_at else None,
            "resolution": report.resolution,
        }

    return [row(r) for r in store.repo.list_reports(None, open_only=open_only)]


def content_reports(args: argparse.Namespace) -> int:
    opened = open_database(args)
    if opened is None:
        return 1
    _, store = opened
    try:
        rows = report_rows(store, args.open)
    finally:
        store.close()
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    if not rows:
        print("No reports yet." if not args.open else "No open reports.")
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Reports on questions: {len(rows)} ({sum(r['status'] == 'open' for r in rows)} open)")
    for column in ("id", "question", "track", "reason", "text", "workspace", "status"):
        table.add_column(column, overflow="fold")
    for r in rows:
        where = f"{r['workspace']} ({r['workspace_id']})" if r["workspace"] else r["workspace_id"]
        status = r["status"] if r["status"] == "open" else f"resolved: {r['resolution']}"
        table.add_row(str(r["id"]), r["question_id"], r["track"], r["reason"], r["text"], where, status)
    Console().print(table)
    return 0


def add_reports_command(content_sub: Any) -> None:
    reports = content_sub.add_parser(
        "reports", help="every learner report on a question, across workspaces (question, track, reason, text, workspace, status)",
        description="Every report learners made on a question, in every workspace, open and resolved, for the course's maintainers.",
        epilog="example: aipm content reports --open --json | jq '.[] | .question_id'",
    )
    reports.add_argument("--db", help=DB_OPTION_HELP)
    reports.add_argument("--json", action="store_true", help="machine-readable output")
    reports.add_argument("--open", action="store_true", help="only reports no admin has resolved yet")
    reports.set_defaults(func=content_reports)
