"""The terminal preview: the same screens as on Telegram, read from stdin and printed as text."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import TextIO

from bot.domain.models import GeoPoint
from bot.ui import screens
from bot.ui.actions import encode
from bot.ui.conversation import Command, Conversation, Event, Press, SharedLocation, Typed
from bot.ui.links import start_link
from bot.ui.render import Screen
from bot.ui.state import UserState

PREVIEW_USERNAME = "your_bot"
# The preview has no bot: a bad-date report is passed on to no one, and it says so.
PREVIEW_RELAY_NOTE = (
    "(preview: in Telegram the report would now go to the organisation; nothing was sent)"
)

_TAG = re.compile(r"<[^>]+>")
_RULE = "─" * 40
INTERACTIVE_HINT = (
    "Terminal preview: type a number to press a button, a word to search, /help for commands,"
    " /location LAT LON to send a location. Ctrl-D to quit."
)


def plain_text(message: str) -> str:
    """Telegram HTML as terminal text: tags dropped, entities unescaped."""
    return html.unescape(_TAG.sub("", message))


def format_screen(screen: Screen) -> str:
    """A screen as the terminal shows it: messages, then the buttons numbered [1], [2], ..."""
    parts = [plain_text(message) for message in screen.messages]
    number = 0
    rows = []
    for row in screen.buttons:
        labels = []
        for button in row:
            number += 1
            labels.append(f"[{number}] {button.label}")
        rows.append("   ".join(labels))
    if rows:
        parts.append("\n".join(rows))
    return f"\n{_RULE}\n".join(parts)


def parse_line(line: str, screen: Screen) -> Event | str | None:
    """The event a typed line means, an error text for the user, or None for a blank line."""
    text = line.strip()
    if not text:
        return None
    if text.isdigit():
        buttons = [button for row in screen.buttons for button in row]
        index = int(text) - 1
        if not 0 <= index < len(buttons):
            return f"(no button {text} on this screen)"
        return Press(encode(buttons[index].action))
    if text.startswith("/"):
        name, _, argument = text[1:].partition(" ")
        if name == "location":
            try:
                latitude, longitude = (float(v) for v in argument.split())
            except ValueError:
                return "(usage: /location LATITUDE LONGITUDE, like /location 37.80 -122.27)"
            if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
                return "(latitude is -90 to 90 and longitude -180 to 180)"
            return SharedLocation(GeoPoint(latitude, longitude))
        return Command(name, argument.strip())
    return Typed(text)


def run_preview(
    conversation: Conversation,
    state: UserState,
    lines: Iterable[str],
    out: TextIO,
    clock: Callable[[], dt.datetime],
    *,
    interactive: bool = False,
) -> int:
    """Drive the conversation from `lines` until they end; returns the exit status (0).

    Piped input is echoed after `> ` so a transcript reads like a conversation; someone typing
    at a terminal sees a prompt instead.
    """
    if interactive:
        out.write(f"{INTERACTIVE_HINT}\n\n")
    reply = conversation.respond(Command("start"), state, clock())
    out.write(format_screen(reply.screen) + "\n")
    for line in lines:
        event = parse_line(line, reply.screen)
        if event is None:
            continue
        out.write("\n" if interactive else f"\n> {line.strip()}\n")
        if isinstance(event, str):
            out.write(event + "\n")
            continue
        reply = conversation.respond(event, reply.state, clock())
        if reply.share is not None:
            # No bot here: the link is shown with a stand-in username, and no QR code.
            view = conversation.view(reply.state, clock())
            url = start_link(PREVIEW_USERNAME, reply.share)
            reply = replace(reply, screen=screens.share_screen(view, url))
        if reply.relay is not None:
            out.write(PREVIEW_RELAY_NOTE + "\n")
        out.write(format_screen(reply.screen) + "\n")
    return 0
