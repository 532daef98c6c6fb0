"""Screens: pure functions from (state, locale, content, time) to text and buttons.

Nothing here knows about Telegram or the terminal; both render these same screens.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.domain.catalog import Catalog
from bot.domain.geo import Nearby, distance_km, nearest, resource_point
from bot.domain.hours import OpenState
from bot.domain.models import (
    Community,
    GeoPoint,
    LocalizedText,
    Page,
    Region,
    Resource,
    Section,
    YesNo,
)
from bot.i18n import Translator, language_name, language_name_in
from bot.ui.actions import (
    Action,
    ChooseArea,
    ChooseLanguage,
    Filter,
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
)
from bot.ui.labels import access_lines, community_label, verification_label
from bot.ui.render import Button, Screen, bold, esc, italic, split_messages

PAGE_SIZE = 5
SEARCH_LIMIT = 8
QUERY_ECHO_LIMIT = 60
COMMUNITY_LED = frozenset({Community.SEX_WORKER_LED, Community.PEER_RUN})


@dataclass(frozen=True)
class UserState:
    """What the conversation remembers about a user: their language and area, nothing else."""

    locale: str
    region_id: str | None = None


@dataclass(frozen=True)
class View:
    """Everything a screen needs to render."""

    catalog: Catalog
    state: UserState
    tr: Translator
    now: dt.datetime
    locales: tuple[str, ...]

    @property
    def region(self) -> Region | None:
        regions = self.catalog.content.regions
        return regions.get(self.state.region_id or "")

    def text(self, value: LocalizedText) -> str:
        """Escaped content text in the user's locale, with a visible note when it fell back."""
        shown = esc(value.get(self.state.locale))
        if value.has(self.state.locale):
            return shown
        note = self.tr.gettext("(not yet translated)")
        return f"{shown} {italic(note)}"


def _menu_button(view: View) -> Button:
    return Button(view.tr.pgettext("button", "☰ Menu"), ShowMenu())


def _rows(buttons: list[Button], per_row: int) -> tuple[tuple[Button, ...], ...]:
    return tuple(tuple(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row))


def _sample_note(view: View) -> str:
    return italic(
        view.tr.gettext(
            "Sample listings: these organisations are made up, to show how the bot works."
            " This is not a real directory."
        )
    )


# Welcome, language, area, menu


def welcome(view: View) -> Screen:
    """The first screen: what this is, in a discreet way, and the language choice."""
    tr = view.tr
    text = [
        bold(tr.gettext("Hi.")),
        esc(
            tr.gettext(
                "This is a private guide to local services: supplies, drop-ins, health care,"
                " legal help, your rights and more. Every service here is open to everyone."
            )
        ),
        esc(
            tr.gettext(
                "You never have to say who you are or what you do. Type a word like"
                " “condoms” or “lawyer” at any time, or use the buttons."
            )
        ),
    ]
    buttons = [Button(language_name(code), SetLanguage(code)) for code in view.locales]
    next_step: Action = ShowMenu() if view.region is not None else ChooseArea()
    return Screen(
        (("\n\n".join(text)),),
        (*_rows(buttons, 3), (Button(tr.pgettext("button", "Continue ▶"), next_step),)),
    )


def language_picker(view: View) -> Screen:
    tr = view.tr
    buttons = [Button(language_name(code), SetLanguage(code)) for code in view.locales]
    note = tr.gettext("Translations are drafts until people from the community have reviewed them.")
    return Screen(
        (esc(tr.gettext("Choose your language:")) + "\n\n" + italic(note),),
        (*_rows(buttons, 3), (_menu_button(view),)),
    )


def area_picker(view: View) -> Screen:
    tr = view.tr
    buttons = [
        Button(region.name.get(view.state.locale), SetArea(region.id))
        for region in view.catalog.content.regions.values()
    ]
    return Screen(
        (esc(tr.gettext("Which area do you want services for?")),),
        (*_rows(buttons, 1),),
    )


