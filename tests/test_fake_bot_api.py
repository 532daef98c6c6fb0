"""Tests for the fake Bot API server, including a real PTB bot doing real long polling."""

from __future__ import annotations

import asyncio
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.fake_bot_api import (
    Call,
    FakeBotApi,
    UploadedFile,
    bot_user,
    callback_update,
    location_update,
    make_user,
    message_update,
    my_chat_member_update,
    photo_update,
    sticker_update,
    voice_update,
)

TOKEN = "123456:TEST"


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi(token=TOKEN) as server:
        yield server


def call_api(
    api: FakeBotApi,
    method: str,
    params: dict[str, Any] | None = None,
    *,
    token: str = TOKEN,
    as_json: bool = False,
) -> tuple[int, dict[str, Any]]:
    """POST ``params`` to the fake (form-encoded like PTB, or JSON); return status and body."""
    url = f"{api.url}/bot{token}/{method}"
    data: bytes | None = None
    headers: dict[str, str] = {}
    if params is not None:
        if as_json:
            data = json.dumps(params).encode()
            headers["Content-Type"] = "application/json"
        else:
            data = urllib.parse.urlencode(params).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


# ---------------------------------------------------------------------------------------------
# Plain HTTP behaviour
# ---------------------------------------------------------------------------------------------


def test_get_me_and_case_insensitive_method(api: FakeBotApi) -> None:
    status, body = call_api(api, "GETME")
    assert status == 200
    assert body == {"ok": True, "result": bot_user(TOKEN)}
    assert body["result"]["id"] == 123456
    assert [call.method for call in api.calls] == ["getMe"]


def test_wrong_token_is_unauthorized(api: FakeBotApi) -> None:
    status, body = call_api(api, "getMe", token="999:WRONG")
    assert status == 401
    assert body == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    assert api.calls == []


def test_fail_next_fails_exactly_once(api: FakeBotApi) -> None:
    api.fail_next("editMessageText", 400, "Bad Request: message is not modified")
    params = {"chat_id": "5", "message_id": "7", "text": "same"}
    status, body = call_api(api, "editMessageText", params)
    assert status == 400
    assert body == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: message is not modified",
    }
    status, body = call_api(api, "editMessageText", params)
    assert status == 200
    assert body["result"]["message_id"] == 7
    assert len(api.calls_to("editmessagetext")) == 2


def test_params_from_form_json_and_query(api: FakeBotApi) -> None:
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    call_api(
        api, "sendMessage", {"chat_id": "42", "text": "[1]", "reply_markup": json.dumps(markup)}
    )
    call_api(
        api, "sendMessage", {"chat_id": 42, "text": "hi", "reply_markup": markup}, as_json=True
    )
    with urllib.request.urlopen(f"{api.url}/bot{TOKEN}/getChat?chat_id=42", timeout=10) as resp:
        assert json.loads(resp.read())["result"]["id"] == 42
    form, as_json, query = api.calls
    assert form.params == {"chat_id": "42", "text": "[1]", "reply_markup": markup}
    assert form.int_param("chat_id") == 42
    assert as_json.params == {"chat_id": 42, "text": "hi", "reply_markup": markup}
    assert query == Call("getChat", {"chat_id": "42"})


def test_long_poll_returns_empty_after_timeout(api: FakeBotApi) -> None:
    started = time.monotonic()
    status, body = call_api(api, "getUpdates", {"timeout": "1"})
    elapsed = time.monotonic() - started
    assert (status, body) == (200, {"ok": True, "result": []})
    assert 0.9 <= elapsed < 3
    assert call_api(api, "getUpdates", {"timeout": "0"})[1]["result"] == []


def test_push_update_wakes_a_waiting_long_poll(api: FakeBotApi) -> None:
    results: list[dict[str, Any]] = []
    poller = threading.Thread(
        target=lambda: results.append(call_api(api, "getUpdates", {"timeout": "30"})[1])
    )
    started = time.monotonic()
    poller.start()
    api.wait_until_polled(timeout=5)
    update_id = api.push_update(message_update(make_user(), "hi"))
    poller.join(timeout=5)
    assert not poller.is_alive()
    assert time.monotonic() - started < 5
    assert [u["update_id"] for u in results[0]["result"]] == [update_id]


def test_offset_confirms_and_drops_updates(api: FakeBotApi) -> None:
    user = make_user()
    first = api.push_update(message_update(user, "one"))
    second = api.push_update(message_update(user, "two"))
    third = api.push_update(message_update(user, "three"))
    assert second == first + 1 and third == second + 1

    def ids(params: dict[str, Any]) -> list[int]:
        return [u["update_id"] for u in call_api(api, "getUpdates", params)[1]["result"]]

    assert ids({"timeout": "0"}) == [first, second, third]
    assert ids({"timeout": "0", "limit": "1"}) == [first]
    assert ids({"offset": str(second), "timeout": "0"}) == [second, third]
    # Confirmed updates are gone for good, even without an offset.
    assert ids({"timeout": "0"}) == [second, third]
    assert ids({"offset": str(third + 1), "timeout": "0"}) == []
    assert api.pending_updates() == []


