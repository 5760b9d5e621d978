"""The console's Messenger: scheduled posts for ``console`` subscriptions are printed to the terminal.

This is what ``aipm deliver-due`` uses to deliver what a console ``subscribe`` set up, so the whole
delivery path can be tried without Slack or Discord.
"""

from __future__ import annotations

import sys
from datetime import datetime
from typing import TextIO

from adapters.console.adapter import CONSOLE_USER_IS_ADMIN
from adapters.console.render import render_plain
from bot.messages import Reply
from bot.ports import Destination, PlatformLimits


class ConsoleMessenger:
    platform = "console"
    limits: PlatformLimits | None = None  # a terminal takes everything at once

    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out
        self._sent: dict[str, str] = {}

    async def send(self, destination: Destination, reply: Reply, idempotency_key: str) -> str:
        out = self.out or sys.stdout
        where = f"@{destination.user_id}" if destination.kind == "dm" else f"#{destination.channel_id}"
        out.write(f"── to {where} ({idempotency_key}) ──\n{render_plain(reply)}\n\n")
        out.flush()
        message_id = f"console-{len(self._sent) + 1}"
        self._sent[idempotency_key] = message_id
        return message_id

    async def find_sent(self, destination: Destination, idempotency_key: str, since: datetime) -> str | None:
        """Only what this process printed: a terminal keeps no history we could search."""
        return self._sent.get(idempotency_key)

    async def is_admin(self, workspace_id: str, user_id: str) -> bool | None:
        """The rule the console's contexts use: its user runs the bot."""
        return CONSOLE_USER_IS_ADMIN
