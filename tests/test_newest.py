"""The newest message id known per person's chat: in memory only, bounded, raised only by what
proves a message is there, and dropped at /forget."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.catalog import Catalog
from bot.handlers.newest import ChatPlace, NewestIds
from tests.app_harness import Harness, running_bot
from tests.conftest import SUNDAY_MORNING
from tests.fake_bot_api import callback_update, make_user, message_update


@pytest.fixture
async def bot(sample_catalog: Catalog, tmp_path: Path) -> AsyncIterator[Harness]:
    async with running_bot(sample_catalog, tmp_path / "data", lambda: SUNDAY_MORNING) as harness:
        yield harness


@given(st.lists(st.tuples(st.sampled_from("abcdef"), st.integers(1, 10_000)), max_size=60))
def test_the_newest_id_only_grows_and_memory_stays_bounded(
    seen: list[tuple[str, int]],
) -> None:
    ids = NewestIds(size=4)
    kept: dict[str, int] = {}  # the model: the 4 people seen last, each with their highest id
    for key, message_id in seen:
        ids.saw(key, message_id)
        kept[key] = max(kept.pop(key, 0), message_id)
        if len(kept) > 4:
            del kept[next(iter(kept))]
        assert {k: ids.get(k) for k in "abcdef"} == {k: kept.get(k, 0) for k in "abcdef"}


def test_a_pressed_message_alone_says_nothing_and_a_lost_track_is_forgotten() -> None:
    ids = NewestIds()
    ids.saw_if_known("a", 7)
    assert ids.get("a") == 0  # a pressed message may be old: newer ones may follow it
    ids.saw("a", 3)
    ids.saw_if_known("a", 7)
    place = ChatPlace(ids, "a")
    assert place.newest() == 7
    place.sent(9)
    assert place.newest() == 9
    place.lost_track()  # a send of ours may be past 9 now
    assert place.newest() == 0 and len(ids) == 0


async def test_typed_and_sent_ids_are_known_and_forget_drops_them(bot: Harness) -> None:
    person = make_user(6100)
    key = bot.handlers.keys.key_for(person["id"])
    typed = message_update(person, "/start")
    await bot.send(typed)
    known = bot.handlers.newest.get(key)
    assert known >= typed["message"]["message_id"]
    await bot.send(callback_update(person, "v0:none", 1))
    assert bot.handlers.newest.get(key) == known  # an old pressed id does not lower it
    await bot.send(message_update(person, "/forget"))
    assert bot.handlers.newest.get(key) == 0
