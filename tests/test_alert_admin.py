"""Admins write an alert in Telegram (areas, duration, text per language, preview, publish),
list and withdraw alerts; anyone else gets the ordinary replies and changes nothing."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from pathlib import Path

import pytest

from bot.domain.catalog import Catalog
from bot.sealed import ChatSeal
from bot.store.alerts import Subscription
from bot.ui.actions import AdminPress, encode
from bot.user_keys import UserKeys
from tests.app_harness import SECRET, Harness, running_bot, sent_texts
from tests.canaries import canary_user
from tests.conftest import SUNDAY_MORNING
from tests.fake_bot_api import callback_update, message_update

ADMIN = canary_user("en", number=6)
SOMEONE = canary_user("en", number=7)


class Clock:
    def __init__(self) -> None:
        self.now = SUNDAY_MORNING

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def bot(sample_catalog: Catalog, tmp_path: Path, clock: Clock) -> AsyncIterator[Harness]:
    async with running_bot(
        sample_catalog, tmp_path / "data", clock, frozenset({ADMIN["id"]})
    ) as harness:
        seal = ChatSeal(SECRET)
        area = next(iter(sample_catalog.content.regions))
        for chat in (101, 102, 103):
            await harness.store.alerts.subscribe(
                f"k{chat}", Subscription(seal.seal(chat), (area,), "en")
            )
        yield harness


async def press(
    bot: Harness, name: str, argument: str = "", user: dict[str, object] = ADMIN
) -> str:
    calls = await bot.send(callback_update(user, encode(AdminPress(name, argument)), 900))
    return "\n".join(sent_texts(calls))


async def say(bot: Harness, text: str, user: dict[str, object] = ADMIN) -> str:
    return "\n".join(sent_texts(await bot.send(message_update(user, text))))


def outbox(bot: Harness) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(bot.data_dir / "waypoint.sqlite3")) as connection:
        return list(connection.execute("SELECT alert_id, locale, state FROM alert_outbox"))


async def test_an_admin_writes_previews_and_publishes_an_alert(
    bot: Harness, sample_catalog: Catalog
) -> None:
    area = next(iter(sample_catalog.content.regions))
    assert "Which areas" in await say(bot, "/alert")
    assert "Next" in await press(bot, "alert_area", area)
    assert "How long" in await press(bot, "alert_next")
    assert "Which language" in await press(bot, "alert_days", "3")
    assert "next message" in await press(bot, "alert_lang", "en")
    preview = await say(bot, "Grey van near the park <b>tonight</b>")
    assert "Preview" in preview and "Grey van near the park &lt;b&gt;tonight&lt;/b&gt;" in preview
    assert "Not translated yet" in preview and "Español" in preview
    assert outbox(bot) == []
    assert "3 messages are on their way" in await press(bot, "alert_publish")
    assert outbox(bot) == [(1, "en", "waiting")] * 3
    [alert] = await bot.store.alerts.alerts()
    assert alert.expires == SUNDAY_MORNING.date() + dt.timedelta(days=2)
    assert alert.texts == {"en": "Grey van near the park <b>tonight</b>"}
    # The draft is gone: its buttons say so, and typed text is a search again.
    assert "no longer open" in await press(bot, "alert_publish")
    assert len(await bot.store.alerts.alerts()) == 1
    audited = [entry.action for entry in await bot.store.audit_log()]
    assert "/alert" in audited and "button alert_text" in audited
    assert all("Grey van" not in action for action in audited)


async def test_a_draft_lapses_after_half_an_hour(
    bot: Harness, sample_catalog: Catalog, clock: Clock
) -> None:
    await say(bot, "/alert")
    clock.now += dt.timedelta(minutes=31)
    area = next(iter(sample_catalog.content.regions))
    assert "no longer open" in await press(bot, "alert_area", area)


async def test_cancel_publishes_nothing(bot: Harness) -> None:
    await press(bot, "alert_draft")
    assert "Nothing was published" in await press(bot, "alert_cancel")
    assert await bot.store.alerts.alerts() == []


async def test_forged_arguments_change_nothing(bot: Harness) -> None:
    await say(bot, "/alert")
    assert "Which areas" in await press(bot, "alert_area", "atlantis")
    assert "Which areas" in await press(bot, "alert_next")  # no area yet
    await press(bot, "alert_days", "2")
    assert "no longer open" not in await press(bot, "alert_lang", "xx")
    assert "no longer open" not in await press(bot, "alert_withdraw", "abc")


async def test_an_admin_lists_and_withdraws(bot: Harness, sample_catalog: Catalog) -> None:
    area = next(iter(sample_catalog.content.regions))
    published = dt.datetime.combine(SUNDAY_MORNING.date(), dt.time(9), dt.UTC)
    expires = SUNDAY_MORNING.date() + dt.timedelta(days=1)
    alert_id = await bot.store.alerts.publish(published, expires, (area,), {"en": "Raid"})
    listed = await say(bot, "/alerts_admin")
    assert f"#{alert_id}" in listed and "Raid" in listed
    assert "withdrawn" in await press(bot, "alert_withdraw", str(alert_id))
    assert "already withdrawn" in await press(bot, "alert_withdraw", str(alert_id))
    assert "No current alerts" in await say(bot, "/alerts_admin")
    assert outbox(bot) == []


async def test_someone_else_cannot_write_or_withdraw(bot: Harness, sample_catalog: Catalog) -> None:
    area = next(iter(sample_catalog.content.regions))
    assert "Which areas" not in await say(bot, "/alert", SOMEONE)
    assert "Current alerts" not in await say(bot, "/alerts_admin", SOMEONE)
    for name, argument in (("alert_draft", ""), ("alert_area", area), ("alert_withdraw", "1")):
        assert "out of date" in (await press(bot, name, argument, SOMEONE)).lower()
    await say(bot, "/alert")  # the admin's draft does not make SOMEONE's text a draft
    await press(bot, "alert_area", area)
    await press(bot, "alert_next")
    await press(bot, "alert_days", "1")
    await press(bot, "alert_lang", "en")
    await say(bot, "condoms", SOMEONE)
    assert await bot.store.alerts.alerts() == []
    admin_key = UserKeys(SECRET).key_for(ADMIN["id"])
    assert {entry.admin_key for entry in await bot.store.audit_log()} == {admin_key}
