"""Retention: once a day, erase the choices of people who have not used the bot for a while."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from bot.store import Store

logger = logging.getLogger(__name__)


@dataclass
class RetentionSweep:
    """Erases preference rows unused for `days` days, at most once a calendar day."""

    store: Store
    days: int
    swept_on: dt.date | None = None

    async def run(self, today: dt.date) -> None:
        """Sweep if it has not been done today."""
        if self.swept_on == today:
            return
        self.swept_on = today
        cutoff = today - dt.timedelta(days=self.days)
        erased = await self.store.forget_unseen_since(cutoff)
        logger.info("Retention: erased %d unused preference row(s)", erased)
