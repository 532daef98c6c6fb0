"""Groups and channels: the bot works only in private chats; it says so once and leaves."""

from __future__ import annotations

import contextlib

from telegram import ChatMember, Update
from telegram.error import TelegramError

from bot.handlers.output import send_screen
from bot.ui.render import Screen


def asked_or_added(update: Update) -> bool:
    """Whether this update deserves the note: the bot was added, or someone sent a command."""
    membership = update.my_chat_member
    added = membership is not None and membership.new_chat_member.status in (
        ChatMember.MEMBER,
        ChatMember.ADMINISTRATOR,
    )
    command = update.message is not None and (update.message.text or "").startswith("/")
    return added or command


async def refuse_group(update: Update, chat_id: int, note: Screen) -> None:
    """Post the note (when asked or added) and leave the chat."""
    if not asked_or_added(update):
        return
    # A channel or a muted group may refuse the note; the bot leaves all the same.
    with contextlib.suppress(TelegramError):
        await send_screen(update.get_bot(), chat_id, note)
    with contextlib.suppress(TelegramError):
        await update.get_bot().leave_chat(chat_id)
