"""Replies to JSON and back, so a planned post is stored in the outbox and every retry sends the same bytes.

A post is rendered once, when it is planned (its quiz instance is created in the same transaction);
resending after a crash must not build a different post with a different quiz.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from bot.messages import Button, Image, Reply, Section


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
        "meta": reply.meta,
    }
    if reply.image is not None:
        data["image"] = {
            "png": base64.b64encode(reply.image.png).decode("ascii"), "alt": reply.image.alt, "filename": reply.image.filename,
        }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def reply_from_json(payload: str) -> Reply:
    data = json.loads(payload)
    image = data.get("image")
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
        quiz_instance_id=data["quiz_instance_id"],
        meta=dict(data["meta"]),
    )
