"""Pieces several screens share: open status, community marks, warnings, the list line."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from bot.domain.hours import OpenState
from bot.domain.models import Resource, YesNo
from bot.domain.open_now import COMMUNITY_LED, minute_of
from bot.ui import labels
from bot.ui.actions import Filter
from bot.ui.render import bold, esc, italic
from bot.ui.screens.view import View

# Beyond this, "opens Monday" would read as this coming Monday: name the date instead.
DAYS_NAMED_BY_WEEKDAY = 6
# Read once: an enum member read through its class costs about 0.1 µs in CPython 3.11, and
# these are asked of every listing a list draws.
_OPEN, _CLOSED = OpenState.OPEN, OpenState.CLOSED
_NO = YesNo.NO
_MINUTE, _DAY, _NO_TIME = dt.timedelta(minutes=1), dt.timedelta(hours=24), dt.timedelta(0)


def open_status(view: View, resource: Resource, now: dt.datetime | None = None) -> str:
    """In words: "Open now, until 9 PM", "Closed, opens Monday 9:00 AM", "Hours not known";
    at `now`, or at the view's moment. Worked out once a minute per schedule and language
    (many places share a schedule), when it reads the same all minute."""
    now = view.now if now is None else now
    hours = resource.hours
    if hours is None:
        return view.tr.gettext("Hours not known")
    minute = minute_of(now)
    if now != minute and not reads_alike_all_minute(resource, now):
        return _status_words(view, resource, now)
    return view.statuses.get(
        (hours, view.state.locale, minute), lambda: _status_words(view, resource, minute)
    )


def reads_alike_all_minute(resource: Resource, now: dt.datetime) -> bool:
    """Whether the resource's hours read the same at every moment of `now`'s minute: hours
    change on whole minutes of their zone, so they do unless the zone's offset (or now's) has
    seconds, as Monrovia's had until 1972; then they are worked out for the moment itself."""
    zones = [now.utcoffset()]
    if resource.hours is not None:
        zones.append(now.astimezone(resource.hours.zone).utcoffset())
    return all(offset is not None and offset % _MINUTE == _NO_TIME for offset in zones)


def _status_words(view: View, resource: Resource, now: dt.datetime) -> str:
    """`open_status` at exactly `now`."""
    tr = view.tr
    status = view.catalog.open_now.status(resource, now)
    if resource.hours is None or status is None:
        return tr.gettext("Hours not known")
    change = status.next_change
    if status.state is _OPEN:
        if change is None:
            return tr.gettext("Open 24/7")
        if change - now <= _DAY:
            return tr.gettext("Open now, until %(time)s") % {"time": tr.time(change)}
        return tr.gettext("Open now")
    if status.state is _CLOSED and change is not None:
        local_now = now.astimezone(resource.hours.zone)
        if change.date() == local_now.date():
            return tr.gettext("Closed, opens at %(time)s") % {"time": tr.time(change)}
        day = (
            tr.weekday(change)
            if change.date() - local_now.date() <= dt.timedelta(days=DAYS_NAMED_BY_WEEKDAY)
            else tr.date(change.date())
        )
        return tr.gettext("Closed, opens %(day)s %(time)s") % {"day": day, "time": tr.time(change)}
    return tr.gettext("Hours not known")


def passes(view: View, resource: Resource, filters: Filter) -> bool:
    """Whether a resource passes every filter; unknown facts never pass a filter."""
    return filter_check(view, filters)(resource)


def filter_check(view: View, filters: Filter) -> Callable[[Resource], bool]:
    """`passes` for many resources: the filters and this minute's statuses looked up once."""
    if not filters:
        return _everything
    statuses = view.catalog.open_now.at(view.now)
    now = view.now
    open_now = Filter.OPEN_NOW in filters
    no_police = Filter.NO_POLICE in filters
    no_id = Filter.NO_ID in filters
    peer_led = Filter.COMMUNITY_LED in filters

    def check(resource: Resource) -> bool:
        if open_now and not statuses.is_open(resource, now):
            return False
        if no_police and resource.access.involves_police is not False:
            return False
        if no_id and resource.access.requires_id is not _NO:
            return False
        return not (peer_led and not resource.community & COMMUNITY_LED)

    return check


def _everything(_resource: Resource) -> bool:
    return True


def community_marks(view: View, resource: Resource) -> str:
    """ "⚑ peer-run and sex-worker-led", or an empty string."""
    return labels.community_marks(view.tr, resource.community)


def warnings(view: View, resource: Resource) -> str:
    """What a person needs to know before tapping: "⚠️ Asks for ID · ...", or ""."""
    return labels.warning(view.tr, resource.access)


def is_stale(view: View, resource: Resource, now: dt.datetime | None = None) -> bool:
    """Not verified within the region's limit (or never), at `now` or the view's moment."""
    region = view.catalog.content.regions[resource.region_id]
    if resource.verified is None:
        return True
    today = (view.now if now is None else now).date()
    return (today - resource.verified.date).days > region.stale_after_days


def stale_note(view: View) -> str:
    """The plain note on listings nobody has checked for a while."""
    return view.tr.gettext("Not checked recently: call before you go.")


def list_line(view: View, number: int, resource: Resource, distance: float | None) -> str:
    """One numbered entry of a list: name, open status, place, distance, marks, warnings."""
    heading = bold(f"{number}. {resource.name.get(view.state.locale)}")
    if distance is not None:
        # A distance may come from a person's location: never kept (see `View.lines`).
        return f"{heading}\n{_line_details(view, resource, distance, view.now)}"
    minute = minute_of(view.now)
    details = view.lines.get(
        (resource.id, view.state.locale, minute),
        lambda: _line_details(view, resource, None, minute),
    )
    return f"{heading}\n{details}"


def _line_details(view: View, resource: Resource, distance: float | None, now: dt.datetime) -> str:
    """A list entry under its name, at `now` (a kept entry is drawn for its minute's start,
    without a copy of the view): open status, place, distance, marks, then warnings."""
    content = view.catalog.content
    hood = content.neighbourhoods[resource.neighbourhood_id]
    parts = [open_status(view, resource, now), hood.name.get(view.state.locale)]
    if distance is not None:
        region = content.regions[resource.region_id]
        parts.append(view.tr.distance(distance, region.distance_unit))
    marks = community_marks(view, resource)
    if marks:
        parts.append(marks)
    if resource.sample:
        parts.append(view.tr.pgettext("mark", "[sample]"))
    lines = [esc(" · ".join(parts))]
    warning = warnings(view, resource)
    if warning:
        lines.append(esc(warning))
    if is_stale(view, resource, now):
        lines.append(italic(stale_note(view)))
    return "\n".join(lines)
