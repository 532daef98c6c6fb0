"""Which HMAC keys have a row of saved choices, so that someone the bot has never seen costs no
trip to the database thread (about 0.2 ms, more on a busy machine)."""

from __future__ import annotations

from collections.abc import Iterable

# Past this many keys (about 7 MB) the set is given up and every key is read, as without it.
MAX_ROW_KEYS = 50_000


class RowKeys:
    """The keys that have a row in `preferences`, or nothing known (every key may have one).

    Never misses a row: a key is added before its row is written and dropped only after its row
    is deleted by an erasure. A row that retention deletes leaves its key here (until the next
    start), which costs that person one read that finds nothing. Keys only, never choices.
    """

    def __init__(self, keys: Iterable[str] | None) -> None:
        """`keys`: every key with a row; None when they are not known."""
        self._keys = None if keys is None else set(keys)
        self._bound()

    def may_have(self, key: str) -> bool:
        """Whether `key` may have a row (False: it certainly has none)."""
        return self._keys is None or key in self._keys

    def add(self, key: str) -> None:
        """Note a row about to be written for `key`."""
        if self._keys is not None:
            self._keys.add(key)
            self._bound()

    def discard(self, key: str) -> None:
        """Forget `key`, whose row was just deleted."""
        if self._keys is not None:
            self._keys.discard(key)

    def __len__(self) -> int:
        return len(self._keys) if self._keys is not None else 0

    def _bound(self) -> None:
        if self._keys is not None and len(self._keys) > MAX_ROW_KEYS:
            self._keys = None
