"""Who is asking and where, and the one core surface every adapter calls.

Adapters build a ``Context`` from their platform's request and hand it to a ``Companion`` with the text
typed after ``/aipm`` or the button clicked; the reply comes back as a neutral ``bot.messages.Reply``.
Both live here, apart from the use cases, so an adapter depends on this small contract and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.messages import Reply


@dataclass(frozen=True)
class Context:
    """Who is asking, and where. Adapters fill it from the platform's request."""

    workspace_id: str
    platform: str
    user_id: str
    display_name: str = ""
    channel_id: str | None = None
    is_dm: bool = False
    is_admin: bool = False
    platform_tz: str | None = None
    workspace_name: str = ""

    @property
    def in_private(self) -> bool:
        """A direct message, or a request with no channel at all (the App Home): as private as a DM."""
        return self.is_dm or self.channel_id is None


@dataclass(frozen=True)
class Upload:
    """A file a person sent with a command (a track to import): its name as sent, and its bytes."""

    filename: str
    data: bytes


class Companion(Protocol):
    """The core as every adapter sees it (``bot.service.CompanionService`` is the implementation)."""

    def handle_text(self, ctx: Context, text: str) -> Reply:
        """One command typed after ``/aipm``."""
        ...

    def handle_action(self, ctx: Context, action_id: str, value: str) -> Reply:
        """A button click routed back with its action id and value."""
        ...

    def home(self, ctx: Context) -> Reply:
        """The summary a home surface shows (Slack's App Home)."""
        ...

    def answer_options(self, ctx: Context) -> list[tuple[str, str]]:
        """``(letter, text)`` for each option of the asker's open quiz, for a platform that offers them as the
        user types (Discord's autocomplete); empty without one. Reads only: nobody is created for asking."""
        ...

    def handle_upload(self, ctx: Context, text: str, upload: Upload) -> Reply:
        """A command that takes a file (``admin import``), with the file the person sent."""
        ...

    def awaits_upload(self, ctx: Context) -> bool:
        """Whether the asker asked to import and their next file is it (Slack: a file sent in the DM)."""
        ...

    def track_options(self, ctx: Context) -> list[tuple[str, str]]:
        """``(id, title)`` of every track the asker's workspace can follow (the course and its own), for a
        platform that offers them as the user types. Reads only."""
        ...
