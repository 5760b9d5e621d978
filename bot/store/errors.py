"""The errors every storage driver raises, so the core can react without knowing which database it runs on."""

from __future__ import annotations


class StoreUnavailable(RuntimeError):
    """The database cannot take the request right now (locked, read-only, disk full, server gone).

    The core turns it into a friendly "try again" reply; nothing was half-written because every
    change runs in one transaction.
    """


class StoreConfigurationError(ValueError):
    """The database URL names no driver we have, or is malformed; said at start, before anything runs."""
