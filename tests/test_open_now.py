"""The open-now board: need lists ranked from a per-minute snapshot come out in exactly the
order sorting every place at that moment gives (the way lists were drawn before the board),
at any time, in any order of asking, and its memory stays bounded."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import pytest

from bot.domain.catalog import Catalog, build_catalog
from bot.domain.hours import OpeningSchedule, OpenState
from bot.domain.models import Access, Community, InfoSharing, LocalizedText, Resource, YesNo
from bot.domain.open_now import ALL_NEEDS, KEPT_MINUTES
from bot.domain.ranking import hard_barrier, rank_hits, soft_barrier
from bot.domain.search import ResourceHit
from bot.i18n import translator
from bot.ui import screens
from bot.ui.actions import Filter, ShowNeed, ShowOpenNow, ShowResource, ShowSearch
from bot.ui.conversation import Conversation
from bot.ui.render import Screen
from bot.ui.screens import View
from bot.ui.screens.card import _draw_body
from bot.ui.screens.parts import _status_words
from bot.ui.state import UserState

LOCALES = ("en", "es", "th")
EXPRESSIONS = (
    "Mo-Fr 09:00-17:00",
    "Mo-Fr 09:00-17:00; Sa 10:00-14:00",
    "Mo-Su 20:00-06:00",
    "Fr,Sa 22:00-04:00",
    "24/7",
    "Tu,Th 18:00-22:00",
    "Mo-Fr 08:30-12:00,13:00-16:30",
    "Mo-Fr 09:00-17:00; PH off",
    "Sa,Su 11:00-15:00",
    "Jan-Mar Mo-Fr 10:00-14:00; Apr-Dec Mo-Fr 09:00-18:00",
)
# Los Angeles has summer time; Kolkata a half-hour offset; Monrovia was UTC-0:44:30 until
# 1972, so in those years its hours change at half past a UTC minute (inside the minute).
ZONES = {"oakland": "America/Los_Angeles", "kolkata": "Asia/Kolkata", "monrovia": "Africa/Monrovia"}
FAR = dt.datetime.max.replace(tzinfo=dt.UTC)


def old_list_order(
    resource: Resource, now: dt.datetime, locale: str
) -> tuple[int, bool, bool, dt.datetime, bool, str]:
    """How lists ordered places before the board (copied from the screens as they were):
    every place's status worked out at the very moment."""
    if resource.hours is None:
        rank, opens = 2, FAR
    else:
        status = resource.hours.status(now)
        rank = 0 if status.state is OpenState.OPEN else 1
        opens = FAR if rank == 0 or status.next_change is None else status.next_change
    return (
        rank,
        hard_barrier(resource),
        soft_barrier(resource),
        opens,
        not resource.community & {Community.SEX_WORKER_LED, Community.PEER_RUN},
        resource.name.get(locale).casefold(),
    )


def old_need_list(catalog: Catalog, region_id: str, need_id: str, now: dt.datetime, locale: str):
    found = [r for r in catalog.content.resources_in(region_id) if need_id in r.needs]
    return sorted(found, key=lambda r: old_list_order(r, now, locale))


def _access(rng: random.Random) -> Access:
    return Access(
        requires_id=rng.choice(list(YesNo)),
        requires_police_cooperation=rng.choice((YesNo.NO, YesNo.NO, YesNo.YES, YesNo.UNKNOWN)),
        shares_info_with_police=rng.choice(list(InfoSharing)),
    )


def _name(rng: random.Random, index: int) -> LocalizedText:
    # Few distinct names, in different cases: ties on every key, kept in file order.
    base = rng.choice(("Casa", "casa", "Hub", "Clinic", "Línea", "บ้าน", "Zed"))
    return LocalizedText({"en": f"{base} {index % 7}", "es": f"{base.upper()} {index % 5}"}, "en")


