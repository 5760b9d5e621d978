"""The curriculum's schema: tracks, tips, questions and the guided path, as strict pydantic models.

Unknown keys are refused and text is trimmed, so an author's typo is a load error, not a silent gap.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cached_property
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

LETTERS = "ABCDE"
PATH_TRACK_ID = "path"
_ID = r"[a-z0-9]+(?:-[a-z0-9]+)*"
_TAG = re.compile(rf"^{_ID}$")


class ContentError(Exception):
    """The curriculum is invalid; ``problems`` lists every ``file:line: reason``."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def _clean(text: str) -> str:
    return " ".join(text.split())


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, populate_by_name=True)


class TrackInfo(_Strict):
    id: str = Field(pattern=rf"^{_ID}$", max_length=48)
    title: str = Field(min_length=3, max_length=60)
    summary: str = Field(min_length=10, max_length=300)
    order: int = Field(ge=1, le=99)


def _check_tags(tags: list[str]) -> list[str]:
    for tag in tags:
        if not _TAG.match(tag):
            raise ValueError(f"tag {tag!r} must be lowercase-with-dashes")
    if len(set(tags)) != len(tags):
        raise ValueError("tags repeat")
    return tags


class Tip(_Strict):
    id: str = Field(pattern=rf"^{_ID}-tip-\d{{2,3}}$")
    title: str = Field(min_length=3, max_length=80)
    body: str = Field(min_length=40, max_length=600)
    try_this: str = Field(min_length=10, max_length=240)
    tags: list[str] = Field(min_length=1, max_length=4)
    difficulty: int = Field(ge=1, le=3)
    cite: str | None = Field(default=None, max_length=80)

    _tags = field_validator("tags")(_check_tags)

    @property
    def track_id(self) -> str:
        return self.id.rsplit("-tip-", 1)[0]

    @property
    def similarity_text(self) -> str:
        return f"{self.title} {self.body}"


class Option(_Strict):
    """One choice of a question. A wrong option carries ``feedback``: the belief it stands for and why it
    fails here, shown to the learner who picked it (the question's explanation covers the key)."""

    text: str = Field(min_length=1, max_length=160)
    feedback: str | None = Field(default=None, min_length=20, max_length=300)

    @model_validator(mode="before")
    @classmethod
    def _from_plain_text(cls, value: Any) -> Any:
        # A bare string is an option without feedback: allowed for drafts and a workspace's own files;
        # the bundled course's policy asks for feedback on every wrong option.
        return {"text": value} if isinstance(value, str) else value


class Question(_Strict):
    id: str = Field(pattern=rf"^{_ID}-q-\d{{2,3}}$")
    prompt: str = Field(min_length=10, max_length=400)
    choices: list[Option] = Field(alias="options", min_length=3, max_length=5)
    answer: str = Field(pattern=r"^[A-E]$")
    explanation: str = Field(min_length=20, max_length=600)
    tags: list[str] = Field(min_length=1, max_length=4)
    difficulty: int = Field(ge=1, le=3)
    cite: str | None = Field(default=None, max_length=80)

    _tags = field_validator("tags")(_check_tags)

    @field_validator("choices")
    @classmethod
    def _options_distinct(cls, choices: list[Option]) -> list[Option]:
        if len({_clean(o.text).lower() for o in choices}) != len(choices):
            raise ValueError("two options have the same text")
        return choices

    @model_validator(mode="after")
    def _answer_exists(self) -> Question:
        if LETTERS.index(self.answer) >= len(self.choices):
            raise ValueError(f"answer {self.answer} names no option (there are {len(self.choices)})")
        if self.choices[self.correct_index].feedback:
            raise ValueError(f"option {self.answer} is the answer: it takes no feedback (the explanation says why it is right)")
        return self

    @cached_property
    def options(self) -> list[str]:
        """The options' texts, in letter order."""
        return [choice.text for choice in self.choices]

    def feedback_for(self, letter: str) -> str | None:
        """Why the option ``letter`` is wrong, for a learner who picked it (None for the key or no feedback)."""
        index = LETTERS.find(letter)
        return self.choices[index].feedback if 0 <= index < len(self.choices) else None

    @property
    def missing_feedback(self) -> list[str]:
        """Letters of wrong options that carry no feedback."""
        return [LETTERS[i] for i, c in enumerate(self.choices) if i != self.correct_index and not c.feedback]

    @property
    def track_id(self) -> str:
        return self.id.rsplit("-q-", 1)[0]

    @property
    def correct_index(self) -> int:
        return LETTERS.index(self.answer)

    @property
    def letters(self) -> str:
        return LETTERS[: len(self.options)]

    @property
    def similarity_text(self) -> str:
        return f"{self.prompt} {' '.join(self.options)}"


class TrackFile(_Strict):
    track: TrackInfo
    tips: list[Tip] = Field(default_factory=list)
    questions: list[Question] = Field(default_factory=list)


class PathDay(_Strict):
    day: int = Field(ge=1, le=366)
    tip: str
    questions: list[str] = Field(min_length=1, max_length=6)


class PathInfo(_Strict):
    id: str = Field(pattern=rf"^{_ID}$")
    title: str
    summary: str = ""


class PathFile(_Strict):
    path: PathInfo
    days: list[PathDay] = Field(min_length=1)
