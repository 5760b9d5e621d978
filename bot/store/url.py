"""Database URLs: ``sqlite:///path/to/aipm.db`` (or a bare path) and ``postgresql://user:pass@host/db``.

``AIPM_DATABASE_URL`` wins over ``AIPM_DB`` (the SQLite shortcut) and ``--db``. The password never reaches a
log line: everything that prints a URL prints :meth:`DatabaseUrl.redacted`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from bot.store.errors import StoreConfigurationError

DriverName = Literal["sqlite", "postgres"]

_POSTGRES_SCHEMES = ("postgresql", "postgres")


@dataclass(frozen=True)
class DatabaseUrl:
    driver: DriverName
    target: str
    """The SQLite file path (or ``:memory:``), or the PostgreSQL conninfo URL as given."""

    @classmethod
    def parse(cls, value: str) -> DatabaseUrl:
        text = value.strip()
        if not text:
            raise StoreConfigurationError("the database URL is empty")
        scheme = text.split(":", 1)[0].lower() if "://" in text else ""
        if scheme in _POSTGRES_SCHEMES:
            parts = urlsplit(text)
            if not parts.hostname and "host=" not in parts.query:
                raise StoreConfigurationError(f"{cls('postgres', text).redacted()}: a PostgreSQL URL needs a host (or ?host=/socket/dir)")
            return cls("postgres", text)
        if scheme == "sqlite":
            path = text[len("sqlite://"):]
            if path.startswith("/") and path[1:] == ":memory:":
                path = ":memory:"
            if not path or path == "/":
                raise StoreConfigurationError("sqlite:/// needs a file path, e.g. sqlite:///var/lib/aipm/aipm.db")
            return cls("sqlite", path)
        if scheme:
            raise StoreConfigurationError(f"{scheme}:// is not a database we support; use sqlite:///path or postgresql://user@host/db")
        return cls("sqlite", text)

    @classmethod
    def sqlite(cls, path: str) -> DatabaseUrl:
        return cls("sqlite", str(path))

    def redacted(self) -> str:
        """The URL with any password replaced by ``***`` (in the netloc and in a ``password=`` parameter)."""
        if self.driver == "sqlite":
            return f"sqlite:///{self.target}" if not self.target.startswith("/") else f"sqlite://{self.target}"
        parts = urlsplit(self.target)
        netloc = parts.netloc
        if parts.password is not None:
            userinfo, host = netloc.rsplit("@", 1)
            netloc = f"{userinfo.split(':', 1)[0]}:***@{host}"
        query = "&".join("password=***" if item.lower().startswith("password=") else item for item in parts.query.split("&")) if parts.query else ""
        return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))

    def __str__(self) -> str:
        return self.redacted()

    def __repr__(self) -> str:
        return f"DatabaseUrl({self.redacted()!r})"
