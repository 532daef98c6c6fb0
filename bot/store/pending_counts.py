"""Anonymous counters added up in memory, to be written to the database in one batch.

Why: a database write per answered update cost 5-8% of the bot's time per update (a round trip
to the database thread). Counts carry no identifier, so holding them a few seconds keeps
nothing about anyone; a batch also mixes everyone's counts into one write instead of one write
beside each person's other rows.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from enum import Enum

# Campaign codes come from links anyone can make: at most this many distinct codes a day get
# their own counter; the rest are counted together under OTHER_CAMPAIGNS.
MAX_CAMPAIGNS_PER_DAY = 100
OTHER_CAMPAIGNS = "(other)"


class CountTable(Enum):
    """Where a count goes, and the names of its key columns after `day`."""

    TOPICS = ("counters", ("region_id", "need_id", "locale"))
    CAMPAIGNS = ("campaign_starts", ("campaign",))
    SHARES = ("shares", ("topic", "via"))
    EMPTY_SEARCHES = ("empty_searches", ("region_id", "locale", "need_id"))

    @property
    def upsert(self) -> str:
        """The statement adding `count` to one row (table and column names are ours)."""
        table, columns = self.value
        names = ", ".join(("day", *columns))
        marks = ", ".join("?" for _ in range(len(columns) + 2))
        return (
            f"INSERT INTO {table} ({names}, count) VALUES ({marks})"
            f" ON CONFLICT ({names}) DO UPDATE SET count = count + excluded.count"
        )


@dataclass(frozen=True)
class CountKey:
    """One counter: its table, day and the values of its key columns."""

    table: CountTable
    day: dt.date
    parts: tuple[str, ...]

    def row(self, count: int) -> tuple[str | int, ...]:
        """The values for `table.upsert`."""
        return (self.day.isoformat(), *self.parts, count)


class PendingCounts:
    """Counts not yet written. Memory is bounded by the content (areas, needs, languages,
    topics) times the days between writes, and by MAX_CAMPAIGNS_PER_DAY for campaign codes,
    which come from links anyone can make."""

    def __init__(self) -> None:
        self._counts: Counter[CountKey] = Counter()
        self._campaigns_seen: Counter[dt.date] = Counter()

    def add(self, key: CountKey) -> None:
        """Count one."""
        self._counts[self._admitted(key)] += 1

    def take(self) -> Counter[CountKey]:
        """Everything counted since the last take (to write now)."""
        taken, self._counts = self._counts, Counter()
        self._campaigns_seen.clear()
        return taken

    def put_back(self, taken: Counter[CountKey]) -> None:
        """Counts whose write failed, to try again with the next batch."""
        for key, count in taken.items():
            self._counts[self._admitted(key)] += count

    def _admitted(self, key: CountKey) -> CountKey:
        # A campaign code new to the batch past the day's cap is counted under OTHER.
        if key.table is not CountTable.CAMPAIGNS or key in self._counts:
            return key
        if self._campaigns_seen[key.day] >= MAX_CAMPAIGNS_PER_DAY:
            key = CountKey(CountTable.CAMPAIGNS, key.day, (OTHER_CAMPAIGNS,))
        if key not in self._counts:
            self._campaigns_seen[key.day] += 1
        return key

    def __len__(self) -> int:
        return len(self._counts)
