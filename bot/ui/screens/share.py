"""/share: a link to where the person is, as text and QR code, and a discreet line to forward."""

from __future__ import annotations

from dataclasses import replace

from bot.domain.models import Section
from bot.ui.actions import ShowShare
from bot.ui.deeplink import DeepLink
from bot.ui.render import Screen, bold, esc
from bot.ui.screens.view import View, nav_row


def share_link(view: View, action: ShowShare) -> DeepLink | None:
    """What the shared link presets: the person's language and area, and the topic of
    `action` when there is one; None when that topic is no longer in the content."""
    content = view.catalog.content
    base = DeepLink(locale=view.state.locale, region_id=view.region.id if view.region else None)
    if action.kind == "n":
        return replace(base, need_id=action.topic) if action.topic in content.needs else None
    if action.kind == "p":
        return replace(base, page_id=action.topic) if action.topic in content.pages else None
    if action.kind == "s":
        return replace(base, section=Section(action.topic))
    return base


def shared_topic(link: DeepLink) -> str:
    """What a shared link is about, as the share counter records it: a need id, `page:<id>`,
    `section:<name>`, or empty for the menu."""
    if link.need_id:
        return link.need_id
    if link.page_id:
        return f"page:{link.page_id}"
    if link.section is not None:
        return f"section:{link.section.value}"
    return ""


def share_line(view: View, url: str) -> str:
    """The line to forward with the QR code: what the bot offers, in words that say nothing
    about the person who passes it on or the one who gets it (escaped HTML)."""
    line = view.tr.gettext(
        "A private Telegram bot with local help (food, showers, health, legal help) and"
        " information on your rights, in several languages: %(link)s"
    )
    return esc(line % {"link": url})


def share_screen(view: View, url: str) -> Screen:
    """What comes after the QR code: the link, where it leads, and how to pass it on safely."""
    tr = view.tr
    blocks = [
        bold(tr.gettext("Share this")),
        esc(
            tr.gettext(
                "This link opens the bot in your language and area, on the page you were on:"
            )
        ),
        esc(url),
        esc(
            tr.gettext(
                "The QR code above is the same link: forward it, or let someone scan it from"
                " your screen."
            )
        ),
        esc(
            tr.gettext(
                "The link says nothing about you. Whoever gets it from you in a chat sees that"
                " you sent it, as with any message."
            )
        ),
    ]
    return Screen(("\n\n".join(blocks),), (nav_row(view),))
