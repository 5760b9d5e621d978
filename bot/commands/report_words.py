"""Reading ``report`` and ``admin resolve``: a reason (with forgiving spellings), a question id, an id and a note.

The question id may come first (``report foundations-q-03 typo ...``, as typed) or after the reason
(``report typo foundations-q-03 ...``, the order Discord's options send), so both read the same.
"""

from __future__ import annotations

import re

from bot.commands.types import REPORT_REASONS, AdminResolve, ReportProblem
from bot.commands.typos import suggest
from bot.commands.values import CommandError

_QUESTION_ID = re.compile(r"^[a-z0-9][a-z0-9-]*-q-\d{2,3}$")
_SPELLINGS = {
    "wrong": "wrong-key", "wrong_key": "wrong-key", "wrongkey": "wrong-key", "key": "wrong-key", "wrong-answer": "wrong-key",
    "confusing": "unclear", "old": "outdated", "out-of-date": "outdated", "spelling": "typo", "typos": "typo",
}
REASON_LIST = ", ".join(f"`{reason}`" for reason in REPORT_REASONS)


def looks_like_question_id(word: str) -> bool:
    return _QUESTION_ID.match(word.lower()) is not None


def report_reason(word: str) -> str:
    """The reason ``word`` names; a word that names none gets the list (and the closest, if it is a typo)."""
    key = word.lower().strip(".,:;")
    reason = key if key in REPORT_REASONS else _SPELLINGS.get(key)
    if reason is not None:
        return reason
    hint = suggest(key, list(REPORT_REASONS))
    extra = f" Did you mean `{hint}`?" if hint else ""
    raise CommandError(lambda say: (
        f"`{word}` is not a reason I know.{extra} Pick one of {REASON_LIST}, for example "
        f"{say('report', reason='unclear', text='options B and C say the same')}. Nothing was reported."
    ))


def report_words(said: str, args: list[str]) -> ReportProblem:
    """``report``, ``report <reason> [text]``, ``report <question-id> [<reason> [text]]``."""
    words = list(args)
    question_id = words.pop(0).lower() if words and looks_like_question_id(words[0]) else None
    if not words:
        return ReportProblem(question_id=question_id)
    reason = report_reason(words.pop(0))
    if question_id is None and words and looks_like_question_id(words[0]):
        question_id = words.pop(0).lower()
    return ReportProblem(reason=reason, text=" ".join(words), question_id=question_id)


def resolve_words(said: str, args: list[str]) -> AdminResolve:
    """``admin resolve <id> <note>``: the id ``admin reports`` shows (``#12`` or ``12``) and what was done."""
    if not args:
        raise CommandError(lambda say: f"Say which report and what you did: {say.usage('admin resolve')}. {say('admin reports')} lists the ids.")
    raw = args[0].lstrip("#")
    if not raw.isdigit() or len(raw) > 18:
        raise CommandError(lambda say: (
            f"`{args[0]}` is not a report id. {say('admin reports')} lists them, e.g. {say('admin resolve', id='12', note='fixed the typo')}."
        ))
    if len(args) < 2:
        raise CommandError(lambda say: f"Add a note saying what you did, for example {say('admin resolve', id=raw, note='fixed the typo in option B')}.")
    return AdminResolve(int(raw), " ".join(args[1:]))
