"""``aipm content ...``: validate, count and audit the curriculum, analyse its items from live answers, list
learners' reports, and import a workspace's own track."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from app.db_cli import DB_OPTION_HELP, open_database
from app.settings import load_settings
from bot.analysis import ItemStatsReport, item_stats
from bot.audit import AuditReport, audit_questions
from bot.content import ContentError, CoursePolicy, Curriculum, load_curriculum
from bot.store import Store, StoreUnavailable
from bot.workspace_content.curricula import WorkspaceCurricula


def _load(args: argparse.Namespace, policy: CoursePolicy | None = None) -> Curriculum | None:
    settings = load_settings()
    directory = Path(args.dir or settings.content_dir)
    try:
        return load_curriculum(directory, policy or CoursePolicy.named(settings.content_policy))
    except ContentError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print(f"\n{len(error.problems)} problem(s): the curriculum was not loaded.", file=sys.stderr)
        return None


def _content_validate(args: argparse.Namespace) -> int:
    curriculum = _load(args)
    if curriculum is None:
        return 1
    stats = curriculum.stats()
    print(f"OK: {stats['tracks']} tracks, {stats['tips']} tips, {stats['questions']} questions, {stats['path_days']} path days.")
    return 0


def _content_stats(args: argparse.Namespace) -> int:
    curriculum = _load(args)
    if curriculum is None:
        return 1
    stats = curriculum.stats()
    if args.json:
        print(json.dumps(stats, indent=2))
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Curriculum: {stats['tips']} tips, {stats['questions']} questions, {stats['path_days']} path days")
    for column in ("track", "tips", "questions", "tips d1/d2/d3", "questions d1/d2/d3"):
        table.add_column(column)
    for track_id, row in stats["by_track"].items():
        td, qd = row["tips_by_difficulty"], row["questions_by_difficulty"]
        table.add_row(track_id, str(row["tips"]), str(row["questions"]), f"{td['1']}/{td['2']}/{td['3']}", f"{qd['1']}/{qd['2']}/{qd['3']}")
    console = Console()
    console.print(table)
    shares = ", ".join(f"{k}: {v} ({stats['correct_position_share'][k]:.0%})" for k, v in stats["correct_positions"].items())
    console.print(f"Correct positions: {shares}")
    return 0


def _content_audit(args: argparse.Namespace) -> int:
    # Structure only: a writer audits drafts before they meet the course's volume rules.
    curriculum = _load(args, CoursePolicy.relaxed())
    if curriculum is None:
        return 1
    if args.workspace and not args.db:
        print("--workspace picks whose answers the live figures read: give --db too (the database to read them from).", file=sys.stderr)
        return 1
    report = audit_questions(list(curriculum.questions.values()))
    live = _live_item_stats(args, curriculum) if args.db else None
    if args.db and live is None:
        return 1
    if args.json:
        document = report.as_dict()
        if live is not None:
            from app.item_stats_view import json_document

            document["live"] = json_document(live[0], live[1], args.workspace)
        print(json.dumps(document, indent=2))
    else:
        _print_audit(report, live, args.workspace)
    return 0 if report.ok or args.advice else 1


def report_counts_for(store: Store, workspace: str | None) -> dict[str, int]:
    """Learners' reports per question id (open or resolved), for the ``reports`` column and flag: the one
    place item analysis reads them."""
    return store.repo.report_counts(workspace)


def _live_item_stats(args: argparse.Namespace, curriculum: Curriculum) -> tuple[ItemStatsReport, str] | None:
    """Item analysis of ``--db`` (only ``--workspace``'s answers when given) and the database's printable name,
    or None after saying why not. One workspace's answers are read against the curriculum it sees (the course
    plus the tracks its admins imported), so its own questions are analysed, not left out as gone."""
    opened = open_database(args)
    if opened is None:
        return None
    url, store = opened
    try:
        if args.workspace is not None and store.repo.get_workspace(args.workspace) is None:
            print(f"No workspace {args.workspace!r} in {url.redacted()}: check the id (a Slack team id such as T0123ABCD, "
                  "a Discord server id, or 'console'), or leave out --workspace to analyse every workspace.", file=sys.stderr)
            return None
        seen = curriculum if args.workspace is None else WorkspaceCurricula(store.repo, curriculum).seen_by(args.workspace)
        attempts = store.repo.first_attempts(args.workspace)
        report = item_stats(list(seen.questions.values()), attempts, report_counts_for(store, args.workspace))
    except StoreUnavailable as error:
        print(f"Could not read the answers from {url.redacted()}: {error}. Nothing was changed; try again.", file=sys.stderr)
        return None
    finally:
        store.close()
    return report, url.redacted()


def _content_item_stats(args: argparse.Namespace) -> int:
    curriculum = _load(args, CoursePolicy.relaxed())
    live = _live_item_stats(args, curriculum) if curriculum is not None else None
    if live is None:
        return 1
    from app.item_stats_view import json_document, print_item_stats, scope

    report, database = live
    if args.json:
        print(json.dumps(json_document(report, database, args.workspace), indent=2))
    else:
        print_item_stats(report, scope(database, args.workspace))
    return 0


def _print_audit(report: AuditReport, live: tuple[ItemStatsReport, str] | None = None, workspace: str | None = None) -> None:
    from rich.console import Console
    from rich.table import Table

    from app.item_stats_view import live_note, print_live_section, scope, wide_console

    notes = live_note(live[0] if live else None)
    console = wide_console() if live else Console()
    shown = [s for s in report.strategies if not s.name.startswith("always-")]
    table = Table(title=f"Test-wise strategies over {report.questions} questions (chance {report.chance:.0%})")
    table.add_column("track")
    for strategy in shown:
        table.add_column(strategy.name.removeprefix("pick-").replace("options-only-", ""), justify="right")
    table.add_column("top position", justify="right")
    positions = [s for s in report.strategies if s.name.startswith("always-")]
    tracks = sorted(shown[0].by_track) if shown else []

    def cell(score: float, limit: float) -> str:
        return f"[red]{score:.0%}[/red]" if score > limit + 1e-9 else f"{score:.0%}"

    for track in tracks:
        top = max(positions, key=lambda s: s.by_track[track])
        table.add_row(track, *(cell(s.by_track[track], s.limit_track) for s in shown),
                      f"{top.name[-1]} {cell(top.by_track[track], top.limit_track)}")
    top = max(positions, key=lambda s: s.bank)
    table.add_row("[b]whole bank[/b]", *(cell(s.bank, s.limit_bank) for s in shown), f"{top.name[-1]} {cell(top.bank, top.limit_bank)}")
    console.print(table)
    for strategy in shown:
        if strategy.bank > report.chance + 0.05 or strategy.failures:
            items = ", ".join(item["id"] + (f" ({notes[item['id']]})" if item["id"] in notes else "") for item in strategy.worst_items)
            console.print(f"Items that give themselves away to {strategy.name}: {items}")
    for kind, found in (("Negative stems", report.negative_stems),
                        ("Options shared verbatim", [f"{o['option']!r} in {', '.join(o['questions'])}" for o in report.shared_options]),
                        ("Near-duplicates across tracks", [f"{d['first']} ~ {d['second']} ({d['similarity']})" for d in report.near_duplicates])):
        if found:
            console.print(f"{kind}: " + "; ".join(found))
    summary: list[Any] = report.failures or [f"every strategy within its limit ({report.strategies[0].limit_bank:.0%} over the bank, "
                                             f"{report.strategies[0].limit_track:.0%} in a track)"]
    console.print(("[red]FAIL[/red]: " if report.failures else "[green]OK[/green]: ") + "; ".join(summary))
    if live is not None:
        print_live_section(live[0], scope(live[1], workspace), console)


def _content_import(args: argparse.Namespace) -> int:
    """Import a track for one workspace straight into the configured database, as its admin would in chat."""
    from adapters.console.render import render_plain
    from app.wiring import build_core
    from bot.context import Context, Upload
    from bot.workspace_content.use_case import import_track

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as error:
        print(f"{path}:1: cannot read the file: {error.strerror}", file=sys.stderr)
        return 1
    try:
        core = build_core(load_settings(), db=args.db)
    except ContentError as error:
        print("The curriculum is invalid:\n" + "\n".join(error.problems), file=sys.stderr)
        return 1
    try:
        workspace = core.repo.get_workspace(args.workspace)
        ctx = Context(workspace_id=args.workspace, platform=workspace.platform if workspace else "console", user_id="", is_admin=True)
        reply = import_track(core.service.deps.seen_from(args.workspace), ctx, Upload(path.name, data))
    finally:
        core.store.close()
    failed = reply.kind == "error"
    print(render_plain(reply), file=sys.stderr if failed else sys.stdout)
    return 1 if failed else 0


def add_content_commands(sub: Any) -> None:
    content = sub.add_parser("content", help="check the curriculum")
    content_sub = content.add_subparsers(dest="content_command", required=True)
    validate = content_sub.add_parser("validate", help="validate every content file; print file:line: reason for each problem")
    validate.add_argument("--dir", help="content directory (default: ./content)")
    validate.set_defaults(func=_content_validate)
    stats = content_sub.add_parser("stats", help="counts by track, kind and difficulty, and correct positions")
    stats.add_argument("--dir", help="content directory (default: ./content)")
    stats.add_argument("--json", action="store_true", help="machine-readable output")
    stats.set_defaults(func=_content_stats)
    audit = content_sub.add_parser(
        "audit", help="score test-wise strategies (option length, stem overlap, an options-only classifier) over the question bank",
        description="Does a right answer mean the learner knew it? Scores every guessing strategy over the bank and per track; "
                    "exits 1 when one beats its limit. With --db, the live answers' item analysis (see item-stats) is shown beside it.",
        epilog="example: aipm content audit --json | jq .strategies",
    )
    audit.add_argument("--dir", help="content directory (default: ./content)")
    audit.add_argument("--json", action="store_true", help="machine-readable output")
    audit.add_argument("--advice", action="store_true", help="report only: exit 0 even when a strategy beats its limit")
    audit.add_argument("--db", help="also show item analysis from this database's answers (SQLite file or database URL)")
    audit.add_argument("--workspace", metavar="ID", help="with --db: only this workspace's answers")
    audit.set_defaults(func=_content_audit)
    item = content_sub.add_parser(
        "item-stats", help="item analysis from live answers: difficulty, discrimination, option shares and flags per question",
        description="Per question, from each learner's first attempt: how many, the share right (difficulty), the point-biserial "
                    "against the learner's accuracy on their other first attempts (discrimination), how often each option is "
                    "chosen, reports, and flags (too easy, too hard, negative discrimination, dead distractors, reported) once "
                    "the sample is large enough.",
        epilog="example: aipm content item-stats --db aipm.db --workspace T0123ABCD --json | jq '.questions[] | select(.flags != [])'",
    )
    item.add_argument("--dir", help="content directory (default: ./content)")
    item.add_argument("--db", help=DB_OPTION_HELP)
    item.add_argument("--workspace", metavar="ID", help="only this workspace's answers (default: every workspace)")
    item.add_argument("--json", action="store_true", help="machine-readable output")
    item.set_defaults(func=_content_item_stats)

    from app.content_reports import add_reports_command

    add_reports_command(content_sub)
    imports = content_sub.add_parser(
        "import", help="add (or replace) one workspace's own track from a YAML file, in the configured database",
        description="Validate FILE with the course's rules (every problem as file:line: reason; nothing stored unless all of it is valid), "
                    "then store it as a track only workspace ID sees. Importing the same track id again replaces it.",
        epilog="example: aipm content import --workspace console acme-policy.yaml",
    )
    imports.add_argument("--workspace", required=True, metavar="ID", help="the workspace: a Slack team id, a Discord server id, or console")
    imports.add_argument("--db", help="database file or URL (default: AIPM_DATABASE_URL / AIPM_DB)")
    imports.add_argument("file", metavar="FILE", help="a track file in the course's YAML format")
    imports.set_defaults(func=_content_import)