def many_places(sample: Catalog, count: int, seed: int) -> Catalog:
    """The sample content with `count` made-up places over three regions in three zones:
    schedules both shared and not (a load shares them; the board must not depend on it)."""
    rng = random.Random(seed)
    content = sample.content
    oakland = content.regions["oakland"]
    regions = {
        region_id: dataclasses.replace(oakland, id=region_id, timezone=zone)
        for region_id, zone in ZONES.items()
    }
    shared = {(e, z): OpeningSchedule(e, z) for e in EXPRESSIONS for z in ZONES.values()}
    template = next(iter(content.resources.values()))
    needs = sorted(content.needs)
    resources = {}
    for index in range(count):
        region_id = rng.choice(sorted(ZONES))
        zone = ZONES[region_id]
        expression = rng.choice(EXPRESSIONS)
        hours = rng.choice((None, shared[(expression, zone)], shared[(expression, zone)])) or (
            OpeningSchedule(expression, zone) if rng.random() < 0.3 else None
        )
        resources[f"p{index}"] = dataclasses.replace(
            template,
            id=f"p{index}",
            region_id=region_id,
            name=_name(rng, index),
            needs=tuple(rng.sample(needs, rng.randint(1, 3))),
            access=_access(rng),
            hours=hours,
            community=frozenset(rng.sample(list(Community), rng.randint(0, 2))),
        )
    bigger = dataclasses.replace(content, regions=regions, resources=resources)
    return build_catalog(bigger)


# Just before hours change: 08:59:30 in Oakland, and 08:59:20 in Monrovia in 1965, whose hours
# change at half past a UTC minute.
EDGES = (
    dt.datetime(2026, 12, 7, 16, 59, 30, tzinfo=dt.UTC),
    dt.datetime(1965, 3, 1, 9, 43, 50, tzinfo=dt.UTC),
)


def around_edges(step: int) -> list[dt.datetime]:
    """Every `step` seconds of the minute after each edge."""
    return [edge + dt.timedelta(seconds=s) for edge in EDGES for s in range(0, 61, step)]


def random_moment(rng: random.Random) -> dt.datetime:
    start = dt.datetime(1965, 1, 1, tzinfo=dt.UTC) if rng.random() < 0.2 else None
    start = start or dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    moment = start + dt.timedelta(seconds=rng.uniform(0, 3 * 365 * 86400))
    return moment.astimezone(rng.choice((dt.UTC, dt.timezone(dt.timedelta(hours=-8)))))


def walk(rng: random.Random, steps: int) -> list[dt.datetime]:
    """Moments as a bot meets them: mostly a few seconds on, sometimes a step back (an update
    that waited), sometimes a long jump (a quiet night), sometimes the same minute again."""
    now = random_moment(rng)
    moments = []
    for _ in range(steps):
        roll = rng.random()
        if roll < 0.6:
            now += dt.timedelta(seconds=rng.uniform(0, 20))
        elif roll < 0.75:
            now -= dt.timedelta(seconds=rng.uniform(0, 90))
        elif roll < 0.9:
            now = random_moment(rng)
        else:
            now = now.replace(second=rng.randint(0, 59), microsecond=rng.randint(0, 999_999))
        moments.append(now)
    return moments


@pytest.fixture(scope="module")
def crowded(sample_catalog: Catalog) -> Catalog:
    return many_places(sample_catalog, 400, seed=14)


@pytest.mark.parametrize("seed", range(4))
def test_need_lists_keep_the_old_order_at_any_time(crowded: Catalog, seed: int) -> None:
    rng = random.Random(seed)
    board = build_catalog(crowded.content).open_now  # a fresh board for every walk
    needs = sorted(crowded.content.needs)
    for now in walk(rng, 60):
        region_id = rng.choice(sorted(ZONES))
        locale = rng.choice(LOCALES)
        for need_id in rng.sample(needs, 3):
            new = board.ranked(region_id, need_id, locale, now)
            assert list(new) == old_need_list(crowded, region_id, need_id, now, locale), (
                now,
                region_id,
                need_id,
                locale,
            )


