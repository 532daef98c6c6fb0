"""Safety alerts for people: the screen from the menu and /alerts, opting in and out per area,
and what stopping (the button, /forget, blocking the bot) leaves behind: nothing."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from pathlib import Path

import pytest

from bot.domain.catalog import Catalog
from bot.ui.actions import STOP_ALERTS, AlertArea, SetArea, SetLanguage, ShowAlerts, encode
from bot.ui.conversation import Command, Conversation
from bot.ui.state import UserState
from bot.user_keys import UserKeys
from tests.app_harness import SECRET, Harness, running_bot, sent_texts
from tests.canaries import ID_PREFIX, canary_user
from tests.conftest import SUNDAY_MORNING
from tests.fake_bot_api import callback_update, message_update, my_chat_member_update

PERSON = canary_user("en", number=5)
TODAY = SUNDAY_MORNING.date()


@pytest.fixture
async def bot(sample_catalog: Catalog, tmp_path: Path) -> AsyncIterator[Harness]:
    async with running_bot(sample_catalog, tmp_path / "data", lambda: SUNDAY_MORNING) as harness:
        yield harness


# The three ways someone stops alerts: /forget, the stop button, blocking the bot.
EVERY_WAY_TO_STOP = pytest.mark.parametrize(
    "stop",
    [
        message_update(PERSON, "/forget"),
        callback_update(PERSON, encode(AlertArea(STOP_ALERTS)), 500),
        my_chat_member_update(
            PERSON, {"id": PERSON["id"], "type": "private"}, "kicked", old_status="member"
        ),
    ],
    ids=["forget", "stop button", "blocked"],
)


def region_of(catalog: Catalog) -> str:
    return next(iter(catalog.content.regions))


async def press(bot: Harness, data: str) -> str:
    calls = await bot.send(callback_update(PERSON, data, 500))
    return "\n".join(sent_texts(calls))


def rows(bot: Harness, sql: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(bot.data_dir / "waypoint.sqlite3")) as connection:
        return list(connection.execute(sql))


def database_bytes(bot: Harness) -> bytes:
    return b"".join(
        path.read_bytes() for path in bot.data_dir.iterdir() if path.name.startswith("waypoint")
    )


async def publish(bot: Harness, areas: tuple[str, ...], expires: dt.date, text: str) -> int:
    published = dt.datetime.combine(TODAY, dt.time(9), dt.UTC)
    return await bot.store.alerts.publish(published, expires, areas, {"en": text})


async def test_the_menu_shows_current_alerts_newest_first_without_subscribing(
    bot: Harness, sample_catalog: Catalog
) -> None:
    area = region_of(sample_catalog)
    await publish(bot, (area,), TODAY, "older alert")
    await publish(bot, (area,), TODAY + dt.timedelta(days=3), "newer alert")
    await publish(bot, (area,), TODAY - dt.timedelta(days=1), "expired alert")
    withdrawn = await publish(bot, (area,), TODAY, "withdrawn alert")
    await bot.store.alerts.withdraw(withdrawn)
    await publish(bot, ("elsewhere",), TODAY, "another area's alert")
    await bot.send(message_update(PERSON, "/start"))
    await bot.send(callback_update(PERSON, encode(SetArea(area)), 500))
    text = await press(bot, encode(ShowAlerts()))
    assert text.index("newer alert") < text.index("older alert")
    for absent in ("expired alert", "withdrawn alert", "another area's alert"):
        assert absent not in text
    assert "Alerts are off" in text
    assert rows(bot, "SELECT * FROM alert_subscribers") == []


async def test_none_right_now_says_so_and_says_what_opting_in_keeps(bot: Harness) -> None:
    text = "\n".join(sent_texts(await bot.send(message_update(PERSON, "/alerts"))))
    assert "No safety alerts right now." in text
    assert "this chat's number, locked" in text
    assert "deleted when you stop" in text


async def test_opting_in_keeps_only_the_sealed_chat_areas_and_language(
    bot: Harness, sample_catalog: Catalog
) -> None:
    area = region_of(sample_catalog)
    text = await press(bot, encode(AlertArea(area)))
    assert "Alerts are on for" in text
    [(user_key, chat, areas, locale)] = rows(bot, "SELECT * FROM alert_subscribers")
    assert user_key == UserKeys(SECRET).key_for(PERSON["id"])
    assert areas == area and locale == "en"
    assert isinstance(chat, bytes) and ID_PREFIX.encode() not in chat
    assert ID_PREFIX.encode() not in database_bytes(bot)
    # The same button turns that area off: nothing is left.
    text = await press(bot, encode(AlertArea(area)))
    assert "Alerts are off" in text
    assert rows(bot, "SELECT * FROM alert_subscribers") == []


async def test_an_unknown_area_cannot_be_subscribed(bot: Harness) -> None:
    await press(bot, encode(AlertArea("no-such-area")))
    assert rows(bot, "SELECT * FROM alert_subscribers") == []


@EVERY_WAY_TO_STOP
async def test_stopping_leaves_no_row(
    bot: Harness, sample_catalog: Catalog, stop: dict[str, object]
) -> None:
    area = region_of(sample_catalog)
    await press(bot, encode(AlertArea(area)))
    await publish(bot, (area,), TODAY, "an alert waiting to go out")
    assert len(rows(bot, "SELECT * FROM alert_outbox")) == 1
    await bot.send(stop)
    assert rows(bot, "SELECT * FROM alert_subscribers") == []
    assert rows(bot, "SELECT * FROM alert_outbox") == []


async def test_changing_language_changes_the_language_alerts_arrive_in(
    bot: Harness, sample_catalog: Catalog
) -> None:
    await press(bot, encode(AlertArea(region_of(sample_catalog))))
    await bot.send(callback_update(PERSON, encode(SetLanguage("es")), 500))
    await bot.store.settled()  # written in the background: the answer does not wait for it
    assert rows(bot, "SELECT locale FROM alert_subscribers") == [("es",)]


async def test_changing_language_subscribes_nobody(bot: Harness) -> None:
    await bot.send(callback_update(PERSON, encode(SetLanguage("es")), 500))
    await bot.store.settled()
    assert rows(bot, "SELECT * FROM alert_subscribers") == []


@EVERY_WAY_TO_STOP
async def test_a_language_change_on_its_way_never_brings_a_stopped_subscription_back(
    bot: Harness, sample_catalog: Catalog, stop: dict[str, object]
) -> None:
    await press(bot, encode(AlertArea(region_of(sample_catalog))))
    await bot.send(callback_update(PERSON, encode(SetLanguage("es")), 500))
    await bot.send(stop)  # at once: the new language may not be written yet
    await bot.store.settled()
    assert rows(bot, "SELECT * FROM alert_subscribers") == []
    assert rows(bot, "SELECT * FROM alert_outbox") == []


def test_the_terminal_preview_draws_the_screen_without_a_store(sample_catalog: Catalog) -> None:
    conversation = Conversation(sample_catalog, ("en",))
    reply = conversation.respond(Command("alerts"), UserState("en"), SUNDAY_MORNING)
    assert "No safety alerts right now." in reply.screen.messages[0]


async def test_many_alerts_are_split_between_messages_never_inside_one(
    bot: Harness, sample_catalog: Catalog
) -> None:
    area = region_of(sample_catalog)
    for n in range(12):
        await publish(bot, (area,), TODAY, f"alert {n:02d} " + "word " * 100)
    calls = await bot.send(message_update(PERSON, "/alerts"))
    texts = [call.text for call in calls if call.method == "sendMessage"]
    assert len(texts) >= 3 and all(len(text) <= 4096 for text in texts)
    joined = "\n".join(texts)
    assert all(f"alert {n:02d} " + "word " * 99 in joined for n in range(12))


async def test_a_language_written_after_the_subscription_stopped_brings_nothing_back(
    bot: Harness, sample_catalog: Catalog
) -> None:
    await press(bot, encode(AlertArea(region_of(sample_catalog))))
    key = UserKeys(SECRET).key_for(PERSON["id"])
    bot.store.follow_language(key, "es")  # queued, not yet begun
    assert await bot.store.alerts.unsubscribe(key)  # reaches the database first
    await bot.store.settled()
    assert rows(bot, "SELECT * FROM alert_subscribers") == []
