"""Our long polling against a fake Bot API on 127.0.0.1: an unreadable update is skipped once,
and on stop only updates that were fully handled are confirmed to Telegram."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from telegram import Bot, Update
from telegram.request import HTTPXRequest

from bot.app import UPDATE_CONNECTIONS, build_application
from bot.dispatch import Dispatcher, FloodGate
from bot.domain.catalog import Catalog
from bot.handlers.handlers import Handlers
from bot.polling import Poller, read_update
from bot.retrying_request import RetryingRequest
from bot.store.sqlite import Store
from bot.ui.conversation import Conversation
from bot.user_keys import UserKeys
from tests.app_harness import LOCALES, SECRET, TOKEN, harness_config
from tests.fake_bot_api import FakeBotApi, make_user, message_update

DEADLINE = 10.0


@pytest.fixture
def api() -> AsyncIterator[FakeBotApi]:
    with FakeBotApi() as fake:
        yield fake  # type: ignore[misc]


async def wait_until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + DEADLINE
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


def polling(
    api: FakeBotApi, process: Callable[[Update], Any], flood_limit: int = 1000
) -> tuple[Poller, Dispatcher]:
    # As in production (bot/app.py): calls go through the retry rules, and polling has a
    # connection of its own, so the last confirming call never waits on an abandoned long poll.
    request = RetryingRequest(HTTPXRequest(connection_pool_size=2))
    for_updates = RetryingRequest(HTTPXRequest(connection_pool_size=UPDATE_CONNECTIONS))
    bot = Bot(
        api.token, base_url=f"{api.url}/bot", request=request, get_updates_request=for_updates
    )
    dispatcher = Dispatcher(
        process,
        lambda u: str(u.effective_user.id) if u.effective_user else None,
        FloodGate(flood_limit, 60),
        process,
        concurrency=4,
        key_of_user=str,
    )
    return Poller(bot, dispatcher, ["message"], poll_timeout=1), dispatcher


async def test_an_unreadable_update_is_skipped_once_and_the_next_is_answered(
    api: FakeBotApi,
) -> None:
    handled: list[int] = []

    async def process(update: Update) -> None:
        handled.append(update.update_id)

    poller, _dispatcher = polling(api, process)
    bad = api.push_update({"message": "not a message"})
    good = api.push_update(message_update(make_user(), "condoms"))
    stop = asyncio.Event()
    task = asyncio.create_task(poller.run(stop, grace=1.0))
    await poller.bot.initialize()
    await wait_until(lambda: good in handled)
    stop.set()
    await task
    assert handled == [good] and bad not in handled
    assert api.pending_updates() == []  # both confirmed: nothing fetched again forever
    assert len(api.calls_to("getUpdates")) < 10


async def test_stopping_with_a_backlog_confirms_only_what_was_handled(api: FakeBotApi) -> None:
    handled: set[int] = set()

    async def process(update: Update) -> None:
        await asyncio.sleep(0.05)
        handled.add(update.update_id)

    poller, dispatcher = polling(api, process)
    pushed = [api.push_update(message_update(make_user(4000 + n), "bed")) for n in range(60)]
    stop = asyncio.Event()
    task = asyncio.create_task(poller.run(stop, grace=0.15))
    await wait_until(lambda: len(handled) >= 4)
    stop.set()
    await task
    left = {u["update_id"] for u in api.pending_updates()}
    confirmed = set(pushed) - left
    assert confirmed <= handled  # nothing confirmed that was not handled
    assert left  # the rest waits for the next start
    assert not handled - set(pushed)
    assert dispatcher.in_hand() == len(set(pushed) - handled)


async def test_a_flooders_updates_past_the_limit_are_dropped_unread(
    api: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    handled: list[int] = []
    read: list[int] = []

    def counting_read(raw: object, bot: Bot) -> tuple[int, Update | None] | None:
        if isinstance(raw, dict):
            read.append(raw["update_id"])
        return read_update(raw, bot)

    async def process(update: Update) -> None:
        handled.append(update.update_id)

    monkeypatch.setattr("bot.polling.read_update", counting_read)
    poller, dispatcher = polling(api, process, flood_limit=3)
    flooder, other = make_user(4500), make_user(4501)
    flood = [api.push_update(message_update(flooder, "condoms")) for _ in range(60)]
    last = api.push_update(message_update(other, "condoms"))
    stop = asyncio.Event()
    task = asyncio.create_task(poller.run(stop, grace=1.0))
    await wait_until(lambda: last in handled and not api.pending_updates())
    stop.set()
    await task
    # The limit (3), the notice, and the other person: nothing past the notice is parsed.
    assert read == [*flood[:4], last]
    assert set(flood[4:]).isdisjoint(handled)
    assert dispatcher.in_hand() == 0


async def test_an_update_finished_during_a_fetch_is_confirmed_without_waiting(
    api: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The update finishes while a getUpdates call is out, and that call brings back only the
    # update (still unconfirmed when it was asked for). Polling must see the progress made
    # during the fetch and confirm at once, not wait IN_HAND_WAIT for progress already made.
    monkeypatch.setattr("bot.polling.IN_HAND_WAIT", 60.0)
    api.delay("getUpdates", 0.2)
    fetches_before: list[int] = []

    async def process(update: Update) -> None:
        fetches_before.append(len(api.calls_to("getUpdates")))
        # Done as soon as the next fetch has gone out (it waits 0.2 s at the fake).
        await wait_until(lambda: len(api.calls_to("getUpdates")) > fetches_before[0])

    poller, dispatcher = polling(api, process)
    update_id = api.push_update(message_update(make_user(4600), "bed"))
    stop = asyncio.Event()
    task = asyncio.create_task(poller.run(stop, grace=1.0))
    await wait_until(lambda: dispatcher.seen(update_id) and dispatcher.in_hand() == 0)
    await wait_until(lambda: update_id not in api.pending_update_ids())
    stop.set()
    await task


@pytest.fixture
async def handlers(tmp_path: Path, sample_catalog: Catalog) -> AsyncIterator[Handlers]:
    """The bot's handlers over a fresh store in `tmp_path`."""
    store = await Store.open(tmp_path / "waypoint.sqlite3")
    try:
        yield Handlers(Conversation(sample_catalog, LOCALES), store, UserKeys(SECRET), "en")
    finally:
        await store.close()


def test_the_application_has_no_rate_limiter_for_its_own_calls_to_skip(
    tmp_path: Path, handlers: Handlers
) -> None:
    # bot/handlers/wire.py posts the bot's sends and edits past python-telegram-bot's rate
    # limiter: right only while there is none (floods are cut by the dispatcher).
    application = build_application(harness_config(tmp_path), handlers)
    assert application.bot.rate_limiter is None


async def test_the_applications_get_updates_follows_the_retry_rules(
    tmp_path: Path, handlers: Handlers
) -> None:
    # getUpdates had python-telegram-bot's default client (no retries, one connection): a
    # 502 or a busy pool made the call confirming the last updates at shutdown fail, and
    # Telegram sent handled updates again after the restart.
    with FakeBotApi(token=TOKEN) as api:
        config = replace(harness_config(tmp_path), api_url=api.url)
        update_id = api.push_update(message_update(make_user(4700), "bed"))
        async with build_application(config, handlers) as application:
            api.fault_next("getUpdates", "502")
            fetched = await application.bot.get_updates(timeout=0)
            assert [u.update_id for u in fetched] == [update_id]
            api.fault_next("getUpdates", "drop")
            await application.bot.get_updates(offset=update_id + 1, timeout=0)
            assert api.pending_updates() == []
