"""A send that fails without saying whether it reached Telegram is looked for, not guessed:
found, it is not sent again; not found, it is sent again; when the look cannot tell, the
person gets the apology as before. Driven through `python -m bot run` and real HTTP against
the fake Bot API (which numbers a private chat's messages in one sequence, as Telegram does).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from telegram.error import BadRequest, NetworkError
from telegram.request import RequestData

from bot.handlers.output import find_lost_send
from bot.ui.actions import ShowMenu, encode
from tests.conftest import CONTENT, ROOT
from tests.fake_bot_api import FakeBotApi, callback_update, make_user, message_update

TOKEN = "7000000003:AAE-lost-sends-token-00000000000000000"
DEADLINE = 20.0
APOLOGY = "Sorry, something went wrong"


@pytest.fixture
def api(tmp_path: Path) -> Iterator[FakeBotApi]:
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("HASH_SECRET", "DEFAULT_LOCALE")},
        "BOT_TOKEN": TOKEN,
        "DATA_DIR": str(tmp_path / "data"),
        "CONTENT_DIR": str(CONTENT),
    }
    with FakeBotApi(token=TOKEN) as fake, (tmp_path / "bot.log").open("wb") as log:
        env["TELEGRAM_API_URL"] = fake.url
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env, stderr=log, stdout=log
        )
        try:
            fake.wait_until_polled(timeout=DEADLINE)
            yield fake
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=DEADLINE)


def settled(api: FakeBotApi, update_id: int, chat_id: int, messages: int) -> list[str]:
    """Wait until `update_id` is confirmed and the chat holds `messages`; the chat's texts."""

    def done(_calls: object) -> bool:
        confirmed = update_id not in api.pending_update_ids()
        return confirmed and len(api.sent_messages(chat_id)) >= messages

    api.wait_for(done, timeout=DEADLINE)
    return [str(m.get("text", "")) for m in api.sent_messages(chat_id)]


@pytest.mark.parametrize("kind", ["not_json", "500", "502", "drop"])
def test_an_unseen_send_failure_gives_exactly_one_answer(api: FakeBotApi, kind: str) -> None:
    person = make_user(user_id=4101)
    api.fault_next("sendMessage", kind)
    texts = settled(api, api.push_update(message_update(person, "/start")), person["id"], 1)
    assert len(texts) == 1, texts
    assert APOLOGY not in texts[0]
    # Found when it had arrived (not_json): one send; otherwise sent once more.
    sends = api.calls_to("sendMessage")
    assert len(sends) == (1 if kind == "not_json" else 2)
    assert api.calls_to("editMessageReplyMarkup"), "the send was looked for"


def test_the_persons_later_messages_do_not_hide_the_send(api: FakeBotApi) -> None:
    person = make_user(user_id=4102)
    api.fault_next("sendMessage", "not_json")
    api.delay("sendMessage", 0.3)  # the person writes again while the answer is on its way
    api.push_update(message_update(person, "/start"))
    api.wait_for_call("sendMessage", timeout=DEADLINE)
    last = api.push_update(message_update(person, "/start"))
    texts = settled(api, last, person["id"], 2)
    assert len(texts) == 2, texts
    assert not any(APOLOGY in text for text in texts)


def test_when_the_look_cannot_tell_the_person_gets_the_apology(api: FakeBotApi) -> None:
    person = make_user(user_id=4103)
    api.fault_next("sendMessage", "not_json")
    api.fail_next("editMessageReplyMarkup", 400, "Bad Request: something unexpected")
    update_id = api.push_update(message_update(person, "/start"))
    texts = settled(api, update_id, person["id"], 2)
    assert len(texts) == 2 and APOLOGY in texts[1], texts
    assert len(api.calls_to("sendMessage")) == 2  # the answer was not sent twice


