"""Application tests: the real Application from bot.app, fed Updates, with a recording request."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.catalog import Catalog
from bot.ui.actions import ChooseArea, SetArea, SetLanguage, ShowMenu, ShowNeed, ShowNeeds, encode
from tests.app_harness import Harness, last_screen, running_bot, sent_texts
from tests.canaries import LATITUDE, LONGITUDE, TEXT_WORD, canary_user
from tests.conftest import SUNDAY_MORNING
from tests.fake_bot_api import (
    callback_update,
    location_update,
    message_update,
    my_chat_member_update,
    photo_update,
    sticker_update,
    voice_update,
)
from tests.recording_request import ApiCall

SPANISH = canary_user("es-MX")
ENGLISH = canary_user("en", number=2)
TEXT_METHODS = ("sendMessage", "editMessageText")


@pytest.fixture
async def bot(sample_catalog: Catalog, tmp_path: Path) -> AsyncIterator[Harness]:
    async with running_bot(sample_catalog, tmp_path / "data", lambda: SUNDAY_MORNING) as harness:
        yield harness


async def press(bot: Harness, user: dict, screen: ApiCall, data: str) -> list[ApiCall]:
    """Press a button with `data` under the message `screen` shows."""
    assert data in screen.callback_data, (data, screen.callback_data)
    message = {
        "message_id": 1000,
        "date": 0,
        "chat": {"id": user["id"], "type": "private"},
        "text": screen.text,
        "reply_markup": screen.params.get("reply_markup"),
    }
    return await bot.send(callback_update(user, data, 1000, message=message))


def labelled(screen: ApiCall, label_part: str) -> str:
    """The callback data of the first button whose label contains `label_part`."""
    for label, data in zip(screen.button_labels, screen.callback_data, strict=True):
        if label_part in label:
            return data
    raise AssertionError(f"no button with {label_part!r} in {screen.button_labels}")


async def test_start_follows_the_phone_language_and_registers_neutral_commands(
    bot: Harness,
) -> None:
    commands = [c for c in bot.request.calls if c.method == "setMyCommands"]
    assert {c.params.get("language_code") for c in commands} == {"en", "es", None}
    for call in commands:
        names = [c["command"] for c in call.params["commands"]]
        assert names[:2] == ["start", "menu"]
        described = " ".join(c["description"] for c in call.params["commands"]).lower()
        for revealing in ("sex", "traffick", "trata", "drug", "droga", "rights", "derechos"):
            assert revealing not in described

    calls = await bot.send(message_update(SPANISH, "/start"))
    assert [c.method for c in calls] == ["sendMessage"]
    assert "Hola" in calls[0].text
    assert encode(SetLanguage("es")) in calls[0].callback_data
    assert calls[0].params["parse_mode"] == "HTML"
    assert calls[0].params["link_preview_options"] == {"is_disabled": True}


async def test_a_spanish_user_reaches_a_card_by_buttons_and_choices_are_remembered(
    bot: Harness,
) -> None:
    welcome = (await bot.send(message_update(SPANISH, "/start")))[0]
    calls = await press(bot, SPANISH, welcome, labelled(welcome, "▶"))
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageText"]
    picker = calls[-1]
    assert encode(SetArea("oakland")) in picker.callback_data
    menu = last_screen(await press(bot, SPANISH, picker, encode(SetArea("oakland"))))
    assert "¿Qué necesitas?" in menu.text
    needs = last_screen(await press(bot, SPANISH, menu, encode(ShowNeeds())))
    food = last_screen(await press(bot, SPANISH, needs, encode(ShowNeed("food"))))
    card_data = next(d for d in food.callback_data if d.startswith("1:r:"))
    card_calls = await press(bot, SPANISH, food, card_data)
    assert card_calls[0].method == "answerCallbackQuery"
    card = last_screen(card_calls)
    assert "Lo que te piden" in card.text or "piden" in card.text

    # The area choice was kept (keyed, not by id); a later update starts from it.
    again = await bot.send(message_update(SPANISH, "/menu"))
    assert "¿Qué necesitas?" in again[0].text
    counts = await bot.store.counts()
    assert [(c.region_id, c.need_id, c.locale, c.count) for c in counts] == [
        ("oakland", "food", "es", 1)
    ]


async def test_every_command_answers_in_the_users_language(bot: Harness) -> None:
    await bot.send(message_update(SPANISH, "/start l-es__a-oakland"))
    expected = {
        "/menu": "¿Qué necesitas?",
        "/help": "/forget",
        "/language": "Elige tu idioma:",
        "/area": "zona",
        "/rights": "",
        "/urgent": "",
        "/privacy": "Lo que guarda este bot",
        "/MENU@waypoint_test_bot": "¿Qué necesitas?",
    }
    for command, text in expected.items():
        calls = await bot.send(message_update(SPANISH, command))
        assert calls and all(c.method == "sendMessage" for c in calls), command
        assert text.lower() in " ".join(sent_texts(calls)).lower(), command


async def test_search_and_location_answer_with_matches(bot: Harness) -> None:
    await bot.send(message_update(SPANISH, "/start l-es__a-oakland"))
    naloxone = " ".join(sent_texts(await bot.send(message_update(SPANISH, "naloxona"))))
    assert "naloxona" in naloxone.lower() and "1." in naloxone
    lawyer = " ".join(sent_texts(await bot.send(message_update(SPANISH, "abogado"))))
    assert "1." in lawyer
    nearest = sent_texts(await bot.send(location_update(SPANISH, LATITUDE, LONGITUDE)))
    assert nearest and " mi" in " ".join(nearest)


async def test_a_saved_language_beats_the_phone_language_and_forget_erases_it(
    bot: Harness,
) -> None:
    picker = (await bot.send(message_update(ENGLISH, "/language")))[0]
    assert "Choose your language" in picker.text
    await press(bot, ENGLISH, picker, encode(SetLanguage("es")))
    assert "Elige" in (await bot.send(message_update(ENGLISH, "/language")))[0].text
    # Another user's update in between is answered in their own language.
    assert "Choose" in (await bot.send(message_update(canary_user("en", 3), "/language")))[0].text

    key = bot.handlers.keys.key_for(ENGLISH["id"])
    assert await bot.store.preferences(key, SUNDAY_MORNING.date()) is not None
    forgotten = await bot.send(message_update(ENGLISH, "/forget"))
    assert "se borraron" in forgotten[0].text
    assert await bot.store.preferences(key, SUNDAY_MORNING.date()) is None
    assert "Choose" in (await bot.send(message_update(ENGLISH, "/language")))[0].text


async def test_deep_links_preset_language_area_and_topic(bot: Harness) -> None:
    calls = await bot.send(message_update(ENGLISH, "/start l-es__a-oakland__n-food"))
    assert "oakland" in " ".join(c.lower() for c in sent_texts(calls))
    assert encode(ShowMenu()) in last_screen(calls).callback_data
    assert "Elige" in (await bot.send(message_update(ENGLISH, "/language")))[0].text
    for payload in ("x" * 65, "l-de__a-nowhere", "bad payload", "l-es__l-en", "n-nothing"):
        plain = await bot.send(message_update(canary_user(None, 4), f"/start {payload}"))
        assert "Hi." in plain[0].text, payload


FORGED = [
    "",
    "1:",
    "2:m",
    "1:r:no-such-resource.-",
    "1:l:de",
    "1:a:atlantis",
    "1:n:food.z.0",
    "1:p:../../etc/passwd",
    "' OR 1=1 --",
    "🙂" * 16,
    "‮1:m",
    "1:m\x00",
    "x" * 64,
]


@pytest.mark.parametrize("data", FORGED)
async def test_forged_callback_data_is_answered_as_out_of_date(bot: Harness, data: str) -> None:
    await bot.send(message_update(SPANISH, "/start"))
    calls = await bot.send(callback_update(SPANISH, data, 1000))
    assert calls[0].method == "answerCallbackQuery"
    assert "ya no funciona" in last_screen(calls).text
    assert encode(ShowMenu()) in last_screen(calls).callback_data


def test_any_callback_data_gets_an_answer_and_a_screen(
    sample_catalog: Catalog, tmp_path_factory: pytest.TempPathFactory
) -> None:
    with asyncio.Runner() as runner:
        context = running_bot(sample_catalog, tmp_path_factory.mktemp("d"), lambda: SUNDAY_MORNING)
        harness = runner.run(context.__aenter__())

        @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
        @given(st.text(max_size=64).filter(lambda s: len(s.encode("utf-8")) <= 64))
        def answered(data: str) -> None:
            calls = runner.run(harness.send(callback_update(SPANISH, data, 1000)))
            assert calls[0].method == "answerCallbackQuery"
            assert any(c.method in TEXT_METHODS for c in calls)

        try:
            answered()
        finally:
            runner.run(context.__aexit__(None, None, None))


@pytest.mark.parametrize(
    ("update", "expected"),
    [
        (sticker_update(SPANISH), "solo puedo leer"),
        (photo_update(SPANISH), "solo puedo leer"),
        (voice_update(SPANISH), "solo puedo leer"),
        (message_update(SPANISH, "/frobnicate"), "no conozco ese comando"),
        (message_update(SPANISH, "/"), "no conozco ese comando"),
    ],
)
async def test_other_input_gets_a_kind_reply_and_the_menu(
    bot: Harness, update: dict, expected: str
) -> None:
    calls = await bot.send(update)
    assert len(calls) == 1
    assert expected in calls[0].text.lower()
    assert encode(ShowMenu()) in calls[0].callback_data


@pytest.mark.parametrize(
    "text",
    [
        "a" * 5000,
        "🙂🙂🙂 🏳️‍🌈",
        "مرحبا أحتاج مساعدة",
        "שלום",
        "line\x00one\x07\x1b[31m",
        "<b>naloxona</b> & <script>",
        TEXT_WORD,
        "   ",
    ],
)
async def test_odd_text_is_searched_safely(bot: Harness, text: str) -> None:
    calls = await bot.send(message_update(SPANISH, text))
    assert calls and all(c.method == "sendMessage" for c in calls)
    for call in calls:
        assert "\x00" not in call.text and "<script>" not in call.text
        assert len(call.text) <= 4096


async def test_pressing_the_same_button_twice_is_quiet(bot: Harness) -> None:
    await bot.send(message_update(SPANISH, "/start l-es__a-oakland"))
    menu = (await bot.send(message_update(SPANISH, "/menu")))[0]
    bot.request.fail_next("editMessageText", 400, "Bad Request: message is not modified")
    calls = await press(bot, SPANISH, menu, encode(ShowNeeds()))
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageText"]


async def test_an_old_message_that_cannot_be_edited_gets_a_new_one(bot: Harness) -> None:
    menu = (await bot.send(message_update(SPANISH, "/area")))[0]
    bot.request.fail_next("editMessageText", 400, "Bad Request: message to edit not found")
    calls = await press(bot, SPANISH, menu, encode(SetArea("oakland")))
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageText", "sendMessage"]


async def test_an_error_in_a_handler_gets_an_apology_and_the_bot_keeps_serving(
    bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: object) -> None:
        raise RuntimeError(f"boom with {TEXT_WORD}")

    monkeypatch.setattr(bot.store, "save_preferences", broken)
    calls = await bot.send(message_update(SPANISH, "/start l-es__a-oakland"))
    assert "algo salió mal" in last_screen(calls).text.lower()

    monkeypatch.setattr(bot.store, "preferences", broken)
    calls = await bot.send(message_update(SPANISH, "/menu"))
    assert "algo salió mal" in last_screen(calls).text.lower()

    monkeypatch.undo()
    assert "Hola" in (await bot.send(message_update(SPANISH, "/start")))[0].text


async def test_groups_are_told_once_and_left(bot: Harness) -> None:
    group = {"id": -100200300, "type": "supergroup", "title": "Group"}
    calls = await bot.send(my_chat_member_update(ENGLISH, group, "member"))
    assert [c.method for c in calls] == ["sendMessage", "leaveChat"]
    assert "private chats" in calls[0].text
    command = await bot.send(message_update(ENGLISH, "/start", chat_type="group"))
    assert [c.method for c in command] == ["sendMessage", "leaveChat"]
    assert await bot.send(message_update(ENGLISH, "hello", chat_type="group")) == []
    in_group = callback_update(ENGLISH, encode(ChooseArea()), 5)
    in_group["callback_query"]["message"]["chat"] = group
    assert [c.method for c in await bot.send(in_group)] == ["answerCallbackQuery"]


async def test_a_channel_that_refuses_the_note_is_still_left(bot: Harness) -> None:
    channel = {"id": -100400500, "type": "channel", "title": "Channel"}
    bot.request.fail_next("sendMessage", 403, "Forbidden: bot can't post here")
    calls = await bot.send(my_chat_member_update(ENGLISH, channel, "administrator"))
    assert [c.method for c in calls] == ["sendMessage", "leaveChat"]


async def test_blocking_the_bot_erases_what_it_kept(bot: Harness) -> None:
    await bot.send(message_update(SPANISH, "/start l-es__a-oakland"))
    key = bot.handlers.keys.key_for(SPANISH["id"])
    assert await bot.store.preferences(key, SUNDAY_MORNING.date()) is not None
    private = {"id": SPANISH["id"], "type": "private", "first_name": SPANISH["first_name"]}
    assert await bot.send(my_chat_member_update(SPANISH, private, "kicked")) == []
    assert await bot.store.preferences(key, SUNDAY_MORNING.date()) is None


async def test_a_location_after_opening_a_need_keeps_that_need(bot: Harness) -> None:
    await bot.send(message_update(SPANISH, "/start l-es__a-oakland__n-food"))
    nearest = " ".join(sent_texts(await bot.send(location_update(SPANISH, LATITUDE, LONGITUDE))))
    assert nearest.startswith("Waypoint\n<b>Comida:")
    # The open need lives in memory only and ends with /forget.
    await bot.send(message_update(SPANISH, "/forget"))
    after = " ".join(sent_texts(await bot.send(location_update(SPANISH, LATITUDE, LONGITUDE))))
    assert not after.startswith("Waypoint\n<b>Comida:")


async def test_every_message_starts_with_the_same_neutral_line(bot: Harness) -> None:
    await bot.send(message_update(SPANISH, "/start l-es__a-oakland"))
    calls = await bot.send(message_update(SPANISH, "my friend isn't breathing"))
    calls += await bot.send(message_update(SPANISH, "/privacy"))
    texts = sent_texts(calls)
    assert len(texts) > 3
    assert all(text.split("\n", 1)[0] == "Waypoint" for text in texts)
