"""Urgent help one tap away everywhere, built for the moment; answers ranked by what helps now;
warnings, stale notes, filters and Back on every list and card."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.domain.catalog import Catalog
from bot.domain.models import GeoPoint, Section
from bot.domain.ranking import hard_barrier, is_open
from bot.i18n import translator
from bot.ui import screens
from bot.ui.actions import (
    Filter,
    ShowNeed,
    ShowNeeds,
    ShowOpenNow,
    ShowResource,
    ShowSearch,
    ShowSection,
    ShowUrgent,
    encode,
    search_key,
)
from bot.ui.conversation import Command, Conversation, Press, SharedLocation, Typed
from bot.ui.render import Screen
from bot.ui.screens import View
from bot.ui.state import UserState
from tests.conftest import LOS_ANGELES, SUNDAY_MORNING
from tests.test_screens import all_screens

LOCALES = ("en", "es")
TWO_AM = dt.datetime(2026, 11, 22, 2, 0, tzinfo=LOS_ANGELES)


def view_at(catalog: Catalog, now: dt.datetime = SUNDAY_MORNING, locale: str = "en") -> View:
    return View(catalog, UserState(locale, "oakland"), translator(locale), now, LOCALES)


def actions(screen: Screen) -> list[object]:
    return [button.action for row in screen.buttons for button in row]


def text(screen: Screen) -> str:
    return "\n".join(screen.messages)


def test_urgent_help_is_one_tap_from_every_screen(sample_catalog: Catalog) -> None:
    view = view_at(sample_catalog)
    urgent_screens = {screens.urgent_screen(view, ShowUrgent(h)) for h in ("", "fruitvale")}
    for screen in all_screens(view):
        if screen in urgent_screens or screen == screens.urgent_screen(view, ShowUrgent()):
            continue
        assert any(isinstance(a, ShowUrgent) for a in actions(screen)), screen.messages[0][:80]


@pytest.mark.parametrize("locale", LOCALES)
def test_the_urgent_screen_is_built_for_the_moment(sample_catalog: Catalog, locale: str) -> None:
    view = view_at(sample_catalog, locale=locale)
    screen = screens.urgent_screen(view, ShowUrgent("fruitvale"))
    body = text(screen)
    emergency = body.index("911")
    naloxone = body.lower().index("narcan")
    samaritan = body.index("11376.5")
    lines = body.index("988")
    assert emergency < naloxone < samaritan < lines
    first_lines = body[: emergency + 300]
    assert "polic" in first_lines.lower()  # the emergency number's police note comes with it
    assert "must re-check" not in body and "debe volver a revisar" not in body
    assert ShowOpenNow("fruitvale") in actions(screen)


def test_urgent_commands_and_links_show_the_urgent_screen(sample_catalog: Catalog) -> None:
    conversation = Conversation(sample_catalog, LOCALES)
    state = UserState("en", "oakland")
    expected = screens.urgent_screen(conversation.view(state, SUNDAY_MORNING), ShowUrgent())
    for event in (
        Command("urgent"),
        Press(encode(ShowSection(Section.URGENT))),
    ):
        assert conversation.respond(event, state, SUNDAY_MORNING).screen == expected
    help_text = text(conversation.respond(Command("help"), state, SUNDAY_MORNING).screen)
    assert "/urgent" in help_text


def test_places_open_now_are_open_and_nearest_first(sample_catalog: Catalog) -> None:
    view = view_at(sample_catalog, TWO_AM)
    screen = screens.open_now_list(view, ShowOpenNow("fruitvale"))
    listed = [a.resource_id for a in actions(screen) if isinstance(a, ShowResource)]
    resources = sample_catalog.content.resources
    assert listed and all(is_open(resources[r], TWO_AM) for r in listed)
    assert "Open now or around the clock" in text(screen)


def test_at_two_am_a_bed_search_lists_open_places_first(sample_catalog: Catalog) -> None:
    view = view_at(sample_catalog, TWO_AM)
    found = screens.answer(view, ShowSearch("bed"))
    opens = [is_open(r, TWO_AM) for r in found.resources]
    assert opens and opens[0] and opens == sorted(opens, reverse=True)


@pytest.mark.parametrize(
    "query",
    ["trafficking", "my boss takes my passport", "he hurt me", "trata de personas", "debt"],
)
def test_police_or_proof_of_trafficking_never_comes_first(
    sample_catalog: Catalog, query: str
) -> None:
    found = screens.answer(view_at(sample_catalog), ShowSearch(search_key(query)))
    barriers = [hard_barrier(r) for r in found.resources]
    assert barriers == sorted(barriers), [r.id for r in found.resources]


@pytest.mark.parametrize(
    ("query", "resource_id"),
    [
        ("northgate sexual health clinic", "northgate-sexual-health"),
        ("Northgate Sexual Helth Clinic", "northgate-sexual-health"),
        ("night owl", "night-owl-drop-in"),
        ("open door 24/7", "open-door-24-7"),
    ],
)
def test_a_listing_s_name_brings_it_first(
    sample_catalog: Catalog, query: str, resource_id: str
) -> None:
    view = view_at(sample_catalog)
    refs = screens.ordered(view, screens.answer(view, ShowSearch(search_key(query))))
    assert (refs[0].kind, refs[0].id) == ("resource", resource_id)


def test_list_lines_warn_before_tapping(sample_catalog: Catalog) -> None:
    screen = screens.need_list(view_at(sample_catalog), ShowNeed("shelter"))
    assert "⚠️ Asks you to work with police" in text(screen)
    assert "Asks for ID" in text(screen)


def test_listings_not_checked_recently_say_so(sample_catalog: Catalog) -> None:
    later = SUNDAY_MORNING + dt.timedelta(days=800)
    view = view_at(sample_catalog, later)
    assert "Not checked recently" in text(screens.need_list(view, ShowNeed("food")))
    card = screens.resource_card(view, ShowResource("night-owl-drop-in"))
    assert "Not checked recently" in text(card)
    assert "Not checked recently" not in text(
        screens.resource_card(view_at(sample_catalog), ShowResource("night-owl-drop-in"))
    )


def test_an_opening_more_than_six_days_away_names_the_date(sample_catalog: Catalog) -> None:
    # Bay Street Legal Night opens Wednesdays 18:00-21:00; at 21:30 the next is a week away.
    wednesday_late = dt.datetime(2026, 11, 25, 21, 30, tzinfo=LOS_ANGELES)
    resource = sample_catalog.content.resources["bay-street-legal-night"]
    status = screens.open_status(view_at(sample_catalog, wednesday_late), resource)
    assert "Dec 2, 2026" in status and "Closed for now" not in status


def test_filters_work_on_search_results_and_cards_go_back_to_them(
    sample_catalog: Catalog,
) -> None:
    view = view_at(sample_catalog)
    screen = screens.search_results(view, ShowSearch("bed", Filter.NO_ID))
    cards = [a for a in actions(screen) if isinstance(a, ShowResource)]
    resources = sample_catalog.content.resources
    assert cards and all(resources[c.resource_id].access.requires_id.value == "no" for c in cards)
    assert all(c.back == ShowSearch("bed", Filter.NO_ID) for c in cards)
    assert ShowSearch("bed", Filter.NO_ID | Filter.OPEN_NOW) in actions(screen)
    card = screens.resource_card(view, cards[0])
    assert ShowSearch("bed", Filter.NO_ID) in actions(card)


def test_a_location_sent_while_a_need_is_open_keeps_that_need(sample_catalog: Catalog) -> None:
    conversation = Conversation(sample_catalog, LOCALES)
    state = UserState("en", "oakland")
    opened = conversation.respond(Press(encode(ShowNeed("food"))), state, SUNDAY_MORNING)
    assert opened.state.open_need == "food"
    near = conversation.respond(
        SharedLocation(GeoPoint(37.80, -122.27)), opened.state, SUNDAY_MORNING
    )
    listed = [a for a in actions(near.screen) if isinstance(a, ShowResource)]
    resources = sample_catalog.content.resources
    assert listed and all("food" in resources[a.resource_id].needs for a in listed)
    assert text(near.screen).startswith("<b>Food")
    # A typed search or another screen closes the need.
    typed = conversation.respond(Typed("condoms"), opened.state, SUNDAY_MORNING)
    assert typed.state.open_need == ""


def test_nothing_found_is_never_a_dead_end(sample_catalog: Catalog) -> None:
    view = view_at(sample_catalog)
    screen = screens.search_results(view, ShowSearch("xyzzy"))
    assert ShowUrgent() in actions(screen) and ShowNeeds() in actions(screen)
    russian = "презервативы"
    other = screens.search_results(view, ShowSearch(search_key(russian)), typed=russian)
    assert "английский (English)" in text(other) and ShowUrgent() in actions(other)
    assert "English" not in text(screens.search_results(view, ShowSearch("xyzzy")))


def test_an_urgent_search_offers_places_open_now(sample_catalog: Catalog) -> None:
    view = view_at(sample_catalog)
    screen = screens.search_results(view, ShowSearch(search_key("he hit me in fruitvale")))
    assert "911" in screen.messages[0]
    assert ShowOpenNow("fruitvale") in actions(screen)