def main_menu(view: View) -> Screen:
    tr = view.tr
    if view.region is None:
        return area_picker(view)
    lines = [
        bold(tr.gettext("What do you need?")),
        esc(tr.gettext("Area: %(area)s") % {"area": view.region.name.get(view.state.locale)}),
        esc(tr.gettext("You can also type what you are looking for.")),
    ]
    if view.region.sample:
        lines.append(_sample_note(view))
    buttons = (
        (
            Button(tr.pgettext("menu", "🧭 Find help"), ShowNeeds()),
            Button(tr.pgettext("menu", "📍 Near a place"), ShowPlaces()),
        ),
        (
            Button(tr.pgettext("menu", "⚖️ Know your rights"), ShowSection(Section.RIGHTS)),
            Button(
                tr.pgettext("menu", "Choice, circumstance, coercion"),
                ShowSection(Section.SPECTRUM),
            ),
        ),
        (
            Button(tr.pgettext("menu", "🛡 Safety tips"), ShowSection(Section.SAFETY)),
            Button(tr.pgettext("menu", "🆘 Urgent help"), ShowSection(Section.URGENT)),
        ),
        (
            Button(tr.pgettext("menu", "🌐 Language"), ChooseLanguage()),
            Button(tr.pgettext("menu", "🗺 Area"), ChooseArea()),
            Button(tr.pgettext("menu", "🔒 Privacy"), ShowPrivacy()),
        ),
    )
    return Screen(("\n\n".join(lines),), buttons)


def needs_menu(view: View) -> Screen:
    tr = view.tr
    buttons = [
        Button(need.name.get(view.state.locale), ShowNeed(need.id))
        for need in view.catalog.content.needs.values()
    ]
    return Screen(
        (esc(tr.gettext("What are you looking for?")),),
        (*_rows(buttons, 1), (_menu_button(view),)),
    )


def places_menu(view: View) -> Screen:
    tr = view.tr
    region = view.region
    if region is None:
        return area_picker(view)
    hoods = [h for h in view.catalog.content.neighbourhoods.values() if h.region_id == region.id]
    buttons = [Button(h.name.get(view.state.locale), ShowNearby(h.id)) for h in hoods]
    text = tr.gettext(
        "Pick a neighbourhood, or type its name. In Telegram you can also send a location:"
        " it is used for that one answer and never kept."
    )
    return Screen((esc(text),), (*_rows(buttons, 2), (_menu_button(view),)))


# Lists of resources


def open_status(view: View, resource: Resource) -> str:
    """ "Open now, until 9 PM", "Closed, opens Monday 9:00 AM", or "Hours not known"."""
    tr = view.tr
    if resource.hours is None:
        return tr.gettext("Hours not known")
    status = resource.hours.status(view.now)
    change = status.next_change
    if status.state is OpenState.OPEN:
        if change is None:
            return tr.gettext("Open 24/7")
        if change - view.now <= dt.timedelta(hours=24):
            return tr.gettext("Open now, until %(time)s") % {"time": tr.time(change)}
        return tr.gettext("Open now")
    if status.state is OpenState.CLOSED and change is not None:
        local_now = view.now.astimezone(resource.hours.zone)
        if change.date() == local_now.date():
            return tr.gettext("Closed, opens at %(time)s") % {"time": tr.time(change)}
        if change - view.now <= dt.timedelta(days=6):
            return tr.gettext("Closed, opens %(day)s %(time)s") % {
                "day": tr.weekday(change),
                "time": tr.time(change),
            }
        return tr.gettext("Closed for now")
    return tr.gettext("Hours not known")


def _is_open(view: View, resource: Resource) -> bool:
    return resource.hours is not None and resource.hours.status(view.now).state is OpenState.OPEN


def passes(view: View, resource: Resource, filters: Filter) -> bool:
    """Whether a resource passes every filter; unknown facts never pass a filter."""
    if Filter.OPEN_NOW in filters and not _is_open(view, resource):
        return False
    if Filter.NO_POLICE in filters and resource.access.involves_police is not False:
        return False
    if Filter.NO_ID in filters and resource.access.requires_id is not YesNo.NO:
        return False
    return not (Filter.COMMUNITY_LED in filters and not resource.community & COMMUNITY_LED)


def _marks(view: View, resource: Resource) -> str:
    marks = [
        community_label(view.tr, mark) for mark in sorted(resource.community, key=lambda m: m.value)
    ]
    return f"⚑ {view.tr.join(marks)}" if marks else ""


def _list_line(view: View, number: int, resource: Resource, distance: float | None) -> str:
    content = view.catalog.content
    hood = content.neighbourhoods[resource.neighbourhood_id]
    parts = [open_status(view, resource), hood.name.get(view.state.locale)]
    if distance is not None:
        region = content.regions[resource.region_id]
        parts.append(view.tr.distance(distance, region.distance_unit))
    marks = _marks(view, resource)
    if marks:
        parts.append(marks)
    if resource.sample:
        parts.append(view.tr.pgettext("mark", "[sample]"))
    name = resource.name.get(view.state.locale)
    return f"{bold(f'{number}. {name}')}\n{esc(' · '.join(parts))}"


