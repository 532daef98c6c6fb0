"""Anonymous bad-date reports: the drafts (in memory only), the hourly limit per person, and
passing a finished report on to the organisation as a new message."""

from __future__ import annotations

import contextlib
import logging
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from telegram import Bot, Update
from telegram.error import TelegramError

from bot.domain.bad_dates import BadDateDraft
from bot.handlers.admin import AdminDesk
from bot.handlers.output import for_phone, send_screen
from bot.logs import describe_error
from bot.ui.actions import AdminPress, decode
from bot.ui.conversation import Reply
from bot.ui.render import Screen
from bot.ui.screens import View
from bot.ui.screens import bad_dates as screens

logger = logging.getLogger(__name__)

DRAFT_TTL_SECONDS = 30 * 60
# Reports one person may pass on within QUOTA_WINDOW_SECONDS.
QUOTA_LIMIT = 3
QUOTA_WINDOW_SECONDS = 60 * 60
# At most this many people's drafts or send times are held; the oldest go first.
SIZE = 10_000


class ReportDrafts:
    """A bounded, expiring map from user key to the report being written. Never written to
    disk: a draft lives DRAFT_TTL_SECONDS at most, and is dropped on send, cancel, /forget or
    when the person blocks the bot."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._drafts: OrderedDict[str, tuple[BadDateDraft, float]] = OrderedDict()

    def get(self, key: str) -> BadDateDraft | None:
        """The open draft, or None (none, or it expired and is dropped now)."""
        entry = self._drafts.get(key)
        if entry is None:
            return None
        draft, expires = entry
        if expires < self._clock():
            del self._drafts[key]
            return None
        return draft

    def set(self, key: str, draft: BadDateDraft | None) -> None:
        """Hold (or with None drop) one person's draft, for DRAFT_TTL_SECONDS from now."""
        self._drafts.pop(key, None)
        if draft is None:
            return
        self._drafts[key] = (draft, self._clock() + DRAFT_TTL_SECONDS)
        while len(self._drafts) > SIZE:
            self._drafts.popitem(last=False)

    def __len__(self) -> int:
        return len(self._drafts)


class ReportQuota:
    """When each person last passed reports on, in memory only, to allow QUOTA_LIMIT an hour."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._sent: OrderedDict[str, deque[float]] = OrderedDict()

    def allows(self, key: str) -> bool:
        """Whether this person may pass on one more report now."""
        times = self._sent.get(key)
        if times is None:
            return True
        while times and times[0] <= self._clock() - QUOTA_WINDOW_SECONDS:
            times.popleft()
        if not times:
            del self._sent[key]
        return len(times) < QUOTA_LIMIT

    def spend(self, key: str) -> None:
        """Count one report passed on by this person."""
        times = self._sent.pop(key, deque())
        times.append(self._clock())
        self._sent[key] = times
        while len(self._sent) > SIZE:
            self._sent.popitem(last=False)


@dataclass
class BadDateDesk:
    """Passes finished reports to REPORT_CHAT_ID, or else to every admin's private chat."""

    admin: AdminDesk
    report_chat_id: int | None
    # The view the report chat reads in: the deployment's default language.
    chat_view: Callable[[], View]
    drafts: ReportDrafts = field(default_factory=ReportDrafts)
    quota: ReportQuota = field(default_factory=ReportQuota)

    async def deliver(
        self, bot: Bot, key: str, before: BadDateDraft | None, reply: Reply, view: View
    ) -> Reply:
        """Pass on the report `reply` carries, if any; the reply with the screen that says
        what happened (sent, not sent, or over the hourly limit). A report begun (no draft
        `before`, one after) past the limit is stopped at once, before anything is typed."""
        if before is None and reply.state.bad_date is not None and not self.quota.allows(key):
            self.drafts.set(key, None)
            state = replace(reply.state, bad_date=None)
            return replace(reply, screen=screens.too_many(view, begun=True), state=state)
        if reply.relay is None:
            return reply
        if not self.quota.allows(key):
            return replace(reply, screen=screens.too_many(view), relay=None)
        if not await self.relay(bot, reply.relay):
            return replace(reply, screen=screens.not_sent(view), relay=None)
        self.quota.spend(key)
        return replace(reply, relay=None)

    async def quiet_in_report_chat(self, update: Update) -> None:
        """In the report chat the bot never leaves nor talks. An admin's button pressed there
        (Draft an alert) opens in that admin's private chat with the bot; anyone else's press
        gets a short note."""
        query = update.callback_query
        if query is None:
            return
        tr = self.chat_view().tr
        action = decode(query.data or "")
        opened = None
        if isinstance(action, AdminPress):
            opened = await self.admin.press_in_private(update, action.name, action.argument)
        if opened:
            note = tr.gettext("Opened in your private chat with the bot.")
        elif opened is False:
            note = tr.gettext(
                "Start a private chat with the bot first (open it and press Start), then"
                " press this button again."
            )
        else:
            note = tr.gettext(
                "The bot answers nothing in this chat. Only its admins can use these buttons."
            )
        with contextlib.suppress(TelegramError):
            await query.answer(note, show_alert=not opened)

    async def relay(self, bot: Bot, draft: BadDateDraft) -> bool:
        """Send the report as a new message (never a forward); whether anyone got it."""

        def draw(view: View) -> Screen:
            return screens.relayed(view, draft)

        if self.report_chat_id is None:
            return await self.admin.notify(bot, draw) > 0
        view = self.chat_view()
        try:
            await send_screen(bot, self.report_chat_id, for_phone(view, draw(view)))
        except TelegramError as error:
            logger.warning("Could not pass a report on: %s", describe_error(error))
            return False
        return True