def test_close_wakes_long_poll_promptly() -> None:
    api = FakeBotApi(token=TOKEN).start()
    outcome: list[Any] = []

    def poll() -> None:
        try:
            outcome.append(call_api(api, "getUpdates", {"timeout": "60"}))
        except OSError as exc:  # pragma: no cover - depends on socket timing
            outcome.append(exc)

    poller = threading.Thread(target=poll)
    poller.start()
    api.wait_until_polled(timeout=5)
    started = time.monotonic()
    api.close()
    poller.join(timeout=5)
    assert not poller.is_alive()
    assert time.monotonic() - started < 3
    assert outcome


def test_wait_for_times_out_with_useful_message(api: FakeBotApi) -> None:
    call_api(api, "sendMessage", {"chat_id": "1", "text": "hello"})
    with pytest.raises(TimeoutError, match=r"deleteMessage.*sendMessage\(chat_id='1'"):
        api.wait_for_call("deleteMessage", timeout=0.2)
    with pytest.raises(TimeoutError, match="never"):
        api.wait_for(lambda calls: False, timeout=0.2, description="never")


def test_wait_for_call_honours_since_and_where(api: FakeBotApi) -> None:
    call_api(api, "sendMessage", {"chat_id": "1", "text": "a"})
    mark = api.mark()
    call_api(api, "sendMessage", {"chat_id": "2", "text": "b"})
    call_api(api, "sendMessage", {"chat_id": "2", "text": "c"})
    assert api.wait_for_call("sendMessage", since=mark).params["text"] == "b"
    found = api.wait_for_call("sendMessage", where=lambda c: c.params["text"] == "c")
    assert found.params["chat_id"] == "2"
    assert api.wait_for(lambda calls: len(calls) == 3 and len(calls)) == 3


def test_builders_parse_as_ptb_updates() -> None:
    user = make_user(user_id=77, first_name="Sam", username=None)
    group = {"id": -100555, "type": "supergroup", "title": "Crew"}
    cases = {
        "command": message_update(user, "/start@waypoint_test_bot payload"),
        "group": message_update(user, "hey", chat_type="supergroup"),
        "callback": callback_update(user, "pick:1", message_id=9),
        "location": location_update(user, 37.8, -122.27),
        "sticker": sticker_update(user),
        "photo": photo_update(user),
        "voice": voice_update(user),
        "added": my_chat_member_update(user, group),
        "promoted": my_chat_member_update(user, group, "administrator", old_status="member"),
        "kicked": my_chat_member_update(user, group, "kicked", old_status="member"),
    }
    for number, data in enumerate(cases.values(), start=1):
        data["update_id"] = number
    updates = {name: Update.de_json(data, None) for name, data in cases.items()}

    command = updates["command"].message
    assert command is not None
    assert command.entities[0].type == "bot_command"
    assert command.entities[0].length == len("/start@waypoint_test_bot")
    assert command.chat.type == ChatType.PRIVATE and command.chat.id == 77
    assert updates["group"].effective_chat.type == ChatType.SUPERGROUP  # type: ignore[union-attr]
    query = updates["callback"].callback_query
    assert query is not None and query.data == "pick:1"
    assert query.message is not None and query.message.message_id == 9
    assert updates["location"].message.location.longitude == -122.27  # type: ignore[union-attr]
    assert updates["sticker"].message.sticker is not None  # type: ignore[union-attr]
    assert len(updates["photo"].message.photo) == 2  # type: ignore[union-attr]
    assert updates["voice"].message.voice.file_id == "voice-file-id"  # type: ignore[union-attr]
    member = updates["added"].my_chat_member
    assert member is not None and member.new_chat_member.status == "member"
    assert member.new_chat_member.user.id == 123456
    assert updates["promoted"].my_chat_member.new_chat_member.status == "administrator"  # type: ignore[union-attr]
    assert updates["kicked"].my_chat_member.new_chat_member.status == "kicked"  # type: ignore[union-attr]


# ---------------------------------------------------------------------------------------------
# A real python-telegram-bot application, long polling against the fake
# ---------------------------------------------------------------------------------------------


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    await update.message.reply_text("<b>Welcome</b> &amp; hi", parse_mode=ParseMode.HTML)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.message.text is not None
    text = update.message.text
    if text == "menu":
        keyboard = InlineKeyboardMarkup(
            [
                [InlineKeyboardButton("One", callback_data="pick:1")],
                [InlineKeyboardButton("Two", callback_data="pick:2")],
            ]
        )
        await update.message.reply_text("Choose", reply_markup=keyboard)
    else:
        await update.message.reply_text(text)


