"""The conversation: one user event plus the current state in, one screen and the new state out.

Shared by the terminal preview and the Telegram handlers, so both behave the same.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from bot.domain.bad_dates import BadDateDraft
from bot.domain.catalog import Catalog
from bot.domain.models import GeoPoint, Section
from bot.domain.open_now import minute_of
from bot.domain.upkeep import ListingReport
from bot.i18n import translator
from bot.policy import DEFAULT_RETENTION_DAYS
from bot.ui import bad_date_flow, screens
from bot.ui.actions import (
    Action,
    AdminPress,
    AlertArea,
    BadDateStep,
    ChooseArea,
    ChooseDisappearing,
    ChooseLanguage,
    ClearChat,
    Filter,
    ReportWrong,
    SendReport,
    SetArea,
    SetDisappearing,
    SetLanguage,
    SetProtect,
    ShowAlerts,
    ShowMenu,
    ShowNearby,
    ShowNeed,
    ShowNeeds,
    ShowOpenNow,
    ShowPage,
    ShowPlaces,
    ShowPrivacy,
    ShowResource,
    ShowSearch,
    ShowSection,
    ShowShare,
    ShowUrgent,
    carries_words,
    decode,
    search_key,
)
from bot.ui.deeplink import DeepLink, decode_link
from bot.ui.memo import Memo, MinuteMemos
from bot.ui.render import Screen
from bot.ui.screens import View
from bot.ui.state import UserState

MAX_QUERY_LENGTH = 200
# Card bodies kept (each a kilobyte or two): the listings opened in the last minutes.
CARD_BODIES = 512


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
    """The screen to show and the state after it.

    `erase` asks the caller to delete everything kept about the user; `clear` to delete the
    messages of the chat first (the screen then removes itself); `counted_need` names a need
    whose list was opened, and `counted_campaign` the campaign code of a deep link, for
    anonymous counts; `report` a listing report to count; `empty_search` a search that found
    nothing to count, with the need it was about ("" none). `share` asks the caller to show the
    share screen for that link (its QR code, `screens.share_screen`): only the caller knows the
    bot's username; `screen` is then empty. `relay` is a bad-date report to pass on to the
    organisation (the caller swaps `screen` for the right one if that fails).
    """

    screen: Screen
    state: UserState
    erase: bool = False
    clear: bool = False
    counted_need: str | None = None
    counted_campaign: str | None = None
    report: ListingReport | None = None
    empty_search: EmptySearch | None = None
    share: DeepLink | None = None
    relay: BadDateDraft | None = None


@dataclass(frozen=True)
class EmptySearch:
    """A typed search that offered nothing to use: counted by need, never by its words."""

    need_id: str


def clean_query(text: str) -> str:
    """Typed text as a search query: at most MAX_QUERY_LENGTH characters, control characters
    (which Telegram may refuse to echo back) turned into spaces."""
    return "".join(
        " " if unicodedata.category(ch) == "Cc" else ch for ch in text[:MAX_QUERY_LENGTH]
    )


@dataclass(frozen=True)
class Conversation:
    """Answers events against one catalog, for the locales the interface is translated into."""

    catalog: Catalog
    locales: tuple[str, ...]
    retention_days: int = DEFAULT_RETENTION_DAYS
    protect_default: bool = False
    # Screens drawn this minute, shared by everyone in the same state, and list entries,
    # open statuses and card bodies shared by every screen (a new catalog, through `replace`,
    # starts empty ones). See `drawn`.
    _drawn: Memo[Screen] = field(default_factory=Memo, init=False, repr=False, compare=False)
    _lines: Memo[str] = field(default_factory=Memo, init=False, repr=False, compare=False)
    _statuses: Memo[str] = field(default_factory=Memo, init=False, repr=False, compare=False)
    _cards: Memo[tuple[str, ...]] = field(
        default_factory=lambda: Memo(CARD_BODIES), init=False, repr=False, compare=False
    )
    _minutes: MinuteMemos = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        memos = (self._drawn, self._lines, self._statuses, self._cards)
        object.__setattr__(self, "_minutes", MinuteMemos(memos))

    def view(self, state: UserState, now: dt.datetime) -> View:
        """What screens need to draw for this state at this moment (what was drawn for
        earlier minutes is forgotten once a later one begins)."""
        self._minutes.at(now)
        return View(
            self.catalog,
            state,
            translator(state.locale),
            now,
            self.locales,
            self.retention_days,
            self.protect_default,
            self._lines,
            self._statuses,
            self._cards,
        )

    def drawn(self, action: Action | str, state: UserState, now: dt.datetime) -> Screen:
        """The screen for a button's `action` (or a named screen: "welcome", "help"), drawn
        once a minute for everyone in the same state: most people look at the same few
        screens, and drawing them is most of the cost of an answer. Screens are drawn for the
        start of the minute, so they are the same whoever asks first. Never kept: a screen
        holding a person's words (a search), or drawn while a bad-date report is open."""
        if state.bad_date is not None or carries_words(action):
            return self._draw(action, self.view(state, now))
        minute = minute_of(now)
        return self._drawn.get(
            (action, state, minute), lambda: self._draw(action, self.view(state, minute))
        )

    @staticmethod
    def _draw(action: Action | str, view: View) -> Screen:
        if isinstance(action, str):
            return _NAMED_SCREENS[action](view)
        return _SCREENS[type(action)](view, action)

    def respond(self, event: Event, state: UserState, now: dt.datetime) -> Reply:
        """The screen answering `event`, and the state after it."""
        if isinstance(event, Typed) and bad_date_flow.waits_for_text(state.bad_date):
            return self.bad_date(event, state, now)
        if state.bad_date is not None and not _continues_bad_date(event):
            # Leaving the report drops it: typed text is a search again, nothing lingers.
            state = replace(state, bad_date=None)
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
        return self.search(clean_query(event.text), view, state)

    def search(self, text: str, view: View, state: UserState) -> Reply:
        """The answer to typed text; a search that offered nothing to use is counted by the
        need it was about, else the need whose list was open."""
        search = ShowSearch(search_key(text))
        found = screens.answer(view, search)
        empty = None
        if screens.found_no_help(found):
            empty = EmptySearch(screens.need_searched(found) or state.open_need)
        screen = screens.answered(view, search, found, typed=text)
        return Reply(screen, _with_open_need(state, ""), empty_search=empty)

    def act(self, action: Action, state: UserState, now: dt.datetime) -> Reply:
        """The screen for a decoded button action."""
        content = self.catalog.content
        if isinstance(action, SetLanguage):
            if action.locale not in self.locales:
                return Reply(screens.out_of_date(self.view(state, now)), state)
            state = replace(state, locale=action.locale)
            shown = ShowMenu() if state.region_id in content.regions else ChooseArea()
            return Reply(self.drawn(shown, state, now), state)
        if isinstance(action, SetArea):
            if action.region_id not in content.regions:
                return Reply(screens.out_of_date(self.view(state, now)), state)
            state = replace(state, region_id=action.region_id)
            return Reply(self.drawn(ShowMenu(), state, now), state)
        if isinstance(action, SetDisappearing):
            state = replace(state, disappear_after=action.seconds)
            return Reply(screens.privacy(self.view(state, now)), state)
        if isinstance(action, SetProtect):
            state = replace(state, protect=action.on)
            return Reply(screens.privacy(self.view(state, now)), state)
        if isinstance(action, ClearChat):
            return Reply(screens.cleared(self.view(state, now)), state, clear=True)
        if isinstance(action, ShowShare):
            return self.share(action, state, now)
        if isinstance(action, BadDateStep):
            return self.bad_date(action, state, now)
        open_need = action.need_id if isinstance(action, ShowNeed | ShowNearby) else ""
        state = _with_open_need(state, open_need if open_need in content.needs else "")
        counted = None
        if isinstance(action, ShowNeed) and action.page == 0 and action.filters == Filter.NONE:
            counted = state.open_need or None
        return Reply(
            self.drawn(action, state, now),
            state,
            counted_need=counted,
            report=_report(action, self.catalog),
        )

    def command(self, command: Command, state: UserState, now: dt.datetime) -> Reply:
        """The screen for a /command."""
        name = command.name.lower()
        if name == "start":
            return self.start(decode_link(command.argument), state, now)
        actions: dict[str, Action] = {
            "menu": ShowMenu(),
            "language": ChooseLanguage(),
            "area": ChooseArea(),
            "rights": ShowSection(Section.RIGHTS),
            "privacy": ShowPrivacy(),
            "urgent": ShowUrgent(),
            "clear": ClearChat(),
            "alerts": ShowAlerts(),
            "share": ShowShare("n", state.open_need) if state.open_need else ShowShare(),
            "report": BadDateStep("start"),
        }
        if name in actions:
            return self.act(actions[name], state, now)
        if name == "help":
            return Reply(self.drawn("help", state, now), state)
        if name == "forget":
            state = UserState(locale=state.locale)
            return Reply(screens.forgotten(self.view(state, now)), state, erase=True)
        return Reply(screens.unknown_command(self.view(state, now)), state)

    def bad_date(self, event: BadDateStep | Typed, state: UserState, now: dt.datetime) -> Reply:
        """A step of the anonymous bad-date report (its draft lives in memory only)."""
        view = self.view(state, now)
        if isinstance(event, BadDateStep):
            answer = bad_date_flow.tapped(view, state.bad_date, event)
        else:
            answer = bad_date_flow.typed(view, state.bad_date, event.text)
        state = replace(state, bad_date=answer.draft, open_need="")
        return Reply(answer.screen, state, relay=answer.relay)

    def share(self, action: ShowShare, state: UserState, now: dt.datetime) -> Reply:
        """/share or a share button: the link to where the person is, drawn by the caller."""
        link = screens.share_link(self.view(state, now), action)
        if link is None:
            return Reply(screens.out_of_date(self.view(state, now)), state)
        return Reply(Screen(()), state, share=link)

    def start(self, link: DeepLink | None, state: UserState, now: dt.datetime) -> Reply:
        """/start: the welcome, or what a deep link presets (ignoring what no longer exists);
        its campaign code, if any, is counted (never with anything about the person)."""
        if link is None:
            return Reply(self.drawn("welcome", state, now), state)
        return replace(self.open_link(link, state, now), counted_campaign=link.campaign)

    def open_link(self, link: DeepLink, state: UserState, now: dt.datetime) -> Reply:
        """The screen a deep link leads to, with its language and area set."""
        if link.locale in self.locales:
            state = replace(state, locale=link.locale)
        if link.region_id in self.catalog.content.regions:
            state = replace(state, region_id=link.region_id)
        topic: ShowNeed | ShowSection | ShowPage | ShowResource | None = None
        if link.resource_id is not None:
            topic = ShowResource(link.resource_id)
        elif link.need_id is not None:
            topic = ShowNeed(link.need_id)
        elif link.section is not None:
            topic = ShowSection(link.section)
        elif link.page_id is not None:
            topic = ShowPage(link.page_id)
        if topic is None or not self.exists(topic):
            return Reply(screens.welcome(self.view(state, now)), state)
        return self.act(topic, state, now)

    def exists(self, topic: ShowNeed | ShowSection | ShowPage | ShowResource) -> bool:
        """Whether a deep link's topic is still in the content."""
        content = self.catalog.content
        if isinstance(topic, ShowResource):
            return topic.resource_id in content.resources
        if isinstance(topic, ShowNeed):
            return topic.need_id in content.needs
        if isinstance(topic, ShowPage):
            return topic.page_id in content.pages
        return bool(content.pages_in(topic.section))


