"""Lists of resources (by need, near a place, open now, near a shared location), with filters
and pages; every list keeps its filters, its way back and urgent help."""

from __future__ import annotations

import functools
from collections.abc import Sequence

from bot.domain.geo import nearest
from bot.domain.models import GeoPoint, Neighbourhood, Resource
from bot.domain.open_now import ALL_NEEDS
from bot.domain.ranking import hard_barrier
from bot.i18n import Translator
from bot.ui.actions import (
    Filter,
    ListAction,
    ShowNearby,
    ShowNeed,
    ShowNeeds,
    ShowOpenNow,
    ShowPlaces,
    ShowResource,
    ShowUrgent,
)
from bot.ui.render import Button, Screen, bold, esc, italic, split_messages
from bot.ui.screens.menus import area_picker, out_of_date
from bot.ui.screens.parts import filter_check, list_line
from bot.ui.screens.view import View, nav_row, rows, sample_note

PAGE_SIZE = 5
# A list's places in order, each with its distance when it has one (`Nearby` is such a pair).
Entries = Sequence[tuple[Resource, float | None]]


def filter_buttons(view: View, action: ListAction) -> tuple[tuple[Button, ...], ...]:
    """Two rows of filter switches; each press shows the list again from its first page."""
    buttons = [
        Button(f"{box} {label}", action.with_view(switched, 0))
        for (box, switched), label in zip(
            _switches(action.filters), _filter_labels(view.tr), strict=True
        )
    ]
    return (tuple(buttons[:2]), tuple(buttons[2:]))


# The filters in the order their switches are shown.
_FILTERS = (Filter.OPEN_NOW, Filter.NO_POLICE, Filter.NO_ID, Filter.COMMUNITY_LED)


@functools.cache
def _switches(filters: Filter) -> tuple[tuple[str, Filter], ...]:
    """Each switch's box (☑ when on) and the filters pressing it gives, under `filters`:
    worked out once for each of the sixteen (a flag's operators run in Python)."""
    return tuple(("☑" if flag in filters else "☐", filters ^ flag) for flag in _FILTERS)


@functools.cache
def _filter_labels(tr: Translator) -> tuple[str, ...]:
    """Each filter's label in `tr`'s locale, in `_FILTERS` order, looked up once per
    translator (one per locale): searches and lists near a location draw their filters afresh
    every time."""
    labels = {
        Filter.OPEN_NOW: tr.pgettext("filter", "Open now"),
        Filter.NO_POLICE: tr.pgettext("filter", "No police"),
        Filter.NO_ID: tr.pgettext("filter", "No ID"),
        Filter.COMMUNITY_LED: tr.pgettext("filter", "Peer-led"),
    }
    return tuple(labels[flag] for flag in _FILTERS)


def filter_notes(view: View, action: ListAction, shown: int) -> list[str]:
    """The note that filters show confirmed facts only, and what is left after them."""
    tr = view.tr
    blocks = []
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
    return blocks