def answered_press(api: FakeBotApi, person: dict[str, object], kind: str) -> tuple[int, int]:
    """/start, then a press on the menu whose edit is refused (so the screen is sent anew) and
    whose send meets `kind`; the menu's id and the press's update id."""
    chat_id = int(str(person["id"]))
    settled(api, api.push_update(message_update(person, "/start")), chat_id, 1)
    menu = api.sent_messages(chat_id)[-1]
    data = menu["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    api.fail_next("editMessageText", 400, "Bad Request: message can't be edited")
    api.fault_next("sendMessage", kind)
    press = api.push_update(api.callback_update(person, data, menu["message_id"]))
    return menu["message_id"], press


@pytest.mark.parametrize("kind", ["502", "drop", "timeout", "not_json"])
def test_a_press_whose_new_screen_fails_unseen_gets_exactly_one_answer(
    api: FakeBotApi, kind: str
) -> None:
    person = make_user(user_id=4104)
    menu_id, press = answered_press(api, person, kind)
    texts = settled(api, press, person["id"], 2)
    after_press = [m for m in api.sent_messages(person["id"]) if m["message_id"] > menu_id]
    assert len(after_press) == 1, texts
    assert not any(APOLOGY in text for text in texts), texts
    assert api.calls_to("editMessageReplyMarkup"), "the send was looked for"


def test_a_press_on_a_message_from_before_a_restart_is_not_looked_for(api: FakeBotApi) -> None:
    # Nothing is known of this chat (as after a restart): the pressed message may be old, so
    # a send that fails unseen is not looked for after it; the apology instead, as before.
    person = make_user(user_id=4105)
    api.fault_next("sendMessage", "502")
    api.fail_next("editMessageText", 400, "Bad Request: message can't be edited")
    update = callback_update(person, encode(ShowMenu()), 5, token=TOKEN)
    texts = settled(api, api.push_update(update), person["id"], 1)
    assert len(texts) == 1 and APOLOGY in texts[0], texts
    assert not api.calls_to("editMessageReplyMarkup")


def test_the_apology_is_looked_for_too(api: FakeBotApi) -> None:
    # The answer's send is refused outright; the apology's own send fails unseen and had not
    # arrived: it is looked for, not found, and sent again (before, nothing reached the person).
    person = make_user(user_id=4106)
    api.fail_next("sendMessage", 400, "Bad Request: something unexpected")
    api.fault_next("sendMessage", "502")
    texts = settled(api, api.push_update(message_update(person, "/start")), person["id"], 1)
    assert len(texts) == 1 and APOLOGY in texts[0], texts
    assert api.calls_to("editMessageReplyMarkup"), "the apology was looked for"


def test_a_send_that_lands_unseen_on_its_last_tries_is_found(api: FakeBotApi) -> None:
    # Two sends that never arrived, then one that arrived unseen: each is looked for, the
    # last one too, so the person gets the answer once and no apology.
    person = make_user(user_id=4107)
    for kind in ("502", "drop", "not_json"):
        api.fault_next("sendMessage", kind)
    texts = settled(api, api.push_update(message_update(person, "/start")), person["id"], 1)
    assert len(texts) == 1 and APOLOGY not in texts[0], texts
    assert len(api.calls_to("sendMessage")) == 3


async def test_a_probe_whose_retries_are_used_up_is_made_again_within_the_budget() -> None:
    # The request layer gives up on an edit after its own retries (NetworkError); the look
    # makes the probe again rather than giving up (which cost the person the apology).
    answers: list[Exception | None] = [
        NetworkError("Bad Gateway"),
        NetworkError("Bad Gateway"),
        BadRequest("Message is not modified: specified new message content and reply markup"),
    ]
    probed: list[int] = []

    class StubRequest:
        async def post(self, url: str, request_data: RequestData) -> object:
            assert url == "https://api.example/botTOKEN/editMessageReplyMarkup"
            probed.append(int(str(request_data.parameters["message_id"])))
            answer = answers.pop(0)
            if answer is not None:
                raise answer
            return True

    class StubBot:
        base_url = "https://api.example/botTOKEN"
        request = StubRequest()

    found = await find_lost_send(StubBot(), 7, None, 41, budget=5.0)  # type: ignore[arg-type]
    assert found == 42 and probed == [42, 42, 42]
