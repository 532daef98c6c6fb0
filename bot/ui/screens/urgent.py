"""Urgent help, built for the moment: the emergency number, overdose steps, the region's
Good Samaritan protection, the lines with their police notes, then places open now."""

from __future__ import annotations

from bot.domain.models import Section
from bot.ui.actions import ChooseArea, ShowOpenNow, ShowUrgent
from bot.ui.render import Button, Screen, bold, esc, italic, split_messages
from bot.ui.screens.pages import body_blocks
from bot.ui.screens.view import View, menu_button


def urgent_messages(view: View) -> tuple[str, ...]:
    """Every urgent page in order, the region's Good Samaritan note after the first, and the
    sources once at the end."""
    tr = view.tr
    pages = view.catalog.content.pages_in(Section.URGENT)
    if not pages:
        return ()
    blocks: list[str] = []
    sources: list[str] = []
    reviewed = []
    for index, page in enumerate(pages):
        text = page.text(view.state.locale)
        blocks.append(bold(text.title))
        blocks.extend(body_blocks(text.body))
        if index == 0 and view.region is not None and view.region.good_samaritan is not None:
            blocks.append(view.text(view.region.good_samaritan))
        sources.extend(s for s in text.sources if s not in sources)
        reviewed.append(text.last_reviewed)
    blocks.append(bold(tr.gettext("Sources")) + "\n" + "\n".join(f"• {esc(s)}" for s in sources))
    blocks.append(italic(tr.gettext("Last reviewed %(date)s.") % {"date": tr.date(min(reviewed))}))
    return split_messages(blocks)


def local_places_button(view: View, neighbourhood_id: str = "") -> Button:
    """Local places open now (nearest a known neighbourhood first), or the area choice."""
    tr = view.tr
    if view.region is None:
        return Button(tr.pgettext("button", "📍 Choose your area for local places"), ChooseArea())
    return Button(
        tr.pgettext("button", "📍 Places open now or 24/7"), ShowOpenNow(neighbourhood_id)
    )


def urgent_buttons(view: View, action: ShowUrgent) -> tuple[tuple[Button, ...], ...]:
    """Local places open now, and the menu."""
    return ((local_places_button(view, action.neighbourhood_id),), (menu_button(view),))


def urgent_screen(view: View, action: ShowUrgent) -> Screen:
    """The urgent-help screen."""
    messages = urgent_messages(view)
    if not messages:
        messages = (esc(view.tr.gettext("Nothing here yet.")),)
    return Screen(messages, urgent_buttons(view, action))
