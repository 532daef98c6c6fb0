"""Safety alerts at rest: the alerts, the people who opted in, and the outbox that delivers them.

Publishing writes the alert and one outbox row per matching subscriber in one transaction, so a
crash leaves either both or neither. A subscriber is a keyed hash, the chat id sealed
(bot/sealed.py), the areas and the language; nothing else. An outbox row keeps the sealed chat
and the delivered message id only while a withdrawal could still delete the message.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import aiosqlite

from bot.domain.alerts import Alert
from bot.store.transactions import Transactions

WAITING, SENT, FAILED, UNSEND, DONE = "waiting", "sent", "failed", "unsend", "done"
# Not sent because the alert ended before its turn came (the bot was down, say).
EXPIRED = "expired"
# Telegram lets a bot delete its messages for 48 hours.
DELETABLE_SECONDS = 48 * 3600


@dataclass(frozen=True)
class Progress:
    """How far an alert's delivery has come (rows per state)."""

    sent: int
    waiting: int
    failed: int


@dataclass(frozen=True)
class Subscription:
    """What opting in keeps: the sealed chat id, the areas and the language."""

    chat: bytes
    areas: tuple[str, ...]
    locale: str


@dataclass(frozen=True)
class OutboxRow:
    """One message to send (or, for a withdrawn alert, to delete)."""

    row: int
    alert_id: int
    user_key: str
    chat: bytes
    locale: str
    attempts: int
    message_id: int | None = None


def _areas_text(areas: tuple[str, ...]) -> str:
    return " ".join(areas)


def _alert(row: aiosqlite.Row | tuple[object, ...]) -> Alert:
    alert_id, published, expires, areas, texts, withdrawn = row
    return Alert(
        int(str(alert_id)),
        dt.datetime.fromisoformat(str(published)),
        dt.date.fromisoformat(str(expires)),
        tuple(str(areas).split()),
        dict(json.loads(str(texts))),
        bool(withdrawn),
    )


_ALERT_COLUMNS = "id, published, expires, areas, texts, withdrawn"


