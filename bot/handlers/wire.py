"""Bot API calls for the bot's own messages that read nothing back but a message id.

Telegram answers a sent or edited message with the whole message (text, entities, buttons,
chat, sender), and python-telegram-bot builds objects from all of it: for a screen with ten
buttons that costs more than drawing the screen, and nothing here ever reads it. These calls
take the application's default parse mode and link preview as python-telegram-bot fills them
in for `send_message`, then post through the bot's request object (its retry rules, errors
raised as TelegramError, the result read by `BaseRequest.post`) with parameters already as the
Bot API takes them: the keyboard serialised, and no per-parameter conversion. That skips the
bot's rate limiter, which the application has none of (the dispatcher cuts floods itself).
`RequestParameter` is not public API: the dependency is pinned to python-telegram-bot 22 and
tests/test_wire.py checks every call is the one python-telegram-bot would make.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from enum import Enum
from typing import Any, NewType

from telegram import Bot, TelegramObject
from telegram.error import TelegramError
from telegram.ext import Defaults
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

# An inline keyboard as the Bot API's JSON text, made once per distinct layout.
Keyboard = NewType("Keyboard", str)


def button_json(label: str, data: str) -> str:
    """One inline button, its label and callback data, as the JSON the Bot API takes."""
    return f'{{"text":{_json_string(label)},"callback_data":{_json_string(data)}}}'


def keyboard_of(rows: Sequence[Sequence[str]]) -> Keyboard:
    """The inline keyboard of rows of buttons already made JSON by `button_json`."""
    inner = ",".join(f"[{','.join(row)}]" for row in rows)
    return Keyboard(f'{{"inline_keyboard":[{inner}]}}')


# The standard library's JSON string literal (in C), as `json.dumps(..., ensure_ascii=False)`
# writes one.
_json_string = json.encoder.encode_basestring


async def send_text(
    bot: Bot, chat_id: int, text: str, keyboard: Keyboard | None, *, protect: bool = False
) -> int:
    """sendMessage in the bot's default parse mode and link preview; the new message's id."""
    params: dict[str, Any] = {"chat_id": chat_id, "text": text, **_text_defaults(bot)}
    if keyboard is not None:
        params["reply_markup"] = keyboard
    if protect:
        params["protect_content"] = True
    return message_id_of(await _post(bot, "sendMessage", params))


async def edit_text(
    bot: Bot, chat_id: int, message_id: int, text: str, keyboard: Keyboard | None
) -> None:
    """editMessageText: the message's text and buttons replaced (no buttons: none left)."""
    params: dict[str, Any] = {"chat_id": chat_id, "message_id": message_id, "text": text}
    params.update(_text_defaults(bot))
    if keyboard is not None:
        params["reply_markup"] = keyboard
    await _post(bot, "editMessageText", params)


async def edit_keyboard(bot: Bot, chat_id: int, message_id: int, keyboard: Keyboard | None) -> None:
    """editMessageReplyMarkup: the message's buttons replaced (no buttons: none left)."""
    params: dict[str, Any] = {"chat_id": chat_id, "message_id": message_id}
    if keyboard is not None:
        params["reply_markup"] = keyboard
    await _post(bot, "editMessageReplyMarkup", params)


async def answer_press(bot: Bot, query_id: str) -> None:
    """answerCallbackQuery with nothing to show: the button stops spinning."""
    await _post(bot, "answerCallbackQuery", {"callback_query_id": query_id})


def message_id_of(result: object) -> int:
    """The id in a Message the Bot API returned; a reply of any other shape is an invalid
    server response (as python-telegram-bot calls one it cannot read)."""
    if isinstance(result, dict):
        message_id = result.get("message_id")
        if isinstance(message_id, int) and not isinstance(message_id, bool):
            return message_id
    raise TelegramError("Invalid server response: no message id")


def _text_defaults(bot: Bot) -> dict[str, object]:
    """The application's default parse mode and link preview (HTML, no previews), as
    python-telegram-bot fills them in for `send_message`; nothing for a bot without defaults."""
    return dict(_defaults_as_sent(_Same(getattr(bot, "defaults", None))))


class _Same:
    """A Defaults object as a key equal only to itself. Defaults hash and compare by value, in
    Python: a look-up that met another application's equal Defaults (a second bot in the same
    process) compared them whole on every post."""

    __slots__ = ("defaults",)

    def __init__(self, defaults: Defaults | None) -> None:
        self.defaults = defaults

    def __hash__(self) -> int:
        return id(self.defaults)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.defaults is self.defaults


@functools.lru_cache(maxsize=4)
def _defaults_as_sent(key: _Same) -> tuple[tuple[str, object], ...]:
    # Made once per Defaults (the key keeps it alive, so its id is not reused meanwhile):
    # reading them back as the Bot API takes them costs more than the rest of a post's
    # parameters (the link preview's dict is only ever dumped, never changed).
    defaults = key.defaults
    if defaults is None:
        return ()
    found = (
        ("parse_mode", defaults.parse_mode),
        ("link_preview_options", defaults.link_preview_options),
    )
    return tuple((name, _as_sent(value)) for name, value in found if value is not None)


async def _post(bot: Bot, method: str, params: dict[str, Any]) -> object:
    parameters = [
        RequestParameter(name, value, None) for name, value in params.items() if value is not None
    ]
    return await bot.request.post(f"{bot.base_url}/{method}", RequestData(parameters))


def _as_sent(value: object) -> object:
    """A default's value as `RequestParameter.from_input` makes it: an object as its dict, an
    enum as its value (the other parameters sent here are ids, texts, flags and serialised
    keyboards, already as the Bot API takes them)."""
    if isinstance(value, TelegramObject):
        return value.to_dict()
    if isinstance(value, Enum):
        return value.value
    return value
