"""The conversation: one user event plus the current state in, one screen and the new state out.

Shared by the terminal preview and the Telegram handlers, so both behave the same.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from bot.domain.catalog import Catalog
from bot.domain.models import GeoPoint, Section
from bot.i18n import translator
from bot.ui import screens
from bot.ui.actions import (
    Action,
    ChooseArea,
    ChooseLanguage,
    SetArea,
    SetLanguage,
    ShowMenu,
    ShowNearby,
    ShowNeed,
    ShowNeeds,
    ShowPage,
    ShowPlaces,
    ShowPrivacy,
    ShowResource,
    ShowSection,
    decode,
)
from bot.ui.render import Screen
from bot.ui.screens import UserState, View

MAX_QUERY_LENGTH = 200


@dataclass(frozen=True)
class Press:
    """A button press, carrying raw (untrusted) callback data."""

    data: str


@dataclass(frozen=True)
class Command:
    name: str
    argument: str = ""


@dataclass(frozen=True)
class Typed:
    text: str


@dataclass(frozen=True)
class SharedLocation:
    point: GeoPoint


Event = Press | Command | Typed | SharedLocation


@dataclass(frozen=True)
class Reply:
    screen: Screen
    state: UserState


@dataclass(frozen=True)
class Conversation:
    """Answers events against one catalog, for the locales the interface is translated into."""

    catalog: Catalog
    locales: tuple[str, ...]

    def view(self, state: UserState, now: dt.datetime) -> View:
        """What screens need to draw for this state at this moment."""
        return View(self.catalog, state, translator(state.locale), now, self.locales)

    def respond(self, event: Event, state: UserState, now: dt.datetime) -> Reply:
        """The screen answering `event`, and the state after it."""
        if isinstance(event, Press):
            action = decode(event.data)
            if action is None:
                return Reply(screens.out_of_date(self.view(state, now)), state)
            return self.act(action, state, now)
        if isinstance(event, Command):
            return self.command(event, state, now)
        view = self.view(state, now)
        if isinstance(event, SharedLocation):
            return Reply(screens.nearest_to_point(view, event.point), state)
        return Reply(screens.search_results(view, event.text[:MAX_QUERY_LENGTH]), state)

    def act(self, action: Action, state: UserState, now: dt.datetime) -> Reply:
        """The screen for a decoded button action."""
        content = self.catalog.content
        if isinstance(action, SetLanguage):
            if action.locale not in self.locales:
                return Reply(screens.out_of_date(self.view(state, now)), state)
            state = replace(state, locale=action.locale)
            view = self.view(state, now)
            return Reply(
                screens.main_menu(view) if view.region else screens.area_picker(view), state
            )
        if isinstance(action, SetArea):
            if action.region_id not in content.regions:
                return Reply(screens.out_of_date(self.view(state, now)), state)
            state = replace(state, region_id=action.region_id)
            return Reply(screens.main_menu(self.view(state, now)), state)
        view = self.view(state, now)
        screen: Screen
        if isinstance(action, ShowMenu):
            screen = screens.main_menu(view)
        elif isinstance(action, ShowNeeds):
            screen = screens.needs_menu(view)
        elif isinstance(action, ShowNeed):
            screen = screens.need_list(view, action)
        elif isinstance(action, ShowPlaces):
            screen = screens.places_menu(view)
        elif isinstance(action, ShowNearby):
            screen = screens.nearby_list(view, action)
        elif isinstance(action, ShowResource):
            screen = screens.resource_card(view, action)
        elif isinstance(action, ShowSection):
            screen = screens.section_screen(view, action)
        elif isinstance(action, ShowPage):
            screen = screens.page_screen(view, action)
        elif isinstance(action, ChooseLanguage):
            screen = screens.language_picker(view)
        elif isinstance(action, ChooseArea):
            screen = screens.area_picker(view)
        else:
            screen = screens.privacy(view)
        return Reply(screen, state)

    def command(self, command: Command, state: UserState, now: dt.datetime) -> Reply:
        """The screen for a /command."""
        view = self.view(state, now)
        name = command.name.lower()
        if name == "start":
            return Reply(screens.welcome(view), state)
        actions: dict[str, Action] = {
            "menu": ShowMenu(),
            "language": ChooseLanguage(),
            "area": ChooseArea(),
            "rights": ShowSection(Section.RIGHTS),
            "privacy": ShowPrivacy(),
            "urgent": ShowSection(Section.URGENT),
        }
        if name in actions:
            return self.act(actions[name], state, now)
        if name == "help":
            return Reply(screens.help_screen(view), state)
        if name == "forget":
            state = UserState(locale=state.locale)
            return Reply(screens.forgotten(self.view(state, now)), state)
        return Reply(screens.unknown_command(view), state)