def test_every_list_and_status_matches_in_the_minutes_hours_change(crowded: Catalog) -> None:
    """Each second around changes on the hour and at half past a UTC minute (Monrovia in
    1965), asked in order and out of order, against the same board."""
    board = crowded.open_now
    needs = (ALL_NEEDS, *sorted(crowded.content.needs))
    moments = around_edges(5)
    for now in moments + moments[::-1]:
        for region_id in ZONES:
            everyone = crowded.content.resources_in(region_id)
            for resource in everyone:
                expected = resource.hours.status(now) if resource.hours else None
                assert board.status(resource, now) == expected
            for need_id in needs:
                new = board.ranked(region_id, need_id, "en", now)
                if need_id == ALL_NEEDS:
                    old = sorted(everyone, key=lambda r: old_list_order(r, now, "en"))
                else:
                    old = old_need_list(crowded, region_id, need_id, now, "en")
                assert list(new) == old, (now, region_id, need_id)


def test_the_board_keeps_two_minutes_and_a_bounded_number_of_lists(crowded: Catalog) -> None:
    board = build_catalog(crowded.content).open_now
    rng = random.Random(7)
    needs = (ALL_NEEDS, *crowded.content.needs)
    for now in walk(rng, 300):
        for region_id in ZONES:
            board.ranked(region_id, rng.choice(needs), rng.choice(LOCALES), now)
        assert len(board.kept_minutes()) <= KEPT_MINUTES
    most = len(ZONES) * len(needs) * len(LOCALES) * (1 + KEPT_MINUTES)
    assert board.kept_lists() <= most
    # Nothing is kept for a region or need the catalogue does not have.
    before = board.kept_lists()
    later = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    assert board.ranked("atlantis", ALL_NEEDS, "en", later) == ()
    assert board.ranked("oakland", "no-such-need", "en", later) == ()
    assert board.kept_lists() <= before


def view_of(catalog: Catalog, now: dt.datetime, locale: str, region_id: str) -> View:
    return View(catalog, UserState(locale, region_id), translator(locale), now, LOCALES)


def picked(screen: Screen) -> list[str]:
    """The resources a list screen offers, in its order."""
    return [
        b.action.resource_id
        for row in screen.buttons
        for b in row
        if isinstance(b.action, ShowResource)
    ]


