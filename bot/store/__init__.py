"""Storage ports, records and errors. Drivers (``bot.store.drivers``) hold every line of SQL.

Nothing here imports a driver, so the ports load without SQLite or PostgreSQL libraries; entry points open
a store with :func:`bot.store.drivers.open_store`.
"""

from bot.store.delivery_store import DeliveryStore
from bot.store.errors import StoreConfigurationError, StoreUnavailable
from bot.store.platform_state import InstallationRecord, PlatformState
from bot.store.repository import Repository
from bot.store.store import Store
from bot.store.url import DatabaseUrl

__all__ = [
    "DatabaseUrl",
    "DeliveryStore",
    "InstallationRecord",
    "PlatformState",
    "Repository",
    "Store",
    "StoreConfigurationError",
    "StoreUnavailable",
]
