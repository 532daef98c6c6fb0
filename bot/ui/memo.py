"""Drawings kept for a minute: people looking at the same screen, or the same listing in a
list, share one drawing."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Any, Generic, TypeVar

from bot.domain.open_now import minute_of

Drawn = TypeVar("Drawn")

DRAWN_SCREENS = 2048
_MINUTE = dt.timedelta(minutes=1)


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

    def clear(self) -> None:
        """Forget everything drawn."""
        self._drawn.clear()


class MinuteMemos:
    """Memos of drawings made for one minute each (their keys hold it), forgotten together
    when a later minute begins: nothing drawn for an earlier minute is asked for again, and
    keeping it only held memory (with 10,000 listings, 13 MiB of full memos, and the holes they
    leave as they turn over)."""

    __slots__ = ("_ends", "_memos")

    def __init__(self, memos: Iterable[Memo[Any]]) -> None:
        self._memos = tuple(memos)
        self._ends: dt.datetime | None = None

    def at(self, now: dt.datetime) -> None:
        """`now` has come: what was drawn for minutes before its own is forgotten."""
        ends = self._ends
        if ends is not None and now < ends:
            return
        if ends is not None:
            for memo in self._memos:
                memo.clear()
        self._ends = minute_of(now) + _MINUTE
