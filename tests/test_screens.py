"""Every screen renders in every shipped locale: valid HTML, fitting messages and buttons, and
no interface string left untranslated."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from html.parser import HTMLParser

import pytest
from babel.support import NullTranslations

from bot.domain.bad_dates import MAX_DESCRIPTION, BadDateDraft, BadDateKind, RoughlyWhen, Step
from bot.domain.catalog import Catalog
from bot.domain.models import GeoPoint, Section
from bot.i18n import Translator, available_locales, translator
from bot.ui import screens
from bot.ui.actions import (
    Filter,
    ShowNearby,
    ShowNeed,
    ShowOpenNow,
    ShowPage,
    ShowResource,
    ShowSearch,
    ShowSection,
    ShowUrgent,
    encode,
    search_key,
)
from bot.ui.conversation import Command, Conversation, Press, SharedLocation, Typed
from bot.ui.render import Screen, telegram_length
from bot.ui.screens import View
from bot.ui.screens import bad_dates as bad_date_screens
from bot.ui.state import UserState

from .conftest import SUNDAY_MORNING

LOCALES = available_locales()


class _Recording(NullTranslations):
    """Wraps a catalog and records every interface string it had no translation for."""

    def __init__(self, inner: NullTranslations, locale: str) -> None:
        super().__init__()
        self.inner = inner
        self.locale = locale
        self.missing: set[str] = set()

    def _check(self, key: object, message: str, result: str) -> str:
        catalog = getattr(self.inner, "_catalog", {})
        if self.locale != "en" and key not in catalog:
            self.missing.add(message)
        return result

    def gettext(self, message: str) -> str:
        return self._check(message, message, self.inner.gettext(message))

    def pgettext(self, context: str, message: str) -> str:
        key = f"{context}\x04{message}"
        return self._check(key, message, self.inner.pgettext(context, message))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._check((singular, 0), singular, self.inner.ngettext(singular, plural, n))


class _TagChecker(HTMLParser):
    allowed = frozenset({"b", "i"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        assert tag in self.allowed and not attrs, tag
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack.pop() == tag, tag


def check_screen(screen: Screen) -> None:
    assert screen.messages
    for message in screen.messages:
        assert 0 < telegram_length(message) <= 4096
        checker = _TagChecker()
        checker.feed(message)
        checker.close()
        assert not checker.stack, message
    for row in screen.buttons:
        for button in row:
            assert button.label.strip()
            assert len(encode(button.action).encode()) <= 64


def view_of(catalog: Catalog, locale: str, region_id: str) -> View:
    return View(catalog, UserState(locale, region_id), translator(locale), SUNDAY_MORNING, LOCALES)


def all_screens(view: View) -> Iterator[Screen]:
    content = view.catalog.content
    yield screens.welcome(view)
    yield screens.language_picker(view)
    yield screens.area_picker(view)
    yield screens.main_menu(view)
    yield screens.needs_menu(view)
    yield screens.places_menu(view)
    for need_id in content.needs:
        for flags in (Filter.NONE, Filter(15), Filter.OPEN_NOW):
            yield screens.need_list(view, ShowNeed(need_id, flags, 0))
        yield screens.need_list(view, ShowNeed(need_id, Filter.NONE, 1))
    for hood_id in content.neighbourhoods:
        yield screens.nearby_list(view, ShowNearby(hood_id))
    for resource_id in content.resources:
        yield screens.resource_card(view, ShowResource(resource_id, ShowNeed("food")))
    for page_id in content.pages:
        yield screens.page_screen(view, ShowPage(page_id))
    for section in Section:
        yield screens.section_screen(view, ShowSection(section))
    yield screens.nearest_to_point(view, GeoPoint(37.80, -122.27))
    yield screens.urgent_screen(view, ShowUrgent())
    yield screens.urgent_screen(view, ShowUrgent("fruitvale"))
    for flags in (Filter.NONE, Filter(15)):
        yield screens.open_now_list(view, ShowOpenNow("", flags))
        yield screens.open_now_list(view, ShowOpenNow("downtown", flags))
        yield screens.search_results(view, ShowSearch("bed", flags))
    yield screens.nearby_list(view, ShowNearby("downtown", need_id="food"))
    for query in (
        "my friend isn't breathing",
        "they took my passport",
        "安全套",
        "condons",
        "sobredosis",
        "fruitvale",
        "xyzzy",
        "<b>&amp;</b>",
        "duchas en fruitvale",
    ):
        yield screens.search_results(view, ShowSearch(search_key(query)), typed=query)
    yield screens.privacy(view)
    yield screens.help_screen(view)
    yield screens.forgotten(view)
    yield screens.out_of_date(view)
    yield screens.unknown_command(view)
    yield from all_bad_date_screens(view)


def all_bad_date_screens(view: View) -> Iterator[Screen]:
    """Every step of the bad-date report, with each choice, and the longest description."""
    for kind, when in zip(BadDateKind, [*RoughlyWhen, *RoughlyWhen], strict=False):
        draft = BadDateDraft(Step.PREVIEW, kind, "oakland", when, "<b>&" + "x" * MAX_DESCRIPTION)
        for step in Step:
            yield bad_date_screens.step_screen(view, BadDateDraft(step, kind, "oakland", when))
        yield bad_date_screens.step_screen(view, draft)
        yield bad_date_screens.describe(view, draft, too_long=True)
        yield bad_date_screens.preview(
            view, replace(draft, description="<&" * (MAX_DESCRIPTION // 2))
        )
    for end in (bad_date_screens.sent, bad_date_screens.not_sent, bad_date_screens.too_many):
        yield end(view)
    yield bad_date_screens.too_many(view, begun=True)
    yield bad_date_screens.cancelled(view)
    yield bad_date_screens.gone(view)


def relayed_reports(view: View) -> Iterator[Screen]:
    """Bad-date reports as the organisation gets them (admin screens: no urgent button)."""
    for kind, when in zip(BadDateKind, [*RoughlyWhen, *RoughlyWhen], strict=False):
        yield bad_date_screens.relayed(view, BadDateDraft(Step.PREVIEW, kind, "oakland", when, "?"))
    yield bad_date_screens.relayed(view, BadDateDraft(description="<b>&" + "x" * MAX_DESCRIPTION))
    yield bad_date_screens.relayed(view, BadDateDraft(description="<" * MAX_DESCRIPTION))


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("hour", [3, 10, 22])
def test_every_screen_renders_translated(sample_catalog: Catalog, locale: str, hour: int) -> None:
    recording = _Recording(translator(locale).translations, locale)
    now = SUNDAY_MORNING.replace(hour=hour)
    view = View(
        sample_catalog, UserState(locale, "oakland"), Translator(locale, recording), now, LOCALES
    )
    count = 0
    for screen in [*all_screens(view), *relayed_reports(view)]:
        check_screen(screen)
        count += 1
    assert count > 100
    assert recording.missing == set()


def test_spanish_is_shipped() -> None:
    assert "es" in LOCALES


def test_user_text_is_escaped(sample_catalog: Catalog) -> None:
    view = view_of(sample_catalog, "en", "oakland")
    text = "<script>alert(1)</script>"
    screen = screens.search_results(view, ShowSearch(search_key(text)), typed=text)
    assert "<script>" not in "".join(screen.messages)
    assert "&lt;script&gt;" in "".join(screen.messages)


def test_card_is_honest_about_unknown_and_confidential(minimal_catalog: Catalog) -> None:
    view = view_of(minimal_catalog, "en", "testville")
    card = "\n".join(screens.resource_card(view, ShowResource("hidden-shelter")).messages)
    assert card.count("not known yet") == 15
    assert "confidential" in card and "Street" not in card
    card = "\n".join(screens.resource_card(view, ShowResource("night-drop-in")).messages)
    assert "Asks for ID: no" in card and "Shares information with police: never" in card
    assert "Sample listings" in card


def test_spanish_card_uses_spanish_content(minimal_catalog: Catalog) -> None:
    view = view_of(minimal_catalog, "es", "testville")
    card = "\n".join(screens.resource_card(view, ShowResource("night-drop-in")).messages)
    assert "Condones y café toda la noche." in card


def test_untranslated_content_shows_a_note(minimal_catalog: Catalog) -> None:
    view = view_of(minimal_catalog, "es", "testville")
    listing = "\n".join(screens.nearby_list(view, ShowNearby("east")).messages)
    assert "East Side" in listing  # a proper name written once: same in every language
    card = "\n".join(screens.resource_card(view, ShowResource("east-legal")).messages)
    assert "Abogadas gratis" in card


def test_filters_never_pass_unknown(minimal_catalog: Catalog) -> None:
    view = view_of(minimal_catalog, "en", "testville")
    content = minimal_catalog.content
    shelter, legal = content.resources["hidden-shelter"], content.resources["east-legal"]
    drop_in = content.resources["night-drop-in"]
    assert not screens.passes(view, shelter, Filter.NO_POLICE)
    assert not screens.passes(view, legal, Filter.NO_POLICE)
    assert screens.passes(view, drop_in, Filter.NO_POLICE | Filter.NO_ID | Filter.COMMUNITY_LED)
    assert not screens.passes(view, drop_in, Filter.OPEN_NOW)  # 10:00, opens at 22:00
    late = View(minimal_catalog, view.state, view.tr, SUNDAY_MORNING.replace(hour=23), LOCALES)
    assert screens.passes(late, drop_in, Filter.OPEN_NOW)


def test_urgent_words_bring_urgent_help_first(minimal_catalog: Catalog) -> None:
    view = view_of(minimal_catalog, "es", "testville")
    screen = screens.search_results(view, ShowSearch("sobredosis"))
    assert "Urgent (es)" in screen.messages[0]


def test_conversation_language_area_and_forged_buttons(minimal_catalog: Catalog) -> None:
    conversation = Conversation(minimal_catalog, LOCALES)
    now = SUNDAY_MORNING
    state = UserState("en")
    reply = conversation.respond(Command("start"), state, now)
    spanish = next(b for row in reply.screen.buttons for b in row if b.label == "Español")
    reply = conversation.respond(Press(encode(spanish.action)), reply.state, now)
    assert reply.state.locale == "es"
    area = reply.screen.buttons[0][0]
    reply = conversation.respond(Press(encode(area.action)), reply.state, now)
    assert reply.state == UserState("es", "testville")
    for forged in ("1:r:nope.-", "garbage", "1:l:fr", "1:a:nowhere", "9:m"):
        out = conversation.respond(Press(forged), reply.state, now)
        assert out.state == reply.state
        assert "☰" in out.screen.buttons[-1][-1].label
    assert conversation.respond(Command("forget"), reply.state, now).state == UserState("es")
    assert conversation.respond(Command("nonsense"), reply.state, now).screen.messages
    assert conversation.respond(Typed("abogada"), reply.state, now).screen.messages
    found = conversation.respond(SharedLocation(GeoPoint(37.78, -122.22)), reply.state, now)
    assert "Hidden Shelter" in found.screen.messages[0]
