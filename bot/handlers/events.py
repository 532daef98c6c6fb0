"""Reading Telegram messages as conversation events, strictly, at the edge."""

from __future__ import annotations

from telegram import Message, MessageEntity

from bot.domain.models import GeoPoint
from bot.ui.conversation import Command, Event, SharedLocation, Typed

MAX_COMMAND_LENGTH = 32


def parse_command(message: Message) -> Command | None:
    """The /command at the start of a message (`/start@bot payload` too), or None."""
    text = message.text or ""
    entity = next(
        (e for e in message.entities if e.type == MessageEntity.BOT_COMMAND and e.offset == 0),
        None,
    )
    if entity is None:
        return None
    name = text[1 : entity.length].partition("@")[0]
    if not name or len(name) > MAX_COMMAND_LENGTH:
        return Command("")
    return Command(name.lower(), text[entity.length :].strip())


def message_event(message: Message) -> Event | None:
    """The event a private message means: a command, a search, a location; None otherwise."""
    if message.text is not None:
        return parse_command(message) or Typed(message.text)
    location = message.location
    if location is not None:
        point = GeoPoint(location.latitude, location.longitude)
        if -90 <= point.latitude <= 90 and -180 <= point.longitude <= 180:
            return SharedLocation(point)
    return None
