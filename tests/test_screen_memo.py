"""Screens drawn once a minute and shared: the same screen a fresh drawing gives, redrawn when
the minute or the content changes, bounded, and never holding a person's typed words."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from functools import partial

from bot.domain.bad_dates import BadDateDraft
from bot.domain.catalog import Catalog
from bot.domain.models import GeoPoint
from bot.ui.actions import (
    Action,
    ChooseArea,
    Filter,
    ReportWrong,
    ShowMenu,
    ShowNeed,
    ShowNeeds,
    ShowOpenNow,
    ShowPrivacy,
    ShowResource,
    ShowSearch,
    ShowUrgent,
    carries_words,
    encode,
    search_key,
)
from bot.ui.conversation import Command, Conversation, Press, SharedLocation, Typed
from bot.ui.memo import Memo
from bot.ui.state import UserState

from . import canaries
from .conftest import SUNDAY_MORNING


def _conversation(catalog: Catalog) -> Conversation:
    return Conversation(catalog, ("en", "es"))


def _actions(catalog: Catalog) -> list[Action]:
    content = catalog.content
    need_id = next(iter(content.needs))
    resource_id = next(iter(content.resources))
    return [
        ShowMenu(),
        ShowNeeds(),
        ChooseArea(),
        ShowPrivacy(),
        ShowUrgent(),
        ShowNeed(need_id),
        ShowNeed(need_id, Filter.NONE, 1),
        ShowOpenNow(),
        ShowResource(resource_id),
        ShowResource(resource_id, ShowNeed(need_id)),
    ]


def test_a_kept_screen_is_the_one_a_fresh_drawing_gives(sample_catalog: Catalog) -> None:
    shared = _conversation(sample_catalog)
    region_id = next(iter(sample_catalog.content.regions))
    for locale in ("en", "es"):
        state = UserState(locale=locale, region_id=region_id)
        for action in _actions(sample_catalog):
            press = Press(encode(action))
            first = shared.respond(press, state, SUNDAY_MORNING)
            # Someone else in the same state, later in the same minute.
            later = SUNDAY_MORNING + dt.timedelta(seconds=40)
            again = shared.respond(press, state, later)
            fresh = _conversation(sample_catalog).respond(press, state, later)
            assert again.screen is first.screen
            assert again.screen == fresh.screen
            assert again.state == fresh.state


def test_each_minute_is_drawn_for_its_own_time(sample_catalog: Catalog) -> None:
    """Over a day, the shared screens follow the clock exactly as fresh drawings do."""
    shared = _conversation(sample_catalog)
    region_id = next(iter(sample_catalog.content.regions))
    state = UserState(locale="en", region_id=region_id)
    press = Press(encode(ShowOpenNow()))
    seen = set()
    start = SUNDAY_MORNING.replace(hour=0)
    for step in range(0, 24 * 60, 17):
        now = start + dt.timedelta(minutes=step, seconds=step % 60)
        screen = shared.respond(press, state, now).screen
        assert screen == _conversation(sample_catalog).respond(press, state, now).screen
        seen.add(screen)
    assert len(seen) > 1, "the open-now list never changed over a day: the test shows nothing"


def test_nothing_typed_is_kept(sample_catalog: Catalog) -> None:
    conversation = _conversation(sample_catalog)
    region_id = next(iter(sample_catalog.content.regions))
    state = UserState(locale="en", region_id=region_id)
    typed = f"food {canaries.TEXT_WORD}"
    conversation.respond(Typed(typed), state, SUNDAY_MORNING)
    search = ShowSearch(search_key(typed))
    resource_id = next(iter(sample_catalog.content.resources))
    for action in (search, ShowResource(resource_id, search), replace(search, page=1)):
        conversation.respond(Press(encode(action)), state, SUNDAY_MORNING)
    conversation.respond(Press(encode(ShowMenu())), state, SUNDAY_MORNING)
    kept = repr(list(conversation._drawn._drawn.items()))
    assert len(conversation._drawn) >= 1, "the menu is kept: the test shows nothing"
    assert canaries.TEXT_WORD not in kept


def test_carries_words_finds_a_search_anywhere_in_an_action() -> None:
    search = ShowSearch("food")
    assert carries_words(search)
    assert carries_words(ShowResource("r1", search))
    assert not carries_words(ShowResource("r1", ShowNeed("food")))
    assert not carries_words(ShowMenu())
    assert carries_words(ReportWrong(ShowResource("r1", search)))
    assert not carries_words(ReportWrong(ShowResource("r1", ShowNeed("food"))))


def test_an_open_bad_date_report_is_never_kept(sample_catalog: Catalog) -> None:
    conversation = _conversation(sample_catalog)
    region_id = next(iter(sample_catalog.content.regions))
    draft = BadDateDraft(region_id=region_id, description=canaries.TEXT_WORD)
    state = UserState(locale="en", region_id=region_id, bad_date=draft)
    for action in _actions(sample_catalog):
        conversation.respond(Press(encode(action)), state, SUNDAY_MORNING)
    conversation.respond(Command("help"), state, SUNDAY_MORNING)
    kept = list(conversation._drawn._drawn)
    # Whoever draws a screen for a state holding a report, the draft is not kept.
    conversation.drawn(ShowMenu(), state, SUNDAY_MORNING + dt.timedelta(minutes=1))
    kept.extend(conversation._drawn._drawn)
    assert kept, "nothing was drawn: the test shows nothing"
    assert all(state.bad_date is None for _action, state, _minute in kept)


def test_new_content_starts_with_nothing_kept(sample_catalog: Catalog) -> None:
    conversation = _conversation(sample_catalog)
    state = UserState(locale="en")
    conversation.respond(Command("help"), state, SUNDAY_MORNING)
    assert len(conversation._drawn) == 1
    reloaded = replace(conversation, catalog=sample_catalog)
    assert len(reloaded._drawn) == 0
    assert len(conversation._drawn) == 1


def test_the_memo_is_bounded_and_keeps_what_was_used_last() -> None:
    memo: Memo[str] = Memo(size=3)
    drawn: list[int] = []

    def draw(key: int) -> str:
        drawn.append(key)
        return f"screen {key}"

    for key in range(10):
        memo.get(key, partial(draw, key))
    assert len(memo) == 3
    memo.get(7, lambda: draw(7))
    memo.get(10, lambda: draw(10))
    assert drawn == [*range(10), 10]
    memo.get(7, lambda: draw(7))
    assert drawn[-1] == 10, "the screen used last was pushed out"
    memo.get(8, lambda: draw(8))
    assert drawn[-1] == 8, "the screen unused longest was kept"


def test_list_entries_are_shared_and_drawn_as_fresh_ones(sample_catalog: Catalog) -> None:
    shared = _conversation(sample_catalog)
    region_id = next(iter(sample_catalog.content.regions))
    for locale in ("en", "es"):
        state = UserState(locale=locale, region_id=region_id)
        for seconds, typed in enumerate(("food", "shower", "legal help", "condoms", "food")):
            now = SUNDAY_MORNING + dt.timedelta(seconds=seconds * 7)
            screen = shared.respond(Typed(typed), state, now).screen
            assert screen == _conversation(sample_catalog).respond(Typed(typed), state, now).screen
    assert len(shared._lines) > 0, "no entry was kept: the test shows nothing"


def test_no_entry_is_kept_for_where_someone_is(sample_catalog: Catalog) -> None:
    conversation = _conversation(sample_catalog)
    region_id = next(iter(sample_catalog.content.regions))
    state = UserState(locale="en", region_id=region_id)
    point = GeoPoint(canaries.LATITUDE, canaries.LONGITUDE)
    reply = conversation.respond(SharedLocation(point), state, SUNDAY_MORNING)
    names = {r.name.get("en") for r in sample_catalog.content.resources.values()}
    shown = "\n".join(reply.screen.messages)
    assert any(name in shown for name in names), "no place listed: the test shows nothing"
    assert len(conversation._lines) == 0
    conversation.respond(Typed("food"), state, SUNDAY_MORNING)
    for key in conversation._lines._drawn:
        assert [type(part) for part in key] == [str, str, dt.datetime]


def test_a_new_minute_forgets_what_was_drawn_for_earlier_ones(sample_catalog: Catalog) -> None:
    """Nothing drawn for an earlier minute is asked for again: keeping it only held memory."""
    conversation = _conversation(sample_catalog)
    region_id = next(iter(sample_catalog.content.regions))
    state = UserState(locale="en", region_id=region_id)
    memos = (conversation._drawn, conversation._lines, conversation._statuses)
    for seconds in (0, 30, 59):
        now = SUNDAY_MORNING + dt.timedelta(seconds=seconds)
        for action in _actions(sample_catalog):
            conversation.respond(Press(encode(action)), state, now)
    assert all(len(memo) > 0 for memo in memos), "nothing was kept: the test shows nothing"
    later = SUNDAY_MORNING + dt.timedelta(minutes=1)
    conversation.respond(Press(encode(ShowMenu())), state, later)
    minutes = {key[-1] for memo in memos for key in memo._drawn}
    assert minutes == {later}
