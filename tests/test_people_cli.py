"""The `aipm` command line as a newcomer meets it: help with no arguments, a version, and every option explained."""

from __future__ import annotations

import argparse
from importlib.metadata import version
from pathlib import Path

import pytest

from app.cli import build_parser, main, subparsers_of
from tests.conftest import FIXTURE_CONTENT
from tests.test_console import run_cli


def test_aipm_with_no_arguments_prints_help_and_succeeds() -> None:
    result = run_cli()
    assert result.returncode == 0, result.stderr
    assert "usage: aipm" in result.stdout
    assert "console" in result.stdout
    assert "example" in result.stdout


def test_main_with_no_arguments_returns_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    assert "usage: aipm" in capsys.readouterr().out


def test_aipm_version_prints_the_installed_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"aipm {version('aipm-companion')}"


def every_parser() -> list[argparse.ArgumentParser]:
    root = build_parser()
    return [root, *subparsers_of(root)]


def test_the_walk_reaches_every_subcommand() -> None:
    progs = {parser.prog for parser in every_parser()}
    assert {"aipm console", "aipm db backup", "aipm discord invite-url", "aipm content validate", "aipm content audit"} <= progs


@pytest.mark.parametrize("parser", every_parser(), ids=lambda p: p.prog)
def test_every_subcommand_has_a_description_an_example_and_help_for_each_option(parser: argparse.ArgumentParser) -> None:
    assert parser.description, f"{parser.prog} has no description"
    epilog = parser.epilog or ""
    assert "example" in epilog, f"{parser.prog} has no example"
    assert "aipm" in epilog, f"{parser.prog}'s example does not run aipm"
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            continue
        where = f"{parser.prog} {action.option_strings or action.dest}"
        assert action.help, f"{where} has no help line"
        assert action.help != argparse.SUPPRESS, f"{where} hides its help"
    help_text = parser.format_help()
    assert "example" in help_text


def test_console_exit_through_the_cli(tmp_path: Path) -> None:
    env = {"AIPM_CONTENT_DIR": str(FIXTURE_CONTENT), "AIPM_CONTENT_POLICY": "relaxed"}
    result = run_cli("console", "--db", str(tmp_path / "c.db"), "--user", "ada", stdin="hi\nexit\nquiz\n", env=env)
    assert result.returncode == 0, result.stderr
    assert "`quiz`" not in result.stdout  # plain output strips the markup
    assert "Try tip" in result.stdout
    assert "Bye!" in result.stdout
    assert "> quiz" not in result.stdout


@pytest.mark.parametrize("command", [["console"], ["deliver-due"], ["content", "item-stats"]])
def test_a_file_that_is_not_a_database_is_one_sentence_and_stays_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str],
) -> None:
    bad = tmp_path / "notes.db"
    bad.write_text("my shopping list, not a database\n" * 40)
    before = bad.read_bytes()

    assert main([*command, "--db", str(bad)]) in (1, 2)

    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "not a database" in err
    assert bad.read_bytes() == before
