"""Logging: readable lines on a terminal, one JSON object per line otherwise (for log shippers)."""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any

# Anything shaped like a platform secret is masked even if a library logs it by accident.
# Slack: every xox?- family (bot, user, app-level, legacy, refresh ``xoxe-`` and ``xoxe.xoxp-``) and xapp-;
# Discord: bot tokens (base64 user id . timestamp . HMAC); a database URL's password.
_SECRET = re.compile(
    r"(xox[a-z](?:\.xox[a-z])?-[0-9A-Za-z.-]+|xapp-[0-9A-Za-z-]+"
    r"|[MNO][A-Za-z\d_-]{22,27}\.[A-Za-z\d_-]{5,7}\.[A-Za-z\d_-]{25,40}"
    r"|(?<=://)[^/\s:@]+:[^/\s@]+(?=@))"
)
_RESERVED = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def redact(text: str) -> str:
    return _SECRET.sub("[redacted]", text)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": redact(record.getMessage()),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in _RESERVED and not k.startswith("_")})
        if record.exc_info:
            entry["exc"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, default=str)


class RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class CurrentStderr(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is when a record arrives, not the one at setup: a thread still
    finishing a reply after a test (or after a redirection) would otherwise write to a closed file and print
    "--- Logging error ---"."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def setup_logging(verbose: bool = False, stream: Any = None) -> None:
    handler: logging.StreamHandler = logging.StreamHandler(stream) if stream is not None else CurrentStderr()
    stream = stream or sys.stderr
    if hasattr(stream, "isatty") and stream.isatty():
        handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%H:%M:%S"))
    else:
        handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for noisy in ("apscheduler", "discord.gateway", "urllib3", "matplotlib"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
