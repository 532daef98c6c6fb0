"""Tests for the SQLite store: migrations, preferences, retention, counters and real erasure."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
import stat
from collections.abc import AsyncIterator
from contextlib import closing
from pathlib import Path

import pytest

from bot.store import ALLOWED_COLUMNS, SCHEMA_VERSION, Count, Preferences, Store, StoreError, schema

DAY = dt.date(2026, 11, 22)
KEY_A = "a" * 64
KEY_B = "b" * 64


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "waypoint.db"


@pytest.fixture
async def store(db_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(db_path)
    yield opened
    await opened.close()


def query(path: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """Read the database directly, bypassing the store."""
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute(sql, params).fetchall()


def on_disk(db_path: Path) -> bytes:
    """The bytes of the database file and any -wal/-shm files next to it."""
    files = [db_path, db_path.with_name(db_path.name + "-wal")]
    files.append(db_path.with_name(db_path.name + "-shm"))
    return b"".join(p.read_bytes() for p in files if p.exists())


# Migrations


async def test_fresh_database_is_migrated_and_in_wal_mode(store: Store, db_path: Path) -> None:
    assert await store.schema_version() == SCHEMA_VERSION == 6
    assert query(db_path, "PRAGMA journal_mode") == [("wal",)]


async def test_reopening_is_idempotent_and_keeps_data(db_path: Path) -> None:
    first = await Store.open(db_path)
    await first.save_preferences(KEY_A, Preferences(locale="es", region_id="oakland"), DAY)
    await first.count(DAY, "oakland", "food", "es")
    await first.close()

    second = await Store.open(db_path)
    try:
        assert await second.schema_version() == SCHEMA_VERSION
        assert await second.preferences(KEY_A, DAY) == Preferences("es", "oakland")
        assert await second.counts() == [Count(DAY, "oakland", "food", "es", 1)]
    finally:
        await second.close()


async def test_newer_schema_version_is_refused(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    with closing(sqlite3.connect(db_path)) as connection:
        connection.execute("PRAGMA user_version = 7")
    with pytest.raises(
        StoreError, match=rf"version 7 is newer than this program \({SCHEMA_VERSION}\)"
    ):
        await Store.open(db_path)


async def test_failed_migration_leaves_previous_version(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await (await Store.open(db_path)).close()
    broken = "CREATE TABLE half_done (x TEXT); CREATE TABLE counters (x TEXT);"
    monkeypatch.setattr(schema, "MIGRATIONS", (*schema.MIGRATIONS, broken))
    monkeypatch.setattr(schema, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with pytest.raises(sqlite3.OperationalError, match="already exists"):
        await Store.open(db_path)
    assert query(db_path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert query(db_path, "SELECT name FROM sqlite_master WHERE name = 'half_done'") == []


def test_statements_split_keeps_strings_and_triggers_whole() -> None:
    script = """
        CREATE TABLE t (x TEXT);
        INSERT INTO t VALUES ('a;b');
        CREATE TRIGGER tr AFTER INSERT ON t BEGIN DELETE FROM t WHERE x = ';'; END;
    """
    parts = list(schema.statements(script))
    assert len(parts) == 3
    assert parts[1] == "INSERT INTO t VALUES ('a;b');"
    assert parts[2].endswith("END;")


def test_statements_rejects_incomplete_script() -> None:
    with pytest.raises(ValueError, match="incomplete"):
        list(schema.statements("CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('oops"))


# Preferences


async def test_preferences_round_trip(store: Store) -> None:
    await store.save_preferences(KEY_A, Preferences(locale="es", region_id="oakland"), DAY)
    await store.save_preferences(KEY_B, Preferences(locale="en"), DAY)
    assert await store.preferences(KEY_A, DAY) == Preferences(locale="es", region_id="oakland")
    assert await store.preferences(KEY_B, DAY) == Preferences(locale="en", region_id=None)


async def test_unknown_key_has_no_preferences(store: Store) -> None:
    assert await store.preferences(KEY_A, DAY) is None


async def test_save_replaces_existing_row(store: Store, db_path: Path) -> None:
    await store.save_preferences(KEY_A, Preferences(locale="es", region_id="oakland"), DAY)
    later = DAY + dt.timedelta(days=3)
    await store.save_preferences(KEY_A, Preferences(region_id="fresno"), later)
    assert await store.preferences(KEY_A, later) == Preferences(locale=None, region_id="fresno")
    await store.settled()
    assert query(db_path, "SELECT count(*), max(last_seen) FROM preferences") == [
        (1, later.isoformat())
    ]


async def test_saving_empty_preferences_deletes_row(store: Store, db_path: Path) -> None:
    await store.save_preferences(KEY_A, Preferences(locale="es"), DAY)
    await store.save_preferences(KEY_A, Preferences(), DAY)
    assert await store.preferences(KEY_A, DAY) is None
    assert query(db_path, "SELECT count(*) FROM preferences") == [(0,)]
    # Saving nothing for an unknown user is not an error and writes nothing.
    await store.save_preferences(KEY_B, Preferences(), DAY)
    assert query(db_path, "SELECT count(*) FROM preferences") == [(0,)]


async def test_reading_moves_last_seen_only_when_day_differs(store: Store, db_path: Path) -> None:
    await store.save_preferences(KEY_A, Preferences(locale="es"), DAY)
    await store.settled()

    def last_seen() -> object:
        return query(db_path, "SELECT last_seen FROM preferences WHERE user_key = ?", (KEY_A,))

    # Without a checkpoint the write-ahead log only grows, so unchanged bytes mean no write.
    wal = db_path.with_name(db_path.name + "-wal")
    assert last_seen() == [(DAY.isoformat(),)]
    before = wal.read_bytes()
    await store.preferences(KEY_A, DAY)
    assert wal.read_bytes() == before
    assert last_seen() == [(DAY.isoformat(),)]

    next_day = DAY + dt.timedelta(days=1)
    await store.preferences(KEY_A, next_day)
    assert last_seen() == [(next_day.isoformat(),)]
    assert wal.read_bytes() != before


async def test_a_choice_is_known_at_once_and_written_in_the_background(
    store: Store, db_path: Path
) -> None:
    await store.save_preferences(KEY_A, Preferences(locale="es"), DAY)
    assert await store.preferences(KEY_A, DAY) == Preferences(locale="es")
    await store.settled()
    assert query(db_path, "SELECT user_key, locale FROM preferences") == [(KEY_A, "es")]


async def test_an_erasure_right_after_a_choice_waits_for_it_and_is_final(
    store: Store, db_path: Path
) -> None:
    canary = "canary-region-4410"
    for _ in range(3):
        await store.save_preferences(KEY_A, Preferences(region_id=canary), DAY)
        assert await store.forget(KEY_A) is True
        await store.settled()
        assert query(db_path, "SELECT count(*) FROM preferences") == [(0,)]
        assert canary.encode() not in on_disk(db_path)
        assert await store.preferences(KEY_A, DAY) is None


async def test_a_choice_that_cannot_be_written_is_logged_and_read_again(
    store: Store, db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    await store.save_preferences(KEY_A, Preferences(locale="es"), DAY)
    await store.settled()
    # A trigger makes the next write of the row fail, as a full disk would.
    query_db = sqlite3.connect(db_path)
    query_db.execute(
        "CREATE TRIGGER refuse BEFORE UPDATE ON preferences BEGIN SELECT RAISE(ABORT, 'no'); END"
    )
    query_db.commit()
    query_db.close()
    canary = "canary-region-4411"
    await store.save_preferences(KEY_A, Preferences(locale="es", region_id=canary), DAY)
    assert await store.preferences(KEY_A, DAY) == Preferences(locale="es", region_id=canary)
    await store.settled()
    assert "Could not save a choice: IntegrityError" in caplog.text
    assert canary not in caplog.text
    # Memory forgot the choice that was not written: the database is read again.
    assert await store.preferences(KEY_A, DAY) == Preferences(locale="es")


async def test_forget(store: Store, db_path: Path) -> None:
    await store.save_preferences(KEY_A, Preferences(locale="es"), DAY)
    await store.save_preferences(KEY_B, Preferences(locale="en"), DAY)
    assert await store.forget(KEY_A) is True
    assert await store.forget(KEY_A) is False
    assert await store.preferences(KEY_A, DAY) is None
    assert query(db_path, "SELECT user_key FROM preferences") == [(KEY_B,)]


async def test_forget_unseen_since_deletes_only_older_rows(store: Store, db_path: Path) -> None:
    old, cutoff, recent = DAY - dt.timedelta(days=200), DAY - dt.timedelta(days=180), DAY
    keys = {"c" * 64: old, "d" * 64: cutoff, "e" * 64: recent}
    for key, day in keys.items():
        await store.save_preferences(key, Preferences(locale="en"), day)
    assert await store.forget_unseen_since(cutoff) == 1
    assert sorted(query(db_path, "SELECT user_key FROM preferences")) == [
        ("d" * 64,),
        ("e" * 64,),
    ]
    assert await store.forget_unseen_since(cutoff) == 0


# Counters


async def test_counters_add_up(store: Store) -> None:
    other_day = DAY + dt.timedelta(days=1)
    for _ in range(3):
        await store.count(DAY, "oakland", "food", "es")
    await store.count(DAY, None, None, "en")
    await store.count(DAY, "", "", "en")
    await store.count(other_day, "oakland", "food", "es")
    assert await store.counts() == [
        Count(day=DAY, region_id="", need_id="", locale="en", count=2),
        Count(day=DAY, region_id="oakland", need_id="food", locale="es", count=3),
        Count(day=other_day, region_id="oakland", need_id="food", locale="es", count=1),
    ]


async def test_no_counters_at_first(store: Store) -> None:
    assert await store.counts() == []


# Privacy


async def test_live_schema_holds_only_allowed_columns(store: Store, db_path: Path) -> None:
    tables = [
        name
        for (name,) in query(
            db_path, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        )
    ]
    live = {
        str(table): frozenset(
            str(column[1]) for column in query(db_path, f"PRAGMA table_info({table})")
        )
        for table in tables
    }
    assert live == ALLOWED_COLUMNS
    # No views, triggers or extra indexes that could copy values elsewhere.
    assert query(db_path, "SELECT type, name FROM sqlite_master WHERE type != 'table'") == []


async def test_forgotten_values_are_erased_from_disk(db_path: Path) -> None:
    canary_locale, canary_region = b"xx_Canary", b"canary-region-771"
    store = await Store.open(db_path)
    await store.save_preferences(KEY_B, Preferences(locale="en", region_id="oakland"), DAY)
    await store.save_preferences(
        KEY_A, Preferences(locale=canary_locale.decode(), region_id=canary_region.decode()), DAY
    )
    # The check below can see the values while they are stored...
    await store.settled()
    assert canary_region in on_disk(db_path)

    assert await store.forget(KEY_A) is True
    # ...and once forgotten they are gone at once, not only after closing...
    data = on_disk(db_path)
    assert canary_locale not in data
    assert canary_region not in data
    assert KEY_A.encode() not in data
    await store.close()

    # ...and stay gone, while the row that was kept survives.
    data = on_disk(db_path)
    assert canary_locale not in data
    assert canary_region not in data
    assert b"oakland" in data


async def test_retention_erases_from_disk(store: Store, db_path: Path) -> None:
    canary = "canary-region-772"
    await store.save_preferences(KEY_A, Preferences(region_id=canary), DAY)
    assert await store.forget_unseen_since(DAY + dt.timedelta(days=1)) == 1
    assert canary.encode() not in on_disk(db_path)


async def test_files_are_owner_only(store: Store, db_path: Path) -> None:
    await store.save_preferences(KEY_A, Preferences(locale="es"), DAY)
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    wal = db_path.with_name(db_path.name + "-wal")
    assert wal.exists()
    assert stat.S_IMODE(wal.stat().st_mode) == 0o600
    assert stat.S_IMODE(db_path.parent.stat().st_mode) & 0o077 == 0


async def test_close_twice_is_harmless(db_path: Path) -> None:
    store = await Store.open(db_path)
    await store.close()
    await store.close()


async def test_the_in_memory_cache_follows_every_write_and_stays_bounded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.store.sqlite.CACHE_SIZE", 3)
    store = await Store.open(tmp_path / "cache.db")
    try:
        day = dt.date(2026, 11, 22)
        assert await store.preferences("k0", day) is None
        await store.save_preferences("k0", Preferences(locale="es"), day)
        assert await store.preferences("k0", day) == Preferences(locale="es")
        for n in range(1, 6):
            await store.save_preferences(f"k{n}", Preferences(region_id="oakland"), day)
        assert len(store._known) == 3
        assert await store.preferences("k0", day) == Preferences(locale="es")
        assert await store.forget("k0")
        assert await store.preferences("k0", day) is None
        assert await store.forget_unseen_since(day + dt.timedelta(days=1)) == 5
        assert await store.preferences("k5", day) is None
    finally:
        await store.close()


class CountedReads:
    """Counts the store's reads of one person's choices through the database thread."""

    def __init__(self, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
        self.reads = 0
        read = store._db.execute_fetchall

        async def counted(sql: str, params: tuple[object, ...]) -> object:
            self.reads += "FROM preferences WHERE user_key" in sql
            return await read(sql, params)

        monkeypatch.setattr(store._db, "execute_fetchall", counted)


async def test_someone_new_costs_no_read_and_every_saved_row_is_still_found(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The keys with a row are known (loaded at open, added before a write): a key without one
    is answered without a read; a saved row is always read, after a restart or when the cache
    has forgotten it; an erasure drops the key."""
    store = await Store.open(db_path)
    try:
        await store.save_preferences(KEY_A, Preferences(locale="es"), DAY)
    finally:
        await store.close()
    store = await Store.open(db_path)
    try:
        counted = CountedReads(store, monkeypatch)
        assert await store.preferences(KEY_B, DAY) is None
        assert counted.reads == 0
        assert await store.preferences(KEY_A, DAY) == Preferences(locale="es")
        assert counted.reads == 1
        await store.save_preferences(KEY_B, Preferences(region_id="oakland"), DAY)
        store._known.clear()  # as retention does: everyone is read again
        assert await store.preferences(KEY_B, DAY) == Preferences(region_id="oakland")
        assert await store.forget(KEY_A)
        assert not store._rows.may_have(KEY_A)
        assert store._rows.may_have(KEY_B)
    finally:
        await store.close()