def test_need_list_and_open_now_screens_list_in_the_old_order(crowded: Catalog) -> None:
    rng = random.Random(3)
    needs = sorted(crowded.content.needs)
    for now in walk(rng, 25):
        region_id, locale, need_id = "kolkata", rng.choice(LOCALES), rng.choice(needs)
        view = view_of(crowded, now, locale, region_id)
        for filters in (Filter.NONE, Filter.OPEN_NOW, Filter.NO_ID | Filter.COMMUNITY_LED):
            old = [
                r.id
                for r in old_need_list(crowded, region_id, need_id, now, locale)
                if screens.passes(view, r, filters)
            ]
            shown = []
            for page in range(min(3, -(-len(old) // 5))):
                shown += picked(screens.need_list(view, ShowNeed(need_id, filters, page)))
            assert shown == old[:15]
        everyone = crowded.content.resources_in(region_id)
        old_open = sorted(
            (r for r in everyone if r.hours and r.hours.status(now).state is OpenState.OPEN),
            key=lambda r: old_list_order(r, now, locale),
        )
        old_open.sort(key=hard_barrier)
        shown = picked(screens.open_now_list(view, ShowOpenNow()))
        assert shown == [r.id for r in old_open[:5]]


def test_a_load_shares_one_schedule_per_expression_and_zone(sample_catalog: Catalog) -> None:
    schedules = [r.hours for r in sample_catalog.content.resources.values() if r.hours]
    by_text = {(s.expression, s.zone.key) for s in schedules}
    assert len({id(s) for s in schedules}) == len(by_text) < len(schedules)


def test_search_answers_rank_the_same_with_the_board(crowded: Catalog) -> None:
    """Search ranks open places first using the board's statuses: the same order as working
    each place out at the moment."""
    board = build_catalog(crowded.content).open_now
    rng = random.Random(11)
    places = list(crowded.content.resources.values())
    for now in walk(rng, 40):
        hits = [ResourceHit(r, rng.choice((1.0, 0.4, 2.0))) for r in rng.sample(places, 60)]
        situation = rng.random() < 0.5
        old = rank_hits(hits, now, "en", situation=situation)
        assert rank_hits(hits, now, "en", situation=situation, open_at=board.is_open) == old


@pytest.mark.parametrize("seed", range(3))
def test_card_bodies_kept_for_the_minute_read_as_drawn_at_the_moment(
    crowded: Catalog, seed: int
) -> None:
    """A card's body kept for its minute (drawn first at another second of that minute) is
    the body drawn afresh at the moment shown, in every zone, the 1965 minutes in which
    Monrovia's hours change included; the buttons still follow where the card was opened."""
    rng = random.Random(seed)
    conversation = Conversation(crowded, LOCALES)
    moments = around_edges(15)
    places = sorted(crowded.content.resources)
    for now in moments + walk(rng, 40):
        locale, region_id = rng.choice(LOCALES), rng.choice(sorted(ZONES))
        state = UserState(locale, region_id)
        earlier = now.replace(second=rng.randint(0, 59), microsecond=rng.randint(0, 999_999))
        for resource_id in rng.sample(places, 8):
            back = rng.choice((None, ShowNeed("food"), ShowSearch("soup near me")))
            action = ShowResource(resource_id, back)
            screens.resource_card(conversation.view(state, earlier), action)
            kept = screens.resource_card(conversation.view(state, now), action)
            fresh_view = view_of(crowded, now, locale, region_id)
            resource = crowded.content.resources[resource_id]
            assert kept.messages == _draw_body(fresh_view, resource, now), (now, resource_id)
            assert kept.buttons == screens.resource_card(fresh_view, action).buttons


@pytest.mark.parametrize("seed", range(3))
def test_open_status_kept_for_the_minute_reads_as_worked_out_at_the_moment(
    crowded: Catalog, seed: int
) -> None:
    """Open status in words is kept per schedule, language and minute: asked first for another
    place with the same schedule at another second of that minute, it still reads as worked
    out at the moment shown, in every zone, the 1965 minutes in which Monrovia's hours change
    included."""
    rng = random.Random(seed)
    conversation = Conversation(crowded, LOCALES)
    moments = around_edges(5)
    places = [r for r in crowded.content.resources.values() if r.hours is not None]
    for now in moments + walk(rng, 60):
        locale, region_id = rng.choice(LOCALES), rng.choice(sorted(ZONES))
        state = UserState(locale, region_id)
        earlier = now.replace(second=rng.randint(0, 59), microsecond=rng.randint(0, 999_999))
        for resource in rng.sample(places, 8):
            sharing = [r for r in places if r.hours is resource.hours]
            screens.open_status(conversation.view(state, earlier), rng.choice(sharing))
            kept = screens.open_status(conversation.view(state, now), resource)
            fresh = _status_words(view_of(crowded, now, locale, region_id), resource, now)
            assert kept == fresh, (now, resource.id)


def test_locales_that_order_places_alike_share_their_lists(crowded: Catalog) -> None:
    """Names are written in one language for most places: a locale ordering a region's places
    as another does holds that one's lists, and each list still reads as the old order."""
    board = build_catalog(crowded.content).open_now
    region_id = sorted(ZONES)[0]
    needs = (ALL_NEEDS, *sorted(crowded.content.needs))
    now = around_edges(1)[0]
    for locale in LOCALES:
        for need_id in needs:
            new = board.ranked(region_id, need_id, locale, now)
            if need_id != ALL_NEEDS:
                assert list(new) == old_need_list(crowded, region_id, need_id, now, locale)
    orders = {locale: board._lasting[(region_id, locale)][ALL_NEEDS] for locale in LOCALES}
    distinct = {id(lasting) for lasting in orders.values()}
    alike = {tuple(map(id, lasting.resources)) for lasting in orders.values()}
    assert len(distinct) == len(alike) < len(LOCALES)
