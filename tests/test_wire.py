"""The bot's own sends and edits: the same Bot API calls python-telegram-bot would make, without
building objects from Telegram's replies (bot/handlers/wire.py)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from hypothesis import given
from hypothesis import strategies as st
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import Defaults, ExtBot
from telegram.request import RequestData

from bot.handlers.output import outcome_unknown
from bot.handlers.wire import (
    Keyboard,
    answer_press,
    button_json,
    edit_keyboard,
    edit_text,
    keyboard_of,
    message_id_of,
    send_text,
)
from tests.recording_request import ApiCall, RecordingRequest

TOKEN = "7000000001:AAH-test-token-never-real-000000000000"
ROWS = [[("Food 🍲", "n:food"), ("<b>&amp;</b>", "x")], [("Ñandú — 中文 ไทย", "b")]]


@pytest.fixture
async def bot() -> AsyncIterator[ExtBot[None]]:
    defaults = Defaults(
        parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)
    )
    bot = ExtBot(TOKEN, request=RecordingRequest(), defaults=defaults)
    await bot.initialize()
    yield bot
    await bot.shutdown()


def recorded(bot: ExtBot[None]) -> RecordingRequest:
    request = bot.request
    assert isinstance(request, RecordingRequest)
    return request


def serialised_keyboard(rows: list[list[tuple[str, str]]]) -> Keyboard:
    return keyboard_of([[button_json(label, data) for label, data in row] for row in rows])


def read_wire(call: ApiCall) -> dict[str, object]:
    """What a call sent, its keyboard read back (the same JSON, spaced differently)."""
    return {k: json.loads(v) if k == "reply_markup" else v for k, v in call.wire.items()}


def markup_of(rows: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


@given(
    st.lists(
        st.lists(st.tuples(st.text(min_size=1), st.text(min_size=1, max_size=64)), min_size=1),
        min_size=1,
        max_size=4,
    )
)
def test_a_serialised_keyboard_is_the_json_python_telegram_bot_would_send(
    rows: list[list[tuple[str, str]]],
) -> None:
    assert json.loads(serialised_keyboard(rows)) == json.loads(markup_of(rows).to_json())


async def test_a_send_makes_the_same_call_as_send_message_and_returns_the_id(
    bot: ExtBot[None],
) -> None:
    request = recorded(bot)
    expected = await bot.send_message(42, "<b>hi</b>", reply_markup=markup_of(ROWS))
    ours = await send_text(bot, 42, "<b>hi</b>", serialised_keyboard(ROWS))
    theirs, mine = request.calls[-2:]
    assert mine.method == theirs.method == "sendMessage"
    assert mine.params == theirs.params
    assert read_wire(mine) == read_wire(theirs)
    assert mine.params["parse_mode"] == "HTML"
    assert mine.params["link_preview_options"] == {"is_disabled": True}
    assert ours == expected.message_id + 1


async def test_protect_and_no_keyboard_are_sent_as_send_message_would(bot: ExtBot[None]) -> None:
    request = recorded(bot)
    await bot.send_message(42, "x", protect_content=True)
    await send_text(bot, 42, "x", None, protect=True)
    theirs, mine = request.calls[-2:]
    assert (mine.params, read_wire(mine)) == (theirs.params, read_wire(theirs))


async def test_a_press_is_answered_as_python_telegram_bot_answers_it(bot: ExtBot[None]) -> None:
    request = recorded(bot)
    await bot.answer_callback_query("4711-press")
    await answer_press(bot, "4711-press")
    theirs, mine = request.calls[-2:]
    assert mine.method == theirs.method == "answerCallbackQuery"
    assert (mine.params, mine.wire) == (theirs.params, theirs.wire)


async def test_edits_make_the_same_calls_as_python_telegram_bot(bot: ExtBot[None]) -> None:
    request = recorded(bot)
    await bot.edit_message_text("t", chat_id=42, message_id=7, reply_markup=markup_of(ROWS))
    await edit_text(bot, 42, 7, "t", serialised_keyboard(ROWS))
    await bot.edit_message_reply_markup(chat_id=42, message_id=7, reply_markup=markup_of(ROWS))
    await edit_keyboard(bot, 42, 7, serialised_keyboard(ROWS))
    first, second, third, fourth = request.calls[-4:]
    assert (first.method, first.params) == (second.method, second.params)
    assert read_wire(first) == read_wire(second)
    # python-telegram-bot also sends its default parse mode there, which Telegram ignores.
    without_parse_mode = {k: v for k, v in third.params.items() if k != "parse_mode"}
    assert (third.method, without_parse_mode) == (fourth.method, fourth.params)


class KeepingRequest(RecordingRequest):
    """Keeps every call's RequestData, to read as an HTTP client would, later."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[RequestData] = []

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, **kwargs: object
    ) -> tuple[int, bytes]:
        assert request_data is not None
        self.sent.append(request_data)
        return await super().do_request(url, method, request_data)


