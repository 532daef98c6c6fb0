"""Long polling that confirms to Telegram only the updates the bot has fully handled.

python-telegram-bot's own updater confirms every update as soon as it is fetched, so updates in
its queue when the bot stops are lost for good, and one update it cannot parse is fetched again
forever. Here each getUpdates call's offset confirms exactly what the dispatcher finished;
an update that cannot be read is logged (kind and id only) and skipped; on stop, fetching ends at
once and what is in hand gets a grace period, after which it stays unconfirmed for next time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import warnings
from collections.abc import Sequence
from typing import Any

from telegram import Bot, Update
from telegram.error import RetryAfter, TelegramError
from telegram.warnings import PTBUserWarning

from bot.dispatch import Dispatcher
from bot.logs import describe_error

logger = logging.getLogger(__name__)

POLL_TIMEOUT = 30
BATCH = 100
# After a failed fetch, wait this long (doubling up to the cap) before the next one.
FIRST_PAUSE, MAX_PAUSE = 1.0, 30.0
# When a fetch brings only updates already in hand, wait for one to finish (or this long).
IN_HAND_WAIT = 0.5


def read_update(raw: object, bot: Bot) -> tuple[int, Update | None] | None:
    """An update's id and the parsed update (None when it cannot be read), or None when even
    the id is missing (then nothing can be confirmed for it: it is ignored)."""
    if not isinstance(raw, dict) or not isinstance(raw.get("update_id"), int):
        return None
    update_id: int = raw["update_id"]
    try:
        return update_id, Update.de_json(raw, bot)
    except Exception as error:
        kinds = ",".join(sorted(str(k) for k in raw if k != "update_id")[:3]) or "none"
        logger.warning(
            "Skipped update %d (%s): it could not be read (%s)",
            update_id,
            kinds,
            type(error).__name__,
        )
        return update_id, None


class Poller:
    """Fetches updates into a dispatcher until stopped, then lets it finish within a grace."""

    def __init__(
        self,
        bot: Bot,
        dispatcher: Dispatcher,
        allowed_updates: Sequence[str],
        *,
        poll_timeout: int = POLL_TIMEOUT,
    ) -> None:
        self.bot = bot
        self.dispatcher = dispatcher
        # We call getUpdates raw on purpose (to read each update on its own): PTB's advice to
        # use Bot.get_updates instead does not apply here.
        warnings.filterwarnings("ignore", "Please use 'Bot.getUpdates'", PTBUserWarning)
        self.allowed_updates = list(allowed_updates)
        self.poll_timeout = poll_timeout

    async def run(self, stop: asyncio.Event, grace: float) -> None:
        """Poll until `stop` is set; then finish what is in hand within `grace` seconds and
        confirm what was handled."""
        pause = FIRST_PAUSE
        while not stop.is_set():
            # Cleared before the fetch, so an update finished while it ran is not missed.
            self.dispatcher.progress.clear()
            try:
                batch = await self._fetch_unless_stopped(stop)
            except RetryAfter as error:
                await self._sleep_unless_stopped(stop, _seconds(error.retry_after))
                continue
            except TelegramError as error:
                logger.warning("Fetching updates failed: %s", describe_error(error))
                await self._sleep_unless_stopped(stop, pause)
                pause = min(pause * 2, MAX_PAUSE)
                continue
            pause = FIRST_PAUSE
            if batch is None:
                break
            if not self._take(batch):
                await self._wait_for_progress(stop)
        await self._finish(grace)

    async def _fetch_unless_stopped(self, stop: asyncio.Event) -> list[Any] | None:
        """One getUpdates call, or None when `stop` came first (the call is abandoned)."""
        fetch = asyncio.ensure_future(self._get_updates(self.poll_timeout))
        stopped = asyncio.ensure_future(stop.wait())
        done, _pending = await asyncio.wait({fetch, stopped}, return_when=asyncio.FIRST_COMPLETED)
        if fetch not in done:
            fetch.cancel()
            with contextlib.suppress(asyncio.CancelledError, TelegramError):
                await fetch
            return None
        stopped.cancel()
        return fetch.result()

    async def _get_updates(self, timeout: int, limit: int = BATCH) -> list[Any]:
        result = await self.bot.do_api_request(
            "getUpdates",
            api_kwargs={
                "offset": self.dispatcher.confirmable_offset(),
                "timeout": timeout,
                "limit": limit,
                "allowed_updates": self.allowed_updates,
            },
            read_timeout=timeout + 10,
        )
        return result if isinstance(result, list) else []

    def _take(self, batch: list[Any]) -> bool:
        """Hand new updates to the dispatcher; False when the batch held nothing new."""
        new = False
        for raw in batch:
            update_id = raw.get("update_id") if isinstance(raw, dict) else None
            if isinstance(update_id, int) and self.dispatcher.seen(update_id):
                continue
            if isinstance(update_id, int) and self.dispatcher.flooded(raw):
                new = True
                self.dispatcher.submit(update_id, None)  # dropped unread
                continue
            read = read_update(raw, self.bot)
            if read is None:
                continue
            new = True
            self.dispatcher.submit(*read)
        return new

    async def _wait_for_progress(self, stop: asyncio.Event) -> None:
        """Everything fetched is in hand already: wait until some of it is handled (since
        the fetch began)."""
        waiters = {asyncio.ensure_future(self.dispatcher.progress.wait())}
        waiters.add(asyncio.ensure_future(stop.wait()))
        _done, pending = await asyncio.wait(
            waiters, timeout=IN_HAND_WAIT, return_when=asyncio.FIRST_COMPLETED
        )
        for waiter in pending:
            waiter.cancel()

    @staticmethod
    async def _sleep_unless_stopped(stop: asyncio.Event, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), seconds)

    async def _finish(self, grace: float) -> None:
        """Give the updates in hand `grace` seconds, cancel the rest, confirm what finished."""
        in_hand = self.dispatcher.in_hand()
        if not await self.dispatcher.drain(grace):
            left = self.dispatcher.in_hand()
            logger.warning(
                "Stopping with %d of %d update(s) unfinished: Telegram sends them again next time",
                left,
                in_hand,
            )
            await self.dispatcher.cancel()
        try:
            # A short call whose offset confirms everything handled; what it returns is
            # left for next time.
            await self._get_updates(0, limit=1)
        except TelegramError as error:
            logger.warning("Could not confirm the last updates: %s", describe_error(error))


def _seconds(retry_after: object) -> float:
    """RetryAfter.retry_after is an int or a timedelta depending on settings."""
    total = getattr(retry_after, "total_seconds", None)
    return float(total()) if callable(total) else float(retry_after)  # type: ignore[arg-type]
