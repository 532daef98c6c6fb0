"""Inline mode: `@bot naloxone` in any chat offers cards that look like the bot's own.

Pure: the handler turns these plain results into Telegram objects. Results are found by the
same search as a typed message, in the querying person's language and area; an empty query (or
one that finds nothing) offers urgent help and the needs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bot.domain.models import Resource, Section
from bot.ui import screens
from bot.ui.actions import ShowPage, ShowResource, ShowSearch, search_key
from bot.ui.deeplink import DeepLink
from bot.ui.links import start_link
from bot.ui.render import bold, esc, italic, split_messages, telegram_length
from bot.ui.screens import View
from bot.ui.screens.parts import list_line, open_status
from bot.ui.screens.view import sample_note

PAGE_SIZE = 50  # Telegram takes at most 50 results per answer
MAX_RESULTS = 200
CACHE_SECONDS = 30  # short, so content updates show soon
# Telegram's limit for a message is 4096; the line naming the bot and the note go around it.
CARD_LIMIT = 3800
NEED_CARD_PLACES = 5
PLACES_NEAR = 20
DESCRIPTION_LIMIT = 120
_OFFSET = re.compile(r"(0|[1-9][0-9]{0,3})\Z")
_RESULT_ID = re.compile(r"([rnp])\.([a-z0-9][a-z0-9_-]{0,31})\Z|u\Z")


@dataclass(frozen=True)
class InlineCard:
    """One result: its id (at most 64 bytes), what the list shows, the message it sends (HTML)
    and the button that opens the bot on the same item."""

    id: str
    title: str
    description: str
    text: str
    button_label: str
    url: str


@dataclass(frozen=True)
class InlinePage:
    """One page of results and the offset of the next ("" when there is none)."""

    cards: tuple[InlineCard, ...]
    next_offset: str


def parse_offset(offset: str) -> int | None:
    """A page offset we sent ("" is the first page), or None for anything else."""
    if offset == "":
        return 0
    return int(offset) if _OFFSET.match(offset) else None


def inline_page(view: View, query: str, offset: str, username: str) -> InlinePage:
    """The results for `query` starting at `offset`, for the bot `username`."""
    start = parse_offset(offset)
    if start is None:
        return InlinePage((), "")
    items = inline_items(view, query)
    chunk = items[start : start + PAGE_SIZE]
    more = start + PAGE_SIZE < len(items)
    cards = tuple(card for item in chunk if (card := inline_card(view, item, username)))
    return InlinePage(cards, str(start + PAGE_SIZE) if more else "")


def inline_items(view: View, query: str) -> list[str]:
    """What to offer, in order, as result ids: `u` urgent help, `r.<id>` a resource, `n.<id>`
    a need, `p.<id>` a page."""
    key = search_key(query)
    items = _found(view, key) if key else []
    if not items:
        items = ["u", *(f"n.{need_id}" for need_id in view.catalog.content.needs)]
    return list(dict.fromkeys(items))[:MAX_RESULTS]


def _found(view: View, key: str) -> list[str]:
    content = view.catalog.content
    found = screens.answer(view, ShowSearch(key), limit=PAGE_SIZE)
    items = ["u"] if found.urgent else []
    for ref in screens.ordered(view, found):
        if ref.kind == "page":
            urgent = content.pages[ref.id].section is Section.URGENT
            items.append("u" if urgent else f"p.{ref.id}")
        elif ref.kind == "resource":
            items.append(f"r.{ref.id}")
        elif ref.kind == "need":
            items.append(f"n.{ref.id}")
        elif ref.kind == "place":
            hood = content.neighbourhoods[ref.id]
            near = view.catalog.distances.from_centre(hood)[:PLACES_NEAR]
            items.extend(f"r.{n.resource.id}" for n in near)
    return items


def parse_result_id(result_id: str) -> tuple[str, str] | None:
    """(kind, id) of a result id we made (kind u has an empty id), or None."""
    match = _RESULT_ID.match(result_id)
    if match is None:
        return None
    return (match[1], match[2]) if match[1] else ("u", "")


def inline_card(view: View, result_id: str, username: str) -> InlineCard | None:
    """The card for one result id, or None when its item is no longer in the content."""
    parsed = parse_result_id(result_id)
    if parsed is None:
        return None
    kind, item = parsed
    content = view.catalog.content
    if kind == "r" and item in content.resources:
        return _resource_card(view, content.resources[item], username)
    if kind == "p" and item in content.pages:
        return _page_card(view, item, username)
    if kind == "n" and item in content.needs:
        return _need_card(view, item, username)
    if kind == "u":
        return _urgent_card(view, username)
    return None


def shared_topic_of(view: View, result_id: str) -> str | None:
    """What a chosen result is about, as the share counter records it (`shared_topic`): a
    listing counts for its first need; None for an id we did not make or an item now gone."""
    parsed = parse_result_id(result_id)
    if parsed is None:
        return None
    kind, item = parsed
    content = view.catalog.content
    link: DeepLink | None = None
    if kind == "r" and item in content.resources:
        link = DeepLink(need_id=next(iter(content.resources[item].needs), None))
    elif kind == "n" and item in content.needs:
        link = DeepLink(need_id=item)
    elif kind == "p" and item in content.pages:
        link = DeepLink(page_id=item)
    elif kind == "u":
        link = DeepLink(section=Section.URGENT)
    return None if link is None else screens.shared_topic(link)


@dataclass(frozen=True)
class _Item:
    """What a card shows before it is dressed: its id, list title and line, text and link."""

    id: str
    title: str
    description: str
    messages: tuple[str, ...]
    link: DeepLink


def _card(view: View, item: _Item, username: str) -> InlineCard:
    """A card: the line naming the bot, the screen's text (cut to one message with a note when
    longer), and the button to the same item in the bot."""
    tr = view.tr
    source = italic(
        tr.gettext("From @%(bot)s, a private Telegram bot. It knows nothing about who shared this.")
        % {"bot": username.removeprefix("@")}
    )
    body = "\n\n".join(item.messages)
    if telegram_length(body) > CARD_LIMIT:
        more = italic(tr.gettext("More in the bot: tap the button below."))
        body = split_messages([body], CARD_LIMIT)[0] + "\n\n" + more
    return InlineCard(
        id=item.id,
        title=item.title,
        description=item.description[:DESCRIPTION_LIMIT],
        text=f"{source}\n\n{body}",
        button_label=tr.pgettext("button", "Open in the bot"),
        url=start_link(username, item.link),
    )


def _link(view: View, region_id: str | None = None) -> DeepLink:
    """A link in the person's language and area (or `region_id`); callers add the topic."""
    region = region_id or (view.region.id if view.region else None)
    return DeepLink(locale=view.state.locale, region_id=region)


