"""Persistent storage: remembered preferences (keyed by HMAC) and anonymous counters."""

from bot.store.schema import ALLOWED_COLUMNS, SCHEMA_VERSION, StoreError
from bot.store.sqlite import (
    AuditEntry,
    Count,
    DayCount,
    Deletion,
    EmptySearchCount,
    Preferences,
    ReportCount,
    Store,
)

__all__ = [
    "ALLOWED_COLUMNS",
    "SCHEMA_VERSION",
    "AuditEntry",
    "Count",
    "DayCount",
    "Deletion",
    "EmptySearchCount",
    "Preferences",
    "ReportCount",
    "Store",
    "StoreError",
]