async def on_callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    await query.edit_message_text(f"You chose {query.data}")


def build_app(api: FakeBotApi) -> Application:  # type: ignore[type-arg]
    app = (
        ApplicationBuilder()
        .token(api.token)
        .base_url(f"{api.url}/bot")
        .base_file_url(f"{api.url}/file/bot")
        .build()
    )
    app.add_handler(CommandHandler("start", on_start))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, on_text))
    app.add_handler(CallbackQueryHandler(on_callback))
    return app


@pytest.mark.filterwarnings("ignore:.*retry_after.*:telegram.warnings.PTBDeprecationWarning")
async def test_echo_bot_end_to_end(api: FakeBotApi) -> None:
    app = build_app(api)
    await app.initialize()
    assert app.bot.username == "waypoint_test_bot"
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1)
    try:
        await asyncio.to_thread(api.wait_until_polled)
        user = make_user(user_id=4242)

        # Plain echo.
        mark = api.mark()
        api.push_update(message_update(user, "hello there"))
        echo = await asyncio.to_thread(api.wait_for_call, "sendMessage", mark)
        assert echo.params["chat_id"] == "4242"
        assert echo.params["text"] == "hello there"

        # A command: PTB needs the bot_command entity; HTML is recorded raw.
        mark = api.mark()
        api.push_update(message_update(user, "/start"))
        welcome = await asyncio.to_thread(api.wait_for_call, "sendMessage", mark)
        assert welcome.params["text"] == "<b>Welcome</b> &amp; hi"
        assert welcome.params["parse_mode"] == "HTML"

        # An inline keyboard, then pressing one of its buttons.
        mark = api.mark()
        api.push_update(message_update(user, "menu"))
        menu = await asyncio.to_thread(api.wait_for_call, "sendMessage", mark)
        assert menu.params["reply_markup"] == {
            "inline_keyboard": [
                [{"text": "One", "callback_data": "pick:1"}],
                [{"text": "Two", "callback_data": "pick:2"}],
            ]
        }
        menu_message = api.calls_to("sendMessage")[-1]
        assert menu_message is menu
        sent = api.sent_messages(4242)[-1]
        assert sent["text"] == "Choose"
        assert sent["reply_markup"] == menu.params["reply_markup"]
        message_id = sent["message_id"]

        mark = api.mark()
        api.push_update(api.callback_update(user, "pick:2", message_id))
        answer = await asyncio.to_thread(api.wait_for_call, "answerCallbackQuery", mark)
        edit = await asyncio.to_thread(api.wait_for_call, "editMessageText", mark)
        assert answer.params["callback_query_id"].startswith("cbq-")
        assert edit.int_param("chat_id") == 4242
        assert edit.int_param("message_id") == message_id
        assert edit.params["text"] == "You chose pick:2"
        edited = api.sent_message(4242, message_id)
        assert edited is not None and edited["text"] == "You chose pick:2"
        assert "reply_markup" not in edited

        # Direct bot calls: realistic results, injected failures, multipart uploads.
        message = await app.bot.send_message(4242, "<i>x</i> &lt;y&gt;", parse_mode="HTML")
        assert message.text == "x <y>"
        assert message.from_user is not None and message.from_user.is_bot
        assert message.chat.type == ChatType.PRIVATE

        api.fail_next("sendMessage", 400, "Bad Request: chat not found")
        with pytest.raises(BadRequest, match="Chat not found"):
            await app.bot.send_message(4242, "nope")
        api.fail_next("sendMessage", 429, "Too Many Requests", parameters={"retry_after": 3})
        with pytest.raises(RetryAfter):
            await app.bot.send_message(4242, "slow down")

        await app.bot.send_document(4242, document=b"a\r\nb\x00c", filename="notes.txt")
        upload = api.calls_to("sendDocument")[-1]
        document = upload.params["document"]
        assert isinstance(document, UploadedFile)
        assert document.filename == "notes.txt"
        assert document.data == b"a\r\nb\x00c"
        assert upload.params["chat_id"] == "4242"

        # A group chat registered through an update: replies carry its type.
        group_update = message_update(user, "hi group", chat_type="supergroup")
        mark = api.mark()
        api.push_update(group_update)
        group_echo = await asyncio.to_thread(api.wait_for_call, "sendMessage", mark)
        group_id = group_update["message"]["chat"]["id"]
        assert group_echo.int_param("chat_id") == group_id
        assert api.sent_messages(group_id)[-1]["chat"]["type"] == "supergroup"
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()

    # PTB confirmed everything it fetched on shutdown.
    assert api.pending_updates() == []
    assert {"getMe", "deleteWebhook", "getUpdates"} <= {call.method for call in api.calls}
