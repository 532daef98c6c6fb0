"""Deleting messages from a person's chat: /clear at once, and disappearing mode later.

Disappearing mode keeps, per message to delete, only its id, when it is due and the chat id
sealed (bot/sealed.py); rows go when the message is deleted. /clear needs nothing kept: message
ids in a private chat count up, so it deletes the ids below the newest one it knows, in batches,
and Telegram skips what it cannot delete (older than 48 hours, or already gone).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import defaultdict
from collections.abc import Callable

from telegram import Bot
from telegram.error import TelegramError

from bot.logs import describe_error
from bot.sealed import ChatSeal
from bot.store import Store

logger = logging.getLogger(__name__)

BATCH = 100  # deleteMessages takes at most 100 ids
# /clear deletes this many message ids below the newest known one, and a few above it (a
# press can come from an older message).
CLEAR_BACK, CLEAR_AHEAD = 1000, 100
CHECK_EVERY = 1.0


class Deleter:
    """Schedules and carries out deletions for one bot."""

    def __init__(
        self, store: Store, seal: ChatSeal, clock: Callable[[], float] = time.time
    ) -> None:
        self.store = store
        self.seal = seal
        self.clock = clock

    async def later(self, chat_id: int, message_ids: list[int], after: int) -> None:
        """Delete these messages of a chat `after` seconds from now (survives a restart)."""
        if message_ids:
            due = int(self.clock()) + after
            await self.store.schedule_deletions(self.seal.seal(chat_id), message_ids, due)

    async def clear(self, bot: Bot, chat_id: int, newest: int) -> None:
        """Delete every message of the chat Telegram still allows, around `newest`."""
        ids = list(range(newest + CLEAR_AHEAD, max(newest - CLEAR_BACK, 0), -1))
        await _delete(bot, chat_id, ids)

    async def run_due(self, bot: Bot) -> int:
        """Delete the messages whose time has come; how many rows were carried out."""
        due = await self.store.due_deletions(int(self.clock()))
        by_chat: dict[int, list[int]] = defaultdict(list)
        for deletion in due:
            chat_id = self.seal.open(deletion.chat)
            if chat_id is not None:  # sealed under another secret: nothing can be done
                by_chat[chat_id].append(deletion.message_id)
        for chat_id, message_ids in by_chat.items():
            await _delete(bot, chat_id, message_ids)
        await self.store.drop_deletions([deletion.row for deletion in due])
        return len(due)

    async def run(self, bot: Bot, stop: asyncio.Event) -> None:
        """Carry out deletions as they fall due (overdue ones first) until `stop` is set."""
        while not stop.is_set():
            try:
                await self.run_due(bot)
            except Exception as error:  # the next round tries again
                logger.error("Deleting messages failed: %s", describe_error(error))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), CHECK_EVERY)


async def _delete(bot: Bot, chat_id: int, message_ids: list[int]) -> None:
    """deleteMessages in batches; a batch Telegram refuses is skipped (nothing to undo)."""
    for start in range(0, len(message_ids), BATCH):
        try:
            await bot.delete_messages(chat_id, message_ids[start : start + BATCH])
        except TelegramError as error:
            logger.info("Some messages could not be deleted: %s", describe_error(error))
