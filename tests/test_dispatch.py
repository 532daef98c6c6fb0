"""The dispatcher: one person's updates in order (so an answered /forget is never undone),
different people at once, and a flooder slowed without slowing anyone else."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from telegram import Update

from bot.app import build_dispatcher
from bot.dispatch import MAX_WAITING, Dispatcher, FloodGate, Verdict, raw_sender_id
from bot.domain.catalog import Catalog
from bot.ui.actions import SetLanguage, encode
from tests.app_harness import Harness, harness_config, running_bot
from tests.conftest import SUNDAY_MORNING
from tests.fake_bot_api import callback_update, make_user, message_update

DEADLINE = 10.0
update_ids = itertools.count(50_000)


@pytest.fixture
async def bot(sample_catalog: Catalog, tmp_path: Path) -> AsyncIterator[Harness]:
    async with running_bot(sample_catalog, tmp_path / "data", lambda: SUNDAY_MORNING) as harness:
        yield harness


def submit(dispatcher: Dispatcher, bot: Harness, raw: dict[str, Any]) -> int:
    update_id = next(update_ids)
    update = Update.de_json({"update_id": update_id, **raw}, bot.application.bot)
    dispatcher.submit(update_id, update)
    return update_id


async def test_an_answered_forget_is_never_undone_by_a_press_in_flight(bot: Harness) -> None:
    people = [make_user(2000 + n, "Ana", language_code="es") for n in range(40)]
    for person in people:
        await bot.send(message_update(person, "/start l-es__a-oakland"))
    # A press answers its query first, then saves; slow answers let a concurrent /forget
    # finish first, and the press then wrote the row again (10 of 51 people in the audit).
    bot.request.delays["answerCallbackQuery"] = 0.02
    dispatcher = build_dispatcher(bot.application, bot.handlers, harness_config(bot.data_dir))
    for person in people:
        submit(dispatcher, bot, callback_update(person, encode(SetLanguage("en")), 1))
        submit(dispatcher, bot, message_update(person, "/forget"))
    assert await dispatcher.drain(DEADLINE)
    today = SUNDAY_MORNING.date()
    for person in people:
        key = bot.handlers.keys.key_for(person["id"])
        assert await bot.store.preferences(key, today) is None


async def test_one_persons_updates_run_in_order_and_people_run_at_once() -> None:
    log: list[tuple[str, int]] = []
    running = 0
    most = 0

    async def process(update: Any) -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(0.001 * (3 - update[1] % 3))  # later ones are quicker
        log.append(update)
        running -= 1

    dispatcher = Dispatcher(
        process,  # type: ignore[arg-type]
        lambda u: u[0],  # type: ignore[index]
        FloodGate(100, 60),
        process,  # type: ignore[arg-type]
        concurrency=8,
        max_waiting=100,
    )
    for n in range(30):
        for person in ("a", "b", "c"):
            dispatcher.submit(n * 3 + "abc".index(person), (person, n))  # type: ignore[arg-type]
    assert dispatcher.confirmable_offset() == 0
    assert await dispatcher.drain(DEADLINE)
    for person in "abc":
        assert [n for p, n in log if p == person] == list(range(30))
    assert most == 3  # three people at once, never two updates of one person
    assert dispatcher.confirmable_offset() == 90


async def test_a_flooder_gets_one_notice_and_others_are_answered(bot: Harness) -> None:
    flooder = make_user(3001, "Flo")
    other = make_user(3002, "Otto")
    config = harness_config(bot.data_dir)
    dispatcher = build_dispatcher(bot.application, bot.handlers, config)
    for _ in range(config.flood_limit + 200):
        submit(dispatcher, bot, message_update(flooder, "condoms"))
    submit(dispatcher, bot, message_update(other, "condoms"))
    assert await dispatcher.drain(DEADLINE)
    to = [c.params["chat_id"] for c in bot.request.calls if c.method == "sendMessage"]
    assert to.count(other["id"]) == 1
    # A burst faster than the answers: a few wait their turn, the rest are dropped.
    assert 2 <= to.count(flooder["id"]) <= MAX_WAITING + 2
    notices = [c for c in bot.request.calls if "pausing for a minute" in c.text]
    assert len(notices) == 1 and notices[0].params["chat_id"] == flooder["id"]


def test_flood_windows_pass_and_memory_stays_bounded() -> None:
    now = [0.0]
    gate = FloodGate(2, 10.0, clock=lambda: now[0])
    assert [gate.check("a") for _ in range(4)] == [
        Verdict.PASS,
        Verdict.PASS,
        Verdict.NOTICE,
        Verdict.DROP,
    ]
    now[0] = 10.5
    assert gate.check("a") is Verdict.PASS  # the window passed
    for n in range(1000):
        gate.check(f"p{n}")
    now[0] = 30.0
    gate.check("b")
    assert len(gate) == 1  # nobody is kept beyond their window


async def test_a_burst_waits_at_most_a_few_deep(bot: Harness) -> None:
    person = make_user(3003, "Bea")
    dispatcher = build_dispatcher(bot.application, bot.handlers, harness_config(bot.data_dir))
    for _ in range(MAX_WAITING + 10):
        submit(dispatcher, bot, message_update(person, "food"))
    assert dispatcher.in_hand() == MAX_WAITING
    assert await dispatcher.drain(DEADLINE)
    assert dispatcher.confirmable_offset() > 0


@pytest.mark.parametrize(
    ("raw", "sender"),
    [
        ({"update_id": 1, "message": {"from": {"id": 7}}}, 7),
        ({"update_id": 1, "callback_query": {"from": {"id": 8}}}, 8),
        ({"update_id": 1, "message": {"from": {"id": True}}}, None),
        ({"update_id": 1, "message": {"from": {"id": "7"}}}, None),
        ({"update_id": 1, "message": {"from": "7"}}, None),
        ({"update_id": 1, "message": "garbage"}, None),
        ({"update_id": 1, "message": {"from": {"id": 7}}, "edited_message": {}}, None),
        ({"update_id": 1, "poll": {"from": {"id": 7}}}, None),
        ({"update_id": 1}, None),
    ],
)
def test_a_raw_updates_sender_is_read_only_where_it_is_plain(
    raw: dict[str, Any], sender: int | None
) -> None:
    assert raw_sender_id(raw) == sender
