"""The shape of the house, checked: which way imports point, and that core modules stay small.

The core (``bot``) imports no adapter, no entry point and no platform library; adapters import no entry
point and reach the core through ``bot.context`` rather than the use-case facade; no core module outside
``bot/store`` (the storage drivers, restructured separately) grows past 300 lines.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 300
PLATFORM_LIBRARIES = ("slack_sdk", "slack_bolt", "discord", "aiohttp")


def imports_of(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("path", modules("bot"), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_core_imports_no_adapter_entry_point_or_platform(path: Path) -> None:
    bad = {m for m in imports_of(path) if m.split(".")[0] in ("adapters", "app", *PLATFORM_LIBRARIES)}
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


@pytest.mark.parametrize("path", modules("adapters"), ids=lambda p: str(p.relative_to(ROOT)))
def test_adapters_never_import_the_app_or_the_facade(path: Path) -> None:
    bad = {m for m in imports_of(path) if m.split(".")[0] == "app" or m == "bot.service"}
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


@pytest.mark.parametrize(
    "path", [p for p in modules("bot") if "store" not in p.relative_to(ROOT / "bot").parts], ids=lambda p: str(p.relative_to(ROOT)),
)
def test_no_core_module_is_over_300_lines(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines; split it by concept"
