"""The bot's only persistent storage: remembered preferences and anonymous counts in SQLite."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
import os
import sqlite3
from collections import OrderedDict
from collections.abc import Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite

from bot.store.alerts import AlertBook
from bot.store.pending_counts import (
    MAX_CAMPAIGNS_PER_DAY,
    OTHER_CAMPAIGNS,
    CountKey,
    CountTable,
    PendingCounts,
)
from bot.store.row_keys import MAX_ROW_KEYS, RowKeys
from bot.store.schema import StoreError, migrate, user_version
from bot.store.transactions import Transactions

logger = logging.getLogger(__name__)

# A checkpoint refused because the connection is busy is tried this many times, pausing a
# little longer each time, before it is left for the next write of counts.
CHECKPOINT_ATTEMPTS = 5
CHECKPOINT_PAUSE_S = 0.01


@dataclass(frozen=True)
class Preferences:
    """What the bot remembers about one user: their explicit choices of language and area,
    of disappearing messages (seconds; 0 is off) and of forward protection (None: the
    deployment's default)."""

    locale: str | None = None
    region_id: str | None = None
    disappear_after: int = 0
    protect: bool | None = None

    @property
    def empty(self) -> bool:
        """Nothing chosen: no row is kept for this."""
        return self == Preferences()


@dataclass(frozen=True)
class Deletion:
    """A message waiting to disappear: its row, the sealed chat id and the message id."""

    row: int
    chat: bytes
    message_id: int


@dataclass(frozen=True)
class Count:
    """One anonymous counter: how often a topic was looked at on a day, in an area and language."""

    day: dt.date
    region_id: str  # "" when none
    need_id: str  # "" when none
    locale: str
    count: int


@dataclass(frozen=True)
class DayCount:
    """One outreach counter: on a day, how often something (a campaign code, a shared topic
    and the way it was shared) happened. No identifier."""

    day: dt.date
    key: str
    count: int


@dataclass(frozen=True)
class AuditEntry:
    """One admin action: when, which admin (keyed hash), what."""

    at: dt.datetime
    admin_key: str
    action: str


@dataclass(frozen=True)
class ReportCount:
    """How many "something is wrong here" taps a listing got for one reason on one day."""

    day: dt.date
    resource_id: str
    reason: str
    count: int


@dataclass(frozen=True)
class EmptySearchCount:
    """How many searches found nothing on a day, in an area and language, about a need."""

    day: dt.date
    region_id: str  # "" when none
    locale: str
    need_id: str  # "" when none
    count: int


# Users whose saved choice (or lack of one) is kept in memory, so that most updates need no
# trip to the database thread. Only hashed keys and the same two choices as on disk.
CACHE_SIZE = 10_000


@dataclass(frozen=True)
class _Known:
    """What the database holds for one key: its preferences (None: no row) and last-seen day."""

    preferences: Preferences | None
    last_seen: str | None


def _create_private_file(path: Path) -> None:
    """Create an empty database file readable by its owner only, unless it already exists."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    try:
        # os.open's mode is filtered by the umask; set it explicitly so it is exactly 0600.
        # SQLite gives the -wal and -shm files it creates the main file's permissions.
        os.fchmod(fd, 0o600)
    finally:
        os.close(fd)


class Store:
    """Preferences keyed by an HMAC of the user id, anonymous counters (topics, listing reports,
    searches that found nothing), messages waiting to disappear and the admins' audit trail;
    nothing else.

    Create with `await Store.open(path)` and `await store.close()` when done. Keys passed in
    are already HMAC digests: the store never sees a Telegram id.
    """

    def __init__(self, connection: aiosqlite.Connection, row_keys: RowKeys | None = None) -> None:
        """Wrap an open, configured and migrated connection; use `Store.open` instead.
        `row_keys`: the keys that have a row (without them, every new key is read)."""
        self._db = connection
        self._closed = False
        self._known: OrderedDict[str, _Known] = OrderedDict()
        self._rows = row_keys if row_keys is not None else RowKeys(None)
        self._pending = PendingCounts()
        self._checkpoint_owed = False
        self._transactions = Transactions(connection)
        self.alerts = AlertBook(connection, self._transactions)
        # Choices being written in the background (see `save_preferences`).
        self._writes: set[asyncio.Task[None]] = set()

    @classmethod
    async def open(cls, path: Path) -> Store:
        """Open (creating if needed) the database at `path` and bring its schema up to date."""
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        _create_private_file(path)
        # Autocommit: every write statement is committed as soon as it runs, and migrations
        # manage their own transactions.
        connection = await aiosqlite.connect(path, isolation_level=None)
        try:
            # Erased rows are overwritten with zeros on disk instead of only being unlinked.
            async with connection.execute("PRAGMA secure_delete = ON") as cursor:
                row = await cursor.fetchone()
            if row is None or int(row[0]) != 1:
                raise StoreError("this SQLite build cannot turn on secure_delete")
            await connection.execute("PRAGMA journal_mode = WAL")
            await connection.execute("PRAGMA synchronous = NORMAL")
            await migrate(connection)
            keys = await connection.execute_fetchall(
                "SELECT user_key FROM preferences LIMIT ?", (MAX_ROW_KEYS + 1,)
            )
        except BaseException:
            await connection.close()
            raise
        return cls(connection, RowKeys(str(key) for (key,) in keys))

    async def close(self) -> None:
        """Write the counts still in memory, flush the write-ahead log into the database file
        and close the connection."""
        if self._closed:
            return
        self._closed = True
        try:
            try:
                await self.settled()
                await self.flush_counts()
            finally:
                await self._checkpoint()
        finally:
            await self._db.close()

    async def preferences(self, user_key: str, today: dt.date) -> Preferences | None:
        """The saved preferences for `user_key`, or None; also moves the row's last-seen day to
        `today` (only writes when the stored day differs)."""
        day = today.isoformat()
        known = self._known.get(user_key)
        if known is None and not self._rows.may_have(user_key):
            known = _Known(None, None)  # someone new: nothing to read
        if known is None:
            await self.settled()  # a choice pushed out of memory may still be on its way
            rows = list(
                await self._db.execute_fetchall(
                    "SELECT locale, region_id, disappear_after, protect, last_seen"
                    " FROM preferences WHERE user_key = ?",
                    (user_key,),
                )
            )
            if rows:
                locale, region_id, disappear_after, protect, last_seen = rows[0]
                saved = Preferences(
                    locale,
                    region_id,
                    int(disappear_after),
                    None if protect is None else protect == 1,
                )
                known = _Known(saved, last_seen)
            else:
                known = _Known(None, None)
        if known.preferences is not None and known.last_seen != day:
            await self._db.execute(
                "UPDATE preferences SET last_seen = ? WHERE user_key = ?", (day, user_key)
            )
            known = _Known(known.preferences, day)
        self._remember(user_key, known)
        return known.preferences

    async def save_preferences(
        self, user_key: str, preferences: Preferences, today: dt.date
    ) -> None:
        """Insert or replace the row (upsert); empty Preferences delete the row instead.

        The upsert is written in the background: the answer does not wait for the database
        thread, and the choice is known in memory at once. An erasure, a read of a row from
        the database, the retention purge and closing wait for it first (`settled`), so an
        erasure always comes after it. If it fails, it is logged and the memory forgets the
        choice, so that the next read asks the database."""
        if preferences.empty:
            await self._drop_preferences(user_key)
            return
        self._rows.add(user_key)
        self._remember(user_key, _Known(preferences, today.isoformat()))
        self._in_background(user_key, self._upsert(user_key, preferences, today))

    def follow_language(self, user_key: str, locale: str) -> None:
        """A subscriber's alerts follow their new language: written in the background as a
        choice is (see `save_preferences`), so the answer does not wait for the database."""
        self._in_background(user_key, self.alerts.follow_language(user_key, locale))

    def _in_background(self, user_key: str, write: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(write)
        self._writes.add(task)
        task.add_done_callback(functools.partial(self._written, user_key))

    async def settled(self) -> None:
        """Wait until every choice being written in the background is written (or failed)."""
        while self._writes:
            await asyncio.gather(*self._writes, return_exceptions=True)

    def _written(self, user_key: str, write: asyncio.Task[None]) -> None:
        self._writes.discard(write)
        error = None if write.cancelled() else write.exception()
        if write.cancelled() or error is not None:
            self._known.pop(user_key, None)
            reason = "cancelled" if error is None else type(error).__name__
            logger.error("Could not save a choice: %s", reason)

    async def _upsert(self, user_key: str, preferences: Preferences, today: dt.date) -> None:
        protect = None if preferences.protect is None else int(preferences.protect)
        await self._db.execute(
            """
            INSERT INTO preferences
                (user_key, locale, region_id, disappear_after, protect, last_seen)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (user_key) DO UPDATE SET
                locale = excluded.locale,
                region_id = excluded.region_id,
                disappear_after = excluded.disappear_after,
                protect = excluded.protect,
                last_seen = excluded.last_seen
            """,
            (
                user_key,
                preferences.locale,
                preferences.region_id,
                preferences.disappear_after,
                protect,
                today.isoformat(),
            ),
        )

    async def forget(self, user_key: str) -> bool:
        """Delete the row and any alert subscription; True when there was either. A choice or
        a language on its way is written first, then erased."""
        await self.settled()
        stopped = await self.alerts.unsubscribe(user_key)
        return await self._drop_preferences(user_key, checkpoint=stopped) or stopped

    async def _drop_preferences(self, user_key: str, *, checkpoint: bool = False) -> bool:
        await self.settled()  # a choice on its way is written before it is erased
        async with self._db.execute(
            "DELETE FROM preferences WHERE user_key = ?", (user_key,)
        ) as cursor:
            deleted = cursor.rowcount
        self._rows.discard(user_key)
        self._remember(user_key, _Known(None, None))
        if deleted or checkpoint:
            await self._checkpoint()
        return deleted > 0

    async def forget_unseen_since(self, day: dt.date) -> int:
        """Retention: delete rows whose last-seen day is before `day`; returns how many."""
        await self.settled()
        async with self._db.execute(
            "DELETE FROM preferences WHERE last_seen < ?", (day.isoformat(),)
        ) as cursor:
            deleted = cursor.rowcount
        self._known.clear()
        if deleted:
            await self._checkpoint()
        return deleted

    async def schedule_deletions(self, chat: bytes, message_ids: list[int], due: int) -> None:
        """Remember messages of one (sealed) chat to delete at `due` (Unix seconds)."""
        await self._db.executemany(
            "INSERT INTO deletions (chat, message_id, due) VALUES (?, ?, ?)",
            [(chat, message_id, due) for message_id in message_ids],
        )

    async def due_deletions(self, now: int, limit: int = 1000) -> list[Deletion]:
        """Messages whose time to disappear has come, oldest first."""
        rows = await self._db.execute_fetchall(
            "SELECT id, chat, message_id FROM deletions WHERE due <= ? ORDER BY due LIMIT ?",
            (now, limit),
        )
        return [Deletion(int(row), bytes(chat), int(message)) for row, chat, message in rows]

    async def next_deletion_due(self) -> int | None:
        """When the next message is due to disappear (Unix seconds), if any."""
        rows = list(await self._db.execute_fetchall("SELECT MIN(due) FROM deletions"))
        return None if not rows or rows[0][0] is None else int(rows[0][0])

    async def drop_deletions(self, rows: list[int]) -> None:
        """Forget deletions that were carried out (or can no longer be)."""
        await self._db.executemany("DELETE FROM deletions WHERE id = ?", [(r,) for r in rows])

    async def count(
        self, day: dt.date, region_id: str | None, need_id: str | None, locale: str
    ) -> None:
        """Add one to an anonymous counter (in memory until `flush_counts`)."""
        key = (region_id or "", need_id or "", locale)
        self._pending.add(CountKey(CountTable.TOPICS, day, key))

    async def counts(self) -> list[Count]:
        """Every anonymous counter, ordered by day, area, topic and language."""
        await self.flush_counts()
        async with self._db.execute(
            "SELECT day, region_id, need_id, locale, count FROM counters"
            " ORDER BY day, region_id, need_id, locale"
        ) as cursor:
            rows = await cursor.fetchall()
        return [
            Count(
                day=dt.date.fromisoformat(day),
                region_id=region_id,
                need_id=need_id,
                locale=locale,
                count=int(count),
            )
            for day, region_id, need_id, locale, count in rows
        ]

    async def count_campaign_start(self, day: dt.date, campaign: str) -> None:
        """Add one to the starts through `campaign` on `day` (past MAX_CAMPAIGNS_PER_DAY distinct
        codes that day, to OTHER_CAMPAIGNS)."""
        self._pending.add(CountKey(CountTable.CAMPAIGNS, day, (campaign,)))

    async def count_share(self, day: dt.date, topic: str, via: str) -> None:
        """Add one to the cards on `topic` shared `via` (share or inline) on `day`."""
        self._pending.add(CountKey(CountTable.SHARES, day, (topic, via)))

    async def campaign_starts(self) -> list[DayCount]:
        """Every campaign counter, by day and code."""
        await self.flush_counts()
        rows = await self._db.execute_fetchall(
            "SELECT day, campaign, count FROM campaign_starts ORDER BY day, campaign"
        )
        return [DayCount(dt.date.fromisoformat(d), key, int(n)) for d, key, n in rows]

    async def shares(self) -> list[DayCount]:
        """Every share counter, by day; the key is "topic (via)"."""
        await self.flush_counts()
        rows = await self._db.execute_fetchall(
            "SELECT day, topic, via, count FROM shares ORDER BY day, topic, via"
        )
        return [DayCount(dt.date.fromisoformat(d), f"{t} ({v})", int(n)) for d, t, v, n in rows]

    async def audit(self, at: dt.datetime, admin_key: str, action: str) -> None:
        """Record that the admin with `admin_key` did `action` (a command or button name)."""
        await self._db.execute(
            "INSERT INTO audit (at, admin_key, action) VALUES (?, ?, ?)",
            (at.isoformat(timespec="seconds"), admin_key, action),
        )

    async def audit_log(self) -> list[AuditEntry]:
        """Every admin action, oldest first."""
        async with self._db.execute(
            "SELECT at, admin_key, action FROM audit ORDER BY id"
        ) as cursor:
            rows = await cursor.fetchall()
        return [AuditEntry(dt.datetime.fromisoformat(at), key, action) for at, key, action in rows]

    async def count_report(self, day: dt.date, resource_id: str, reason: str) -> None:
        """Add one to a listing's count of reports for `reason` on `day`."""
        await self._db.execute(
            """
            INSERT INTO listing_reports (day, resource_id, reason, count) VALUES (?, ?, ?, 1)
            ON CONFLICT (day, resource_id, reason) DO UPDATE SET count = count + 1
            """,
            (day.isoformat(), resource_id, reason),
        )
        # Until a checkpoint, the write-ahead log keeps page images in the order they were
        # written, which could place this report next to the same person's preferences
        # update. Reports are rare, so the log is emptied at once, as for an erasure.
        await self._checkpoint()

    async def reports_since(self, resource_id: str, reason: str, first_day: dt.date) -> int:
        """How many reports a listing got for `reason` from `first_day` on."""
        rows = list(
            await self._db.execute_fetchall(
                "SELECT COALESCE(SUM(count), 0) FROM listing_reports"
                " WHERE resource_id = ? AND reason = ? AND day >= ?",
                (resource_id, reason, first_day.isoformat()),
            )
        )
        return int(rows[0][0])

    async def report_counts(self, since: dt.date | None = None) -> list[ReportCount]:
        """Every listing report count (from `since` on, when given), newest day first."""
        rows = await self._db.execute_fetchall(
            "SELECT day, resource_id, reason, count FROM listing_reports WHERE day >= ?"
            " ORDER BY day DESC, resource_id, reason",
            ((since or dt.date.min).isoformat(),),
        )
        return [
            ReportCount(dt.date.fromisoformat(day), resource_id, reason, int(count))
            for day, resource_id, reason, count in rows
        ]

    async def count_empty_search(
        self, day: dt.date, region_id: str | None, locale: str, need_id: str | None
    ) -> None:
        """Add one to the count of searches that found nothing (never the words searched)."""
        key = (region_id or "", locale, need_id or "")
        self._pending.add(CountKey(CountTable.EMPTY_SEARCHES, day, key))

    async def flush_counts(self) -> None:
        """Write the counts added up in memory, all in one transaction (kept for the next try
        if the write fails). Every read of counts flushes first, and so does `close`."""
        taken = self._pending.take()
        if not taken:
            return
        try:
            async with self._transactions.begin():
                for key, count in taken.items():
                    if key.table is CountTable.CAMPAIGNS:
                        key = await self._campaign_within_cap(key)
                    await self._db.execute(key.table.upsert, key.row(count))
        except BaseException:
            self._pending.put_back(taken)
            raise

    async def _campaign_within_cap(self, key: CountKey) -> CountKey:
        """The key itself, or OTHER_CAMPAIGNS once its day has MAX_CAMPAIGNS_PER_DAY codes."""
        rows = list(
            await self._db.execute_fetchall(
                "SELECT COUNT(*), SUM(campaign = ?) FROM campaign_starts WHERE day = ?",
                (key.parts[0], key.day.isoformat()),
            )
        )
        distinct, known = rows[0] if rows else (0, 0)
        if not known and int(distinct) >= MAX_CAMPAIGNS_PER_DAY:
            return CountKey(CountTable.CAMPAIGNS, key.day, (OTHER_CAMPAIGNS,))
        return key

    async def empty_search_counts(self, since: dt.date | None = None) -> list[EmptySearchCount]:
        """Every count of searches that found nothing (from `since` on), newest day first."""
        await self.flush_counts()
        rows = await self._db.execute_fetchall(
            "SELECT day, region_id, locale, need_id, count FROM empty_searches WHERE day >= ?"
            " ORDER BY day DESC, region_id, locale, need_id",
            ((since or dt.date.min).isoformat(),),
        )
        return [
            EmptySearchCount(dt.date.fromisoformat(day), region_id, locale, need_id, int(count))
            for day, region_id, locale, need_id, count in rows
        ]

    def _remember(self, user_key: str, known: _Known) -> None:
        self._known[user_key] = known
        self._known.move_to_end(user_key)
        if len(self._known) > CACHE_SIZE:
            self._known.popitem(last=False)

    async def schema_version(self) -> int:
        """The database's schema version (`PRAGMA user_version`)."""
        return await user_version(self._db)

    async def _checkpoint(self) -> None:
        # In WAL mode a deleted row's old page images stay in the -wal file (and the pre-delete
        # page in the main file) until a checkpoint. Copying the zeroed pages back and
        # truncating the log makes an erasure reach the disk now rather than at some later
        # automatic checkpoint; erasures are rare, so the extra fsync is cheap.
        # The pragma returns a row: read it, so the statement is finished before the next one
        # (an unread checkpoint left the table locked for the next erasure under load).
        # While another update's statement is still reading on this shared connection, the
        # checkpoint is refused ("database table is locked"). The erasure itself has committed
        # by then, so the person is told it is done: the checkpoint is tried again a few times
        # and, failing that, owed and run with the next write of counts (every few seconds).
        for attempt in range(CHECKPOINT_ATTEMPTS):
            try:
                async with self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)") as cursor:
                    await cursor.fetchall()
            except sqlite3.OperationalError as error:
                if "locked" not in str(error):
                    raise
                await asyncio.sleep(CHECKPOINT_PAUSE_S * (attempt + 1))
            else:
                self._checkpoint_owed = False
                return
        self._checkpoint_owed = True
        logger.warning("The erasure checkpoint is deferred: the database was busy")

    async def settle(self) -> None:
        """Write the counts in memory, and run a checkpoint an erasure still owes."""
        await self.flush_counts()
        if self._checkpoint_owed:
            await self._checkpoint()
