"""Build the core from settings, once, for every entry point."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.settings import Settings
from bot.clock import Clock, SystemClock
from bot.content import CoursePolicy, Curriculum, load_curriculum
from bot.service import CompanionService
from bot.store import Repository, Store
from bot.store.drivers import open_store


@dataclass
class Core:
    settings: Settings
    store: Store
    repo: Repository
    content: Curriculum
    clock: Clock
    service: CompanionService


def build_core(
    settings: Settings, db: str | Path | None = None, clock: Clock | None = None, content: Curriculum | None = None,
    service_class: type[CompanionService] = CompanionService,
) -> Core:
    curriculum = content or load_curriculum(settings.content_dir, CoursePolicy.named(settings.content_policy))
    store = open_store(settings.database(str(db) if db is not None else None))
    the_clock = clock or SystemClock()
    service = service_class(store.repo, curriculum, the_clock)
    service.deps.report_pause_threshold = settings.report_pause_threshold
    return Core(settings, store, store.repo, curriculum, the_clock, service)
