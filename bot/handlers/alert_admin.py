"""Admins write, publish and withdraw safety alerts in Telegram: `/alert` (or "Draft an alert"
under a relayed report) walks through areas, duration, text per language and a preview;
`/alerts_admin` lists current alerts to withdraw. Drafts live in memory only, per admin, and
lapse after DRAFT_LIFETIME; the text is never logged."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from telegram import Update

from bot.domain.alerts import MAX_TEXT_CHARS, Alert
from bot.handlers.admin import AdminCommand, AdminDesk, AdminTurn
from bot.store import Store
from bot.ui.render import Screen, esc
from bot.ui.screens import alert_admin as screens
from bot.ui.screens.alert_admin import DURATION_DAYS, AlertDraft

DRAFT_LIFETIME = dt.timedelta(minutes=30)
TEXT_BUTTON = "alert_text"


@dataclass
class AlertAdmin:
    """The admin side of alerts. What changes: `drafts`, each admin's open draft by admin key."""

    store: Store
    desk: AdminDesk
    clock: Callable[[], dt.datetime]
    drafts: dict[str, AlertDraft] = field(default_factory=dict)

    def install(self) -> None:
        """Register the commands and buttons with the admin desk."""
        self.desk.add_command(
            AdminCommand("alert", lambda view: view.tr.gettext("write a safety alert"), self.start)
        )
        self.desk.add_command(
            AdminCommand(
                "alerts_admin",
                lambda view: view.tr.gettext("current safety alerts, to withdraw"),
                self.list_current,
            )
        )
        buttons = {
            "alert_draft": self.start,
            "alert_area": self.toggle_area,
            "alert_next": self.next_step,
            "alert_days": self.set_days,
            "alert_lang": self.choose_language,
            "alert_preview": self.preview,
            "alert_publish": self.publish,
            "alert_cancel": self.cancel,
            "alert_withdraw": self.withdraw,
            TEXT_BUTTON: self.receive_text,
        }
        for name, action in buttons.items():
            self.desk.add_button(name, action)

    def awaits_text(self, update: Update) -> bool:
        """Whether this update's sender has a draft waiting for a text (admins only)."""
        user = update.effective_user
        if user is None or not self.desk.is_admin(update):
            return False
        draft = self._open(self.desk.keys.key_for(user.id))
        return draft is not None and bool(draft.writing)

    async def start(self, turn: AdminTurn) -> None:
        """/alert or "Draft an alert": a fresh draft, at the first step."""
        draft = AlertDraft(self.clock())
        self.drafts[turn.admin_key] = draft
        await turn.show(screens.draft_areas(turn.view, draft))

    async def toggle_area(self, turn: AdminTurn) -> None:
        """An area on or off (only areas in the content)."""
        draft = await self._draft(turn)
        if draft is None:
            return
        region_id = turn.argument
        if region_id in draft.areas:
            draft = replace(draft, areas=tuple(a for a in draft.areas if a != region_id))
        elif region_id in turn.view.catalog.content.regions:
            draft = replace(draft, areas=(*draft.areas, region_id))
        self.drafts[turn.admin_key] = draft
        await turn.show(screens.draft_areas(turn.view, draft))

    async def next_step(self, turn: AdminTurn) -> None:
        """After the areas, the duration; after a duration, a language."""
        draft = await self._draft(turn)
        if draft is None:
            return
        if not draft.areas:
            await turn.show(screens.draft_areas(turn.view, draft))
        elif not draft.days:
            await turn.show(screens.draft_duration(turn.view))
        else:
            await turn.show(screens.draft_language(turn.view, draft))

    async def set_days(self, turn: AdminTurn) -> None:
        """The duration picked: next, the language."""
        draft = await self._draft(turn)
        if draft is None:
            return
        if not re.fullmatch(r"[0-9]{1,3}", turn.argument) or int(turn.argument) not in (
            DURATION_DAYS
        ):
            await turn.show(screens.draft_duration(turn.view))
            return
        draft = replace(draft, days=int(turn.argument))
        self.drafts[turn.admin_key] = draft
        await turn.show(screens.draft_language(turn.view, draft))

    async def choose_language(self, turn: AdminTurn) -> None:
        """The language of the next text: ask for it."""
        draft = await self._draft(turn)
        if draft is None:
            return
        if turn.argument not in turn.view.locales:
            await turn.show(screens.draft_language(turn.view, draft))
            return
        self.drafts[turn.admin_key] = replace(draft, writing=turn.argument)
        await turn.show(screens.draft_write(turn.view, turn.argument))

    async def receive_text(self, turn: AdminTurn) -> None:
        """The admin's message is the text in the language asked for: then the preview."""
        draft = await self._draft(turn)
        message = turn.update.effective_message
        if draft is None or not draft.writing or message is None:
            return
        text = (message.text or "").strip()
        if not text or len(text) > MAX_TEXT_CHARS:
            note = turn.view.tr.gettext(
                "The text must be between 1 and %(count)d characters; send it again."
            ) % {"count": MAX_TEXT_CHARS}
            await turn.show(Screen((esc(note),)))
            return
        draft = replace(draft, texts={**draft.texts, draft.writing: text}, writing="")
        self.drafts[turn.admin_key] = draft
        await self._show_preview(turn, draft)

    async def preview(self, turn: AdminTurn) -> None:
        """The alert as people will see it."""
        draft = await self._draft(turn)
        if draft is not None:
            await self._show_preview(turn, draft)

    async def publish(self, turn: AdminTurn) -> None:
        """Write the alert and its outbox rows; the sender takes it from there."""
        draft = await self._draft(turn)
        if draft is None:
            return
        if not (draft.areas and draft.days and draft.texts):
            await turn.show(screens.draft_language(turn.view, draft))
            return
        del self.drafts[turn.admin_key]
        alert = self._alert(draft)
        alert_id = await self.store.alerts.publish(
            alert.published, alert.expires, alert.areas, alert.texts
        )
        waiting = (await self.store.alerts.progress(alert_id)).waiting
        await turn.show(screens.draft_published(turn.view, alert_id, waiting))

    async def cancel(self, turn: AdminTurn) -> None:
        """Throw the draft away."""
        self.drafts.pop(turn.admin_key, None)
        await turn.show(screens.draft_cancelled(turn.view))

    async def list_current(self, turn: AdminTurn) -> None:
        """/alerts_admin: current alerts, each with a withdraw button."""
        alerts = await self.store.alerts.current(self.clock().date(), None)
        await turn.show(screens.current_alerts(turn.view, alerts))

    async def withdraw(self, turn: AdminTurn) -> None:
        """Withdraw one alert (the sender deletes what it delivered)."""
        if not re.fullmatch(r"[1-9][0-9]{0,9}", turn.argument):
            await self.list_current(turn)
            return
        alert_id = int(turn.argument)
        done = await self.store.alerts.withdraw(alert_id)
        await turn.show(screens.withdrawn(turn.view, alert_id, done))

    def _open(self, admin_key: str) -> AlertDraft | None:
        draft = self.drafts.get(admin_key)
        if draft is not None and self.clock() - draft.started > DRAFT_LIFETIME:
            del self.drafts[admin_key]
            return None
        return draft

    async def _draft(self, turn: AdminTurn) -> AlertDraft | None:
        """The admin's open draft, or None after telling them it is gone."""
        draft = self._open(turn.admin_key)
        if draft is None:
            await turn.show(screens.draft_gone(turn.view))
        return draft

    def _alert(self, draft: AlertDraft) -> Alert:
        now = self.clock()
        expires = now.date() + dt.timedelta(days=draft.days - 1)
        return Alert(0, now, expires, draft.areas, dict(draft.texts))

    async def _show_preview(self, turn: AdminTurn, draft: AlertDraft) -> None:
        if not (draft.areas and draft.days and draft.texts):
            await turn.show(screens.draft_language(turn.view, draft))
            return
        await turn.show(screens.draft_preview(turn.view, draft, self._alert(draft)))
