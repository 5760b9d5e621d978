"""The FSRS optimizer's fit needs torch, an optional extra: ``make test`` installs a CPU build where one is on hand."""

from __future__ import annotations

import importlib.util
import os

import pytest


def require_optimizer() -> None:
    """Skip (one line saying why) where torch or pandas is not installed; under CI, fail instead."""
    missing = [name for name in ("torch", "pandas") if importlib.util.find_spec(name) is None]
    if not missing:
        return
    reason = f"the FSRS optimizer needs {' and '.join(missing)} (pip install -e '.[optimizer]' after a CPU build of torch)"
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the optimizer's fit, but {reason}")
    pytest.skip(reason)
