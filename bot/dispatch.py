"""Which use case answers which command: each use case registers itself with ``@handles(SomeCommand)``.

The command table (``bot.commands``) says how a command is typed, listed and registered on each platform;
this registry says what runs. Adding a command is one table entry and one decorated function.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from bot.deps import Asker, Deps
from bot.messages import Reply

C = TypeVar("C")
UseCase = Callable[[Deps, Asker, C], Reply]

_HANDLERS: dict[type[Any], UseCase[Any]] = {}


def handles(kind: type[C]) -> Callable[[UseCase[C]], UseCase[C]]:
    """Register the decorated function as the use case for commands of type ``kind`` (one per type)."""

    def register(use_case: UseCase[C]) -> UseCase[C]:
        existing = _HANDLERS.get(kind)
        if existing is not None and existing is not use_case and existing.__qualname__ != use_case.__qualname__:
            raise ValueError(f"{kind.__name__} is already handled by {existing.__qualname__}")
        _HANDLERS[kind] = use_case
        return use_case

    return register


def use_case_for(command: object) -> UseCase[Any] | None:
    return _HANDLERS.get(type(command))


def forget_handler(kind: type[Any]) -> None:
    """Tests that register a command of their own take it away again."""
    _HANDLERS.pop(kind, None)
