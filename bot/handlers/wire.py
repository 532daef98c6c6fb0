"""Bot API calls for the bot's own messages that read nothing back but a message id.

Telegram answers a sent or edited message with the whole message (text, entities, buttons,
chat, sender), and python-telegram-bot builds objects from all of it: for a screen with ten
buttons that costs more than drawing the screen, and nothing here ever reads it. These calls
take the application's default parse mode and link preview as python-telegram-bot fills them
in for `send_message`, then post through the bot's request object (its retry rules, errors
raised as TelegramError, the result read by `BaseRequest.post`) with parameters already as the
Bot API takes them: the keyboard serialised, and no per-parameter conversion. That skips the
bot's rate limiter, which the application has none of (the dispatcher cuts floods itself).
Each parameter carries its JSON text, made once (see `_Parameter`). How `RequestData` reads its
parameters is not public API: the dependency is pinned to python-telegram-bot 22 and
tests/test_wire.py checks every call is the one python-telegram-bot would make.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from enum import Enum
from typing import NewType, cast

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
    params = [_Parameter.of("chat_id", chat_id), _Parameter.of("text", text)]
    params.extend(_text_defaults(bot))
    if keyboard is not None:
        params.append(_Parameter.of("reply_markup", keyboard))
    if protect:
        params.append(_PROTECT)
    return message_id_of(await _post(bot, "sendMessage", params))


async def edit_text(
    bot: Bot, chat_id: int, message_id: int, text: str, keyboard: Keyboard | None
) -> None:
    """editMessageText: the message's text and buttons replaced (no buttons: none left)."""
    params = _in_message(chat_id, message_id)
    params.append(_Parameter.of("text", text))
    params.extend(_text_defaults(bot))
    if keyboard is not None:
        params.append(_Parameter.of("reply_markup", keyboard))
    await _post(bot, "editMessageText", params)


async def edit_keyboard(bot: Bot, chat_id: int, message_id: int, keyboard: Keyboard | None) -> None:
    """editMessageReplyMarkup: the message's buttons replaced (no buttons: none left)."""
    params = _in_message(chat_id, message_id)
    if keyboard is not None:
        params.append(_Parameter.of("reply_markup", keyboard))
    await _post(bot, "editMessageReplyMarkup", params)


async def answer_press(bot: Bot, query_id: str) -> None:
    """answerCallbackQuery with nothing to show: the button stops spinning."""
    await _post(bot, "answerCallbackQuery", [_Parameter.of("callback_query_id", query_id)])


def _in_message(chat_id: int, message_id: int) -> list[_Parameter]:
    return [_Parameter.of("chat_id", chat_id), _Parameter.of("message_id", message_id)]


def message_id_of(result: object) -> int:
    """The id in a Message the Bot API returned; a reply of any other shape is an invalid
    server response (as python-telegram-bot calls one it cannot read)."""
    if isinstance(result, dict):
        message_id = result.get("message_id")
        if isinstance(message_id, int) and not isinstance(message_id, bool):
            return message_id
    raise TelegramError("Invalid server response: no message id")


def _text_defaults(bot: Bot) -> tuple[_Parameter, ...]:
    """The application's default parse mode and link preview (HTML, no previews), as
    python-telegram-bot fills them in for `send_message`; nothing for a bot without defaults."""
    return _defaults_as_sent(_Same(getattr(bot, "defaults", None)))


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
def _defaults_as_sent(key: _Same) -> tuple[_Parameter, ...]:
    # Made once per Defaults (the key keeps it alive, so its id is not reused meanwhile):
    # reading them back as the Bot API takes them, and dumping the link preview's dict, cost
    # more than the rest of a post's parameters. Shared by every post: nothing changes them.
    defaults = key.defaults
    if defaults is None:
        return ()
    found = (
        ("parse_mode", defaults.parse_mode),
        ("link_preview_options", defaults.link_preview_options),
    )
    return tuple(_Parameter.of(name, _as_sent(value)) for name, value in found if value is not None)


class _Parameter:
    """One parameter as `RequestData` reads one (name, value, JSON text, files), its JSON text
    made once. A `RequestParameter` dumps its value with `json.dumps`, unless it is a string,
    each time its text is read, and `RequestData.json_parameters` reads it twice: four to six
    dumps a post, which cost more than the rest of its parameters."""

    __slots__ = ("input_files", "json_value", "name", "value")
    multipart_data = None  # these calls upload no files

    def __init__(self, name: str, value: object, json_value: str) -> None:
        self.name, self.value, self.json_value = name, value, json_value
        self.input_files = None

    @classmethod
    def of(cls, name: str, value: object) -> _Parameter:
        """The parameter with its text as `RequestParameter.json_value` gives it: a string as
        it is, anything else as JSON (ids and flags written directly, as `json.dumps` would)."""
        if isinstance(value, str):
            return cls(name, value, value)
        if isinstance(value, bool):
            return cls(name, value, "true" if value else "false")
        if type(value) is int:
            return cls(name, value, str(value))
        return cls(name, value, json.dumps(value))


_PROTECT = _Parameter.of("protect_content", True)


async def _post(bot: Bot, method: str, params: list[_Parameter]) -> object:
    # `_Parameter` has all that `RequestData` reads of a `RequestParameter`.
    data = RequestData(cast(list[RequestParameter], params))
    return await bot.request.post(f"{bot.base_url}/{method}", data)


def _as_sent(value: object) -> object:
    """A default's value as `RequestParameter.from_input` makes it: an object as its dict, an
    enum as its value (the other parameters sent here are ids, texts, flags and serialised
    keyboards, already as the Bot API takes them)."""
    if isinstance(value, TelegramObject):
        return value.to_dict()
    if isinstance(value, Enum):
        return value.value
    return value