def _resource_card(view: View, resource: Resource, username: str) -> InlineCard:
    screen = screens.resource_card(view, ShowResource(resource.id))
    hood = view.catalog.content.neighbourhoods[resource.neighbourhood_id]
    line = f"{open_status(view, resource)} · {hood.name.get(view.state.locale)}"
    link = replace(_link(view, resource.region_id), resource_id=resource.id)
    title = resource.name.get(view.state.locale)
    return _card(view, _Item(f"r.{resource.id}", title, line, screen.messages, link), username)


def _page_card(view: View, page_id: str, username: str) -> InlineCard:
    text = view.catalog.content.pages[page_id].text(view.state.locale)
    screen = screens.page_screen(view, ShowPage(page_id))
    first = next((line for line in text.body.splitlines() if line.strip()), "")
    link = replace(_link(view), page_id=page_id)
    item = _Item(f"p.{page_id}", text.title, first.strip("#- "), screen.messages, link)
    return _card(view, item, username)


def _need_card(view: View, need_id: str, username: str) -> InlineCard:
    tr = view.tr
    name = view.catalog.content.needs[need_id].name.get(view.state.locale)
    link = replace(_link(view), need_id=need_id)
    if view.region is None:
        line = tr.gettext("Open the bot and choose your area to see the places.")
        message = f"{bold(name)}\n\n{esc(line)}"
        return _card(view, _Item(f"n.{need_id}", name, line, (message,), link), username)
    places = _need_places(view, need_id)
    count = tr.ngettext(
        "%(count)d place in %(area)s", "%(count)d places in %(area)s", len(places)
    ) % {"count": len(places), "area": view.region.name.get(view.state.locale)}
    blocks = [bold(name), esc(count)]
    if view.region.sample:
        blocks.append(sample_note(view))
    blocks.extend(list_line(view, i + 1, r, None) for i, r in enumerate(places[:NEED_CARD_PLACES]))
    item = _Item(f"n.{need_id}", name, count, split_messages(blocks), link)
    return _card(view, item, username)


def _need_places(view: View, need_id: str) -> list[Resource]:
    """The need's places in the person's area, in the order the bot lists them."""
    region_id = view.region.id if view.region else ""
    return list(view.catalog.open_now.ranked(region_id, need_id, view.state.locale, view.now))


def _urgent_card(view: View, username: str) -> InlineCard:
    tr = view.tr
    messages = screens.urgent_messages(view) or (esc(tr.gettext("Nothing here yet.")),)
    title = tr.pgettext("menu", "🆘 Urgent help")
    line = tr.gettext("Emergency numbers, overdose steps, and which lines may send police.")
    link = replace(_link(view), section=Section.URGENT)
    return _card(view, _Item("u", title, line, messages, link), username)
