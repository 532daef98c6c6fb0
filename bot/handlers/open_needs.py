"""Which need's list each person has open, in memory only, for a short while.

A location sent right after opening a list should keep that need. Nothing here is written to
disk: keys are the HMAC user keys, entries expire after TTL and the oldest go first past SIZE.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

TTL_SECONDS = 30 * 60
SIZE = 10_000


class OpenNeeds:
    """A bounded, expiring map from user key to the need whose list is open."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._needs: OrderedDict[str, tuple[str, float]] = OrderedDict()

    def get(self, key: str) -> str:
        """The open need, or "" when none (or it expired)."""
        entry = self._needs.get(key)
        if entry is None:
            return ""
        need_id, expires = entry
        if expires < self._clock():
            del self._needs[key]
            return ""
        return need_id

    def set(self, key: str, need_id: str) -> None:
        """Remember (or with "" forget) the open need of one person."""
        self._needs.pop(key, None)
        if not need_id:
            return
        self._needs[key] = (need_id, self._clock() + TTL_SECONDS)
        while len(self._needs) > SIZE:
            self._needs.popitem(last=False)
