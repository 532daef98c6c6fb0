"""Long pages (rights, spectrum, safety, urgent help) split into messages with their sources."""

from __future__ import annotations

import functools

from bot.domain.models import Page, Section
from bot.ui.actions import ShowPage, ShowSection, ShowShare
from bot.ui.render import Button, Screen, bold, esc, italic, split_messages
from bot.ui.screens.bad_dates import bad_date_button
from bot.ui.screens.menus import out_of_date
from bot.ui.screens.view import View, nav_row, rows, share_button


# Pages are few and long, and urgent help draws every urgent page on each press: each body
# is rendered once (a pure function of its text).
@functools.lru_cache(maxsize=1024)
def body_blocks(body: str) -> tuple[str, ...]:
    """Page body (plain text with `## ` headings and `- ` bullets) as escaped HTML blocks."""
    blocks = []
    for paragraph in body.split("\n\n"):
        lines = [line.rstrip() for line in paragraph.strip().splitlines() if line.strip()]
        if not lines:
            continue
        rendered = []
        for line in lines:
            if line.startswith("## "):
                rendered.append(bold(line[3:].strip()))
            elif line.startswith("- "):
                rendered.append(f"• {esc(line[2:].strip())}")
            else:
                rendered.append(esc(line))
        blocks.append("\n".join(rendered))
    return tuple(blocks)


def page_screen(view: View, action: ShowPage) -> Screen:
    """A rights, spectrum, safety or urgent page, split into messages, with its sources."""
    page = view.catalog.content.pages.get(action.page_id)
    if page is None:
        return out_of_date(view)
    share = share_button(view, ShowShare("p", page.id))
    first: tuple[Button, ...] = (share,)
    if page.section is Section.SAFETY:
        first = (bad_date_button(view), share)
    return Screen(_page_messages(view, page), (first, _page_buttons(view, page)))


def _page_messages(view: View, page: Page) -> tuple[str, ...]:
    tr = view.tr
    text = page.text(view.state.locale)
    blocks = [bold(text.title)]
    if view.state.locale not in page.texts:
        blocks.append(italic(tr.gettext("This page is not yet translated into your language.")))
    blocks.extend(body_blocks(text.body))
    sources = "\n".join(f"• {esc(source)}" for source in text.sources)
    blocks.append(bold(tr.gettext("Sources")) + "\n" + sources)
    blocks.append(
        italic(tr.gettext("Last reviewed %(date)s.") % {"date": tr.date(text.last_reviewed)})
    )
    return split_messages(blocks)


def _page_buttons(view: View, page: Page) -> tuple[Button, ...]:
    tr = view.tr
    row = []
    if page.section is Section.RIGHTS:
        row.append(Button(tr.pgettext("button", "◀ Rights"), ShowSection(Section.RIGHTS)))
    return nav_row(view, *row)


def section_screen(view: View, action: ShowSection) -> Screen:
    """A section: a list of its pages, or the page itself when there is only one."""
    tr = view.tr
    pages = view.catalog.content.pages_in(action.section)
    if len(pages) == 1:
        return page_screen(view, ShowPage(pages[0].id))
    if not pages:
        return Screen((esc(tr.gettext("Nothing here yet.")),), (nav_row(view),))
    buttons = [Button(p.text(view.state.locale).title, ShowPage(p.id)) for p in pages]
    intro = tr.gettext(
        "General information, not legal advice. For your situation, ask a lawyer: see"
        " Legal help under Find help."
    )
    share = share_button(view, ShowShare("s", action.section.value))
    if action.section is Section.SAFETY:
        buttons.append(bad_date_button(view))
    return Screen(
        (bold(tr.gettext("Know your rights")) + "\n\n" + esc(intro),),
        (*rows(buttons, 1), (share,), nav_row(view)),
    )