async def test_a_post_is_put_on_the_wire_without_dumping_json(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ids, flags and the link preview's defaults are made JSON once, not dumped again each
    time an HTTP client reads a post's parameters (twice a parameter, in python-telegram-bot)."""
    request = KeepingRequest()
    defaults = Defaults(
        parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)
    )
    bot = ExtBot(TOKEN, request=request, defaults=defaults)
    await bot.initialize()
    request.sent.clear()  # getMe
    try:
        message_id = await send_text(bot, 42, "x", serialised_keyboard(ROWS), protect=True)
        await edit_text(bot, 42, message_id, "y", serialised_keyboard(ROWS))
        await edit_keyboard(bot, 42, message_id, None)
        await answer_press(bot, "4711-press")
    finally:
        await bot.shutdown()

    def refuse(*_args: object, **_kwargs: object) -> str:
        raise AssertionError("a parameter was dumped again")

    monkeypatch.setattr(json, "dumps", refuse)
    wires = [data.json_parameters for data in request.sent]
    assert [wire.get("chat_id") for wire in wires] == ["42", "42", "42", None]
    assert wires[0]["protect_content"] == "true"
    assert wires[1]["message_id"] == str(message_id)
    assert wires[1]["link_preview_options"] == '{"is_disabled": true}'


async def test_no_reply_is_read_into_objects(
    bot: ExtBot[None], monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_args: object, **_kwargs: object) -> Message:
        raise AssertionError("a reply was built into a Message")

    monkeypatch.setattr(Message, "de_json", refuse)
    message_id = await send_text(bot, 42, "x", serialised_keyboard(ROWS))
    await edit_text(bot, 42, message_id, "y", None)
    await edit_keyboard(bot, 42, message_id, serialised_keyboard(ROWS))


async def test_a_telegram_error_is_raised_as_python_telegram_bot_raises_it(
    bot: ExtBot[None],
) -> None:
    recorded(bot).fail_next("sendMessage", 400, "Bad Request: chat not found")
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await send_text(bot, 42, "x", None)


@pytest.mark.parametrize("result", [True, [], {}, {"message_id": "7"}, {"message_id": True}])
def test_a_reply_without_a_message_id_is_an_invalid_server_response(result: object) -> None:
    with pytest.raises(TelegramError) as raised:
        message_id_of(result)
    # A send answered so is treated as one whose outcome is unknown (it is looked for).
    assert outcome_unknown(raised.value)


async def test_a_bot_without_defaults_sends_as_python_telegram_bot_would() -> None:
    bot = ExtBot(TOKEN, request=RecordingRequest())
    await bot.initialize()
    try:
        await bot.send_message(42, "plain", reply_markup=markup_of(ROWS))
        await send_text(bot, 42, "plain", serialised_keyboard(ROWS))
        await bot.edit_message_text("plain", chat_id=42, message_id=7)
        await edit_text(bot, 42, 7, "plain", None)
    finally:
        await bot.shutdown()
    first, second, third, fourth = recorded(bot).calls[-4:]
    assert "parse_mode" not in second.params and "link_preview_options" not in second.params
    assert (first.params, read_wire(first)) == (second.params, read_wire(second))
    assert (third.params, read_wire(third)) == (fourth.params, read_wire(fourth))


async def test_bots_in_one_process_each_send_with_their_own_defaults() -> None:
    """The defaults are kept per Defaults object: an equal or a different one in another
    bot of the same process is never taken for it."""
    styles = (ParseMode.HTML, ParseMode.MARKDOWN_V2, ParseMode.HTML)
    bots = [
        ExtBot(
            TOKEN,
            request=RecordingRequest(),
            defaults=Defaults(parse_mode=style, link_preview_options=LinkPreviewOptions(False)),
        )
        for style in styles
    ]
    for bot in bots:
        await bot.initialize()
    try:
        for _round in range(2):
            for bot in bots:
                await send_text(bot, 42, "hello", None)
                await bot.send_message(42, "hello")
    finally:
        for bot in bots:
            await bot.shutdown()
    for bot, style in zip(bots, styles, strict=True):
        calls = recorded(bot).calls[-4:]
        assert [c.params["parse_mode"] for c in calls] == [style.value] * 4
        assert calls[0].params == calls[1].params
