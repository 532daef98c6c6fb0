"""Keeping listings true, on Telegram: counting "something is wrong here" taps and searches
that found nothing, flagging a listing reported unsafe to admins at once, and the admin
commands /reports and /stale."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from telegram import Bot

from bot.domain.upkeep import (
    ListingReport,
    ReportReason,
    UnsafeRule,
    stale_listings,
    tally_empty_searches,
    tally_reports,
)
from bot.handlers.admin import AdminCommand, AdminDesk, AdminTurn
from bot.store import Store
from bot.ui.conversation import Reply
from bot.ui.screens.admin import (
    reports_screen,
    reports_usage,
    stale_screen,
    stale_usage,
    unsafe_flag,
)

# /reports without a date covers this many days, today included.
REPORTS_DAYS = 30
MAX_STALE_DAYS = 36_500
_DAYS = re.compile(r"[0-9]{1,5}\Z")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


@dataclass
class Upkeep:
    """Counts reports and empty searches (no identifier: see docs/privacy.md) and serves the
    admins' view of them. `content_dir` is where /stale finds each listing's file."""

    store: Store
    admin: AdminDesk
    rule: UnsafeRule = field(default_factory=UnsafeRule)
    content_dir: Path | None = None
    # One report is counted and checked against the limit at a time, so two reports arriving
    # together cannot both miss (or both make) the crossing.
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock, init=False)

    def install(self) -> None:
        """Offer /reports and /stale to admins."""
        self.admin.add_command(
            AdminCommand(
                "reports",
                lambda view: view.tr.gettext(
                    "what people reported about listings, and searches that found nothing"
                ),
                self.reports,
            )
        )
        self.admin.add_command(
            AdminCommand(
                "stale",
                lambda view: view.tr.gettext("listings not checked for too long, oldest first"),
                self.stale,
            )
        )

    async def record(self, today: dt.date, reply: Reply) -> ListingReport | None:
        """Count what the reply says to count; the report when it just crossed the unsafe
        limit (to flag with `flag`, after the person has their answer)."""
        state = reply.state
        if reply.empty_search is not None:
            await self.store.count_empty_search(
                today, state.region_id, state.locale, reply.empty_search.need_id
            )
        report = reply.report
        if report is None:
            return None
        async with self._lock:
            await self.store.count_report(today, report.resource_id, report.reason.value)
            if report.reason is not ReportReason.UNSAFE:
                return None
            count = await self.store.reports_since(
                report.resource_id, report.reason.value, self.rule.window_start(today)
            )
        return report if self.rule.crossed(count) else None

    async def flag(self, bot: Bot, report: ListingReport) -> None:
        """Tell every admin, in their language, that a listing crossed the unsafe limit."""
        await self.admin.notify(bot, lambda view: unsafe_flag(view, report.resource_id, self.rule))

    async def reports(self, turn: AdminTurn) -> None:
        """/reports [DATE]: counts per listing, reason and day, and empty searches."""
        today = turn.view.now.date()
        since = _since(turn.argument, today)
        if since is None:
            await turn.show(reports_usage(turn.view))
            return
        listings = tally_reports(
            (c.day, c.resource_id, c.reason, c.count) for c in await self.store.report_counts(since)
        )
        empty = tally_empty_searches(
            (c.locale, c.need_id, c.count) for c in await self.store.empty_search_counts(since)
        )
        await turn.show(reports_screen(turn.view, since, listings, empty))

    async def stale(self, turn: AdminTurn) -> None:
        """/stale [DAYS]: listings not verified for too long, oldest first, with their file."""
        argument = turn.argument.strip()
        days = int(argument) if _DAYS.match(argument) else None
        if argument and (days is None or not 1 <= days <= MAX_STALE_DAYS):
            await turn.show(stale_usage(turn.view))
            return
        view = turn.view
        stale = stale_listings(view.catalog.content, view.now.date(), days)
        # Imported here: it reads YAML, which a running bot otherwise seldom needs.
        from bot.domain.listing_places import listing_places

        places = (
            await asyncio.to_thread(listing_places, self.content_dir)
            if self.content_dir is not None
            else {}
        )
        await turn.show(stale_screen(view, stale, places, days))


def _since(argument: str, today: dt.date) -> dt.date | None:
    """The first day /reports covers: the argument (YYYY-MM-DD), else REPORTS_DAYS ago."""
    argument = argument.strip()
    if not argument:
        return today - dt.timedelta(days=REPORTS_DAYS - 1)
    try:
        return dt.date.fromisoformat(argument) if _DATE.match(argument) else None
    except ValueError:
        return None
