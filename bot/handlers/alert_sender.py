"""The alert sender: drains the outbox (bot/store/alerts.py) at a global rate and at most one
message per chat per second, on its own Bot and connection pool so that interactive replies
never queue behind a broadcast.

Delivery is at least once: a row is marked sent after Telegram answers, so a crash (or a
timeout whose message did go out) between the send and the mark sends that one message again
after a restart. One message is in flight at a time, so a crash repeats at most one. A safety
alert seen twice is better than one never seen (docs/alerts.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.domain.alerts import Alert
from bot.handlers.newest import NewestIds
from bot.handlers.output import for_phone
from bot.logs import describe_error
from bot.sealed import ChatSeal
from bot.store import Store
from bot.store.alerts import DONE, EXPIRED, FAILED, OutboxRow
from bot.ui import screens
from bot.ui.render import Screen
from bot.ui.screens import View

logger = logging.getLogger(__name__)

DEFAULT_RATE = 25.0  # messages a second, under Telegram's 30
PER_CHAT_GAP = 1.0  # seconds between two messages to one chat
BATCH = 200
IDLE_POLL = 1.0  # seconds between looks at an empty outbox
MAX_ATTEMPTS = 8
FIRST_BACKOFF, MAX_BACKOFF = 1.0, 300.0
PURGE_EVERY = 60.0


@dataclass
class AlertSender:
    """Sends what the outbox holds. What changes: the pacing clock and each chat's last send
    (in memory, keyed by the subscriber's hash, for PER_CHAT_GAP)."""

    store: Store
    seal: ChatSeal
    view_for: Callable[[str], View]
    rate: float = DEFAULT_RATE
    clock: Callable[[], float] = time.monotonic
    wall: Callable[[], float] = time.time
    first_backoff: float = FIRST_BACKOFF
    # The newest message id known in each chat (bot/handlers/newest.py): an alert is one more,
    # so a reply's lost send is not looked for among ids the alert took.
    newest: NewestIds | None = None
    _next_slot: float = 0.0
    _last_to: dict[str, float] = field(default_factory=dict)
    _alerts: dict[int, Alert] = field(default_factory=dict)

    async def run(self, bot: Bot, stop: asyncio.Event) -> None:
        """Drain the outbox until `stop` is set; an empty outbox is looked at every second."""
        purged = 0.0
        while not stop.is_set():
            try:
                if self.clock() - purged > PURGE_EVERY:
                    purged = self.clock()
                    await self.store.alerts.forget_delivered(self.wall(), self._today())
                handled = await self.drain_once(bot, stop)
            except Exception as error:  # the next round tries again
                logger.error("Sending alerts failed: %s", describe_error(error))
                handled = 0
            if not handled:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), IDLE_POLL)

    async def drain_once(self, bot: Bot, stop: asyncio.Event | None = None) -> int:
        """Act on one batch of due rows; how many were acted on."""
        rows = await self.store.alerts.due(self.wall(), BATCH)
        handled = 0
        for row in rows:
            if stop is not None and stop.is_set():
                break
            if row.message_id is not None:
                await self._unsend(bot, row)
                handled += 1
                continue
            last = self._last_to.get(row.user_key)
            if last is not None and self.clock() - last < PER_CHAT_GAP:
                continue  # this chat had a message under a second ago: a later round
            await self._pace()
            if await self._send(bot, row):
                handled += 1
        self._forget_old_chats()
        return handled

    async def _pace(self) -> None:
        """Wait for this message's slot at the global rate."""
        now = self.clock()
        self._next_slot = max(self._next_slot, now)
        wait = self._next_slot - now
        self._next_slot += 1.0 / self.rate
        if wait > 0:
            await asyncio.sleep(wait)

    async def _send(self, bot: Bot, row: OutboxRow) -> bool:
        """Send one row; True when it is settled (sent, failed or dropped)."""
        alerts = self.store.alerts
        chat_id = self.seal.open(row.chat)
        alert = await self._alert(row.alert_id)
        if chat_id is None or alert is None:
            await alerts.finish(row.row, FAILED)
            return True
        if not alert.current(self._today()):
            await alerts.finish(row.row, EXPIRED)
            return True
        view = self.view_for(row.locale)
        # The neutral first line, as on every message: a lock screen does not show "alert".
        text = for_phone(view, Screen((screens.alert_message(view, alert),))).messages[0]
        try:
            message = await bot.send_message(
                chat_id,
                text,
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        except RetryAfter as error:
            await self._hold(_seconds(error.retry_after))
            return False
        except Forbidden:
            # They blocked the bot (or deleted their account): stop, and keep nothing.
            await alerts.unsubscribe(row.user_key)
            return True
        except BadRequest as error:
            logger.warning("An alert could not be sent: %s", describe_error(error))
            await alerts.finish(row.row, FAILED)
            return True
        except (NetworkError, TelegramError) as error:
            return await self._later(row, error)
        self._last_to[row.user_key] = self.clock()
        if self.newest is not None:
            self.newest.saw(row.user_key, message.message_id)
        await alerts.mark_sent(row.row, message.message_id, self.wall())
        return True

    async def _later(self, row: OutboxRow, error: Exception) -> bool:
        """A transient failure: back off, or give up after MAX_ATTEMPTS."""
        if row.attempts + 1 >= MAX_ATTEMPTS:
            logger.warning("An alert gave up after retries: %s", describe_error(error))
            await self.store.alerts.finish(row.row, FAILED)
            return True
        backoff = min(self.first_backoff * 2**row.attempts, MAX_BACKOFF)
        await self.store.alerts.retry_later(row.row, self.wall() + backoff)
        return False

    async def _hold(self, seconds: float) -> None:
        """A 429: nothing more goes out until Telegram's retry_after has passed."""
        self._next_slot = max(self._next_slot, self.clock() + seconds)
        await asyncio.sleep(seconds)

    async def _unsend(self, bot: Bot, row: OutboxRow) -> None:
        """A withdrawn alert: delete the delivered message where Telegram still allows."""
        chat_id = self.seal.open(row.chat)
        if chat_id is not None and row.message_id is not None:
            try:
                await bot.delete_message(chat_id, row.message_id)
            except RetryAfter as error:
                await self._hold(_seconds(error.retry_after))
                return
            except TelegramError as error:
                logger.info("A withdrawn alert could not be deleted: %s", describe_error(error))
        await self.store.alerts.finish(row.row, DONE)

    async def _alert(self, alert_id: int) -> Alert | None:
        if alert_id not in self._alerts:
            alert = await self.store.alerts.alert(alert_id)
            if alert is None:
                return None
            self._alerts[alert_id] = alert
        return self._alerts[alert_id]

    def _today(self) -> dt.date:
        return dt.datetime.fromtimestamp(self.wall(), dt.UTC).date()

    def _forget_old_chats(self) -> None:
        now = self.clock()
        self._last_to = {k: t for k, t in self._last_to.items() if now - t < PER_CHAT_GAP}


def _seconds(retry_after: int | dt.timedelta) -> float:
    if isinstance(retry_after, dt.timedelta):
        return retry_after.total_seconds()
    return float(retry_after)
