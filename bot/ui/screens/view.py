"""What a screen is drawn from, and the small helpers every screen uses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from bot.domain.catalog import Catalog
from bot.domain.models import LocalizedText, Region
from bot.i18n import Translator
from bot.policy import DEFAULT_RETENTION_DAYS
from bot.ui.actions import ShowMenu, ShowShare, ShowUrgent
from bot.ui.memo import Memo
from bot.ui.render import Button, esc, italic
from bot.ui.state import UserState


@dataclass(frozen=True)
class View:
    """Everything a screen needs to render."""

    catalog: Catalog
    state: UserState
    tr: Translator
    now: dt.datetime
    locales: tuple[str, ...]
    retention_days: int = DEFAULT_RETENTION_DAYS
    protect_default: bool = False
    # List entries drawn this minute, by listing and language, shared by every view of one
    # conversation (a view of its own keeps them only for itself). Never keyed by anything a
    # person typed or where they are.
    lines: Memo[str] = field(default_factory=Memo, repr=False, compare=False)
    # Open status in words, by schedule, language and minute, shared the same way.
    statuses: Memo[str] = field(default_factory=Memo, repr=False, compare=False)
    # Resource cards' messages drawn this minute, by listing and language, shared the same way.
    cards: Memo[tuple[str, ...]] = field(default_factory=Memo, repr=False, compare=False)

    @property
    def protected(self) -> bool:
        """Whether this person's messages are protected from forwarding and saving."""
        chosen = self.state.protect
        return self.protect_default if chosen is None else chosen

    @property
    def region(self) -> Region | None:
        """The chosen region, if any."""
        regions = self.catalog.content.regions
        return regions.get(self.state.region_id or "")

    def text(self, value: LocalizedText) -> str:
        """Escaped content text in the user's locale, with a visible note when it fell back."""
        shown = esc(value.get(self.state.locale))
        if value.has(self.state.locale):
            return shown
        note = self.tr.gettext("(not yet translated)")
        return f"{shown} {italic(note)}"


def menu_button(view: View) -> Button:
    """The button back to the main menu."""
    return Button(view.tr.pgettext("button", "☰ Menu"), ShowMenu())


def urgent_button(view: View, neighbourhood_id: str = "") -> Button:
    """The one-tap way to urgent help, on every screen."""
    return Button(view.tr.pgettext("menu", "🆘 Urgent help"), ShowUrgent(neighbourhood_id))


def share_button(view: View, action: ShowShare) -> Button:
    """The button to /share what is on screen."""
    return Button(view.tr.pgettext("button", "📤 Share"), action)


def nav_row(view: View, *first: Button, place: str = "") -> tuple[Button, ...]:
    """The last row of a screen: its own way back, then urgent help and the menu."""
    return (*first, urgent_button(view, place), menu_button(view))


def rows(buttons: list[Button], per_row: int) -> tuple[tuple[Button, ...], ...]:
    """Buttons laid out `per_row` to a row."""
    return tuple(tuple(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row))


def sample_note(view: View) -> str:
    """The note that sample listings are made up."""
    return italic(
        view.tr.gettext(
            "Sample listings: these organisations are made up, to show how the bot works."
            " This is not a real directory."
        )
    )
