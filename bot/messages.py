r"""The neutral reply model: what the core says, before any adapter turns it into Block Kit or an embed.

Markup is a small Markdown subset every adapter can translate: ``**bold**``, ``_italic_`` and ``\`code\```.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

ButtonStyle = Literal["default", "primary", "danger"]

# Stable action ids: adapters route button clicks back to the core with these.
ACTION_ANSWER = "aipm_answer"
ACTION_START_QUIZ = "aipm_quiz"
ACTION_FORGET_CONFIRM = "aipm_forget_confirm"
ACTION_FORGET_CANCEL = "aipm_forget_cancel"
ACTION_NEXT_TIP = "aipm_tip"
ACTION_REPORT = "aipm_report"
"""Value: a question id; asks the learner what is wrong with it."""
ACTION_REPORT_REASON = "aipm_report_reason"
"""Value: ``<question id>:<reason>``; files the report."""
ACTIONS = (ACTION_ANSWER, ACTION_START_QUIZ, ACTION_FORGET_CONFIRM, ACTION_FORGET_CANCEL, ACTION_NEXT_TIP, ACTION_REPORT, ACTION_REPORT_REASON)


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


class Image:
    """A chart rendered by the core as PNG bytes.

    ``png`` may be given as a function that draws the bytes: it runs once, the first time ``png`` is read.
    A use case runs inside the transaction that records it, and drawing the progress card takes about
    0.1 s; deferred, it happens when an adapter sends the picture, with no database lock held.

    ``key``, when given, names what the picture shows: two images with the same key draw the same bytes, so an
    adapter may reuse an upload it made for that key without drawing again (Slack's App Home does).
    """

    __slots__ = ("_lock", "_png", "alt", "filename", "key")

    def __init__(self, png: bytes | Callable[[], bytes], alt: str, filename: str = "chart.png", key: str | None = None) -> None:
        self._png = png
        self._lock = threading.Lock()
        self.alt = alt
        self.filename = filename
        self.key = key

    @property
    def png(self) -> bytes:
        with self._lock:
            if not isinstance(self._png, bytes):
                self._png = self._png()
            return self._png

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Image):
            return NotImplemented
        return (self.alt, self.filename, self.png) == (other.alt, other.filename, other.png)

    def __hash__(self) -> int:
        return hash((self.alt, self.filename))

    def __repr__(self) -> str:
        return f"Image(alt={self.alt!r}, filename={self.filename!r})"


@dataclass(frozen=True)
class Attachment:
    """A file the core hands the asker (their data export). Adapters deliver it privately, never to a channel:
    a Slack DM, an ephemeral Discord reply, a file on disk for the console."""

    filename: str
    content: bytes = field(repr=False)
    mime: str
    title: str = ""


@dataclass(frozen=True)
class AnswerOutcome:
    """What an answer did: the letter chosen, and whether it was right (None when it was already answered,
    so nothing was graded this time)."""

    letter: str
    correct: bool | None
    already: bool = False


@dataclass(frozen=True)
class Counts:
    """The numbers a reply states, as numbers: for metrics, adapters' choices and tests, never for wording."""

    streak: int | None = None
    best_streak: int | None = None
    reviews_due: int | None = None
    answered: int | None = None
    correct: int | None = None


PostKind = Literal["daily", "nudge", "recap", "notice"]


@dataclass(frozen=True)
class PostFacts:
    """A scheduled post's kind and the material it carries (daily posts name their tip and question)."""

    kind: PostKind
    origin: Literal["channel", "dm"] | None = None
    question_id: str | None = None
    tip_id: str | None = None


ReplyKind = Literal[
    "help", "tip", "quiz", "answer", "streak", "stats", "review", "leaderboard", "tracks", "track",
    "settings", "subscribe", "unsubscribe", "forget", "export", "team", "report", "error", "info", "home", "delivery",
]


@dataclass(frozen=True)
class Reply:
    """One message from the core.

    ``text`` is always a complete plain fallback (notifications, screen readers, the console);
    ``private`` asks the adapter to show it to the asker only; ``replace_original`` asks it to
    update the message a button was clicked on instead of posting a new one. The typed facts after it
    (``answer``, ``counts``, ``post``, ``tz_hint``, ``next_due_at``) say what happened, for code to read.
    """

    text: str
    kind: ReplyKind = "info"
    sections: tuple[Section, ...] = ()
    image: Image | None = None
    attachment: Attachment | None = None
    private: bool = True
    replace_original: bool = False
    quiz_instance_id: str | None = None
    answer: AnswerOutcome | None = None
    counts: Counts = field(default_factory=Counts)
    post: PostFacts | None = None
    tz_hint: bool = False
    """The reply ends with the hint on setting a time zone (a new learner's first reply)."""
    next_due_at: datetime | None = None
    """When a subscription just made will first post."""

    @property
    def buttons(self) -> tuple[Button, ...]:
        return tuple(b for s in self.sections for b in s.buttons)


def error_reply(text: str) -> Reply:
    """A friendly, private error that says what to do next."""
    return Reply(text=text, kind="error", sections=(Section(text=text),), private=True)