class AlertBook:
    """The alert tables, on the store's connection (autocommit)."""

    def __init__(self, connection: aiosqlite.Connection, transactions: Transactions) -> None:
        self._db = connection
        self._transactions = transactions

    async def publish(
        self,
        published: dt.datetime,
        expires: dt.date,
        areas: tuple[str, ...],
        texts: dict[str, str],
    ) -> int:
        """Write the alert and one outbox row per subscriber to any of `areas`, together."""
        async with self._transactions.begin():
            async with self._db.execute(
                "INSERT INTO alerts (published, expires, areas, texts) VALUES (?, ?, ?, ?)",
                (
                    published.isoformat(timespec="seconds"),
                    expires.isoformat(),
                    _areas_text(areas),
                    json.dumps(texts, ensure_ascii=False),
                ),
            ) as cursor:
                alert_id = int(cursor.lastrowid or 0)
            subscribers = await self._db.execute_fetchall(
                "SELECT user_key, chat, areas, locale FROM alert_subscribers"
            )
            wanted = set(areas)
            await self._db.executemany(
                "INSERT INTO alert_outbox (alert_id, user_key, chat, locale) VALUES (?, ?, ?, ?)",
                [
                    (alert_id, key, chat, locale)
                    for key, chat, their_areas, locale in subscribers
                    if wanted & set(str(their_areas).split())
                ],
            )
        return alert_id

    async def alert(self, alert_id: int) -> Alert | None:
        """One alert by id."""
        rows = list(
            await self._db.execute_fetchall(
                f"SELECT {_ALERT_COLUMNS} FROM alerts WHERE id = ?", (alert_id,)
            )
        )
        return _alert(rows[0]) if rows else None

    async def alerts(self) -> list[Alert]:
        """Every alert, newest first."""
        rows = await self._db.execute_fetchall(
            f"SELECT {_ALERT_COLUMNS} FROM alerts ORDER BY id DESC"
        )
        return [_alert(row) for row in rows]

    async def current(self, today: dt.date, area: str | None) -> list[Alert]:
        """Alerts neither expired nor withdrawn, for `area` (every area when None), newest
        first."""
        return [
            alert
            for alert in await self.alerts()
            if alert.current(today) and (area is None or area in alert.areas)
        ]

    async def progress(self, alert_id: int) -> Progress:
        """Delivery progress of one alert."""
        rows = await self._db.execute_fetchall(
            "SELECT state, COUNT(*) FROM alert_outbox WHERE alert_id = ? GROUP BY state",
            (alert_id,),
        )
        counts = {str(state): int(count) for state, count in rows}
        delivered = counts.get(SENT, 0) + counts.get(UNSEND, 0) + counts.get(DONE, 0)
        return Progress(delivered, counts.get(WAITING, 0), counts.get(FAILED, 0))

    async def withdraw(self, alert_id: int) -> bool:
        """Withdraw an alert: nothing more is sent, and delivered messages are queued for
        deletion. False when there is no such alert (or it was withdrawn already)."""
        async with self._transactions.begin():
            async with self._db.execute(
                "UPDATE alerts SET withdrawn = 1 WHERE id = ? AND withdrawn = 0", (alert_id,)
            ) as cursor:
                changed = cursor.rowcount > 0
            await self._db.execute(
                "DELETE FROM alert_outbox WHERE alert_id = ? AND state = ?", (alert_id, WAITING)
            )
            await self._db.execute(
                "UPDATE alert_outbox SET state = ? WHERE alert_id = ? AND state = ?"
                " AND message_id IS NOT NULL",
                (UNSEND, alert_id, SENT),
            )
        return changed

    async def subscribe(self, user_key: str, subscription: Subscription) -> None:
        """Opt in (or change the areas or language)."""
        await self._db.execute(
            """
            INSERT INTO alert_subscribers (user_key, chat, areas, locale) VALUES (?, ?, ?, ?)
            ON CONFLICT (user_key) DO UPDATE SET
                chat = excluded.chat, areas = excluded.areas, locale = excluded.locale
            """,
            (
                user_key,
                subscription.chat,
                _areas_text(subscription.areas),
                subscription.locale,
            ),
        )

    async def follow_language(self, user_key: str, locale: str) -> None:
        """A subscriber's next alerts in `locale`; nothing for someone not subscribed (an
        update never brings back a subscription stopped or erased meanwhile)."""
        await self._db.execute(
            "UPDATE alert_subscribers SET locale = ? WHERE user_key = ?", (locale, user_key)
        )

    async def subscription(self, user_key: str) -> Subscription | None:
        """What is kept for someone who opted in, or None."""
        rows = list(
            await self._db.execute_fetchall(
                "SELECT chat, areas, locale FROM alert_subscribers WHERE user_key = ?",
                (user_key,),
            )
        )
        if not rows:
            return None
        chat, areas, locale = rows[0]
        return Subscription(bytes(chat), tuple(str(areas).split()), str(locale))

    async def unsubscribe(self, user_key: str) -> bool:
        """Stop: the subscription and every outbox row for this person go. True when there
        was a subscription."""
        async with self._db.execute(
            "DELETE FROM alert_subscribers WHERE user_key = ?", (user_key,)
        ) as cursor:
            stopped = cursor.rowcount > 0
        await self._db.execute("DELETE FROM alert_outbox WHERE user_key = ?", (user_key,))
        return stopped

    async def subscriber_count(self) -> int:
        """How many people opted in."""
        rows = list(await self._db.execute_fetchall("SELECT COUNT(*) FROM alert_subscribers"))
        return int(rows[0][0])

    async def due(self, now: float, limit: int) -> list[OutboxRow]:
        """Rows to act on now (waiting to send, or delivered and to delete), oldest first."""
        rows = await self._db.execute_fetchall(
            "SELECT id, alert_id, user_key, chat, locale, attempts, message_id, state"
            " FROM alert_outbox WHERE state IN (?, ?) AND not_before <= ? ORDER BY id LIMIT ?",
            (WAITING, UNSEND, now, limit),
        )
        return [
            OutboxRow(
                int(row),
                int(alert_id),
                str(user_key or ""),
                bytes(chat or b""),
                str(locale),
                int(attempts),
                None if state == WAITING else message_id,
            )
            for row, alert_id, user_key, chat, locale, attempts, message_id, state in rows
        ]

    async def mark_sent(self, row: int, message_id: int, at: float) -> None:
        """The message went out: keep its id (with the sealed chat) for a withdrawal."""
        await self._db.execute(
            "UPDATE alert_outbox SET state = ?, message_id = ?, sent_at = ? WHERE id = ?",
            (SENT, message_id, at, row),
        )

    async def retry_later(self, row: int, not_before: float) -> None:
        """A transient failure: try this row again after `not_before`."""
        await self._db.execute(
            "UPDATE alert_outbox SET attempts = attempts + 1, not_before = ? WHERE id = ?",
            (not_before, row),
        )

    async def finish(self, row: int, state: str) -> None:
        """Close a row (failed, or its message deleted): the chat and ids go."""
        await self._db.execute(
            "UPDATE alert_outbox SET state = ?, chat = NULL, user_key = NULL,"
            " message_id = NULL WHERE id = ?",
            (state, row),
        )

    async def forget_delivered(self, now: float, today: dt.date) -> int:
        """Sealed chats and message ids of delivered rows past 48 hours or their alert's
        expiry go: a withdrawal could no longer delete them."""
        async with self._db.execute(
            "UPDATE alert_outbox SET chat = NULL, user_key = NULL, message_id = NULL,"
            " state = ? WHERE state = ? AND (sent_at < ? OR alert_id IN"
            " (SELECT id FROM alerts WHERE expires < ?))",
            (DONE, SENT, now - DELETABLE_SECONDS, today.isoformat()),
        ) as cursor:
            return cursor.rowcount
