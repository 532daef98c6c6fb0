"""Inline mode on Telegram: answering `@bot words` from any chat, and counting chosen cards."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.handlers.context import TurnContext
from bot.logs import describe_error
from bot.store import Store
from bot.ui.inline import CACHE_SECONDS, InlineCard, inline_page, shared_topic_of
from bot.ui.screens import View

logger = logging.getLogger(__name__)


def article(card: InlineCard) -> InlineQueryResultArticle:
    """A card as the Bot API's article result, with its button to the bot."""
    return InlineQueryResultArticle(
        id=card.id,
        title=card.title,
        description=card.description or None,
        input_message_content=InputTextMessageContent(
            card.text,
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        ),
        reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton(card.button_label, url=card.url)]]
        ),
    )


@dataclass(frozen=True)
class InlineDesk:
    """Answers inline queries in the querying person's language and area (`view_for`, from
    their user id and phone language) and counts chosen cards (topic and day only)."""

    store: Store
    clock: Callable[[], dt.datetime]
    view_for: Callable[[int, str | None], Awaitable[View]]

    async def on_query(self, update: Update, context: TurnContext) -> None:
        """One page of cards for what the person typed after the bot's name."""
        query = update.inline_query
        assert query is not None
        view = await self.view_for(query.from_user.id, query.from_user.language_code)
        page = inline_page(view, query.query, query.offset, context.bot.username)
        try:
            await query.answer(
                [article(card) for card in page.cards],
                cache_time=CACHE_SECONDS,
                is_personal=True,
                next_offset=page.next_offset,
            )
        except TelegramError as error:
            # Too late (the person typed on) or refused: nothing to tell anyone.
            logger.warning("Could not answer an inline query: %s", describe_error(error))

    async def on_chosen(self, update: Update, context: TurnContext) -> None:
        """A card was sent into a chat (only with inline feedback on in BotFather): count it."""
        chosen = update.chosen_inline_result
        assert chosen is not None
        view = await self.view_for(chosen.from_user.id, chosen.from_user.language_code)
        topic = shared_topic_of(view, chosen.result_id)
        if topic is not None:
            await self.store.count_share(self.clock().date(), topic, "inline")
