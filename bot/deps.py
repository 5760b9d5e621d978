"""What every use case works over: the repository, the curriculum, the clock, and the process's small memory.

Use cases are plain functions of ``(deps, asker, command)``; tests build a ``Deps`` over a real SQLite file
and a fixed clock, and delivery builds its posts from the same functions over the same ``Deps``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Protocol

from bot.clock import Clock
from bot.commands.syntax import Syntax
from bot.content import Curriculum
from bot.context import Context
from bot.reviews import ReviewScheduler
from bot.store.records import Learner, Workspace
from bot.store.repository import Repository
from bot.workspace_content.curricula import WorkspaceCurricula

REVIEW_BATCH = 50  # the most due cards one `review` lines up; the total is counted apart from it
REPORT_PAUSE_THRESHOLD = 3  # distinct learners whose open reports pause a question in their workspace


@dataclass
class Deps:
    """The ports, plus what one process remembers between requests (lost on restart, on purpose)."""

    repo: Repository
    content: Curriculum
    clock: Clock
    reviews: ReviewScheduler = field(default_factory=ReviewScheduler)
    review_batch: int = REVIEW_BATCH
    report_pause_threshold: int = REPORT_PAUSE_THRESHOLD
    """``AIPM_REPORT_PAUSE_THRESHOLD``: how many learners' open reports pause a question in their workspace."""
    workspaces: dict[str, Workspace] = field(default_factory=dict)
    """Workspaces seen by this process: read on every request, so cached."""
    forget_asked_at: dict[tuple[str, str], datetime] = field(default_factory=dict)
    """When each learner was last asked "Are you sure?" about forget-me; a restart just asks again."""
    curricula: WorkspaceCurricula = field(default=None)  # type: ignore[assignment]
    """Each workspace's curriculum (the course plus its own tracks), shared by every view of these deps."""

    def __post_init__(self) -> None:
        if self.curricula is None:
            self.curricula = WorkspaceCurricula(self.repo, self.content)

    @property
    def course(self) -> Curriculum:
        """The bundled course alone, as loaded at start."""
        return self.curricula.course

    def seen_from(self, workspace_id: str) -> Deps:
        """These deps with ``content`` the curriculum as ``workspace_id`` sees it: every workspace-scoped
        decision (tracks, tips, questions, reviews, stats, delivery) runs over this view, never the bare course."""
        content = self.curricula.seen_by(workspace_id)
        return self if content is self.content else replace(self, content=content)


class HasDeps(Protocol):
    """Anything that carries the use cases' ``Deps``: the facade, for delivery to build posts over the same ports."""

    @property
    def deps(self) -> Deps: ...


@dataclass(frozen=True)
class Asker:
    """The learner a request is for, and the context it came in (their record exists by the time a use case runs)."""

    ctx: Context
    learner: Learner

    @property
    def say(self) -> Syntax:
        """How to write a command in a reply to this asker: as their platform takes it."""
        return Syntax(self.ctx.platform)
