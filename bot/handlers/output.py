"""Putting a screen on Telegram: new messages, or the pressed message edited in place; and
the QR code /share sends."""

from __future__ import annotations

import functools

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import BadRequest

from bot.ui import screens
from bot.ui.actions import encode
from bot.ui.deeplink import DeepLink
from bot.ui.links import qr_png, start_link
from bot.ui.render import Button, Screen, with_first_line
from bot.ui.screens import View

# Distinct keyboards are few (menus, lists, cards) and Telegram objects are immutable, so
# building each once saves time on every update that shows it again.
KEYBOARD_CACHE_SIZE = 4096


def keyboard(screen: Screen) -> InlineKeyboardMarkup | None:
    """The screen's buttons as an inline keyboard, or None when it has none."""
    return _markup(screen.buttons) if screen.buttons else None


@functools.lru_cache(maxsize=KEYBOARD_CACHE_SIZE)
def _markup(buttons: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.label, callback_data=encode(b.action)) for b in row]
            for row in buttons
        ]
    )


async def send_screen(
    bot: Bot, chat_id: int, screen: Screen, *, protect: bool = False
) -> list[int]:
    """Send every message of the screen, the buttons under the last one; their message ids.
    `protect` asks Telegram to block forwarding and saving them."""
    markup = keyboard(screen)
    last = len(screen.messages) - 1
    sent = []
    for index, text in enumerate(screen.messages):
        message = await bot.send_message(
            chat_id,
            text,
            reply_markup=markup if index == last else None,
            protect_content=protect,
        )
        sent.append(message.message_id)
    return sent


async def edit_or_send(
    bot: Bot, pressed: Message | None, chat_id: int, screen: Screen, *, protect: bool = False
) -> list[int]:
    """Replace the pressed message with a one-message screen; otherwise send it anew. Returns
    the ids of messages sent anew (an edited message keeps its id and its schedule).

    A long screen (several messages) is sent as new messages so the page reads in order.
    """
    if pressed is not None and pressed.text is not None and len(screen.messages) == 1:
        try:
            await bot.edit_message_text(
                screen.messages[0],
                chat_id=chat_id,
                message_id=pressed.message_id,
                reply_markup=keyboard(screen),
            )
            return []
        except BadRequest as error:
            # Pressing the button of the screen already shown changes nothing: that is fine.
            if "not modified" in error.message.lower():
                return []
            # Otherwise the message is too old or gone: fall through and send the screen anew.
    return await send_screen(bot, chat_id, screen, protect=protect)


def for_phone(view: View, screen: Screen) -> Screen:
    """A screen as it goes to Telegram: every message starts with the same neutral line, so a
    lock-screen preview does not show what it is about."""
    return with_first_line(screen, view.tr.pgettext("preview", "Waypoint"))


async def send_share(bot: Bot, chat_id: int, view: View, link: DeepLink) -> list[int]:
    """/share: the QR code of the link, with the line to forward as its caption, then the
    screen with the link. The QR message is never forward-protected: it is made to be passed
    on, and it holds nothing about the person. Returns the ids of the messages sent."""
    url = start_link(bot.username, link)
    photo = await bot.send_photo(chat_id, qr_png(url), caption=screens.share_line(view, url))
    screen = for_phone(view, screens.share_screen(view, url))
    sent = await send_screen(bot, chat_id, screen, protect=view.protected)
    return [photo.message_id, *sent]
