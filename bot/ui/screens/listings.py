"""Lists of resources (by need, near a place, near a shared location) with filters and pages."""

from __future__ import annotations

import datetime as dt

from bot.domain.geo import Nearby, nearest
from bot.domain.hours import OpenState
from bot.domain.models import GeoPoint, Resource, YesNo
from bot.ui.actions import Filter, ShowNearby, ShowNeed, ShowNeeds, ShowPlaces, ShowResource
from bot.ui.labels import community_label
from bot.ui.render import Button, Screen, bold, esc, italic, split_messages
from bot.ui.screens.menus import area_picker, out_of_date
from bot.ui.screens.view import COMMUNITY_LED, View, menu_button, rows, sample_note

PAGE_SIZE = 5


def open_status(view: View, resource: Resource) -> str:
    """In words: "Open now, until 9 PM", "Closed, opens Monday 9:00 AM", "Hours not known"."""
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


def community_marks(view: View, resource: Resource) -> str:
    """ "⚑ peer-run and sex-worker-led", or an empty string."""
    marks = [
        community_label(view.tr, mark) for mark in sorted(resource.community, key=lambda m: m.value)
    ]
    return f"⚑ {view.tr.join(marks)}" if marks else ""


def list_line(view: View, number: int, resource: Resource, distance: float | None) -> str:
    """One numbered entry of a list: name, open status, neighbourhood, distance, marks."""
    content = view.catalog.content
    hood = content.neighbourhoods[resource.neighbourhood_id]
    parts = [open_status(view, resource), hood.name.get(view.state.locale)]
    if distance is not None:
        region = content.regions[resource.region_id]
        parts.append(view.tr.distance(distance, region.distance_unit))
    marks = community_marks(view, resource)
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
        blocks.append(sample_note(view))
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
    blocks.extend(list_line(view, start + i + 1, r, d) for i, (r, d) in enumerate(chunk))
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
            *rows(pick, 1),
            *((tuple(paging),) if paging else ()),
            filters[:2],
            filters[2:],
            (back, menu_button(view)),
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
        blocks.append(sample_note(view))
    if not found:
        blocks.append(esc(tr.gettext("No places listed here yet.")))
    blocks.extend(list_line(view, i + 1, n.resource, n.distance_km) for i, n in enumerate(found))
    pick = [
        Button(f"{i + 1}. {n.resource.name.get(view.state.locale)}", ShowResource(n.resource.id))
        for i, n in enumerate(found)
    ]
    return Screen(split_messages(blocks), (*rows(pick, 1), (menu_button(view),)))
