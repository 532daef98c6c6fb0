"""The alert outbox against the fake Bot API: each subscriber gets each alert once, under the
rate limit and through faults; 403 removes the subscriber; withdrawal deletes what was sent; a
restart resumes where the last run stopped."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.handlers.alert_sender import AlertSender
from bot.handlers.newest import NewestIds
from bot.sealed import ChatSeal
from bot.store import Store
from bot.store.alerts import Progress, Subscription
from bot.ui.conversation import Conversation
from bot.ui.screens import View
from bot.ui.state import UserState
from bot.user_keys import UserKeys
from tests.app_harness import SECRET
from tests.canaries import ID_PREFIX, USER_ID
from tests.conftest import SUNDAY_MORNING
from tests.fake_bot_api import FakeBotApi

AREA = "oakland"
TODAY = dt.datetime.now(dt.UTC).date()  # the sender checks expiry against the real clock
DEADLINE = 30.0


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi() as fake:
        yield fake


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    request = HTTPXRequest(connection_pool_size=2)
    async with Bot(api.token, base_url=f"{api.url}/bot", request=request) as bot:
        yield bot


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    store = await Store.open(tmp_path / "data" / "waypoint.sqlite3")
    yield store
    await store.close()


def sender(store: Store, catalog_view: View, rate: float = 500.0) -> AlertSender:
    return AlertSender(
        store, ChatSeal(SECRET), lambda _locale: catalog_view, rate=rate, first_backoff=0.01
    )


@pytest.fixture
def view(sample_catalog: object) -> View:
    conversation = Conversation(sample_catalog, ("en",))  # type: ignore[arg-type]
    return conversation.view(UserState("en", AREA), SUNDAY_MORNING)


async def subscribe(store: Store, chats: list[int], areas: tuple[str, ...] = (AREA,)) -> None:
    seal = ChatSeal(SECRET)
    for chat in chats:
        await store.alerts.subscribe(key_of(chat), Subscription(seal.seal(chat), areas, "en"))


def key_of(chat: int) -> str:
    return UserKeys(SECRET).key_for(chat)


async def publish(store: Store, text: str = "A grey van is following people.") -> int:
    published = dt.datetime.combine(TODAY, dt.time(9), dt.UTC)
    return await store.alerts.publish(
        published, TODAY + dt.timedelta(days=2), (AREA,), {"en": text}
    )


async def drain(sender: AlertSender, bot: Bot, store: Store, alert_id: int) -> None:
    """Run the sender until nothing of the alert is waiting (with a deadline)."""
    give_up = time.monotonic() + DEADLINE
    while (await store.alerts.progress(alert_id)).waiting:
        assert time.monotonic() < give_up, "the outbox did not drain"
        if not await sender.drain_once(bot):
            await asyncio.sleep(0.05)


def deliveries(api: FakeBotApi) -> Counter[int]:
    return Counter(
        int(effect.call.params["chat_id"])
        for effect in api.effects
        if effect.call.method == "sendMessage"
    )


async def test_every_subscriber_gets_the_alert_once(
    api: FakeBotApi, bot: Bot, store: Store, view: View
) -> None:
    chats = list(range(1000, 1040))
    await subscribe(store, chats)
    await subscribe(store, [5000], ("elsewhere",))
    alert_id = await publish(store)
    await drain(sender(store, view), bot, store, alert_id)
    assert deliveries(api) == Counter(chats)
    text = api.sent_messages(1000)[0]["text"]
    assert "A grey van is following people." in text and "/alerts" in text
    assert text.startswith("Waypoint\n")  # what a lock screen shows
    assert await store.alerts.progress(alert_id) == Progress(40, 0, 0)


async def test_an_alert_is_the_newest_message_known_in_its_chat(
    api: FakeBotApi, bot: Bot, store: Store, view: View
) -> None:
    # A reply's lost send is looked for after the newest id known in the chat: an alert sent
    # meanwhile must be known, or a look could take it for the reply (or change its buttons).
    newest = NewestIds()
    await subscribe(store, [1000])
    alert_id = await publish(store)
    alerts = AlertSender(store, ChatSeal(SECRET), lambda _locale: view, rate=500.0, newest=newest)
    await drain(alerts, bot, store, alert_id)
    assert newest.get(key_of(1000)) == api.sent_messages(1000)[-1]["message_id"]


async def test_over_the_rate_limit_it_waits_retry_after_and_loses_nothing(
    api: FakeBotApi, bot: Bot, store: Store, view: View
) -> None:
    api.limit_rate(20)
    chats = list(range(2000, 2030))
    await subscribe(store, chats)
    alert_id = await publish(store)
    await drain(sender(store, view, rate=1000), bot, store, alert_id)
    assert any(fault.kind == "rate_limit" for fault in api.faults)
    assert deliveries(api) == Counter(chats)


async def test_the_configured_rate_keeps_under_the_limit(
    api: FakeBotApi, bot: Bot, store: Store, view: View
) -> None:
    api.limit_rate(30)
    chats = list(range(3000, 3040))
    await subscribe(store, chats)
    alert_id = await publish(store)
    await drain(sender(store, view, rate=25), bot, store, alert_id)
    assert api.faults == []
    assert deliveries(api) == Counter(chats)


async def test_transient_errors_are_retried_without_duplicates(
    api: FakeBotApi, bot: Bot, store: Store, view: View
) -> None:
    api.inject_faults(0.3, ("500", "502"), seed=7, methods=["sendMessage"])
    chats = list(range(4000, 4030))
    await subscribe(store, chats)
    alert_id = await publish(store)
    await drain(sender(store, view), bot, store, alert_id)
    assert api.faults
    assert deliveries(api) == Counter(chats)


async def test_an_answer_lost_after_the_send_repeats_only_that_message(
    api: FakeBotApi, bot: Bot, store: Store, view: View
) -> None:
    # At least once: a send whose answer is lost may have gone out, and is sent again.
    api.inject_faults(0.3, ("not_json", "drop"), seed=3, methods=["sendMessage"])
    chats = list(range(4100, 4130))
    await subscribe(store, chats)
    alert_id = await publish(store)
    await drain(sender(store, view), bot, store, alert_id)
    got = deliveries(api)
    assert set(got) == set(chats)
    took_effect = sum(1 for fault in api.faults if fault.took_effect)
    assert sum(got.values()) - len(chats) <= took_effect


async def test_a_blocked_chat_removes_the_subscriber_and_its_rows(
    api: FakeBotApi, bot: Bot, store: Store, view: View
) -> None:
    await subscribe(store, [6000, 6001])
    api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    alert_id = await publish(store)
    await drain(sender(store, view), bot, store, alert_id)
    assert await store.alerts.subscriber_count() == 1
    assert await store.alerts.subscription(key_of(6000)) is None
    assert deliveries(api) == Counter([6001])


async def test_a_chat_telegram_refuses_is_marked_failed(
    api: FakeBotApi, bot: Bot, store: Store, view: View
) -> None:
    await subscribe(store, [6100])
    api.fail_next("sendMessage", 400, "Bad Request: chat not found")
    alert_id = await publish(store)
    await drain(sender(store, view), bot, store, alert_id)
    progress = await store.alerts.progress(alert_id)
    assert (progress.sent, progress.failed) == (0, 1)


async def test_one_chat_gets_at_most_one_message_a_second(
    api: FakeBotApi, bot: Bot, store: Store, view: View
) -> None:
    await subscribe(store, [7000])
    first, second = await publish(store, "first"), await publish(store, "second")
    alerts_sender = sender(store, view)
    await drain(alerts_sender, bot, store, first)
    await drain(alerts_sender, bot, store, second)
    times = [effect.at for effect in api.effects if effect.call.method == "sendMessage"]
    assert len(times) == 2 and times[1] - times[0] >= 0.95


async def test_withdrawal_deletes_delivered_messages_and_forgets_the_chats(
    api: FakeBotApi, bot: Bot, store: Store, view: View, tmp_path: Path
) -> None:
    await subscribe(store, [USER_ID, 8001])
    alert_id = await publish(store)
    alerts_sender = sender(store, view)
    await drain(alerts_sender, bot, store, alert_id)
    assert len(api.sent_messages()) == 2
    assert await store.alerts.withdraw(alert_id)
    while await store.alerts.due(time.time(), 10):
        await alerts_sender.drain_once(bot)
    assert api.sent_messages() == []
    assert await store.alerts.current(TODAY, AREA) == []
    await store.close()
    stored = b"".join(path.read_bytes() for path in (tmp_path / "data").iterdir())
    assert ID_PREFIX.encode() not in stored


async def test_a_restart_resumes_where_it_stopped(
    api: FakeBotApi, bot: Bot, tmp_path: Path, view: View
) -> None:
    path = tmp_path / "restart" / "waypoint.sqlite3"
    store = await Store.open(path)
    chats = list(range(9000, 9250))
    await subscribe(store, chats)
    alert_id = await publish(store)
    await sender(store, view).drain_once(bot)  # one batch, then "crash"
    await store.close()
    store = await Store.open(path)
    try:
        assert 0 < (await store.alerts.progress(alert_id)).waiting < len(chats)
        await drain(sender(store, view), bot, store, alert_id)
    finally:
        await store.close()
    assert deliveries(api) == Counter(chats)


async def test_delivered_rows_forget_the_chat_after_48_hours(store: Store) -> None:
    await subscribe(store, [9900])
    alert_id = await publish(store)
    [row] = await store.alerts.due(time.time(), 10)
    await store.alerts.mark_sent(row.row, 77, time.time() - 49 * 3600)
    assert await store.alerts.forget_delivered(time.time(), TODAY) == 1
    assert (await store.alerts.progress(alert_id)).sent == 1
    assert await store.alerts.due(time.time(), 10) == []


async def test_an_alert_that_ended_before_its_turn_is_not_sent(
    api: FakeBotApi, bot: Bot, store: Store, view: View
) -> None:
    await subscribe(store, [9950])
    published = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    alert_id = await store.alerts.publish(published, dt.date(2020, 1, 2), (AREA,), {"en": "old"})
    await drain(sender(store, view), bot, store, alert_id)
    assert deliveries(api) == Counter()
    assert await store.alerts.due(time.time(), 10) == []
