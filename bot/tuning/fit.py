"""fsrs's Optimizer, which needs torch: an optional extra (``pip install 'aipm-companion[optimizer]'``).

Nothing here is imported until a fit is asked for, so the bot starts and runs without torch; asking for a
fit without it gets an instruction (``bot.render.tuning``), not a traceback.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib.util import find_spec

from fsrs import ReviewLog

_NEEDS = ("torch", "pandas", "tqdm")


def missing_packages() -> list[str]:
    """The optimizer's packages that are not installed (fsrs imports them all or offers a stub)."""
    return [name for name in _NEEDS if find_spec(name) is None]


def fit_with_optimizer(logs: list[ReviewLog]) -> Sequence[float]:
    """fsrs's own fit (Adam over 5 epochs, seeded, so the same log gives the same parameters)."""
    from fsrs.optimizer import Optimizer

    return tuple(float(p) for p in Optimizer(logs).compute_optimal_parameters())
