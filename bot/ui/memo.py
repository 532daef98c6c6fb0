"""Drawings kept for a minute: people looking at the same screen, or the same listing in a
list, share one drawing."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

Drawn = TypeVar("Drawn")

DRAWN_SCREENS = 2048


class Memo(Generic[Drawn]):
    """A bounded least-recently-used map from a key to what was drawn for it.

    Only for pure drawings: the key must hold everything the drawing reads, and never a
    person's words, coordinates or identity (a key stays in memory until pushed out)."""

    def __init__(self, size: int = DRAWN_SCREENS) -> None:
        self._size = size
        self._drawn: OrderedDict[Hashable, Drawn] = OrderedDict()

    def __len__(self) -> int:
        return len(self._drawn)

    def get(self, key: Hashable, draw: Callable[[], Drawn]) -> Drawn:
        """What was drawn for `key`, drawing it now when it is not kept."""
        drawn = self._drawn.get(key)
        if drawn is not None:
            self._drawn.move_to_end(key)
            return drawn
        drawn = self._drawn[key] = draw()
        if len(self._drawn) > self._size:
            self._drawn.popitem(last=False)
        return drawn
