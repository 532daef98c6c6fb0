"""Anonymous counts made safe to show: a count under 5 is only "fewer than 5", and a total is
exact only when every count in it is shown exactly, so no subtraction can reveal a small one.

Every exact number shown is then a count of 5 or more, or the sum of such counts already on
show; a count of 1 to 4 could be any of them for all the report tells.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

SMALL = 5


class Shown(Enum):
    """How a count may be shown when it is not exact."""

    EXACT = "exact"
    FEWER_THAN_5 = "fewer than 5"
    WITHHELD = "not shown"  # a total with a count under 5 in it


@dataclass(frozen=True)
class SafeCount:
    """A count as it may be shown: `value` only when `shown` is EXACT."""

    shown: Shown
    value: int | None = None

    @classmethod
    def of(cls, count: int) -> SafeCount:
        """One counter."""
        return cls(Shown.EXACT, count) if count >= SMALL else cls(Shown.FEWER_THAN_5)

    @classmethod
    def total(cls, counts: Iterable[int]) -> SafeCount:
        """A sum of counters: exact only when each of them is, else withheld. (Not even
        "fewer than 5": whether 1 + 4 reaches 5 would tell 1 + 1 from 1 + 4.)"""
        parts = list(counts)
        if all(count >= SMALL for count in parts):
            return cls(Shown.EXACT, sum(parts))
        return cls(Shown.WITHHELD)


@dataclass(frozen=True)
class Row:
    """One key (a campaign code, a need) over the days: its safe daily counts and total."""

    key: str
    days: tuple[tuple[dt.date, SafeCount], ...]
    total: SafeCount


@dataclass(frozen=True)
class Section:
    """One kind of count (`name`: campaigns, shares or needs), a row per key, and the total."""

    name: str
    rows: tuple[Row, ...]
    total: SafeCount


def safe_section(name: str, counts: Iterable[tuple[dt.date, str, int]]) -> Section:
    """Counts per (day, key) summed, then made safe to show. Zero counts are not rows."""
    cells: dict[str, dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
    for day, key, count in counts:
        if count > 0:
            cells[key][day] += count
    rows = tuple(
        Row(
            key,
            tuple((day, SafeCount.of(n)) for day, n in sorted(days.items())),
            SafeCount.total(days.values()),
        )
        for key, days in sorted(cells.items())
    )
    every = [n for days in cells.values() for n in days.values()]
    return Section(name, rows, SafeCount.total(every))


def week_of(day: dt.date) -> tuple[int, int]:
    """The ISO (year, week) a day falls in."""
    year, week, _weekday = day.isocalendar()
    return year, week


Week = tuple[int, int]


def weekly(counts: Iterable[tuple[dt.date, str, int]]) -> dict[Week, list[tuple[str, SafeCount]]]:
    """Per ISO week, each key's safe total for that week (by the same rule as any total)."""
    cells: dict[Week, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    per_day: dict[tuple[str, dt.date], int] = defaultdict(int)
    for day, key, count in counts:
        if count > 0:
            per_day[(key, day)] += count
    for (key, day), count in per_day.items():
        cells[week_of(day)][key].append(count)
    return {
        week: [(key, SafeCount.total(days)) for key, days in sorted(keys.items())]
        for week, keys in sorted(cells.items())
    }
