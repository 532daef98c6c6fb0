"""The Bot API stand-in charges every bot what a real HTTP client pays (each parameter encoded
for the wire) and answers sends with the keyboard on the message, as Telegram does; reading a
call's parameters back is the stand-in's own work, done only when a test asks."""

from __future__ import annotations

import json

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup

from tests.recording_request import BOT_USER, RecordingRequest

TOKEN = "7000000001:AAH-test-token-never-real-000000000000"
BOARD = {"inline_keyboard": [[{"text": "Menu", "callback_data": "1:m"}]]}


async def _bot(request: RecordingRequest) -> Bot:
    bot = Bot(TOKEN, request=request, get_updates_request=RecordingRequest())
    await bot.initialize()
    return bot


async def test_a_keyboard_object_is_encoded_for_the_wire_and_comes_back_on_the_message() -> None:
    request = RecordingRequest()
    bot = await _bot(request)
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Menu", callback_data="1:m")]])
    sent = await bot.send_message(5, "<b>Hi</b>", reply_markup=markup)
    call = request.calls[-1]
    assert json.loads(call.wire["reply_markup"]) == BOARD
    assert call.wire["chat_id"] == "5"
    assert call.params["reply_markup"] == BOARD
    assert sent.reply_markup == markup
    assert sent.text == "Hi"
    assert sent.from_user is not None and sent.from_user.id == BOT_USER["id"]


async def test_a_keyboard_sent_serialised_reads_back_the_same() -> None:
    request = RecordingRequest()
    bot = await _bot(request)
    sent = await bot.send_message(5, "Hi", reply_markup=json.dumps(BOARD))  # type: ignore[arg-type]
    call = request.calls[-1]
    assert call.params["reply_markup"] == BOARD
    assert call.button_labels == ["Menu"]
    assert sent.reply_markup is not None
    assert sent.reply_markup.to_dict() == BOARD


async def test_a_message_without_a_keyboard_has_none() -> None:
    request = RecordingRequest()
    bot = await _bot(request)
    sent = await bot.send_message(5, "Hi")
    assert sent.reply_markup is None
    assert "reply_markup" not in request.calls[-1].wire
