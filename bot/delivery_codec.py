"""Replies to JSON and back, so a planned post is stored in the outbox and every retry sends the same bytes.

A post is rendered once, when it is planned (its quiz instance is created in the same transaction);
resending after a crash must not build a different post with a different quiz.

The typed facts (``answer``, ``counts``, ``post``, ``tz_hint``, ``next_due_at``) are stored under their own
keys. Payloads written before they existed carry a ``meta`` dict of strings instead; those are still read,
so an upgrade never strands a pending post or a recorded Discord reply.

A reply's picture and file travel in it as base64 (an adapter that must not keep a file, such as the Discord
bridge recording a learner's export in the intake, drops it before encoding).
"""

from __future__ import annotations

import base64
import json
from dataclasses import asdict
from datetime import datetime
from typing import Any

from bot.messages import AnswerOutcome, Attachment, Button, Counts, Image, PostFacts, Reply, Section


def reply_to_json(reply: Reply) -> str:
    data: dict[str, Any] = {
        "text": reply.text,
        "kind": reply.kind,
        "private": reply.private,
        "sections": [
            {
                "text": s.text,
                "title": s.title,
                "buttons": [{"label": b.label, "action_id": b.action_id, "value": b.value, "style": b.style} for b in s.buttons],
            }
            for s in reply.sections
        ],
        "quiz_instance_id": reply.quiz_instance_id,
        "answer": asdict(reply.answer) if reply.answer is not None else None,
        "counts": {k: v for k, v in asdict(reply.counts).items() if v is not None},
        "post": asdict(reply.post) if reply.post is not None else None,
        "tz_hint": reply.tz_hint,
        "next_due_at": reply.next_due_at.isoformat() if reply.next_due_at is not None else None,
    }
    if reply.image is not None:
        data["image"] = {
            "png": base64.b64encode(reply.image.png).decode("ascii"), "alt": reply.image.alt, "filename": reply.image.filename,
        }
    if reply.attachment is not None:
        file = reply.attachment
        data["attachment"] = {
            "content": base64.b64encode(file.content).decode("ascii"), "filename": file.filename, "mime": file.mime, "title": file.title,
        }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def reply_from_json(payload: str) -> Reply:
    data = json.loads(payload)
    image, file = data.get("image"), data.get("attachment")
    return Reply(
        text=data["text"],
        kind=data["kind"],
        private=data["private"],
        sections=tuple(
            Section(
                text=s["text"], title=s["title"],
                buttons=tuple(Button(b["label"], b["action_id"], b["value"], b["style"]) for b in s["buttons"]),
            )
            for s in data["sections"]
        ),
        image=Image(base64.b64decode(image["png"]), image["alt"], image["filename"]) if image else None,
        attachment=Attachment(file["filename"], base64.b64decode(file["content"]), file["mime"], file["title"]) if file else None,
        quiz_instance_id=data["quiz_instance_id"],
        **(_facts(data) if "meta" not in data else _legacy_facts(data["kind"], data["meta"])),
    )


def _facts(data: dict[str, Any]) -> dict[str, Any]:
    answer, post, due = data.get("answer"), data.get("post"), data.get("next_due_at")
    return {
        "answer": AnswerOutcome(**answer) if answer else None,
        "counts": Counts(**data.get("counts", {})),
        "post": PostFacts(**post) if post else None,
        "tz_hint": bool(data.get("tz_hint")),
        "next_due_at": datetime.fromisoformat(due) if due else None,
    }


def _legacy_facts(kind: str, meta: dict[str, str]) -> dict[str, Any]:
    """The typed facts of a payload stored as ``meta`` strings (keys meant different things per reply kind)."""

    def number(key: str) -> int | None:
        return int(meta[key]) if meta.get(key, "").isdigit() else None

    answer = None
    if kind == "answer" and "letter" in meta:
        already = meta.get("already") == "1"
        answer = AnswerOutcome(meta["letter"], None if already else meta.get("correct") == "1", already)
    post = None
    if meta.get("delivery") in ("daily", "nudge", "recap", "notice"):
        post = PostFacts(meta["delivery"], meta.get("origin"), meta.get("question"), meta.get("tip"))  # type: ignore[arg-type]
    counts = Counts(
        streak=number("current") if kind == "streak" else number("streak"), best_streak=number("best"), reviews_due=number("due"),
        answered=number("answered") if kind != "delivery" else number("answers"), correct=number("correct") if kind == "stats" else None,
    )
    due = meta.get("next_due_at")
    return {"answer": answer, "counts": counts, "post": post, "tz_hint": meta.get("tz_hint") == "1",
            "next_due_at": datetime.fromisoformat(due) if due else None}
