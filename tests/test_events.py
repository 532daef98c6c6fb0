"""Reading real telegram.Message objects as conversation events, strictly."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from telegram import Chat, Location, Message, MessageEntity

from bot.domain.models import GeoPoint
from bot.handlers.events import MAX_COMMAND_LENGTH, message_event, parse_command
from bot.ui.conversation import Command, SharedLocation, Typed

BASE: dict[str, Any] = {
    "message_id": 17,
    "date": 1795000000,
    "chat": {"id": 7318459261, "type": "private"},
}


def message(**fields: Any) -> Message:
    return Message.de_json({**BASE, **fields}, None)


def command_message(text: str, length: int | None = None, offset: int = 0) -> Message:
    """A text message with one bot_command entity, as Telegram marks it."""
    if length is None:
        length = len(text.split(" ", 1)[0])
    entity = {"type": "bot_command", "offset": offset, "length": length}
    return message(text=text, entities=[entity])


def test_start():
    msg = command_message("/start")
    assert parse_command(msg) == Command("start")
    assert message_event(msg) == Command("start", "")


def test_start_with_bot_name_and_payload():
    msg = command_message("/start@waypoint_test_bot l-es")
    assert msg.entities[0].length == len("/start@waypoint_test_bot")
    assert message_event(msg) == Command("start", "l-es")


def test_start_with_payload_and_surrounding_spaces():
    assert message_event(command_message("/start   l-es__n-food  ")) == Command(
        "start", "l-es__n-food"
    )


def test_command_name_is_lower_cased():
    assert message_event(command_message("/MENU")) == Command("menu")
    assert message_event(command_message("/Help@Waypoint_Test_Bot")) == Command("help")


def test_slash_alone_is_a_search():
    # Telegram marks no bot_command entity for a lone slash.
    msg = message(text="/")
    assert parse_command(msg) is None
    assert message_event(msg) == Typed("/")


def test_empty_command_entity_is_an_empty_command():
    # A modified client could mark "/" or "/@bot" as a command: it becomes an unknown command.
    assert message_event(command_message("/", length=1)) == Command("")
    assert message_event(command_message("/@waypoint_test_bot x")) == Command("")


def test_overlong_command_is_an_empty_command():
    name = "a" * (MAX_COMMAND_LENGTH + 1)
    assert message_event(command_message(f"/{name} x")) == Command("")
    assert message_event(command_message(f"/{name[:-1]}")) == Command(name[:-1])


def test_command_not_at_the_start_is_a_search():
    text = "where is /menu"
    msg = command_message(text, length=5, offset=9)
    assert parse_command(msg) is None
    assert message_event(msg) == Typed(text)


def test_other_entity_at_the_start_is_a_search():
    text = "https://example.org /start"
    msg = message(
        text=text,
        entities=[
            {"type": "url", "offset": 0, "length": 19},
            {"type": "bot_command", "offset": 20, "length": 6},
        ],
    )
    assert message_event(msg) == Typed(text)


def test_plain_text_is_a_search():
    assert message_event(message(text="food near me")) == Typed("food near me")
    assert message_event(message(text="")) == Typed("")


def test_built_with_the_constructor():
    msg = Message(
        message_id=1,
        date=dt.datetime(2026, 11, 22, tzinfo=dt.UTC),
        chat=Chat(id=7318459261, type=Chat.PRIVATE),
        text="/privacy",
        entities=(MessageEntity(MessageEntity.BOT_COMMAND, 0, 8),),
    )
    assert message_event(msg) == Command("privacy")


def test_location():
    msg = message(location={"latitude": 37.80519, "longitude": -122.27311})
    assert message_event(msg) == SharedLocation(GeoPoint(37.80519, -122.27311))


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [(90.0, 180.0), (-90.0, -180.0), (0.0, 0.0)],
)
def test_location_at_the_edges(latitude: float, longitude: float):
    msg = message(location={"latitude": latitude, "longitude": longitude})
    assert message_event(msg) == SharedLocation(GeoPoint(latitude, longitude))


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [
        (91.0, 0.0),
        (-90.5, 0.0),
        (0.0, 180.1),
        (0.0, -181.0),
        (1e9, 1e9),
        (float("nan"), 0.0),
        (0.0, float("nan")),
        (float("inf"), 0.0),
    ],
)
def test_location_out_of_range_is_ignored(latitude: float, longitude: float):
    msg = Message(
        message_id=1,
        date=dt.datetime(2026, 11, 22, tzinfo=dt.UTC),
        chat=Chat(id=7318459261, type=Chat.PRIVATE),
        location=Location(longitude=longitude, latitude=latitude),
    )
    assert message_event(msg) is None
    assert message_event(message(location={"latitude": latitude, "longitude": longitude})) is None


def test_sticker_is_ignored():
    sticker = {
        "file_id": "CAACAgIAAxkBAAI",
        "file_unique_id": "AgADAQADzQ",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }
    assert message_event(message(sticker=sticker)) is None


def test_photo_with_command_caption_is_ignored():
    photo = [{"file_id": "AgACAgIAAxk", "file_unique_id": "AQADx", "width": 90, "height": 90}]
    msg = message(
        photo=photo,
        caption="/start l-es",
        caption_entities=[{"type": "bot_command", "offset": 0, "length": 6}],
    )
    assert parse_command(msg) is None
    assert message_event(msg) is None


def test_contact_is_ignored():
    contact = {"phone_number": "+15555550123", "first_name": "Zebulonia"}
    assert message_event(message(contact=contact)) is None


def test_a_command_entity_after_another_entity_at_the_start_still_counts():
    entities = [
        {"type": "bold", "offset": 0, "length": 6},
        {"type": "bot_command", "offset": 0, "length": 6},
    ]
    command = parse_command(message(text="/start", entities=entities))
    assert command == Command("start", "")
