"""The store's SQL schema: numbered migrations, the allowed columns, and applying them."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator

import aiosqlite

log = logging.getLogger(__name__)


class StoreError(Exception):
    """The store cannot be used as it is (for example, its schema is from a newer program)."""


# Migration i brings `PRAGMA user_version` from i to i + 1. Never edit a shipped migration:
# append a new one, and update ALLOWED_COLUMNS to match.
MIGRATIONS: tuple[str, ...] = (
    # 1: remembered choices, keyed by an HMAC of the user id, and anonymous daily counts.
    """
    CREATE TABLE preferences (
        user_key  TEXT PRIMARY KEY,
        locale    TEXT,
        region_id TEXT,
        last_seen TEXT NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE counters (
        day       TEXT NOT NULL,
        region_id TEXT NOT NULL,
        need_id   TEXT NOT NULL,
        locale    TEXT NOT NULL,
        count     INTEGER NOT NULL,
        PRIMARY KEY (day, region_id, need_id, locale)
    ) WITHOUT ROWID;
    """,
    # 2: the person's choices for disappearing messages and forward protection; and messages
    # waiting to disappear: the chat id sealed (bot/sealed.py), at most 48 hours.
    """
    ALTER TABLE preferences ADD COLUMN disappear_after INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE preferences ADD COLUMN protect INTEGER;

    CREATE TABLE deletions (
        id         INTEGER PRIMARY KEY,
        chat       BLOB NOT NULL,
        message_id INTEGER NOT NULL,
        due        INTEGER NOT NULL
    );
    """,
    # 3: what admins did: which admin (the keyed hash of their id), what (a command or button
    # name, never its argument), when. No user data.
    """
    CREATE TABLE audit (
        id        INTEGER PRIMARY KEY,
        at        TEXT NOT NULL,
        admin_key TEXT NOT NULL,
        action    TEXT NOT NULL
    );
    """,
    # 4: "something is wrong here" taps, counted per listing, reason and day; and searches that
    # found nothing, counted per day, area, language and need (never the words). Neither holds
    # anything about who tapped or searched, nor links one count to another.
    """
    CREATE TABLE listing_reports (
        day         TEXT NOT NULL,
        resource_id TEXT NOT NULL,
        reason      TEXT NOT NULL,
        count       INTEGER NOT NULL,
        PRIMARY KEY (day, resource_id, reason)
    ) WITHOUT ROWID;

    CREATE TABLE empty_searches (
        day       TEXT NOT NULL,
        region_id TEXT NOT NULL,
        locale    TEXT NOT NULL,
        need_id   TEXT NOT NULL,
        count     INTEGER NOT NULL,
        PRIMARY KEY (day, region_id, locale, need_id)
    ) WITHOUT ROWID;
    """,
    # 5: outreach counts, numbers only: how many /starts came through each campaign code, and
    # how many cards were shared per topic and way, per day. Nothing links a count to a person.
    """
    CREATE TABLE campaign_starts (
        day      TEXT NOT NULL,
        campaign TEXT NOT NULL,
        count    INTEGER NOT NULL,
        PRIMARY KEY (day, campaign)
    ) WITHOUT ROWID;

    CREATE TABLE shares (
        day   TEXT NOT NULL,
        topic TEXT NOT NULL,
        via   TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (day, topic, via)
    ) WITHOUT ROWID;
    """,
    # 6: safety alerts (bot/alerts.py): what admins published; who opted in (keyed hash, the
    # chat id sealed, the areas, the language); and the outbox, one row per alert and
    # subscriber, whose sealed chat and delivered message id are kept only until expiry or 48 h.
    """
    CREATE TABLE alerts (
        id        INTEGER PRIMARY KEY,
        published TEXT NOT NULL,
        expires   TEXT NOT NULL,
        areas     TEXT NOT NULL,
        texts     TEXT NOT NULL,
        withdrawn INTEGER NOT NULL DEFAULT 0
    );

    CREATE TABLE alert_subscribers (
        user_key TEXT PRIMARY KEY,
        chat     BLOB NOT NULL,
        areas    TEXT NOT NULL,
        locale   TEXT NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE alert_outbox (
        id         INTEGER PRIMARY KEY,
        alert_id   INTEGER NOT NULL REFERENCES alerts (id),
        user_key   TEXT,
        chat       BLOB,
        locale     TEXT NOT NULL,
        state      TEXT NOT NULL DEFAULT 'waiting',
        attempts   INTEGER NOT NULL DEFAULT 0,
        not_before REAL NOT NULL DEFAULT 0,
        message_id INTEGER,
        sent_at    REAL
    );
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)

# Everything the database may hold, table -> columns. The privacy tests compare the live
# schema with this, so a new column is a deliberate, reviewed decision.
ALLOWED_COLUMNS: dict[str, frozenset[str]] = {
    "preferences": frozenset(
        {"user_key", "locale", "region_id", "last_seen", "disappear_after", "protect"}
    ),
    "counters": frozenset({"day", "region_id", "need_id", "locale", "count"}),
    "deletions": frozenset({"id", "chat", "message_id", "due"}),
    "audit": frozenset({"id", "at", "admin_key", "action"}),
    "listing_reports": frozenset({"day", "resource_id", "reason", "count"}),
    "empty_searches": frozenset({"day", "region_id", "locale", "need_id", "count"}),
    "campaign_starts": frozenset({"day", "campaign", "count"}),
    "shares": frozenset({"day", "topic", "via", "count"}),
    "alerts": frozenset({"id", "published", "expires", "areas", "texts", "withdrawn"}),
    "alert_subscribers": frozenset({"user_key", "chat", "areas", "locale"}),
    "alert_outbox": frozenset(
        {
            "id",
            "alert_id",
            "user_key",
            "chat",
            "locale",
            "state",
            "attempts",
            "not_before",
            "message_id",
            "sent_at",
        }
    ),
}


def statements(script: str) -> Iterator[str]:
    """Split an SQL script into complete statements (semicolons in strings and triggers kept)."""
    buffer = ""
    for part in script.split(";"):
        buffer += part + ";"
        if sqlite3.complete_statement(buffer):
            if buffer.strip(" \t\r\n;"):
                yield buffer.strip()
            buffer = ""
    if buffer.strip(" \t\r\n;"):
        raise ValueError("SQL script ends with an incomplete statement")


async def user_version(connection: aiosqlite.Connection) -> int:
    """The database's `PRAGMA user_version`, i.e. how many migrations it has had."""
    async with connection.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row is not None else 0


def _too_new(version: int) -> StoreError:
    return StoreError(
        f"database schema version {version} is newer than this program ({SCHEMA_VERSION}); "
        "upgrade the bot"
    )


async def migrate(connection: aiosqlite.Connection) -> int:
    """Apply every migration above the database's version, each in its own transaction.

    `connection` must be in autocommit mode (isolation_level=None). Returns the final version.
    Raises StoreError if the database is newer than this program.
    """
    while True:
        # The version is read inside the write transaction, so two processes opening the same
        # file at once cannot both apply the same migration.
        await connection.execute("BEGIN IMMEDIATE")
        try:
            version = await user_version(connection)
            if version > SCHEMA_VERSION:
                raise _too_new(version)
            if version == SCHEMA_VERSION:
                await connection.execute("ROLLBACK")
                return version
            # Statement by statement rather than executescript(), which would commit the
            # open transaction first and so leave a half-applied migration on failure.
            for statement in statements(MIGRATIONS[version]):
                await connection.execute(statement)
            await connection.execute(f"PRAGMA user_version = {version + 1:d}")
            await connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                await connection.execute("ROLLBACK")
            raise
        log.info("migrated store schema to version %d", version + 1)
