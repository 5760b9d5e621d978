r"""The neutral reply model: what the core says, before any adapter turns it into Block Kit or an embed.

Markup is a small Markdown subset every adapter can translate: ``**bold**``, ``_italic_`` and ``\`code\```.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ButtonStyle = Literal["default", "primary", "danger"]

# Stable action ids: adapters route button clicks back to the core with these.
ACTION_ANSWER = "aipm_answer"
ACTION_START_QUIZ = "aipm_quiz"
ACTION_FORGET_CONFIRM = "aipm_forget_confirm"
ACTION_FORGET_CANCEL = "aipm_forget_cancel"
ACTION_NEXT_TIP = "aipm_tip"
ACTIONS = (ACTION_ANSWER, ACTION_START_QUIZ, ACTION_FORGET_CONFIRM, ACTION_FORGET_CANCEL, ACTION_NEXT_TIP)


@dataclass(frozen=True)
class Button:
    """A clickable choice; ``value`` travels back untouched with ``action_id``."""

    label: str
    action_id: str
    value: str = ""
    style: ButtonStyle = "default"


@dataclass(frozen=True)
class Section:
    """A block of text, optionally with a heading and a row of buttons."""

    text: str
    title: str | None = None
    buttons: tuple[Button, ...] = ()


@dataclass(frozen=True)
class Image:
    """A chart or heatmap rendered by the core as PNG bytes."""

    png: bytes
    alt: str
    filename: str = "chart.png"


ReplyKind = Literal[
    "help", "tip", "quiz", "answer", "streak", "stats", "review", "leaderboard", "tracks", "track",
    "settings", "subscribe", "unsubscribe", "forget", "error", "info", "home", "delivery",
]


@dataclass(frozen=True)
class Reply:
    """One message from the core.

    ``text`` is always a complete plain fallback (notifications, screen readers, the console);
    ``private`` asks the adapter to show it to the asker only; ``replace_original`` asks it to
    update the message a button was clicked on instead of posting a new one.
    """

    text: str
    kind: ReplyKind = "info"
    sections: tuple[Section, ...] = ()
    image: Image | None = None
    private: bool = True
    replace_original: bool = False
    quiz_instance_id: str | None = None
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def buttons(self) -> tuple[Button, ...]:
        return tuple(b for s in self.sections for b in s.buttons)


def error_reply(text: str) -> Reply:
    """A friendly, private error that says what to do next."""
    return Reply(text=text, kind="error", sections=(Section(text=text),), private=True)
