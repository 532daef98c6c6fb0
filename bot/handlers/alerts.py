"""The safety alerts screen in Telegram: current alerts read from the store, and opting in or
out per area (a subscription keeps the keyed hash, the sealed chat id, the areas, the locale)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from telegram import Bot, Message

from bot.handlers.newest import ChatPlace
from bot.handlers.output import edit_or_send, for_phone
from bot.sealed import ChatSeal
from bot.store import Store
from bot.store.alerts import Subscription
from bot.ui import screens
from bot.ui.actions import STOP_ALERTS, AlertArea, ShowAlerts
from bot.ui.screens import View


@dataclass(frozen=True)
class AlertDesk:
    """Answers "Safety alerts", /alerts and the opt-in buttons."""

    store: Store
    seal: ChatSeal
    clock: Callable[[], dt.datetime]

    async def answer(
        self,
        bot: Bot,
        chat_id: int,
        place: ChatPlace,
        user_key: str,
        view: View,
        action: ShowAlerts | AlertArea,
        pressed: Message | None = None,
    ) -> list[int]:
        """Apply an opt-in change, if any, then show the alerts screen; the ids of messages
        sent anew (`place`: where a send that fails unseen is looked for)."""
        book = self.store.alerts
        subscription = await book.subscription(user_key)
        areas = subscription.areas if subscription is not None else ()
        if isinstance(action, AlertArea):
            areas = self.toggled(areas, action.region_id, view)
        if not areas:
            if subscription is not None:
                await book.unsubscribe(user_key)
        elif subscription is None or (areas, view.state.locale) != (
            subscription.areas,
            subscription.locale,
        ):
            sealed = subscription.chat if subscription else self.seal.seal(chat_id)
            await book.subscribe(user_key, Subscription(sealed, areas, view.state.locale))
        alerts = await book.current(self.clock().date(), view.state.region_id)
        screen = screens.alerts_screen(view, alerts, areas or None)
        return await edit_or_send(
            bot, pressed, chat_id, for_phone(view, screen), protect=view.protected, place=place
        )

    @staticmethod
    def toggled(areas: tuple[str, ...], region_id: str, view: View) -> tuple[str, ...]:
        """The areas after pressing `region_id` (STOP_ALERTS: none); an area no longer in the
        content can only be turned off."""
        if region_id == STOP_ALERTS:
            return ()
        if region_id in areas:
            return tuple(area for area in areas if area != region_id)
        if region_id not in view.catalog.content.regions:
            return areas
        return (*areas, region_id)
