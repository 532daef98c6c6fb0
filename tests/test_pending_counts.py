"""Anonymous counts are added up in memory and written in batches: every read sees them, a
stop writes them, the periodic writer writes them, and the campaign cap still holds."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import closing
from pathlib import Path

import pytest

from bot.app import write_counts
from bot.store import Store
from bot.store.pending_counts import (
    MAX_CAMPAIGNS_PER_DAY,
    OTHER_CAMPAIGNS,
    CountKey,
    CountTable,
    PendingCounts,
)

DAY = dt.date(2026, 12, 5)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(tmp_path / "db.sqlite3")
    yield opened
    await opened.close()


def on_disk(store_path: Path, sql: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(store_path)) as db:
        return db.execute(sql).fetchall()


async def count_everything(store: Store, times: int) -> None:
    for _ in range(times):
        await store.count(DAY, "oakland", "food", "es")
        await store.count_campaign_start(DAY, "flyer1")
        await store.count_share(DAY, "food", "inline")
        await store.count_empty_search(DAY, None, "es", None)


async def test_counts_wait_in_memory_and_every_read_sees_them(store: Store, tmp_path: Path) -> None:
    await count_everything(store, 3)
    assert on_disk(tmp_path / "db.sqlite3", "SELECT * FROM counters") == []
    assert [c.count for c in await store.counts()] == [3]
    assert [(c.key, c.count) for c in await store.campaign_starts()] == [("flyer1", 3)]
    assert [c.count for c in await store.shares()] == [3]
    assert [c.count for c in await store.empty_search_counts()] == [3]
    await count_everything(store, 2)  # added to the rows already written
    assert [c.count for c in await store.counts()] == [5]


async def test_closing_writes_what_is_left(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "db.sqlite3")
    await count_everything(store, 4)
    await store.close()
    topics = "SELECT region_id, need_id, locale, count FROM counters"
    assert on_disk(tmp_path / "db.sqlite3", topics) == [("oakland", "food", "es", 4)]
    assert on_disk(tmp_path / "db.sqlite3", "SELECT count FROM empty_searches") == [(4,)]


async def test_the_writer_writes_every_interval_and_at_stop(store: Store, tmp_path: Path) -> None:
    stop = asyncio.Event()
    writer = asyncio.create_task(write_counts(store, stop, every=0.01))
    await count_everything(store, 1)
    deadline = time.monotonic() + 5
    while not on_disk(tmp_path / "db.sqlite3", "SELECT count FROM shares"):
        assert time.monotonic() < deadline, "the counts were never written"
        await asyncio.sleep(0.01)
    await count_everything(store, 1)
    stop.set()
    await writer
    assert on_disk(tmp_path / "db.sqlite3", "SELECT count FROM shares") == [(2,)]


async def test_the_campaign_cap_holds_across_batches(store: Store) -> None:
    for n in range(MAX_CAMPAIGNS_PER_DAY - 1):
        await store.count_campaign_start(DAY, f"c{n}")
    await store.flush_counts()
    for n in range(MAX_CAMPAIGNS_PER_DAY - 5, MAX_CAMPAIGNS_PER_DAY + 20):
        await store.count_campaign_start(DAY, f"c{n}")
    starts = {c.key: c.count for c in await store.campaign_starts()}
    assert len(starts) == MAX_CAMPAIGNS_PER_DAY + 1
    assert starts["c0"] == 1 and starts[f"c{MAX_CAMPAIGNS_PER_DAY - 5}"] == 2
    assert starts[OTHER_CAMPAIGNS] == 20
    assert sum(starts.values()) == MAX_CAMPAIGNS_PER_DAY - 1 + 25


def test_memory_is_bounded_whatever_codes_arrive() -> None:
    pending = PendingCounts()
    for n in range(10 * MAX_CAMPAIGNS_PER_DAY):
        pending.add(CountKey(CountTable.CAMPAIGNS, DAY, (f"code{n}",)))
    assert len(pending) == MAX_CAMPAIGNS_PER_DAY + 1
    taken = pending.take()
    assert sum(taken.values()) == 10 * MAX_CAMPAIGNS_PER_DAY and len(pending) == 0
    # A failed write puts its counts back under the same cap.
    for n in range(10 * MAX_CAMPAIGNS_PER_DAY):
        pending.add(CountKey(CountTable.CAMPAIGNS, DAY, (f"new{n}",)))
    pending.put_back(taken)
    assert len(pending) == MAX_CAMPAIGNS_PER_DAY + 1
    assert sum(pending.take().values()) == 20 * MAX_CAMPAIGNS_PER_DAY


def test_a_failed_write_keeps_the_counts_for_the_next() -> None:
    pending = PendingCounts()
    key = CountKey(CountTable.SHARES, DAY, ("food", "share"))
    pending.add(key)
    taken = pending.take()
    pending.add(key)
    pending.put_back(taken)
    assert pending.take()[key] == 2


async def test_writing_counts_while_an_alert_is_published_takes_turns(store: Store) -> None:
    """Both are transactions on the one shared connection: without taking turns the second
    BEGIN fails ("cannot start a transaction within a transaction")."""
    published = dt.datetime(2026, 12, 5, 9, tzinfo=dt.UTC)
    for n in range(10):
        await count_everything(store, 1)
        await asyncio.gather(
            store.flush_counts(),
            store.alerts.publish(published, DAY, ("oakland",), {"en": f"alert {n}"}),
        )
    assert [c.count for c in await store.counts()] == [10]
    assert len(await store.alerts.alerts()) == 10
