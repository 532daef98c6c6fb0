"""On the person's phone: /clear, disappearing messages that survive a restart, protection
from forwarding; and the privacy screen with its controls."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.domain.catalog import Catalog
from bot.handlers.disappearing import BATCH, CLEAR_BACK
from bot.sealed import ChatSeal
from bot.store import Store
from bot.ui.actions import (
    ChooseDisappearing,
    ClearChat,
    SetDisappearing,
    SetProtect,
    ShowPrivacy,
    decode,
    encode,
)
from bot.ui.conversation import Command, Conversation, Press
from bot.ui.state import UserState
from tests.app_harness import Harness, running_bot
from tests.canaries import USER_ID, canary_user
from tests.conftest import SUNDAY_MORNING
from tests.fake_bot_api import callback_update, message_update
from tests.recording_request import ApiCall

PERSON = canary_user("en", number=3)


@pytest.fixture
async def bot(sample_catalog: Catalog, tmp_path: Path) -> AsyncIterator[Harness]:
    async with running_bot(sample_catalog, tmp_path / "data", lambda: SUNDAY_MORNING) as harness:
        yield harness


async def tap(bot: Harness, action: Any) -> list[ApiCall]:
    message = {"message_id": 900, "date": 0, "chat": {"id": PERSON["id"], "type": "private"}}
    return await bot.send(callback_update(PERSON, encode(action), 900, message=message))


def deleted_ids(calls: list[ApiCall]) -> list[int]:
    found: list[int] = []
    for call in calls:
        if call.method == "deleteMessages":
            ids = call.params["message_ids"]
            assert len(ids) <= BATCH
            found.extend(int(i) for i in ids)
    return found


def test_privacy_controls_are_buttons_and_choices_are_checked(sample_catalog: Catalog) -> None:
    conversation = Conversation(sample_catalog, ("en", "es"), retention_days=30)
    state = UserState("en", "oakland")
    privacy = conversation.respond(Command("privacy"), state, SUNDAY_MORNING).screen
    actions = [b.action for row in privacy.buttons for b in row]
    assert ClearChat() in actions and ChooseDisappearing() in actions
    assert SetProtect(True) in actions
    assert "30 days" in privacy.messages[0]
    assert decode("1:d:5") is None and decode("1:d:600") == SetDisappearing(600)
    assert decode("1:f:2") is None
    reply = conversation.respond(Press(encode(SetDisappearing(60))), state, SUNDAY_MORNING)
    assert reply.state.disappear_after == 60
    assert "1 minute" in str(reply.screen.buttons)
    cleared = conversation.respond(Command("clear"), state, SUNDAY_MORNING)
    assert cleared.clear and cleared.screen.messages == ("Done.",)


async def test_clear_deletes_both_sides_in_batches_and_the_notice_goes_too(
    bot: Harness,
) -> None:
    await bot.send(message_update(PERSON, "/start l-en__a-oakland"))
    clear = message_update(PERSON, "/clear")
    calls = await bot.send(clear)
    ids = deleted_ids(calls)
    methods = [c.method for c in calls]
    assert methods[-1] == "sendMessage" and calls[-1].text == "Waypoint\nDone."
    assert methods.index("deleteMessages") < methods.index("sendMessage")
    newest = clear["message"]["message_id"]
    assert len(ids) == len(set(ids)) and newest in ids and max(ids) > newest
    assert min(ids) == max(newest - CLEAR_BACK + 1, 1)
    # The confirmation removes itself a few seconds later.
    notice_id = 1000 + sum(1 for c in bot.request.calls if c.method == "sendMessage") - 1
    deleter = bot.handlers.deleter
    deleter.clock = lambda: time.time() + 10
    mark = len(bot.request.calls)
    assert await deleter.run_due(bot.application.bot) == 1
    assert deleted_ids(bot.request.since(mark)) == [notice_id]


async def test_disappearing_messages_go_after_their_time_even_after_a_restart(
    bot: Harness, tmp_path: Path
) -> None:
    await bot.send(message_update(PERSON, "/start l-en__a-oakland"))
    await tap(bot, SetDisappearing(60))
    typed = message_update(PERSON, "condoms")
    calls = await bot.send(typed)
    sent = [c for c in calls if c.method == "sendMessage"]
    assert sent and not deleted_ids(calls)
    deleter = bot.handlers.deleter
    waiting = {d.message_id for d in await bot.store.due_deletions(int(time.time()) + 100)}
    assert await deleter.run_due(bot.application.bot) == 0  # not yet
    # A restart: the schedule is in the database, the key is not.
    await bot.store.close()
    store = await Store.open(bot.data_dir / "waypoint.sqlite3")
    try:
        deleter.store = store
        deleter.clock = lambda: time.time() + 61
        mark = len(bot.request.calls)
        done = await deleter.run_due(bot.application.bot)
        assert done == len(waiting)
        # The person's message and the bot's answer (and the privacy screen sent before).
        assert set(deleted_ids(bot.request.since(mark))) == waiting
        assert typed["message"]["message_id"] in waiting
        assert await deleter.run_due(bot.application.bot) == 0
    finally:
        await store.close()
    raw = (bot.data_dir / "waypoint.sqlite3").read_bytes()
    assert str(PERSON["id"]).encode() not in raw  # the chat id is sealed, never in clear


async def test_protection_from_forwarding_is_a_choice(bot: Harness) -> None:
    await bot.send(message_update(PERSON, "/start l-en__a-oakland"))
    before = await bot.send(message_update(PERSON, "food"))
    assert all(not c.params.get("protect_content") for c in before if c.method == "sendMessage")
    await tap(bot, SetProtect(True))
    after = await bot.send(message_update(PERSON, "food"))
    assert all(c.params.get("protect_content") for c in after if c.method == "sendMessage")
    await tap(bot, ShowPrivacy())


def test_deployment_default_protects_until_a_person_chooses(sample_catalog: Catalog) -> None:
    conversation = Conversation(sample_catalog, ("en",), protect_default=True)
    view = conversation.view(UserState("en"), SUNDAY_MORNING)
    assert view.protected
    assert not conversation.view(UserState("en", protect=False), SUNDAY_MORNING).protected


def test_a_sealed_chat_id_opens_only_with_its_secret() -> None:
    seal = ChatSeal(b"x" * 32 + b"first")
    sealed = seal.seal(USER_ID)
    assert str(USER_ID).encode() not in sealed and sealed != seal.seal(USER_ID)
    assert seal.open(sealed) == USER_ID
    assert ChatSeal(b"y" * 32 + b"other").open(sealed) is None
    assert seal.open(sealed[:-1] + bytes([sealed[-1] ^ 1])) is None


async def test_the_deletion_loop_carries_out_overdue_deletions_at_start(bot: Harness) -> None:
    deleter = bot.handlers.deleter
    await deleter.later(PERSON["id"], [41, 42], after=-100)  # overdue, as after a restart
    stop = asyncio.Event()
    task = asyncio.create_task(deleter.run(bot.application.bot, stop))
    deadline = time.monotonic() + 10
    while not deleted_ids(bot.request.calls):
        assert time.monotonic() < deadline
        await asyncio.sleep(0.01)
    stop.set()
    await task
    assert deleted_ids(bot.request.calls) == [41, 42]
    assert await bot.store.due_deletions(int(time.time()) + 10**6) == []