def _filter_buttons(view: View, action: ShowNeed | ShowNearby) -> tuple[Button, ...]:
    tr = view.tr
    labels = {
        Filter.OPEN_NOW: tr.pgettext("filter", "Open now"),
        Filter.NO_POLICE: tr.pgettext("filter", "No police"),
        Filter.NO_ID: tr.pgettext("filter", "No ID"),
        Filter.COMMUNITY_LED: tr.pgettext("filter", "Peer-led"),
    }
    buttons = []
    for flag, label in labels.items():
        on = flag in action.filters
        toggled = type(action)(_target(action), action.filters ^ flag, 0)
        buttons.append(Button(f"{'☑' if on else '☐'} {label}", toggled))
    return tuple(buttons)


def _target(action: ShowNeed | ShowNearby) -> str:
    return action.need_id if isinstance(action, ShowNeed) else action.neighbourhood_id


def _resource_list(
    view: View,
    action: ShowNeed | ShowNearby,
    header: str,
    entries: list[tuple[Resource, float | None]],
    back: Button,
) -> Screen:
    tr = view.tr
    shown = [(r, d) for r, d in entries if passes(view, r, action.filters)]
    pages = max(1, -(-len(shown) // PAGE_SIZE))
    page = min(action.page, pages - 1)
    chunk = shown[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    blocks = [header]
    if view.region is not None and view.region.sample:
        blocks.append(_sample_note(view))
    if action.filters:
        blocks.append(italic(tr.gettext("Filters show only places where this is confirmed.")))
    if not shown:
        blocks.append(
            esc(
                tr.gettext("No places match these filters.")
                if action.filters
                else tr.gettext("No places listed here yet.")
            )
        )
    else:
        blocks.append(
            esc(
                tr.ngettext("%(count)d place", "%(count)d places", len(shown))
                % {"count": len(shown)}
            )
        )
    start = page * PAGE_SIZE
    blocks.extend(_list_line(view, start + i + 1, r, d) for i, (r, d) in enumerate(chunk))
    pick = [
        Button(
            f"{start + i + 1}. {r.name.get(view.state.locale)}",
            ShowResource(r.id, type(action)(_target(action), action.filters, page)),
        )
        for i, (r, _d) in enumerate(chunk)
    ]
    paging = []
    if page > 0:
        paging.append(Button(tr.pgettext("button", "◀ Previous"), _with_page(action, page - 1)))
    if page + 1 < pages and page + 1 <= 99:
        paging.append(Button(tr.pgettext("button", "Next ▶"), _with_page(action, page + 1)))
    if pages > 1:
        blocks.append(
            esc(tr.gettext("Page %(page)d of %(pages)d") % {"page": page + 1, "pages": pages})
        )
    filters = _filter_buttons(view, action)
    return Screen(
        split_messages(blocks),
        (
            *_rows(pick, 1),
            *((tuple(paging),) if paging else ()),
            filters[:2],
            filters[2:],
            (back, _menu_button(view)),
        ),
    )


def _with_page(action: ShowNeed | ShowNearby, page: int) -> ShowNeed | ShowNearby:
    return type(action)(_target(action), action.filters, page)


def _sort_key(view: View, resource: Resource) -> tuple[int, dt.datetime, bool, str]:
    """Open now first, then whatever opens soonest, peer-led first among equals."""
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    if resource.hours is None:
        rank, opens = 2, far
    else:
        status = resource.hours.status(view.now)
        rank = 0 if status.state is OpenState.OPEN else 1
        opens = far if rank == 0 or status.next_change is None else status.next_change
    return (
        rank,
        opens,
        not resource.community & COMMUNITY_LED,
        resource.name.get(view.state.locale).casefold(),
    )


def need_list(view: View, action: ShowNeed) -> Screen:
    """Resources for one need in the user's area: open now and peer-led first."""
    content = view.catalog.content
    need = content.needs.get(action.need_id)
    if need is None:
        return out_of_date(view)
    if view.region is None:
        return area_picker(view)
    found = [r for r in content.resources_in(view.region.id) if need.id in r.needs]
    found.sort(key=lambda r: _sort_key(view, r))
    header = bold(need.name.get(view.state.locale))
    blocks_header = header
    if need.urgent:
        lines_note = view.tr.gettext("National lines are under Urgent help.")
        blocks_header = f"{header}\n{esc(lines_note)}"
    back = Button(view.tr.pgettext("button", "◀ Needs"), ShowNeeds())
    return _resource_list(view, action, blocks_header, [(r, None) for r in found], back)


def nearby_list(view: View, action: ShowNearby) -> Screen:
    """Resources in the user's area, closest to a neighbourhood's centre first."""
    content = view.catalog.content
    hood = content.neighbourhoods.get(action.neighbourhood_id)
    if hood is None:
        return out_of_date(view)
    region_id = hood.region_id
    found = nearest(content, hood.center, content.resources_in(region_id))
    header = bold(view.tr.gettext("Near %(place)s") % {"place": hood.name.get(view.state.locale)})
    back = Button(view.tr.pgettext("button", "◀ Places"), ShowPlaces())
    return _resource_list(view, action, header, [(n.resource, n.distance_km) for n in found], back)


def nearest_to_point(view: View, point: GeoPoint) -> Screen:
    """The closest resources to a shared location (the point is used here and dropped)."""
    tr = view.tr
    content = view.catalog.content
    pool = (
        content.resources_in(view.region.id) if view.region else tuple(content.resources.values())
    )
    found: list[Nearby] = nearest(content, point, pool)[: PAGE_SIZE * 2]
    blocks = [bold(tr.gettext("Closest to the location you sent"))]
    if view.region is not None and view.region.sample:
        blocks.append(_sample_note(view))
    if not found:
        blocks.append(esc(tr.gettext("No places listed here yet.")))
    blocks.extend(_list_line(view, i + 1, n.resource, n.distance_km) for i, n in enumerate(found))
    pick = [
        Button(f"{i + 1}. {n.resource.name.get(view.state.locale)}", ShowResource(n.resource.id))
        for i, n in enumerate(found)
    ]
    return Screen(split_messages(blocks), (*_rows(pick, 1), (_menu_button(view),)))


# One resource


def _labelled(label: str, value_html: str) -> str:
    """An escaped label followed by an already escaped value."""
    return f"{esc(label)} {value_html}"


def _address(view: View, resource: Resource) -> list[str]:
    tr = view.tr
    hood = view.catalog.content.neighbourhoods[resource.neighbourhood_id]
    hood_name = hood.name.get(view.state.locale)
    if resource.confidential_address:
        return [
            "📍 "
            + esc(
                tr.gettext(
                    "%(area)s. The address is confidential: they share it when you contact them."
                )
                % {"area": hood_name}
            )
        ]
    lines = []
    for location in resource.locations:
        a = location.address
        street = ", ".join(p for p in (a.address_1, a.address_2) if p)
        place = " ".join(p for p in (a.state_province, a.postal_code) if p)
        lines.append(
            f"📍 {esc(', '.join(p for p in (street, a.city, place) if p))} ({esc(hood_name)})"
        )
    return lines


def _week(view: View, resource: Resource) -> list[str]:
    tr = view.tr
    if resource.hours is None:
        return []
    lines = [bold(tr.gettext("Hours"))]
    for day in resource.hours.week(view.now):
        name = tr.weekday(day.day)
        if day.all_day:
            spans = tr.gettext("open all day")
        elif not day.intervals:
            spans = tr.gettext("closed")
        else:
            spans = ", ".join(f"{tr.time(b)}–{tr.time(f)}" for b, f in day.intervals)
        lines.append(esc(f"{name}: {spans}"))
    return ["\n".join(lines)]


def resource_card(view: View, action: ShowResource) -> Screen:
    """Everything known about one resource, with what it asks of people up front."""
    tr = view.tr
    resource = view.catalog.content.resources.get(action.resource_id)
    if resource is None:
        return out_of_date(view)
    head = [bold(resource.name.get(view.state.locale))]
    if resource.organization:
        head.append(view.text(resource.organization))
    head.append(esc(open_status(view, resource)))
    marks = _marks(view, resource)
    if marks:
        head.append(esc(marks))
    blocks = ["\n".join(head)]
    if resource.sample:
        blocks.append(_sample_note(view))
    blocks.append(view.text(resource.description))
    details = _address(view, resource)
    for phone in resource.phones:
        note = f" ({view.text(phone.description)})" if phone.description else ""
        details.append(f"☎️ {esc(phone.number)}{note}")
    if resource.url:
        details.append(f"🌐 {esc(resource.url)}")
    if resource.email:
        details.append(f"✉️ {esc(resource.email)}")
    if resource.languages:
        names = [language_name_in(code, view.state.locale) for code in resource.languages]
        details.append(esc(tr.gettext("Languages: %(languages)s") % {"languages": tr.join(names)}))
    if resource.fees_description:
        details.append(_labelled(tr.gettext("About cost:"), view.text(resource.fees_description)))
    if resource.eligibility_description:
        details.append(
            _labelled(tr.gettext("Who it is for:"), view.text(resource.eligibility_description))
        )
    if resource.required_documents:
        docs = ", ".join(view.text(d) for d in resource.required_documents)
        details.append(_labelled(tr.gettext("Documents they ask for:"), docs))
    blocks.append("\n".join(details))
    asks = [bold(tr.gettext("What they ask of you"))]
    asks.extend(esc(line) for line in access_lines(tr, resource.access))
    blocks.append("\n".join(asks))
    blocks.extend(_week(view, resource))
    if resource.verified is not None:
        blocks.append(
            italic(
                tr.gettext("Last checked %(date)s, %(method)s.")
                % {
                    "date": tr.date(resource.verified.date),
                    "method": verification_label(tr, resource.verified.method),
                }
            )
        )
    else:
        blocks.append(italic(tr.gettext("Not yet checked by the people who keep this list.")))
    row = []
    if action.back is not None:
        row.append(Button(tr.pgettext("button", "◀ Back to list"), action.back))
    row.append(_menu_button(view))
    return Screen(split_messages(blocks), (tuple(row),))


# Pages


def _body_blocks(body: str) -> list[str]:
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
    return blocks


def page_screen(view: View, action: ShowPage) -> Screen:
    """A rights, spectrum, safety or urgent page, split into messages, with its sources."""
    page = view.catalog.content.pages.get(action.page_id)
    if page is None:
        return out_of_date(view)
    return Screen(_page_messages(view, page), (_page_buttons(view, page),))


def _page_messages(view: View, page: Page) -> tuple[str, ...]:
    tr = view.tr
    text = page.text(view.state.locale)
    blocks = [bold(text.title)]
    if view.state.locale not in page.texts:
        blocks.append(italic(tr.gettext("This page is not yet translated into your language.")))
    blocks.extend(_body_blocks(text.body))
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
    if page.section is not Section.URGENT:
        row.append(Button(tr.pgettext("menu", "🆘 Urgent help"), ShowSection(Section.URGENT)))
    row.append(_menu_button(view))
    return tuple(row)


def section_screen(view: View, action: ShowSection) -> Screen:
    """A section: a list of its pages, or the page itself when there is only one."""
    tr = view.tr
    pages = view.catalog.content.pages_in(action.section)
    if len(pages) == 1:
        return page_screen(view, ShowPage(pages[0].id))
    if not pages:
        return Screen((esc(tr.gettext("Nothing here yet.")),), ((_menu_button(view),),))
    buttons = [Button(p.text(view.state.locale).title, ShowPage(p.id)) for p in pages]
    intro = tr.gettext(
        "General information, not legal advice. For your situation, ask a lawyer: see"
        " Legal help under Find help."
    )
    return Screen(
        (bold(tr.gettext("Know your rights")) + "\n\n" + esc(intro),),
        (*_rows(buttons, 1), (_menu_button(view),)),
    )


def urgent_messages(view: View) -> tuple[str, ...]:
    """The urgent-help page's messages, shown first when a message sounds urgent."""
    pages = view.catalog.content.pages_in(Section.URGENT)
    return _page_messages(view, pages[0]) if pages else ()


# Privacy, help, errors


def privacy(view: View) -> Screen:
    tr = view.tr
    text = [
        bold(tr.gettext("What this bot keeps")),
        "• "
        + esc(
            tr.gettext(
                "Your language and area choice, filed under a scrambled code made from your"
                " account, never your account number itself."
            )
        ),
        "• "
        + esc(
            tr.gettext(
                "Nothing you type, no name, no username, no phone number. A location you send"
                " is used for that one answer and never kept."
            )
        ),
        "• "
        + esc(tr.gettext("Counts with no names or numbers, such as how often a list was opened.")),
        esc(tr.gettext("/forget erases your language and area choice at once.")),
        esc(
            tr.gettext(
                "Telegram keeps this chat on your phone until you delete it. If someone else"
                " checks your phone, you can delete the chat at any time."
            )
        ),
    ]
    return Screen(("\n\n".join(text),), ((_menu_button(view),),))


def forgotten(view: View) -> Screen:
    """Confirms that the saved language and area were erased."""
    text = view.tr.gettext(
        "Done: your saved language and area are erased. Send /start to begin again."
    )
    return Screen((esc(text),))


def help_screen(view: View) -> Screen:
    tr = view.tr
    text = [
        bold(tr.gettext("How to use this bot")),
        esc(tr.gettext("Type what you need in a word or two, like “shower” or “abogado”.")),
        esc(tr.gettext("Type a neighbourhood name to see what is close to it.")),
        esc(tr.gettext("Commands: /menu main menu, /language, /area, /rights, /privacy, /forget.")),
    ]
    return Screen(("\n\n".join(text),), ((_menu_button(view),),))


def out_of_date(view: View) -> Screen:
    """For buttons the bot can no longer follow (old, changed or not ours)."""
    return Screen(
        (esc(view.tr.gettext("This button is out of date. Here is the menu again.")),),
        ((_menu_button(view),),),
    )


def unknown_command(view: View) -> Screen:
    return Screen(
        (esc(view.tr.gettext("I don't know that command. Try /menu or /help.")),),
        ((_menu_button(view),),),
    )


# Search


def search_results(view: View, query: str) -> Screen:
    """What a typed message matched: urgent help first when it sounds urgent, then places."""
    tr = view.tr
    catalog = view.catalog
    region_id = view.region.id if view.region else None
    result = catalog.index.search(query, region_id, limit=SEARCH_LIMIT * 3)
    echo = query.strip()
    if len(echo) > QUERY_ECHO_LIMIT:
        echo = echo[:QUERY_ECHO_LIMIT] + "…"
    messages: list[str] = []
    if result.urgent:
        messages.extend(urgent_messages(view))
    hood = result.neighbourhood
    if hood is not None and not result.resources and not result.needs:
        nearby = nearby_list(view, ShowNearby(hood.id))
        return Screen((*messages, *nearby.messages), nearby.buttons)
    resources = list(result.resources)
    distances: dict[str, float] = {}
    if hood is not None:
        for resource in resources:
            where = resource_point(catalog.content, resource)
            if where is not None:
                distances[resource.id] = distance_km(hood.center, where)
        resources.sort(key=lambda r: distances.get(r.id, float("inf")))
    resources = resources[:SEARCH_LIMIT]
    pages = [p for p in result.pages[:2] if p.section is not Section.URGENT or not result.urgent]
    blocks = [bold(tr.gettext("Results for “%(query)s”") % {"query": echo})]
    if pages:
        blocks.append(esc(tr.gettext("Pages that may help are in the buttons below.")))
    if not resources and not pages:
        blocks.append(
            esc(
                tr.gettext(
                    "Nothing found. Try one simple word, like “food”, “shower” or “comida”,"
                    " or browse the list of needs."
                )
            )
        )
    if resources:
        if view.region is not None and view.region.sample:
            blocks.append(_sample_note(view))
        blocks.extend(
            _list_line(view, i + 1, r, distances.get(r.id)) for i, r in enumerate(resources)
        )
    buttons = [
        Button(f"{i + 1}. {r.name.get(view.state.locale)}", ShowResource(r.id))
        for i, r in enumerate(resources)
    ]
    extra = [
        Button(
            tr.gettext("All: %(need)s") % {"need": need.name.get(view.state.locale)},
            ShowNeed(need.id),
        )
        for need in result.needs[:2]
    ]
    if hood is not None:
        extra.append(
            Button(
                tr.gettext("Near %(place)s") % {"place": hood.name.get(view.state.locale)},
                ShowNearby(hood.id),
            )
        )
    extra.extend(
        Button(f"📄 {page.text(view.state.locale).title}", ShowPage(page.id)) for page in pages
    )
    return Screen(
        (*messages, *split_messages(blocks)),
        (
            *_rows(buttons, 1),
            *_rows(extra, 1),
            (Button(tr.pgettext("menu", "🧭 Find help"), ShowNeeds()), _menu_button(view)),
        ),
    )