async def test_past_its_bound_the_set_of_keys_knows_nothing_and_every_key_is_read(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = await Store.open(db_path)
    try:
        for key in ("k0", "k1", "k2"):
            await store.save_preferences(key, Preferences(locale="en"), DAY)
    finally:
        await store.close()
    for bound, reads in ((2, 1), (3, 0)):
        monkeypatch.setattr("bot.store.row_keys.MAX_ROW_KEYS", bound)
        monkeypatch.setattr("bot.store.sqlite.MAX_ROW_KEYS", bound)
        store = await Store.open(db_path)
        try:
            counted = CountedReads(store, monkeypatch)
            assert await store.preferences(KEY_B, DAY) is None
            assert counted.reads == reads
            assert not store._rows.may_have("never-seen") or bound == 2
            # A fourth row goes past either bound: from then on every key is read.
            await store.save_preferences(KEY_B, Preferences(locale="es"), DAY)
            assert store._rows.may_have("never-seen")
        finally:
            await store.close()
        await _forget_b(db_path)


async def _forget_b(db_path: Path) -> None:
    store = await Store.open(db_path)
    try:
        await store.forget(KEY_B)
    finally:
        await store.close()


async def test_many_erasures_at_once_all_succeed(db_path: Path) -> None:
    # Under load an unread checkpoint left "database table is locked" for the next erasure.
    store = await Store.open(db_path)
    try:
        keys = [f"key-{n}" for n in range(300)]
        for key in keys:
            await store.save_preferences(key, Preferences(locale="es"), DAY)
        work = [store.forget(key) for key in keys]
        work += [store.preferences(f"other-{n}", DAY) for n in range(300)]
        work += [store.count(DAY, "oakland", "food", "es") for _ in range(300)]
        results = await asyncio.gather(*work)
        assert all(results[: len(keys)])
    finally:
        await store.close()


async def test_an_erasure_while_another_read_is_open_is_confirmed_and_reaches_disk_soon(
    store: Store, db_path: Path
) -> None:
    """Under load another update's read may still be open on the shared connection, which
    makes SQLite refuse the checkpoint ("database table is locked"). The erasure has committed:
    it must be confirmed, not fail, and its checkpoint must follow with the next settle."""
    canary = "canary-region-5150"
    for n in range(5):
        await store.save_preferences(f"k{n}", Preferences(locale="en", region_id=canary), DAY)
    reading = await store._db.execute("SELECT user_key FROM preferences")
    await reading.fetchone()  # a read left open, as an update in flight would
    for n in range(5):
        assert await store.forget(f"k{n}") is True
    await reading.close()
    await store.settle()
    assert canary.encode() not in on_disk(db_path)