def _with_open_need(state: UserState, need_id: str) -> UserState:
    """`state` with `need_id` open (the same object when it already is: most presses)."""
    return state if state.open_need == need_id else replace(state, open_need=need_id)


def _continues_bad_date(event: Event) -> bool:
    """Whether an event is a tap in the bad-date report (anything else leaves it)."""
    return isinstance(event, Press) and isinstance(decode(event.data), BadDateStep)


def _show_section(view: View, action: ShowSection) -> Screen:
    if action.section is Section.URGENT:
        return screens.urgent_screen(view, ShowUrgent())
    return screens.section_screen(view, action)


def _show_page(view: View, action: ShowPage) -> Screen:
    page = view.catalog.content.pages.get(action.page_id)
    if page is not None and page.section is Section.URGENT:
        return screens.urgent_screen(view, ShowUrgent())
    return screens.page_screen(view, action)


# Each button's screen; SetLanguage and SetArea also change the state (see `act`).
_SCREENS: dict[type, Callable[[View, Any], Screen]] = {
    ShowMenu: lambda view, _action: screens.main_menu(view),
    ShowNeeds: lambda view, _action: screens.needs_menu(view),
    ShowNeed: screens.need_list,
    ShowPlaces: lambda view, _action: screens.places_menu(view),
    ShowNearby: screens.nearby_list,
    ShowOpenNow: screens.open_now_list,
    ShowSearch: screens.search_results,
    ShowResource: screens.resource_card,
    ReportWrong: screens.report_picker,
    SendReport: screens.report_thanks,
    ShowUrgent: screens.urgent_screen,
    ShowSection: _show_section,
    ShowPage: _show_page,
    ChooseLanguage: lambda view, _action: screens.language_picker(view),
    ChooseArea: lambda view, _action: screens.area_picker(view),
    ShowPrivacy: lambda view, _action: screens.privacy(view),
    ChooseDisappearing: lambda view, _action: screens.disappearing_picker(view),
    # In Telegram the handlers answer these from the store (bot/handlers/alerts.py); drawn
    # here without it (the terminal preview), no alert is current and nobody opted in.
    ShowAlerts: lambda view, _action: screens.alerts_screen(view, [], None),
    AlertArea: lambda view, _action: screens.alerts_screen(view, [], None),
    # Admin buttons reach the conversation only when the presser is not an admin.
    AdminPress: lambda view, _action: screens.out_of_date(view),
}


# Screens drawn for commands rather than buttons.
_NAMED_SCREENS: dict[str, Callable[[View], Screen]] = {
    "welcome": screens.welcome,
    "help": screens.help_screen,
}


def _report(action: Action, catalog: Catalog) -> ListingReport | None:
    """The listing report a button makes, when it is a reason picked for a listing we have."""
    if isinstance(action, SendReport) and action.resource_id in catalog.content.resources:
        return ListingReport(action.resource_id, action.reason)
    return None