def _resource_list(
    view: View, action: ListAction, header: str, entries: Entries, back: Button, place: str = ""
) -> Screen:
    tr = view.tr
    shown = entries
    if action.filters:
        check = filter_check(view, action.filters)
        shown = [entry for entry in entries if check(entry[0])]
    pages = max(1, -(-len(shown) // PAGE_SIZE))
    page = min(action.page, pages - 1)
    chunk = shown[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    blocks = [header]
    if view.region is not None and view.region.sample:
        blocks.append(sample_note(view))
    blocks.extend(filter_notes(view, action, len(shown)))
    if shown:
        blocks.append(
            esc(
                tr.ngettext("%(count)d place", "%(count)d places", len(shown))
                % {"count": len(shown)}
            )
        )
    start = page * PAGE_SIZE
    blocks.extend(list_line(view, start + i + 1, r, d) for i, (r, d) in enumerate(chunk))
    here = action.with_view(action.filters, page)
    pick = [
        Button(f"{start + i + 1}. {r.name.get(view.state.locale)}", ShowResource(r.id, here))
        for i, (r, _d) in enumerate(chunk)
    ]
    paging = []
    if page > 0:
        paging.append(
            Button(tr.pgettext("button", "◀ Previous"), here.with_view(here.filters, page - 1))
        )
    if page + 1 < pages and page + 1 <= 99:
        paging.append(
            Button(tr.pgettext("button", "Next ▶"), here.with_view(here.filters, page + 1))
        )
    if pages > 1:
        blocks.append(
            esc(tr.gettext("Page %(page)d of %(pages)d") % {"page": page + 1, "pages": pages})
        )
    return Screen(
        split_messages(blocks),
        (
            *rows(pick, 1),
            *((tuple(paging),) if paging else ()),
            *filter_buttons(view, action),
            nav_row(view, back, place=place),
        ),
    )


def need_list(view: View, action: ShowNeed) -> Screen:
    """Resources for one need in the user's area: open now and without barriers first."""
    content = view.catalog.content
    need = content.needs.get(action.need_id)
    if need is None:
        return out_of_date(view)
    if view.region is None:
        return area_picker(view)
    found = view.catalog.open_now.ranked(view.region.id, need.id, view.state.locale, view.now)
    header = bold(need.name.get(view.state.locale))
    header += "\n" + esc(
        view.tr.gettext("Send a location to see the closest first.")
        if not need.urgent
        else view.tr.gettext("National lines are under Urgent help.")
    )
    back = Button(view.tr.pgettext("button", "◀ Needs"), ShowNeeds())
    return _resource_list(view, action, header, [(r, None) for r in found], back)


def nearby_list(view: View, action: ShowNearby) -> Screen:
    """Resources closest to a neighbourhood's centre first (of one need, when one is open)."""
    content = view.catalog.content
    hood = content.neighbourhoods.get(action.neighbourhood_id)
    need = content.needs.get(action.need_id) if action.need_id else None
    if hood is None or (action.need_id and need is None):
        return out_of_date(view)
    place = hood.name.get(view.state.locale)
    title = view.tr.gettext("Near %(place)s") % {"place": place}
    if need is not None:
        title = f"{need.name.get(view.state.locale)}: {title}"
    back: Button
    if need is not None:
        back = Button(view.tr.pgettext("button", "◀ Back to list"), ShowNeed(need.id))
    else:
        back = Button(view.tr.pgettext("button", "◀ Places"), ShowPlaces())
    entries = view.catalog.distances.from_centre(hood, action.need_id)
    return _resource_list(view, action, bold(title), entries, back, place=hood.id)


def open_now_list(view: View, action: ShowOpenNow) -> Screen:
    """Places open right now (24/7 included), nearest a known neighbourhood first."""
    content = view.catalog.content
    if view.region is None:
        return area_picker(view)
    hood = content.neighbourhoods.get(action.neighbourhood_id)
    if action.neighbourhood_id and hood is None:
        return out_of_date(view)
    board = view.catalog.open_now
    statuses = board.at(view.now)
    entries: list[tuple[Resource, float | None]]
    if hood is not None:
        open_now = [r for r in board.resources_in(view.region.id) if statuses.is_open(r, view.now)]
        # From a neighbourhood of this area (a button kept from another area: measured anew).
        near = (
            view.catalog.distances.from_centre(hood)
            if hood.region_id == view.region.id
            else nearest(content, hood.center, open_now)
        )
        entries = [n for n in near if statuses.is_open(n.resource, view.now)]
        placed = {r.id for r, _d in entries}
        # Phone lines have no place: after the nearest places, never left out.
        entries.extend((r, None) for r in open_now if r.id not in placed)
    else:
        # Picking from the ranked list gives the order sorting the open places would.
        ranked = board.ranked(view.region.id, ALL_NEEDS, view.state.locale, view.now)
        entries = [(r, None) for r in ranked if statuses.is_open(r, view.now)]
    entries.sort(key=lambda e: hard_barrier(e[0]))
    header = bold(view.tr.gettext("Open now or around the clock"))
    back = Button(view.tr.pgettext("button", "◀ Back"), ShowUrgent(action.neighbourhood_id))
    return _resource_list(view, action, header, entries, back, place=action.neighbourhood_id)


def nearest_neighbourhood(view: View, point: GeoPoint) -> Neighbourhood | None:
    """The neighbourhood of the user's area (of any, with none chosen) whose centre is closest
    to a point."""
    region = view.region
    return view.catalog.distances.nearest_centre(point, region.id if region else None)


def nearest_to_point(view: View, point: GeoPoint) -> Screen:
    """The closest resources to a shared location (of the open need, if any). The point is used
    here and dropped: filter and page buttons carry only the nearest neighbourhood."""
    tr = view.tr
    content = view.catalog.content
    need = content.needs.get(view.state.open_need)
    hood = nearest_neighbourhood(view, point)
    # With no area chosen, the area of the nearest neighbourhood: its places are the nearest,
    # and the buttons below go on from that neighbourhood.
    region_id = view.region.id if view.region else hood.region_id if hood else ""
    found = view.catalog.distances.closest(point, region_id, need.id if need else "", PAGE_SIZE * 2)
    title = tr.gettext("Closest to the location you sent")
    if need is not None:
        title = f"{need.name.get(view.state.locale)}: {title}"
    blocks = [bold(title)]
    if view.region is not None and view.region.sample:
        blocks.append(sample_note(view))
    if not found:
        blocks.append(esc(tr.gettext("No places listed here yet.")))
    blocks.extend(list_line(view, i + 1, n.resource, n.distance_km) for i, n in enumerate(found))
    list_action = ShowNearby(hood.id, need_id=need.id if need else "") if hood else None
    pick = [
        Button(
            f"{i + 1}. {n.resource.name.get(view.state.locale)}",
            ShowResource(n.resource.id, list_action),
        )
        for i, n in enumerate(found)
    ]
    filters = filter_buttons(view, list_action) if list_action else ()
    return Screen(
        split_messages(blocks),
        (*rows(pick, 1), *filters, nav_row(view, place=hood.id if hood else "")),
    )
