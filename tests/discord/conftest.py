"""Run ``async def`` tests here on a fresh event loop each, without a plugin.

The fake Discord serves from the test's loop while the bot runs on its own thread and loop, exactly as in
production; a per-test timeout turns a hang into a failure that names the test.
"""

from __future__ import annotations

import asyncio
import inspect
import sys
from pathlib import Path
from typing import Any

import pytest

# The helpers (fake_discord, discord_world) import by plain name whatever the import mode. This directory
# is deliberately not a package: as one it would be importable as ``discord`` and shadow discord.py.
sys.path.insert(0, str(Path(__file__).resolve().parent))

ASYNC_TEST_TIMEOUT = 45.0


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    arguments: dict[str, Any] = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    asyncio.run(asyncio.wait_for(pyfuncitem.obj(**arguments), ASYNC_TEST_TIMEOUT))
    return True
